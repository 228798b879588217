"""Received entries that are well-formed but say what no PC of the commune could say:
each batch holding one is refused whole (RemoteChangeError naming the entry), and
nothing of it is applied. Real profiles, through cdsxa.sync.apply.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select, text

from cdsxa.common.clock import Hlc
from cdsxa.common.ids import PersonId
from cdsxa.db.engine import Database
from cdsxa.db.models import Person
from cdsxa.register import erase, people
from cdsxa.sync.apply import RemoteChangeError, apply_remote, reverse
from cdsxa.sync.entries import Change
from tests import test_sync_apply
from tests.conftest import TESTER
from tests.test_sync_apply import (
    add_person,
    conflicts,
    edit,
    exchange,
    send,
    sync,
    village_of,
)

pcs = test_sync_apply.pcs  # the fixture: PCs copied from one profile, each its own device

TABLES = ("person", "village", "household", "person_outcome", "change_log", "sync_conflict",
          "setting", "this_device")


def snapshot(db: Database) -> dict[str, list[Any]]:
    with db.engine.connect() as connection:
        return {table: [tuple(row) for row in connection.execute(
            text(f'SELECT * FROM "{table}" ORDER BY 1'))] for table in TABLES}


def refused(db: Database, batch: list[Change]) -> RemoteChangeError:
    before = snapshot(db)
    with pytest.raises(RemoteChangeError) as caught:
        apply_remote(db, batch)
    assert snapshot(db) == before
    return caught.value


def later(like: Change, **changes: Any) -> Change:
    """An update of like's record, by like's device, just after it."""
    fields: dict[str, Any] = dict(entry_id=str(uuid.uuid4()), op="update", values={},
                                  hlc=Hlc(like.hlc.wall_ms + 5, 0, like.hlc.device),
                                  base_version=like.hlc)
    return replace(like, **{**fields, **changes})


def insert_of(db: Database, record_id: uuid.UUID) -> Change:
    return next(c for c in send(db) if c.record_id == str(record_id) and c.op == "insert")


def copy_of(change: Change, **values: Any) -> Change:
    """A new record made of change's insert with some values changed."""
    return replace(change, entry_id=str(uuid.uuid4()), record_id=str(uuid.uuid4()),
                   values={**change.values, **values})


# -- Merges and erasures --------------------------------------------------------------


def test_a_merge_of_two_citizens_with_different_id_numbers_is_refused(pcs: Any) -> None:
    a, b = pcs(2)
    one = add_person(a, name="Người Một", id_number="038190001111")
    two = add_person(a, name="Người Hai", id_number="038190002222")
    sync(a, b)
    loser, survivor = max(one, two, key=str), min(one, two, key=str)
    error = refused(b, [later(insert_of(a, loser), values={"merged_into": str(survivor)})])
    assert "khóa" in error.detail and error.entry_id


def test_a_merge_into_a_record_that_does_not_exist_is_refused(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a, id_number="038190001111")
    sync(a, b)
    ghost = "00000000-0000-4000-8000-000000000000"
    refused(b, [later(insert_of(a, person), values={"merged_into": ghost})])


def test_a_merge_of_records_without_a_natural_key_is_refused(pcs: Any) -> None:
    a, b = pcs(2)
    with a.transaction(TESTER) as session:
        one = people.add_household(session, village_of(a), code="HK01")
        two = people.add_household(session, village_of(a), code="HK02")
    sync(a, b)
    loser, survivor = max(one, two, key=str), min(one, two, key=str)
    refused(b, [later(insert_of(a, loser), values={"merged_into": str(survivor)})])


def _people(db: Database) -> list[Person]:
    with db.reading(TESTER) as session:
        return list(session.query(Person))


def test_only_a_person_and_their_own_rows_are_erased_by_an_entry(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    mine = insert_of(a, person)
    erase_village = replace(later(mine), table="village", record_id=str(village_of(b)),
                            op="erase")
    error = refused(b, [erase_village])
    assert error.entry_id == erase_village.entry_id
    assert len(_people(b)) == 1


# -- Values -----------------------------------------------------------------------------


@pytest.mark.parametrize("values", [
    {"id_number": "ABC"}, {"birth_date": None, "birth_year": 1700}, {"consent": "maybe"},
    {"phone": "x"}, {"full_name": "   "}, {"id_number": "038 190 001 111"},
])
def test_values_the_services_refuse_are_refused_from_a_remote_entry(
        pcs: Any, values: dict[str, Any]) -> None:
    a, b = pcs(2)
    person = add_person(a)
    error = refused(b, [copy_of(insert_of(a, person), **values)])
    assert error.entry_id


def test_an_update_with_a_bad_value_is_refused_too(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    refused(b, [later(insert_of(a, person), values={"phone": "12"})])


def test_name_key_is_made_from_the_name_here_never_taken_from_the_entry(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    mine = insert_of(a, person)
    forged = copy_of(mine, name_key="something else")
    apply_remote(b, [later(mine, values={"full_name": "Hà Văn Mới"}), forged])
    with b.reading(TESTER) as session:
        keys = {str(row.id): row.name_key for row in session.query(Person)}
    assert keys == {str(person): "ha van moi", forged.record_id: "lo thi mai"}


def test_a_too_long_text_names_the_entry(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    bad = copy_of(insert_of(a, person), notes="x" * 5000)
    error = refused(b, [bad])
    assert error.entry_id == bad.entry_id and "Ghi chú quá dài" in error.detail


# -- Who speaks ------------------------------------------------------------------------


def test_an_entry_stamped_with_this_pcs_own_device_is_refused(pcs: Any) -> None:
    a, b = pcs(2)
    mine = insert_of(a, add_person(a))
    clock = Hlc(mine.hlc.wall_ms, mine.hlc.counter, str(b.device_id))
    error = refused(b, [replace(mine, hlc=clock)])
    assert "mã máy" in error.detail


def test_an_entry_reusing_a_clock_this_pc_issued_is_refused(pcs: Any) -> None:
    a, b = pcs(2)
    own = insert_of(b, add_person(b, name="Người của B"))
    theirs = insert_of(a, add_person(a))
    refused(b, [replace(theirs, hlc=own.hlc)])


# -- Derived columns ------------------------------------------------------------------


def test_a_name_edited_on_two_pcs_makes_one_conflict_and_reversing_it_keeps_the_key(
        pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    edit(a, person, full_name="Lò Thị Mây")
    edit(b, person, full_name="Lò Thị Mận")
    exchange(a, b)
    found = [c.field for c in conflicts(a)]
    assert found == ["full_name"]
    with a.transaction(TESTER) as session:
        reverse(session, conflicts(a)[0].id)
    with a.reading(TESTER) as session:
        row = session.get(Person, person)
        assert row is not None and (row.full_name, row.name_key) == ("Lò Thị Mây",
                                                                      "lo thi may")


# -- Erasure across merges ------------------------------------------------------------

NAME, NUMBER = "Quàng Văn Xiêmzyx", "038190077777"


def traces(db: Database) -> list[str]:
    """Where the erased person's name or ID number is still held: any text or blob of
    any table, search index shadow tables included (their words are folded)."""
    needles = [NAME.encode(), NUMBER.encode(), b"xiemzyx"]
    found = []
    with db.engine.connect() as connection:
        tables = [name for (name,) in connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))]
        for table in tables:
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    data = (value.encode() if isinstance(value, str)
                            else bytes(value) if isinstance(value, (bytes, memoryview))
                            else b"")
                    if any(needle in data.lower() for needle in needles):
                        found.append(table)
    return sorted(set(found))


def test_erasing_a_merged_citizen_leaves_nothing_of_them_on_any_pc(pcs: Any) -> None:
    a, b = pcs(2)
    on_a = add_person(a, name=NAME, id_number=NUMBER, notes="ghi chú A")
    on_b = add_person(b, name=NAME, id_number=NUMBER, phone="0912345678")
    edit(a, on_a, notes="ghi chú A2")  # audit values on the loser and the survivor
    exchange(a, b)
    survivor = min(on_a, on_b, key=str)
    edit(a, survivor, full_name=NAME + " Một")
    edit(b, survivor, full_name=NAME + " Hai")  # a conflict holding both names
    exchange(a, b)
    assert traces(a) and traces(b)
    with a.transaction(TESTER) as session:
        erase.erase_person(session, PersonId(survivor), "Người dân yêu cầu xóa dữ liệu")
    assert traces(a) == [], traces(a)
    exchange(a, b)
    assert traces(b) == []
    with b.reading(TESTER) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_a_duplicate_made_elsewhere_before_the_erasure_was_known_stays_everywhere(
        pcs: Any) -> None:
    """The erasing PC erases the records it knows as the person (and those merged into
    them); an erased record keeps no ID number to match a duplicate by. A duplicate
    entered on another PC meanwhile is a record of its own, the same on every PC,
    until it is erased in its turn (docs/sync-rules.md)."""
    a, b = pcs(2)
    on_a = add_person(a, name=NAME, id_number=NUMBER)
    on_b = add_person(b, name=NAME, id_number=NUMBER, notes="nhập ở máy B")
    with a.transaction(TESTER) as session:
        erase.erase_person(session, PersonId(on_a), "Người dân yêu cầu xóa dữ liệu")
    exchange(a, b)
    for db in (a, b):
        assert [(p.id, p.notes, p.deleted) for p in _people(db)] == [
            (on_b, "nhập ở máy B", False)]
    with b.transaction(TESTER) as session:
        erase.erase_person(session, PersonId(on_b), "Người dân yêu cầu xóa dữ liệu")
    exchange(a, b)
    for db in (a, b):
        assert traces(db) == [] and _people(db) == []
