"""This PC's enrolment with the province hub, and its device token, kept safely.

The token goes into the operating system's keyring when there is one; where there is
none it is sealed (AES-GCM) under a key derived from the profile's data key, in
`key.json`'s `hub` section beside the enrolment's public facts (the hub's address, the
commune, the device id). Never in plain text, and never in the database, whose
backups travel on USB sticks.
"""

import base64
import binascii
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cdsxa.common.errors import UserError
from cdsxa.db.key import DataKey
from cdsxa.security import keys

log = logging.getLogger(__name__)

KEYRING_SERVICE = "CDSXa device token"
SECTION = "hub"
_NONCE_BYTES = 12
_INFO = b"cdsxa device token v1"


class NotEnrolledError(UserError):
    """This PC has not been enrolled with a hub (or its token is gone)."""


@dataclass(frozen=True)
class Enrolment:
    hub_url: str
    commune_code: int
    device_id: str
    enrolled_at: datetime
    in_keyring: bool


def _sealing_key(key: DataKey) -> bytes:
    # A key of its own, derived from the data key: the data key itself only ever
    # keys SQLCipher.
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(key.raw)


def _aad(profile_id: str, device_id: str) -> bytes:
    # The seal opens only in this profile, for this device: a copied section is useless.
    return f"{profile_id}|{device_id}".encode()


def seal(key: DataKey, token: str, profile_id: str, device_id: str) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_sealing_key(key)).encrypt(nonce, token.encode("utf-8"),
                                               _aad(profile_id, device_id))
    return {"nonce": base64.b64encode(nonce).decode("ascii"),
            "sealed": base64.b64encode(sealed).decode("ascii")}


def unseal(key: DataKey, wrapped: Any, profile_id: str, device_id: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        nonce = base64.b64decode(wrapped["nonce"], validate=True)
        sealed = base64.b64decode(wrapped["sealed"], validate=True)
        return AESGCM(_sealing_key(key)).decrypt(nonce, sealed,
                                                 _aad(profile_id, device_id)).decode("utf-8")
    except (KeyError, TypeError, ValueError, binascii.Error, InvalidTag):
        raise NotEnrolledError("Mã xác thực của máy trong tệp khóa bị hỏng hoặc không thuộc "
                               "dữ liệu này. Hãy xin tỉnh mã đăng ký mới và đăng ký lại "
                               "(cdsxa enrol).") from None


def _keyfile(data_dir: Path) -> keys.KeyFile:
    keyfile = keys.KeyFile.load(data_dir)
    if keyfile is None:
        raise keys.DataKeyError(f"Không có tệp khóa {data_dir / keys.KEY_FILE}.")
    return keyfile


def store(data_dir: Path, key: DataKey, token: str, hub_url: str, commune_code: int,
          device_id: str) -> Enrolment:
    """Keep the token (keyring, else sealed in key.json) and the enrolment's facts."""
    keyfile = _keyfile(data_dir)
    backend = keys._usable_keyring()
    in_keyring = False
    if backend is not None:
        try:
            backend.set_password(KEYRING_SERVICE, keyfile.profile_id, token)
            in_keyring = backend.get_password(KEYRING_SERVICE, keyfile.profile_id) == token
        except Exception as exc:  # a locked or broken keyring: sealed in key.json instead
            log.warning("could not store the device token in the keyring: %s", exc)
    enrolled_at = datetime.now(timezone.utc)
    section: dict[str, Any] = {"url": hub_url, "commune_code": commune_code,
                               "device_id": device_id, "enrolled_at": enrolled_at.isoformat(),
                               "token": "keyring" if in_keyring
                               else seal(key, token, keyfile.profile_id, device_id)}
    keyfile.sections[SECTION] = section
    keyfile.save(data_dir)
    return Enrolment(hub_url, commune_code, device_id, enrolled_at, in_keyring)


def enrolment(data_dir: Path) -> Enrolment | None:
    """The enrolment's facts as key.json keeps them; None when never enrolled."""
    keyfile = keys.KeyFile.load(data_dir)
    section = keyfile.sections.get(SECTION) if keyfile is not None else None
    if not isinstance(section, dict):
        return None
    try:
        return Enrolment(str(section["url"]), int(section["commune_code"]),
                         str(section["device_id"]),
                         datetime.fromisoformat(str(section["enrolled_at"])),
                         section.get("token") == "keyring")
    except (KeyError, TypeError, ValueError):
        return None


def token(data_dir: Path, key: DataKey) -> str:
    """The device token; NotEnrolledError when there is none to be had."""
    keyfile = _keyfile(data_dir)
    section = keyfile.sections.get(SECTION)
    if not isinstance(section, dict) or "token" not in section:
        raise NotEnrolledError("Máy này chưa đăng ký với tỉnh. Hãy đăng ký bằng mã của tỉnh "
                               "(cdsxa enrol --hub ĐỊA_CHỈ --code MÃ).")
    if section["token"] != "keyring":
        return unseal(key, section["token"], keyfile.profile_id, str(section.get("device_id")))
    backend = keys._usable_keyring()
    stored = None
    if backend is not None:
        try:
            stored = backend.get_password(KEYRING_SERVICE, keyfile.profile_id)
        except Exception as exc:
            log.warning("keyring unavailable: %s", exc)
    if not stored:
        raise NotEnrolledError("Không tìm thấy mã xác thực của máy trong kho khóa (dữ liệu "
                               "được chép từ máy khác?). Hãy xin tỉnh mã đăng ký mới.")
    return str(stored)
