"""Erasing a person at the citizen's request: the reason, the warning, then the erase."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common.ids import PersonId
from cdsxa.register import erase
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import WriteOp, writing
from cdsxa.ui.person_fields import HINT_STYLE, NOTE_STYLE


class EraseDialog(QDialog):
    """Asks why, says it cannot be undone, then erases (the service may still refuse)."""

    def __init__(self, context: AppContext, person_id: PersonId, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.person_id = context, person_id
        self.setWindowTitle(self.tr("Erase at the citizen's request"))
        self.setMinimumWidth(520)
        self.warning = QLabel(self.tr(
            "This erases {name} from the register for good: their details, outcomes and "
            "VNeID steps. Support sessions and classes keep their counts but no longer name "
            "them. This cannot be undone. Encrypted backups made before today still hold "
            "them until those backups expire (a year at most).").format(name=name))
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(NOTE_STYLE)
        self.reason = QLineEdit(placeholderText=self.tr(
            "e.g. written request received on 03/11"))
        hint = QLabel(self.tr("The reason is kept in the audit log: do not write the "
                              "person's name, ID number or phone in it."))
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.erase_button.setText(self.tr("&Erase for good"))
        self.erase_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        form = QFormLayout()
        form.addRow(self.tr("&Reason"), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(
            lambda text: self.erase_button.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.erase)
        self.buttons.rejected.connect(self.reject)

    def erase(self) -> None:
        if not self.reason.text().strip() or writing(self):
            return
        person_id, reason = self.person_id, self.reason.text()
        WriteOp(self, self.context, lambda session: erase.erase_person(
            session, person_id, reason)) \
            .success(lambda _: self.accept()).failure(self.error.show_failure) \
            .run_in_background()
