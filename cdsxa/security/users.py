"""Accounts on this PC: passwords, sign-in with lock-out, and their management."""

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from cdsxa.db.engine import Database

from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.ids import UserId, VillageId
from cdsxa.common.text import clean, fold, nfc
from cdsxa.db.base import live, utcnow
from cdsxa.db.models import AppUser, Village
from cdsxa.security import audit, keys
from cdsxa.security.access import (
    ROLE_LABELS,
    SYSTEM,
    AccessDenied,
    Permission,
    Principal,
    Role,
    principal_of,
    require,
    user_principal,
)

# Argon2id with the library's defaults (RFC 9106's second recommendation). Tests
# swap in a cheaper hasher; a hash records its own parameters, so both verify.
HASHER = PasswordHasher()
MIN_PASSWORD = 8
# Lock-out: from the FREE_ATTEMPTS-th failure in a row, the next attempt must wait,
# 30 seconds at first, doubling with each further failure, up to 15 minutes.
FREE_ATTEMPTS = 3
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)


class SignInFailed(UserError):
    """Wrong name or password, or a locked account; the message says which and how long."""

    def __init__(self, message: str, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class UserInput:
    full_name: str
    username: str
    role: Role
    password: str | None = None
    position: str | None = None
    village_id: VillageId | None = None


@dataclass(frozen=True)
class UserView:
    id: UserId
    full_name: str
    username: str | None
    role: Role
    position: str | None
    village_id: VillageId | None
    village_name: str | None
    active: bool
    has_password: bool
    last_sign_in: datetime | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def _hash(password: str) -> str:
    # NFC: Vietnamese keyboards type "ậ" precomposed or as "a" + marks; either must match.
    return HASHER.hash(nfc(password))


UNKNOWN_ACTOR = "user:?"


@cache
def _dummy_hash() -> str:
    """What an unknown name's password is checked against, made on first use."""
    return HASHER.hash("không phải mật khẩu của ai")


def _matches(password_hash: str, password: str) -> bool:
    try:
        return bool(HASHER.verify(password_hash, nfc(password)))
    except (VerificationError, InvalidHashError):
        return False


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    if len(set(password)) < 3:
        raise UserError("Mật khẩu quá đơn giản; hãy dùng nhiều ký tự khác nhau.")


def _username_key(username: str) -> str:
    return fold(username).replace(" ", "")


def _valid_username(username: str) -> str:
    name = clean(username)
    if not name:
        raise UserError("Hãy nhập tên đăng nhập.")
    if len(name) > 60:
        raise UserError("Tên đăng nhập dài quá 60 ký tự.")
    return name


def _refuse_taken(session: Session, key: str, except_id: uuid.UUID | None = None) -> None:
    query = select(AppUser.id).where(AppUser.username_key == key)
    if except_id is not None:
        query = query.where(AppUser.id != except_id)
    if session.scalars(query).first() is not None:
        raise UserError("Tên đăng nhập này đã có người dùng.")


def _check_village(session: Session, role: Role, village_id: uuid.UUID | None) -> None:
    if role is Role.TEAM_MEMBER and village_id is None:
        raise UserError("Thành viên tổ cần được gán một thôn/bản.")
    if village_id is not None and session.scalars(
        select(Village.id).where(Village.id == village_id, live(Village))
    ).first() is None:
        raise NotFound("Không tìm thấy thôn/bản đã chọn.")


def _view(user: AppUser, village_names: dict[uuid.UUID, str]) -> UserView:
    return UserView(UserId(user.id), user.full_name, user.username, Role(user.role),
                    user.position, VillageId(user.village_id) if user.village_id else None,
                    village_names.get(user.village_id) if user.village_id else None,
                    user.active, user.password_hash is not None, user.last_sign_in)


# --- the first administrator -------------------------------------------------------

def needs_first_admin(session: Session) -> bool:
    """True until an active administrator can sign in (a new or pre-sign-in profile)."""
    return session.scalars(
        select(AppUser.id).where(AppUser.role == Role.ADMIN.value, AppUser.active,
                                 AppUser.password_hash.is_not(None))
    ).first() is None


def unclaimed_admin(session: Session) -> UserView | None:
    """The administrator carried over from before sign-in, waiting for a password."""
    user = session.scalars(
        select(AppUser).where(AppUser.role == Role.ADMIN.value, AppUser.password_hash.is_(None))
        .order_by(AppUser.created_at)
    ).first()
    return _view(user, {}) if user else None


def create_first_admin(session: Session, full_name: str, username: str,
                       password: str, position: str | None = None) -> UserId:
    """The one account anyone may create: only while no administrator can sign in."""
    if not needs_first_admin(session):
        raise AccessDenied("Đã có tài khoản quản trị; hãy đăng nhập bằng tài khoản đó.")
    name, login = clean(full_name), _valid_username(username)
    if not name:
        raise UserError("Hãy nhập họ tên người quản trị.")
    check_password(password)
    key = _username_key(login)
    waiting = session.scalars(
        select(AppUser).where(AppUser.role == Role.ADMIN.value, AppUser.password_hash.is_(None))
        .order_by(AppUser.created_at)
    ).first()
    _refuse_taken(session, key, waiting.id if waiting else None)
    user = waiting or AppUser(full_name=name, role=Role.ADMIN.value)
    user.full_name, user.position = name, clean(position) or user.position
    user.username, user.username_key = login, key
    user.password_hash = _hash(password)
    user.active = True
    session.add(user)
    session.flush()
    audit.record(session, "user", f"Tạo tài khoản quản trị “{login}”",
                 object_table="app_user", object_id=user.id)
    return UserId(user.id)


# --- signing in --------------------------------------------------------------------

def _delay(failures: int) -> timedelta:
    over = failures - FREE_ATTEMPTS
    if over < 0:
        return timedelta(0)
    delay: timedelta = min(FIRST_DELAY * (2 ** over), MAX_DELAY)
    return delay


def _find(session: Session, username: str) -> AppUser | None:
    return session.scalars(
        select(AppUser).where(AppUser.username_key == _username_key(username))
    ).first()


def sign_in(session: Session, username: str, password: str,
            now: datetime | None = None) -> Principal:
    """Check the password; count failures and make the next attempt wait longer.

    Runs in a transaction of its own (the failure must be saved even though the
    sign-in fails): the caller commits whatever happens.
    """
    now = now or utcnow()
    user = _find(session, username) if clean(username) else None
    if user is None:
        # Same message, and the same time spent hashing, as a wrong password: do not
        # tell which names exist. What was typed is not kept: people type their
        # password into the name field.
        _matches(_dummy_hash(), password)
        audit.record(session, "sign_in_failed", "Tên đăng nhập không có (điều đã gõ không "
                     "được ghi lại)", actor=UNKNOWN_ACTOR)
        raise SignInFailed("Sai tên đăng nhập hoặc mật khẩu.")
    if not user.active or user.password_hash is None:
        _matches(_dummy_hash(), password)
        audit.record(session, "sign_in_failed", "Tài khoản đã bị khóa hoặc chưa có mật khẩu",
                     object_table="app_user", object_id=user.id, actor=f"user:{user.username}")
        raise SignInFailed("Sai tên đăng nhập hoặc mật khẩu.")
    if user.locked_until is not None and user.locked_until > now:
        wait = math.ceil((user.locked_until - now).total_seconds())
        audit.record(session, "sign_in_failed", f"Thử lại khi còn phải chờ {wait} giây",
                     object_table="app_user", object_id=user.id, actor=f"user:{user.username}")
        raise SignInFailed(f"Đăng nhập sai nhiều lần. Hãy thử lại sau {wait} giây.", wait)
    if not _matches(user.password_hash, password):
        user.failed_attempts += 1
        delay = _delay(user.failed_attempts)
        user.locked_until = now + delay if delay else None
        session.flush()
        audit.record(session, "sign_in_failed", f"Lần sai thứ {user.failed_attempts}",
                     object_table="app_user", object_id=user.id, actor=f"user:{user.username}")
        wait = int(delay.total_seconds())
        message = "Sai tên đăng nhập hoặc mật khẩu."
        if wait:
            message += f" Hãy thử lại sau {wait} giây."
        raise SignInFailed(message, wait)
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _hash(password)
    user.failed_attempts, user.locked_until, user.last_sign_in = 0, None, now
    session.flush()
    principal = user_principal(str(user.username), Role(user.role), user.id, user.village_id,
                               user.full_name)
    audit.record(session, "sign_in", "", object_table="app_user", object_id=user.id,
                 actor=principal.name)
    return principal


def attempt_sign_in(db: "Database", username: str, password: str) -> Principal:
    """sign_in in a transaction of its own that commits even when it fails.

    A failure (its count, the lock-out, the audit entry) must be saved, so the
    SignInFailed is caught inside the transaction and raised after it commits.
    """
    failure: SignInFailed | None = None
    with db.transaction(SYSTEM) as session:
        try:
            return sign_in(session, username, password)
        except SignInFailed as exc:
            failure = exc
    assert failure is not None
    raise failure


# --- managing accounts -------------------------------------------------------------

def list_users(session: Session) -> list[UserView]:
    require(session, Permission.MANAGE_USERS)
    names: dict[uuid.UUID, str] = {
        r[0]: r[1] for r in session.execute(select(Village.id, Village.name))}
    rows = session.scalars(select(AppUser).order_by(AppUser.active.desc(), AppUser.full_name))
    return [_view(u, names) for u in rows]


def _get(session: Session, user_id: uuid.UUID) -> AppUser:
    user = session.get(AppUser, user_id)
    if user is None:
        raise NotFound("Không tìm thấy người dùng.")
    return user


def create_user(session: Session, data: UserInput) -> UserId:
    require(session, Permission.MANAGE_USERS)
    name, login = clean(data.full_name), _valid_username(data.username)
    if not name:
        raise UserError("Hãy nhập họ tên người dùng.")
    if not data.password:
        raise UserError("Hãy đặt mật khẩu ban đầu cho người dùng.")
    check_password(data.password)
    key = _username_key(login)
    _refuse_taken(session, key)
    _check_village(session, data.role, data.village_id)
    user = AppUser(full_name=name, position=clean(data.position), username=login,
                   username_key=key, role=data.role.value,
                   village_id=data.village_id if data.role is Role.TEAM_MEMBER else None,
                   password_hash=_hash(data.password), active=True)
    session.add(user)
    session.flush()
    audit.record(session, "user", f"Tạo tài khoản “{login}” ({ROLE_LABELS[data.role]})",
                 object_table="app_user", object_id=user.id)
    return UserId(user.id)


def _active_admins(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AppUser).where(
        AppUser.role == Role.ADMIN.value, AppUser.active,
        AppUser.password_hash.is_not(None))) or 0)


def update_user(session: Session, user_id: UserId, role: Role,
                village_id: VillageId | None, active: bool,
                full_name: str | None = None, position: str | None = None) -> None:
    require(session, Permission.MANAGE_USERS)
    user = _get(session, user_id)
    _check_village(session, role, village_id)
    was_admin = user.role == Role.ADMIN.value and user.active
    if was_admin and (role is not Role.ADMIN or not active) and _active_admins(session) <= 1:
        raise UserError("Phải còn ít nhất một quản trị đang hoạt động.")
    before = {"role": user.role, "village_id": str(user.village_id) if user.village_id else None,
              "active": user.active, "full_name": user.full_name, "position": user.position}
    user.role, user.active = role.value, active
    user.village_id = village_id if role is Role.TEAM_MEMBER else None
    if full_name is not None and clean(full_name):
        user.full_name = clean(full_name) or user.full_name
    if position is not None:
        user.position = clean(position)
    after = {"role": user.role, "village_id": str(user.village_id) if user.village_id else None,
             "active": user.active, "full_name": user.full_name, "position": user.position}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    session.flush()
    if changes:
        audit.record(session, "user", f"Sửa tài khoản “{user.username}”",
                     object_table="app_user", object_id=user.id, details=changes)


def set_password(session: Session, user_id: UserId, new_password: str,
                 current_password: str | None = None) -> None:
    """An administrator sets anyone's; a user changes their own with the current one."""
    acting = principal_of(session)
    user = _get(session, user_id)
    own = acting.user_id == user.id
    if not own:
        require(session, Permission.MANAGE_USERS)
    elif user.password_hash is not None:
        if not _matches(user.password_hash, current_password or ""):
            raise UserError("Mật khẩu hiện tại không đúng.")
    check_password(new_password)
    user.password_hash = _hash(new_password)
    user.failed_attempts, user.locked_until = 0, None
    session.flush()
    audit.record(session, "password", f"Đặt mật khẩu mới cho “{user.username}”",
                 object_table="app_user", object_id=user.id)


def reset_admin_password(db: "Database", username: str, new_password: str,
                         recovery_key: str) -> None:
    """The holder of the profile's recovery key sets an administrator's password.

    The recovery key is checked here, against the recovery wrap in the profile's
    key.json and the key of the open database: any caller without it (a viewer's
    window, a script) changes nothing, and nothing is audited as the key's use.
    """
    keys.check_recovery_key(db.path.parent, db.key, recovery_key)
    check_password(new_password)
    with db.transaction(SYSTEM) as session:
        user = _find(session, username)
        if user is None or user.role != Role.ADMIN.value:
            raise NotFound("Không có tài khoản quản trị với tên đăng nhập này.")
        user.password_hash = _hash(new_password)
        user.failed_attempts, user.locked_until, user.active = 0, None, True
        session.flush()
        audit.record(session, "recovery", f"Đặt lại mật khẩu quản trị “{user.username}” "
                     "bằng khóa khôi phục", object_table="app_user", object_id=user.id)
