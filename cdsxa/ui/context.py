"""What every page is handed: the open profile, who is acting, and the change bus."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from cdsxa.db.engine import Database


class Changes(QObject):
    """Broadcast after a write: which kinds of records changed (e.g. {"village"}).

    Pages refresh only what they show, instead of calling each other.
    """

    changed = Signal(object)  # frozenset[str]


@dataclass
class AppContext:
    data_dir: Path
    db: Database
    actor: str
    changes: Changes

    @contextmanager
    def write(self, *kinds: str) -> Iterator[Session]:
        """A transaction; when it commits, the kinds it touched are announced."""
        with self.db.transaction(self.actor) as session:
            yield session
        self.changes.changed.emit(frozenset(kinds))

    def read(self) -> AbstractContextManager[Session]:
        return self.db.reading()
