"""What counting needs of a person, copied onto the rows it counts.

The indicators add up a commune's outcomes and VNeID steps by their person's age,
gender and liveness. Looking the person up for each of ~300,000 rows was most of
the counting time (bench/indicators.py), so person_outcome and vneid_step rows
carry copies: person_birth_date (the person's counting_birth_date), person_gender
(outcomes only: working age) and person_deleted.

One mechanism keeps them, for every session (the app's, the hub's, a script's):
mapper events on the models, so every ORM write passes through it.

- A row inserted, or moved to another person, takes its person's values: from the
  person as the session holds it when it is loaded there, else read by the INSERT
  (or UPDATE) itself.
- A person whose counting birth date, gender or deleted flag changes has the copies
  on all of its rows rewritten, one UPDATE per table, in the same flush.

The copies are derived, not record data: the rewrite is a plain UPDATE that stamps
no version and writes no change-log entry, as every database (the hub's too, when
it applies a person's change) derives its own. Migration 0005 filled them in.
"""

from typing import Any

from sqlalchemy import Connection, event, inspect, select, update
from sqlalchemy.orm import Mapper, object_session
from sqlalchemy.orm.util import identity_key

from cdsxa.db.activity import VneidStep
from cdsxa.db.models import Person, PersonOutcome

# Counted model -> {its copy column: the Person attribute it copies}.
COPIES: dict[type[Any], dict[str, str]] = {
    PersonOutcome: {"person_birth_date": "counting_birth_date", "person_gender": "gender",
                    "person_deleted": "deleted"},
    VneidStep: {"person_birth_date": "counting_birth_date", "person_deleted": "deleted"},
}
WATCHED = frozenset(source for copies in COPIES.values() for source in copies.values())


def _held_person(target: Any) -> Person | None:
    """The row's person as its session holds it, if every copied value is loaded."""
    session = object_session(target)
    if session is None:
        return None
    person = session.identity_map.get(identity_key(Person, target.person_id))
    if not isinstance(person, Person) or inspect(person).unloaded & WATCHED:
        return None
    return person


def _take_from_person(target: Any) -> None:
    person = _held_person(target)
    for column, source in COPIES[type(target)].items():
        if person is not None:
            value: Any = getattr(person, source)
        else:
            # Read by the statement itself: no query of our own inside the flush.
            value = (select(getattr(Person, source)).where(Person.id == target.person_id)
                     .scalar_subquery())
        setattr(target, column, value)


def _on_insert(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    _take_from_person(target)


def _on_update(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    if inspect(target).attrs["person_id"].history.has_changes():
        _take_from_person(target)


def _rewrite_copies(_mapper: Mapper[Any], connection: Connection, person: Person) -> None:
    attrs = inspect(person).attrs
    if not any(attrs[name].history.has_changes() for name in WATCHED):
        return
    for model, copies in COPIES.items():
        table = model.__table__
        values = {column: getattr(person, source) for column, source in copies.items()}
        connection.execute(update(table).where(table.c.person_id == person.id).values(values))


for _model in COPIES:
    event.listen(_model, "before_insert", _on_insert)
    event.listen(_model, "before_update", _on_update)
event.listen(Person, "after_update", _rewrite_copies)
