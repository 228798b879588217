"""Exporting the people list: where to, and whether with personal data (and why).

Personal columns are off by default; turning them on asks for a reason, which the
audit log keeps with the export. Roles that may not export them see the box
disabled; the export service refuses them anyway.
"""

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

HINT_STYLE = "QLabel { color: #555; }"


@dataclass(frozen=True)
class PeopleExport:
    path: Path
    include_personal: bool
    reason: str | None


class ExportDialog(QDialog):
    """Where to, and whether with personal data: off by default, with a reason when on.

    The people list by default; another list says what its personal columns are
    (personal) and what the file holds without them (without).
    """

    def __init__(self, suggested: Path, may_include_personal: bool,
                 parent: QWidget | None = None, *, title: str | None = None,
                 personal: str | None = None, without: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("Export people to Excel"))
        self.setMinimumWidth(560)
        self.without = without or self.tr(
            "Names, villages, households, outcomes and consent only. The export is "
            "recorded in the audit log.")
        self.path = QLineEdit(str(suggested))
        self.browse = QPushButton(self.tr("&Browse…"))
        self.personal = QCheckBox(personal or self.tr(
            "Include ID numbers, phones, birth dates and notes"))
        self.reason_label = QLabel(self.tr("&Reason (required)"))
        self.reason = QLineEdit(placeholderText=self.tr(
            "e.g. report requested by the province, letter no. …"))
        self.note = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self._build(may_include_personal)
        self._update()

    def _build(self, may_include_personal: bool) -> None:
        self.personal.setChecked(False)
        self.personal.setEnabled(may_include_personal)
        if not may_include_personal:
            self.personal.setToolTip(self.tr("Your role may not export personal data."))
        self.reason_label.setBuddy(self.reason)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(HINT_STYLE)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(self.browse)
        form = QFormLayout()
        file_label = QLabel(self.tr("&File"))
        file_label.setBuddy(self.path)
        form.addRow(file_label, where)
        form.addRow("", self.personal)
        form.addRow(self.reason_label, self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("E&xport"))
        ok.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.browse.clicked.connect(self._choose_file)
        self.personal.toggled.connect(self._update)
        self.reason.textChanged.connect(self._update)
        self.path.textChanged.connect(self._update)

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export to Excel"), self.path.text(),
            self.tr("Excel workbook (*.xlsx)"))
        if path:
            self.path.setText(path)

    def _update(self) -> None:
        personal = self.personal.isChecked()
        self.reason.setEnabled(personal)
        self.reason_label.setEnabled(personal)
        if personal:
            self.note.setText(self.tr(
                "The file will hold personal data. The export, its reason and your name are "
                "recorded in the audit log. Keep the file safe and delete it when done."))
        else:
            self.note.setText(self.without)
        ready = bool(self.path.text().strip()) and (
            not personal or bool(self.reason.text().strip()))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def accept(self) -> None:
        if self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            super().accept()

    def choice(self) -> PeopleExport:
        personal = self.personal.isChecked()
        path = Path(self.path.text().strip())
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        return PeopleExport(path, personal,
                            self.reason.text().strip() or None if personal else None)
