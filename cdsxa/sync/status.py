"""What the status bar and the Sync page say about sync: enrolled or not, pending
changes, conflicts to review, the last success and the last attempt.

Anyone signed in may see it (counts, times and Vietnamese messages, no records).
"""

from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsxa.commune import calendar, settings
from cdsxa.db.models import ChangeLogEntry, SyncConflict
from cdsxa.security import device_token


@dataclass(frozen=True)
class Attempt:
    """One sync attempt as settings.SYNC_HISTORY keeps it."""

    at: datetime  # aware (UTC)
    ok: bool
    sent: int
    received: int
    conflicts: int
    refused: int
    message: str  # Vietnamese; "" when it went well


@dataclass(frozen=True)
class SyncState:
    pending: int
    last_success: datetime | None  # None: this PC has never synced
    enrolled: bool = False
    hub_url: str | None = None
    commune_code: int | None = None  # the commune the enrolment is for
    by_file: bool = False  # enrolled by file: no network sync (bundles only)
    conflicts: int = 0  # open conflicts (not yet reviewed)
    last_attempt: Attempt | None = None
    zone: tzinfo = timezone.utc  # the commune's: times are shown in it


def state(session: Session, data_dir: Path | None = None) -> SyncState:
    """Counting a large commune's pending entries takes tens of milliseconds: call
    this off the UI thread. The enrolment is read (from key.json, never the network)
    only when data_dir is given."""
    pending = session.scalar(
        select(func.count()).select_from(ChangeLogEntry).where(ChangeLogEntry.acked_at.is_(None))
    )
    # A partial index holds the open ones only: the count reads no resolved row.
    conflicts = session.scalar(select(func.count()).select_from(SyncConflict).where(
        SyncConflict.resolved_at.is_(None)))
    # Recorded by sync when a push succeeds, not derived by scanning the log for the
    # latest acknowledgement.
    last = settings.get(session, settings.LAST_SYNC_SUCCESS)
    known = device_token.enrolment(data_dir) if data_dir is not None else None
    recent = history(session, limit=1)
    return SyncState(int(pending or 0), _time(last), enrolled=known is not None,
                     hub_url=(known.hub_url or None) if known else None,
                     commune_code=known.commune_code if known else None,
                     by_file=bool(getattr(known, "by_file", False)),
                     conflicts=int(conflicts or 0),
                     last_attempt=recent[0] if recent else None, zone=calendar.zone(session))


def history(session: Session, limit: int | None = None) -> list[Attempt]:
    """The attempts kept (newest first); a malformed entry is left out, not fatal."""
    kept = settings.get(session, settings.SYNC_HISTORY)
    attempts = [a for a in map(_attempt, kept) if a is not None]
    return attempts if limit is None else attempts[:limit]


def _time(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _count(item: dict[str, Any], key: str) -> int:
    value = item.get(key, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _attempt(item: object) -> Attempt | None:
    if not isinstance(item, dict):
        return None
    at = _time(item.get("at"))
    if at is None:
        return None
    message = item.get("message")
    return Attempt(at, item.get("ok") is True, _count(item, "sent"), _count(item, "received"),
                   _count(item, "conflicts"), _count(item, "refused"),
                   message if isinstance(message, str) else "")
