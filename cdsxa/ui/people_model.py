"""The list of people as a Qt table model that reads a page at a time.

A commune holds tens of thousands of people; the view asks for more rows
(canFetchMore / fetchMore) as it scrolls, and each page is one keyset query
through cdsxa.register.search, so opening the list costs the same for 500 or
100,000 people.

ID numbers and phones are masked (038•••••••12): a list on a shared screen shows
enough to tell people apart; the person form shows them in full to those allowed.
"""

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from cdsxa.common.formatting import mask_id_number, mask_phone, vn_date
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.register import search
from cdsxa.register.search import PersonRow
from cdsxa.ui.context import AppContext

Index = QModelIndex | QPersistentModelIndex
NAME, GENDER, BIRTH, ID_NUMBER, PHONE, VILLAGE, HOUSEHOLD = range(7)


class PeopleModel(QAbstractTableModel):
    def __init__(self, context: AppContext, page_size: int = search.PAGE) -> None:
        super().__init__()
        self.context = context
        self.page_size = page_size
        self.query = ""
        self.village_id: VillageId | None = None
        self.descending = False
        self.rows: list[PersonRow] = []
        self._more = False
        self.headers = [self.tr("Full name"), self.tr("Gender"), self.tr("Date of birth"),
                        self.tr("ID number"), self.tr("Phone"), self.tr("Village"),
                        self.tr("Household code")]
        self.genders = {"male": self.tr("Male"), "female": self.tr("Female")}

    # What is listed ------------------------------------------------------------------

    def set_filter(self, query: str, village_id: VillageId | None) -> None:
        self.query, self.village_id = query, village_id
        self.reload()

    def reload(self) -> None:
        """Start again from the first page (after a search or a change to the records)."""
        self.beginResetModel()
        self.rows, self._more = [], True
        self._fetch_page()
        self.endResetModel()

    def _page(self) -> list[PersonRow]:
        with self.context.read() as session:
            return search.search_people(session, self.query, self.village_id,
                                        limit=self.page_size,
                                        after=self.rows[-1] if self.rows else None,
                                        descending=self.descending)

    def _fetch_page(self) -> list[PersonRow]:
        page = self._page()
        self._more = len(page) == self.page_size
        self.rows.extend(page)
        return page

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or not self._more:
            return
        page = self._page()
        self._more = len(page) == self.page_size
        if page:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Only the name orders the list (the index the pages are read along)."""
        descending = order == Qt.SortOrder.DescendingOrder
        if column == NAME and descending != self.descending:
            self.descending = descending
            self.reload()

    # Reading rows ---------------------------------------------------------------------

    def person_id(self, row: int) -> PersonId | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def row_of(self, person_id: PersonId) -> int | None:
        return next((i for i, row in enumerate(self.rows) if row.id == person_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _text(self, row: PersonRow, column: int) -> str:
        if column == NAME:
            return row.full_name
        if column == GENDER:
            return self.genders.get(row.gender, row.gender)
        if column == BIRTH:
            return vn_date(row.birth) if isinstance(row.birth, date) else str(row.birth or "")
        values = {ID_NUMBER: mask_id_number(row.id_number), PHONE: mask_phone(row.phone),
                  VILLAGE: row.village, HOUSEHOLD: row.household_code}
        return values.get(column) or ""
