"""A read-only table model over rows of display text, for lists of any length.

QTableWidget makes an object per cell, which is slow (and, with PySide6, has
crashed) for worklists of tens of thousands of people; a model hands Qt only the
cells it paints.
"""

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], right_aligned: Sequence[int] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.right_aligned = set(right_aligned)
        self.rows: list[Sequence[str]] = []
        self.keys: list[object] = []

    def set_rows(self, rows: Sequence[Sequence[str]], keys: Sequence[object]) -> None:
        self.beginResetModel()
        self.rows, self.keys = list(rows), list(keys)
        self.endResetModel()

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
    """A table of rows with one selected at a time; `current_key()` names it."""

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

    def current_key(self) -> object:
        row = self.currentIndex().row()
        return self.rows_model.keys[row] if 0 <= row < len(self.rows_model.keys) else None

    def cell(self, row: int, column: int) -> str:
        return str(self.rows_model.rows[row][column])
