"""Dialogs for accounts: a new user, changing one, and setting a password.

Each dialog saves through the users service in one transaction when OK is
pressed; a refusal (UserError) is shown inside the dialog, which stays open with
what was typed, and nothing is saved.
"""

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.common.ids import VillageId
from cdsxa.register import villages
from cdsxa.security import users
from cdsxa.security.access import ROLE_LABELS, Role
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import ErrorLabel
from cdsxa.ui.operations import WriteOp, writing

ROLES = (Role.OFFICER, Role.TEAM_MEMBER, Role.VIEWER, Role.ADMIN)  # the usual first


def role_label(role: Role) -> str:
    """The role's name as the services say it (Vietnamese), or in English."""
    if QLocale().language() == QLocale.Language.Vietnamese:
        return ROLE_LABELS[role]  # the very words the services' refusals use
    english = {
        Role.ADMIN: QCoreApplication.translate("Roles", "Commune administrator"),
        Role.OFFICER: QCoreApplication.translate("Roles", "Officer"),
        Role.TEAM_MEMBER: QCoreApplication.translate("Roles", "Community tech team member"),
        Role.VIEWER: QCoreApplication.translate("Roles", "Viewer (figures only)"),
    }
    return english[role]


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class _SavingDialog(QDialog):
    """OK runs `work()`'s action in a transaction on the writer thread; a refusal stays
    on screen, the dialog open."""

    def __init__(self, context: AppContext, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.setMinimumWidth(440)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def work(self) -> Callable[[Session], Any]:
        """What Save does in the transaction; raise UserError to refuse."""
        raise NotImplementedError

    def save(self) -> None:
        if writing(self):
            return
        try:
            action = self.work()  # reads the fields; the action gets their values only
        except UserError as exc:
            self.error.show_error(exc.message)
            return
        WriteOp(self, self.context, action).success(lambda _: self._saved()) \
            .failure(self.error.show_failure).run_in_background()

    def _saved(self) -> None:
        self.error.clear_error()
        self.accept()

    def _same_passwords(self, first: QLineEdit, second: QLineEdit) -> str:
        if first.text() != second.text():
            second.setFocus()
            raise UserError(self.tr("The two passwords are not the same."))
        return first.text()


class UserDialog(_SavingDialog):
    """A new account (name, sign-in name, role, village, first password), or an
    existing one's name, role, village and whether it is active."""

    def __init__(self, context: AppContext, user: users.UserView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setWindowTitle(self.tr("Add user") if user is None else self.tr("Edit user"))
        self.user = user
        self.full_name = QLineEdit()
        self.position = QLineEdit()
        self.position.setPlaceholderText(self.tr("optional, e.g. Culture officer"))
        self.username = QLineEdit()
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(role_label(role), role)
        self.village = QComboBox()
        self.village.setPlaceholderText("—")
        self.village_note = QLabel(self.tr("Team members see and edit only their village."))
        self.village_note.setWordWrap(True)
        self.active = QCheckBox(self.tr("Active (may sign in)"))
        self.password = _password_field()
        self.repeat = _password_field()
        self._load_villages()
        self._build()
        self.role.currentIndexChanged.connect(self._role_chosen)
        if user is not None:
            self._show(user)
        self._role_chosen()

    def _build(self) -> None:
        self.form.addRow(self.tr("Full name"), self.full_name)
        self.form.addRow(self.tr("Position"), self.position)
        self.form.addRow(self.tr("Sign-in name"), self.username)
        self.form.addRow(self.tr("Role"), self.role)
        self.form.addRow(self.tr("Village"), self.village)
        self.form.addRow("", self.village_note)
        if self.user is None:
            self.form.addRow(self.tr("Password"), self.password)
            self.form.addRow(self.tr("Password again"), self.repeat)
            self.form.addRow("", QLabel(self.tr("At least {count} characters. Tell it to the "
                                                "user; they can change it later.").format(
                count=users.MIN_PASSWORD)))
        else:
            self.form.addRow("", self.active)
            self.username.setReadOnly(True)
        self._lay_out()

    def _load_villages(self) -> None:
        with self.context.read() as session:
            known = villages.list_all(session)
        for village in known:  # ids as text: Qt cannot find a UUID among item data
            self.village.addItem(village.name, str(village.id))

    def _show(self, user: users.UserView) -> None:
        self.full_name.setText(user.full_name)
        self.position.setText(user.position or "")
        self.username.setText(user.username or "")
        self.role.setCurrentIndex(self.role.findData(user.role))
        if user.village_id is not None:
            self.village.setCurrentIndex(self.village.findData(str(user.village_id)))
        self.active.setChecked(user.active)

    def chosen_role(self) -> Role:
        return Role(self.role.currentData())  # Qt hands back the plain string

    def _role_chosen(self) -> None:
        member = self.chosen_role() is Role.TEAM_MEMBER
        self.village.setEnabled(member)
        self.village_note.setVisible(member)
        if not member:
            self.village.setCurrentIndex(-1)  # shows "—": other roles have no village
        elif self.village.currentIndex() < 0 and self.village.count():
            self.village.setCurrentIndex(0)

    def chosen_village(self) -> VillageId | None:
        if self.chosen_role() is not Role.TEAM_MEMBER:
            return None
        found = self.village.currentData()
        return VillageId(uuid.UUID(found)) if found else None

    def work(self) -> Callable[[Session], Any]:
        role = self.chosen_role()
        if self.user is None:
            data = users.UserInput(
                full_name=self.full_name.text(), username=self.username.text(), role=role,
                password=self._same_passwords(self.password, self.repeat),
                position=self.position.text() or None, village_id=self.chosen_village())
            return lambda session: users.create_user(session, data)
        user_id, village_id = self.user.id, self.chosen_village()
        full_name, position, active = (self.full_name.text(), self.position.text(),
                                       self.active.isChecked())
        return lambda session: users.update_user(session, user_id, role, village_id, active,
                                                 full_name, position)


class PasswordDialog(_SavingDialog):
    """A new password for a user; for one's own account, the current one first."""

    def __init__(self, context: AppContext, user: users.UserView,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setWindowTitle(self.tr("Set password"))
        self.user = user
        self.own = context.principal.user_id == user.id
        self.current = _password_field()
        self.password = _password_field()
        self.repeat = _password_field()
        who = QLabel(self.tr("New password for {name} ({login}).").format(
            name=user.full_name, login=user.username or ""))
        who.setWordWrap(True)
        self.form.addRow(who)
        if self.own:
            self.form.addRow(self.tr("Current password"), self.current)
        self.form.addRow(self.tr("New password"), self.password)
        self.form.addRow(self.tr("New password again"), self.repeat)
        self._lay_out()

    def work(self) -> Callable[[Session], Any]:
        new = self._same_passwords(self.password, self.repeat)
        current = self.current.text() if self.own else None
        user_id = self.user.id
        return lambda session: users.set_password(session, user_id, new, current)
