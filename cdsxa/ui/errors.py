"""Showing what went wrong: a user's mistake next to where it was made, and what a
background operation could not do in a dialog when nobody nearer can say it."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from cdsxa.common.errors import UserError
from cdsxa.ui.i18n import tr


def user_message(error: BaseException) -> str:
    """What to tell the user: a UserError's own words (Vietnamese, from the services);
    for anything else only that it was unexpected: the details are in the log file."""
    if isinstance(error, UserError):
        return error.message
    return tr("Unexpected error. The details are in the log file.")


def show_error_dialog(parent: QWidget | None, message: str) -> QMessageBox:
    """A window-modal warning that does not block the caller (open, not exec)."""
    box = QMessageBox(QMessageBox.Icon.Warning, tr("CĐS Xã"), message,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


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
