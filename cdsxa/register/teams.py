"""Community digital technology teams (Tổ CNSCĐ): teams, members, their training.

Changing a team, its members or their training needs EDIT_RECORDS for the
team's village (a team member: their own). Anyone signed in may list teams and
members (VIEW_COUNTS); a member's phone is shown in full only to those who may
see personal data of the member's village, and masked (090•••••67) otherwise.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.formatting import mask_phone
from cdsxa.common.ids import MemberId, PersonId, TeamId, VillageId
from cdsxa.common.text import clean, fold
from cdsxa.commune import calendar
from cdsxa.db.activity import Team, TeamMember, Training
from cdsxa.db.base import live
from cdsxa.db.models import Person, Village
from cdsxa.register import phone as phones
from cdsxa.security.access import (
    Permission,
    Role,
    principal_of,
    require,
    require_village,
    village_scope,
)

# Where members come from (DOMAIN.md: part-time officials and active local people).
ORGANISATIONS = {
    "village_head": "Trưởng thôn/bản",
    "party_cell": "Chi bộ",
    "youth_union": "Đoàn Thanh niên",
    "womens_union": "Hội Liên hiệp Phụ nữ",
    "farmers_union": "Hội Nông dân",
    "fatherland_front": "Mặt trận Tổ quốc",
    "police": "Công an",
    "other": "Khác",
}
ROLES = ("Tổ trưởng", "Tổ phó", "Thành viên")


@dataclass(frozen=True)
class MemberInput:
    full_name: str
    organisation: str
    role: str | None = "Thành viên"
    phone: str | None = None
    joined_on: date | None = None
    person_id: PersonId | None = None


@dataclass(frozen=True)
class TeamView:
    id: TeamId
    village_id: VillageId
    village: str
    name: str
    active_members: int
    trained_members: int


@dataclass(frozen=True)
class MemberView:
    id: MemberId
    team_id: TeamId
    village: str
    full_name: str
    role: str | None
    organisation: str
    phone: str | None
    joined_on: date | None
    left_on: date | None
    training_hours: float


def _live_village(session: Session, village_id: VillageId) -> Village:
    village = session.get(Village, village_id)
    if village is None or village.deleted:
        raise NotFound("Thôn/bản đã chọn không còn trong danh sách của xã.")
    return village


def create_team(session: Session, village_id: VillageId, name: str | None = None,
                established_on: date | None = None) -> TeamId:
    require_village(session, Permission.EDIT_RECORDS, village_id)
    village = _live_village(session, village_id)
    existing = session.scalar(select(Team).where(Team.village_id == village_id,
                                                 live(Team)))
    if existing is not None:
        raise UserError(f"{village.name} đã có {existing.name}.")
    team = Team(village_id=village_id, name=clean(name) or f"Tổ CNSCĐ {village.name}",
                established_on=established_on)
    session.add(team)
    session.flush()
    return TeamId(team.id)


def team_of_village(session: Session, village_id: VillageId) -> TeamId:
    """The village's team, created on first use: every village has one (DOMAIN.md)."""
    require(session, Permission.VIEW_COUNTS)
    team_id = session.scalar(select(Team.id).where(Team.village_id == village_id,
                                                   live(Team)))
    return TeamId(team_id) if team_id else create_team(session, village_id)


def add_member(session: Session, team_id: TeamId, data: MemberInput) -> MemberId:
    require(session, Permission.EDIT_RECORDS)
    team = session.get(Team, team_id)
    if team is None or team.deleted:
        raise NotFound("Không tìm thấy tổ này.")
    require_village(session, Permission.EDIT_RECORDS, team.village_id)
    name = clean(data.full_name)
    if not name:
        raise UserError("Hãy nhập họ tên thành viên.")
    if data.organisation not in ORGANISATIONS:
        raise UserError("Hãy chọn thành viên đến từ tổ chức nào.")
    if data.person_id is not None:
        linked = session.get(Person, data.person_id)
        if linked is None or linked.deleted:
            raise NotFound("Người được liên kết không có trong sổ dân cư.")
        require_village(session, Permission.VIEW_PERSONAL, linked.village_id)
    member = TeamMember(
        team_id=team_id, full_name=name, name_key=fold(name),
        phone=phones.optional(data.phone),
        role=clean(data.role), organisation=data.organisation, joined_on=data.joined_on,
        person_id=data.person_id,
    )
    session.add(member)
    session.flush()
    return MemberId(member.id)


def _member_to_change(session: Session, member_id: MemberId) -> TeamMember:
    """The member, once the acting user may change their team's records."""
    require(session, Permission.EDIT_RECORDS)
    member = session.get(TeamMember, member_id)
    if member is None or member.deleted:
        raise NotFound("Không tìm thấy thành viên này.")
    team = session.get(Team, member.team_id)
    require_village(session, Permission.EDIT_RECORDS, team.village_id if team else None)
    return member


def member_left(session: Session, member_id: MemberId, left_on: date) -> None:
    member = _member_to_change(session, member_id)
    if member.joined_on and left_on < member.joined_on:
        raise UserError("Ngày rời tổ không thể trước ngày vào tổ.")
    member.left_on = left_on


def add_training(session: Session, member_id: MemberId, course: str, held_on: date,
                 hours: float) -> None:
    _member_to_change(session, member_id)
    title = clean(course)
    if not title:
        raise UserError("Hãy nhập tên lớp tập huấn.")
    if not 0 < hours <= 200:
        raise UserError("Số giờ tập huấn phải lớn hơn 0 và không quá 200.")
    session.add(Training(member_id=member_id, course=title, held_on=held_on, hours=hours))


def _active(on: date) -> ColumnElement[bool]:
    return (live(TeamMember)) & or_(TeamMember.left_on.is_(None),
                                                  TeamMember.left_on > on)


def list_teams(session: Session, on: date | None = None) -> list[TeamView]:
    require(session, Permission.VIEW_COUNTS)
    on = on or calendar.today(session)
    trained = select(Training.member_id).where(live(Training))
    active = (select(TeamMember.team_id, func.count().label("n"),
                     func.count().filter(TeamMember.id.in_(trained)).label("trained"))
              .where(_active(on)).group_by(TeamMember.team_id).subquery())
    rows = session.execute(
        select(Team, Village.name, func.coalesce(active.c.n, 0),
               func.coalesce(active.c.trained, 0))
        .join(Village, Village.id == Team.village_id)
        .outerjoin(active, active.c.team_id == Team.id)
        .where(live(Team)).order_by(Village.position))
    return [TeamView(TeamId(t.id), VillageId(t.village_id), village, t.name, n, trained_n)
            for t, village, n, trained_n in rows]


def members(session: Session, team_id: TeamId | None = None,
            village_id: VillageId | None = None, active_on: date | None = None) -> list[MemberView]:
    """The members, phones in full where the acting user may see them."""
    require(session, Permission.VIEW_COUNTS)
    shown = _phone_shown(session)
    hours = (select(Training.member_id, func.sum(Training.hours).label("h"))
             .where(live(Training)).group_by(Training.member_id).subquery())
    query = (select(TeamMember, Team.village_id, Village.name, func.coalesce(hours.c.h, 0.0))
             .join(Team, Team.id == TeamMember.team_id)
             .join(Village, Village.id == Team.village_id)
             .outerjoin(hours, hours.c.member_id == TeamMember.id)
             .where(live(TeamMember))
             .order_by(Village.position, TeamMember.name_key))
    if team_id is not None:
        query = query.where(TeamMember.team_id == team_id)
    if village_id is not None:
        query = query.where(Team.village_id == village_id)
    if active_on is not None:
        query = query.where(_active(active_on))
    return [MemberView(MemberId(m.id), TeamId(m.team_id), village, m.full_name, m.role,
                       m.organisation, m.phone if shown(vid) else (mask_phone(m.phone) or None),
                       m.joined_on, m.left_on, float(h))
            for m, vid, village, h in session.execute(query)]


def _phone_shown(session: Session) -> Callable[[uuid.UUID], bool]:
    """Whether the acting user sees in full the phones of a village's members."""
    acting = principal_of(session)
    if not acting.may(Permission.VIEW_PERSONAL):
        return lambda _village: False
    if acting.role is not Role.TEAM_MEMBER:
        return lambda _village: True
    own = acting.village_id
    return lambda village: own is not None and village == own


def villages_without_team(session: Session) -> list[str]:
    require(session, Permission.VIEW_COUNTS)
    with_team = select(Team.village_id).where(live(Team))
    return list(session.scalars(select(Village.name).where(
        live(Village), Village.id.not_in(with_team)).order_by(Village.position)))


def create_missing_teams(session: Session) -> int:
    """One team per village (DOMAIN.md): make those that do not exist yet (a team
    member: their own village's)."""
    require(session, Permission.EDIT_RECORDS)
    own = village_scope(session)
    with_team = select(Team.village_id).where(live(Team))
    query = select(Village.id).where(live(Village), Village.id.not_in(with_team))
    if own is not None:
        query = query.where(Village.id == own)
    missing = list(session.scalars(query))
    for village_id in missing:
        create_team(session, VillageId(village_id))
    return len(missing)


def update_member(session: Session, member_id: MemberId, phone: str | None,
                  role: str | None) -> None:
    """What changes about a member over time: their phone and their role in the team."""
    member = _member_to_change(session, member_id)
    member.phone = phones.optional(phone)
    member.role = clean(role)
