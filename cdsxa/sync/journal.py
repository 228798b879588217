"""The PC's records and change log as the replication rules (cdsxa.sync.entries, records) see them.

- Which columns travel, and their values as JSON (UUIDs as canonical text with
  dashes, dates ISO) and back, checked against the column's type.
- A record's `RecordState`, read from its row and the change log: each field's
  clock is the newest entry, local or received, that set it (an insert sets every
  column, an update its `fields`), the deleted flag's clock the newest insert,
  delete or undelete. A survivor of a merge also counts the entries of the
  records merged into it (their writes were merged into it).
- Two kinds of local sync bookkeeping for which the schema has no column, kept as
  rows of the local `setting` table (they never travel):
  `sync.merged_into.<table>.<id>` -> the survivor's id (a merged duplicate), and
  `sync.partial.<table>.<id>` -> the state of a record whose changes came before
  its insert (values and clocks, completed when the insert arrives).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timezone
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Text,
    Uuid,
    or_,
    select,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from cdsxa.common.clock import Hlc, unpack
from cdsxa.db import copies
from cdsxa.db.base import Base, is_travelling_class
from cdsxa.db.merges import merged_from, merged_into
from cdsxa.db.models import ChangeLogEntry, Setting
from cdsxa.sync.entries import RESERVED_FIELDS, JsonValue, Op
from cdsxa.sync.records import RecordState, decode_clocks, encode_clocks

# Stamped by each database for itself; never values of a change.
LOCAL_ONLY = frozenset({"version", "created_at", "updated_at", "updated_by"})
# Derived on every database from other columns (cdsxa.db.copies, Person's validator).
DERIVED = frozenset({"counting_birth_date"} | copies.COPY_COLUMNS)
# name_key is folded from these by the services; the hook leaves it out of an
# update's fields, so it travels (and gets its clock) with its source.
NAME_SOURCES = ("full_name", "name")
PARTIAL_PREFIX = "sync.partial."


@cache
def models() -> dict[str, type[Any]]:
    return {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers
            if is_travelling_class(mapper.class_)}


@cache
def columns(table: str) -> tuple[str, ...]:
    """The columns of `table` that travel as values."""
    mapper = sa_inspect(models()[table])
    return tuple(attr.key for attr in mapper.column_attrs
                 if attr.key not in RESERVED_FIELDS | LOCAL_ONLY | DERIVED)


def implied(table: str, fields: Iterable[str]) -> list[str]:
    """The travelling columns an update of `fields` set (name_key with its source)."""
    names = set(fields)
    if "name_key" in columns(table) and names & set(NAME_SOURCES):
        names.add("name_key")
    return sorted(names & set(columns(table)))


# Values -------------------------------------------------------------------------------

def to_json(value: Any) -> JsonValue:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value  # type: ignore[no-any-return]


def from_json(table: str, name: str, value: JsonValue) -> Any:
    """The Python value of column `name` for a JSON value; ValueError if it does not fit."""
    column = sa_inspect(models()[table]).columns[name]
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Uuid):
        try:
            return uuid.UUID(_text(value, name))
        except ValueError:
            raise ValueError(f"{name}: không phải mã bản ghi (UUID): {value!r}") from None
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError(f"{name}: không phải đúng/sai")
        return value
    if isinstance(kind, (Integer, BigInteger)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name}: không phải số nguyên")
        if not -2**63 <= value < 2**63:  # what both databases store
            raise ValueError(f"{name}: số nguyên quá lớn")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name}: không phải số")
        return float(value)
    if isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime):
        try:
            moment = datetime.fromisoformat(_text(value, name))
        except ValueError:
            raise ValueError(f"{name}: không phải thời điểm (ISO 8601): {value!r}") from None
        if moment.tzinfo is None:
            raise ValueError(f"{name}: thời điểm thiếu múi giờ")
        return moment.astimezone(timezone.utc)
    if isinstance(kind, Date):
        try:
            return date.fromisoformat(_text(value, name))
        except ValueError:
            raise ValueError(f"{name}: không phải ngày (YYYY-MM-DD): {value!r}") from None
    if isinstance(kind, (String, Text)):
        text = _text(value, name)
        if isinstance(kind, String) and kind.length and len(text) > kind.length:
            raise ValueError(f"{name}: dài quá {kind.length} ký tự")
        return text
    raise ValueError(f"{name}: cột kiểu {kind} không được đồng bộ")


def _text(value: JsonValue, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name}: không phải văn bản")
    return value


# Clocks -------------------------------------------------------------------------------



def wall_time(clock: Hlc) -> datetime:
    return datetime.fromtimestamp(clock.wall_ms / 1000, timezone.utc)


def entry_op(log_op: str) -> Op:
    """The rules' name of a change-log op."""
    return "restore" if log_op == "undelete" else log_op  # type: ignore[return-value]


def log_op(op: Op) -> str:
    return "undelete" if op == "restore" else op


# Local bookkeeping in the setting table ----------------------------------------------

def _get(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return None if row is None else json.loads(row.value)


def _put(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Setting(key=key, value=json.dumps(value, ensure_ascii=False)))
    else:
        row.value = json.dumps(value, ensure_ascii=False)


def load_partial(session: Session, table: str, record_id: str) -> RecordState | None:
    data = _get(session, f"{PARTIAL_PREFIX}{table}.{record_id}")
    return None if data is None else _partial_state(table, record_id, data)


def _partial_state(table: str, record_id: str, data: Any) -> RecordState:
    return RecordState(
        table, record_id, int(data["commune_code"]), values=data["values"],
        field_clocks=decode_clocks(data["clocks"]), deleted=bool(data["deleted"]),
        deleted_clock=Hlc.parse(data["deleted_clock"]) if data["deleted_clock"] else None,
        clock=Hlc.parse(data["clock"]) if data["clock"] else None,
        inserted=bool(data["inserted"]))


def save_partial(session: Session, state: RecordState | None, table: str,
                 record_id: str) -> None:
    """Keep (or with None, forget) the state of a record that has no row yet."""
    key = f"{PARTIAL_PREFIX}{table}.{record_id}"
    if state is None:
        _put(session, key, None)
        return
    _put(session, key, {
        "commune_code": state.commune_code, "values": dict(state.values),
        "clocks": encode_clocks(state.field_clocks), "deleted": state.deleted,
        "deleted_clock": state.deleted_clock.encode() if state.deleted_clock else None,
        "clock": state.clock.encode() if state.clock else None, "inserted": state.inserted})


# A record's state ---------------------------------------------------------------------

def entries_of(session: Session, table: str, record_ids: Iterable[str]) -> list[ChangeLogEntry]:
    ids = [uuid.UUID(r) for r in record_ids]
    return list(session.scalars(select(ChangeLogEntry).where(
        ChangeLogEntry.table_name == table,
        or_(*(ChangeLogEntry.record_id == r for r in ids)))))


def load_state(session: Session, table: str, record_id: str) -> RecordState | None:
    """What this PC knows of the record, as the rules see it; None if nothing."""
    row = session.get(models()[table], uuid.UUID(record_id))
    survivor = merged_into(session, table, record_id)
    if survivor is not None:
        commune = row.commune_code if row is not None else _any_commune(session, table,
                                                                        record_id)
        return RecordState(table, record_id, commune, deleted=True, merged_into=survivor,
                           inserted=True)
    if row is None:
        own = entries_of(session, table, [record_id])
        erases = [unpack(e.hlc, e.device_id) for e in own if e.op == "erase"]
        if erases:
            return RecordState(table, record_id, own[0].commune_code, deleted=True,
                               erased=True, clock=max(unpack(e.hlc, e.device_id) for e in own),
                               inserted=True)
        return load_partial(session, table, record_id)
    return state_of_row(session, table, row)


def state_of_row(session: Session, table: str, row: Any) -> RecordState:
    record_id = str(row.id)
    return _state_from(table, row, entries_of(
        session, table, [record_id, *merged_from(session, table, record_id)]))


def _state_from(table: str, row: Any, entries: Iterable[ChangeLogEntry]) -> RecordState:
    """The state of a record with a row, from the entries that wrote it (its own and
    those of the records merged into it)."""
    record_id = str(row.id)
    row_clock = unpack(row.hlc, row.device_id)
    names = columns(table)
    clocks: dict[str, Hlc] = {}
    flag: Hlc | None = None
    for entry in entries:
        clock = unpack(entry.hlc, entry.device_id)
        if entry.op == "insert":
            written: Iterable[str] = names
        elif entry.op == "update":
            written = implied(table, json.loads(entry.fields or "[]"))
        else:
            written = ()
        if entry.op in ("insert", "delete", "undelete"):
            flag = clock if flag is None else max(flag, clock)
        for name in written:
            clocks[name] = max(clocks[name], clock) if name in clocks else clock
    values = {name: to_json(getattr(row, name)) for name in names}
    return RecordState(
        table, record_id, row.commune_code, values=values,
        field_clocks={name: clocks.get(name, row_clock) for name in names},
        deleted=bool(row.deleted), deleted_clock=flag or row_clock, clock=row_clock,
        inserted=True)


def load_states(session: Session, keys: Iterable[tuple[str, str]],
                redirects: dict[tuple[str, str], str],
                ) -> dict[tuple[str, str], RecordState | None]:
    """`load_state` of many records at once, with a few queries per table instead of
    several per record (a batch of 2,000 entries). `redirects` is every (table, loser)
    -> survivor recorded here (cdsxa.db.merges.redirects)."""
    by_table: dict[str, list[str]] = {}
    for table, record_id in dict.fromkeys(keys):
        by_table.setdefault(table, []).append(record_id)
    found: dict[tuple[str, str], RecordState | None] = {}
    for table, ids in by_table.items():
        into = {loser: survivor for (t, loser), survivor in redirects.items() if t == table}
        model = models()[table]
        rows: dict[str, Any] = {}
        for chunk in _chunks([uuid.UUID(i) for i in ids]):
            rows.update((str(r.id), r) for r in session.scalars(
                select(model).where(model.id.in_(chunk))))
        merged = {i: _merged_from(into, i) for i in ids if i in rows}
        wanted = set(ids) | {loser for losers in merged.values() for loser in losers}
        entries: dict[str, list[ChangeLogEntry]] = {}
        for chunk in _chunks([uuid.UUID(i) for i in sorted(wanted)]):
            for entry in session.scalars(select(ChangeLogEntry).where(
                    ChangeLogEntry.table_name == table, ChangeLogEntry.record_id.in_(chunk))):
                entries.setdefault(str(entry.record_id), []).append(entry)
        partials = _partials(session, table, [i for i in ids if i not in rows
                                              and i not in into])
        for record_id in ids:
            row, own = rows.get(record_id), entries.get(record_id, [])
            survivor = into.get(record_id)
            if survivor is not None:
                if row is None and not own:
                    raise LookupError(f"{table} {record_id} is merged but unknown")
                commune = row.commune_code if row is not None else own[0].commune_code
                state: RecordState | None = RecordState(
                    table, record_id, commune, deleted=True, merged_into=survivor,
                    inserted=True)
            elif row is not None:
                state = _state_from(table, row, [e for i in (record_id, *merged[record_id])
                                                 for e in entries.get(i, [])])
            elif any(e.op == "erase" for e in own):
                state = RecordState(table, record_id, own[0].commune_code, deleted=True,
                                    erased=True, clock=max(unpack(e.hlc, e.device_id)
                                                           for e in own), inserted=True)
            else:
                state = partials.get(record_id)
            found[(table, record_id)] = state
    return found


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _merged_from(into: dict[str, str], survivor: str) -> list[str]:
    found, frontier = [], {survivor}
    while frontier:
        frontier = {loser for loser, target in into.items() if target in frontier}
        found.extend(sorted(frontier))
    return found


def _partials(session: Session, table: str, ids: list[str]) -> dict[str, RecordState]:
    names = {f"{PARTIAL_PREFIX}{table}.{i}": i for i in ids}
    found = {}
    for chunk in _chunks(sorted(names)):
        for row in session.scalars(select(Setting).where(Setting.key.in_(chunk))):
            found[names[row.key]] = _partial_state(table, names[row.key], json.loads(row.value))
    return found


def _any_commune(session: Session, table: str, record_id: str) -> int:
    entry = session.scalars(select(ChangeLogEntry.commune_code).where(
        ChangeLogEntry.table_name == table,
        ChangeLogEntry.record_id == uuid.UUID(record_id))).first()
    if entry is None:
        raise LookupError(f"{table} {record_id} is merged but unknown")
    return int(entry)
