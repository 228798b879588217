"""Tổ CNSCĐ: each village's team, its members, who left, and their training."""

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from cdsxa.common.formatting import mask_phone, vn_date
from cdsxa.common.ids import PersonId
from cdsxa.db.session import AppSession
from cdsxa.register import teams
from cdsxa.security.access import Permission
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.export_action import export_rows, suggested_path
from cdsxa.ui.export_dialog import ExportDialog, PeopleExport
from cdsxa.ui.list_printer import print_button, print_view
from cdsxa.ui.operations import WriteOp
from cdsxa.ui.pages.base import Page, heading
from cdsxa.ui.person_picker import PersonPicker, register_search
from cdsxa.ui.rows_model import RowsView
from cdsxa.ui.widgets import date_edit, to_date


class TeamsPage(Page):
    watches = frozenset({"team", "team_member", "training", "village"})

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.team_rows: list[teams.TeamView] = []
        self.member_rows: list[teams.MemberView] = []
        self.export_dialog: ExportDialog | None = None
        self.teams_table = RowsView([self.tr("Village"), self.tr("Active members"),
                                     self.tr("Trained")], right_aligned=(1, 2))
        self.members_table = RowsView([self.tr("Full name"), self.tr("Role"),
                                       self.tr("Comes from"), self.tr("Phone"),
                                       self.tr("Joined"), self.tr("Left"),
                                       self.tr("Training hours")], stretch=6, right_aligned=(6,))
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
        self.print_button = print_button(self, self.print_members)
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
        top.addWidget(self.print_button)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        layout.addLayout(tables, 1)
        layout.addLayout(forms)
        layout.addWidget(self.error)
        self.teams_table.selectionModel().selectionChanged.connect(self._show_members)
        self.add_button.clicked.connect(self.add_member)
        self.left_button.clicked.connect(self.member_left)
        self.training_button.clicked.connect(self.add_training)
        self.export_button.clicked.connect(self.export)
        self.update_button.clicked.connect(self.update_member)
        self.members_table.selectionModel().selectionChanged.connect(self._member_chosen)
        self.create_missing.clicked.connect(
            lambda: self._attempt(teams.create_missing_teams))

    def refresh(self) -> None:
        with self.context.read() as session:
            self.team_rows = teams.list_teams(session)
            missing = teams.villages_without_team(session)
        self.create_missing.setVisible(bool(missing))
        self.create_missing.setText(self.tr("Set up teams for {count} villages without one").format(
            count=len(missing)))
        chosen = self._team()
        self.teams_table.rows_model.set_rows(
            [(team.village, team.active_members, team.trained_members)
             for team in self.team_rows], self.team_rows)
        keys = self.teams_table.rows_model.keys  # in the order shown (sorted or not)
        if keys:
            row = next((i for i, team in enumerate(keys) if chosen is not None
                        and isinstance(team, teams.TeamView) and team.id == chosen.id), 0)
            self.teams_table.selectRow(row)
        self._show_members()

    def print_members(self) -> None:
        """The chosen team's members as listed (phones as shown)."""
        team = self._team()
        if team is None:
            self.error.show_error(self.tr("Choose a team first."))
            return
        print_view(self, self.context, self.members_table, team.name)

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
        team = self.teams_table.current_key()
        return team if isinstance(team, teams.TeamView) else None

    def _show_members(self) -> None:
        team = self._team()
        with self.context.read() as session:
            self.member_rows = teams.members(session, team_id=team.id) if team else []
        # Values, not text: dates and hours sort as such when a header is clicked.
        self.members_table.rows_model.set_rows(
            [(member.full_name, member.role or "",
              teams.ORGANISATIONS.get(member.organisation, member.organisation),
              member.phone or "", member.joined_on, member.left_on, member.training_hours)
             for member in self.member_rows], self.member_rows)

    def _member(self) -> teams.MemberView | None:
        member = self.members_table.current_key()
        return member if isinstance(member, teams.MemberView) else None

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
