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

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from cdsxa.common.formatting import thousands
from cdsxa.common.ids import VillageId
from cdsxa.db.session import AppSession
from cdsxa.security.access import Permission
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import user_message
from cdsxa.ui.export_dialog import ExportDialog, PeopleExport
from cdsxa.ui.operations import WriteOp
from cdsxa.ui.rows_model import RowsView

EXPORT_MODULE = "cdsxa.excel.export"  # imported when needed: openpyxl is slow to load


def _exporter() -> Any:
    return importlib.import_module(EXPORT_MODULE)


def suggested_path(stem: str) -> Path:
    return Path.home() / f"{stem}-{date.today():%Y-%m-%d}.xlsx"


def ask_path(parent: QWidget, stem: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("ExportAction", "Export to Excel"),
        str(suggested_path(stem)),
        QCoreApplication.translate("ExportAction", "Excel workbook (*.xlsx)"))
    return Path(path) if path else None


def people_export_dialog(parent: QWidget, context: AppContext, stem: str) -> ExportDialog:
    """The dialog that asks where, and whether with personal data (off by default)."""
    return ExportDialog(suggested_path(stem), context.may(Permission.EXPORT_PERSONAL), parent)


def export_people(context: AppContext, choice: PeopleExport, village_id: VillageId | None,
                  on_success: Callable[[int], None], on_failure: Callable[[str], None],
                  parent: QObject | None = None, query: str = "") -> None:
    """Write the people list on the writer thread, in a transaction that keeps its audit
    event: the people the list shows (its village and search, `query`). on_success gets
    the number of people written, on_failure what to say."""
    def work(session: AppSession) -> int:
        count = _exporter().export_people(session, choice.path, village_id,
                                          include_personal=choice.include_personal,
                                          reason=choice.reason, query=query)
        return count if isinstance(count, int) else -1

    # The status line says it is exporting; the window stays usable meanwhile.
    WriteOp(parent, context, work).without_progress().success(on_success) \
        .failure(lambda error: on_failure(user_message(error))).run_in_background()


def export_rows(path: Path, title: str, headers: Sequence[str],
                rows: Sequence[Sequence[str]], status: QLabel, context: AppContext,
                personal: bool = False, reason: str | None = None) -> None:
    """Write the rows on the writer thread; say how it went in `status`.

    Every list the app exports names people (citizens or team members): the export
    service checks the role and records the export in the audit log.
    """
    status.setText(QCoreApplication.translate("ExportAction", "Exporting to {path}…").format(
        path=path))

    def work(session: AppSession) -> int:
        named: int = _exporter().export_named_list(session, path, title, headers, rows,
                                                   personal=personal, reason=reason)
        return named

    def done(count: int) -> None:
        status.setText(QCoreApplication.translate(
            "ExportAction", "Exported {count} rows to {path}.").format(
            count=thousands(count), path=path))

    def failed(error: Exception) -> None:
        status.setText(QCoreApplication.translate(
            "ExportAction", "Excel export failed: {reason}").format(reason=user_message(error)))

    WriteOp(status, context, work).without_progress().success(done).failure(failed) \
        .run_in_background()


def export_view(parent: QWidget, view: RowsView, title: str, stem: str, status: QLabel,
                context: AppContext) -> None:
    """Export exactly what a RowsView lists, with its Vietnamese headers (masked numbers
    stay masked), checked and audited as the page's user."""
    path = ask_path(parent, stem)
    if path is not None:
        model = view.rows_model
        export_rows(path, title, model.headers, list(model.rows), status, context)
