"""Text length limits and text hygiene, held at the one save path every way in shares."""

from datetime import date

import pytest
from sqlalchemy import String, Text

from cdsxa.common import limits
from cdsxa.common.errors import UserError
from cdsxa.common.text import stored
from cdsxa.db.base import Base, is_travelling_class
from cdsxa.db.engine import Database
from cdsxa.db.models import Household, Person
from cdsxa.register import people, person_detail, teams
from cdsxa.support import sessions
from tests.conftest import TESTER
from tests.helpers import as_actor, person, village

HUGE = 5_000_000


def test_a_huge_name_or_note_is_refused_naming_the_field(db: Database) -> None:
    with pytest.raises(UserError, match="Họ và tên quá dài: 5.000.000 ký tự, tối đa 150"):
        person(db, "A" * HUGE)
    with pytest.raises(UserError, match="Ghi chú quá dài"):
        person(db, notes="x" * HUGE)
    someone = person(db, notes="x" * limits.NOTE)  # the limit itself is fine
    with db.reading(TESTER) as session:
        row = session.get(Person, someone)
        assert row is not None and len(row.notes or "") == limits.NOTE


def test_the_limit_holds_for_a_change_made_on_a_record_directly(db: Database) -> None:
    """Not only the services: anything that sets a field and flushes (sync, a script)."""
    with db.transaction(as_actor("test")) as session:
        household_id = people.add_household(session, village(db), code="HK01")
    with pytest.raises(UserError, match="Địa chỉ quá dài"):
        with db.transaction(as_actor("test")) as session:
            household = session.get(Household, household_id)
            assert household is not None
            household.address = "Thôn " * 1000
    with db.reading(TESTER) as session:
        assert session.get(Household, household_id).address is None  # type: ignore[union-attr]


def test_limits_hold_for_sessions_and_team_members(db: Database) -> None:
    citizen = person(db)
    with pytest.raises(UserError, match="Ghi chú quá dài"):
        with db.transaction(as_actor("officer")) as session:
            sessions.record(session, sessions.SessionInput(
                held_on=date(2025, 3, 10), person_id=citizen, topics=["online_shopping"],
                result="done", notes="n" * (limits.NOTE + 1)))
    with pytest.raises(UserError, match="Họ và tên thành viên quá dài"):
        with db.transaction(as_actor("test")) as session:
            team = teams.team_of_village(session, village(db))
            teams.add_member(session, team, teams.MemberInput("A" * 151, "youth_union"))


def test_the_form_path_says_which_field_is_too_long(db: Database) -> None:
    data = people.PersonInput(full_name="Lò Thị Mai", gender="female",
                              village_id=village(db), relation_to_head="Con " * 20)
    with pytest.raises(UserError, match="Quan hệ với chủ hộ quá dài"):
        with db.transaction(as_actor("test")) as session:
            person_detail.save_person(session, person_detail.PersonEdit(data))


def test_every_limit_fits_its_column_and_every_typed_column_has_one() -> None:
    unlisted = []
    for mapper in Base.registry.mappers:
        table = mapper.class_.__tablename__
        for attr in mapper.column_attrs:
            kind = attr.columns[0].type
            if not isinstance(kind, (String, Text)):
                continue
            limit = limits.FIELDS.get((table, attr.key))
            if limit is not None and isinstance(kind, String) and kind.length:
                assert limit.chars <= kind.length, (table, attr.key)
            if (limit is None and is_travelling_class(mapper.class_)
                    and attr.key not in limits.UNCHECKED):
                unlisted.append(f"{table}.{attr.key}")
    assert unlisted == []
    assert all(limit.chars < 32_767 for limit in limits.FIELDS.values())  # Excel's cell
    assert limits.problem("person", "full_name", "A" * 151) == (
        "Họ và tên quá dài: 151 ký tự, tối đa 150 ký tự.")
    assert limits.problem("person", "full_name", "A" * 150) is None
    assert limits.longest("person", "notes") == limits.NOTE


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidirectional_overrides_are_dropped_from_names(db: Database) -> None:
    # "Lò Thị ‮naV" shows as "Lò Thị Van" reversed: a list would lie about who is who.
    someone = person(db, "Lò Thị \u202eMai\u202c \u2066Hoa\u2069")
    with db.reading(TESTER) as session:
        row = session.get(Person, someone)
        assert row is not None and row.full_name == "Lò Thị Mai Hoa"
    assert stored(f"a{BIDI}b") == "ab"


def test_an_over_long_value_kept_from_before_does_not_block_other_changes(
        db: Database) -> None:
    from sqlalchemy import text

    someone = person(db)
    with db.transaction(as_actor("test")) as session:  # as an older version stored it
        session.execute(text("UPDATE person SET notes = :notes"), {"notes": "x" * 10_000})
    with db.transaction(as_actor("test")) as session:
        row = session.get(Person, someone)
        assert row is not None
        row.phone = "0912345678"
    with db.reading(TESTER) as session:
        assert session.get(Person, someone).phone == "0912345678"  # type: ignore[union-attr]
