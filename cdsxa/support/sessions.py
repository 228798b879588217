"""Recording support given to citizens: one-to-one sessions and group classes.

A one-to-one session whose result is "done" reaches the outcomes of its topics on
the person in the same transaction (one action for the officer, not two). What a
session reaches never rewrites what was known before:
- an outcome keeps the earliest date it was reached (people.set_outcome): a later
  session leaves its date as it is; a session held earlier and entered late dates
  it earlier, since the person had reached it by then;
- a VNeID topic records a step only when it changes the person's VNeID state
  (status or level, or the status reached earlier than known; cdsxa.support.vneid):
  a session on activation for an account activated on 15/10 adds no step and
  leaves 15/10 as the activation date.

Recording and removing need EDIT_RECORDS; a team member works only in their own
village (the session's, and the person's). Listing sessions names people, so it
needs VIEW_PERSONAL, and a team member sees their own village's only.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.common import outcomes
from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.ids import MemberId, PersonId, SessionId, VillageId
from cdsxa.common.text import clean
from cdsxa.commune import calendar
from cdsxa.db.activity import GroupSession, SupportSession, TeamMember
from cdsxa.db.base import live
from cdsxa.db.models import Person, PersonOutcome, Village
from cdsxa.register import people
from cdsxa.security.access import Permission, require, require_village, scoped_village
from cdsxa.support import vneid
from cdsxa.support.topics import TopicView, by_code

RESULTS = {"done": "Đã xong", "partial": "Xong một phần", "not_possible": "Không thực hiện được"}
_VNEID_STEPS = {"vneid_guided": "guided", "vneid_registered": "registered",
                "vneid_activated": "activated"}


@dataclass(frozen=True)
class SessionInput:
    held_on: date
    person_id: PersonId
    topics: list[str]
    result: str
    member_ids: list[MemberId] = field(default_factory=list)
    village_id: VillageId | None = None  # defaults to the person's village
    reason: str | None = None
    minutes: int | None = None
    notes: str | None = None
    vneid_level: int | None = None  # the level reached, for VNeID topics
    vneid_failure: str | None = None  # why VNeID failed, when not possible


@dataclass(frozen=True)
class GroupInput:
    held_on: date
    topic: str
    village_id: VillageId | None = None
    place: str | None = None
    trainer_ids: list[MemberId] = field(default_factory=list)
    attendee_ids: list[PersonId] = field(default_factory=list)
    attendee_count: int | None = None  # when names were not taken
    notes: str | None = None


def _check_common(session: Session, held_on: date, topic_codes: list[str],
                  member_ids: list[MemberId]) -> dict[str, TopicView]:
    if calendar.is_future(session, held_on):
        raise UserError("Ngày hỗ trợ không thể ở tương lai.")
    if not topic_codes:
        raise UserError("Hãy chọn ít nhất một nội dung hỗ trợ.")
    catalogue = by_code(session, topic_codes)
    unknown = [code for code in topic_codes if code not in catalogue]
    if unknown:
        raise UserError(f"Nội dung hỗ trợ không có trong danh mục: {', '.join(unknown)}.")
    if member_ids:
        found = set(session.scalars(select(TeamMember.id).where(
            TeamMember.id.in_(member_ids), live(TeamMember))))
        if found != set(member_ids):
            raise NotFound("Một thành viên tổ đã chọn không còn trong danh sách.")
    return catalogue


def record(session: Session, data: SessionInput) -> SessionId:
    """Save a one-to-one session and the outcomes it reached."""
    require(session, Permission.EDIT_RECORDS)
    catalogue = _check_common(session, data.held_on, data.topics, data.member_ids)
    person = session.get(Person, data.person_id)
    if person is None or person.deleted:
        raise NotFound("Người được hỗ trợ không có trong sổ dân cư.")
    if data.result not in RESULTS:
        raise UserError("Hãy chọn kết quả hỗ trợ.")
    if data.result == "not_possible" and not clean(data.reason) and not data.vneid_failure:
        raise UserError("Hãy ghi lý do không thực hiện được.")
    if data.minutes is not None and not 0 < data.minutes <= 600:
        raise UserError("Thời gian hỗ trợ phải từ 1 đến 600 phút.")
    village_id = data.village_id or person.village_id
    _require_villages(session, village_id, person.village_id)
    row = SupportSession(
        id=uuid.uuid4(), held_on=data.held_on, village_id=village_id,
        person_id=person.id, topics=list(dict.fromkeys(data.topics)),
        member_ids=[str(m) for m in data.member_ids], result=data.result,
        reason=clean(data.reason), minutes=data.minutes, notes=clean(data.notes))
    session.add(row)
    _apply_outcomes(session, data, [catalogue[c] for c in row.topics], row.id)
    return SessionId(row.id)


def _require_villages(session: Session, *village_ids: uuid.UUID) -> None:
    """A team member may record only where both the session and the person are theirs."""
    for village_id in dict.fromkeys(village_ids):
        require_village(session, Permission.EDIT_RECORDS, village_id)


def _apply_outcomes(session: Session, data: SessionInput, topics: list[TopicView],
                    session_id: uuid.UUID) -> None:
    helper = uuid.UUID(str(data.member_ids[0])) if data.member_ids else None
    for topic in topics:
        if topic.outcome in _VNEID_STEPS:
            if data.result == "done":
                vneid.record_step(session, data.person_id, _VNEID_STEPS[topic.outcome],
                                  data.held_on, level=data.vneid_level, member_id=helper,
                                  session_id=session_id, only_if_changed=True)
            elif data.result == "not_possible" and data.vneid_failure:
                vneid.record_step(session, data.person_id, "failed", data.held_on,
                                  member_id=helper, session_id=session_id,
                                  failure_reason=data.vneid_failure, note=data.reason,
                                  only_if_changed=True)
        elif topic.outcome in outcomes.PERSON_OUTCOMES and data.result == "done":
            people.set_outcome(session, data.person_id, topic.outcome, data.held_on, session_id)


def record_group(session: Session, data: GroupInput) -> SessionId:
    """Save a group class; attendees are people from the register or a head count.

    A team member's class is in their own village (a commune-wide class, with no
    village, is an officer's to record).
    """
    require_village(session, Permission.EDIT_RECORDS, data.village_id)
    _check_common(session, data.held_on, [data.topic], data.trainer_ids)
    if data.village_id is not None:
        village = session.get(Village, data.village_id)
        if village is None or village.deleted:
            raise NotFound("Thôn/bản đã chọn không còn trong danh sách của xã.")
    attendees = list(dict.fromkeys(data.attendee_ids))
    if attendees:
        known = set(session.scalars(select(Person.id).where(
            Person.id.in_(attendees), live(Person))))
        if known != set(attendees):
            raise NotFound("Một người tham dự không còn trong sổ dân cư.")
        # A team member names only people they may see: those of their own village.
        people.require_people(session, [PersonId(a) for a in attendees],
                              Permission.VIEW_PERSONAL)
    count = len(attendees) if attendees else (data.attendee_count or 0)
    if count <= 0:
        raise UserError("Hãy chọn người tham dự hoặc nhập số người tham dự.")
    row = GroupSession(
        id=uuid.uuid4(), held_on=data.held_on, village_id=data.village_id,
        place=clean(data.place), topic=data.topic,
        trainer_ids=[str(t) for t in data.trainer_ids],
        attendee_ids=[str(a) for a in attendees], attendee_count=count,
        notes=clean(data.notes))
    session.add(row)
    return SessionId(row.id)


@dataclass(frozen=True)
class SessionRow:
    id: SessionId
    held_on: date
    person: str
    village: str
    topics: list[str]
    result: str
    minutes: int | None


# Shown instead of the name of a person erased at their request.
ERASED = "(đã xóa theo yêu cầu)"


def recent(session: Session, limit: int = 200, village_id: VillageId | None = None,
           person_id: PersonId | None = None) -> list[SessionRow]:
    """The latest sessions, newest first (a team member's village only)."""
    require(session, Permission.VIEW_PERSONAL)
    village_id = _scoped(session, village_id)
    query = (select(SupportSession, Person.full_name, Village.name)
             .outerjoin(Person, Person.id == SupportSession.person_id)
             .join(Village, Village.id == SupportSession.village_id)
             .where(live(SupportSession))
             .order_by(SupportSession.held_on.desc(), SupportSession.created_at.desc())
             .limit(limit))
    if village_id is not None:
        query = query.where(SupportSession.village_id == village_id)
    if person_id is not None:
        query = query.where(SupportSession.person_id == person_id)
    return [SessionRow(SessionId(s.id), s.held_on, name or ERASED, village, list(s.topics),
                       s.result, s.minutes) for s, name, village in session.execute(query)]


def _scoped(session: Session, village_id: VillageId | None) -> VillageId | None:
    scoped = scoped_village(session, village_id)
    return None if scoped is None else VillageId(scoped)


def remove(session: Session, session_id: SessionId) -> None:
    """Delete a session recorded by mistake, and what it reached.

    An outcome it reached moves to the earliest other done session of that person
    on a topic reaching it; with none, the outcome is cleared (the person form can
    tick it again if it was true all along). VNeID steps it recorded are removed.
    """
    require(session, Permission.EDIT_RECORDS)
    row = session.get(SupportSession, session_id)
    if row is None or row.deleted:
        raise NotFound("Không tìm thấy lượt hỗ trợ này (có thể đã bị xoá).")
    person = session.get(Person, row.person_id)
    _require_villages(session, row.village_id,
                      *([person.village_id] if person is not None else []))
    row.deleted = True
    catalogue = by_code(session)
    reached = list(session.scalars(select(PersonOutcome).where(
        PersonOutcome.session_id == row.id, live(PersonOutcome))))
    if reached:
        with session.no_autoflush:
            others = [s for s in session.scalars(select(SupportSession).where(
                SupportSession.person_id == row.person_id, SupportSession.result == "done",
                SupportSession.id != row.id, live(SupportSession))
                .order_by(SupportSession.held_on))]
    for outcome in reached:
        instead = next((s for s in others if any(
            catalogue[c].outcome == outcome.kind for c in s.topics if c in catalogue)), None)
        if instead is None:
            outcome.deleted = True
        else:
            outcome.session_id, outcome.reached_on = instead.id, instead.held_on
    vneid.remove_steps_of_session(session, row.id)


@dataclass(frozen=True)
class GroupRow:
    id: SessionId
    held_on: date
    village: str | None  # None: the whole commune
    place: str | None
    topic: str
    attendees: int


def recent_groups(session: Session, limit: int = 200,
                  village_id: VillageId | None = None) -> list[GroupRow]:
    """The latest group classes, newest first (a team member's village only), for the
    same list as the one-to-one sessions."""
    require(session, Permission.VIEW_PERSONAL)
    village_id = _scoped(session, village_id)
    query = (select(GroupSession, Village.name)
             .outerjoin(Village, Village.id == GroupSession.village_id)
             .where(live(GroupSession))
             .order_by(GroupSession.held_on.desc(), GroupSession.created_at.desc())
             .limit(limit))
    if village_id is not None:
        query = query.where(GroupSession.village_id == village_id)
    return [GroupRow(SessionId(g.id), g.held_on, village, g.place, g.topic, g.attendee_count)
            for g, village in session.execute(query)]
