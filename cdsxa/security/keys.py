"""The profile's data key: where it is kept and how it is unwrapped.

The key is 32 random bytes; SQLCipher uses it raw (no key derivation at open,
so opening stays fast). It is kept in the operating system's keyring. It is
also *wrapped* (AES-GCM under a key derived with scrypt) by the recovery key
printed at setup and, where there is no keyring or for scripts, by a
passphrase. The wraps live in `key.json` beside the database: without the
recovery key or the passphrase they reveal nothing.
"""

import base64
import binascii
import hashlib
import json
import logging
import os
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdsxa.common.errors import UserError
from cdsxa.common.text import nfc
from cdsxa.db.key import DataKey as DataKey
from cdsxa.profile import paths

log = logging.getLogger(__name__)

KEY_FILE = "key.json"
KEYRING_SERVICE = "CDSXa data key"
PASSPHRASE_ENV = "CDSXA_PASSPHRASE"
KEY_BYTES = 32
# scrypt cost: about 0.1 s and 32 MB on an office PC, per unwrap. Tests lower it.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE = 8
# Recovery keys: 25 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
# printed in groups of five. 125 bits.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_LENGTH = 25


class DataKeyError(UserError):
    """The data key could not be found or unwrapped."""


class NoKeyringError(UserError):
    """No usable keyring on this PC: a passphrase is needed instead."""


class WrongSecretError(UserError):
    """A passphrase or recovery key that does not unwrap the data key."""


def new_data_key() -> DataKey:
    return DataKey(secrets.token_bytes(KEY_BYTES))


# --- recovery keys -----------------------------------------------------------------

def new_recovery_key() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(chars[i:i + 5] for i in range(0, RECOVERY_LENGTH, 5))


def normalise_recovery_key(typed: str) -> str:
    """Accept what a person types from paper: any case, spaces or dashes, O for 0."""
    chars = [c for c in typed.upper() if c.isalnum()]
    chars = ["0" if c == "O" else "1" if c in "IL" else c for c in chars]
    joined = "".join(chars)
    return "-".join(joined[i:i + 5] for i in range(0, len(joined), 5))


# --- wrapping ----------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    # NFC: a passphrase typed with precomposed or combining marks is the same passphrase.
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(nfc(secret).encode("utf-8"))


# A sealed data key: 32 bytes and AES-GCM's 16-byte tag.
_SEALED_BYTES = KEY_BYTES + 16
_NONCE_BYTES = 12


def _check_of(wrapped: dict[str, Any]) -> str:
    """A checksum of a wrap's public parts: a damaged wrap is told from a wrong secret
    (AES-GCM alone cannot tell them apart)."""
    parts = [str(wrapped.get(k)) for k in ("kdf", "n", "r", "p", "salt", "nonce", "sealed")]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def wrap(key: DataKey, secret: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(_NONCE_BYTES)
    kek = _derive(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    sealed = AESGCM(kek).encrypt(nonce, key.raw, b"cdsxa-data-key")
    wrapped: dict[str, Any] = {"kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                               "salt": _b64(salt), "nonce": _b64(nonce), "sealed": _b64(sealed)}
    wrapped["check"] = _check_of(wrapped)
    return wrapped


class DamagedWrapError(DataKeyError):
    """A wrap whose bytes are not what wrap() wrote: no secret can open it."""


def unwrap(wrapped: dict[str, Any], secret: str) -> DataKey:
    """The data key; WrongSecretError for a wrong secret, DamagedWrapError (in words
    without the file's name: callers add it) when the wrap itself is damaged."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce, sealed, cost = _parts(wrapped)
    kek = _derive(secret, salt, *cost)
    try:
        return DataKey(AESGCM(kek).decrypt(nonce, sealed, b"cdsxa-data-key"))
    except InvalidTag:
        raise WrongSecretError("Sai mật khẩu hoặc khóa khôi phục.") from None


def _parts(wrapped: Any) -> tuple[bytes, bytes, bytes, tuple[int, int, int]]:
    if not isinstance(wrapped, dict):
        raise DamagedWrapError("không phải một khóa bọc")
    if "check" in wrapped and wrapped["check"] != _check_of(wrapped):
        raise DamagedWrapError("mã kiểm tra không khớp")
    try:
        salt, nonce, sealed = (_unb64(wrapped[k]) for k in ("salt", "nonce", "sealed"))
        cost = (int(wrapped["n"]), int(wrapped["r"]), int(wrapped["p"]))
    except KeyError as exc:
        raise DamagedWrapError(f"thiếu mục “{exc.args[0]}”") from None
    except (ValueError, TypeError, AttributeError, binascii.Error):
        raise DamagedWrapError("dữ liệu không đọc được") from None
    if len(nonce) != _NONCE_BYTES or len(sealed) != _SEALED_BYTES:
        raise DamagedWrapError("độ dài không đúng")
    n, r, p = cost
    if n < 2 or n & (n - 1) or n > 2**22 or not 0 < r <= 64 or not 0 < p <= 16:
        raise DamagedWrapError("thông số không hợp lệ")
    return salt, nonce, sealed, cost


# --- the key file ------------------------------------------------------------------

WRAP_LABELS = {"passphrase": "mật khẩu dữ liệu", "recovery": "khóa khôi phục"}


def damaged_key_file(path: Path, why: str) -> DataKeyError:
    return DataKeyError(
        f"Tệp khóa {path} bị hỏng: {why}. Dữ liệu không bị thay đổi nhưng chưa mở được. "
        "Có thể lấy lại tệp khóa từ một bản sao lưu, với khóa khôi phục hoặc mật khẩu dữ "
        "liệu (dòng lệnh: cdsxa restore-key --from TỆP_SAO_LƯU).")


_KEY_FILE_FIELDS = frozenset({"format", "profile_id", "keyring", "wraps"})


@dataclass
class KeyFile:
    """key.json: the profile's id, the key's wraps, and the sections of other modules (the
    hub enrolment). Holds no secret in the clear."""

    profile_id: str
    wraps: dict[str, dict[str, Any]]
    keyring: bool
    path: Path | None = field(default=None, compare=False)  # where it was read from
    # Other modules' sections (the hub enrolment: cdsxa.security.device_token), kept as
    # they were by load and save.
    sections: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def load(cls, data_dir: Path) -> "KeyFile | None":
        """None when there is none; DataKeyError saying what is wrong when damaged."""
        path = data_dir / KEY_FILE
        data = _read_json(path)
        if data is None:
            return None
        if not isinstance(data, dict):
            raise damaged_key_file(path, "nội dung không đúng định dạng của tệp khóa")
        if "profile_id" not in data:
            raise damaged_key_file(path, "thiếu mục “profile_id”")
        profile_id, wraps = data["profile_id"], data.get("wraps", {})
        if not isinstance(profile_id, str) or not profile_id.strip():
            raise damaged_key_file(path, "mục “profile_id” không hợp lệ")
        if not isinstance(wraps, dict) or not all(isinstance(w, dict) for w in wraps.values()):
            raise damaged_key_file(path, "mục “wraps” không hợp lệ")
        sections = {k: v for k, v in data.items() if k not in _KEY_FILE_FIELDS}
        return cls(profile_id, dict(wraps), data.get("keyring") is True, path, sections)

    def open_wrap(self, name: str, secret: str) -> DataKey:
        """Unwrap the data key with one of the wraps ("passphrase", "recovery")."""
        label = WRAP_LABELS.get(name, name)
        where = self.path or KEY_FILE
        if name not in self.wraps:
            raise DataKeyError(f"Tệp khóa {where} không có khóa bọc bằng {label}.")
        try:
            return unwrap(self.wraps[name], secret)
        except DamagedWrapError as exc:
            raise DamagedWrapError(
                f"Khóa dữ liệu bọc bằng {label} trong tệp khóa {where} bị hỏng "
                f"({exc.message}); không phải do gõ sai. Hãy dùng "
                f"{'khóa khôi phục' if name != 'recovery' else 'mật khẩu dữ liệu'}, hoặc lấy "
                "lại tệp khóa từ một bản sao lưu (cdsxa restore-key --from TỆP_SAO_LƯU)."
            ) from None

    def save(self, data_dir: Path) -> None:
        path = data_dir / KEY_FILE
        temporary = path.with_suffix(".tmp")
        text = json.dumps({**self.sections, "format": 1, "profile_id": self.profile_id,
                           "keyring": self.keyring, "wraps": self.wraps}, indent=2)
        with paths.open_private(temporary, text=True) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)  # all of it or nothing, never a half-written key file
        if os.name != "nt":  # the rename is durable once its folder is flushed
            descriptor = os.open(data_dir, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        self.path = path


def _read_json(path: Path) -> Any:
    """The parsed file; None when there is none; DataKeyError, in words, otherwise."""
    if path.is_dir():  # before opening: Windows says "permission denied" for a folder
        raise damaged_key_file(path, "đây là một thư mục, không phải tệp")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except PermissionError:
        raise damaged_key_file(path, "không có quyền đọc tệp") from None
    except OSError as exc:
        raise damaged_key_file(path, f"không đọc được tệp (lỗi hệ thống số {exc.errno})") from None
    if not raw.strip():
        raise damaged_key_file(path, "tệp rỗng")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise damaged_key_file(path, "không phải văn bản UTF-8") from None
    except json.JSONDecodeError as exc:
        raise damaged_key_file(path, f"không đúng định dạng JSON (dòng {exc.lineno}, "
                                     f"cột {exc.colno})") from None


# --- the keyring -------------------------------------------------------------------

def _usable_keyring() -> Any:
    """The keyring backend, or None when there is none that keeps secrets safely."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # pragma: no cover - a broken install
        return None
    backend = keyring.get_keyring()
    name = type(backend).__module__ + "." + type(backend).__name__
    # A plaintext file is no better than no keyring: never store the key there.
    if isinstance(backend, fail.Keyring) or "plaintext" in name.lower() or "null" in name.lower():
        return None
    if getattr(backend, "priority", 1) <= 0:
        return None
    return backend


def keyring_available() -> bool:
    return _usable_keyring() is not None


def _keyring_get(profile_id: str) -> DataKey | None:
    backend = _usable_keyring()
    if backend is None:
        return None
    try:
        stored = backend.get_password(KEYRING_SERVICE, profile_id)
    except Exception as exc:  # a locked or broken keyring: fall back to the passphrase
        log.warning("keyring unavailable: %s", exc)
        return None
    if not stored:
        return None
    try:
        return DataKey(bytes.fromhex(stored))
    except ValueError:
        return None


def _keyring_put(profile_id: str, key: DataKey) -> bool:
    backend = _usable_keyring()
    if backend is None:
        return False
    try:
        backend.set_password(KEYRING_SERVICE, profile_id, key.raw.hex())
        return bool(backend.get_password(KEYRING_SERVICE, profile_id) == key.raw.hex())
    except Exception as exc:
        log.warning("could not store the key in the keyring: %s", exc)
        return False


def keyring_key(profile_id: str) -> DataKey | None:
    """The data key this PC's keyring keeps for the profile id, if any."""
    return _keyring_get(profile_id)


def store_in_keyring(data_dir: Path, key: DataKey) -> bool:
    """Put the key into this PC's keyring for data_dir's profile (key.json says so)."""
    keyfile = KeyFile.load(data_dir)
    if keyfile is None or not _keyring_put(keyfile.profile_id, key):
        return False
    if not keyfile.keyring:
        keyfile.keyring = True
        keyfile.save(data_dir)
    return True


def forget_from_keyring(profile_id: str) -> None:
    backend = _usable_keyring()
    if backend is not None:
        try:
            backend.delete_password(KEYRING_SERVICE, profile_id)
        except Exception:
            pass


# --- creating and finding the key --------------------------------------------------

@dataclass(frozen=True)
class NewKey:
    key: DataKey
    recovery_key: str
    in_keyring: bool


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise UserError(f"Mật khẩu dữ liệu cần ít nhất {MIN_PASSPHRASE} ký tự.")


def create(data_dir: Path, passphrase: str | None = None) -> NewKey:
    """Make the profile's data key, keep it, and write key.json.

    The key goes into the keyring when there is one; a passphrase is then
    optional (scripts use CDSXA_PASSPHRASE). Without a keyring the passphrase is
    required: the key is never stored in plain text.
    """
    passphrase = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV)
    key = new_data_key()
    profile_id = str(uuid.uuid4())
    in_keyring = _keyring_put(profile_id, key)
    if not in_keyring and not passphrase:
        raise NoKeyringError(
            "Máy này không có kho khóa an toàn của hệ điều hành. "
            "Hãy đặt mật khẩu dữ liệu (hoặc biến môi trường CDSXA_PASSPHRASE)."
        )
    recovery = new_recovery_key()
    wraps = {"recovery": wrap(key, recovery)}
    if passphrase:
        check_passphrase(passphrase)
        wraps["passphrase"] = wrap(key, passphrase)
    data_dir.mkdir(parents=True, exist_ok=True)
    KeyFile(profile_id, wraps, in_keyring).save(data_dir)
    return NewKey(key, recovery, in_keyring)


Prompt = Callable[[], str | None]


def find(data_dir: Path, prompt: Prompt | None = None) -> DataKey:
    """The data key: CDSXA_PASSPHRASE, then the keyring, then a prompt."""
    keyfile = KeyFile.load(data_dir)
    if keyfile is None:
        raise DataKeyError(f"Không có tệp khóa {data_dir / KEY_FILE}; dữ liệu không mở được.")
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env and "passphrase" in keyfile.wraps:
        return keyfile.open_wrap("passphrase", from_env)
    key = _keyring_get(keyfile.profile_id)
    if key is not None:
        return key
    if "passphrase" in keyfile.wraps and prompt is not None:
        typed = prompt()
        if typed:
            return keyfile.open_wrap("passphrase", typed)
        raise DataKeyError("Chưa nhập mật khẩu dữ liệu.")
    if "passphrase" in keyfile.wraps:
        raise DataKeyError("Cần mật khẩu dữ liệu: đặt biến môi trường CDSXA_PASSPHRASE.")
    raise DataKeyError(
        "Không tìm thấy khóa dữ liệu trong kho khóa của máy này "
        "(dữ liệu được chép từ máy khác?). Hãy dùng khóa khôi phục."
    )


def key_file_usable(data_dir: Path) -> bool:
    """key.json is there and readable (its wraps may still need a secret)."""
    try:
        return KeyFile.load(data_dir) is not None
    except DataKeyError:
        return False


def needs_passphrase(data_dir: Path) -> bool:
    """True when opening will ask for the passphrase (no key in this keyring); False
    for a missing or damaged key.json too: find() then says what is wrong."""
    try:
        keyfile = KeyFile.load(data_dir)
    except DataKeyError:
        return False
    if keyfile is None or os.environ.get(PASSPHRASE_ENV):
        return False
    return _keyring_get(keyfile.profile_id) is None and "passphrase" in keyfile.wraps


def recover(data_dir: Path, recovery_key: str) -> DataKey:
    """Unwrap with the printed recovery key, and put the key back into the keyring."""
    keyfile = KeyFile.load(data_dir)
    if keyfile is None:
        raise DataKeyError(f"Không có tệp khóa {data_dir / KEY_FILE}.")
    try:
        key = keyfile.open_wrap("recovery", normalise_recovery_key(recovery_key))
    except WrongSecretError:
        raise WrongSecretError("Khóa khôi phục không đúng.") from None
    store_in_keyring(data_dir, key)
    return key


def check_recovery_key(data_dir: Path, key: DataKey | None, recovery_key: str) -> None:
    """WrongSecretError unless recovery_key is this profile's: it unwraps the recovery
    wrap of data_dir's key.json to key, the key of the data that is open."""
    keyfile = KeyFile.load(data_dir)
    if keyfile is None:
        raise DataKeyError(f"Không có tệp khóa {data_dir / KEY_FILE}.")
    typed = normalise_recovery_key(recovery_key or "")
    if len(typed.replace("-", "")) != RECOVERY_LENGTH:
        raise WrongSecretError(f"Khóa khôi phục gồm {RECOVERY_LENGTH} ký tự, chia thành nhóm "
                               "năm ký tự; hãy nhập đủ.")
    try:
        unwrapped = keyfile.open_wrap("recovery", typed)
    except WrongSecretError:
        raise WrongSecretError("Khóa khôi phục không đúng. Hãy kiểm tra từng nhóm năm ký "
                               "tự.") from None
    if key is None or unwrapped.raw != key.raw:
        raise WrongSecretError("Khóa khôi phục này thuộc một dữ liệu khác, không mở được "
                               "dữ liệu đang dùng.")


def renew_recovery_key(data_dir: Path, key: DataKey) -> str:
    """A new recovery key for the data key (the old one stops working); shown once."""
    keyfile = KeyFile.load(data_dir)
    if keyfile is None:
        raise DataKeyError(f"Không có tệp khóa {data_dir / KEY_FILE}.")
    recovery = new_recovery_key()
    keyfile.wraps["recovery"] = wrap(key, recovery)
    keyfile.save(data_dir)
    return recovery


def set_passphrase(data_dir: Path, key: DataKey, passphrase: str) -> None:
    check_passphrase(passphrase)
    keyfile = KeyFile.load(data_dir)
    if keyfile is None:
        raise DataKeyError(f"Không có tệp khóa {data_dir / KEY_FILE}.")
    keyfile.wraps["passphrase"] = wrap(key, passphrase)
    keyfile.save(data_dir)


def has_key_file(data_dir: Path) -> bool:
    return (data_dir / KEY_FILE).exists()


def terminal_prompt() -> str | None:
    """Ask for the passphrase on a terminal; None when there is none (scripts, tests)."""
    import getpass
    import sys

    if not sys.stdin or not sys.stdin.isatty():
        return None
    return getpass.getpass("Mật khẩu dữ liệu: ")
