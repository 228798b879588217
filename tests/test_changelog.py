"""The change log: written for every change to a travelling record, atomically."""

import json
import unicodedata
import uuid
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm.exc import StaleDataError

from cdsxa.db.base import utcnow
from cdsxa.db.changelog import ChangeLogBypassError
from cdsxa.db.engine import Database
from cdsxa.db.models import AuditEvent, ChangeLogEntry, Household, Person, Village
from cdsxa.register import people, villages
from cdsxa.sync import outbox
from tests.conftest import TESTER
from tests.helpers import as_actor


def entries(db: Database, table: str | None = None) -> list[ChangeLogEntry]:
    with db.reading(TESTER) as session:
        query = select(ChangeLogEntry).order_by(ChangeLogEntry.seq)
        if table:
            query = query.where(ChangeLogEntry.table_name == table)
        return list(session.scalars(query))


def test_setup_logged_every_travelling_record(db: Database) -> None:
    logged = [(e.table_name, e.op) for e in entries(db)]
    assert logged == [
        ("commune_profile", "insert"),
        ("village", "insert"),
        ("village", "insert"),
        ("population_figure", "insert"),
    ]  # the app user and settings are local: they do not travel


def test_insert_update_delete_and_erase_are_each_logged(db: Database) -> None:
    with db.transaction(as_actor("officer A")) as session:
        village_id = villages.add(session, "Bản Mới")
    with db.transaction(as_actor("officer B")) as session:
        villages.rename(session, village_id, "Bản Mới Lập")
    with db.transaction(as_actor("officer C")) as session:
        villages.remove(session, village_id)
    with db.transaction(as_actor("officer D")) as session:
        session.delete(session.get(Village, village_id))

    log = [e for e in entries(db, "village") if e.record_id == village_id]
    assert [(e.op, e.version, e.changed_by) for e in log] == [
        ("insert", 1, "officer A"),
        ("update", 2, "officer B"),
        ("delete", 3, "officer C"),
        ("erase", 3, "officer D"),
    ]
    assert len({e.id for e in log}) == 4
    assert all(e.acked_at is None for e in log)


def test_sync_sends_the_newest_state_once_for_all_pending_entries(db: Database) -> None:
    with db.transaction(as_actor("t")) as session:
        village_id = villages.find_by_name(session, "Bản Hang")
        assert village_id is not None
        household = people.add_household(session, village_id, code="HK01")
        person = people.add_person(session, people.PersonInput(
            full_name="Lò Thị Mai", gender="female", village_id=village_id,
            household_id=household, id_number="038301000123", phone="+84 912 345 678"))
    with db.transaction(as_actor("t")) as session:
        row = session.get(Person, person)
        assert row is not None
        row.notes = "Đã chuyển đến bản khác"
    with db.reading(TESTER) as session:
        changes = {c.record_id: c for c in outbox.pending(session)}
    change = changes[person]
    assert (change.op, change.version) == ("upsert", 2)
    assert len(change.entry_ids) == 2  # the insert and the update, sent as one state
    state = change.state or {}
    assert state["household_id"] == str(household) and state["village_id"] == str(village_id)
    assert state["phone"] == "0912345678" and state["notes"] == "Đã chuyển đến bản khác"
    assert state["commune_code"] == db.commune_code and state["deleted"] is False
    assert json.dumps(state, ensure_ascii=False)  # travels as JSON


def test_an_erased_record_leaves_a_tombstone_without_data(db: Database) -> None:
    with db.transaction(as_actor("t")) as session:
        village_id = villages.add(session, "Bản Tạm")
    with db.transaction(as_actor("t")) as session:
        session.delete(session.get(Village, village_id))
    with db.reading(TESTER) as session:
        change = next(c for c in outbox.pending(session) if c.record_id == village_id)
    assert (change.op, change.state, len(change.entry_ids)) == ("erase", None, 2)


def test_the_log_names_fields_and_the_audit_trail_keeps_old_and_new_values(
    db: Database
) -> None:
    with db.transaction(as_actor("t")) as session:
        village_id = villages.add(session, "Bản Cũ")
    with db.transaction(as_actor("t")) as session:
        villages.rename(session, village_id, "Bản Mới")
    log = [e for e in entries(db, "village") if e.record_id == village_id]
    assert log[0].fields is None and json.loads(log[1].fields or "") == ["name"]
    with db.reading(TESTER) as session:
        values = session.scalars(select(AuditEvent).where(AuditEvent.change_id == log[1].id))
        assert [json.loads(v.details or "") for v in values] == [
            {"name": ["Bản Cũ", "Bản Mới"]}]
    raw = db.engine.raw_connection()
    try:  # the sync journal itself holds no value at all
        rows = raw.execute("SELECT * FROM change_log").fetchall()
    finally:
        raw.close()
    assert not any("Bản Cũ" in str(row) or "Bản Mới" in str(row) for row in rows)


def test_every_entry_carries_its_device_clock_and_base_version(db: Database) -> None:
    with db.transaction(as_actor("t")) as session:
        village_id = villages.add(session, "Bản Cũ")
    with db.transaction(as_actor("t")) as session:
        villages.rename(session, village_id, "Bản Mới")
    with db.transaction(as_actor("t")) as session:
        villages.rename(session, village_id, "Bản Mới Nữa")
    first, second, third = [e for e in entries(db, "village") if e.record_id == village_id]
    assert {first.device_id, second.device_id, third.device_id} == {db.device_id}
    assert first.hlc < second.hlc < third.hlc  # one clock, never backwards
    assert (first.base_hlc, first.base_device) == (None, None)  # an insert has no base
    assert (second.base_hlc, second.base_device) == (first.hlc, db.device_id)
    assert third.base_hlc == second.hlc
    with db.reading(TESTER) as session:
        row = session.get(Village, village_id)
        assert row is not None and (row.hlc, row.device_id) == (third.hlc, db.device_id)


def test_the_clock_survives_a_restart_and_a_wall_clock_set_back(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdsxa.common import clock

    with db.transaction(as_actor("t")) as session:
        villages.add(session, "Bản Một")
    before = entries(db)[-1].hlc
    monkeypatch.setattr(clock, "wall_clock_ms", lambda: 946684800000)  # the PC now says 2000
    with db.transaction(as_actor("t")) as session:
        villages.add(session, "Bản Hai")
    assert entries(db)[-1].hlc > before


def test_the_hook_stays_on_the_apps_sessions(db: Database) -> None:
    """Other code in the process (the hub, a script) gets plain sessions."""
    from sqlalchemy.orm import Session

    with Session(db.engine) as plain:
        plain.add(Village(name="Bản Ngoài", name_key="ban ngoai", commune_code=1,
                          created_at=utcnow(), updated_at=utcnow(), updated_by="script",
                          version=7, hlc=5, device_id=uuid.uuid4()))
        plain.flush()  # no actor needed, nothing stamped, nothing logged
        plain.rollback()
    assert all(e.changed_by != "script" for e in entries(db))


def test_the_change_log_cannot_be_edited_or_deleted(db: Database) -> None:
    from cdsxa.security import audit

    with db.transaction(as_actor("t")) as session:
        villages.add(session, "Bản Mới")
        audit.record(session, "export", "Xuất danh sách")
    raw = db.engine.raw_connection()
    try:
        for table in ("change_log", "audit_event"):  # each has rows to try on
            assert raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
        for statement in ("UPDATE change_log SET changed_by = 'someone else'",
                          "UPDATE change_log SET fields = '[]'",
                          "UPDATE change_log SET hlc = 0",
                          "DELETE FROM change_log",
                          "UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
            with pytest.raises(Exception, match="cannot be edited"):
                raw.execute(statement)
        raw.execute("UPDATE change_log SET acked_at = '2026-01-01 00:00:00'")  # sync may
    finally:
        raw.rollback()
        raw.close()


def test_failed_transaction_leaves_neither_record_nor_entry(db: Database) -> None:
    before = len(entries(db))
    with pytest.raises(RuntimeError):
        with db.transaction(as_actor("t")) as session:
            villages.add(session, "Bản Sẽ Mất")
            session.flush()  # the entry is written ...
            raise RuntimeError("power cut")  # ... and rolled back with the record
    assert len(entries(db)) == before
    with db.reading(TESTER) as session:
        assert villages.find_by_name(session, "Bản Sẽ Mất") is None


def test_text_is_stored_nfc_even_when_typed_decomposed(db: Database) -> None:
    decomposed = unicodedata.normalize("NFD", "Bản Nậm Giải")
    with db.transaction(as_actor("t")) as session:
        village_id = villages.add(session, decomposed)
        row = session.get(Village, village_id)
        assert row is not None
        row.name = unicodedata.normalize("NFD", "Bản Nậm Giải Mới")  # straight to the model
    with db.reading(TESTER) as session:
        row = session.get(Village, village_id)
        assert row is not None and row.name == "Bản Nậm Giải Mới"
        assert unicodedata.is_normalized("NFC", row.name)
    assert entries(db, "village")[-1].op == "update"


@pytest.mark.parametrize("statement", [
    lambda: update(Village).values(name="X"),
    lambda: delete(Village),
    lambda: insert(Village).values(name="X", name_key="x", commune_code=1),
])
def test_bulk_statements_cannot_go_around_the_log(db: Database, statement: Any) -> None:
    with pytest.raises(ChangeLogBypassError):
        with db.transaction(as_actor("t")) as session:
            session.execute(statement())
    with db.reading(TESTER) as session:
        assert "X" not in [v.name for v in villages.list_all(session)]


def test_writes_need_an_actor(db: Database) -> None:
    with pytest.raises(ChangeLogBypassError):
        with db.transaction(as_actor("")) as session:
            villages.add(session, "Bản Vô Danh")


def test_concurrent_edit_of_the_same_version_is_refused(db: Database) -> None:
    with db.reading(TESTER) as session:
        village_id = villages.find_by_name(session, "Bản Hang")
    # Two officers load the same version (forms read in sessions that take no lock).
    first = db._reader(actor=db.actor(as_actor("A")))
    second = db._reader(actor=db.actor(as_actor("B")))
    a = first.get(Village, village_id)
    b = second.get(Village, village_id)
    assert a is not None and b is not None
    second.commit()  # B's form is open with version 1; no transaction is held meanwhile
    a.name = "Bản Hang A"
    first.commit()
    b.name = "Bản Hang B"
    with pytest.raises(StaleDataError):
        second.commit()
    second.rollback()
    first.close()
    second.close()
    with db.reading(TESTER) as session:
        assert session.get(Village, village_id).name == "Bản Hang A"  # type: ignore[union-attr]


def test_merge_logs_every_moved_record(db: Database) -> None:
    with db.transaction(as_actor("t")) as session:
        source = villages.find_by_name(session, "Thôn Đồng Tâm")
        target = villages.find_by_name(session, "Bản Hang")
        assert source and target
        household = people.add_household(session, source)
        people.add_person(session, people.PersonInput("Hà Văn Sơn", "male", source,
                                                      household_id=household))
    with db.transaction(as_actor("t")) as session:
        villages.merge(session, source, target)
    ops = [(e.table_name, e.op) for e in entries(db)[-3:]]
    assert sorted(ops) == [("household", "update"), ("person", "update"), ("village", "delete")]
    with db.reading(TESTER) as session:
        moved = session.get(Household, household)
        assert moved is not None and moved.village_id == target
