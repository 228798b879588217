"""What every page is handed: the open profile, who is signed in, and the change bus."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from cdsxa.db.engine import Database
from cdsxa.security.access import Permission, Principal


class Changes(QObject):
    """Broadcast after a write: which kinds of records changed (e.g. {"village"}).

    Pages refresh only what they show, instead of calling each other.
    """

    changed = Signal(object)  # frozenset[str]


@dataclass
class AppContext:
    data_dir: Path
    db: Database
    principal: Principal  # the signed-in user; the services check what they may do
    changes: Changes

    def may(self, permission: Permission) -> bool:
        """Whether to offer something; the services decide anyway."""
        return self.principal.may(permission)

    @contextmanager
    def write(self, *kinds: str) -> Iterator[Session]:
        """A transaction; when it commits, the kinds it touched are announced."""
        with self.db.transaction(self.principal) as session:
            yield session
        self.changes.changed.emit(frozenset(kinds))

    def read(self) -> AbstractContextManager[Session]:
        return self.db.reading(self.principal)
