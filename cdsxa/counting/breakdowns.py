"""Breakdowns for dashboards: VNeID status of the register, support sessions by kind.

One commune's records, as every count. No permission is checked here: the app's
service (cdsxa.counting.indicators) checks VIEW_COUNTS, the hub authorises its own way.
"""

import uuid
from datetime import date
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, false, func, select
from sqlalchemy.orm import Session

from cdsxa.common import ages
from cdsxa.counting.scope import Scope, flag, sessions_between
from cdsxa.db.activity import SupportSession, SupportSessionMember, SupportSessionTopic
from cdsxa.db.models import Person


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


def _by_list_item(session: Session, link: type[SupportSessionTopic | SupportSessionMember],
                  item: SQLColumnExpression[Any], where: ColumnElement[bool]) -> dict[str, int]:
    """Sessions per item of a session's list, kept as rows: a session has at most one
    live row per item (a partial unique index), so rows joined are sessions counted."""
    query = (select(item, func.count()).select_from(SupportSession)
             .join(link, and_(link.session_id == SupportSession.id, link.deleted == false())))
    counts = _counts(session, query.where(where).group_by(item))
    return {str(key): n for key, n in counts.items()}


def sessions_breakdown(session: Session, commune_code: int, start: date, end: date,
                       village_id: uuid.UUID | None = None) -> SessionsBreakdown:
    """The commune's live one-to-one sessions held from start to end (both included),
    broken down."""
    where = sessions_between(commune_code, start, end, village_id)
    by_village = select(SupportSession.village_id, func.count()).where(where)
    villages = _counts(session, by_village.group_by(SupportSession.village_id))
    return SessionsBreakdown(
        sessions=sum(villages.values()),
        by_topic=_by_list_item(session, SupportSessionTopic, SupportSessionTopic.topic_code,
                               where),
        by_member=_by_list_item(session, SupportSessionMember, SupportSessionMember.member_id,
                                where),
        by_village=villages,
    )
