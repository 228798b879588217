"""Hỗ trợ người dân: record one-to-one help and group classes; see the latest ones.

The latest list holds both kinds, newest first, and shows each topic in full (the
row wraps): a topic chosen by mistake is seen at once."""

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cdsxa.support import sessions, topics
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import user_message
from cdsxa.ui.export_action import export_view
from cdsxa.ui.group_form import GroupForm
from cdsxa.ui.list_printer import print_button, print_view
from cdsxa.ui.operations import WriteOp
from cdsxa.ui.pages.base import Page, heading
from cdsxa.ui.rows_model import RowsView
from cdsxa.ui.session_form import SessionForm

NARROW_COLUMNS = (1, 2, 4)  # citizen, village, result: the topics column takes the rest


@dataclass(frozen=True)
class GroupKey:
    """A group class's row in the latest list (deleted from its own form, not here)."""

    id: object


class SupportPage(Page):
    watches = frozenset({"support_session", "group_session", "person", "team_member",
                         "village"})

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.form = SessionForm(context)
        self.group_form = GroupForm(context)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.form, self.tr("One-to-one help"))
        self.tabs.addTab(self.group_form, self.tr("Group class"))
        self.recent = RowsView([self.tr("Date"), self.tr("Citizen"), self.tr("Village"),
                                self.tr("Topics"), self.tr("Result")], stretch=3)
        self.recent.setWordWrap(True)  # long topics read in full, on two lines if need be
        self.recent.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        for narrow in NARROW_COLUMNS:  # sized in refresh, so the topics get the room
            self.recent.horizontalHeader().setSectionResizeMode(
                narrow, QHeaderView.ResizeMode.Interactive)
        self.remove_button = QPushButton(self.tr("Delete the chosen session"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.export_button = QPushButton(self.tr("Export to Excel"))
        self.print_button = print_button(self, lambda: print_view(
            self, self.context, self.recent, self.tr("Latest support sessions")))
        self.export_status = QLabel()
        self.export_button.clicked.connect(lambda: export_view(
            self, self.recent, self.tr("Latest support sessions"), "luot-ho-tro",
            self.export_status, self.context))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tabs)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(heading(self.tr("Latest sessions")))
        header = QHBoxLayout()  # under the heading: the page fits a 1280-pixel screen
        header.addStretch(1)
        header.addWidget(self.remove_button)
        header.addWidget(self.print_button)
        header.addWidget(self.export_button)
        column.addLayout(header)
        column.addWidget(self.recent)
        column.addWidget(self.export_status)
        splitter.addWidget(right)
        splitter.setSizes([480, 660])
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Citizen support")))
        layout.addWidget(splitter, 1)

    def _on_changed(self, kinds: frozenset[str]) -> None:
        # New villages or team members change the forms' choices; a plain re-show
        # must not, or a half-typed session would be wiped.
        if kinds & {"village", "team", "team_member"}:
            self.form.reload_choices()
            self.group_form.reload_choices()
        super()._on_changed(kinds)

    def remove_selected(self) -> None:
        """Delete a session recorded by mistake, after asking; what it reached is undone."""
        session_id = self.recent.current_key()
        row = self.recent.currentIndex().row()
        if session_id is None or row < 0:
            self.export_status.setText(self.tr("Choose a session in the list first."))
            return
        if isinstance(session_id, GroupKey):
            self.export_status.setText(self.tr(
                "A group class cannot be deleted from this list yet."))
            return
        question = self.tr("Delete the session of {date} with {name}? Outcomes it reached are "
                           "undone.").format(date=self.recent.cell(row, 0),
                                             name=self.recent.cell(row, 1))
        if not self.confirm(question):
            return
        remove = WriteOp(self, self.context, lambda session: sessions.remove(
            session, session_id))  # type: ignore[arg-type]
        remove.failure(lambda error: self.export_status.setText(user_message(error)))
        remove.run_in_background()

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Delete session"), question)
        return answer == QMessageBox.StandardButton.Yes

    def start_widget(self) -> QWidget:
        """Where the cursor goes when the page is shown: the citizen box."""
        if self.tabs.currentWidget() is self.group_form:
            return self.group_form.held_on
        return self.form.picker.edit

    def refresh(self) -> None:
        limit = 200
        with self.context.read() as session:
            rows = sessions.recent(session, limit=limit)
            groups = sessions.recent_groups(session, limit=limit)
            names = {t.code: t.name for t in topics.catalogue(session, include_inactive=True)}
        whole = self.tr("Whole commune")
        # Dates as dates: the list sorts by them when its header is clicked.
        listed: list[tuple[date, tuple[object, ...], object]] = [
            (row.held_on, (row.held_on, row.person, row.village,
                           ", ".join(names.get(code, code) for code in row.topics),
                           sessions.RESULTS.get(row.result, row.result)), row.id)
            for row in rows]
        listed += [(group.held_on, (group.held_on, self.tr(
            "Group class, {count} people").format(count=group.attendees),
            group.village or whole, names.get(group.topic, group.topic), group.place or ""),
            GroupKey(group.id)) for group in groups]
        listed.sort(key=lambda entry: entry[0], reverse=True)  # stable: newest kept first
        listed = listed[:limit]
        self.recent.rows_model.set_rows([cells for _, cells, _ in listed],
                                        [key for _, _, key in listed])
        self.recent.resizeColumnToContents(0)
        em = self.recent.fontMetrics().horizontalAdvance("M")
        for column in NARROW_COLUMNS:
            self.recent.resizeColumnToContents(column)
            if self.recent.columnWidth(column) > 8 * em:
                self.recent.setColumnWidth(column, 8 * em)  # a long name wraps instead
