"""The threads the GUI's work runs on, and waiting for them before the profile closes.

Work is started through cdsxa.ui.operations (QueryOp, WriteOp), never here. Reads and
long jobs (a backup, an import preview) run on Qt's global pool; writes run on a
pool of one thread, so two transactions of this process never run at once nor wait
on each other for SQLite's write lock.

Tests set SYNCHRONOUS so the same code runs inline, on the UI thread.
"""

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QEventLoop,
    QObject,
    QRunnable,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QProgressDialog

from cdsxa.common.errors import UserError

log = logging.getLogger(__name__)

SYNCHRONOUS = False
_writer: QThreadPool | None = None


def reader_pool() -> QThreadPool:
    return QThreadPool.globalInstance()


def writer_pool() -> QThreadPool:
    """The one writer thread (made when first needed)."""
    global _writer
    if _writer is None:
        _writer = QThreadPool()
        _writer.setObjectName("cdsxa-writer")
        _writer.setMaxThreadCount(1)
    return _writer


def _pools() -> tuple[QThreadPool, ...]:
    return (writer_pool(), reader_pool())


class Relay(QObject):
    """Lives on the UI thread: what the worker reports arrives there, in order."""

    succeeded = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(self, on_success: Callable[[Any], None],
                 on_failure: Callable[[Exception], None]) -> None:
        super().__init__()
        self._on_success, self._on_failure = on_success, on_failure
        self.succeeded.connect(self._succeeded)
        self.failed.connect(self._failed)

    @Slot(object)
    def _succeeded(self, result: Any) -> None:
        self._on_success(result)

    @Slot(object)
    def _failed(self, error: Exception) -> None:
        self._on_failure(error)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: Relay) -> None:
        super().__init__()
        self.work, self.relay = work, relay

    def run(self) -> None:
        try:
            result = self.work()
        except UserError as exc:  # the user's to correct: its message is shown as is
            self.relay.failed.emit(exc)
        except Exception as exc:  # shown as an unexpected error; the details stay in the log
            log.exception("background work failed")
            self.relay.failed.emit(exc)
        else:
            self.relay.succeeded.emit(result)


def start(pool: QThreadPool, work: Callable[[], Any], relay: Relay) -> None:
    """Run work on pool (inline under SYNCHRONOUS); the relay reports how it ended."""
    job = _Job(work, relay)
    if SYNCHRONOUS:
        job.run()
    else:
        pool.start(job)


def idle() -> bool:
    """Nothing running in the background (a restore runs with the profile closed)."""
    return all(pool.activeThreadCount() == 0 for pool in _pools())


def wait_for_all(msecs: int = -1) -> bool:
    """Block until both pools are done (at most msecs in all; -1: no limit)."""
    deadline = QDeadlineTimer(QDeadlineTimer.ForeverConstant.Forever if msecs < 0 else msecs)
    done = [pool.waitForDone(deadline) for pool in _pools()]  # each, not just the first
    return all(done)


def finish_all(note: str) -> None:
    """Wait for background work (a save, an export, the daily backup) before the profile
    closes.

    A daily backup of a large commune takes some seconds: the window is gone by then,
    so say what the app is still doing rather than linger unseen.
    """
    if wait_for_all(300):
        return
    dialog = QProgressDialog(note, "", 0, 0)
    dialog.setWindowTitle("CĐS Xã")
    dialog.setCancelButton(None)  # stopping a backup half-way gains nothing
    dialog.setMinimumDuration(0)
    dialog.show()
    while not wait_for_all(100):
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    dialog.close()
    dialog.deleteLater()
