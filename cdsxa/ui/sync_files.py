"""Sync by file, on the Sync page, for a PC without a network: write what waits to a
file for the province (carried on a USB stick), and import the province's receipt,
which marks what the hub took (cdsxa.sync.bundle). Both run off the UI thread; the
receipt's write is one short transaction of the service's own.
"""

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from cdsxa.common.formatting import thousands
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import QueryOp

if TYPE_CHECKING:
    from cdsxa.sync.bundle import Acknowledged, Exported

FILE_FILTER = "*.cdsxa"


class FilesPanel(QGroupBox):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.export_button = QPushButton(self.tr("Write a sync file…"))
        self.receipt_button = QPushButton(self.tr("Import the province's receipt…"))
        for button in (self.export_button, self.receipt_button):
            button.setAutoDefault(True)  # Enter on the focused button presses it
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("filesStatus")
        self.error = ErrorLabel()
        self._build()
        self.export_button.clicked.connect(self.export)
        self.receipt_button.clicked.connect(self.import_receipt)

    def _build(self) -> None:
        self.setTitle(self.tr("Sync by file (USB stick)"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.receipt_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "Without a network: write the changes waiting here to a file, take it to the "
            "province, and import the receipt the province gives back. Only the receipt "
            "marks changes as sent."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.error)

    # What the officer chooses; tests replace these two.
    def ask_export_path(self) -> Path | None:
        suggested = Path.home() / f"dong-bo-{date.today():%Y-%m-%d}.cdsxa"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Write a sync file"), str(suggested),
            self.tr("CĐS Xã sync file ({pattern})").format(pattern=FILE_FILTER))
        return Path(chosen) if chosen else None

    def ask_receipt_path(self) -> Path | None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import the province's receipt"), str(Path.home()),
            self.tr("CĐS Xã sync file ({pattern})").format(pattern=FILE_FILTER))
        return Path(chosen) if chosen else None

    def _busy(self, message: str) -> None:
        self.error.clear_error()
        self.status.setText(message)
        self.export_button.setEnabled(False)
        self.receipt_button.setEnabled(False)

    def _idle(self) -> None:
        self.export_button.setEnabled(True)
        self.receipt_button.setEnabled(True)

    def _failed(self, error: Exception) -> None:
        self._idle()
        self.status.clear()
        self.error.show_failure(error)

    def export(self) -> None:
        path = self.ask_export_path()
        if path is None:
            return
        from cdsxa.sync import bundle

        db, data_dir = self.context.db, self.context.data_dir
        self._busy(self.tr("Writing {path}…").format(path=path))
        QueryOp(self, lambda: bundle.export(db, data_dir, path)) \
            .success(self._exported).failure(self._failed).run_in_background()

    def _exported(self, done: "Exported") -> None:
        self._idle()
        if done.path is None:
            self.status.setText(self.tr("No changes are waiting: no file was written."))
            return
        text = self.tr("{count} changes written to {path}. Take the file to the province, "
                       "then import the receipt it gives back.").format(
            count=thousands(done.entries), path=done.path)
        if done.left:
            text += " " + self.tr("{count} more changes did not fit: write another file "
                                  "once the receipt is imported.").format(
                count=thousands(done.left))
        self.status.setText(text)

    def import_receipt(self) -> None:
        path = self.ask_receipt_path()
        if path is None:
            return
        from cdsxa.sync import bundle

        db, data_dir = self.context.db, self.context.data_dir
        self._busy(self.tr("Importing {path}…").format(path=path))
        QueryOp(self, lambda: bundle.import_receipt(db, data_dir, path)) \
            .success(self._imported).failure(self._failed).run_in_background()

    def _imported(self, done: "Acknowledged") -> None:
        self._idle()
        # The service wrote in a session of its own: say what changed, as a WriteOp would.
        self.context.changes.changed.emit(frozenset({"change_log_entry"}))
        text = self.tr("Receipt imported: {count} changes marked as received by the "
                       "province; {pending} still waiting.").format(
            count=thousands(done.acknowledged), pending=thousands(done.pending))
        if done.refused:
            text += " " + self.tr("The province refused {count} changes:").format(
                count=thousands(len(done.refused))) + " " + " ".join(done.refused)
        self.status.setText(text)
