"""Exporting to .xlsx, the same way from every page.

Lists of counts are written as shown. Lists that name people go through the
export services, which check the role and record the export in the audit log:
the people list (asked for in ExportDialog, with personal columns off by default)
and worklists (export_view with the page's context).

Strings are translated with literal QCoreApplication.translate calls: lupdate only
finds literals, not text passed through a helper.
"""

import importlib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from cdsxa.common.formatting import thousands
from cdsxa.common.ids import VillageId
from cdsxa.security.access import Permission
from cdsxa.ui.context import AppContext
from cdsxa.ui.export_dialog import ExportDialog, PeopleExport
from cdsxa.ui.rows_model import RowsView
from cdsxa.ui.tasks import run_in_background

EXPORT_MODULE = "cdsxa.excel.export"  # imported when needed: openpyxl is slow to load


def _exporter() -> Any:
    return importlib.import_module(EXPORT_MODULE)


def suggested_path(stem: str) -> Path:
    return Path.home() / f"{stem}-{date.today():%Y-%m-%d}.xlsx"


def ask_path(parent: QWidget, stem: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(parent, QCoreApplication.translate("ExportAction", "Export to Excel"), str(suggested_path(stem)),
                                                QCoreApplication.translate("ExportAction", "Excel workbook (*.xlsx)"))
    return Path(path) if path else None


def people_export_dialog(parent: QWidget, context: AppContext, stem: str) -> ExportDialog:
    """The dialog that asks where, and whether with personal data (off by default)."""
    return ExportDialog(suggested_path(stem), context.may(Permission.EXPORT_PERSONAL), parent)


def export_people(context: AppContext, choice: PeopleExport, village_id: VillageId | None,
                  on_success: Callable[[int], None], on_failure: Callable[[str], None]) -> None:
    """Write the people list in the background, in a transaction that keeps its audit
    event; on_success gets the number of people written."""
    db, principal = context.db, context.principal

    def work() -> int:
        # A worker thread: its own session; only a count comes back.
        module = _exporter()
        with db.transaction(principal) as session:
            count = module.export_people(session, choice.path, village_id,
                                         include_personal=choice.include_personal,
                                         reason=choice.reason)
        return count if isinstance(count, int) else -1

    run_in_background(work, on_success, on_failure)


def export_rows(path: Path, title: str, headers: Sequence[str],
                rows: Sequence[Sequence[str]], status: QLabel, context: AppContext,
                personal: bool = False, reason: str | None = None) -> None:
    """Write the rows in the background; say how it went in `status`.

    Every list the app exports names people (citizens or team members): the export
    service checks the role and records the export in the audit log.
    """
    status.setText(QCoreApplication.translate("ExportAction", "Exporting to {path}…").format(path=path))
    principal, db = context.principal, context.db

    def work() -> int:
        module = _exporter()
        with db.transaction(principal) as session:
            named: int = module.export_named_list(session, path, title, headers, rows,
                                                  personal=personal, reason=reason)
            return named

    run_in_background(
        work,
        lambda count: status.setText(QCoreApplication.translate("ExportAction", "Exported {count} rows to {path}.").format(
            count=thousands(count), path=path)),
        lambda message: status.setText(QCoreApplication.translate("ExportAction", "Excel export failed: {reason}").format(
            reason=message)))


def export_view(parent: QWidget, view: RowsView, title: str, stem: str, status: QLabel,
                context: AppContext) -> None:
    """Export exactly what a RowsView lists, with its Vietnamese headers (masked numbers
    stay masked), checked and audited as the page's user."""
    path = ask_path(parent, stem)
    if path is not None:
        model = view.rows_model
        export_rows(path, title, model.headers, list(model.rows), status, context)
