"""Showing the recovery key once: large, to copy, print as PDF, and confirm written down."""

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common.formatting import vn_date

KEY_STYLE = ("QLabel#recoveryKey { background: #fffbe6; border: 2px dashed #c9a400;"
             " border-radius: 6px; padding: 14px; color: #111; }")


class RecoveryKeyView(QWidget):
    """The recovery key in groups of five; `confirmed` once the box is ticked."""

    confirmed_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recovery_key = ""
        self.commune_name = ""
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setStyleSheet(KEY_STYLE)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10) * 2)
        font.setBold(True)
        self.key_label.setFont(font)
        self.explanation = QLabel(self.tr(
            "Write this recovery key on paper, or print it, and keep it somewhere safe away "
            "from this computer (for example in the commune office's safe). It is shown only "
            "this once.\n\nWith it, the data can be opened on another computer or when the "
            "data passphrase is forgotten, and a forgotten administrator password can be "
            "reset. Anyone who has it can do the same: do not keep it with the computer."))
        self.explanation.setWordWrap(True)
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.pdf_button = QPushButton(self.tr("Save as &PDF…"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.confirmed = QCheckBox(self.tr("I have written down the recovery key"))
        self._build()
        self.copy_button.clicked.connect(self.copy)
        self.pdf_button.clicked.connect(self._choose_pdf)
        self.confirmed.toggled.connect(self.confirmed_changed.emit)

    def _build(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key_label)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.explanation)
        layout.addStretch(1)
        layout.addWidget(self.confirmed)

    def set_key(self, recovery_key: str, commune_name: str = "") -> None:
        self.recovery_key, self.commune_name = recovery_key, commune_name
        self.key_label.setText(recovery_key)  # already in groups of five: ABCDE-FGHJK-…
        self.confirmed.setChecked(False)
        self.status.clear()

    def is_confirmed(self) -> bool:
        return self.confirmed.isChecked()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.recovery_key)
        self.status.setText(self.tr("Copied. Paste it only where it stays private, and write "
                                    "it down as well."))

    def ask_pdf_path(self) -> Path | None:
        """Where to save the PDF; None when cancelled (tests replace this)."""
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the recovery key as PDF"),
            str(Path.home() / "cdsxa-recovery-key.pdf"), self.tr("PDF document (*.pdf)"))
        return Path(path) if path else None

    def _choose_pdf(self) -> None:
        path = self.ask_pdf_path()
        if path is None:
            return
        try:
            self.save_pdf(path)
        except OSError as exc:
            self.status.setText(self.tr("Could not save {path}: {reason}").format(
                path=path, reason=exc.strerror or str(exc)))
            return
        self.status.setText(self.tr("Saved to {path}. Print it, then delete the file from "
                                    "this computer.").format(path=path))

    def save_pdf(self, path: Path) -> None:
        """An A4 page with the key, to print and keep safe."""
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setResolution(300)
        writer.setTitle(self.tr("CĐS Xã recovery key"))
        document = QTextDocument()
        body = QFont(self.font())
        body.setPointSize(12)
        document.setDefaultFont(body)
        document.setHtml(self._pdf_html())
        document.print_(writer)
        if not path.exists() or path.stat().st_size == 0:
            raise OSError(0, self.tr("the PDF was not written"))

    def _pdf_html(self) -> str:
        def text(value: str) -> str:
            return html.escape(value).replace("\n", "<br>")

        commune = f"<p><b>{text(self.commune_name)}</b></p>" if self.commune_name else ""
        # Outside the f-string: lupdate does not look inside one.
        title = self.tr("CĐS Xã recovery key")
        written = self.tr("Written on {day}.").format(day=vn_date(date.today()))
        return (
            f"<h1>{text(title)}</h1>{commune}"
            f"<p>{text(written)}</p>"
            "<p style=\"font-family: 'Courier New', monospace; font-size: 26pt;"
            f" font-weight: bold;\">{text(self.recovery_key)}</p>"
            f"<p>{text(self.explanation.text())}</p>"
        )
