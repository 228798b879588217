"""Người dùng: the accounts of this PC, their roles and villages (administrators)."""

from datetime import datetime

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from cdsxa.common.errors import UserError
from cdsxa.security import users
from cdsxa.security.access import Permission
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.pages.base import Page, heading, paragraph
from cdsxa.ui.rows_model import RowsView, Shown
from cdsxa.ui.user_form import PasswordDialog, UserDialog, role_label


def local_time(value: datetime | None) -> str:
    """An aware time as the PC's local dd/mm/yyyy HH:MM; empty for none."""
    return "" if value is None else value.astimezone().strftime("%d/%m/%Y %H:%M")


class UsersPage(Page):
    watches = frozenset({"app_user", "village"})

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.shown: list[users.UserView] = []
        self.table = RowsView([self.tr("Full name"), self.tr("Sign-in name"), self.tr("Role"),
                               self.tr("Village"), self.tr("Active"),
                               self.tr("Last sign-in")], stretch=0)
        self.add_button = QPushButton(self.tr("Add user…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.password_button = QPushButton(self.tr("Set password…"))
        self.status = QLabel()
        self.error = ErrorLabel()
        self._build()
        self.add_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.password_button.clicked.connect(self.set_password)
        self.table.doubleClicked.connect(self.edit_user)
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self._selection_changed()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Users")), 1)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.password_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(paragraph(self.tr(
            "Everyone who uses this PC signs in with their own name. Administrators manage "
            "users and settings; officers work with all records; team members only with "
            "their own village; viewers see figures and reports only.")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.error)

    def _may_manage(self) -> bool:
        return self.context.may(Permission.MANAGE_USERS)

    def refresh(self) -> None:
        chosen = self.table.current_key()
        try:
            with self.context.read() as session:
                self.shown = users.list_users(session)
        except UserError as exc:  # a role that may not manage users
            self.shown = []
            self.error.show_error(exc.message)
        else:
            self.error.clear_error()
        self.table.rows_model.set_rows(
            [(u.full_name, u.username or "", role_label(u.role), u.village_name or "",
              self.tr("Yes") if u.active else self.tr("No"),
              Shown(local_time(u.last_sign_in), u.last_sign_in))
             for u in self.shown],
            [u.id for u in self.shown])
        if chosen in self.table.rows_model.keys:
            self.table.selectRow(self.table.rows_model.keys.index(chosen))
        active = sum(1 for u in self.shown if u.active)
        self.status.setText(self.tr("{count} users, {active} active.").format(
            count=len(self.shown), active=active))
        self.add_button.setEnabled(self._may_manage())
        self._selection_changed()

    def _selection_changed(self) -> None:
        chosen = self.chosen() is not None and self._may_manage()
        self.edit_button.setEnabled(chosen)
        self.password_button.setEnabled(chosen)

    def chosen(self) -> users.UserView | None:
        key = self.table.current_key()
        return next((u for u in self.shown if u.id == key), None)

    def add_user(self) -> None:
        if UserDialog(self.context, parent=self).exec() == UserDialog.DialogCode.Accepted:
            self.refresh()

    def edit_user(self) -> None:
        user = self.chosen()
        if user is not None and self._may_manage():
            if UserDialog(self.context, user, parent=self).exec() == UserDialog.DialogCode.Accepted:
                self.refresh()

    def set_password(self) -> None:
        user = self.chosen()
        if user is None:
            return
        if PasswordDialog(self.context, user, parent=self).exec() == \
                PasswordDialog.DialogCode.Accepted:
            self.status.setText(self.tr("New password saved for {name}.").format(
                name=user.full_name))
