"""The profile's data key: where it is kept and how it is unwrapped.

The key is 32 random bytes; SQLCipher uses it raw (no key derivation at open,
so opening stays fast). It is kept in the operating system's keyring. It is
also *wrapped* (AES-GCM under a key derived with scrypt) by the recovery key
printed at setup and, where there is no keyring or for scripts, by a
passphrase. The wraps live in `key.json` beside the database: without the
recovery key or the passphrase they reveal nothing.
"""

import base64
import json
import logging
import os
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdsxa.db.key import DataKey as DataKey
from cdsxa.common.errors import UserError
from cdsxa.common.text import nfc

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
    return base64.b64decode(text.encode("ascii"))


def _derive(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    # NFC: a passphrase typed with precomposed or combining marks is the same passphrase.
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(nfc(secret).encode("utf-8"))


def wrap(key: DataKey, secret: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _derive(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    sealed = AESGCM(kek).encrypt(nonce, key.raw, b"cdsxa-data-key")
    return {"kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
            "salt": _b64(salt), "nonce": _b64(nonce), "sealed": _b64(sealed)}


def unwrap(wrapped: dict[str, Any], secret: str) -> DataKey:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        kek = _derive(secret, _unb64(wrapped["salt"]), int(wrapped["n"]), int(wrapped["r"]),
                      int(wrapped["p"]))
        return DataKey(AESGCM(kek).decrypt(_unb64(wrapped["nonce"]), _unb64(wrapped["sealed"]),
                                           b"cdsxa-data-key"))
    except InvalidTag:
        raise WrongSecretError("Sai mật khẩu hoặc khóa khôi phục.") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise DataKeyError(f"Tệp khóa bị hỏng ({exc}).") from exc


# --- the key file ------------------------------------------------------------------

@dataclass
class KeyFile:
    """key.json: the profile's id and the key's wraps. Holds nothing readable."""

    profile_id: str
    wraps: dict[str, dict[str, Any]]
    keyring: bool

    @classmethod
    def load(cls, data_dir: Path) -> "KeyFile | None":
        path = data_dir / KEY_FILE
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise DataKeyError(f"Không đọc được tệp khóa {path} ({exc}).") from exc
        return cls(str(data["profile_id"]), dict(data.get("wraps", {})),
                   bool(data.get("keyring", False)))

    def save(self, data_dir: Path) -> None:
        path = data_dir / KEY_FILE
        temporary = path.with_suffix(".tmp")
        text = json.dumps({"format": 1, "profile_id": self.profile_id, "keyring": self.keyring,
                           "wraps": self.wraps}, indent=2)
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)


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
        return unwrap(keyfile.wraps["passphrase"], from_env)
    key = _keyring_get(keyfile.profile_id)
    if key is not None:
        return key
    if "passphrase" in keyfile.wraps and prompt is not None:
        typed = prompt()
        if typed:
            return unwrap(keyfile.wraps["passphrase"], typed)
        raise DataKeyError("Chưa nhập mật khẩu dữ liệu.")
    if "passphrase" in keyfile.wraps:
        raise DataKeyError("Cần mật khẩu dữ liệu: đặt biến môi trường CDSXA_PASSPHRASE.")
    raise DataKeyError(
        "Không tìm thấy khóa dữ liệu trong kho khóa của máy này "
        "(dữ liệu được chép từ máy khác?). Hãy dùng khóa khôi phục."
    )


def needs_passphrase(data_dir: Path) -> bool:
    """True when opening will ask for the passphrase (no key in this keyring)."""
    keyfile = KeyFile.load(data_dir)
    if keyfile is None or os.environ.get(PASSPHRASE_ENV):
        return False
    return _keyring_get(keyfile.profile_id) is None and "passphrase" in keyfile.wraps


def recover(data_dir: Path, recovery_key: str) -> DataKey:
    """Unwrap with the printed recovery key, and put the key back into the keyring."""
    keyfile = KeyFile.load(data_dir)
    if keyfile is None:
        raise DataKeyError(f"Không có tệp khóa {data_dir / KEY_FILE}.")
    try:
        key = unwrap(keyfile.wraps["recovery"], normalise_recovery_key(recovery_key))
    except WrongSecretError:
        raise WrongSecretError("Khóa khôi phục không đúng.") from None
    if _keyring_put(keyfile.profile_id, key) and not keyfile.keyring:
        keyfile.keyring = True
        keyfile.save(data_dir)
    return key


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
