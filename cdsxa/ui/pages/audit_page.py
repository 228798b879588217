"""Nhật ký hoạt động: who did what and when, filtered; read-only (administrators).

The log is read off the UI thread, 500 entries at a time, newest first. Nothing
here edits or deletes an entry: the database refuses it anyway.
"""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from cdsxa.common.actor import Actor
from cdsxa.common.errors import UserError
from cdsxa.common.formatting import thousands
from cdsxa.db.engine import Database
from cdsxa.security import audit, audit_lines, users
from cdsxa.security.access import Permission
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel, user_message
from cdsxa.ui.export_action import ask_path
from cdsxa.ui.list_printer import print_button, print_view
from cdsxa.ui.operations import QueryOp
from cdsxa.ui.pages.base import Page, heading
from cdsxa.ui.rows_model import RowsView, Shown
from cdsxa.ui.widgets import date_edit, to_date

PAGE_SIZE = 500

def local_midnight(day: date) -> datetime:
    """The start of a day on this PC's clock, as an aware time."""
    return datetime.combine(day, time()).astimezone()


def actor_names(db: Database, actor: Actor) -> dict[str, str]:
    """How to show each actor: a user's full name with their sign-in name."""
    with db.reading(actor) as session:
        names = audit.actors(session)
        try:
            people = {f"user:{u.username}": u.full_name for u in users.list_users(session)
                      if u.username}
        except UserError:
            people = {}
    return {name: audit_lines.actor_label(name, people) for name in names}


def _fetch(db: Database, actor: Actor, where: audit.AuditFilter,
           offset: int) -> list[audit_lines.AuditLine]:
    """Worker thread: one page of the log, in words."""
    with db.reading(actor) as session:
        return audit_lines.lines(session, where, limit=PAGE_SIZE, offset=offset)


class AuditPage(Page):
    """Any change broadcast may add entries, but the list reloads only when shown
    or asked: reloading would throw away the pages already loaded."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.rows: list[audit_lines.AuditLine] = []
        self.labels: dict[str, str] = {}  # actor → how it is shown
        self.generation = 0  # a newer query makes older answers stale
        self.loading = False
        self.who = QComboBox()
        self.action = QComboBox()
        self.action.addItem(self.tr("All actions"), None)
        for code, label in audit.ACTIONS.items():
            self.action.addItem(label, code)
        self.table_kind = QComboBox()
        self.table_kind.addItem(self.tr("All kinds of record"), None)
        for code, label in audit.TABLE_LABELS.items():
            self.table_kind.addItem(label, code)
        self.use_since, self.since = QCheckBox(self.tr("From")), date_edit()
        self.use_until, self.until = QCheckBox(self.tr("To")), date_edit()
        self.since.setDate(QDate.currentDate().addMonths(-1))
        self.reload_button = QPushButton(self.tr("Show"))
        self.more_button = QPushButton(self.tr("Load more"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.print_button = print_button(self, self.print_list)
        self.table = RowsView([self.tr("Time"), self.tr("Who"), self.tr("Action"),
                               self.tr("Record"), self.tr("What changed")], stretch=4)
        self.status = QLabel()
        self.error = ErrorLabel()
        self._build()
        self._connect()
        self._dates_toggled()

    def _build(self) -> None:
        filters = QGridLayout()
        filters.addWidget(QLabel(self.tr("Who")), 0, 0)
        filters.addWidget(self.who, 0, 1)
        filters.addWidget(QLabel(self.tr("Action")), 0, 2)
        filters.addWidget(self.action, 0, 3)
        filters.addWidget(QLabel(self.tr("Record")), 0, 4)
        filters.addWidget(self.table_kind, 0, 5)
        filters.addWidget(self.use_since, 1, 0)
        filters.addWidget(self.since, 1, 1)
        filters.addWidget(self.use_until, 1, 2)
        filters.addWidget(self.until, 1, 3)
        filters.addWidget(self.reload_button, 1, 5)
        for column in (1, 3, 5):
            filters.setColumnStretch(column, 1)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Activity log")), 1)
        top.addWidget(self.print_button)
        top.addWidget(self.export_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.error)

    def _connect(self) -> None:
        for combo in (self.who, self.action, self.table_kind):
            combo.currentIndexChanged.connect(self.reload)
        for box in (self.use_since, self.use_until):
            box.toggled.connect(self._dates_toggled)
            box.toggled.connect(self.reload)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self._date_changed)
        self.reload_button.clicked.connect(self.reload)
        self.more_button.clicked.connect(self.load_more)
        self.export_button.clicked.connect(self.export)

    def _dates_toggled(self) -> None:
        self.since.setEnabled(self.use_since.isChecked())
        self.until.setEnabled(self.use_until.isChecked())

    def _date_changed(self) -> None:
        if self.use_since.isChecked() or self.use_until.isChecked():
            self.reload()

    def refresh(self) -> None:
        """Shown again: the list of people who acted, then the newest entries."""
        db, actor = self.context.db, self.context.actor
        self.export_button.setEnabled(self.context.may(Permission.VIEW_AUDIT))
        self.status.setText(self.tr("Loading…"))
        generation = self.generation
        QueryOp(self, lambda: actor_names(db, actor)).success(self._actors_arrived) \
            .failure(lambda error: self._failed(generation, error)).run_in_background()

    def _actors_arrived(self, labels: dict[str, str]) -> None:
        self.labels = labels
        chosen = self.who.currentData()
        self.who.blockSignals(True)
        self.who.clear()
        self.who.addItem(self.tr("Everyone"), None)
        for name, label in sorted(labels.items(), key=lambda item: item[1].casefold()):
            self.who.addItem(label, name)
        self.who.setCurrentIndex(max(0, self.who.findData(chosen)))
        self.who.blockSignals(False)
        self.reload()

    def current_filter(self) -> audit.AuditFilter:
        action = self.action.currentData()
        since = (local_midnight(to_date(self.since.date()))
                 if self.use_since.isChecked() else None)
        until = (local_midnight(to_date(self.until.date()) + timedelta(days=1))
                 if self.use_until.isChecked() else None)
        return audit.AuditFilter(actor=self.who.currentData(),
                                 actions=(action,) if action else (),
                                 table=self.table_kind.currentData(), since=since, until=until)

    def reload(self) -> None:
        self.rows = []
        self.table.rows_model.set_rows([], [])
        self._fetch(0)

    def load_more(self) -> None:
        self._fetch(len(self.rows))

    def _fetch(self, offset: int) -> None:
        self.generation += 1
        generation, where = self.generation, self.current_filter()
        db, actor = self.context.db, self.context.actor
        self.loading = True
        self.more_button.setEnabled(False)
        self.status.setText(self.tr("Loading…"))
        QueryOp(self, lambda: _fetch(db, actor, where, offset)) \
            .success(lambda rows: self._arrived(generation, rows)) \
            .failure(lambda error: self._failed(generation, error)).run_in_background()

    def _arrived(self, generation: int, rows: list[audit_lines.AuditLine]) -> None:
        if generation != self.generation:
            return  # the filters changed while this page was read
        self.loading = False
        self.error.clear_error()
        self.rows.extend(rows)
        self.table.rows_model.set_rows([self._cells(r) for r in self.rows],
                                       list(range(len(self.rows))))
        more = len(rows) == PAGE_SIZE
        self.more_button.setVisible(more)
        self.more_button.setEnabled(more)
        if not self.rows:
            self.status.setText(self.tr("No entries match these filters."))
        else:
            self.status.setText(self.tr("{count} entries shown, newest first.").format(
                count=thousands(len(self.rows))) + (
                " " + self.tr("There are more.") if more else ""))

    def _failed(self, generation: int, error: Exception) -> None:
        if generation == self.generation:
            self.loading = False
            self.status.clear()
            self.error.show_failure(error)

    def _cells(self, row: audit_lines.AuditLine) -> tuple[object, ...]:
        return (Shown(row.when, row.at), row.who, row.action, row.record, row.what)

    def print_list(self) -> None:
        """The entries shown (this filter, the pages loaded), in the order shown."""
        print_view(self, self.context, self.table, self.tr("Activity log"),
                   self.status.text())

    def export(self) -> None:
        """The whole filtered log (not only what is loaded) to .xlsx; itself audited."""
        path = ask_path(self, "nhat-ky")
        if path is None:
            return
        db, actor, where = self.context.db, self.context.actor, self.current_filter()
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Exporting to {path}…").format(path=path))
        QueryOp(self, lambda: _export(db, actor, where, path)) \
            .success(self._exported).failure(self._export_failed).run_in_background()

    def _exported(self, result: Any) -> None:
        count, path = result
        self.export_button.setEnabled(True)
        self.reload()  # the export itself is now the newest entry
        self.error.clear_error()
        self.status.setText(self.tr("Exported {count} entries to {path}.").format(
            count=thousands(count), path=path))

    def _export_failed(self, error: Exception) -> None:
        self.export_button.setEnabled(True)
        self.status.clear()
        self.error.show_error(self.tr("Export failed: {reason}").format(
            reason=user_message(error)))


def _export(db: Database, actor: Actor, where: audit.AuditFilter,
            path: Path) -> tuple[int, Path]:
    """Worker thread: the command line's export of the log (numbers masked, the
    destination checked, the export recorded or the file removed)."""
    from cdsxa.excel import list_exports  # openpyxl loads only when needed

    with db.transaction(actor) as session:
        return list_exports.export_audit(session, path, where), path
