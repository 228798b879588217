"""Breakdowns for dashboards: VNeID status of the register, support sessions by kind.

Counts only, so anyone signed in may read them (VIEW_COUNTS).
"""

import uuid
from datetime import date
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, false, func, select
from sqlalchemy.orm import Session

from cdsxa.common import ages
from cdsxa.counting.scope import Scope
from cdsxa.db.activity import SupportSession
from cdsxa.db.models import Person
from cdsxa.security.access import Permission, require


class VneidBreakdown(TypedDict):
    by_status: dict[str, int]  # person.vneid_status -> people
    by_level: dict[int, int]  # person.vneid_level -> people
    none: int  # people aged 14+ with no VNeID status at all


class SessionsBreakdown(TypedDict):
    sessions: int
    by_topic: dict[str, int]  # topic code -> sessions on it
    by_member: dict[str, int]  # team member id, as stored in member_ids -> sessions
    by_village: dict[uuid.UUID, int]


def _counts(session: Session, query: Select[Any, int]) -> dict[Any, int]:
    return {key: count for key, count in session.execute(query)}


def vneid_breakdown(session: Session, village_id: uuid.UUID | None = None,
                    on: date | None = None) -> VneidBreakdown:
    """Counts of people by their current VNeID status and level (ages at `on`, today)."""
    require(session, Permission.VIEW_COUNTS)
    scope = Scope(on or date.today(), village_id)

    def by(column: SQLColumnExpression[Any]) -> dict[Any, int]:
        query = select(column, func.count()).where(scope.people(), column.is_not(None))
        return _counts(session, query.group_by(column))

    none = select(func.count()).select_from(Person).where(
        scope.people(), scope.aged(ages.VNEID_YEARS), Person.vneid_status.is_(None))
    return VneidBreakdown(by_status=by(Person.vneid_status), by_level=by(Person.vneid_level),
                          none=session.scalar(none) or 0)


def _sessions_between(start: date, end: date,
                      village_id: uuid.UUID | None) -> ColumnElement[bool]:
    where = and_(SupportSession.deleted == false(), SupportSession.held_on.between(start, end))
    return where if village_id is None else and_(where, SupportSession.village_id == village_id)


def _by_list_item(session: Session, column: SQLColumnExpression[Any],
                  where: ColumnElement[bool]) -> dict[str, int]:
    """Sessions per item of a JSON list column (SQLite's json_each)."""
    item = func.json_each(column).table_valued("value", joins_implicitly=True)
    query = select(item.c.value, func.count()).select_from(SupportSession, item)
    counts = _counts(session, query.where(where).group_by(item.c.value))
    return {str(key): n for key, n in counts.items()}


def sessions_breakdown(session: Session, start: date, end: date,
                       village_id: uuid.UUID | None = None) -> SessionsBreakdown:
    """Live one-to-one sessions held from start to end (both included), broken down."""
    require(session, Permission.VIEW_COUNTS)
    where = _sessions_between(start, end, village_id)
    by_village = select(SupportSession.village_id, func.count()).where(where)
    villages = _counts(session, by_village.group_by(SupportSession.village_id))
    return SessionsBreakdown(
        sessions=sum(villages.values()),
        by_topic=_by_list_item(session, SupportSession.topics, where),
        by_member=_by_list_item(session, SupportSession.member_ids, where),
        by_village=villages,
    )
