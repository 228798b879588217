"""A read-only table model over rows of values, for lists of any length; every column sorts.

QTableWidget makes an object per cell, which is slow (and, with PySide6, has
crashed) for worklists of tens of thousands of people; a model hands Qt only the
cells it paints.

Rows are given as values (text, numbers, dates, or `Shown` for a cell whose text is not
its value); the model writes each cell's text once, the Vietnamese way (dd/mm/yyyy,
1.234), and sorts on the values themselves: dates as dates, numbers as numbers, text by
its folded form, so "Đinh" sits with "Dinh" and "10" after "9". Empty cells stay last
in either order. `rows` keeps the text shown, in the order shown: exports and prints
read it from there.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from cdsxa.common.formatting import thousands, vn_date
from cdsxa.common.text import fold

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Shown:
    """A cell whose text differs from what it sorts by (a status with its date, say)."""

    text: str
    value: object


def cell_text(value: object) -> str:
    """A cell's text as lists show it."""
    if isinstance(value, Shown):
        return value.text
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return vn_date(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return thousands(value)
    if isinstance(value, float | Decimal):
        return f"{value:g}".replace(".", ",")  # 1,5 giờ: the Vietnamese decimal comma
    return str(value)


def sort_key(value: object) -> tuple[int, object]:
    """What a cell sorts by: one key type per kind of value, so a column never compares
    text with numbers. Callers put empty values last themselves (see `is_empty`)."""
    if isinstance(value, Shown):
        return sort_key(value.value)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float | Decimal):
        return (0, value)
    if isinstance(value, datetime):
        return (1, value.replace(tzinfo=None))
    if isinstance(value, date):
        return (1, datetime(value.year, value.month, value.day))
    text = str(value)
    return (2, (fold(text), text))  # the folded form first; the exact text breaks ties


def is_empty(value: object) -> bool:
    inner = value.value if isinstance(value, Shown) else value
    return inner is None or inner == ""


def sorted_order(values: Sequence[object], descending: bool) -> list[int]:
    """The positions of values in sorted order (stable), empty values last either way."""
    filled = [i for i, value in enumerate(values) if not is_empty(value)]
    empty = [i for i, value in enumerate(values) if is_empty(value)]
    filled.sort(key=lambda i: sort_key(values[i]), reverse=descending)
    return filled + empty


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], right_aligned: Sequence[int] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.right_aligned = set(right_aligned)
        self.rows: list[Sequence[str]] = []  # the text shown, in the order shown
        self.values: list[Sequence[object]] = []  # what each cell sorts by
        self.keys: list[object] = []
        self.sort_column = -1  # -1: the order the rows were given in
        self.sort_order = Qt.SortOrder.AscendingOrder

    def set_rows(self, rows: Sequence[Sequence[object]], keys: Sequence[object]) -> None:
        self.beginResetModel()
        self.values = [tuple(row) for row in rows]
        self.rows = [tuple(cell_text(value) for value in row) for row in self.values]
        self.keys = list(keys)
        self._apply_sort()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        if not 0 <= column < len(self.headers):
            return
        self.layoutAboutToBeChanged.emit()
        moved = self._apply_sort()
        if moved:  # the selected row (and any other kept index) follows its row
            new_row = {old: new for new, old in enumerate(moved)}
            before = self.persistentIndexList()
            self.changePersistentIndexList(before, [
                self.index(new_row[i.row()], i.column()) if i.row() in new_row
                else QModelIndex() for i in before])
        self.layoutChanged.emit()

    def _apply_sort(self) -> list[int]:
        """Sort the rows by the chosen column; returns the old row of each new one."""
        if not 0 <= self.sort_column < len(self.headers) or not self.values:
            return []
        descending = self.sort_order == Qt.SortOrder.DescendingOrder
        order = sorted_order([row[self.sort_column] for row in self.values], descending)
        self.values = [self.values[i] for i in order]
        self.rows = [self.rows[i] for i in order]
        if len(self.keys) == len(order):
            self.keys = [self.keys[i] for i in order]
        return order

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[index.row()][index.column()]  # a long reason reads in full
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right_aligned:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class RowsView(QTableView):
    """A table of rows with one selected at a time; `current_key()` names it. A click on
    a column's header sorts by it (again: the other way)."""

    def __init__(self, headers: Sequence[str], stretch: int = 0,
                 right_aligned: Sequence[int] = ()) -> None:
        super().__init__()
        self.rows_model = RowsModel(headers, right_aligned, self)
        self.setModel(self.rows_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.setWordWrap(False)  # one line a row: long lists stay readable
        header = self.horizontalHeader()
        header.setResizeContentsPrecision(200)  # size columns from a sample, not 10,000 rows
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        # Unsorted until a header is clicked: the list keeps the order its service chose.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)

    def current_key(self) -> object:
        row = self.currentIndex().row()
        return self.rows_model.keys[row] if 0 <= row < len(self.rows_model.keys) else None

    def cell(self, row: int, column: int) -> str:
        return str(self.rows_model.rows[row][column])
