"""Who is acting: roles, the permissions each role has, and the principal.

Pure vocabulary (stdlib only), so the persistence layer can carry who is acting
without importing the services that check it (cdsxa.security.access).
"""

import uuid
from dataclasses import dataclass
from enum import Enum, StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    TEAM_MEMBER = "team_member"
    VIEWER = "viewer"


class Permission(Enum):
    MANAGE_USERS = "manage_users"
    CHANGE_SETTINGS = "change_settings"  # commune profile, villages' structure, lock time
    SYNC = "sync"
    BACKUP = "backup"
    VIEW_AUDIT = "view_audit"
    EDIT_RECORDS = "edit_records"  # people, sessions, teams (team members: own village)
    IMPORT = "import"  # Excel imports touch any village
    VIEW_PERSONAL = "view_personal"  # names, ID numbers, phones (team members: own village)
    EXPORT_PEOPLE = "export_people"  # lists of people, without ID numbers and phones
    EXPORT_PERSONAL = "export_personal"  # with ID numbers, phones, birth dates (asks why)
    ERASE_PERSON = "erase_person"
    VIEW_COUNTS = "view_counts"  # indicators, reports, team lists


_OFFICER = {
    Permission.EDIT_RECORDS, Permission.IMPORT, Permission.VIEW_PERSONAL,
    Permission.EXPORT_PEOPLE, Permission.EXPORT_PERSONAL, Permission.ERASE_PERSON,
    Permission.VIEW_COUNTS,
}
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.OFFICER: frozenset(_OFFICER),
    Role.TEAM_MEMBER: frozenset({Permission.EDIT_RECORDS, Permission.VIEW_PERSONAL,
                                 Permission.VIEW_COUNTS}),
    Role.VIEWER: frozenset({Permission.VIEW_COUNTS}),
}


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user, or the command line holding the data key.

    `name` is what the change log and audit log record.
    """

    name: str
    role: Role
    user_id: uuid.UUID | None = None
    village_id: uuid.UUID | None = None  # a team member's own village
    display_name: str = ""

    def may(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]

    @property
    def label(self) -> str:
        return self.display_name or self.name
