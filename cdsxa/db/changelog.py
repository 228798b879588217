"""The one mechanism that writes the change log.

Every ORM flush that touches a travelling record stamps it (times, author, local
version, commune, clock and device) and appends a change-log entry on the same
connection, so the record and its entry commit or roll back together. The
entry says what changed, not to what: the old and new values of an update go to
the audit trail (audit_event.change_id). Bulk ORM statements on travelling
tables would skip all this, so they are refused;
cdsxa.db.bulk writes thousands of records as rows with this module's helpers.

The listeners are installed on the app's own session factory (`install`), never
on SQLAlchemy's Session class: other code in the same process (the hub, a
script) gets sessions without them.

A session in remote mode (`applying_remote`) applies changes made elsewhere: the
incoming clock, device, author and times are kept, text is still normalised and
constraints still checked, and no entry is written (the caller records the
received entry), so nothing echoes back to the hub.
"""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, Text, bindparam, case, event, insert, inspect, update
from sqlalchemy.orm import (
    InstanceState,
    Mapper,
    ORMExecuteState,
    Session,
    UOWTransaction,
    sessionmaker,
)

from cdsxa.common import clock, limits
from cdsxa.common.errors import UserError
from cdsxa.common.limits import Limit
from cdsxa.common.text import stored
from cdsxa.db.base import is_travelling, is_travelling_class, new_id, utcnow
from cdsxa.db.models import AuditEvent, ChangeLogEntry, ThisDevice
from cdsxa.db.session import AppSession, actor_of


class ChangeLogBypassError(RuntimeError):
    """A write tried to go around the change log."""


def _json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def record_state(obj: object) -> dict[str, Any]:
    """The record's column values as JSON-ready data (what sync sends for an entry)."""
    mapper = inspect(type(obj))
    return {attr.key: _json_value(getattr(obj, attr.key)) for attr in mapper.column_attrs}


_TextColumns = tuple[tuple[str, str, Limit | None], ...]
_TEXT_COLUMNS: dict[type[Any], _TextColumns] = {}


def _text_columns(model: type[Any]) -> _TextColumns:
    """(attribute, table, limit) of each text column of a model: worked out once per
    model, not on every flush."""
    found = _TEXT_COLUMNS.get(model)
    if found is None:
        mapper: Mapper[Any] = inspect(model)
        table = getattr(model, "__tablename__", "")
        found = _TEXT_COLUMNS[model] = tuple(
            (attr.key, table, limits.FIELDS.get((table, attr.key)))
            for attr in mapper.column_attrs if isinstance(attr.columns[0].type, (String, Text)))
    return found


def _normalise_text(obj: object) -> None:
    """Text as it is kept (cdsxa.common.text.stored: NFC, no control or bidirectional
    override characters) and no longer than its field allows (cdsxa.common.limits),
    for every text column of every model, whichever way the change came in.

    Only values this flush writes are looked at: a new record's, and the changed ones
    of a changed record (an old over-long note does not block editing the phone),
    read from the instance's own state, so no unloaded column is fetched.
    """
    state: InstanceState[Any] = inspect(obj)
    values = state.dict
    # committed_state holds the attributes changed since load (their old values).
    changed = state.committed_state if state.key is not None else values
    for key, table, limit in _text_columns(type(obj)):
        if key not in changed:
            continue
        value = values.get(key)
        if isinstance(value, str):
            normal = stored(value)
            if limit is not None and len(normal) > limit.chars:
                raise UserError(limits.problem(table, key, normal))
            if normal != value:
                setattr(obj, key, normal)


@contextmanager
def applying_remote(session: Session) -> Iterator[None]:
    """Apply changes that came from elsewhere: their stamps are kept, no entry is written."""
    if not isinstance(session, AppSession):
        raise ChangeLogBypassError("remote changes are applied through a Database session")
    session.flush()  # local work so far is stamped and logged as local
    session.remote = True
    try:
        yield
        session.flush()
    finally:
        session.remote = False


def _writer(session: Session) -> tuple[str, uuid.UUID, int | None]:
    actor = actor_of(session)
    if not actor.name:
        raise ChangeLogBypassError("a session that writes travelling records needs an actor")
    if actor.device_id is None:
        raise ChangeLogBypassError("a session that writes travelling records needs a device")
    return actor.name, actor.device_id, actor.commune_code


# Built once: constructing a statement costs more than running this one.
_FOLLOWING = ThisDevice.clock + 1
_TICK = (update(ThisDevice).where(ThisDevice.id == bindparam("device"))
         .values(clock=case((_FOLLOWING > bindparam("now"), _FOLLOWING), else_=bindparam("now")))
         .returning(ThisDevice.clock))


def _next_clock(session: Session, device: uuid.UUID) -> int:
    """The next clock reading of this device, kept in this_device in the same transaction.

    One statement: packed as wall_ms << 16 | counter, HlcClock.tick is
    max(stored + 1, now << 16) (a counter overflow borrows a millisecond, as
    tick does). Write transactions begin IMMEDIATE (cdsxa.db.engine), so two
    processes on one profile advance the stored clock one after the other.
    """
    # Looked up here, not bound at import: tests set the wall clock back through it.
    wall = clock.wall_clock_ms()
    if not 0 <= wall <= clock.MAX_WALL_MS:
        raise ValueError(f"wall clock out of range: {wall}")
    now = clock.pack(clock.Hlc(wall, 0, str(device)))
    packed = session.connection().scalar(_TICK, {"device": device, "now": now})
    if packed is None:
        raise ChangeLogBypassError("this database has no row for the device writing to it")
    return int(packed)


def _modified_travelling(session: Session) -> list[Any]:
    return [obj for obj in session.dirty
            if is_travelling(obj) and session.is_modified(obj, include_collections=False)]


def _before_flush(session: Session, context: UOWTransaction, instances: object) -> None:
    for obj in list(session.new) + list(session.dirty):
        _normalise_text(obj)
    new = [obj for obj in session.new if is_travelling(obj)]
    changed = _modified_travelling(session)
    erased = [obj for obj in session.deleted if is_travelling(obj)]
    if not (new or changed or erased):
        return
    remote = isinstance(session, AppSession) and session.remote
    if remote:
        for obj in new:
            obj.version = 1
        for obj in changed:
            obj.version = obj.version + 1
        return
    name, device, commune = _writer(session)
    now, stamp = utcnow(), _next_clock(session, device)
    if isinstance(session, AppSession):
        session.flush_clock = stamp
    for obj in new:
        if obj.commune_code is None:
            obj.commune_code = commune
        obj.created_at = obj.updated_at = now
        obj.updated_by, obj.version, obj.hlc, obj.device_id = name, 1, stamp, device
    for obj in changed:
        obj.updated_at, obj.updated_by = now, name
        obj.version, obj.hlc, obj.device_id = obj.version + 1, stamp, device


def _op_for_dirty(obj: object) -> str:
    history = inspect(obj).attrs["deleted"].history
    if history.added and history.added[0] is True:
        return "delete"
    if history.added and history.deleted and history.deleted[0] is True:
        return "undelete"
    return "update"


# Stamped by this hook or derived from another column (name_key from the name):
# not worth an audit line, nor a field of the change.
_BOOKKEEPING = frozenset({"updated_at", "updated_by", "version", "created_at", "commune_code",
                          "name_key", "hlc", "device_id", "deleted"})


def _changes(obj: object) -> dict[str, list[Any]]:
    """{"field": [old, new]} for what this flush changed."""
    state = inspect(obj)
    changed: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _BOOKKEEPING:
            continue
        history = state.attrs[attr.key].history
        if history.added or history.deleted:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changed[attr.key] = [_json_value(old), _json_value(new)]
    return changed


def _base(obj: object) -> tuple[int | None, uuid.UUID | None]:
    """The record's clock before this flush: the version the change was made on."""
    attrs = inspect(obj).attrs
    hlc, device = attrs["hlc"].history, attrs["device_id"].history
    base_hlc = hlc.deleted[0] if hlc.deleted else hlc.unchanged[0] if hlc.unchanged else None
    base_device = (device.deleted[0] if device.deleted
                   else device.unchanged[0] if device.unchanged else None)
    return base_hlc, base_device


def _entry(obj: Any, op: str, stamp: int, device: uuid.UUID, at: datetime, by: str,
           fields: list[str] | None = None,
           base: tuple[int | None, uuid.UUID | None] = (None, None)) -> dict[str, Any]:
    return {
        "id": new_id(), "table_name": obj.__tablename__, "record_id": obj.id, "op": op,
        "version": obj.version, "commune_code": obj.commune_code,
        "changed_at": at, "changed_by": by, "hlc": stamp, "device_id": device,
        "base_hlc": base[0], "base_device": base[1],
        "fields": json.dumps(fields) if fields is not None else None,
    }


def _audit_row(obj: Any, entry: dict[str, Any], changes: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        "id": new_id(), "commune_code": obj.commune_code, "at": entry["changed_at"],
        "actor": entry["changed_by"], "action": "update", "object_table": obj.__tablename__,
        "object_id": obj.id, "summary": "", "change_id": entry["id"],
        "details": json.dumps(changes, ensure_ascii=False),
    }


_INSERT_ENTRIES, _INSERT_AUDITS = insert(ChangeLogEntry), insert(AuditEvent)


def _after_flush(session: Session, context: UOWTransaction) -> None:
    # After the flush, foreign keys set through relationships are filled in,
    # while new/dirty/deleted and attribute history still describe this flush.
    if isinstance(session, AppSession):
        session.written.update(
            type(obj).__tablename__ for group in (session.new, session.dirty, session.deleted)
            for obj in group if hasattr(type(obj), "__tablename__"))
        if session.remote:
            return
    if not isinstance(session, AppSession) or session.flush_clock is None:
        return  # no travelling record in this flush
    stamp, session.flush_clock = session.flush_clock, None
    name, device, _commune = _writer(session)
    entries: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    for obj in session.new:
        if is_travelling(obj):
            entries.append(_entry(obj, "insert", stamp, device, obj.updated_at, name))
    for obj in _modified_travelling(session):
        op, changes = _op_for_dirty(obj), _changes(obj)
        entry = _entry(obj, op, stamp, device, obj.updated_at, name,
                       sorted(changes) if op == "update" else None, _base(obj))
        entries.append(entry)
        if changes:
            audits.append(_audit_row(obj, entry, changes))
    for obj in session.deleted:
        if is_travelling(obj):
            # A true erase: the tombstone names the record and nothing else.
            entries.append(_entry(obj, "erase", stamp, device, utcnow(), name, None, _base(obj)))
    connection = session.connection()
    if entries:
        connection.execute(_INSERT_ENTRIES, entries)
    if audits:
        connection.execute(_INSERT_AUDITS, audits)


def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and is_travelling_class(mapper.class_):
        raise ChangeLogBypassError(
            f"bulk {state.statement.__visit_name__} on {mapper.class_.__name__} "
            "would skip the change log; change records through the session"
        )


def install(factory: sessionmaker[Any]) -> None:
    """Put the change-log hook on the sessions this factory makes, and on no others."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _refuse_bulk_writes)
