"""What the next push will send: the current state of every record with pending
change-log entries, newest version only, and the entry ids it acknowledges.

What is pending is the whole commune's records, personal data included, on its
way out: reading it for sending needs SYNC (the administrator's). How many are
pending is anyone's to see (cdsxa.sync.status).
"""

import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.db.base import Base, is_travelling_class
from cdsxa.db.changelog import record_state
from cdsxa.db.models import ChangeLogEntry
from cdsxa.security.access import Permission, require


@dataclass(frozen=True)
class OutgoingChange:
    table: str
    record_id: uuid.UUID
    op: str  # "upsert", or "erase" for a record that no longer exists here
    version: int
    state: dict[str, Any] | None  # None for an erase: a tombstone carries no data
    entry_ids: tuple[uuid.UUID, ...]  # the pending entries this change covers


@cache
def _models() -> dict[str, type]:
    import cdsxa.db.models  # noqa: F401  (every model registered before we look)

    return {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers
            if is_travelling_class(mapper.class_)}


def pending(session: Session, limit: int = 1000) -> list[OutgoingChange]:
    """Up to `limit` pending entries, folded into one change per record, in log order."""
    require(session, Permission.SYNC)
    entries = list(session.scalars(select(ChangeLogEntry).where(
        ChangeLogEntry.acked_at.is_(None)).order_by(ChangeLogEntry.seq).limit(limit)))
    grouped: dict[tuple[str, uuid.UUID], list[ChangeLogEntry]] = {}
    for entry in entries:
        grouped.setdefault((entry.table_name, entry.record_id), []).append(entry)
    current = _load(session, grouped)
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


def _load(session: Session,
          grouped: dict[tuple[str, uuid.UUID], list[ChangeLogEntry]]) -> dict[tuple[str, uuid.UUID], Any]:
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, record_id in grouped:
        by_table.setdefault(table, []).append(record_id)
    found: dict[tuple[str, uuid.UUID], Any] = {}
    for table, ids in by_table.items():
        model: Any = _models()[table]
        for start in range(0, len(ids), 500):
            for row in session.scalars(select(model).where(model.id.in_(ids[start:start + 500]))):
                found[(table, row.id)] = row
    return found
