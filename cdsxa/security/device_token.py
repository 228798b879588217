"""This PC's enrolment with the province hub, and its device token, kept safely.

The token goes into the operating system's keyring when there is one; where there is
none it is sealed (AES-GCM) under a key derived from the profile's data key, in
`key.json`'s `hub` section beside the enrolment's public facts (the hub's address, the
commune, the device id). Never in plain text, and never in the database, whose
backups travel on USB sticks. The device's signing key (sync by file: it signs the
bundles) is kept the same way; the hub's public keys are public facts of the section,
and a PC enrolled by file keeps its enrolment code sealed there until the hub's first
receipt shows that the hub registered it (cdsxa.sync.bundle).
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
SIGNING_KEYRING_SERVICE = "CDSXa device signing key"
SECTION = "hub"
_NONCE_BYTES = 12
_INFO = b"cdsxa device token v1"


class NotEnrolledError(UserError):
    """This PC has not been enrolled with a hub (or its token is gone)."""


@dataclass(frozen=True)
class SigningKeys:
    """What sync by file needs (base64): this device's Ed25519 key pair, and the hub's
    keys for the commune (bundles are encrypted to `hub_box_key`, receipts signed with
    `hub_sign_key`). Only `private` is secret."""

    private: str
    device_key: str
    hub_box_key: str | None
    hub_sign_key: str | None


@dataclass(frozen=True)
class Enrolment:
    hub_url: str  # "" when enrolled by file
    commune_code: int
    device_id: str
    enrolled_at: datetime
    in_keyring: bool
    by_file: bool = False
    device_key: str | None = None  # None: enrolled before sync by file
    hub_box_key: str | None = None
    hub_sign_key: str | None = None
    claim_pending: bool = False  # by file, and no receipt from the hub yet
    pin: str | None = None  # the province certificate's SHA-256 fingerprint, if pinned


def _sealing_key(key: DataKey) -> bytes:
    # A key of its own, derived from the data key: the data key itself only ever
    # keys SQLCipher.
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(key.raw)


def _aad(profile_id: str, device_id: str, purpose: str = "") -> bytes:
    # The seal opens only in this profile, for this device: a copied section is useless;
    # and only as what it was sealed as (a token is not a signing key).
    return f"{profile_id}|{device_id}".encode() + (f"|{purpose}".encode() if purpose else b"")


def seal(key: DataKey, token: str, profile_id: str, device_id: str,
         purpose: str = "") -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_sealing_key(key)).encrypt(nonce, token.encode("utf-8"),
                                               _aad(profile_id, device_id, purpose))
    return {"nonce": base64.b64encode(nonce).decode("ascii"),
            "sealed": base64.b64encode(sealed).decode("ascii")}


def unseal(key: DataKey, wrapped: Any, profile_id: str, device_id: str,
           purpose: str = "") -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        nonce = base64.b64decode(wrapped["nonce"], validate=True)
        sealed = base64.b64decode(wrapped["sealed"], validate=True)
        return AESGCM(_sealing_key(key)).decrypt(
            nonce, sealed, _aad(profile_id, device_id, purpose)).decode("utf-8")
    except (KeyError, TypeError, ValueError, binascii.Error, InvalidTag):
        raise NotEnrolledError("Mã xác thực của máy trong tệp khóa bị hỏng hoặc không thuộc "
                               "dữ liệu này. Hãy xin tỉnh mã đăng ký mới và đăng ký lại "
                               "(cdsxa enrol).") from None


def _keyfile(data_dir: Path) -> keys.KeyFile:
    keyfile = keys.KeyFile.load(data_dir)
    if keyfile is None:
        raise keys.DataKeyError(f"Không có tệp khóa {data_dir / keys.KEY_FILE}.")
    return keyfile


_SIGNING_PURPOSE = "signing key"
_CODE_PURPOSE = "enrol code"


def _keep(keyfile: keys.KeyFile, key: DataKey, service: str, secret: str, device_id: str,
          purpose: str) -> tuple[Any, bool]:
    """What the section keeps of a secret: "keyring" when the keyring took it, else the
    secret sealed; and whether the keyring took it."""
    backend = keys._usable_keyring()
    if backend is not None:
        try:
            backend.set_password(service, keyfile.profile_id, secret)
            if backend.get_password(service, keyfile.profile_id) == secret:
                return "keyring", True
        except Exception as exc:  # a locked or broken keyring: sealed in key.json instead
            log.warning("could not store a secret in the keyring (%s): %s", service, exc)
    return seal(key, secret, keyfile.profile_id, device_id, purpose), False


def _forget(keyfile: keys.KeyFile, service: str) -> None:
    backend = keys._usable_keyring()
    if backend is not None:
        try:
            if backend.get_password(service, keyfile.profile_id) is not None:
                backend.delete_password(service, keyfile.profile_id)
        except Exception as exc:
            log.warning("could not remove an old secret from the keyring: %s", exc)


def store(data_dir: Path, key: DataKey, token: str | None, hub_url: str, commune_code: int,
          device_id: str, signing: SigningKeys | None = None,
          enrol_code: str | None = None, pin: str | None = None) -> Enrolment:
    """Keep the token (keyring, else sealed in key.json) and the enrolment's facts; the
    signing key the same way. Enrolled by file: no token, and the code, sealed, until a
    receipt shows the hub registered this PC."""
    keyfile = _keyfile(data_dir)
    enrolled_at = datetime.now(timezone.utc)
    section: dict[str, Any] = {"url": hub_url, "commune_code": commune_code,
                               "device_id": device_id, "enrolled_at": enrolled_at.isoformat()}
    if pin:
        section["pin"] = pin
    in_keyring = False
    if token is not None:
        section["token"], in_keyring = _keep(keyfile, key, KEYRING_SERVICE, token, device_id,
                                             "")
    else:  # an older network enrolment's token must not outlive it
        section["by_file"] = True
        _forget(keyfile, KEYRING_SERVICE)
    if signing is not None:
        section["signing_key"], signing_in_keyring = _keep(
            keyfile, key, SIGNING_KEYRING_SERVICE, signing.private, device_id,
            _SIGNING_PURPOSE)
        in_keyring = in_keyring or (token is None and signing_in_keyring)
        section.update(device_key=signing.device_key, hub_box_key=signing.hub_box_key,
                       hub_sign_key=signing.hub_sign_key)
    if enrol_code is not None:
        section["enrol_code"] = seal(key, enrol_code, keyfile.profile_id, device_id,
                                     _CODE_PURPOSE)
    keyfile.sections[SECTION] = section
    keyfile.save(data_dir)
    return Enrolment(hub_url, commune_code, device_id, enrolled_at, in_keyring,
                     by_file=token is None,
                     device_key=signing.device_key if signing else None,
                     hub_box_key=signing.hub_box_key if signing else None,
                     hub_sign_key=signing.hub_sign_key if signing else None,
                     claim_pending=enrol_code is not None, pin=pin or None)


def enrolment(data_dir: Path) -> Enrolment | None:
    """The enrolment's facts as key.json keeps them; None when never enrolled."""
    keyfile = keys.KeyFile.load(data_dir)
    section = keyfile.sections.get(SECTION) if keyfile is not None else None
    if not isinstance(section, dict):
        return None
    def text(name: str) -> str | None:
        value = section.get(name)
        return value if isinstance(value, str) else None

    try:
        return Enrolment(str(section["url"]), int(section["commune_code"]),
                         str(section["device_id"]),
                         datetime.fromisoformat(str(section["enrolled_at"])),
                         section.get("token") == "keyring",
                         by_file=section.get("by_file") is True,
                         device_key=text("device_key"), hub_box_key=text("hub_box_key"),
                         hub_sign_key=text("hub_sign_key"),
                         claim_pending="enrol_code" in section, pin=text("pin"))
    except (KeyError, TypeError, ValueError):
        return None


def token(data_dir: Path, key: DataKey) -> str:
    """The device token; NotEnrolledError when there is none to be had."""
    keyfile = _keyfile(data_dir)
    section = keyfile.sections.get(SECTION)
    if isinstance(section, dict) and section.get("by_file") is True:
        raise NotEnrolledError(BY_FILE)
    if not isinstance(section, dict) or "token" not in section:
        raise NotEnrolledError("Máy này chưa đăng ký với tỉnh. Hãy đăng ký bằng mã của tỉnh "
                               "(cdsxa enrol --hub ĐỊA_CHỈ --code MÃ).")
    return _recall(keyfile, key, section["token"], KEYRING_SERVICE,
                   str(section.get("device_id")), "",
                   "Không tìm thấy mã xác thực của máy trong kho khóa (dữ liệu được chép từ "
                   "máy khác?). Hãy xin tỉnh mã đăng ký mới.")


def _recall(keyfile: keys.KeyFile, key: DataKey, stored: Any, service: str, device_id: str,
            purpose: str, missing: str) -> str:
    """A secret `_keep` kept: unsealed from key.json, or read from the keyring (`missing`
    when the keyring does not have it)."""
    if stored != "keyring":
        return unseal(key, stored, keyfile.profile_id, device_id, purpose)
    backend = keys._usable_keyring()
    found = None
    if backend is not None:
        try:
            found = backend.get_password(service, keyfile.profile_id)
        except Exception as exc:
            log.warning("keyring unavailable: %s", exc)
    if not found:
        raise NotEnrolledError(missing)
    return str(found)


BY_FILE = ("Máy này đăng ký với tỉnh bằng tệp, không đồng bộ qua mạng: hãy gửi dữ liệu bằng "
           "tệp đồng bộ (cdsxa bundle export --out TỆP), hoặc xin tỉnh mã đăng ký để đồng bộ "
           "qua mạng (cdsxa enrol --hub ĐỊA_CHỈ --code MÃ).")


def _section(data_dir: Path) -> tuple[keys.KeyFile, dict[str, Any]]:
    keyfile = _keyfile(data_dir)
    section = keyfile.sections.get(SECTION)
    if not isinstance(section, dict):
        raise NotEnrolledError("Máy này chưa đăng ký với tỉnh. Hãy đăng ký bằng tệp đăng ký "
                               "của tỉnh (cdsxa enrol --file TỆP) hoặc bằng mã của tỉnh.")
    return keyfile, section


def signing_key(data_dir: Path, key: DataKey) -> str:
    """This device's signing key (base64); NotEnrolledError when there is none."""
    keyfile, section = _section(data_dir)
    stored = section.get("signing_key")
    device_id = str(section.get("device_id"))
    if stored is None:
        raise NotEnrolledError(NO_SIGNING_KEY)
    return _recall(keyfile, key, stored, SIGNING_KEYRING_SERVICE, device_id, _SIGNING_PURPOSE,
                   "Không tìm thấy khóa ký của máy trong kho khóa (dữ liệu được chép từ máy "
                   "khác?). Hãy xin tỉnh tệp đăng ký hoặc mã đăng ký mới và đăng ký lại.")


NO_SIGNING_KEY = ("Máy này đăng ký với tỉnh trước khi có tệp đồng bộ nên chưa có khóa ký. Hãy "
                  "nhờ tỉnh thu hồi máy cũ (cdsxa-hub revoke) và cấp mã hoặc tệp đăng ký mới, "
                  "rồi đăng ký lại.")


def enrol_code(data_dir: Path, key: DataKey) -> str | None:
    """The enrol file's code, while the hub has not confirmed this PC (by file only)."""
    keyfile, section = _section(data_dir)
    sealed = section.get("enrol_code")
    if sealed is None:
        return None
    return unseal(key, sealed, keyfile.profile_id, str(section.get("device_id")),
                  _CODE_PURPOSE)


def confirm(data_dir: Path) -> None:
    """The hub registered this PC (a receipt came back): its bundles stop carrying the
    enrolment code, which is forgotten."""
    keyfile, section = _section(data_dir)
    if section.pop("enrol_code", None) is not None:
        keyfile.save(data_dir)
