"""The actor every database session carries: who, for which commune, on which device."""

import uuid
from dataclasses import dataclass

from cdsxa.common.principal import Principal


@dataclass(frozen=True)
class Actor:
    """Made once when someone starts acting (sign-in, a command) and never changed.

    A worker thread holds its own Actor, so signing out cannot change who a job
    that is still running acts as. `commune_code` scopes what is written and
    counted; `device_id` is this PC's id, stamped on every change it makes.
    """

    principal: Principal
    commune_code: int | None
    device_id: uuid.UUID | None

    @property
    def name(self) -> str:
        """What the change log and the audit log record."""
        return self.principal.name
