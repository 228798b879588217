"""One sync with the province hub: push what waits, pull what others did, push again.

    synchronise(db, data_dir) -> Outcome

- Push: the pending entries (cdsxa.sync.outbox), oldest first, in batches; an entry
  is marked acknowledged only when the hub's answer names it held, so a cut
  connection costs at most the batch in flight, and sending it again changes nothing
  at the hub (each entry is applied once). The batch size follows the link: it
  doubles while a batch takes under half of BATCH_SECONDS, halves when one takes
  longer, and drops to the smallest after a failure.
- Pull: what the hub holds after this PC's cursor, applied through the apply-remote
  path (never echoed back) with the new cursor, in one local transaction per batch;
  the province's topic catalogue first when it changed.
- Push again: the merges this PC found while applying are entries of its own.
- Audit events travel with the pushes, pseudonymised (cdsxa.sync.audit_out).
- Re-base: a push answered 412 (this PC's generation is not the one the hub gave it
  last: restored from an old backup, copied, or it lost the answer of its last push)
  takes back its own entries the hub holds from that generation on, applied as
  received, then the hub's generation, and the push goes on (cdsxa.hub.rebase).

The database is written in short transactions (never across a network wait), each
through `write`, which the app points at its single writer thread; reading the
pending entries goes through `read`. Every attempt, good or failed, is kept in the
history the Sync page shows (counts and Vietnamese messages only).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.commune import settings
from cdsxa.db.base import utcnow
from cdsxa.db.engine import Database
from cdsxa.db.models import AuditEvent, ChangeLogEntry
from cdsxa.profile import lock
from cdsxa.security import device_token
from cdsxa.security.access import SYSTEM
from cdsxa.sync import audit_out, catalogue, wire
from cdsxa.sync.apply import apply_remote
from cdsxa.sync.hub_client import SYNC_RETRY, HubClient, HubRefused
from cdsxa.sync.outbox import outgoing

log = logging.getLogger(__name__)

T = TypeVar("T")
Step = Callable[[Session], T]

MIN_BATCH = 20
FIRST_BATCH = 200
BATCH_SECONDS = 8.0
PULL_BATCH = 1000
HISTORY_LENGTH = 50


@dataclass
class Outcome:
    sent: int = 0  # entries the hub now holds
    received: int = 0  # entries of other PCs applied here
    conflicts: int = 0  # values that lost here (kept for review)
    refused: list[str] = field(default_factory=list)  # Vietnamese, one per entry refused
    pending: int = 0  # entries still waiting after this sync
    rebased: int = 0  # own entries taken back from the hub (a restored backup lacked them)
    resent: int = 0  # own entries sent again because the hub's database was restored
    bytes_sent: int = 0
    batches: int = 0
    error: str | None = None  # why the sync stopped early (Vietnamese), None if it finished

    @property
    def ok(self) -> bool:
        return self.error is None


Progress = Callable[[str, int, int], None]  # stage ("push", "pull"), done, total


def _direct_writer(db: Database) -> Callable[[Step[Any]], Any]:
    def write(step: Step[T]) -> T:
        with db.transaction(SYSTEM) as session:
            return step(session)
    return write


def _direct_reader(db: Database) -> Callable[[Step[Any]], Any]:
    def read(step: Step[T]) -> T:
        with db.reading(SYSTEM) as session:
            return step(session)
    return read


def synchronise(db: Database, data_dir: Path, *, progress: Progress | None = None,
                write: Callable[[Step[Any]], Any] | None = None,
                read: Callable[[Step[Any]], Any] | None = None,
                client: HubClient | None = None) -> Outcome:
    """Push, pull, push; the history records the attempt. NotEnrolledError when this PC
    has not been enrolled; other failures end the attempt with `error` set (the
    data is safe here and the next attempt goes on from where this one stopped)."""
    held = lock.syncing(data_dir)
    if held is None:
        return Outcome(error=ANOTHER_SYNC, pending=(read or _direct_reader(db))(pending_count))
    try:
        return _synchronise(db, data_dir, progress, write, read, client)
    finally:
        held.release()


ANOTHER_SYNC = ("Một lần đồng bộ khác của hồ sơ này đang chạy (chương trình tự đồng bộ, hoặc "
                "lệnh cdsxa sync); lần này không chạy, không mất gì.")


def _synchronise(db: Database, data_dir: Path, progress: Progress | None,
                 write: Callable[[Step[Any]], Any] | None,
                 read: Callable[[Step[Any]], Any] | None,
                 client: HubClient | None) -> Outcome:
    write = write or _direct_writer(db)
    read = read or _direct_reader(db)
    outcome = Outcome()
    own_client = client is None
    if client is None:
        client = _client(db, data_dir)
    try:
        try:
            _push(client, read, write, outcome, progress)
            _pull(client, write, outcome, progress)
        except _HubBehind:
            # The hub went back in time (restored): everything again, once.
            outcome.resent = write(_send_everything_again)
            _push(client, read, write, outcome, progress)
            _pull(client, write, outcome, progress)
        _push(client, read, write, outcome, progress)
    except _HubBehind:
        outcome.error = HUB_STILL_BEHIND
    except UserError as error:
        outcome.error = error.message
    finally:
        if own_client:
            client.close()
    outcome.pending = read(pending_count)
    write(lambda session: _remember(session, outcome))
    return outcome


def _client(db: Database, data_dir: Path) -> HubClient:
    known = device_token.enrolment(data_dir)
    if known is None or db.key is None:
        raise device_token.NotEnrolledError(NOT_ENROLLED)
    token = device_token.token(data_dir, db.key)
    return HubClient(known.hub_url, token=token, retry=SYNC_RETRY, pin=known.pin)


HUB_STILL_BEHIND = ("Máy chủ tỉnh vẫn chưa khớp với máy này sau khi gửi lại; hãy báo tỉnh. Dữ "
                    "liệu vẫn an toàn trên máy.")


class _HubBehind(Exception):
    """The hub holds less than this PC has seen: its database was restored."""


def _send_everything_again(session: Session) -> int:
    """Every entry this PC made waits again, its audit events too, and the pull starts
    from the beginning (what is seen already is skipped by entry id)."""
    again = session.scalar(select(func.count()).select_from(ChangeLogEntry).where(
        ChangeLogEntry.received_at.is_(None), ChangeLogEntry.acked_at.is_not(None)))
    session.execute(update(ChangeLogEntry).where(
        ChangeLogEntry.received_at.is_(None), ChangeLogEntry.acked_at.is_not(None))
        .values(acked_at=None))
    session.execute(update(AuditEvent).where(AuditEvent.sent_at.is_not(None))
                    .values(sent_at=None))
    settings.put(session, settings.PULL_CURSOR, 0)
    settings.put(session, settings.PULL_CURSOR_ENTRY, "")
    log.warning("the hub is behind this PC: %d entries to send again", again)
    return int(again or 0)


NOT_ENROLLED = ("Máy này chưa đăng ký với tỉnh: hãy đăng ký bằng mã của tỉnh (trang Đồng "
                "bộ, hoặc lệnh cdsxa enrol) rồi đồng bộ.")


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ChangeLogEntry).where(
        ChangeLogEntry.acked_at.is_(None))) or 0)


class _BatchSize:
    def __init__(self) -> None:
        self.size = FIRST_BATCH

    def took(self, seconds: float) -> None:
        if seconds < BATCH_SECONDS / 2:
            self.size = min(self.size * 2, wire.MAX_BATCH_ENTRIES)
        elif seconds > BATCH_SECONDS:
            self.size = max(self.size // 2, MIN_BATCH)

    def failed(self) -> None:
        self.size = MIN_BATCH


def _push(client: HubClient, read: Callable[[Step[Any]], Any],
          write: Callable[[Step[Any]], Any], outcome: Outcome,
          progress: Progress | None) -> None:
    size = _BatchSize()
    total = read(pending_count)
    generation = read(lambda s: settings.get(s, settings.SYNC_GENERATION))
    rebased = False
    done = 0
    skip: set[str] = set()  # refused alone at the hub this time: not sent again now
    while True:
        changes = [c for c in read(lambda s: outgoing(s, limit=size.size + len(skip)))
                   if c.entry_id not in skip][:size.size]
        events = read(lambda s: audit_out.unsent(s, size.size))
        if not changes and not events:
            return
        request = wire.PushRequest(batch_id=str(uuid.uuid4()), generation=generation,
                                   entries=[wire.WireEntry.from_change(c) for c in changes],
                                   audit=events)
        started = time.monotonic()
        try:
            answer = client.push(request)
        except HubRefused as refusal:
            if refusal.status != 412 or rebased:
                raise
            rebased = True  # once per sync: a second 412 is a fault, not a state
            taken, behind = _rebase(client, read, write, generation)
            outcome.rebased += taken
            if behind and not outcome.resent:
                raise _HubBehind()
            generation = read(lambda s: settings.get(s, settings.SYNC_GENERATION))
            continue
        except UserError:
            size.failed()
            raise
        size.took(time.monotonic() - started)
        outcome.bytes_sent += client.sent_bytes
        outcome.batches += 1
        held = set(answer.held_of(request)) & {c.entry_id for c in changes}
        generation = answer.generation
        events_held = set(answer.audit_held) & {e.event_id for e in events}

        def acknowledge(session: Session) -> None:
            _acknowledge(session, held, answer.generation)
            audit_out.mark_sent(session, events_held)

        write(acknowledge)
        outcome.sent += len(held)
        for refused in answer.refused:
            skip.add(refused.entry_id)
            outcome.refused.append(refused.message)
        done += len(held)
        if progress is not None:
            progress("push", done, max(total, done))
        if not held and not answer.refused and not events_held:
            raise UserError("Máy chủ tỉnh không nhận đợt thay đổi này; sẽ thử lại sau.")


def _acknowledge(session: Session, held: set[str], generation: int | None = None) -> None:
    """Mark the entries the hub holds; with the generation it gave, in one transaction."""
    if generation is not None:
        settings.put(session, settings.SYNC_GENERATION, generation)
    ids = sorted(uuid.UUID(i) for i in held)
    now = utcnow()
    for start in range(0, len(ids), 500):
        session.execute(update(ChangeLogEntry).where(
            ChangeLogEntry.id.in_(ids[start:start + 500]),
            ChangeLogEntry.acked_at.is_(None)).values(acked_at=now))


def _rebase(client: HubClient, read: Callable[[Step[Any]], Any],
            write: Callable[[Step[Any]], Any], generation: int) -> tuple[int, bool]:
    """Take back this PC's own entries the hub holds from `generation` on (those it
    lacks are applied as received), then the hub's generation; returns how many, and
    whether the hub is behind this PC (its database was restored)."""
    applied, behind = 0, False
    after, more = 0, True
    while more:
        answer = client.rebase(generation, after, PULL_BATCH)
        changes = [entry.to_change() for entry in answer.entries]

        def take(session: Session) -> int:
            report = apply_remote(session, changes, rebasing=True)
            if not answer.more:
                settings.put(session, settings.SYNC_GENERATION, answer.generation)
            return report.applied

        applied += write(take)
        after, more = answer.after, answer.more
        behind = behind or answer.hub_behind
    log.info("re-based: %d entries of this PC taken back from the hub", applied)
    return applied, behind


def _pull(client: HubClient, write: Callable[[Step[Any]], Any], outcome: Outcome,
          progress: Progress | None) -> None:
    more = True
    while more:
        cursor, version, at_cursor = write(lambda session: (
            settings.get(session, settings.PULL_CURSOR),
            settings.get(session, settings.TOPIC_CATALOGUE_VERSION),
            settings.get(session, settings.PULL_CURSOR_ENTRY)))
        try:
            answer = client.pull(cursor, PULL_BATCH, version, at_cursor if cursor else "")
        except HubRefused as refusal:
            if refusal.error == "hub_behind":
                raise _HubBehind() from None
            raise
        changes = [entry.to_change() for entry in answer.entries]

        def apply(session: Session) -> tuple[int, int]:
            # The cursor moves with what it covers, in the same transaction.
            if settings.get(session, settings.PULL_CURSOR) != cursor:
                return 0, 0  # another sync of this profile moved it: ask again
            if answer.catalogue is not None and answer.catalogue_version:
                catalogue.take(session, answer.catalogue)  # before the sessions naming it
                settings.put(session, settings.TOPIC_CATALOGUE_VERSION,
                             answer.catalogue_version)
            report = apply_remote(session, changes)
            settings.put(session, settings.PULL_CURSOR, answer.cursor)
            settings.put(session, settings.PULL_CURSOR_ENTRY, answer.cursor_entry or "")
            return report.applied, len(report.conflicts)

        applied, conflicts = write(apply)
        outcome.received += applied
        outcome.conflicts += conflicts
        if progress is not None:
            progress("pull", outcome.received, outcome.received)
        more = answer.more


def _remember(session: Session, outcome: Outcome) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if outcome.ok:
        settings.put(session, settings.LAST_SYNC_SUCCESS, now)
    attempt = {"at": now, "ok": outcome.ok, "sent": outcome.sent,
               "received": outcome.received, "conflicts": outcome.conflicts,
               "refused": len(outcome.refused), "message": outcome.error or ""}
    history = [attempt, *settings.get(session, settings.SYNC_HISTORY)][:HISTORY_LENGTH]
    settings.put(session, settings.SYNC_HISTORY, history)
