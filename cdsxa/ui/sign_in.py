"""Signing in: name and password, the lock-out countdown, and the forgotten password."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common.errors import UserError
from cdsxa.db.engine import Database
from cdsxa.security import users
from cdsxa.security.access import Principal
from cdsxa.ui.account_fields import SecretPair, secret_field
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.pages.base import heading, paragraph


class Countdown(QObject):
    """After too many wrong passwords: a button stays disabled while the wait runs down."""

    def __init__(self, button: QPushButton, waiting_text: Callable[[int], str]) -> None:
        super().__init__(button)
        self.button = button
        self.text = button.text()
        self.waiting_text = waiting_text
        self.left = 0
        self.timer = QTimer(self, interval=1000)
        self.timer.timeout.connect(self.tick)

    def start(self, seconds: int) -> None:
        self.left = seconds
        self.button.setEnabled(False)
        self.button.setText(self.waiting_text(seconds))
        self.timer.start()

    def running(self) -> bool:
        return self.left > 0

    def tick(self) -> None:
        self.left = max(0, self.left - 1)
        if self.left:
            self.button.setText(self.waiting_text(self.left))
            return
        self.timer.stop()
        self.button.setText(self.text)
        self.button.setEnabled(True)


def try_password(db: Database, username: str, password: QLineEdit, error: ErrorLabel,
                 countdown: Countdown) -> Principal | None:
    """One sign-in attempt. On failure: say why, clear the password, start the wait."""
    try:
        principal = users.attempt_sign_in(db, username, password.text())
    except users.SignInFailed as exc:
        error.show_error(exc.message)
        password.clear()
        password.setFocus()
        if exc.wait_seconds > 0:
            countdown.start(exc.wait_seconds)
        return None
    error.clear_error()
    return principal


class SignInDialog(QDialog):
    """Who is using the app. `principal` holds the signed-in user after accept."""

    def __init__(self, data_dir: Path, db: Database, commune_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir, self.db = data_dir, db
        self.principal: Principal | None = None
        self.setWindowTitle(self.tr("CĐS Xã: sign in"))
        self.setMinimumWidth(420)
        self.commune = QLabel(commune_name)
        self.username = QLineEdit()
        self.password = secret_field()
        self.error = ErrorLabel()
        self.notice = paragraph("")
        self.notice.hide()
        self.sign_in_button = QPushButton(self.tr("&Sign in"))
        self.sign_in_button.setDefault(True)
        self.forgot_button = QPushButton(self.tr("&Forgot password?"))
        self.forgot_button.setFlat(True)
        self.quit_button = QPushButton(self.tr("&Quit"))
        self.countdown = Countdown(self.sign_in_button, lambda seconds: self.tr(
            "Wait {seconds} s").format(seconds=seconds))
        self._build()
        self.sign_in_button.clicked.connect(self.sign_in)
        self.forgot_button.clicked.connect(self.forgot)
        self.quit_button.clicked.connect(self.reject)
        self.username.setFocus()

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Sign-in name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.forgot_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.sign_in_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Sign in")))
        layout.addWidget(self.commune)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def sign_in(self) -> None:
        if self.countdown.running():
            return
        # Enter after the name moves on to the password: an empty one is no attempt.
        for field in (self.username, self.password):
            if not field.text().strip():
                field.setFocus()
                return
        self.principal = try_password(self.db, self.username.text(), self.password,
                                      self.error, self.countdown)
        if self.principal is not None:
            self.accept()

    def forgot(self) -> None:
        dialog = ForgotPasswordDialog(self.data_dir, self.db, self)
        dialog.finished.connect(lambda result: self._reset_done(dialog, result))
        dialog.open()

    def _reset_done(self, dialog: "ForgotPasswordDialog", result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            return
        self.username.setText(dialog.username.text())
        self.password.clear()
        self.error.clear_error()
        self.notice.setText(self.tr("The new password is set. Sign in with it."))
        self.notice.show()
        self.password.setFocus()


class ForgotPasswordDialog(QDialog):
    """The recovery key printed at setup lets its holder set an administrator's password."""

    def __init__(self, data_dir: Path, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir, self.db = data_dir, db
        self.setWindowTitle(self.tr("Forgotten password"))
        self.setMinimumWidth(520)
        self.recovery_key = QLineEdit(placeholderText="XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.username = QLineEdit()
        self.new_password = SecretPair()
        self.error = ErrorLabel()
        self.reset_button = QPushButton(self.tr("Set the new password"))
        self.reset_button.setDefault(True)
        cancel = QPushButton(self.tr("Cancel"))
        form = QFormLayout()
        form.addRow(self.tr("Recovery key"), self.recovery_key)
        form.addRow(self.tr("Administrator's sign-in name"), self.username)
        self.new_password.add_to(form, self.tr("New password"), self.tr("New password again"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.addWidget(paragraph(self.tr(
            "An administrator who forgot the password can set a new one with the recovery key "
            "printed when CĐS Xã was set up. Other users: ask the administrator to set a new "
            "password for you.")))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.reset_button.clicked.connect(self.reset)
        cancel.clicked.connect(self.reject)

    def reset(self) -> None:
        try:
            password = self.new_password.password()
            # The service checks the recovery key against this profile's own.
            users.reset_admin_password(self.db, self.username.text(), password,
                                       self.recovery_key.text())
        except UserError as exc:
            self.error.show_error(exc.message)
            return
        self.accept()
