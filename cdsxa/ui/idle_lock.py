"""Locking the app after a time without use; only the same user unlocks it.

An application-wide event filter notes keyboard and mouse activity. When the
idle time runs out, every open window is covered (nothing personal stays on
screen) and a modal dialog asks the signed-in user's password. The windows
underneath are neither closed nor cleared: a half-typed form is still there
after unlocking.
"""

import logging

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from cdsxa.commune import settings
from cdsxa.security import audit
from cdsxa.security.access import Principal
from cdsxa.ui.account_fields import secret_field
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.pages.base import heading, paragraph
from cdsxa.ui.sign_in import Countdown, try_password

log = logging.getLogger(__name__)

DEFAULT_MINUTES = 15
ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
})


def idle_minutes(context: AppContext) -> int:
    """The profile's IDLE_LOCK_MINUTES setting (15 minutes unless changed)."""
    with context.read() as session:
        value = settings.get(session, settings.IDLE_LOCK_MINUTES)
    return value if value > 0 else DEFAULT_MINUTES


def username_of(principal: Principal) -> str:
    return principal.name.removeprefix("user:")


class Curtain(QWidget):
    """Covers one window while the app is locked, following its size."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lockCurtain")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet("QWidget#lockCurtain { background: #2b3440; }"
                           " QLabel { color: #f0f0f0; }")
        label = QLabel(self.tr("CĐS Xã is locked."))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        QVBoxLayout(self).addWidget(label)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
            self.raise_()
        return False


class LockDialog(QDialog):
    """"Locked — name": the same user's password unlocks; or sign out."""

    SIGNED_OUT = 2

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        principal = context.principal
        self.setWindowTitle(self.tr("CĐS Xã is locked"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(440)
        self.password = secret_field()
        self.error = ErrorLabel()
        self.unlock_button = QPushButton(self.tr("&Unlock"))
        self.unlock_button.setDefault(True)
        self.sign_out_button = QPushButton(self.tr("Sign &out"))
        self.countdown = Countdown(self.unlock_button, lambda seconds: self.tr(
            "Wait {seconds} s").format(seconds=seconds))
        form = QFormLayout()
        form.addRow(self.tr("Password"), self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        self.title = heading(self.tr("Locked — {name}").format(name=principal.label))
        layout.addWidget(self.title)
        layout.addWidget(paragraph(self.tr(
            "CĐS Xã locked itself after a time without use. Open forms are kept as they were. "
            "Type your password to go on; someone else should sign out first.")))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.unlock_button.clicked.connect(self.unlock)
        self.sign_out_button.clicked.connect(self.sign_out)
        self.password.setFocus()

    def unlock(self) -> None:
        if self.countdown.running() or not self.password.text():
            return
        principal = self.context.principal
        signed_in = try_password(self.context.db, username_of(principal), self.password,
                                 self.error, self.countdown)
        if signed_in is None:
            return
        if signed_in.user_id != principal.user_id:  # the account was renamed meanwhile
            self.error.show_error(self.tr("Only {name} can unlock.").format(name=principal.label))
            return
        self.accept()

    def confirm_sign_out(self) -> bool:
        answer = QMessageBox.question(self, self.tr("Sign out"), self.tr(
            "Signing out closes the open forms; what was typed and not saved is lost. "
            "Sign out?"))
        return answer == QMessageBox.StandardButton.Yes

    def sign_out(self) -> None:
        if self.confirm_sign_out():
            self.done(self.SIGNED_OUT)

    def reject(self) -> None:
        """Esc and the close button do not unlock."""


class IdleLock(QObject):
    """Locks `window` (and every other open window) after timeout_ms without activity."""

    locked = Signal()
    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, window: QMainWindow, context: AppContext,
                 timeout_ms: int | None = None) -> None:
        super().__init__(window)
        self.window, self.context = window, context
        self.fixed_timeout = timeout_ms is not None
        self.timeout_ms = timeout_ms if timeout_ms is not None else idle_minutes(context) * 60_000
        self.dialog: LockDialog | None = None
        self.curtains: list[Curtain] = []
        self._focus: QWidget | None = None
        self._idle = QElapsedTimer()
        self._idle.start()
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self._check)
        context.changes.changed.connect(self._settings_changed)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start(self.timeout_ms)

    def is_locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if self.dialog is None and event.type() in ACTIVITY:
            self._idle.restart()
        return False

    def _check(self) -> None:
        idle = self._idle.elapsed()
        if idle >= self.timeout_ms:
            self.lock()
        else:
            self.timer.start(self.timeout_ms - idle)

    def _settings_changed(self, kinds: frozenset[str]) -> None:
        if "setting" in kinds and not self.fixed_timeout:
            self.timeout_ms = idle_minutes(self.context) * 60_000
            if not self.is_locked():
                self._check()

    def _audit(self, action: str) -> None:
        try:
            with self.context.db.transaction(self.context.principal) as session:
                audit.record(session, action, "")
        except Exception:  # a lock must happen even if the log cannot be written
            log.exception("could not record %s", action)

    def lock(self) -> None:
        if self.dialog is not None:
            return
        self.timer.stop()
        self._focus = QApplication.focusWidget()
        self._audit("lock")
        for top in QApplication.topLevelWidgets():
            if top.isVisible() and isinstance(top, (QMainWindow, QDialog)):
                self.curtains.append(Curtain(top))
        self.dialog = LockDialog(self.context, self.window)
        self.dialog.finished.connect(self._finished)
        self.dialog.show()  # application modal (open() would make it window modal)
        self.locked.emit()

    def _finished(self, result: int) -> None:
        for curtain in self.curtains:
            curtain.hide()
            curtain.deleteLater()
        self.curtains.clear()
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if result == LockDialog.SIGNED_OUT:
            self.sign_out_requested.emit()
            return
        self._audit("unlock")
        if self._focus is not None and isValid(self._focus) and self._focus.isVisible():
            self._focus.activateWindow()
            self._focus.setFocus()
        self._focus = None
        self._idle.restart()
        self.timer.start(self.timeout_ms)
        self.unlocked.emit()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
