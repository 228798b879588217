"""What the status bar says about sync: pending changes and the last success.

Anyone signed in may see it (counts and a time, no records).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsxa.commune import settings
from cdsxa.db.models import ChangeLogEntry


@dataclass(frozen=True)
class SyncState:
    pending: int
    last_success: datetime | None  # None: this PC has never synced


def state(session: Session) -> SyncState:
    """Counting a large commune's pending entries takes tens of milliseconds: call
    this off the UI thread."""
    pending = session.scalar(
        select(func.count()).select_from(ChangeLogEntry).where(ChangeLogEntry.acked_at.is_(None))
    )
    # Recorded by sync when a push succeeds (none exists yet), not derived by
    # scanning the log for the latest acknowledgement.
    last = settings.get(session, settings.LAST_SYNC_SUCCESS)
    return SyncState(int(pending or 0), datetime.fromisoformat(last) if last else None)
