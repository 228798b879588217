"""First-run setup: commune, villages, population figures, first user."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout,
    QWidget, QWizard, QWizardPage,
)

from cdsxa import admin_units
from cdsxa.db.engine import Database
from cdsxa.errors import UserError
from cdsxa.profile import FirstUser, ProfileSetup, initialise
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.population_form import PopulationForm
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


class UserPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Who uses this computer"))
        self.setSubTitle(self.tr("The first user of CĐS Xã on this computer."))
        self.name = QLineEdit()
        self.position = QLineEdit(placeholderText=self.tr("e.g. Culture and Social Affairs officer"))
        form = QFormLayout()
        form.addRow(self.tr("Full name"), self.name)
        form.addRow(self.tr("Position"), self.position)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.name.textChanged.connect(lambda *_: self.completeChanged.emit())

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return bool(self.name.text().strip())


class SetupWizard(QWizard):
    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.database: Database | None = None
        self.setWindowTitle(self.tr("CĐS Xã: first-time setup"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(640, 520)
        for button, text in (
            (QWizard.WizardButton.BackButton, self.tr("< &Back")),
            (QWizard.WizardButton.NextButton, self.tr("&Next >")),
            (QWizard.WizardButton.FinishButton, self.tr("&Finish")),
            (QWizard.WizardButton.CancelButton, self.tr("Cancel")),
        ):
            self.setButtonText(button, text)
        self.commune_page = CommunePage()
        self.villages_page = VillagesPage()
        self.population_page = PopulationPage()
        self.user_page = UserPage()
        for page in (self.commune_page, self.villages_page, self.population_page, self.user_page):
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
        return FirstUser(self.user_page.name.text(), self.user_page.position.text())

    def accept(self) -> None:
        try:
            actor = f"user:{self.first_user().full_name.strip()}"
            self.database = initialise(self.data_dir, self.setup(), actor)
        except UserError as exc:
            self.user_page.error.show_error(exc.message)
            return
        super().accept()
