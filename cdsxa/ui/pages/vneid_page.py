"""VNeID: the two worklists, and recording a step for the chosen person.

Phones are masked in the worklists, as in every list; exporting a worklist names
people, so it needs EXPORT_PEOPLE and is recorded in the audit log."""

import uuid
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cdsxa.common.formatting import thousands, vn_date
from cdsxa.common.outcomes import VNEID_FAILURE_REASONS, VNEID_STEP_LABELS
from cdsxa.db.session import AppSession
from cdsxa.excel import list_exports
from cdsxa.register import teams, villages
from cdsxa.security.access import Permission
from cdsxa.support import vneid
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.export_action import export_view
from cdsxa.ui.list_printer import print_button, print_view
from cdsxa.ui.operations import QueryOp, WriteOp, reading, writing
from cdsxa.ui.pages.base import Page, heading
from cdsxa.ui.rows_model import RowsView, Shown
from cdsxa.ui.undo_notice import UndoNotice
from cdsxa.ui.widgets import date_edit, to_date


class Worklist(RowsView):
    def __init__(self) -> None:
        super().__init__([self.tr("Full name"), self.tr("Village"), self.tr("Household"),
                          self.tr("Phone"), self.tr("Status since")])

    def show_items(self, items: list[vneid.WorkItem]) -> None:
        # The rows `cdsxa export vneid-worklist` writes too: phones masked. The last
        # column sorts by its date, not by the state's name written before it.
        rows = [(*row[:-1], Shown(row[-1], item.since))
                for row, item in zip(list_exports.worklist_rows(items), items, strict=True)]
        self.rows_model.set_rows(rows, items)

    def current(self) -> vneid.WorkItem | None:
        item = self.current_key()
        return item if isinstance(item, vneid.WorkItem) else None


class VneidPage(Page):
    watches = frozenset({"person", "vneid_step", "village", "team_member"})

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.generation = 0  # of the worklists' reads: only the newest is shown
        self.village = QComboBox()
        self.pending = Worklist()
        self.missing = Worklist()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.pending, "")
        self.tabs.addTab(self.missing, "")
        self.chosen = QLabel()
        self.step = QComboBox()
        for code, label in VNEID_STEP_LABELS.items():
            self.step.addItem(label, code)
        self.taken_on = date_edit()
        self.level = QComboBox()
        self.level.addItem(self.tr("level unknown"), None)
        self.level.addItem(self.tr("Level 1"), 1)
        self.level.addItem(self.tr("Level 2"), 2)
        self.member = QComboBox()
        self.failure = QComboBox()
        self.failure.addItem("", None)
        for code, label in VNEID_FAILURE_REASONS.items():
            self.failure.addItem(label, code)
        self.note = QLineEdit()
        self.save_button = QPushButton(self.tr("Record step"))
        self.export_button = QPushButton(self.tr("Export list to Excel"))
        self.print_button = print_button(self, self.print_list)
        self.export_status = QLabel()
        self.error = ErrorLabel()
        self.undo = UndoNotice()
        self._build()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("VNeID")))
        top.addStretch(1)
        top.addWidget(self.export_status)
        top.addWidget(self.print_button)
        top.addWidget(self.export_button)
        top.addWidget(QLabel(self.tr("Village")))
        top.addWidget(self.village)
        box = QGroupBox(self.tr("Record a step for the chosen person"))
        form = QFormLayout(box)
        form.addRow(self.chosen)
        form.addRow(self.tr("Step"), self.step)
        form.addRow(self.tr("Date"), self.taken_on)
        form.addRow(self.tr("Level"), self.level)
        form.addRow(self.tr("Helped by"), self.member)
        form.addRow(self.tr("Reason it failed"), self.failure)
        form.addRow(self.tr("Note"), self.note)
        form.addRow(self.save_button)
        form.addRow(self.undo)
        form.addRow(self.error)
        body = QHBoxLayout()
        body.addWidget(self.tabs, 3)
        body.addWidget(box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body)
        self.village.currentIndexChanged.connect(self.refresh)
        for worklist in (self.pending, self.missing):
            worklist.selectionModel().selectionChanged.connect(self._chosen_changed)
        self.tabs.currentChanged.connect(self._chosen_changed)
        self.step.currentIndexChanged.connect(self._update_enabled)
        self.save_button.clicked.connect(self.save)
        self.export_button.clicked.connect(self.export)
        self.export_button.setEnabled(self.context.may(Permission.EXPORT_PEOPLE))
        self.print_button.setEnabled(self.context.may(Permission.EXPORT_PEOPLE))
        self._fill_villages()
        self._update_enabled()

    def _fill_villages(self) -> None:
        with self.context.read() as session:
            rows = villages.list_all(session)
            members = teams.members(session, active_on=date.today())
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(self.tr("All villages"), None)
        for row in rows:
            self.village.addItem(row.name, row.id)
        self.village.blockSignals(False)
        self.member.clear()
        self.member.addItem(self.tr("(not recorded)"), None)
        for member in members:
            self.member.addItem(f"{member.full_name} ({member.village})", member.id)

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if kinds & {"village", "team_member"}:
            self._fill_villages()
        super()._on_changed(kinds)

    def refresh(self) -> None:
        village_id = self.village.currentData()
        self.generation += 1  # a newer village filter makes older answers stale
        generation = self.generation

        def work(session: AppSession) -> tuple[list[vneid.WorkItem], list[vneid.WorkItem]]:
            # Thousands of people on a large commune: read off the UI thread.
            return (vneid.pending_activation(session, village_id),
                    vneid.without_account(session, date.today(), village_id))

        QueryOp(self, reading(self.context, work)) \
            .success(lambda lists: self._show(generation, *lists)) \
            .failure(self.error.show_failure).run_in_background()

    def _show(self, generation: int, pending: list[vneid.WorkItem],
              missing: list[vneid.WorkItem]) -> None:
        if generation != self.generation:
            return
        self.pending.show_items(pending)
        self.missing.show_items(missing)
        self.tabs.setTabText(0, self.tr("Waiting for activation ({count})").format(
            count=thousands(len(pending))))
        self.tabs.setTabText(1, self.tr("No account yet, aged 14+ ({count})").format(
            count=thousands(len(missing))))
        self._chosen_changed()

    def print_list(self) -> None:
        """The worklist on show, this village's, in the order shown."""
        worklist = self.tabs.currentWidget()
        if isinstance(worklist, Worklist):
            title = f"VNeID: {self.tabs.tabText(self.tabs.currentIndex())}"
            print_view(self, self.context, worklist, title, self.village.currentText())

    def export(self) -> None:
        worklist = self.tabs.currentWidget()
        if isinstance(worklist, Worklist):
            title = f"VNeID: {self.tabs.tabText(self.tabs.currentIndex())}"
            export_view(self, worklist, title, "vneid", self.export_status, self.context)

    def current(self) -> vneid.WorkItem | None:
        worklist = self.tabs.currentWidget()
        return worklist.current() if isinstance(worklist, Worklist) else None

    def start_widget(self) -> QWidget:
        """Where the cursor goes when the page is shown: the worklist on top."""
        return self.tabs.currentWidget()

    def _chosen_changed(self) -> None:
        item = self.current()
        self.chosen.setText(self.tr("Choose a person in the list.") if item is None
                            else f"<b>{item.full_name}</b> · {item.village}")
        self.save_button.setEnabled(item is not None
                                    and self.context.may(Permission.EDIT_RECORDS))

    def _update_enabled(self) -> None:
        self.failure.setEnabled(self.step.currentData() == "failed")

    def save(self) -> None:
        item = self.current()
        if item is None:
            return
        if writing(self):
            return
        person_id, step, on = item.person_id, str(self.step.currentData()), \
            to_date(self.taken_on.date())
        level, member, note = self.level.currentData(), self.member.currentData(), \
            self.note.text()
        reason = self.failure.currentData() if self.failure.isEnabled() else None
        saved = self.tr("Saved: {step} for {name} on {date}.").format(
            step=self.step.currentText(), name=item.full_name, date=vn_date(on))
        WriteOp(self, self.context, lambda session: vneid.record_step_to_undo(
            session, person_id, step, on, level=level, member_id=member,
            failure_reason=reason, note=note)) \
            .success(lambda step_id: self._saved(saved, item.full_name, step_id)) \
            .failure(self.error.show_failure).run_in_background()

    def _saved(self, message: str, name: str, step_id: uuid.UUID | None) -> None:
        self.error.clear_error()
        self.note.clear()
        undo = None if step_id is None else lambda: self._undo(name, step_id)
        self.undo.offer(message, undo)

    def _undo(self, name: str, step_id: uuid.UUID) -> None:
        """Ctrl+Z or Undo: the step goes, the person's state is replayed (a service call)."""
        WriteOp(self, self.context, lambda session: vneid.undo_step(
            session, step_id)) \
            .success(lambda _: self.undo.done(self.tr("Undone: the step for {name} was "
                                                      "taken back.").format(name=name))) \
            .failure(self.error.show_failure).run_in_background()
