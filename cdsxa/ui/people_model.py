"""The list of people as a Qt table model that reads a page at a time.

A commune holds tens of thousands of people; the view asks for more rows
(canFetchMore / fetchMore) as it scrolls, and each page is one keyset query
through cdsxa.register.search, so opening the list costs the same for 500 or
100,000 people. Pages are read off the UI thread (cdsxa.ui.operations).

ID numbers and phones are masked (038•••••••12): a list on a shared screen shows
enough to tell people apart; the person form shows them in full to those allowed.

Every column sorts. By name, the pages are still read along the name index; by any
other column, every person the search finds is read (off the UI thread) and sorted
the way every list sorts (cdsxa.ui.rows_model.sorted_order: dates as dates, text
folded), since no index runs along that column.
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
from cdsxa.ui.rows_model import sorted_order

Index = QModelIndex | QPersistentModelIndex
NAME, GENDER, BIRTH, ID_NUMBER, PHONE, VILLAGE, HOUSEHOLD = range(7)
ALL_PAGE = 5000  # rows a read of everyone takes at a time


def read_all(session: AppSession, query: str, village_id: VillageId | None,
             descending: bool = False) -> list[PersonRow]:
    """Every person the search finds, in name order (a sort, or a print, of the list)."""
    rows: list[PersonRow] = []
    while True:
        page = search.search_people(session, query, village_id, limit=ALL_PAGE,
                                    after=rows[-1] if rows else None, descending=descending)
        rows += page
        if len(page) < ALL_PAGE:
            return rows


def sort_value(row: PersonRow, column: int) -> object:
    """What a column sorts by: the value behind the text (full numbers, not masked)."""
    if column == BIRTH:  # a year alone sorts as the start of that year
        return date(row.birth, 1, 1) if isinstance(row.birth, int) else row.birth
    values = {NAME: row.full_name, GENDER: row.gender, ID_NUMBER: row.id_number,
              PHONE: row.phone, VILLAGE: row.village, HOUSEHOLD: row.household_code}
    return values.get(column)


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
        self.sort_column = NAME  # another column: every match is read, then sorted
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
        column, descending = self.sort_column, self.descending

        def work(session: AppSession) -> tuple[list[PersonRow], int]:
            if column == NAME:
                return read_page(session), search.count_people(session, query, village_id)
            everyone = read_all(session, query, village_id)
            order = sorted_order([sort_value(row, column) for row in everyone], descending)
            return [everyone[i] for i in order], len(everyone)

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
        self._more = self.sort_column == NAME and len(page) == self.page_size
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
        descending = order == Qt.SortOrder.DescendingOrder
        if not 0 <= column < len(self.headers):
            return
        if (column, descending) != (self.sort_column, self.descending):
            self.sort_column, self.descending = column, descending
            self.reload()

    def all_rows(self, then: Callable[[list[PersonRow]], object],
                 failed: Callable[[Exception], None]) -> None:
        """Every person of the current search, in the order shown (to print the list)."""
        if not self._more:  # all are loaded already
            then(list(self.rows))
            return
        query, village_id, descending = self.query, self.village_id, self.descending

        def work(session: AppSession) -> list[PersonRow]:
            return read_all(session, query, village_id, descending)

        QueryOp(self, reading(self.context, work)).success(then).failure(failed) \
            .run_in_background()

    def texts(self, row: PersonRow) -> list[str]:
        """A row's cells as the list shows them."""
        return [self._text(row, column) for column in range(len(self.headers))]

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
