"""Người dân & hộ gia đình: the register, searched as you type, and the person form.

The list masks ID numbers and phones; the form shows them in full to those allowed.
Buttons a role may not use are disabled (the services refuse anyway).
"""

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from cdsxa.common.errors import UserError
from cdsxa.common.formatting import thousands
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.register import person_detail
from cdsxa.security.access import Permission
from cdsxa.ui import export_action
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.export_dialog import ExportDialog
from cdsxa.ui.list_printer import print_button, print_rows
from cdsxa.ui.pages.base import Page, heading
from cdsxa.ui.people_model import NAME, PeopleModel
from cdsxa.ui.person_fields import index_of
from cdsxa.ui.person_form import PersonForm

if TYPE_CHECKING:
    from cdsxa.ui.import_dialog import ImportDialog

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150
COLUMN_WIDTHS = (210, 70, 95, 120, 110, 185)  # the household code column stretches


class PeopleTable(QTableView):
    """Enter on a row opens the person, as a double click does."""

    open_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class PeoplePage(Page):
    watches = frozenset({"person", "household", "village"})

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.model = PeopleModel(context)
        self.search = QLineEdit()
        self.village = QComboBox()
        self.count = QLabel()
        self.add_button = QPushButton(self.tr("&Add person"))
        self.export_button = QPushButton(self.tr("Export to E&xcel"))
        self.import_button = QPushButton(self.tr("&Import from Excel…"))
        self.print_button = print_button(self, self.print_list)
        self.table = PeopleTable()
        self.status = QLabel()
        self.error = ErrorLabel()
        self.timer = QTimer(self)
        self.form: PersonForm | None = None
        self.export_dialog: ExportDialog | None = None
        self.last_village: VillageId | None = None
        # What to do once the search running now is shown.
        self._select_when_loaded: PersonId | None = None
        self._focus_when_loaded = False
        self._build()
        self._connect()

    def _build(self) -> None:
        self.search.setPlaceholderText(self.tr("Search by name, ID number, phone or household "
                                               "code (accents optional)"))
        self.search.setClearButtonEnabled(True)
        self.village.setMinimumWidth(180)
        self.count.setObjectName("peopleCount")
        self.add_button.setToolTip(self.tr("Add a person (Ctrl+N)"))
        self.add_button.setEnabled(self.context.may(Permission.EDIT_RECORDS))
        self.import_button.setEnabled(self.context.may(Permission.IMPORT))
        self.export_button.setEnabled(self.context.may(Permission.EXPORT_PEOPLE))
        self.print_button.setEnabled(self.context.may(Permission.EXPORT_PEOPLE))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.status.setWordWrap(True)

        tools = QHBoxLayout()
        tools.addWidget(self.search, 3)
        tools.addWidget(self.village, 1)
        tools.addWidget(self.add_button)
        tools.addWidget(self.import_button)
        tools.addWidget(self.print_button)
        tools.addWidget(self.export_button)
        title = QHBoxLayout()
        title.addWidget(heading(self.tr("People & households")))
        title.addStretch(1)
        title.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(title)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.error)

    def _connect(self) -> None:
        self.search.textChanged.connect(lambda _text: self.timer.start())
        self.search.installEventFilter(self)
        self.timer.timeout.connect(self.apply_filter)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self.error.show_failure)  # e.g. a role that may not list
        self.village.currentIndexChanged.connect(self._village_chosen)
        self.table.open_requested.connect(self.open_row)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.add_button.clicked.connect(self.open_new)
        self.import_button.clicked.connect(self.choose_import_file)
        self.export_button.clicked.connect(self.export)
        for keys, action in (("Ctrl+N", self.open_new), ("Ctrl+F", self.focus_search)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)

    # Listing --------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            self._fill_villages()
        except UserError as exc:  # e.g. a team member's account without a village
            self.error.show_error(exc.message)
            return
        self.apply_filter()

    def _fill_villages(self) -> None:
        chosen = self.village.currentData()
        with self.context.read() as session:
            choices = person_detail.village_choices(session)
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(self.tr("All villages"), None)
        for village_id, name in choices:
            self.village.addItem(name, village_id)
        self.village.setCurrentIndex(max(0, index_of(self.village, chosen)))
        self.village.blockSignals(False)

    def village_filter(self) -> VillageId | None:
        village_id: VillageId | None = self.village.currentData()
        return village_id

    def _village_chosen(self) -> None:
        if self.village_filter() is not None:
            self.last_village = self.village_filter()
        self.apply_filter()

    def apply_filter(self) -> None:
        """Show what the search box and the village filter ask for (called after typing
        pauses, so a burst of keys runs one search), read off the UI thread."""
        self.timer.stop()
        self.model.set_filter(self.search.text(), self.village_filter())

    def _loaded(self, total: int) -> None:
        self.error.clear_error()
        self.count.setText(self.tr("{count} people").format(count=thousands(total)))
        chosen, self._select_when_loaded = self._select_when_loaded, None
        if chosen is not None:
            self.select_person(chosen)
        focus, self._focus_when_loaded = self._focus_when_loaded, False
        if focus:
            self._focus_first_row()

    def _focus_first_row(self) -> None:
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # From the search box, Enter or Down goes to the first result.
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
                if self.timer.isActive():
                    self.apply_filter()
                if self.model.loading:  # the search still runs: once it is shown
                    self._focus_when_loaded = True
                else:
                    self._focus_first_row()
                return True
        return super().eventFilter(watched, event)

    def select_person(self, person_id: PersonId) -> None:
        if self.model.loading:  # the list is read again after the save
            self._select_when_loaded = person_id
            return
        row = self.model.row_of(person_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, NAME))

    # The form -------------------------------------------------------------------------

    def open_row(self, row: int) -> None:
        person_id = self.model.person_id(row)
        if person_id is None:
            return
        try:
            form = PersonForm(self.context, person_id=person_id, parent=self)
        except UserError as exc:  # not this user's to see, or erased meanwhile
            self.error.show_error(exc.message)
            return
        self._open_form(form)

    def open_new(self) -> None:
        if not self.context.may(Permission.EDIT_RECORDS):
            return
        village_id = self.village_filter() or self.last_village
        self._open_form(PersonForm(self.context, village_id=village_id, parent=self))

    def _open_form(self, form: PersonForm) -> None:
        if self.form is not None:
            self.form.close()
        self.form = form
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(lambda person_id: self._saved(form, person_id))
        form.erased.connect(lambda _person_id: self._erased())
        form.finished.connect(lambda _result: self._form_closed(form))
        form.open()

    def _saved(self, form: PersonForm, person_id: PersonId) -> None:
        self.last_village = form.village_id() or self.last_village
        self.status.setText(self.tr("Saved: {name}.").format(name=form.name.text().strip()))
        self.select_person(person_id)

    def _erased(self) -> None:
        self.error.clear_error()
        self.status.setText(self.tr("Erased at the citizen's request. The audit log keeps "
                                    "who did it and why."))

    def _form_closed(self, form: PersonForm) -> None:
        if self.form is form:
            self.form = None
            self.table.setFocus()

    # Excel ----------------------------------------------------------------------------

    def choose_import_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import people from Excel"), str(Path.home()),
            self.tr("Excel workbook (*.xlsx)"))
        if path:
            self.open_import(Path(path))

    def open_import(self, path: Path) -> "ImportDialog":
        """The preview dialog; it imports only when the officer says so."""
        # Imported here: the Excel reading code (openpyxl) costs start-up time and
        # memory that most sessions never use.
        from cdsxa.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.context, path, self)
        dialog.open()
        return dialog

    def print_list(self) -> None:
        """Everyone the search and village filter find (not only the rows scrolled to),
        in the order shown."""
        model = self.model
        filters = [self.village.currentText(), model.query.strip()]
        note = " · ".join(part for part in filters if part)
        model.all_rows(lambda rows: print_rows(
            self, self.context, self.tr("People & households"), model.headers,
            [model.texts(row) for row in rows], note), self.error.show_failure)

    def export(self) -> ExportDialog:
        """Ask where, and whether with personal data (off by default); then write."""
        dialog = export_action.people_export_dialog(self, self.context, "nguoi-dan")
        self.export_dialog = dialog
        # The people listed now: the village and search the list shows.
        village_id, query = self.model.village_id, self.model.query
        dialog.accepted.connect(lambda: self._export(dialog, village_id, query))
        dialog.open()
        return dialog

    def _export(self, dialog: ExportDialog, village_id: VillageId | None, query: str) -> None:
        choice = dialog.choice()
        path = str(choice.path)
        self.export_button.setEnabled(False)
        self.error.clear_error()
        self.status.setText(self.tr("Exporting to {path}…").format(path=path))
        export_action.export_people(self.context, choice, village_id,
                                    lambda count: self._exported(path, count),
                                    self._export_failed, parent=self, query=query)

    def _exported(self, path: str, count: int) -> None:
        self.export_button.setEnabled(True)
        if count < 0:
            self.status.setText(self.tr("Exported to {path}.").format(path=path))
        else:
            self.status.setText(self.tr("Exported {count} people to {path}.").format(
                count=thousands(count), path=path))

    def _export_failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self.status.clear()
        self.error.show_error(self.tr("Excel export failed: {reason}").format(reason=message))
