"""First-run setup: commune, villages, population figures, the administrator, the data
key (a passphrase where there is no keyring) and its recovery key."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from cdsxa.common import admin_units
from cdsxa.common.errors import UserError
from cdsxa.commune.profile import FirstUser, ProfileSetup, initialise, validate_setup
from cdsxa.db.engine import Database
from cdsxa.profile import paths
from cdsxa.security import keys
from cdsxa.ui.account_fields import AccountFields, SecretPair
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.population_form import PopulationForm
from cdsxa.ui.recovery_key_view import RecoveryKeyView
from cdsxa.ui.village_editor import MemoryVillageStore, VillageEditor


class CommunePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Your commune"))
        self.setSubTitle(self.tr("Pick the province and the commune or ward from the official "
                                 "2025 list. Type part of the name; accents are optional."))
        self.province = QComboBox()
        for item in admin_units.provinces():
            self.province.addItem(item.name, item.code)
        self.province.setCurrentIndex(self.province.findData(admin_units.THANH_HOA))
        self.search = QLineEdit(placeholderText=self.tr("e.g. muong lat"))
        self.search.setClearButtonEnabled(True)
        self.communes = QListWidget()
        form = QFormLayout()
        form.addRow(self.tr("Province"), self.province)
        form.addRow(self.tr("Search"), self.search)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.communes, 1)
        self.province.currentIndexChanged.connect(self._fill)
        self.search.textChanged.connect(self._fill)
        self.communes.currentItemChanged.connect(lambda *_: self.completeChanged.emit())
        self.search.returnPressed.connect(self._pick_first)
        self._fill()

    def _fill(self) -> None:
        self.communes.clear()
        for item in admin_units.search_communes(self.province.currentData(), self.search.text()):
            row = QListWidgetItem(f"{item.name}  ({item.code})")
            row.setData(Qt.ItemDataRole.UserRole, item.code)
            self.communes.addItem(row)
        if self.communes.count() == 1:
            self.communes.setCurrentRow(0)
        self.completeChanged.emit()

    def _pick_first(self) -> None:
        if self.communes.count():
            self.communes.setCurrentRow(0)
            self.communes.setFocus()

    def province_code(self) -> int:
        return int(self.province.currentData())

    def commune_code(self) -> int | None:
        item = self.communes.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return self.commune_code() is not None


class VillagesPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Villages and residential groups"))
        self.setSubTitle(self.tr("Add the thôn, bản, khối phố or tổ dân phố of the commune. "
                                 "Press Enter after each name. You can add more later."))
        self.store = MemoryVillageStore()
        self.editor = VillageEditor(self.store)
        QVBoxLayout(self).addWidget(self.editor)


class PopulationPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Population figures"))
        self.setSubTitle(self.tr("Used as denominators while the register does not yet cover "
                                 "the whole commune. Leave unknown figures empty."))
        self.form = PopulationForm()
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        problems = self.form.value().problems()
        if problems:
            self.error.show_error("\n".join(problems))
            return False
        self.error.clear_error()
        return True


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("The commune administrator"))
        self.setSubTitle(self.tr("Everyone signs in to CĐS Xã. This first account administers "
                                 "it: it adds the other users and changes the settings."))
        self.fields = AccountFields()
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.fields.edited.connect(lambda: self.completeChanged.emit())

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return self.fields.filled()

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        try:
            self.fields.value()
        except UserError as exc:
            self.error.show_error(exc.message)
            return False
        self.error.clear_error()
        return wizard.create_profile() if self.isCommitPage() else True


class PassphrasePage(QWizardPage):
    """Only where the operating system keeps no secrets safely."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Data passphrase"))
        self.setSubTitle(self.tr("This computer has no safe key store for the key that encrypts "
                                 "the data. Choose a data passphrase instead: CĐS Xã asks for "
                                 "it each time it starts."))
        self.passphrase = SecretPair()
        form = QFormLayout()
        self.passphrase.add_to(form, self.tr("Data passphrase"), self.tr("Data passphrase again"))
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        for field in (self.passphrase.first, self.passphrase.second):
            field.textChanged.connect(lambda *_: self.completeChanged.emit())

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return self.passphrase.filled()

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        try:
            self.passphrase.passphrase()
        except UserError as exc:
            self.error.show_error(exc.message)
            return False
        self.error.clear_error()
        return wizard.create_profile()


class RecoveryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Recovery key"))
        self.setSubTitle(self.tr("The commune's data is set up and encrypted."))
        self.view = RecoveryKeyView()
        QVBoxLayout(self).addWidget(self.view)
        self.view.confirmed_changed.connect(lambda *_: self.completeChanged.emit())

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return self.view.is_confirmed()


class SetupWizard(QWizard):
    """Collects the setup, creates the data key and the profile, shows the recovery key.

    `database` is the open profile once made; `first_user()` signs in after it.
    """

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.database: Database | None = None
        self.setWindowTitle(self.tr("CĐS Xã: first-time setup"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.setMinimumSize(640, 520)
        for button, text in (
            (QWizard.WizardButton.BackButton, self.tr("< &Back")),
            (QWizard.WizardButton.NextButton, self.tr("&Next >")),
            (QWizard.WizardButton.CommitButton, self.tr("&Create")),
            (QWizard.WizardButton.FinishButton, self.tr("&Finish")),
            (QWizard.WizardButton.CancelButton, self.tr("Cancel")),
        ):
            self.setButtonText(button, text)
        self.commune_page = CommunePage()
        self.villages_page = VillagesPage()
        self.population_page = PopulationPage()
        self.admin_page = AdminPage()
        # Without a keyring the data key is kept under a passphrase (never in plain text).
        self.passphrase_page = None if keys.keyring_available() else PassphrasePage()
        self.recovery_page = RecoveryPage()
        pages: list[QWizardPage] = [self.commune_page, self.villages_page, self.population_page,
                                    self.admin_page]
        if self.passphrase_page is not None:
            pages.append(self.passphrase_page)
        pages[-1].setCommitPage(True)  # after it, the profile exists: no way back
        for page in (*pages, self.recovery_page):
            self.addPage(page)

    def setup(self) -> ProfileSetup:
        code = self.commune_page.commune_code()
        if code is None:
            raise UserError(self.tr("Choose the commune first."))
        return ProfileSetup(
            province_code=self.commune_page.province_code(),
            commune_code=code,
            village_names=self.villages_page.editor.names(),
            population=self.population_page.form.value_if_any(),
            user=self.first_user(),
        )

    def first_user(self) -> FirstUser:
        return self.admin_page.fields.value()

    def _error_label(self) -> ErrorLabel:
        page = self.currentPage()
        return page.error if isinstance(page, (AdminPage, PassphrasePage)) \
            else self.admin_page.error

    def create_profile(self) -> bool:
        """Make the data key and the profile; on a problem nothing is left behind."""
        try:
            setup = self.setup()
            problems = validate_setup(setup)
            if problems:
                raise UserError(" ".join(problems))
            passphrase = (self.passphrase_page.passphrase.passphrase()
                          if self.passphrase_page is not None else None)
            commune = admin_units.commune(setup.province_code, setup.commune_code)
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                made = self._create(setup, passphrase)
            finally:
                QApplication.restoreOverrideCursor()
        except UserError as exc:
            self._error_label().show_error(exc.message)
            return False
        self.recovery_page.view.set_key(made.recovery_key, commune.name)
        return True

    def _create(self, setup: ProfileSetup, passphrase: str | None) -> keys.NewKey:
        existed = paths.database_path(self.data_dir).exists()
        made = keys.create(self.data_dir, passphrase)
        try:
            self.database = initialise(self.data_dir, setup, made.key)
        except BaseException:
            if not existed:
                self._remove_leftovers()
            raise
        return made

    def _remove_leftovers(self) -> None:
        keyfile = keys.KeyFile.load(self.data_dir)
        if keyfile is not None:
            keys.forget_from_keyring(keyfile.profile_id)
        db_path = paths.database_path(self.data_dir)
        for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"),
                     self.data_dir / keys.KEY_FILE):
            path.unlink(missing_ok=True)

    def reject(self) -> None:
        # Once the profile exists its recovery key must not be lost unseen.
        if self.database is not None:
            if self.recovery_page.isComplete():
                self.accept()
            return
        super().reject()
