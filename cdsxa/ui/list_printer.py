"""Printing a list as it is shown: Qt's print dialog, then a table on A4.

Every list page prints through here (Ctrl+P or its Print button): the rows of the
current search and filter, in the order shown, with the Vietnamese headers, a title and
the date, page numbers at the foot. ID numbers and phones stay masked as on screen.
A printed list of people leaves the app as an export does, so it is recorded in the
audit log.
"""

import html
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QCoreApplication, QMarginsF, Qt
from PySide6.QtGui import QFont, QKeySequence, QPageLayout, QPageSize, QShortcut, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QPushButton, QWidget

from cdsxa.common.formatting import thousands, vn_date
from cdsxa.security import audit
from cdsxa.ui.context import AppContext
from cdsxa.ui.operations import WriteOp
from cdsxa.ui.rows_model import RowsView

PRINT_KEYS = "Ctrl+P"
LANDSCAPE_FROM = 5  # columns: wider lists print across the page


def print_button(page: QWidget, start: Callable[[], object]) -> QPushButton:
    """The page's Print button, and Ctrl+P anywhere on the page."""
    button = QPushButton(QCoreApplication.translate("ListPrinter", "Print…"))
    button.setToolTip(QCoreApplication.translate("ListPrinter", "Print this list (Ctrl+P)"))
    button.clicked.connect(start)
    shortcut = QShortcut(QKeySequence(PRINT_KEYS), page)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(button.click)  # a disabled button (no permission) does not
    return button


def new_printer(columns: int) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    orientation = (QPageLayout.Orientation.Landscape if columns >= LANDSCAPE_FROM
                   else QPageLayout.Orientation.Portrait)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                                      QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    return printer


def ask(parent: QWidget | None, printer: QPrinter) -> bool:
    """Qt's print dialog: which printer, which pages (tests put a PDF file here)."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(QCoreApplication.translate("ListPrinter", "Print list"))
    return dialog.exec() == QPrintDialog.DialogCode.Accepted


def document(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
             note: str = "") -> QTextDocument:
    """The list as a document: title, what it is, then one table whose header row is
    repeated at the top of every page."""
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    printed = QCoreApplication.translate("ListPrinter", "Printed on {date}, {count} rows") \
        .format(date=vn_date(date.today()), count=thousands(len(rows)))
    lines = " · ".join(part for part in (html.escape(note), html.escape(printed)) if part)
    text = (f"<h3>{html.escape(title)}</h3><p>{lines}</p>"
            "<table border='1' cellspacing='0' cellpadding='3' width='100%' "
            "style='border-collapse: collapse'>"
            f"<thead><tr style='background: #e8e8e8'>{cells}</tr></thead>"
            f"<tbody>{body}</tbody></table>")
    doc = QTextDocument()
    font = QFont()
    font.setPointSizeF(8.5)
    doc.setDefaultFont(font)
    doc.setHtml(text)
    return doc


def print_rows(parent: QWidget, context: AppContext, title: str, headers: Sequence[str],
               rows: Sequence[Sequence[str]], note: str = "") -> bool:
    """Ask for a printer, print the rows, record it; False when the officer cancelled."""
    printer = new_printer(len(headers))
    printer.setDocName(title)
    if not ask(parent, printer):
        return False
    document(title, headers, rows, note).print_(printer)
    _record(parent, context, title, len(rows))
    return True


def print_view(parent: QWidget, context: AppContext, view: RowsView, title: str,
               note: str = "") -> bool:
    """Print what a RowsView lists, in the order it shows."""
    model = view.rows_model
    return print_rows(parent, context, title, model.headers, model.rows, note)


def _record(parent: QWidget, context: AppContext, title: str, count: int) -> None:
    summary = f"In danh sách “{title}” ({thousands(count)} dòng)"  # stored in Vietnamese
    WriteOp(parent, context, lambda session: audit.record(
        session, "print", summary, details={"rows": count, "list": title})) \
        .without_progress().run_in_background()
