"""Small builders shared by service tests (real services, real database)."""

from datetime import date

from cdsxa.common.ids import PersonId, VillageId
from cdsxa.db.engine import Database
from cdsxa.register import people, villages
from cdsxa.security import users
from cdsxa.security.access import SYSTEM, Principal, Role
from tests.conftest import TESTER


def village(db: Database, name: str = "Bản Hang") -> VillageId:
    with db.reading(TESTER) as session:
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


def as_actor(name: str, role: Role | None = None) -> Principal:
    """Someone acting under this name (an administrator unless a role is given)."""
    return Principal(name, role or Role.ADMIN)


SIGN_IN_PASSWORD = "mật khẩu 2025"


def signed_in(db: Database, full_name: str = "Lò Văn Tâm", username: str = "tam",
              role: Role | None = None) -> Principal:
    """An account of this role, signed in the way the sign-in dialog does it."""
    role = role or Role.ADMIN
    with db.transaction(SYSTEM) as session:
        if users.needs_first_admin(session):
            users.create_first_admin(session, "Lò Văn Tâm", "tam", SIGN_IN_PASSWORD)
        if username != "tam":
            village_id = villages.list_all(session)[0].id if role is Role.TEAM_MEMBER else None
            users.create_user(session, users.UserInput(full_name, username, role,
                                                       SIGN_IN_PASSWORD, village_id=village_id))
    principal = users.attempt_sign_in(db, username, SIGN_IN_PASSWORD)
    return principal
