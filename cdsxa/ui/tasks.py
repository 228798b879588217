"""The one way the GUI runs long work (imports, exports) off the UI thread.

The work function gets plain data and opens its own session; its result or error
comes back on the UI thread. Pass ids and values across, never ORM objects.
Tests set SYNCHRONOUS so the same code runs inline.
"""

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog

from cdsxa.common.errors import UserError

log = logging.getLogger(__name__)

SYNCHRONOUS = False
_running: set["_Relay"] = set()  # keeps relays alive until they have reported


class _Relay(QObject):
    """Lives on the UI thread; signals emitted from the worker arrive there."""

    succeeded = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.work, self.relay = work, relay

    def run(self) -> None:
        try:
            result = self.work()
        except UserError as exc:
            self.relay.failed.emit(exc.message)
        except Exception as exc:  # reported to the user, details in the log file
            log.exception("background work failed")
            self.relay.failed.emit(f"Lỗi không mong đợi: {type(exc).__name__}: {exc}")
        else:
            self.relay.succeeded.emit(result)


def run_in_background(work: Callable[[], Any], on_success: Callable[[Any], None],
                      on_failure: Callable[[str], None]) -> None:
    relay = _Relay()
    _running.add(relay)

    def done() -> None:
        _running.discard(relay)

    relay.succeeded.connect(on_success)
    relay.failed.connect(on_failure)
    relay.succeeded.connect(done)
    relay.failed.connect(done)
    job = _Job(work, relay)
    if SYNCHRONOUS:
        job.run()
    else:
        QThreadPool.globalInstance().start(job)


def finish_all(note: str) -> None:
    """Wait for background work (an export, the daily backup) before the profile closes.

    A daily backup of a large commune takes some seconds: the window is gone by then,
    so say what the app is still doing rather than linger unseen.
    """
    pool = QThreadPool.globalInstance()
    if pool.waitForDone(300):
        return
    dialog = QProgressDialog(note, "", 0, 0)
    dialog.setWindowTitle("CĐS Xã")
    dialog.setCancelButton(None)  # stopping a backup half-way gains nothing
    dialog.setMinimumDuration(0)
    dialog.show()
    while not pool.waitForDone(100):
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    dialog.close()
    dialog.deleteLater()
