"""Before anyone signs in: the data passphrase or recovery key, encrypting an old
profile, and the first administrator of a profile that has none."""

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common.errors import UserError
from cdsxa.commune.profile import FirstUser
from cdsxa.db.engine import Database
from cdsxa.profile import encryption as encrypt_profile
from cdsxa.profile import key_rebuild, storage
from cdsxa.security import keys, users
from cdsxa.security.access import SYSTEM
from cdsxa.ui.account_fields import AccountFields, SecretPair, secret_field
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import QueryOp
from cdsxa.ui.pages.base import heading, paragraph
from cdsxa.ui.recovery_key_view import RecoveryKeyView


def _buttons(*widgets: QWidget, stretch_after: int = 1) -> QHBoxLayout:
    row = QHBoxLayout()
    for index, widget in enumerate(widgets):
        if index == stretch_after:
            row.addStretch(1)
        row.addWidget(widget)
    return row


class PassphraseDialog(QDialog):
    """Opening the data with its passphrase, or with the recovery key; `key` after accept."""

    def __init__(self, data_dir: Path, problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.key: keys.DataKey | None = None
        self.setWindowTitle(self.tr("CĐS Xã: open the data"))
        self.setMinimumWidth(520)
        self.passphrase = secret_field()
        self.recovery_key = QLineEdit(placeholderText="XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.new_passphrase = SecretPair()
        self.error = ErrorLabel()
        self.pages = QStackedWidget()
        self.open_button = QPushButton(self.tr("&Open"))
        self.open_button.setDefault(True)
        self.recovery_button = QPushButton(self.tr("Use the &recovery key…"))
        self.recovery_button.setFlat(True)
        self.quit_button = QPushButton(self.tr("&Quit"))
        # key.json lost or damaged: the key's wraps are taken from a backup instead.
        self.lost_key_file = not keys.key_file_usable(data_dir)
        self.backup_path = QLineEdit()
        latest = storage.latest_backup(data_dir) if self.lost_key_file else None
        self.backup_path.setText(str(latest) if latest else "")
        self.browse_button = QPushButton(self.tr("&Browse…"))
        self.passphrase_button = QPushButton(self.tr("Use the data &passphrase instead…"))
        self.passphrase_button.setFlat(True)
        self._build(problem)
        self.open_button.clicked.connect(self.open_data)
        self.recovery_button.clicked.connect(self.use_recovery_key)
        self.browse_button.clicked.connect(self._browse)
        self.passphrase_button.clicked.connect(self._use_passphrase)
        self.quit_button.clicked.connect(self.reject)
        self.passphrase_button.setVisible(self.lost_key_file)
        if problem:  # no passphrase can open it: only the recovery key
            self.use_recovery_key()
        self.passphrase.setFocus()

    def _build(self, problem: str) -> None:
        ask = QWidget()
        ask_layout = QVBoxLayout(ask)
        ask_layout.addWidget(paragraph(self.tr(
            "The data of CĐS Xã is encrypted. This computer has no safe key store, so the "
            "data passphrase chosen at setup is needed to open it.")))
        form = QFormLayout()
        form.addRow(self.tr("Data passphrase"), self.passphrase)
        ask_layout.addLayout(form)
        ask_layout.addStretch(1)

        recover = QWidget()
        recover_layout = QVBoxLayout(recover)
        if problem:
            recover_layout.addWidget(paragraph(problem))
        recover_layout.addWidget(paragraph(self.tr(
            "Type the recovery key that was printed or written down when CĐS Xã was set up.")))
        recover_form = QFormLayout()
        recover_form.addRow(self.tr("Recovery key"), self.recovery_key)
        if not keys.keyring_available():
            recover_form.addRow(paragraph(self.tr(
                "This computer has no safe key store: choose a new data passphrase too.")))
            self.new_passphrase.add_to(recover_form, self.tr("New data passphrase"),
                                       self.tr("New data passphrase again"))
        recover_layout.addLayout(recover_form)
        recover_layout.addStretch(1)

        self.pages.addWidget(ask)
        self.pages.addWidget(recover)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Open the data")))
        if self.lost_key_file:
            layout.addWidget(paragraph(self.tr(
                "Every backup keeps a copy of the key file. Choose a backup of this data; "
                "with the recovery key or the data passphrase, the key file is made again "
                "from it (it is checked to open the data first).")))
            row = QHBoxLayout()
            row.addWidget(self.backup_path, 1)
            row.addWidget(self.browse_button)
            backup_form = QFormLayout()
            backup_form.addRow(self.tr("Backup"), row)
            layout.addLayout(backup_form)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addLayout(_buttons(self.recovery_button, self.passphrase_button,
                                  self.quit_button, self.open_button, stretch_after=2))

    def recovering(self) -> bool:
        return self.pages.currentIndex() == 1

    def use_recovery_key(self) -> None:
        self.pages.setCurrentIndex(1)
        self.recovery_button.hide()
        self.error.clear_error()
        self.recovery_key.setFocus()

    def _use_passphrase(self) -> None:
        self.pages.setCurrentIndex(0)
        self.passphrase_button.hide()
        self.recovery_button.show()
        self.error.clear_error()
        self.passphrase.setFocus()

    def _browse(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from cdsxa.profile.backup import SUFFIX

        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Backup"), self.backup_path.text() or str(self.data_dir),
            self.tr("CĐS Xã backup (*{suffix})").format(suffix=SUFFIX))
        if chosen:
            self.backup_path.setText(chosen)

    def open_data(self) -> None:
        try:
            if self.lost_key_file:
                self.key = self._rebuild()
            else:
                self.key = self._recover() if self.recovering() else self._unwrap()
        except UserError as exc:
            self.error.show_error(exc.message)
            return
        self.accept()

    def _unwrap(self) -> keys.DataKey:
        typed = self.passphrase.text()
        if not typed:
            raise UserError(self.tr("Type the data passphrase."))
        try:
            return keys.find(self.data_dir, lambda: typed)
        except keys.WrongSecretError:
            self.passphrase.clear()
            self.passphrase.setFocus()
            raise UserError(self.tr("Wrong passphrase. Check Caps Lock and the keyboard's input "
                                    "method (Unikey), then try again.")) from None

    def _recover(self) -> keys.DataKey:
        new = self.new_passphrase.passphrase() if not keys.keyring_available() else None
        try:
            key = keys.recover(self.data_dir, self.recovery_key.text())
        except keys.WrongSecretError:
            raise UserError(self.tr("This recovery key is not right. Check each group of five "
                                    "characters.")) from None
        if new is not None:
            keys.set_passphrase(self.data_dir, key, new)
        return key


    def _rebuild(self) -> keys.DataKey:
        """key.json again from the chosen backup's wraps (key_rebuild checks the key
        opens the data before writing anything)."""
        chosen = self.backup_path.text().strip()
        if not chosen:
            raise UserError(self.tr("Choose a backup of this data (Browse…)."))
        recovering = self.recovering()
        if recovering and not self.recovery_key.text().strip():
            raise UserError(self.tr("Type the recovery key."))
        if not recovering and not self.passphrase.text():
            raise UserError(self.tr("Type the data passphrase."))
        new = (self.new_passphrase.passphrase() if recovering and not keys.keyring_available()
               else None)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # it reads the whole backup
        try:
            done = key_rebuild.restore_key(
                self.data_dir, Path(chosen), SYSTEM,
                recovery_key=self.recovery_key.text() if recovering else None,
                passphrase=new if recovering else self.passphrase.text())
        finally:
            QApplication.restoreOverrideCursor()
        return done.key


class FirstAdminDialog(QDialog):
    """A profile where no administrator can sign in yet: create one (as the system)."""

    def __init__(self, db: Database, waiting: users.UserView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user: FirstUser | None = None
        self.setWindowTitle(self.tr("CĐS Xã: the commune administrator"))
        self.setMinimumWidth(520)
        self.fields = AccountFields()
        if waiting is not None:
            self.fields.full_name.setText(waiting.full_name)
            self.fields.position.setText(waiting.position or "")
        self.error = ErrorLabel()
        self.create_button = QPushButton(self.tr("&Create the account"))
        self.create_button.setDefault(True)
        quit_button = QPushButton(self.tr("&Quit"))
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("The commune administrator")))
        layout.addWidget(paragraph(self.tr(
            "CĐS Xã now asks everyone to sign in. Nobody can sign in to this commune's data "
            "yet: create the administrator's account. The administrator manages the other "
            "users and the settings.")))
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addLayout(_buttons(quit_button, self.create_button, stretch_after=0))
        self.create_button.clicked.connect(self.create_account)
        quit_button.clicked.connect(self.reject)
        (self.fields.username if waiting else self.fields.full_name).setFocus()

    def create_account(self) -> None:
        try:
            user = self.fields.value()
            with self.db.transaction(SYSTEM) as session:
                users.create_first_admin(session, user.full_name, user.username or "",
                                         user.password or "", user.position)
        except UserError as exc:
            self.error.show_error(exc.message)
            return
        self.user = user
        self.accept()


@dataclass(frozen=True)
class _Done:
    result: encrypt_profile.Encrypted
    key: keys.DataKey


class EncryptDialog(QDialog):
    """A profile from before encryption: encrypt it (after a backup), show the recovery key."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.key: keys.DataKey | None = None
        self.busy = False
        self.needs_passphrase = not keys.keyring_available()
        self.setWindowTitle(self.tr("CĐS Xã: encrypting the data"))
        self.setMinimumWidth(560)
        self.passphrase = SecretPair()
        self.error = ErrorLabel()
        self.progress = paragraph("")
        self.recovery = RecoveryKeyView()
        self.pages = QStackedWidget()
        self.encrypt_button = QPushButton(self.tr("&Encrypt now"))
        self.encrypt_button.setDefault(True)
        self.quit_button = QPushButton(self.tr("&Quit"))
        self.continue_button = QPushButton(self.tr("&Continue"))
        self.continue_button.hide()
        self.continue_button.setEnabled(False)
        self._build()
        self.encrypt_button.clicked.connect(self.encrypt)
        self.quit_button.clicked.connect(self.reject)
        self.continue_button.clicked.connect(self.accept)
        self.recovery.confirmed_changed.connect(self.continue_button.setEnabled)

    def _build(self) -> None:
        explain = QWidget()
        column = QVBoxLayout(explain)
        column.addWidget(heading(self.tr("Your data will now be encrypted")))
        column.addWidget(paragraph(self.tr(
            "This data was made by an older version of CĐS Xã and is not encrypted. It will "
            "now be encrypted, so that a copy of the data folder on another computer reveals "
            "nothing. A backup is kept first and nothing is lost. On a large commune this "
            "takes a minute.")))
        if self.needs_passphrase:
            column.addWidget(paragraph(self.tr(
                "This computer has no safe key store for the data key. Choose a data "
                "passphrase (at least 8 characters); it is asked each time CĐS Xã starts.")))
            form = QFormLayout()
            self.passphrase.add_to(form, self.tr("Data passphrase"),
                                   self.tr("Data passphrase again"))
            column.addLayout(form)
        column.addWidget(self.progress)
        column.addStretch(1)
        done = QWidget()
        done_column = QVBoxLayout(done)
        done_column.addWidget(heading(self.tr("The data is encrypted: its recovery key")))
        done_column.addWidget(self.recovery)
        self.pages.addWidget(explain)
        self.pages.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addLayout(_buttons(self.quit_button, self.encrypt_button, self.continue_button,
                                  stretch_after=0))

    def encrypt(self) -> None:
        try:
            passphrase = self.passphrase.passphrase() if self.needs_passphrase else None
        except UserError as exc:
            self.error.show_error(exc.message)
            return
        data_dir = self.data_dir

        def work() -> _Done:
            done = encrypt_profile.encrypt(data_dir, passphrase, lambda: passphrase)
            return _Done(done, keys.find(data_dir, lambda: passphrase))

        self.busy = True
        self.error.clear_error()
        self.encrypt_button.setEnabled(False)
        self.quit_button.setEnabled(False)
        self.progress.setText(self.tr("Encrypting… Do not turn the computer off."))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        QueryOp(self, work).success(self._encrypted).failure(self._failed) \
            .run_in_background()

    def _encrypted(self, done: _Done) -> None:
        QApplication.restoreOverrideCursor()
        self.busy = False
        self.key = done.key
        self.recovery.set_key(done.result.recovery_key)
        self.pages.setCurrentIndex(1)
        self.encrypt_button.hide()
        self.quit_button.hide()
        self.continue_button.show()

    def _failed(self, error: Exception) -> None:
        QApplication.restoreOverrideCursor()
        self.busy = False
        self.progress.clear()
        self.error.show_failure(error)
        self.encrypt_button.setEnabled(True)
        self.quit_button.setEnabled(True)

    def reject(self) -> None:
        # Not while encrypting, and not before the new recovery key is written down.
        if self.busy or (self.key is not None and not self.recovery.is_confirmed()):
            return
        if self.key is not None:  # encrypted and written down: Esc goes on
            self.accept()
            return
        super().reject()
