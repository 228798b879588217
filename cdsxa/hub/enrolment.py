"""Communes, one-time enrolment codes, device tokens and the hub's admins.

An enrolment code names its commune ("14797-ABCD-…", cdsxa.sync.wire), and so does a
device token ("<commune>.<device id>.<secret>"): every lookup is by primary key with
the commune first, and only SHA-256 hashes of the secrets are stored, compared in
constant time. Refusals say what to do in Vietnamese and carry no commune's data.
"""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cdsxa.common import admin_units
from cdsxa.common.errors import NotFound, UserError
from cdsxa.common.text import clean
from cdsxa.db.base import utcnow
from cdsxa.hub import hub_keys
from cdsxa.hub.models import Commune, Device, EnrolmentCode, HubAdmin
from cdsxa.sync import wire

# The province this hub serves (the project's province; a field of every commune row).
PROVINCE_CODE = admin_units.THANH_HOA
DEFAULT_CODE_DAYS = 7
MAX_CODE_DAYS = 90
TOKEN_BYTES = 32
MIN_ADMIN_PASSWORD = 10
# Argon2id with the library's defaults, as the PC's accounts (cdsxa.security.users).
HASHER = PasswordHasher()


class EnrolmentRefused(UserError):
    """A code that cannot enrol: unknown, expired, used, or for another commune."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error


class DeviceConflict(EnrolmentRefused):
    """This device id is enrolled already (and not revoked)."""


class TokenRefused(UserError):
    """A missing, malformed, forged or revoked device token."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# --- communes ------------------------------------------------------------------------

def register_commune(session: Session, commune_code: int) -> Commune:
    """The commune's row, made from the official 2025 list the first time."""
    known = session.get(Commune, commune_code)
    if known is not None:
        return known
    try:
        info = admin_units.commune(PROVINCE_CODE, commune_code)
    except NotFound:
        province = admin_units.province(PROVINCE_CODE).name
        raise UserError(f"Không có xã/phường mã {commune_code} thuộc {province} trong danh "
                        "mục đơn vị hành chính năm 2025; không cấp mã đăng ký.") from None
    commune = Commune(commune_code=info.code, province_code=info.province_code,
                      name=info.name, last_seq=0)
    session.add(commune)
    session.flush()
    return commune


# --- enrolment codes -----------------------------------------------------------------

def _new_code(commune_code: int) -> str:
    secret = "".join(secrets.choice(wire.CODE_ALPHABET)
                     for _ in range(wire.CODE_GROUPS * wire.CODE_GROUP_LENGTH))
    return wire.normalise_code(f"{commune_code}{secret}")


def _code_hash(commune_code: int, secret: str) -> str:
    return _digest(f"cdsxa-enrol:{commune_code}:{secret}")


@dataclass(frozen=True)
class IssuedCode:
    code: str  # shown once; the hub keeps its hash
    commune: str
    expires_at: datetime


def issue_code(session: Session, commune_code: int, days: int = DEFAULT_CODE_DAYS,
               issued_by: str = "cdsxa-hub") -> IssuedCode:
    if not 1 <= days <= MAX_CODE_DAYS:
        raise UserError(f"Thời hạn của mã đăng ký là từ 1 đến {MAX_CODE_DAYS} ngày.")
    commune = register_commune(session, commune_code)
    code = _new_code(commune_code)
    parsed = wire.parse_code(code)
    assert parsed is not None
    now = utcnow()
    expires = now + timedelta(days=days)
    session.add(EnrolmentCode(commune_code=commune_code, code_hash=_code_hash(*parsed),
                              created_by=issued_by, created_at=now, expires_at=expires))
    return IssuedCode(code, commune.name, expires)


ASK_AGAIN = "Hãy xin tỉnh một mã đăng ký mới."
ENROLLED_ALREADY = ("Máy này đã đăng ký với tỉnh rồi. Nếu mất quyền đồng bộ, hãy nhờ tỉnh thu "
                    "hồi máy cũ rồi cấp mã mới.")


def enrol(session: Session, request: wire.EnrolRequest) -> wire.EnrolAnswer:
    """Spend the code and register the device; the token is answered only here."""
    parsed = wire.parse_code(request.code)
    if parsed is None:
        raise EnrolmentRefused("malformed_code", "Mã đăng ký không đúng dạng (ví dụ: "
                               "12345-ABCD-EFGH-JKMN-PQRS). Hãy kiểm tra lại từng ký tự.")
    commune_code, secret = parsed
    if commune_code != request.commune_code:
        raise EnrolmentRefused("other_commune", "Mã đăng ký này không phải của xã trên máy "
                               "này. " + ASK_AGAIN)
    key = (commune_code, _code_hash(commune_code, secret))
    row = session.get(EnrolmentCode, key)
    now = utcnow()
    if row is None:
        raise EnrolmentRefused("unknown_code", "Mã đăng ký không đúng. Hãy kiểm tra lại từng "
                               "ký tự, hoặc xin tỉnh một mã mới.")
    if row.used_at is not None:
        raise EnrolmentRefused("used_code", "Mã đăng ký này đã được dùng. " + ASK_AGAIN)
    if row.expires_at <= now:
        raise EnrolmentRefused("expired_code", "Mã đăng ký này đã hết hạn. " + ASK_AGAIN)
    device_id = uuid.UUID(request.device_id)
    device = session.get(Device, (commune_code, device_id))
    if device is not None and device.revoked_at is None:
        raise DeviceConflict("device_enrolled", ENROLLED_ALREADY)
    # Spent only if nobody spent it meanwhile: two requests with one code enrol once.
    spent = session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.commune_code == key[0], EnrolmentCode.code_hash == key[1],
               EnrolmentCode.used_at.is_(None))
        .values(used_at=now, used_by_device=device_id)
        .execution_options(synchronize_session=False))
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise EnrolmentRefused("used_code", "Mã đăng ký này đã được dùng. " + ASK_AGAIN)
    token_secret = secrets.token_urlsafe(TOKEN_BYTES)
    token_hash = _digest(token_secret)
    label = clean(request.label) if request.label else None
    if device is None:
        session.add(Device(commune_code=commune_code, device_id=device_id, label=label,
                           token_hash=token_hash, protocol=request.protocol, enrolled_at=now,
                           sign_key=request.device_key))
    else:  # a revoked device enrolled again with a new code: a new token
        device.token_hash, device.revoked_at, device.enrolled_at = token_hash, None, now
        device.label, device.protocol = label, request.protocol
        device.sign_key = request.device_key
    commune = session.get(Commune, commune_code)
    assert commune is not None  # a code's commune is registered with it
    keys = hub_keys.of_commune(session, commune_code)
    return wire.EnrolAnswer(device_token=f"{commune_code}.{device_id}.{token_secret}",
                            device_id=str(device_id), commune_code=commune_code,
                            commune_name=commune.name, hub_box_key=keys.public.box_key,
                            hub_sign_key=keys.public.sign_key)


# --- device tokens -------------------------------------------------------------------

@dataclass(frozen=True)
class DeviceIdentity:
    """Who a valid token speaks for: one device of one commune."""

    commune_code: int
    device_id: uuid.UUID
    commune_name: str


NO_TOKEN = "Máy này chưa đăng ký với tỉnh (thiếu mã xác thực). Hãy đăng ký bằng mã của tỉnh."
BAD_TOKEN = "Mã xác thực của máy không hợp lệ. Hãy đăng ký lại bằng mã mới của tỉnh."


def authenticate(session: Session, token: str | None) -> DeviceIdentity:
    if not token:
        raise TokenRefused("missing_token", NO_TOKEN)
    parts = token.split(".") if len(token) <= wire.MAX_TOKEN_LENGTH else []
    if len(parts) != 3 or not parts[0].isdigit() or not parts[0].isascii() or not parts[2]:
        raise TokenRefused("invalid_token", BAD_TOKEN)
    try:
        commune_code, device_id = int(parts[0]), uuid.UUID(parts[1])
        presented = _digest(parts[2])
    except (ValueError, UnicodeEncodeError):
        raise TokenRefused("invalid_token", BAD_TOKEN) from None
    device = session.get(Device, (commune_code, device_id))
    # compare_digest on a hash of the secret: no timing tells how much of it matched.
    if device is None or not hmac.compare_digest(device.token_hash, presented):
        raise TokenRefused("invalid_token", BAD_TOKEN)
    if device.revoked_at is not None:
        raise TokenRefused("revoked_token", "Tỉnh đã thu hồi quyền đồng bộ của máy này. Dữ "
                           "liệu vẫn an toàn trên máy; hãy liên hệ tỉnh để được cấp mã mới.")
    commune = session.get(Commune, commune_code)
    assert commune is not None
    return DeviceIdentity(commune_code, device_id, commune.name)


def revoke(session: Session, device_id: uuid.UUID) -> list[Device]:
    """Revoke every enrolment of the device id; NotFound when there is none."""
    devices = session.scalars(select(Device).where(Device.device_id == device_id)).all()
    if not devices:
        raise NotFound(f"Không có máy nào mã {device_id} đã đăng ký với máy chủ tỉnh.")
    now = utcnow()
    for device in devices:
        if device.revoked_at is None:
            device.revoked_at = now
    return list(devices)


# --- admins --------------------------------------------------------------------------

def create_admin(session: Session, username: str, password: str) -> HubAdmin:
    name = clean(username)
    if not name or len(name) > 100:
        raise UserError("Tên đăng nhập cần từ 1 đến 100 ký tự.")
    if len(password) < MIN_ADMIN_PASSWORD:
        raise UserError(f"Mật khẩu quản trị máy chủ tỉnh cần ít nhất {MIN_ADMIN_PASSWORD} ký tự.")
    if session.get(HubAdmin, name) is not None:
        raise UserError(f"Đã có tài khoản quản trị “{name}”.")
    admin = HubAdmin(username=name, province_code=PROVINCE_CODE,
                     password_hash=HASHER.hash(password))
    session.add(admin)
    return admin
