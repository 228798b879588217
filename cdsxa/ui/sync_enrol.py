"""Enrolling this PC with the province hub from the Sync page: the hub's address and
the one-time code the province gave, then "Enrol" (off the UI thread)."""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import QueryOp
from cdsxa.ui.pages.base import paragraph

if TYPE_CHECKING:  # the HTTP stack loads when the officer enrols, not with the window
    from cdsxa.sync.bundle import EnrolledByFile
    from cdsxa.sync.enrolment import Enrolled


class EnrolForm(QWidget):
    enrolled = Signal(object)  # Enrolled

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.hub_url = QLineEdit()
        self.hub_url.setObjectName("hubUrl")
        self.hub_url.setPlaceholderText("https://…")
        self.code = QLineEdit()
        self.code.setObjectName("enrolmentCode")
        self.code.setPlaceholderText("12345-ABCD-EFGH-JKMN-PQRS")
        # Optional: the province certificate's fingerprint, given by another channel.
        self.pin = QLineEdit()
        self.pin.setObjectName("certificatePin")
        self.pin.setPlaceholderText(self.tr("optional, e.g. AB:CD:…"))
        self.enrol_button = QPushButton(self.tr("Enrol"))
        # Without a network: the province's enrol file instead (cdsxa.sync.bundle).
        self.file_button = QPushButton(self.tr("Enrol with a file…"))
        for button in (self.enrol_button, self.file_button):
            button.setAutoDefault(True)  # Enter on the focused button presses it
        self.status = QLabel()
        self.error = ErrorLabel()
        self._build()
        self.hub_url.returnPressed.connect(self.code.setFocus)
        self.code.returnPressed.connect(self.start)
        self.pin.returnPressed.connect(self.start)
        self.enrol_button.clicked.connect(self.start)
        self.file_button.clicked.connect(self.start_by_file)

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Province hub address"), self.hub_url)
        form.addRow(self.tr("Enrolment code"), self.code)
        form.addRow(self.tr("Certificate fingerprint"), self.pin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.enrol_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.file_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(paragraph(self.tr(
            "This PC is not enrolled with the province hub yet, so its changes stay here. "
            "Ask the province for an enrolment code for this commune (it works once, for "
            "a few days), then type the hub's address and the code.")))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addStretch(1)  # the form at the top of the page, the room below it
        self.setTabOrder(self.hub_url, self.code)
        self.setTabOrder(self.code, self.pin)
        self.setTabOrder(self.pin, self.enrol_button)
        self.setTabOrder(self.enrol_button, self.file_button)

    def start(self) -> None:
        """Enrol off the UI thread: the hub is asked over the network."""
        if not self.enrol_button.isEnabled():
            return  # one enrolment at a time
        url, code = self.hub_url.text().strip(), self.code.text().strip()
        pin = self.pin.text().strip() or None
        if not url:
            self.error.show_error(self.tr("Type the province hub's address first."))
            self.hub_url.setFocus()
            return
        if not code:
            self.error.show_error(self.tr("Type the enrolment code the province gave."))
            self.code.setFocus()
            return
        from cdsxa.sync.enrolment import enrol

        db, data_dir = self.context.db, self.context.data_dir
        self.error.clear_error()
        self.enrol_button.setEnabled(False)
        self.status.setText(self.tr("Enrolling with the province hub…"))
        QueryOp(self, lambda: enrol(db, data_dir, url, code, pin=pin)) \
            .success(self._done).failure(self._failed).run_in_background()

    def ask_file(self) -> Path | None:
        """The enrol file the province wrote (cdsxa-hub enrol-file); tests replace it."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Enrol with the province's file"), str(Path.home()),
            self.tr("CĐS Xã sync file ({pattern})").format(pattern="*.cdsxa"))
        return Path(chosen) if chosen else None

    def start_by_file(self) -> None:
        if not self.enrol_button.isEnabled():
            return
        path = self.ask_file()
        if path is None:
            return
        from cdsxa.sync.bundle import enrol_by_file

        db, data_dir = self.context.db, self.context.data_dir
        self.error.clear_error()
        self.enrol_button.setEnabled(False)
        self.file_button.setEnabled(False)
        self.status.setText(self.tr("Enrolling with the province's file…"))
        QueryOp(self, lambda: enrol_by_file(db, data_dir, path)) \
            .success(self._done).failure(self._failed).run_in_background()

    def _done(self, done: "Enrolled | EnrolledByFile") -> None:
        self.file_button.setEnabled(True)
        self.enrol_button.setEnabled(True)
        self.status.clear()
        self.code.clear()
        self.enrolled.emit(done)

    def _failed(self, error: Exception) -> None:
        self.file_button.setEnabled(True)
        self.enrol_button.setEnabled(True)
        self.status.clear()
        self.error.show_failure(error)
        self.code.setFocus()
