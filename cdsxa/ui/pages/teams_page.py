"""Tổ CNSCĐ: each village's team, its members, who left, and their training."""

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from cdsxa.common.formatting import mask_phone, vn_date
from cdsxa.common.ids import PersonId
from cdsxa.db.session import AppSession
from cdsxa.register import teams
from cdsxa.security.access import Permission
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import WriteOp
from cdsxa.ui.export_action import export_rows, suggested_path
from cdsxa.ui.export_dialog import ExportDialog, PeopleExport
from cdsxa.ui.pages.base import Page, heading
from cdsxa.ui.person_picker import PersonPicker, register_search
from cdsxa.ui.widgets import date_edit, to_date


def _table(headers: list[str], stretch: int = 0) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    return table


class TeamsPage(Page):
    watches = frozenset({"team", "team_member", "training", "village"})

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.team_rows: list[teams.TeamView] = []
        self.member_rows: list[teams.MemberView] = []
        self.export_dialog: ExportDialog | None = None
        self.teams_table = _table([self.tr("Village"), self.tr("Active members"),
                                   self.tr("Trained")])
        self.members_table = _table([self.tr("Full name"), self.tr("Role"),
                                     self.tr("Comes from"), self.tr("Phone"),
                                     self.tr("Joined"), self.tr("Left"),
                                     self.tr("Training hours")], stretch=6)
        self.name = QLineEdit()
        self.organisation = QComboBox()
        for code, label in teams.ORGANISATIONS.items():
            self.organisation.addItem(label, code)
        self.role = QComboBox(editable=True)
        self.role.addItems(list(teams.ROLES))
        self.role.setCurrentText(teams.ROLES[-1])
        self.phone = QLineEdit()
        self.joined = date_edit()
        self.link = PersonPicker(register_search(context.db, context.actor))
        self.add_button = QPushButton(self.tr("Add member"))
        self.member_phone = QLineEdit()
        self.member_role = QComboBox(editable=True)
        self.member_role.addItems(list(teams.ROLES))
        self.update_button = QPushButton(self.tr("Save phone and role"))
        self.left_on = date_edit()
        self.left_button = QPushButton(self.tr("Left the team on"))
        self.course = QLineEdit(placeholderText=self.tr("e.g. Basic digital skills"))
        self.course_on = date_edit()
        self.hours = QDoubleSpinBox(minimum=0.5, maximum=200, value=4, decimals=1)
        self.training_button = QPushButton(self.tr("Add training"))
        self.create_missing = QPushButton()
        self.export_button = QPushButton(self.tr("Export all members to Excel"))
        self.export_status = QLabel()
        self.error = ErrorLabel()
        self._build()

    def _build(self) -> None:
        add = QGroupBox(self.tr("New member of the selected team"))
        form = QFormLayout(add)
        form.addRow(self.tr("Full name"), self.name)
        form.addRow(self.tr("Comes from"), self.organisation)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Joined"), self.joined)
        form.addRow(self.tr("Person in the register (optional)"), self.link)
        form.addRow(self.add_button)
        selected = QGroupBox(self.tr("Selected member"))
        rows = QFormLayout(selected)
        rows.addRow(self.tr("Phone"), self.member_phone)
        rows.addRow(self.tr("Role"), self.member_role)
        rows.addRow(self.update_button)
        leave = QHBoxLayout()
        leave.addWidget(self.left_button)
        leave.addWidget(self.left_on)
        rows.addRow(leave)
        rows.addRow(self.tr("Course"), self.course)
        rows.addRow(self.tr("Date"), self.course_on)
        rows.addRow(self.tr("Hours"), self.hours)
        rows.addRow(self.training_button)
        forms = QHBoxLayout()
        forms.addWidget(add, 3)
        forms.addWidget(selected, 2)
        tables = QHBoxLayout()
        tables.addWidget(self.teams_table, 3)
        tables.addWidget(self.members_table, 5)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Community tech teams")))
        top.addStretch(1)
        top.addWidget(self.create_missing)
        top.addWidget(self.export_status)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        layout.addLayout(tables, 1)
        layout.addLayout(forms)
        layout.addWidget(self.error)
        self.teams_table.itemSelectionChanged.connect(self._show_members)
        self.add_button.clicked.connect(self.add_member)
        self.left_button.clicked.connect(self.member_left)
        self.training_button.clicked.connect(self.add_training)
        self.export_button.clicked.connect(self.export)
        self.update_button.clicked.connect(self.update_member)
        self.members_table.itemSelectionChanged.connect(self._member_chosen)
        self.create_missing.clicked.connect(
            lambda: self._attempt(teams.create_missing_teams))

    def refresh(self) -> None:
        with self.context.read() as session:
            self.team_rows = teams.list_teams(session)
            missing = teams.villages_without_team(session)
        self.create_missing.setVisible(bool(missing))
        self.create_missing.setText(self.tr("Set up teams for {count} villages without one").format(
            count=len(missing)))
        selected = self.teams_table.currentRow()
        self.teams_table.setRowCount(len(self.team_rows))
        for row, team in enumerate(self.team_rows):
            for column, value in enumerate((team.village, str(team.active_members),
                                            str(team.trained_members))):
                self.teams_table.setItem(row, column, QTableWidgetItem(value))
        if self.team_rows:
            self.teams_table.selectRow(max(0, min(selected, len(self.team_rows) - 1)))
        self._show_members()

    def export(self) -> ExportDialog:
        """Ask where, and whether with full phone numbers (off by default); then write."""
        dialog = ExportDialog(
            suggested_path("to-cnscd"), self.context.may(Permission.EXPORT_PERSONAL), self,
            title=self.tr("Export team members to Excel"),
            personal=self.tr("Include full phone numbers"),
            without=self.tr("Phone numbers masked (090•••••67). The export is recorded in "
                            "the audit log."))
        self.export_dialog = dialog
        dialog.accepted.connect(lambda: self._export(dialog.choice()))
        dialog.open()
        return dialog

    def _export(self, choice: PeopleExport) -> None:
        with self.context.read() as session:
            everyone = teams.members(session)
        headers = [self.tr("Village"), self.tr("Full name"), self.tr("Role"),
                   self.tr("Comes from"), self.tr("Phone"), self.tr("Joined"), self.tr("Left"),
                   self.tr("Training hours")]
        rows = [(m.village, m.full_name, m.role or "",
                 teams.ORGANISATIONS.get(m.organisation, m.organisation),
                 (m.phone if choice.include_personal else mask_phone(m.phone)) or "",
                 vn_date(m.joined_on), vn_date(m.left_on), f"{m.training_hours:g}")
                for m in everyone]
        export_rows(choice.path, self.tr("Community tech team members"), headers, rows,
                    self.export_status, self.context,
                    personal=choice.include_personal, reason=choice.reason)

    def _team(self) -> teams.TeamView | None:
        row = self.teams_table.currentRow()
        return self.team_rows[row] if 0 <= row < len(self.team_rows) else None

    def _show_members(self) -> None:
        team = self._team()
        with self.context.read() as session:
            self.member_rows = teams.members(session, team_id=team.id) if team else []
        self.members_table.setRowCount(len(self.member_rows))
        for row, member in enumerate(self.member_rows):
            values = (member.full_name, member.role or "",
                      teams.ORGANISATIONS.get(member.organisation, member.organisation),
                      member.phone or "", vn_date(member.joined_on), vn_date(member.left_on),
                      f"{member.training_hours:g}")
            for column, value in enumerate(values):
                self.members_table.setItem(row, column, QTableWidgetItem(value))

    def _member(self) -> teams.MemberView | None:
        row = self.members_table.currentRow()
        return self.member_rows[row] if 0 <= row < len(self.member_rows) else None

    def _attempt(self, action: Callable[[AppSession], object],
                 then: Callable[[], None] | None = None) -> None:
        """Save on the writer thread; `then` clears the fields once it is saved.
        The action gets values read from the fields beforehand, never the fields."""
        def saved(_result: object) -> None:
            self.error.clear_error()
            if then is not None:
                then()

        WriteOp(self, self.context, action).success(saved) \
            .failure(self.error.show_failure).run_in_background()

    def add_member(self) -> None:
        team = self._team()
        if team is None:
            self.error.show_error(self.tr("Choose a team first."))
            return
        data = teams.MemberInput(
            full_name=self.name.text(), organisation=str(self.organisation.currentData()),
            role=self.role.currentText(), phone=self.phone.text() or None,
            joined_on=to_date(self.joined.date()),
            person_id=PersonId(self.link.chosen.id) if self.link.chosen else None)
        self._attempt(lambda s: teams.add_member(s, team.id, data), self._member_added)

    def _member_added(self) -> None:
        self.name.clear()
        self.phone.clear()
        self.link.clear()

    def _member_chosen(self) -> None:
        member = self._member()
        self.member_phone.setText(member.phone or "" if member else "")
        self.member_role.setCurrentText(member.role or "" if member else "")

    def update_member(self) -> None:
        member = self._member()
        if member is None:
            self.error.show_error(self.tr("Choose a member first."))
            return
        phone, role = self.member_phone.text(), self.member_role.currentText()
        self._attempt(lambda s: teams.update_member(s, member.id, phone, role))

    def member_left(self) -> None:
        member = self._member()
        if member is not None:
            left_on = to_date(self.left_on.date())
            self._attempt(lambda s: teams.member_left(s, member.id, left_on))

    def add_training(self) -> None:
        member = self._member()
        if member is None:
            self.error.show_error(self.tr("Choose a member first."))
            return
        course, on, hours = self.course.text(), to_date(self.course_on.date()), self.hours.value()
        self._attempt(lambda s: teams.add_training(s, member.id, course, on, hours),
                      self.course.clear)
