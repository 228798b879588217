"""Who may do what: roles, permissions, and the checks the services make.

The GUI hides what a role cannot do, but the services decide: every service
that reads personal data or writes records calls `require` (or
`require_village`) on the session, which carries the acting principal.
"""

import getpass
import uuid
from dataclasses import dataclass
from enum import Enum, StrEnum

from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError

PRINCIPAL_KEY = "principal"


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    TEAM_MEMBER = "team_member"
    VIEWER = "viewer"


ROLE_LABELS = {
    Role.ADMIN: "Quản trị xã",
    Role.OFFICER: "Cán bộ",
    Role.TEAM_MEMBER: "Thành viên tổ CNS",
    Role.VIEWER: "Chỉ xem số liệu",
}


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

DENIED = {
    Permission.MANAGE_USERS: "quản lý người dùng",
    Permission.CHANGE_SETTINGS: "thay đổi cài đặt của xã",
    Permission.SYNC: "đồng bộ dữ liệu",
    Permission.BACKUP: "sao lưu và khôi phục",
    Permission.VIEW_AUDIT: "xem nhật ký",
    Permission.EDIT_RECORDS: "sửa hồ sơ",
    Permission.IMPORT: "nhập dữ liệu từ Excel",
    Permission.VIEW_PERSONAL: "xem thông tin cá nhân",
    Permission.EXPORT_PEOPLE: "xuất danh sách người dân",
    Permission.EXPORT_PERSONAL: "xuất số định danh, số điện thoại, ngày sinh",
    Permission.ERASE_PERSON: "xóa hẳn hồ sơ một người",
    Permission.VIEW_COUNTS: "xem số liệu",
}


class AccessDenied(UserError):
    """The acting user's role does not allow this."""


class NotSignedInError(UserError):
    """Nobody is signed in (and the command line is not acting)."""


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


def user_principal(username: str, role: Role, user_id: uuid.UUID,
                   village_id: uuid.UUID | None, full_name: str) -> Principal:
    return Principal(f"user:{username}", role, user_id, village_id, full_name)


def command_line() -> Principal:
    """The command line acts with the authority of whoever holds the data key."""
    try:
        os_user = getpass.getuser()
    except Exception:  # no user name in the environment (some services)
        os_user = "unknown"
    return Principal(f"cli:{os_user}", Role.ADMIN, display_name=f"Dòng lệnh ({os_user})")


# The app itself, for work nobody asked for: setting up a profile before any user
# exists, automatic backups.
SYSTEM = Principal("system", Role.ADMIN, display_name="Hệ thống")


def principal_of(session: Session) -> Principal:
    acting = session.info.get(PRINCIPAL_KEY)
    if not isinstance(acting, Principal):
        raise NotSignedInError("Chưa đăng nhập.")
    return acting


def require(session: Session, permission: Permission) -> Principal:
    acting = principal_of(session)
    if not acting.may(permission):
        raise AccessDenied(
            f"Vai trò “{ROLE_LABELS[acting.role]}” không được {DENIED[permission]}."
        )
    return acting


def village_scope(session: Session) -> uuid.UUID | None:
    """The one village a team member may see; None means every village."""
    acting = principal_of(session)
    if acting.role is not Role.TEAM_MEMBER:
        return None
    if acting.village_id is None:
        raise AccessDenied("Tài khoản thành viên tổ chưa được gán thôn; hãy nhờ quản trị gán.")
    return acting.village_id


def scoped_village(session: Session, asked: uuid.UUID | None) -> uuid.UUID | None:
    """The village a listing should cover: a team member's own, whatever was asked."""
    own = village_scope(session)
    if own is not None and asked is not None and asked != own:
        raise AccessDenied("Thành viên tổ chỉ được xem hồ sơ của thôn mình.")
    return own if own is not None else asked


def require_village(session: Session, permission: Permission,
                    village_id: uuid.UUID | None) -> Principal:
    """require(), and for team members also that the record is in their village."""
    acting = require(session, permission)
    if acting.role is Role.TEAM_MEMBER and (acting.village_id is None
                                            or village_id != acting.village_id):
        raise AccessDenied("Thành viên tổ chỉ được làm việc với hồ sơ của thôn mình.")
    return acting
