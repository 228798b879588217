"""Background sync with the province hub, and "Sync now": one attempt at a time.

While someone who may sync (Permission.SYNC) is signed in and the PC is enrolled, an
attempt runs every INTERVAL_MINUTES; after a failure the next comes sooner and then
later (BACKOFF_MINUTES: 1, 2, 5, 10, 30). The urllib3 Retry inside HubClient handles
each request's own retries. The attempt acts as SYSTEM for the profile's commune.

Threads. An attempt runs `synchronise` on a thread of its own, which is where every
network wait happens. Its database writes go, one short transaction each, to the
app's one writer thread (cdsxa.ui.tasks.writer_pool), queued among the officer's
saves: a save waits at most for one such step, never for the network. Its reads run
on its own thread in reading sessions. Every database step passes the attempt's
gate: `stop()` (sign-out, lock, close, the profile closing) waits for the step in
progress, if any, and no step of that attempt starts afterwards. So stopping never
waits for the network: an attempt stopped in a network wait is left to end on its
own, touching nothing (nothing is lost either: the hub holds each entry once and
the pull cursor moves with what it covers). It makes no new request once stopped.

Under tasks.SYNCHRONOUS (the tests) the attempt and its steps run inline.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QTimer, Signal, Slot
from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.security import device_token
from cdsxa.security.access import SYSTEM, Permission
from cdsxa.ui import tasks
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import user_message

if TYPE_CHECKING:  # the HTTP stack loads with the first attempt, not with the window
    from urllib3.util.retry import Retry

    from cdsxa.sync.hub_client import HubClient
    from cdsxa.sync.synchronise import Outcome

log = logging.getLogger(__name__)

T = TypeVar("T")

INTERVAL_MINUTES = 10
BACKOFF_MINUTES = (1, 2, 5, 10, 30)
FIRST_MINUTES = 1  # after sign-in, enrolment or unlocking: soon, not in the officer's way
STOPPED = "Đồng bộ đã dừng giữa chừng (đăng xuất, khóa máy hoặc đóng chương trình)."


def delay_minutes(failures: int, interval: int = INTERVAL_MINUTES) -> int:
    """Minutes until the next attempt after `failures` failed ones in a row."""
    if failures <= 0:
        return interval
    return BACKOFF_MINUTES[min(failures, len(BACKOFF_MINUTES)) - 1]


class SyncStopped(UserError):
    """The attempt was stopped: it touches the database no more."""

    def __init__(self) -> None:
        super().__init__(STOPPED)


@dataclass(frozen=True)
class Finished:
    """How an attempt ended, for the page and the status bar."""

    outcome: Outcome | None  # None: it ended before synchronise could say
    message: str  # Vietnamese; "" when it went well
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return not self.message


class _Run:
    """One attempt: its stop flag and the gate its database steps pass one at a time."""

    def __init__(self, closed: threading.Event) -> None:
        self.stopped = threading.Event()
        self.closed = closed  # the profile's database was closed
        self.gate = threading.Lock()

    def stop(self) -> None:
        with self.gate:  # waits for the step in progress; none starts after
            self.stopped.set()

    def is_stopped(self) -> bool:
        return self.stopped.is_set() or self.closed.is_set()

    def step(self, work: Callable[[], T]) -> T:
        with self.gate:
            if self.is_stopped():
                raise SyncStopped()
            return work()


class _Call(QRunnable):
    def __init__(self, work: Callable[[], Any], future: Future[Any]) -> None:
        super().__init__()
        self.work, self.future = work, future

    def run(self) -> None:
        try:
            self.future.set_result(self.work())
        except BaseException as exc:  # handed to the waiting sync thread, which decides
            self.future.set_exception(exc)


def on_writer(work: Callable[[], T]) -> T:
    """Run work on the app's writer thread and wait for it (inline when SYNCHRONOUS)."""
    if tasks.SYNCHRONOUS:
        return work()
    future: Future[T] = Future()
    tasks.writer_pool().start(_Call(work, future))
    return future.result()


class _Relay(QObject):
    """Lives on the UI thread as long as the app: what attempts report arrives there.
    One for all, never deleted, so a thread that ends after its window is gone still
    emits into a live object (its scheduler is checked before it is called)."""

    progressed = Signal(object, str, int, int)  # scheduler, stage, done, total
    written = Signal(object, object)  # scheduler, frozenset of tables
    ended = Signal(object, object, object)  # scheduler, run, Finished

    def __init__(self) -> None:
        super().__init__()
        self.progressed.connect(self._progressed)
        self.written.connect(self._written)
        self.ended.connect(self._ended)

    @Slot(object, str, int, int)
    def _progressed(self, scheduler: SyncScheduler, stage: str, done: int, total: int) -> None:
        if shiboken6.isValid(scheduler):
            scheduler.progressed.emit(stage, done, total)

    @Slot(object, object)
    def _written(self, scheduler: SyncScheduler, tables: frozenset[str]) -> None:
        if shiboken6.isValid(scheduler):
            scheduler.context.changes.changed.emit(tables)

    @Slot(object, object, object)
    def _ended(self, scheduler: SyncScheduler, run: _Run, finished: Finished) -> None:
        if shiboken6.isValid(scheduler):
            scheduler._ended(run, finished)


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:  # made on the UI thread, by the first scheduler
        _relay = _Relay()
    return _relay


class SyncScheduler(QObject):
    """The window's one sync: the timer and "Sync now" share it."""

    started = Signal()
    progressed = Signal(str, int, int)  # stage ("push", "pull"), done, total
    finished = Signal(object)  # Finished
    planned = Signal()  # next_at changed (or is None: no attempt planned)

    def __init__(self, context: AppContext, parent: QObject | None = None, *,
                 interval_minutes: int = INTERVAL_MINUTES, minute_ms: int = 60_000,
                 now: Callable[[], datetime] | None = None,
                 retry: Retry | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.interval_minutes, self.minute_ms = interval_minutes, minute_ms
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.retry = retry  # None: HubClient's SYNC_RETRY
        self.actor = context.db.actor(SYSTEM)  # the app itself, for the profile's commune
        self.failures = 0  # failed attempts in a row
        self.next_at: datetime | None = None
        self._resume_at: datetime | None = None
        self.last: Finished | None = None
        self.attempt_thread: threading.Thread | None = None  # the last attempt's (tests join it)
        self._run: _Run | None = None
        self._paused = self._closed = False
        self._db_closed = threading.Event()
        context.db.on_close.append(self._db_closed.set)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._due)
        self._relay = _the_relay()

    # --- what may run ------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._run is not None

    def allowed(self) -> bool:
        """Someone who may sync is signed in, and the window is open and unlocked."""
        return (self.context.may(Permission.SYNC) and not self._paused and not self._closed
                and not self._db_closed.is_set())

    def enrolled(self) -> bool:
        """Enrolled for network sync (a PC enrolled by file sends bundles instead)."""
        known = device_token.enrolment(self.context.data_dir)
        return known is not None and bool(known.hub_url)

    # --- the plan ------------------------------------------------------------------------

    def start(self) -> None:
        """Signed in (or enrolled just now): the first attempt soon."""
        if self.allowed() and self.enrolled() and not self.running:
            self._plan(FIRST_MINUTES)

    def pause(self) -> None:
        """Locked: no attempt until unlocked; one in progress stops."""
        if self._paused:
            return
        self._paused = True
        self._resume_at = self.next_at
        self._stop_run()

    def resume(self) -> None:
        """Unlocked: the attempt that was planned, or one soon if its time has passed."""
        self._paused = False
        when, self._resume_at = self._resume_at, None
        if self.allowed() and self.enrolled() and not self.running:
            if when is not None and when > self.now():
                self._plan_at(when)
            else:
                self._plan(FIRST_MINUTES)

    def stop(self) -> None:
        """Signed out or closing: for good. Waits for one short step at most."""
        self._closed = True
        self._stop_run()

    def _stop_run(self) -> None:
        self.timer.stop()
        run, self._run = self._run, None
        if run is not None:
            run.stop()
            self.last = Finished(None, STOPPED, stopped=True)
            self.finished.emit(self.last)
        self.next_at = None
        self.planned.emit()

    def _plan(self, minutes: int) -> None:
        self._plan_at(self.now() + timedelta(minutes=minutes))

    def _plan_at(self, when: datetime) -> None:
        self.next_at = when
        ms = max(0, (when - self.now()) / timedelta(minutes=1)) * self.minute_ms
        self.timer.start(int(ms))
        self.planned.emit()

    def _due(self) -> None:
        if not self.run_now():
            self.next_at = None
            self.planned.emit()

    # --- an attempt ----------------------------------------------------------------------

    def run_now(self) -> bool:
        """Start an attempt; False when one is running or none may run (locked, signed
        out, not enrolled for network sync)."""
        if self.running or not self.allowed() or not self.enrolled():
            return False
        self.timer.stop()
        self.next_at = None
        run = _Run(self._db_closed)
        self._run = run
        self.started.emit()
        self.planned.emit()
        if tasks.SYNCHRONOUS:
            self._attempt(run)
        else:
            self.attempt_thread = threading.Thread(target=self._attempt, args=(run,),
                                           name="cdsxa-sync", daemon=True)
            self.attempt_thread.start()
        return True

    def _attempt(self, run: _Run) -> None:
        """On the attempt's thread."""
        db, data_dir, actor = self.context.db, self.context.data_dir, self.actor
        relay = self._relay

        def read(step: Callable[[Session], T]) -> T:
            def work() -> T:
                with db.reading(actor) as session:
                    return step(session)
            return run.step(work)

        def write(step: Callable[[Session], T]) -> T:
            def work() -> tuple[T, frozenset[str]]:
                with db.transaction(actor) as session:
                    result = step(session)
                return result, frozenset(session.written)
            result, tables = on_writer(lambda: run.step(work))
            if tables:
                relay.written.emit(self, tables)
            return result

        def progress(stage: str, done: int, total: int) -> None:
            relay.progressed.emit(self, stage, done, total)

        from cdsxa.sync.synchronise import synchronise

        try:
            client = self._client(run)
            try:
                outcome = synchronise(db, data_dir, progress=progress, write=write, read=read,
                                      client=client)
            finally:
                client.close()
            finished = Finished(outcome, outcome.error or "")
        except SyncStopped:
            finished = Finished(None, STOPPED, stopped=True)
        except Exception as exc:
            if not isinstance(exc, UserError):
                log.exception("sync attempt failed")
            finished = Finished(None, user_message(exc))
        relay.ended.emit(self, run, finished)

    def _client(self, run: _Run) -> HubClient:
        from cdsxa.sync.hub_client import SYNC_RETRY
        from cdsxa.sync.synchronise import NOT_ENROLLED
        from cdsxa.ui.sync_client import StoppableClient

        known = device_token.enrolment(self.context.data_dir)
        key = self.context.db.key
        if known is None or key is None:
            raise device_token.NotEnrolledError(NOT_ENROLLED)
        token = device_token.token(self.context.data_dir, key)
        return StoppableClient(known.hub_url, token, self.retry or SYNC_RETRY, run.is_stopped,
                               pin=known.pin)

    def _ended(self, run: _Run, finished: Finished) -> None:
        """On the UI thread."""
        if run is not self._run:
            return  # stopped earlier: it was reported then
        self._run = None
        self.last = finished
        self.failures = 0 if finished.ok else self.failures + 1
        if self.allowed() and self.enrolled():
            self._plan(delay_minutes(self.failures, self.interval_minutes))
        self.finished.emit(finished)
