"""What the status bar says about sync: pending changes and the last success."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsxa.db.models import ChangeLogEntry


@dataclass(frozen=True)
class SyncState:
    pending: int
    last_success: datetime | None  # None: this PC has never synced


def state(session: Session) -> SyncState:
    pending = session.scalar(
        select(func.count()).select_from(ChangeLogEntry).where(ChangeLogEntry.acked_at.is_(None))
    )
    # No hub exists yet, so nothing has ever been acknowledged by one.
    last = session.scalar(select(func.max(ChangeLogEntry.acked_at)))
    return SyncState(int(pending or 0), last)
