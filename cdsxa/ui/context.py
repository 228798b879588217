"""What every page is handed: the open profile, who is signed in, and the change bus."""

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from cdsxa.common.actor import Actor
from cdsxa.db.engine import Database
from cdsxa.security.access import Permission, Principal


class Changes(QObject):
    """Broadcast after a write: the tables it wrote (e.g. {"village"}).

    Pages refresh only what they show, instead of calling each other. Writes go
    through cdsxa.ui.operations.WriteOp, which announces what its transaction wrote.
    """

    changed = Signal(object)  # frozenset[str]


@dataclass
class AppContext:
    data_dir: Path
    db: Database
    principal: Principal  # the signed-in user; the services check what they may do
    changes: Changes
    # Made once at sign-in: a job still running after sign-out keeps acting as it did.
    actor: Actor = field(init=False)

    def __post_init__(self) -> None:
        self.actor = self.db.actor(self.principal)

    def may(self, permission: Permission) -> bool:
        """Whether to offer something; the services decide anyway."""
        return self.principal.may(permission)

    def read(self) -> AbstractContextManager[Session]:
        """A short read on the UI thread (a form's choices); searches use a QueryOp."""
        return self.db.reading(self.actor)
