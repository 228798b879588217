"""Breakdowns for dashboards: VNeID status of the register, support sessions by kind.

One commune's records, as every count. No permission is checked here: the app's
service (cdsxa.counting.indicators) checks VIEW_COUNTS, the hub authorises its own way.
"""

import uuid
from datetime import date
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, Select, and_, false, func, select
from sqlalchemy.orm import Session

from cdsxa.common import ages
from cdsxa.counting.scope import Scope, flag, sessions_between
from cdsxa.db.activity import (
    SupportSession,
    SupportSessionMember,
    SupportSessionTopic,
    TeamMember,
    Topic,
)
from cdsxa.db.models import Person, Village


class VneidBreakdown(TypedDict):
    by_status: dict[str, int]  # person.vneid_status -> people
    by_level: dict[int, int]  # person.vneid_level -> people
    none: int  # people aged 14+ with no VNeID status at all


class SessionsBreakdown(TypedDict):
    sessions: int
    by_topic: dict[str, int]  # topic code -> sessions on it
    by_member: dict[str, int]  # team member id (text, as member_ids gives it) -> sessions
    by_village: dict[uuid.UUID, int]


def _counts(session: Session, query: Select[Any, int]) -> dict[Any, int]:
    return {key: count for key, count in session.execute(query)}


def vneid_breakdown(session: Session, scope: Scope) -> VneidBreakdown:
    """Counts of people by their current VNeID status and level (ages at scope.on)."""
    # One pass over the people (ix_person_counting covers it), a handful of groups.
    aged_14 = flag(scope.aged(ages.VNEID_YEARS))
    query = (select(Person.vneid_status, Person.vneid_level, aged_14, func.count())
             .where(scope.people()).group_by(Person.vneid_status, Person.vneid_level, aged_14))
    result = VneidBreakdown(by_status={}, by_level={}, none=0)
    for status, level, old_enough, people in session.execute(query):
        if status is not None:
            result["by_status"][status] = result["by_status"].get(status, 0) + people
        if level is not None:
            result["by_level"][level] = result["by_level"].get(level, 0) + people
        if status is None and old_enough:
            result["none"] += people
    return result


def _per_key(session: Session, keys: Select[Any], counted: ColumnElement[int]) -> dict[Any, int]:
    """For each key `keys` selects, the count `counted` correlates to it; keys with
    none left out. Each count is an index range (a commune's rows of one key in a date
    range), which beats grouping a year's rows in a temporary B-tree by 5 to 10 times."""
    query = keys.add_columns(counted)
    return {key: n for key, n in session.execute(query) if n}


def _links(link: type[SupportSessionTopic | SupportSessionMember], item: Any,
           key: Any, commune_code: int, start: date, end: date,
           village_id: uuid.UUID | None) -> ColumnElement[int]:
    """Live rows of `link` for the key, of the commune's live sessions in the range.
    A session has at most one live row per item (a partial unique index), so rows
    counted are sessions; the session's copies on the row spare looking it up."""
    where = [link.commune_code == commune_code, link.deleted == false(),
             link.session_deleted == false(), item == key,
             link.session_held_on.between(start, end)]
    if village_id is not None:
        where.append(link.session_village_id == village_id)
    return select(func.count()).select_from(link).where(*where).scalar_subquery()


def sessions_breakdown(session: Session, commune_code: int, start: date, end: date,
                       village_id: uuid.UUID | None = None) -> SessionsBreakdown:
    """The commune's live one-to-one sessions held from start to end (both included),
    broken down."""
    in_village = and_(sessions_between(commune_code, start, end, village_id),
                      SupportSession.village_id == Village.id)
    villages = _per_key(session, select(Village.id).where(Village.commune_code == commune_code),
                        select(func.count()).select_from(SupportSession).where(in_village)
                        .scalar_subquery())
    topics = _per_key(session, select(Topic.code),
                      _links(SupportSessionTopic, SupportSessionTopic.topic_code, Topic.code,
                             commune_code, start, end, village_id))
    members = _per_key(session,
                       select(TeamMember.id).where(TeamMember.commune_code == commune_code),
                       _links(SupportSessionMember, SupportSessionMember.member_id,
                              TeamMember.id, commune_code, start, end, village_id))
    return SessionsBreakdown(
        sessions=sum(villages.values()),
        by_topic={str(code): n for code, n in topics.items()},
        by_member={str(member): n for member, n in members.items()},
        by_village=villages,
    )
