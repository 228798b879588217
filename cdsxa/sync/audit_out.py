"""The audit events that travel with a push: who did what, when, to which record.

Pseudonymised on the way out (cdsxa.sync.wire.AuditWire): the event's summary and
details stay on the PC (they may name a citizen or hold the old and new values of a
record); the hub words an event from its action, and knows a record by its id only.
Marked sent (`sent_at`) when the hub's answer names them held.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cdsxa.db.base import utcnow
from cdsxa.db.models import AuditEvent
from cdsxa.security.access import Permission, require
from cdsxa.sync import wire


def unsent(session: Session, limit: int) -> list[wire.AuditWire]:
    """Up to `limit` events not sent yet, oldest first."""
    require(session, Permission.SYNC)
    rows = session.scalars(select(AuditEvent).where(AuditEvent.sent_at.is_(None))
                           .order_by(AuditEvent.seq).limit(limit))
    return [wire.AuditWire(
        event_id=str(row.id), at=row.at.astimezone(timezone.utc).isoformat(),
        actor=row.actor[:200], action=row.action, object_table=row.object_table,
        object_id=str(row.object_id) if row.object_id else None,
        change_id=str(row.change_id) if row.change_id else None) for row in rows]


def mark_sent(session: Session, event_ids: Iterable[str]) -> None:
    ids = sorted(uuid.UUID(i) for i in event_ids)
    now = utcnow()
    for start in range(0, len(ids), 500):
        session.execute(update(AuditEvent).where(
            AuditEvent.id.in_(ids[start:start + 500]), AuditEvent.sent_at.is_(None))
            .values(sent_at=now))
