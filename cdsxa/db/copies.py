"""What counting needs of a parent record, copied onto the rows it counts.

The indicators add up a commune's outcomes and VNeID steps by their person's age,
gender and liveness, and the dashboards add up a year's sessions by topic and by
helper. Looking the parent up for each of ~300,000 rows was most of the counting
time (bench/indicators.py), so the counted rows carry copies:

- person_outcome and vneid_step: person_birth_date (the person's
  counting_birth_date), person_gender (outcomes only: working age), person_deleted;
- support_session_topic and support_session_member: session_held_on,
  session_village_id, session_deleted.

One mechanism keeps them, for every session (the app's, the hub's, a script's):
mapper events on the models, so every ORM write passes through it.

- A row inserted, or moved to another parent, takes its parent's values: from the
  parent object it was added to, or as the session holds it, when those values are
  loaded; else read by the INSERT (or UPDATE) itself.
- A parent whose copied values change has the copies on all of its rows rewritten,
  one UPDATE per table, in the same flush.

The copies are derived, not record data: the rewrite is a plain UPDATE that stamps
no version and writes no change-log entry, as every database (the hub's too, when
it applies a change) derives its own; they never travel (cdsxa.sync.journal).
Migrations 0005 and 0007 filled them in.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event, inspect, select, update
from sqlalchemy.orm import Mapper, object_session
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.orm.util import identity_key

from cdsxa.db.activity import SupportSession, SupportSessionMember, SupportSessionTopic, VneidStep
from cdsxa.db.models import Person, PersonOutcome


@dataclass(frozen=True)
class Copies:
    parent: type[Any]
    key: str  # the counted row's column naming its parent
    columns: dict[str, str]  # the row's copy column -> the parent attribute it copies
    via: str | None = None  # the row's relationship to its parent, where it has one


_OF_PERSON = {"person_birth_date": "counting_birth_date", "person_deleted": "deleted"}
_OF_SESSION = {"session_held_on": "held_on", "session_village_id": "village_id",
               "session_deleted": "deleted"}

COPIES: dict[type[Any], Copies] = {
    PersonOutcome: Copies(Person, "person_id", {**_OF_PERSON, "person_gender": "gender"}),
    VneidStep: Copies(Person, "person_id", _OF_PERSON),
    SupportSessionTopic: Copies(SupportSession, "session_id", _OF_SESSION, via="parent"),
    SupportSessionMember: Copies(SupportSession, "session_id", _OF_SESSION, via="parent"),
}
# Every copy column: derived on each database, never a value that travels.
COPY_COLUMNS = frozenset(column for copies in COPIES.values() for column in copies.columns)


def _held_parent(target: Any, copies: Copies) -> Any | None:
    """The row's parent as this process holds it, if every copied value is loaded."""
    parent = None
    if copies.via is not None:
        loaded = inspect(target).attrs[copies.via].loaded_value
        parent = None if loaded is NO_VALUE else loaded
    if parent is None:
        session = object_session(target)
        if session is None:
            return None
        parent = session.identity_map.get(
            identity_key(copies.parent, getattr(target, copies.key)))
    if not isinstance(parent, copies.parent):
        return None
    if inspect(parent).unloaded & set(copies.columns.values()):
        return None
    return parent


def _take_from_parent(target: Any) -> None:
    copies = COPIES[type(target)]
    parent = _held_parent(target, copies)
    parent_key = getattr(copies.parent, "id")
    for column, source in copies.columns.items():
        if parent is not None:
            value: Any = getattr(parent, source)
        else:
            # Read by the statement itself: no query of our own inside the flush.
            value = (select(getattr(copies.parent, source))
                     .where(parent_key == getattr(target, copies.key)).scalar_subquery())
        setattr(target, column, value)


def _on_insert(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    _take_from_parent(target)


def _on_update(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    if inspect(target).attrs[COPIES[type(target)].key].history.has_changes():
        _take_from_parent(target)


def _rewrite_copies(_mapper: Mapper[Any], connection: Connection, parent: Any) -> None:
    attrs = inspect(parent).attrs
    for model, copies in COPIES.items():
        if not isinstance(parent, copies.parent):
            continue
        if not any(attrs[source].history.has_changes() for source in copies.columns.values()):
            continue
        table = model.__table__
        values = {column: getattr(parent, source) for column, source in copies.columns.items()}
        connection.execute(update(table).where(table.c[copies.key] == parent.id).values(values))


for _model in COPIES:
    event.listen(_model, "before_insert", _on_insert)
    event.listen(_model, "before_update", _on_update)
for _parent in {copies.parent for copies in COPIES.values()}:
    event.listen(_parent, "after_update", _rewrite_copies)
