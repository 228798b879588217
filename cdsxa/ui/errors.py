"""Showing what went wrong: a user's mistake next to where it was made, and what a
background operation could not do in a dialog when nobody nearer can say it.

An error the app did not foresee (not a UserError) reaches the officer too, never as
raw English: what happened in their words and what to do; the details (type, text,
traceback) go to the log only. Three paths lead here, one message for all: an
operation's failure (cdsxa.ui.operations, whose worker logs the traceback), an
ErrorLabel given the failure, and an exception escaping a slot, which PySide6 hands
to sys.excepthook (installed by cdsxa.ui.app.application).
"""

import logging
import sys
import threading
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from cdsxa.common import disk_space
from cdsxa.common.errors import UserError
from cdsxa.ui.i18n import tr

log = logging.getLogger(__name__)


def unexpected_message() -> str:
    return tr("Something unexpected went wrong: what you were doing may not have been saved. "
              "Check it and try again; if it happens again, note what you did and send the "
              "log file (cdsxa.log in the data folder) to whoever supports CĐS Xã for you.")


def user_message(error: BaseException) -> str:
    """What to tell the user: a UserError's own words (Vietnamese, from the services);
    for anything else that it was unexpected and what to do: the details are in the log."""
    if isinstance(error, UserError):
        return error.message
    full = disk_space.translated(error, None)  # a full disk is no mystery: say what to free
    return full.message if full is not None else unexpected_message()


def log_unexpected(error: BaseException, where: str) -> None:
    """The details of an unforeseen error, for whoever reads the log."""
    log.error("unexpected error in %s", where,
              exc_info=(type(error), error, error.__traceback__))


_unowned: set[QMessageBox] = set()


def show_error_dialog(parent: QWidget | None, message: str) -> QMessageBox:
    """A window-modal warning that does not block the caller (open, not exec)."""
    box = QMessageBox(QMessageBox.Icon.Warning, tr("CĐS Xã"), message,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:  # owned by nobody, Python would delete it at once: kept until closed
        _unowned.add(box)
        box.finished.connect(lambda _result: _unowned.discard(box))
    box.open()
    return box


def excepthook(kind: type[BaseException], error: BaseException,
               traceback: TracebackType | None) -> None:
    """The last resort: an exception that escaped a slot or an event handler."""
    if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: not ours
        sys.__excepthook__(kind, error, traceback)
        return
    log.error("unexpected error on the UI thread", exc_info=(kind, error, traceback))
    app = QApplication.instance()
    if app is None or threading.current_thread() is not threading.main_thread():
        return
    # A service refusal nobody caught, a full disk: still in words; else "unexpected".
    show_error_dialog(QApplication.activeWindow(), user_message(error))


class ErrorLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("QLabel { color: #b00020; }")
        self.setObjectName("inlineError")
        self.hide()

    def show_error(self, message: str) -> None:
        self.setText(message)
        self.show()

    def show_failure(self, error: BaseException) -> None:
        """An operation's failure (see user_message)."""
        self.show_error(user_message(error))

    def clear_error(self) -> None:
        self.clear()
        self.hide()
