"""The list of people as a Qt table model that reads a page at a time.

A commune holds tens of thousands of people; the view asks for more rows
(canFetchMore / fetchMore) as it scrolls, and each page is one keyset query
through cdsxa.register.search, so opening the list costs the same for 500 or
100,000 people. Pages are read off the UI thread (cdsxa.ui.operations).

ID numbers and phones are masked (038•••••••12): a list on a shared screen shows
enough to tell people apart; the person form shows them in full to those allowed.
"""

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from cdsxa.common.formatting import mask_id_number, mask_phone, vn_date
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.db.session import AppSession
from cdsxa.register import search
from cdsxa.register.search import PersonRow
from cdsxa.ui.context import AppContext
from cdsxa.ui.operations import QueryOp, reading

Index = QModelIndex | QPersistentModelIndex
NAME, GENDER, BIRTH, ID_NUMBER, PHONE, VILLAGE, HOUSEHOLD = range(7)


class PeopleModel(QAbstractTableModel):
    """Pages are read off the UI thread; while a search runs the rows shown stay, and
    the answer to an older search (or for an older page) is dropped."""

    loaded = Signal(int)  # the first page of a search is shown: how many match in all
    failed = Signal(object)  # the search could not be read: the exception

    def __init__(self, context: AppContext, page_size: int = search.PAGE) -> None:
        super().__init__()
        self.context = context
        self.page_size = page_size
        self.query = ""
        self.village_id: VillageId | None = None
        self.descending = False
        self.rows: list[PersonRow] = []
        self.total = 0
        self.generation = 0  # of the searches: a newer one makes older answers stale
        self.loading = False  # a page is being read
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
        self.generation += 1
        self.loading = True
        generation, read_page = self.generation, self._reader(None)
        query, village_id = self.query, self.village_id

        def work(session: AppSession) -> tuple[list[PersonRow], int]:
            return read_page(session), search.count_people(session, query, village_id)

        QueryOp(self, reading(self.context, work)) \
            .success(lambda found: self._first_page(generation, *found)) \
            .failure(lambda error: self._failed(generation, error)).run_in_background()

    def _reader(self, after: PersonRow | None) -> Callable[[AppSession], list[PersonRow]]:
        """Reading the page after `after` of the current search (plain values only)."""
        query, village_id, limit, descending = (self.query, self.village_id,
                                                self.page_size, self.descending)
        return lambda session: search.search_people(session, query, village_id, limit=limit,
                                                    after=after, descending=descending)

    def _first_page(self, generation: int, page: list[PersonRow], total: int) -> None:
        if generation != self.generation:
            return
        self.beginResetModel()
        self.rows, self.total = list(page), total
        self._more = len(page) == self.page_size
        self.loading = False
        self.endResetModel()
        self.loaded.emit(total)

    def _failed(self, generation: int, error: Exception) -> None:
        if generation == self.generation:
            self.loading = False
            self.failed.emit(error)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or not self._more or self.loading:
            return
        self.loading = True
        generation = self.generation
        QueryOp(self, reading(self.context, self._reader(self.rows[-1] if self.rows else None))) \
            .success(lambda page: self._next_page(generation, page)) \
            .failure(lambda error: self._failed(generation, error)).run_in_background()

    def _next_page(self, generation: int, page: list[PersonRow]) -> None:
        if generation != self.generation:
            return  # a new search started meanwhile
        self.loading = False
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
