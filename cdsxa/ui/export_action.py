"""Exporting what a list shows to .xlsx, the same way from every page.

Strings are translated with literal QCoreApplication.translate calls: lupdate only
finds literals, not text passed through a helper.
"""

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from cdsxa.formatting import thousands
from cdsxa.ui.rows_model import RowsView
from cdsxa.ui.tasks import run_in_background


def ask_path(parent: QWidget, stem: str) -> Path | None:
    suggested = Path.home() / f"{stem}-{date.today():%Y-%m-%d}.xlsx"
    path, _filter = QFileDialog.getSaveFileName(parent, QCoreApplication.translate("ExportAction", "Export to Excel"), str(suggested),
                                                QCoreApplication.translate("ExportAction", "Excel workbook (*.xlsx)"))
    return Path(path) if path else None


def export_rows(path: Path, title: str, headers: Sequence[str],
                rows: Sequence[Sequence[str]], status: QLabel) -> None:
    """Write the rows in the background; say how it went in `status`."""
    status.setText(QCoreApplication.translate("ExportAction", "Exporting to {path}…").format(path=path))

    def work() -> int:
        from cdsxa.excel.export import export_table  # openpyxl loads only when needed

        return export_table(path, title, headers, rows)

    run_in_background(
        work,
        lambda count: status.setText(QCoreApplication.translate("ExportAction", "Exported {count} rows to {path}.").format(
            count=thousands(count), path=path)),
        lambda message: status.setText(QCoreApplication.translate("ExportAction", "Excel export failed: {reason}").format(
            reason=message)))


def export_view(parent: QWidget, view: RowsView, title: str, stem: str, status: QLabel) -> None:
    """Export exactly what a RowsView lists, with its Vietnamese headers."""
    path = ask_path(parent, stem)
    if path is not None:
        model = view.rows_model
        export_rows(path, title, model.headers, list(model.rows), status)
