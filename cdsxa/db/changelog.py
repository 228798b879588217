"""The one mechanism that writes the change log.

Every ORM flush that touches a travelling record stamps it (id, times, author,
version, commune) and appends a change-log row on the same connection, so the
record and its entry commit or roll back together. Bulk ORM statements on
travelling tables would skip this, so they are refused.
"""

import json
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, Text, event, insert, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from cdsxa.common.text import stored
from cdsxa.db.base import is_travelling, is_travelling_class, new_id, utcnow
from cdsxa.db.models import ChangeLogEntry

ACTOR_KEY = "actor"
COMMUNE_KEY = "commune_code"


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


def _normalise_text(obj: object) -> None:
    """NFC without control characters on the way in, for every text column of every model."""
    mapper = inspect(type(obj))
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if isinstance(column.type, (String, Text)):
            value = getattr(obj, attr.key)
            if isinstance(value, str):
                normal = stored(value)
                if normal != value:
                    setattr(obj, attr.key, normal)


def _actor(session: Session) -> str:
    actor = session.info.get(ACTOR_KEY)
    if not actor:
        raise ChangeLogBypassError("a session that writes travelling records needs an actor")
    return str(actor)


def _stamp_new(session: Session, obj: Any, now: datetime) -> None:
    if obj.commune_code is None:
        obj.commune_code = session.info.get(COMMUNE_KEY)
    obj.created_at = now
    obj.updated_at = now
    obj.updated_by = _actor(session)
    obj.version = 1


def _stamp_changed(session: Session, obj: Any, now: datetime) -> None:
    obj.updated_at = now
    obj.updated_by = _actor(session)
    obj.version = obj.version + 1


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, context: UOWTransaction, instances: object) -> None:
    now = utcnow()
    for obj in list(session.new):
        _normalise_text(obj)
        if is_travelling(obj):
            _stamp_new(session, obj, now)
    for obj in list(session.dirty):
        _normalise_text(obj)
        if is_travelling(obj) and session.is_modified(obj, include_collections=False):
            _stamp_changed(session, obj, now)


def _op_for_dirty(obj: object) -> str:
    history = inspect(obj).attrs["deleted"].history
    if history.added and history.added[0] is True:
        return "delete"
    return "update"


# Stamped by this hook or derived from another column (name_key from the name):
# not worth an audit line.
_BOOKKEEPING = frozenset({"updated_at", "updated_by", "version", "created_at", "commune_code",
                          "name_key"})


def _changes(obj: object) -> str | None:
    """{"field": [old, new]} for what this flush changed: the audit trail of an update."""
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
    return json.dumps(changed, ensure_ascii=False) if changed else None


def _entry(obj: Any, op: str, at: datetime, by: str,
           details: str | None = None) -> dict[str, Any]:
    return {
        "id": new_id(),
        "table_name": obj.__tablename__,
        "record_id": obj.id,
        "op": op,
        "version": obj.version,
        "commune_code": obj.commune_code,
        "changed_at": at,
        "changed_by": by,
        "details": details,
    }


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, context: UOWTransaction) -> None:
    # After the flush, foreign keys set through relationships are filled in,
    # while new/dirty/deleted and attribute history still describe this flush.
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if is_travelling(obj):
            rows.append(_entry(obj, "insert", obj.updated_at, obj.updated_by))
    for obj in session.dirty:
        if is_travelling(obj) and session.is_modified(obj, include_collections=False):
            rows.append(_entry(obj, _op_for_dirty(obj), obj.updated_at, obj.updated_by,
                               _changes(obj)))
    for obj in session.deleted:
        if is_travelling(obj):
            # A true erase: the tombstone names the record and nothing else.
            rows.append(_entry(obj, "erase", utcnow(), _actor(session)))
    if rows:
        session.connection().execute(insert(ChangeLogEntry), rows)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and is_travelling_class(mapper.class_):
        raise ChangeLogBypassError(
            f"bulk {state.statement.__visit_name__} on {mapper.class_.__name__} "
            "would skip the change log; change records through the session"
        )
