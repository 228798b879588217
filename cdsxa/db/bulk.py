"""The change-log hook's path for many records at once (imports, the demo).

A flush of tens of thousands of ORM objects spends most of its time on the
objects themselves (instrumented attributes, history, identity map), not on the
database. These functions write rows as plain values in one statement per table
and do everything the hook (cdsxa.db.changelog) does at a flush, with its own
helpers: text normalised and its limits checked, every record stamped (times,
author, local version, commune, one clock reading per call, device), one
change-log entry per record (an update's fields and base version), the old and
new values of an update in the audit trail, and the copies counting keeps
(cdsxa.db.copies) derived. Database triggers (the person search index, the
append-only journal) run as for any write.

Pending ORM work is flushed first, so the journal keeps the order the writes
were made in and rows may refer to records added through the session.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, false, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.dml import UpdateBase

from cdsxa.common import limits
from cdsxa.common.errors import UserError
from cdsxa.common.text import stored
from cdsxa.db import changelog
from cdsxa.db.base import is_travelling_class, utcnow
from cdsxa.db.copies import COPIES
from cdsxa.db.session import AppSession

CHUNK = 500  # ids per SELECT ... IN


class _Record:
    """What an entry and an audit row name of a record (as the hook reads an object)."""

    __slots__ = ("__tablename__", "id", "version", "commune_code")

    def __init__(self, table: str, record_id: uuid.UUID, version: int, commune: int) -> None:
        self.__tablename__, self.id, self.version, self.commune_code = (
            table, record_id, version, commune)


def _start(session: Session, model: type[Any]) -> tuple[str, uuid.UUID, int | None, int]:
    if not is_travelling_class(model):
        raise changelog.ChangeLogBypassError(f"{model.__name__} is not a travelling record")
    if not isinstance(session, AppSession) or session.remote:
        raise changelog.ChangeLogBypassError(
            "bulk writes are local writes of a Database session")
    session.flush()
    name, device, commune = changelog._writer(session)
    session.written.add(model.__tablename__)
    return name, device, commune, changelog._next_clock(session, device)


def _normalise(model: type[Any], row: dict[str, Any]) -> None:
    """changelog._normalise_text for plain values: the columns the row sets."""
    for key, table, limit in changelog._text_columns(model):
        value = row.get(key)
        if isinstance(value, str):
            normal = stored(value)
            if limit is not None and len(normal) > limit.chars:
                raise UserError(limits.problem(table, key, normal))
            row[key] = normal


def _uniform(table: Table, rows: list[dict[str, Any]]) -> None:
    """One statement needs the same keys in every row: a column the rows leave out
    takes its scalar default (else NULL), as an ORM insert would."""
    keys = set().union(*rows) | {c.key for c in table.columns
                                 if c.default is not None and c.default.is_scalar}
    for key in keys:
        default: Any = table.c[key].default if key in table.c else None
        value = default.arg if default is not None and default.is_scalar else None
        for row in rows:
            row.setdefault(key, value)


def insert_records(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """Insert new records of one travelling model (each row a dict of column values,
    `id` included), logged as the hook logs new objects.

    Values a model's validators derive on an ORM object are the caller's to give (a
    person's counting_birth_date: cdsxa.register.bulk does it)."""
    if not rows:
        return
    name, device, commune, stamp = _start(session, model)
    now, table = utcnow(), model.__table__
    statement = insert(table)
    copies = COPIES.get(model)
    if copies is not None:
        # Read from the parent row by the INSERT itself, as copies.py does when the
        # parent is not held: no query per row.
        parent = copies.parent
        statement = statement.values({
            column: select(getattr(parent, source)).where(
                parent.id == bindparam("_copy_parent")).scalar_subquery()
            for column, source in copies.columns.items()})
    values, entries = [], []
    for given in rows:
        row = dict(given)
        _normalise(model, row)
        if row.get("commune_code") is None:
            row["commune_code"] = commune
        row.update(created_at=now, updated_at=now, updated_by=name, version=1, hlc=stamp,
                   device_id=device)
        if copies is not None:
            for column in copies.columns:
                row.pop(column, None)
            row["_copy_parent"] = row[copies.key]
        values.append(row)
        entries.append(changelog._entry(
            _Record(model.__tablename__, row["id"], 1, row["commune_code"]),
            "insert", stamp, device, now, name))
    _uniform(table, values)
    connection = session.connection()
    _execute(connection, statement, values, _STAMPS)
    _execute(connection, changelog._INSERT_ENTRIES, entries, _ENTRY_STAMPS)


# The values every row of one call shares: processed for the database once.
_STAMPS = frozenset({"created_at", "updated_at", "updated_by", "version", "hlc", "device_id"})
_ENTRY_STAMPS = frozenset({"changed_at", "changed_by", "hlc", "device_id", "op"})


def _execute(connection: Connection, statement: UpdateBase, rows: list[dict[str, Any]],
             shared: frozenset[str] = frozenset()) -> int:
    """connection.execute(statement, rows) for thousands of rows: the same SQL and the
    same stored values, with each column's bind processor applied here (once for a
    value all rows share) rather than per value by SQLAlchemy, which took as long
    as the database itself. Returns how many rows it wrote."""
    compiled = statement.compile(dialect=connection.dialect, column_keys=list(rows[0]))
    names = compiled.positiontup
    if (names is None or compiled.literal_execute_params or compiled.post_compile_params
            or not set(names) <= rows[0].keys()):  # a column default SQLAlchemy must run
        return connection.execute(statement, rows).rowcount
    convert: list[Any] = []
    for name in names:
        process = compiled.binds[name].type._cached_bind_processor(connection.dialect)
        if name in shared:
            value = rows[0][name]
            convert.append((True, process(value) if process else value))
        else:
            convert.append((False, process))
    columns = [(name, constant, how) for name, (constant, how) in zip(names, convert)]
    params = [tuple(how if constant else how(row[name]) if how else row[name]
                    for name, constant, how in columns) for row in rows]
    return connection.exec_driver_sql(compiled.string, params).rowcount


def update_records(session: Session, model: type[Any],
                   changes: Mapping[uuid.UUID, Mapping[str, Any]]) -> int:
    """Set columns of existing records ({id: {column: new value}}), logged as the hook
    logs changed objects: only values that differ are written, each changed record
    gets an update entry (its fields, base version) and an audit row with the old
    and new values. Records the session holds are expired, so they are read again.

    Derived columns are the caller's to pass (a person's name_key with the name);
    soft deletes and restores go through the session. Returns how many records changed.
    """
    if not changes:
        return 0
    if any(key in ("deleted", "id") or key in changelog._BOOKKEEPING - {"name_key"}
           for values in changes.values() for key in values):
        raise changelog.ChangeLogBypassError("bulk updates set record values only")
    name, device, commune, stamp = _start(session, model)
    now, table = utcnow(), model.__table__
    columns = sorted({key for values in changes.values() for key in values})
    current = _current(session, table, columns, list(changes))
    if len(current) != len(changes):
        raise UserError("Có bản ghi vừa bị xoá hoặc không còn trong sổ; hãy thử lại.")
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    entries, audits = [], []
    for record_id, given in changes.items():
        new = dict(given)
        _normalise(model, new)
        old = current[record_id]
        changed = {k: v for k, v in new.items() if old[k] != v}
        if not changed:
            continue
        version = old["version"] + 1
        entry = changelog._entry(
            _Record(model.__tablename__, record_id, version, old["commune_code"]), "update",
            stamp, device, now, name, sorted(set(changed) - changelog._BOOKKEEPING),
            (old["hlc"], old["device_id"]))
        entries.append(entry)
        audited = {k: [changelog._json_value(old[k]), changelog._json_value(v)]
                   for k, v in changed.items() if k not in changelog._BOOKKEEPING}
        if audited:
            audits.append(changelog._audit_row(_Record(model.__tablename__, record_id, version,
                                                       old["commune_code"]), entry, audited))
        groups.setdefault(tuple(sorted(changed)), []).append(
            {**{f"_new_{k}": v for k, v in changed.items()}, "_id": record_id,
             "_version": old["version"], "_next": version, "_now": now, "_by": name,
             "_hlc": stamp, "_device": device})
    connection = session.connection()
    for keys, params in groups.items():
        statement = (update(table)
                     .where(and_(table.c.id == bindparam("_id"),
                                 table.c.version == bindparam("_version")))
                     .values({**{k: bindparam(f"_new_{k}") for k in keys},
                              "version": bindparam("_next"), "updated_at": bindparam("_now"),
                              "updated_by": bindparam("_by"), "hlc": bindparam("_hlc"),
                              "device_id": bindparam("_device")}))
        done = _execute(connection, statement, params,
                        frozenset({"_now", "_by", "_hlc", "_device"}))
        if done != len(params):  # another writer got there first
            raise UserError("Bản ghi vừa được sửa ở nơi khác; hãy thử lại.")
        _rewrite_copies(session, model, keys, [p["_id"] for p in params])
    if entries:
        _execute(connection, changelog._INSERT_ENTRIES, entries, _ENTRY_STAMPS)
    if audits:
        _execute(connection, changelog._INSERT_AUDITS, audits,
                 frozenset({"at", "actor", "action", "summary"}))
    _expire_held(session, model, changes)
    return len(entries)


def _current(session: Session, table: Table, columns: list[str],
             ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    wanted = [table.c[c] for c in ("id", "version", "hlc", "device_id", "commune_code",
                                   *columns)]
    found: dict[uuid.UUID, dict[str, Any]] = {}
    connection = session.connection()
    for start in range(0, len(ids), CHUNK):
        query = select(*wanted).where(table.c.id.in_(ids[start:start + CHUNK]),
                                      table.c.deleted == false())
        found.update((row["id"], dict(row)) for row in connection.execute(query).mappings())
    return found


def _rewrite_copies(session: Session, model: type[Any], keys: Iterable[str],
                    ids: list[uuid.UUID]) -> None:
    """copies._rewrite_copies for records changed here: the rows copying a changed
    value take it again from their parent."""
    changed = set(keys)
    for child, copies in COPIES.items():
        if copies.parent is not model or not changed & set(copies.columns.values()):
            continue
        target: Table = child.__table__
        values = {column: select(getattr(model, source)).where(
            model.id == target.c[copies.key]).scalar_subquery()
            for column, source in copies.columns.items()}
        for start in range(0, len(ids), CHUNK):
            session.connection().execute(update(target).where(
                target.c[copies.key].in_(ids[start:start + CHUNK])).values(values))
        parents = set(ids)
        for held in list(session.identity_map.values()):  # read again, not left stale
            if isinstance(held, child) and getattr(held, copies.key) in parents:
                session.expire(held, list(copies.columns))


def _expire_held(session: Session, model: type[Any], ids: Iterable[uuid.UUID]) -> None:
    for record_id in ids:
        held = session.identity_map.get(identity_key(model, record_id))
        if held is not None:
            session.expire(held)

