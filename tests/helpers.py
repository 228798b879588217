"""Small builders shared by service tests (real services, real database)."""

from datetime import date

from cdsxa.db.engine import Database
from cdsxa.ids import PersonId, VillageId
from cdsxa.register import people, villages


def village(db: Database, name: str = "Bản Hang") -> VillageId:
    with db.reading() as session:
        found = villages.find_by_name(session, name)
    assert found is not None
    return found


def person(db: Database, name: str = "Lò Thị Mai", born: date = date(1990, 5, 1),
           gender: str = "female", village_name: str = "Bản Hang", **extra: object) -> PersonId:
    village_id = village(db, village_name)
    with db.transaction(as_actor("test")) as session:
        return people.add_person(session, people.PersonInput(
            full_name=name, gender=gender, village_id=village_id, birth_date=born,
            **extra))  # type: ignore[arg-type]


def type_text(qtbot: object, widget: object, text: str) -> None:
    """Vietnamese arrives as text committed by the input method (Unikey, IBus), and
    QTest can only synthesise Latin-1 key presses; so ASCII is typed key by key and
    the rest is committed as an input method would."""
    if text.isascii():
        qtbot.keyClicks(widget, text)  # type: ignore[attr-defined]
    else:
        widget.insert(text)  # type: ignore[attr-defined]


def as_actor(name: str, role: "Role | None" = None) -> "Principal":
    """Someone acting under this name (an administrator unless a role is given)."""
    from cdsxa.access import Principal, Role

    return Principal(name, role or Role.ADMIN)
