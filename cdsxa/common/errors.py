"""Errors a user can act on. Their messages are Vietnamese and shown as they are."""


class UserError(Exception):
    """Bad input or a state the user can fix; the message says what to do."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class NotFound(UserError):
    """A record, code or name that does not exist."""
