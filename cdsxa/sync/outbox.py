"""What the next push sends: the pending (not yet acknowledged) change-log entries.

`outgoing` is what travels: one `entries.Change` per pending entry, with the values
read from the records now (an insert: every travelling column; an update: the
fields it set; delete, restore and erase: none). `pending` is the same entries
folded per record (the newest state of each), for screens that show what waits.
Both read the entries and rows through `_pending` and `_load`.

What is pending is the whole commune's records, personal data included, on its
way out: reading it for sending needs SYNC (the administrator's). How many are
pending is anyone's to see (cdsxa.sync.status).
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.common.clock import unpack
from cdsxa.db import merges
from cdsxa.db.changelog import record_state
from cdsxa.db.models import ChangeLogEntry
from cdsxa.security.access import Permission, require
from cdsxa.sync import journal
from cdsxa.sync.entries import MERGED_INTO, Change, JsonValue

RowKey = tuple[str, uuid.UUID]


@dataclass(frozen=True)
class OutgoingChange:
    table: str
    record_id: uuid.UUID
    op: str  # "upsert", or "erase" for a record that no longer exists here
    version: int
    state: dict[str, Any] | None  # None for an erase: a tombstone carries no data
    entry_ids: tuple[uuid.UUID, ...]  # the pending entries this change covers


def outgoing(session: Session, limit: int = 1000) -> list[Change]:
    """Up to `limit` pending entries, oldest first, as the rules' changes."""
    entries, rows = _pending(session, limit)
    return [_change(session, entry, rows.get((entry.table_name, entry.record_id)))
            for entry in entries]


def _change(session: Session, entry: ChangeLogEntry, row: Any) -> Change:
    op = journal.entry_op(entry.op)
    table, record_id = entry.table_name, str(entry.record_id)
    values: dict[str, JsonValue] = {}
    fields = json.loads(entry.fields) if entry.fields else []
    if op == "update" and fields == [MERGED_INTO]:
        survivor = merges.merged_into(session, table, record_id)
        values = {MERGED_INTO: survivor} if survivor else {}
    elif row is not None and op in ("insert", "update"):
        # A record erased since goes with no values: the erase follows it.
        names = journal.columns(table) if op == "insert" else journal.implied(table, fields)
        values = {name: journal.to_json(getattr(row, name)) for name in names}
    clock = unpack(entry.hlc, entry.device_id)
    if entry.base_hlc is not None and entry.base_device is not None:
        base = unpack(entry.base_hlc, entry.base_device)
    else:  # an entry from before clocks (migration 0006): its author had seen nothing
        base = unpack(0, entry.device_id)
    return Change(str(entry.id), table, record_id, entry.commune_code, op, clock,
                  None if op == "insert" else base, values)


def pending(session: Session, limit: int = 1000) -> list[OutgoingChange]:
    """Up to `limit` pending entries, folded into one change per record, in log order."""
    entries, current = _pending(session, limit)
    grouped: dict[RowKey, list[ChangeLogEntry]] = {}
    for entry in entries:
        grouped.setdefault((entry.table_name, entry.record_id), []).append(entry)
    changes = []
    for (table, record_id), group in grouped.items():
        row = current.get((table, record_id))
        ids = tuple(e.id for e in group)
        if row is None:
            changes.append(OutgoingChange(table, record_id, "erase", group[-1].version, None, ids))
        else:
            changes.append(OutgoingChange(table, record_id, "upsert", row.version,
                                          record_state(row), ids))
    return changes


def _pending(session: Session, limit: int) -> tuple[list[ChangeLogEntry], dict[RowKey, Any]]:
    require(session, Permission.SYNC)
    entries = list(session.scalars(select(ChangeLogEntry).where(
        ChangeLogEntry.acked_at.is_(None)).order_by(ChangeLogEntry.seq).limit(limit)))
    return entries, _load(session, {(e.table_name, e.record_id) for e in entries})


def _load(session: Session, keys: set[RowKey]) -> dict[RowKey, Any]:
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, record_id in keys:
        by_table.setdefault(table, []).append(record_id)
    found: dict[RowKey, Any] = {}
    for table, ids in by_table.items():
        model: Any = journal.models()[table]
        for start in range(0, len(ids), 500):
            for row in session.scalars(select(model).where(model.id.in_(ids[start:start + 500]))):
                found[(table, row.id)] = row
    return found
