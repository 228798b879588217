"""Applying remote changes on the PC (cdsxa.sync.apply): real profiles, real services.

Each PC is a copy of the `db` fixture's template (as a profile restored onto a
new PC) with a device id of its own. PCs exchange what `outgoing` gives them
through `apply_remote`, as they would through the hub.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from cdsxa.common.clock import Hlc
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.commune import profile
from cdsxa.db.activity import GroupSession, GroupSessionAttendee, SupportSession
from cdsxa.db.engine import Database
from cdsxa.db.models import (
    ChangeLogEntry,
    Person,
    PersonOutcome,
    PopulationFigure,
    SyncConflict,
    Village,
)
from cdsxa.profile.storage import open_database
from cdsxa.register import erase, people, villages
from cdsxa.security import keys
from cdsxa.support import sessions
from cdsxa.sync import journal
from cdsxa.sync.apply import RemoteChangeError, Report, apply_remote, outgoing, reverse
from cdsxa.sync.duplicates import NATURAL_KEYS, REFERENCES
from cdsxa.sync.entries import Change
from tests.conftest import TESTER, MemoryKeyring, ProfileTemplate

VISIBLE = ("full_name", "gender", "birth_date", "birth_year", "ethnicity", "id_number",
           "phone", "village_id", "household_id", "relation_to_head", "notes", "consent",
           "consent_on", "deleted")


def open_pc(template: ProfileTemplate, data_dir: Path) -> Database:
    shutil.copytree(template.data_dir, data_dir)
    assert keys._keyring_put(template.profile_id, template.key)
    db = open_database(data_dir, template.key)
    with db.engine.begin() as connection:  # restored onto a new PC: a new device id
        connection.execute(text("UPDATE this_device SET id = :id"),
                           {"id": uuid.uuid4().hex})
    db.load_device()
    return db


@pytest.fixture
def pcs(tmp_path: Path, profile_template: ProfileTemplate,
        memory_keyring: MemoryKeyring) -> Iterator[Callable[[int], list[Database]]]:
    opened: list[Database] = []

    def make(count: int) -> list[Database]:
        for _ in range(count):
            opened.append(open_pc(profile_template, tmp_path / f"pc{len(opened)}"))
        return opened[-count:]

    yield make
    for db in opened:
        db.close()


def send(source: Database, limit: int = 1000) -> list[Change]:
    with source.reading(TESTER) as session:
        return outgoing(session, limit)


def sync(source: Database, target: Database) -> Report:
    return apply_remote(target, send(source))


def exchange(*pcs: Database) -> None:
    for _ in range(2):  # merge entries written on the way travel on the second round
        for source in pcs:
            for target in pcs:
                if source is not target:
                    sync(source, target)


def village_of(db: Database, name: str = "Bản Hang") -> VillageId:
    with db.reading(TESTER) as session:
        found = villages.find_by_name(session, name)
    assert found is not None
    return found


def add_person(db: Database, name: str = "Lò Thị Mai", **extra: Any) -> PersonId:
    with db.transaction(TESTER) as session:
        return people.add_person(session, people.PersonInput(
            full_name=name, gender="female", village_id=village_of(db),
            birth_date=date(1990, 5, 1), **extra))


def edit(db: Database, person_id: uuid.UUID, **changes: Any) -> None:
    time.sleep(0.002)  # a later edit has a later clock, whatever the PC
    with db.transaction(TESTER) as session:
        row = session.get(Person, person_id)
        assert row is not None
        fields = {name: getattr(row, name) for name in (
            "full_name", "gender", "village_id", "birth_date", "birth_year", "ethnicity",
            "id_number", "phone", "household_id", "relation_to_head", "notes", "consent",
            "consent_on")}
        people.update_person(session, PersonId(person_id),
                             people.PersonInput(**{**fields, **changes}))


def person_row(db: Database, person_id: uuid.UUID) -> dict[str, Any]:
    with db.reading(TESTER) as session:
        row = session.get(Person, person_id)
        assert row is not None
        return {name: getattr(row, name) for name in VISIBLE}


def count(db: Database, model: Any, *where: Any) -> int:
    with db.reading(TESTER) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def conflicts(db: Database) -> list[SyncConflict]:
    with db.reading(TESTER) as session:
        return list(session.scalars(select(SyncConflict).order_by(SyncConflict.detected_at)))


def test_edits_of_different_fields_both_survive_on_both(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    edit(a, person, phone="0912345678")
    edit(b, person, notes="Đã chuyển hộ")
    exchange(a, b)
    for db in (a, b):
        row = person_row(db, person)
        assert (row["phone"], row["notes"]) == ("0912345678", "Đã chuyển hộ")
    assert conflicts(a) == [] and conflicts(b) == []
    with a.reading(TESTER) as s1, b.reading(TESTER) as s2:
        one, two = s1.get(Person, person), s2.get(Person, person)
        assert one is not None and two is not None
        assert (one.hlc, one.device_id) == (two.hlc, two.device_id)  # one version


def test_the_same_field_later_clock_wins_and_the_loser_can_be_put_back(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    edit(a, person, notes="Ghi chú của máy A")
    edit(b, person, notes="Ghi chú của máy B")  # later
    exchange(a, b)
    assert person_row(a, person)["notes"] == person_row(b, person)["notes"] == "Ghi chú của máy B"
    lost = [c for c in conflicts(a) if c.field == "notes"]
    assert len(lost) == 1 and lost[0].kind == "edit" and lost[0].resolved_at is None
    assert json.loads(lost[0].losing_value or "") == "Ghi chú của máy A"
    assert json.loads(lost[0].winning_value or "") == "Ghi chú của máy B"
    with a.transaction(TESTER) as session:
        reverse(session, lost[0].id)
    exchange(a, b)
    assert person_row(a, person)["notes"] == person_row(b, person)["notes"] == "Ghi chú của máy A"
    assert conflicts(a)[0].resolved_by == TESTER.name


def test_a_delete_against_a_concurrent_edit_is_a_conflict(pcs: Any) -> None:
    a, b = pcs(2)
    with a.transaction(TESTER) as session:
        village = villages.add(session, "Bản Tạm")
    sync(a, b)
    time.sleep(0.002)
    with a.transaction(TESTER) as session:
        villages.rename(session, village, "Bản Tạm Mới")
    time.sleep(0.002)
    with b.transaction(TESTER) as session:
        villages.remove(session, village)
    exchange(a, b)
    for db in (a, b):
        assert count(db, Village, Village.id == village, Village.deleted.is_(True)) == 1
        found = [c for c in conflicts(db) if c.kind == "delete_vs_edit"]
        assert found and found[0].field == "deleted"
    with a.transaction(TESTER) as session:  # put the village back
        reverse(session, next(c for c in conflicts(a) if c.kind == "delete_vs_edit").id)
    exchange(a, b)
    for db in (a, b):
        with db.reading(TESTER) as session:
            row = session.get(Village, village)
            assert row is not None and not row.deleted and row.name == "Bản Tạm Mới"


def test_the_same_citizen_created_on_two_pcs_is_merged_on_all(pcs: Any) -> None:
    a, b, c = pcs(3)
    ids = {}
    for db, note in ((a, "từ máy A"), (b, "từ máy B")):
        with db.transaction(TESTER) as session:
            household = people.add_household(session, village_of(db), code=f"HK {note}")
            ids[db.path] = people.add_person(session, people.PersonInput(
                full_name="Hà Văn Sáng", gender="male", village_id=village_of(db),
                id_number="038090001234", household_id=household, notes=note))
            sessions.record(session, sessions.SessionInput(
                held_on=date(2025, 3, 10), person_id=ids[db.path],
                topics=["digital_skills"], result="done"))
    survivor = min(ids.values(), key=str)
    exchange(a, b, c)
    rows = []
    for db in (a, b, c):
        assert count(db, Person, Person.id_number == "038090001234",
                     Person.deleted.is_(False)) == 1
        with db.reading(TESTER) as session:
            assert set(session.scalars(select(SupportSession.person_id))) == {survivor}
            assert set(session.scalars(select(PersonOutcome.person_id).where(
                PersonOutcome.deleted.is_(False)))) == {survivor}
            households = session.scalars(select(Person.household_id).where(
                Person.deleted.is_(False))).all()
        assert count(db, PersonOutcome, PersonOutcome.deleted.is_(False)) == 1
        rows.append(person_row(db, survivor))
        assert households == [rows[-1]["household_id"]]
        assert any(c.kind == "duplicate" and c.field == "notes" for c in conflicts(db))
    assert rows[0] == rows[1] == rows[2]
    merges = [m for db in (a, b) for m in send(db)
              if m.values.get("merged_into") and m.table == "person"]
    assert merges and {m.values["merged_into"] for m in merges} == {str(survivor)}


def test_every_foreign_key_to_a_mergeable_record_is_a_reference_of_the_rules() -> None:
    """The hub re-points only the rules' REFERENCES (the PC adds its foreign keys):
    a column missing there would keep naming a merged record on the hub alone."""
    keys = {(table, column.key, fk.column.table.name)
            for table, model in journal.models().items()
            for column in model.__table__.columns for fk in column.foreign_keys
            if fk.column.table.name in NATURAL_KEYS}
    listed = {(table, name, target) for table, fields in REFERENCES.items()
              for name, target in fields.items()}
    assert keys <= listed
    assert all(name in journal.models()[table].__table__.columns
               for table, name, _target in listed)


def test_a_class_naming_a_merged_person_names_the_survivor_on_all(pcs: Any) -> None:
    a, b = pcs(2)
    ids = {a.path: add_person(a, id_number="038190001234"),
           b.path: add_person(b, id_number="038190001234")}
    survivor, loser = sorted(ids.values(), key=str)
    here, there = (a, b) if ids[a.path] == loser else (b, a)
    with here.transaction(TESTER) as session:  # the class is held where the loser was made
        sessions.record_group(session, sessions.GroupInput(
            held_on=date(2025, 5, 3), topic="online_payment", attendee_ids=[loser]))
    sync(here, there)  # `there` merges the person, then learns of the class
    exchange(a, b)
    for db in (a, b):
        with db.reading(TESTER) as session:
            assert session.scalars(select(GroupSession)).one().attendee_ids == [str(survivor)]
            assert set(session.scalars(select(GroupSessionAttendee.person_id))) == {survivor}


def test_every_live_unique_index_is_a_natural_key_so_duplicates_merge() -> None:
    """A unique index without a natural key refuses, forever, a batch in which two PCs
    made the same thing: each must be a key the rules merge by."""
    unmerged = []
    for table, model in journal.models().items():
        for index in model.__table__.indexes:
            if index.unique:
                columns = tuple(c.name for c in index.columns if c.name != "commune_code")
                if NATURAL_KEYS.get(table) != columns:
                    unmerged.append((table, index.name, columns))
    assert unmerged == []


def test_both_duplicates_attending_one_class_become_one_attendee(pcs: Any) -> None:
    a, b = pcs(2)
    other = add_person(a, name="Hà Văn Khác")
    with a.transaction(TESTER) as session:
        class_id = sessions.record_group(session, sessions.GroupInput(
            held_on=date(2025, 5, 3), topic="online_payment", attendee_ids=[other]))
    sync(a, b)
    made = []
    for db in (a, b):  # offline, each PC enters the citizen and adds them to the class
        person = add_person(db, id_number="038190001234")
        made.append(person)
        with db.transaction(TESTER) as session:
            row = session.get(GroupSession, class_id)
            assert row is not None
            row.attendee_ids = [str(other), str(person)]
    exchange(a, b)
    survivor = min(made, key=str)
    for db in (a, b):
        with db.reading(TESTER) as session:
            assert session.scalars(select(GroupSession)).one().attendee_ids == [
                str(other), str(survivor)]
            live = session.scalars(select(GroupSessionAttendee.person_id).where(
                GroupSessionAttendee.deleted.is_(False))).all()
            assert sorted(live, key=str) == sorted([other, survivor], key=str)


def test_two_pcs_setting_one_years_population_keep_one_figure_and_a_conflict(
        pcs: Any) -> None:
    a, b = pcs(2)
    for db, residents in ((a, 528), (b, 531)):
        time.sleep(0.002)
        with db.transaction(TESTER) as session:
            profile.set_population(session, profile.Population(year=2031,
                                                               residents=residents))
    exchange(a, b)
    for db in (a, b):
        with db.reading(TESTER) as session:
            figures = session.scalars(select(PopulationFigure).where(
                PopulationFigure.year == 2031, PopulationFigure.deleted.is_(False))).all()
            assert [f.residents for f in figures] == [531]
            lost = session.scalars(select(SyncConflict).where(
                SyncConflict.table_name == "population_figure")).all()
            assert [json.loads(c.losing_value) for c in lost if c.field == "residents"] \
                == [528]


def test_a_batch_applied_twice_changes_nothing_and_nothing_echoes(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    edit(a, person, notes="một")
    batch = send(a)
    first = apply_remote(b, batch)
    assert first.applied == 2 and first.already_seen == len(batch) - 2
    logged = count(b, ChangeLogEntry)
    second = apply_remote(b, batch)
    assert (second.applied, second.already_seen) == (0, len(batch))
    assert count(b, ChangeLogEntry) == logged
    echoed = {change.entry_id for change in send(b)} & {change.entry_id for change in batch
                                                        if change.record_id == str(person)}
    assert echoed == set()
    assert not any(change.record_id == str(person) for change in send(b))
    with b.reading(TESTER) as session:
        received = session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.record_id == person)).all()
        assert all(e.received_at is not None and e.acked_at is not None for e in received)
        row = session.get(Person, person)
        assert row is not None and row.updated_by == f"device:{a.device_id}"


def test_an_update_before_its_insert_is_kept_until_the_insert_comes(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a, notes="cũ")
    edit(a, person, notes="mới")
    mine = [c for c in send(a) if c.record_id == str(person)]
    insert, update = mine
    insert = replace(insert, values={**insert.values, "notes": "cũ"})  # as sent at the time
    early = apply_remote(b, [update])
    assert early.waiting == 1 and count(b, Person, Person.id == person) == 0
    apply_remote(b, [insert])
    assert person_row(b, person)["notes"] == "mới"
    assert person_row(b, person) == person_row(a, person)


def test_a_batch_with_one_bad_entry_applies_nothing(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    good = send(a)
    one = next(c for c in good if c.record_id == str(person))
    before = count(b, ChangeLogEntry)
    for bad in (replace(one, entry_id=str(uuid.uuid4()), commune_code=one.commune_code + 1),
                replace(one, entry_id=str(uuid.uuid4()), table="no_such_table"),
                replace(one, entry_id=str(uuid.uuid4()),
                        values={**one.values, "birth_date": "not a date"})):
        with pytest.raises(RemoteChangeError):
            apply_remote(b, [*good, bad])
    # the services' check of gender refuses it (before the table's constraint would)
    wrong = replace(one, entry_id=str(uuid.uuid4()), record_id=str(uuid.uuid4()),
                    values={**one.values, "gender": "other", "id_number": None})
    with pytest.raises(RemoteChangeError, match="giới tính"):
        apply_remote(b, [*good, wrong])
    assert count(b, ChangeLogEntry) == before and count(b, Person) == 0


def test_in_the_callers_transaction_a_refused_batch_leaves_the_callers_work(
    pcs: Any
) -> None:
    a, b = pcs(2)
    person = add_person(a)
    good = send(a)
    bad = replace(good[-1], entry_id=str(uuid.uuid4()), table="no_such_table")
    with b.transaction(TESTER) as session:
        villages.add(session, "Bản Của Máy B")
        with pytest.raises(RemoteChangeError):
            apply_remote(session, [*good, bad])
        report = apply_remote(session, good)
    assert report.applied >= 1 and count(b, Person, Person.id == person) == 1
    assert count(b, Village, Village.name == "Bản Của Máy B") == 1


def test_a_clock_far_ahead_is_refused_alone(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    one = next(c for c in send(a) if c.record_id == str(person))
    future = Hlc(one.hlc.wall_ms + 10 * 24 * 3600 * 1000, 0, one.hlc.device)
    report = apply_remote(b, [replace(one, hlc=future)])
    assert report.applied == 0 and report.refused[0][0] == one.entry_id
    assert "ahead" in report.refused[0][1]
    assert count(b, Person) == 0 and count(b, ChangeLogEntry,
                                           ChangeLogEntry.id == uuid.UUID(one.entry_id)) == 0


def test_erasing_a_person_empties_their_conflicts_here_and_there(pcs: Any) -> None:
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    edit(a, person, notes="A")
    edit(b, person, notes="B")
    exchange(a, b)
    assert any(c.losing_value for c in conflicts(a)) and any(c.losing_value for c in conflicts(b))
    with b.transaction(TESTER) as session:
        erase.erase_person(session, PersonId(person), "Người dân yêu cầu xóa dữ liệu")
    assert [c.losing_value for c in conflicts(b)] == [None] * len(conflicts(b))
    sync(b, a)
    assert count(a, Person, Person.id == person) == 0
    assert all(c.losing_value is None and c.winning_value is None for c in conflicts(a))


def test_outgoing_values_are_json_ready(pcs: Any) -> None:
    (a,) = pcs(1)
    person = add_person(a, id_number="038190009999")
    change = next(c for c in send(a) if c.record_id == str(person))
    assert change.op == "insert" and change.base_version is None
    assert change.values["birth_date"] == "1990-05-01"
    assert change.values["village_id"] == str(village_of(a))  # canonical, with dashes
    assert not {"id", "hlc", "device_id", "deleted", "version", "commune_code",
                "counting_birth_date"} & change.values.keys()
    assert Change.from_wire(json.loads(json.dumps(change.to_wire()))) == change
    edit(a, person, full_name="Lò Thị Mây")
    update = send(a)[-1]
    assert update.values == {"full_name": "Lò Thị Mây", "name_key": "lo thi may"}
    assert journal.entry_op("undelete") == "restore"


EDIT = st.tuples(st.sampled_from(["edit", "sync"]), st.integers(0, 1),
                 st.sampled_from(["notes", "phone", "ethnicity"]), st.integers(0, 3))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EDIT, min_size=1, max_size=6))
def test_random_interleavings_converge(pcs: Any, steps: list[tuple[str, int, str, int]]) -> None:
    a, b = pcs(2)
    person = add_person(a)
    sync(a, b)
    machines = (a, b)
    values = {"notes": ["một", "hai", "ba", "bốn"], "ethnicity": ["Thái", "Mường", "Kinh", "Mông"],
              "phone": ["0912345678", "0987654321", "0911111111", "0922222222"]}
    for action, which, name, pick in steps:
        here, there = machines[which], machines[1 - which]
        if action == "edit":
            edit(here, person, **{name: values[name][pick]})
        else:
            sync(here, there)
    exchange(a, b)
    assert person_row(a, person) == person_row(b, person)


def test_remote_text_is_stored_nfc_without_control_characters(pcs: Any) -> None:
    """The remote path runs the same text hygiene as a local save."""
    import unicodedata

    a, b = pcs(2)
    person_id = add_person(a)
    sync(a, b)
    edit(a, person_id, notes="x")
    changes = send(a)
    typed = unicodedata.normalize("NFD", "Ghi chú: Mường\x07 Lát")
    forged = [replace(c, values={**c.values, "notes": typed}) if "notes" in c.values else c
              for c in changes]
    apply_remote(b, forged)
    stored = person_row(b, person_id)["notes"]
    assert stored == "Ghi chú: Mường Lát" and unicodedata.is_normalized("NFC", stored)


def test_an_oversized_value_refuses_the_batch_and_applies_nothing(pcs: Any) -> None:
    a, b = pcs(2)
    person_id = add_person(a)
    changes = send(a)
    huge = [replace(c, values={**c.values, "full_name": "A" * 100_000})
            if c.table == "person" else c for c in changes]
    with pytest.raises(RemoteChangeError):
        apply_remote(b, huge)
    assert count(b, Person, Person.id == person_id) == 0


def test_an_empty_batch_changes_nothing(pcs: Any) -> None:
    (a,) = pcs(1)
    with a.reading(TESTER) as session:
        before = session.scalar(select(func.count()).select_from(ChangeLogEntry))
    report = apply_remote(a, [])
    with a.reading(TESTER) as session:
        assert session.scalar(select(func.count()).select_from(ChangeLogEntry)) == before
    assert report.applied == 0


def test_a_batch_reads_its_records_at_once_as_one_by_one_would(pcs: Any) -> None:
    """journal.load_states (a few queries per table) gives what load_state gives record
    by record: rows, merged duplicates, erased people and partial states alike."""
    from cdsxa.db import merges

    a, b = pcs(2)
    for db, note in ((a, "từ máy A"), (b, "từ máy B")):
        with db.transaction(TESTER) as session:
            people.add_person(session, people.PersonInput(
                full_name="Hà Văn Sáng", gender="male", village_id=village_of(db),
                id_number="038090001234", notes=note))
    gone = add_person(a, "Lò Thị Xóa")
    waiting = add_person(a, "Lò Văn Chờ", notes="cũ")
    edit(a, waiting, notes="mới")
    early = [c for c in send(a) if c.record_id == str(waiting) and c.op == "update"]
    exchange(a, b)
    with a.transaction(TESTER) as session:
        erase.erase_person(session, gone, "Người dân yêu cầu xóa dữ liệu")
    sync(a, b)
    fresh = pcs(1)[0]
    apply_remote(fresh, early)  # a partial state there
    for db in (a, b, fresh):
        with db.reading(TESTER) as session:
            keys = [(table, str(record_id)) for table, model in journal.models().items()
                    for record_id in session.scalars(select(model.id))]
            keys += [(e.table_name, str(e.record_id)) for e in session.scalars(
                select(ChangeLogEntry))]
            keys = list(dict.fromkeys(keys))
            at_once = journal.load_states(session, keys, merges.redirects(session))
            assert at_once == {k: journal.load_state(session, *k) for k in keys}
            assert any(s is not None and s.merged_into for s in at_once.values()) or db is fresh
