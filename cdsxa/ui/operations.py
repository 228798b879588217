"""The one way the GUI runs work off the UI thread (after Anki's aqt.operations).

    QueryOp(self, reading(context, status.state)).success(self.show).run_in_background()
    WriteOp(self, context, lambda session: save(session, data)).success(self.saved) \
        .failure(self.error.show_failure).run_in_background()

QueryOp: a read, or a long job that opens its own sessions (a backup, an import
preview), on Qt's thread pool. WriteOp: `work(session)` in one transaction of the
signed-in user, on the one writer thread (cdsxa.ui.tasks), so two saves never run at
once; when it commits, Changes.changed announces the tables it actually wrote
(AppSession.written): nobody keeps lists of table names, and a save that changed
nothing announces nothing. If the work raises, nothing is written or announced.

Results, errors and the progress indicator come back on the UI thread: `.success(fn)`
gets the result, `.failure(fn)` the exception (default: a dialog with a UserError's
own message, or "unexpected error" with the details only in the log). The work gets
plain values (ids, inputs read from the widgets beforehand), never widgets, and
returns plain values. A busy indicator appears only if the work lasts longer than
PROGRESS_DELAY_MS: writes show one unless told not to, queries when asked.
If the parent widget is gone when the work ends, its callbacks are not called.
"""

import logging
from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from cdsxa.db.session import AppSession
from cdsxa.ui import tasks
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import show_error_dialog, user_message
from cdsxa.ui.i18n import tr

log = logging.getLogger(__name__)

T = TypeVar("T")

PROGRESS_DELAY_MS = 500  # quicker work shows no indicator: it would only flicker
_running: set["_Op[Any]"] = set()  # keeps operations alive until they have reported


def reading(context: AppContext, read: Callable[[AppSession], T]) -> Callable[[], T]:
    """A QueryOp's work: `read(session)` in a reading session of its own, as the
    signed-in user."""
    db, actor = context.db, context.actor

    def work() -> T:
        with db.reading(actor) as session:
            return read(session)
    return work


def writing(parent: QObject) -> bool:
    """A write started from parent is still running: a second Save press is ignored."""
    return any(isinstance(op, WriteOp) and op.parent is parent for op in _running)


class _Op(Generic[T]):
    _report_orphaned_failure = False  # a failure after the parent is gone: still say so

    def __init__(self, parent: QObject | None) -> None:
        self.parent = parent
        self._on_success: Callable[[T], object] | None = None
        self._on_failure: Callable[[Exception], object] | None = None
        self._progress = False
        self._label: str | None = None
        self._relay: tasks.Relay | None = None
        self._timer: QTimer | None = None
        self.progress: QProgressDialog | None = None  # the busy indicator while shown
        self.progress_shown = False
        self.finished = False

    def success(self, fn: Callable[[T], object]) -> Self:
        self._on_success = fn
        return self

    def failure(self, fn: Callable[[Exception], object]) -> Self:
        self._on_failure = fn
        return self

    def with_progress(self, label: str | None = None) -> Self:
        """Show a busy indicator (with label) if the work lasts over PROGRESS_DELAY_MS."""
        self._progress, self._label = True, label
        return self

    def without_progress(self) -> Self:
        self._progress = False
        return self

    def run_in_background(self) -> None:
        """Start the work; call on the UI thread."""
        if self._relay is not None:
            raise RuntimeError("an operation runs once")
        self._relay = tasks.Relay(self._arrived, self._failed)
        _running.add(self)
        if self._progress:
            self._timer = QTimer(self._relay)
            self._timer.setSingleShot(True)
            self._timer.setInterval(PROGRESS_DELAY_MS)
            self._timer.timeout.connect(self._show_progress)
            self._timer.start()
        tasks.start(self._pool(), self._job(), self._relay)

    # What the kinds of operation differ in ------------------------------------------

    def _default_label(self) -> str:
        raise NotImplementedError

    def _pool(self) -> QThreadPool:
        raise NotImplementedError

    def _job(self) -> Callable[[], Any]:
        raise NotImplementedError

    def _arrived(self, value: Any) -> None:
        self._finish()
        self._succeed(value)

    # On the UI thread -----------------------------------------------------------------

    def _alive(self) -> bool:
        return self.parent is None or shiboken6.isValid(self.parent)

    def _window(self) -> QWidget | None:
        if isinstance(self.parent, QWidget) and self._alive():
            return self.parent.window()
        return None

    def _succeed(self, result: T) -> None:
        if self._on_success is not None and self._alive():
            self._on_success(result)

    def _failed(self, error: Exception) -> None:
        self._finish()
        if not self._alive():
            log.warning("%s failed after its window closed: %s", type(self).__name__,
                        type(error).__name__)
            if self._report_orphaned_failure:
                show_error_dialog(None, user_message(error))
            return
        if self._on_failure is not None:
            self._on_failure(error)
        else:
            show_error_dialog(self._window(), user_message(error))

    def _show_progress(self) -> None:
        if self.finished:
            return
        dialog = QProgressDialog(self._label or self._default_label(), "", 0, 0,
                                 self._window())
        dialog.setObjectName("busyIndicator")
        dialog.setWindowTitle(tr("CĐS Xã"))
        dialog.setCancelButton(None)  # the work cannot be stopped half-way
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        self.progress, self.progress_shown = dialog, True

    def _finish(self) -> None:
        self.finished = True
        if self._timer is not None:
            self._timer.stop()
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        _running.discard(self)
        if self._relay is not None:
            self._relay.deleteLater()


class QueryOp(_Op[T]):
    """A read off the UI thread: `work()` opens its own session (see `reading`)."""

    def __init__(self, parent: QObject | None, work: Callable[[], T]) -> None:
        super().__init__(parent)
        self.work = work

    def _default_label(self) -> str:
        return tr("Working…")

    def _pool(self) -> QThreadPool:
        return tasks.reader_pool()

    def _job(self) -> Callable[[], Any]:
        return self.work


class WriteOp(_Op[T]):
    """`work(session)` in one transaction on the writer thread; on commit, the tables
    it wrote are announced (Changes.changed) before `success` gets the result."""

    _report_orphaned_failure = True

    def __init__(self, parent: QObject | None, context: AppContext,
                 work: Callable[[AppSession], T]) -> None:
        super().__init__(parent)
        self.context, self.work = context, work
        self._progress = True
        self.written: frozenset[str] = frozenset()  # once committed: the tables written

    def _default_label(self) -> str:
        return tr("Saving…")

    def _pool(self) -> QThreadPool:
        return tasks.writer_pool()

    def _job(self) -> Callable[[], tuple[T, frozenset[str]]]:
        db, actor, work = self.context.db, self.context.actor, self.work

        def run() -> tuple[T, frozenset[str]]:
            with db.transaction(actor) as session:
                result = work(session)
            return result, frozenset(session.written)  # filled by the flushes, commit's too
        return run

    def _arrived(self, value: Any) -> None:
        result, self.written = value
        self._finish()
        if self.written:
            self.context.changes.changed.emit(self.written)
        self._succeed(result)

