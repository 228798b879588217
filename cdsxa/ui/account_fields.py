"""Fields for an account or a secret: a name, a sign-in name, a password typed twice.

Shared by the first-run wizard, the first-administrator dialog, the forgotten
password dialog and the data passphrase dialogs, so they all check the same way.
"""

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from cdsxa.common.errors import UserError
from cdsxa.common.text import clean
from cdsxa.commune.profile import FirstUser
from cdsxa.security import keys, users


def secret_field(placeholder: str = "") -> QLineEdit:
    field = QLineEdit(placeholderText=placeholder)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class SecretPair:
    """A password or passphrase typed twice, hidden; value() checks they match."""

    def __init__(self) -> None:
        self.first = secret_field()
        self.second = secret_field()

    def add_to(self, form: QFormLayout, label: str, again: str) -> None:
        form.addRow(label, self.first)
        form.addRow(again, self.second)

    def filled(self) -> bool:
        return bool(self.first.text() and self.second.text())

    def value(self) -> str:
        if self.first.text() != self.second.text():
            raise UserError(QCoreApplication.translate(
                "SecretPair", "The two entries are not the same. Type them again."))
        return self.first.text()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()

    def password(self) -> str:
        """A sign-in password: matching, and long and varied enough."""
        value = self.value()
        users.check_password(value)
        return value

    def passphrase(self) -> str:
        """A data passphrase: matching, and long enough."""
        value = self.value()
        keys.check_passphrase(value)
        return value


class AccountFields(QWidget):
    """Full name, position, sign-in name and password (twice) of an administrator."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_name = QLineEdit()
        self.position = QLineEdit(
            placeholderText=self.tr("e.g. Culture and Social Affairs officer"))
        self.username = QLineEdit(placeholderText=self.tr("e.g. lan.ht"))
        self.password = SecretPair()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Full name"), self.full_name)
        form.addRow(self.tr("Position"), self.position)
        form.addRow(self.tr("Sign-in name"), self.username)
        self.password.add_to(form, self.tr("Password"), self.tr("Password again"))
        for field in (self.full_name, self.username, self.password.first,
                      self.password.second):
            field.textChanged.connect(lambda *_: self.edited.emit())

    def filled(self) -> bool:
        return bool(clean(self.full_name.text()) and clean(self.username.text())
                    and self.password.filled())

    def value(self) -> FirstUser:
        """The account typed, checked; raises UserError with the reason."""
        if not clean(self.full_name.text()):
            raise UserError(self.tr("Type the administrator's full name."))
        if not clean(self.username.text()):
            raise UserError(self.tr("Choose a sign-in name."))
        return FirstUser(self.full_name.text(), clean(self.position.text()),
                         clean(self.username.text()), self.password.password())
