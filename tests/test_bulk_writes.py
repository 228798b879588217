"""Records written in bulk (cdsxa.db.bulk) are logged and checked as a flush logs them."""

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from cdsxa.common.errors import UserError
from cdsxa.db import bulk
from cdsxa.db.changelog import ChangeLogBypassError, applying_remote
from cdsxa.db.engine import Database
from cdsxa.db.models import AuditEvent, ChangeLogEntry, Person, PersonOutcome, Setting
from tests.conftest import TESTER
from tests.helpers import person, village


def _entries(db: Database, record_id: uuid.UUID) -> list[ChangeLogEntry]:
    with db.reading(TESTER) as session:
        return list(session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.record_id == record_id).order_by(ChangeLogEntry.seq)))


def test_an_update_names_its_fields_base_and_values(db: Database) -> None:
    mai = person(db)
    before = _entries(db, mai)[-1]
    with db.transaction(TESTER) as session:
        held = session.get(Person, mai)
        assert held is not None and held.phone is None
        changed = bulk.update_records(session, Person, {mai: {"phone": "0912345678",
                                                              "notes": "Ghi\u0301 chu\u0301"}})
        # The session's own copy is read again, not left stale.
        assert changed == 1 and held.phone == "0912345678" and held.version == 2
    entry = _entries(db, mai)[-1]
    assert (entry.op, json.loads(entry.fields or ""), entry.version) == (
        "update", ["notes", "phone"], 2)
    assert (entry.base_hlc, entry.base_device) == (before.hlc, before.device_id)
    assert entry.hlc > before.hlc
    with db.reading(TESTER) as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.change_id == entry.id)).one()
        row = session.get(Person, mai)
        assert row is not None and row.hlc == entry.hlc and row.notes == "Ghí chú"
    assert json.loads(audit.details or "") == {"notes": [None, "Ghí chú"],
                                               "phone": [None, "0912345678"]}


def test_an_unchanged_value_writes_nothing(db: Database) -> None:
    mai = person(db)
    with db.transaction(TESTER) as session:
        assert bulk.update_records(session, Person, {mai: {"gender": "female"}}) == 0
    assert len(_entries(db, mai)) == 1


def test_inserted_rows_take_their_copies_and_parent_changes_reach_them(db: Database) -> None:
    mai = person(db, born=date(1990, 5, 1))
    outcome = uuid.uuid4()
    with db.transaction(TESTER) as session:
        bulk.insert_records(session, PersonOutcome, [
            {"id": outcome, "person_id": mai, "kind": "smartphone", "reached_on": None,
             "session_id": None}])
    with db.transaction(TESTER) as session:
        row = session.get(PersonOutcome, outcome)
        assert row is not None
        assert (row.person_birth_date, row.person_gender, row.person_deleted) == (
            date(1990, 5, 1), "female", False)
        assert (row.version, row.commune_code) == (1, db.commune_code)
        bulk.update_records(session, Person, {mai: {"gender": "male"}})
        assert row.person_gender == "male"
    assert [e.op for e in _entries(db, outcome)] == ["insert"]


def test_a_too_long_text_is_refused_and_nothing_is_written(db: Database) -> None:
    village_id = village(db)
    with pytest.raises(UserError), db.transaction(TESTER) as session:
        bulk.insert_records(session, Person, [
            {"id": uuid.uuid4(), "full_name": "Lò Văn " + "A" * 200, "name_key": "lo van a",
             "gender": "male", "village_id": village_id}])
    with db.reading(TESTER) as session:
        assert session.scalars(select(Person)).first() is None


def test_only_local_writes_of_travelling_records(db: Database) -> None:
    mai = person(db)
    with db.transaction(TESTER) as session:
        with pytest.raises(ChangeLogBypassError):
            bulk.insert_records(session, Setting, [{"key": "x", "value": "1"}])
        with applying_remote(session), pytest.raises(ChangeLogBypassError):
            bulk.update_records(session, Person, {mai: {"phone": "0912345678"}})
        with pytest.raises(ChangeLogBypassError):
            bulk.update_records(session, Person, {mai: {"version": 7}})
