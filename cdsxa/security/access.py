"""Who may do what: roles, permissions, and the checks the services make.

The GUI hides what a role cannot do, but the services decide: every service
that reads personal data or writes records calls `require` (or
`require_village`) on the session, which carries the acting principal.
"""

import getpass
import uuid

from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.common.principal import GRANTS as GRANTS
from cdsxa.common.principal import Permission as Permission
from cdsxa.common.principal import Principal as Principal
from cdsxa.common.principal import Role as Role
from cdsxa.db.session import AppSession


ROLE_LABELS = {
    Role.ADMIN: "Quản trị xã",
    Role.OFFICER: "Cán bộ",
    Role.TEAM_MEMBER: "Thành viên tổ CNS",
    Role.VIEWER: "Chỉ xem số liệu",
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
    if not isinstance(session, AppSession):
        raise NotSignedInError("Chưa đăng nhập.")
    return session.actor.principal


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
