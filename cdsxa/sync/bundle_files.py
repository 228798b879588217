"""The three files of sync without a network, one format, shared by the hub and the PC:

- an enrol file (`cdsxa-hub enrol-file`): a one-time enrolment code and the commune's
  hub keys, signed by the hub;
- a bundle (`cdsxa bundle export`): the PC's pending entries as push batches,
  compressed and encrypted for the hub, signed by the PC's device key;
- a receipt (`cdsxa-hub import-bundle`): which entries the hub holds, signed by the hub.

Every file is

    MAGIC (12 bytes: name and format version)
    header length (4 bytes, big-endian), header (canonical JSON, at most MAX_HEADER_BYTES)
    body length (8 bytes, big-endian), body
    signature (64 bytes): Ed25519 over SHA-512(SIGNING_CONTEXT || everything before it)

so one signature covers the header (kind, commune, device, ids) and the body: a header
edited to name another commune or device breaks it. A bundle's body is AES-256-GCM
under a key agreed between a fresh X25519 key and the hub's (HKDF-SHA256), with the
header as associated data. Sizes are checked before anything is read or inflated.
Only the standard library, `cryptography` and the wire schema: the hub imports it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import struct
import tempfile
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cdsxa.common import disk_space
from cdsxa.common.errors import UserError
from cdsxa.common.formatting import thousands
from cdsxa.sync import wire

MAGIC = b"CDSXA-SYNC\x00\x01"  # the last byte is the format's version
_MAGIC_NAME = MAGIC[:-1]
SIGNING_CONTEXT = b"cdsxa sync file v1\x00"
SIGNATURE_BYTES = 64
KEY_BYTES = 32
MAX_HEADER_BYTES = 8 * 1024
# Entries in one bundle (50 push batches); more waiting go in the next bundle. An
# entry is about 460 bytes of JSON and 75 compressed (the small demo commune: 8,184
# entries, 3.8 MB of JSON, a 610 kB bundle and a 320 kB receipt).
MAX_BUNDLE_ENTRIES = 50 * wire.MAX_BATCH_ENTRIES
# What a file of each kind may weigh on disk: checked before it is read.
MAX_FILE_BYTES = {"enrol": 64 * 1024, "receipt": 32 * 2**20, "bundle": 128 * 2**20}
# A bundle's entries, inflated: checked while inflating (a small file may be a bomb).
MAX_INFLATED_BYTES = 256 * 2**20
_KDF_INFO = b"cdsxa bundle v1"
_PREFIX = struct.Struct(">I")
_BODY_LENGTH = struct.Struct(">Q")

Kind = Literal["enrol", "bundle", "receipt"]
KIND_NAMES = {"enrol": "tệp đăng ký", "bundle": "tệp đồng bộ", "receipt": "biên nhận"}


class SyncFileRefused(UserError):
    """A file that is not what it should be; the message says what to do."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error


# --- keys ----------------------------------------------------------------------------

def encode_key(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def decode_key(text: str) -> bytes:
    """The 32 raw bytes of a base64 key; ValueError otherwise."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
    if len(raw) != KEY_BYTES:
        raise ValueError("not a 32-byte key")
    return raw


def fingerprint(sign_key: bytes) -> str:
    """A short fingerprint of a signing key, to compare by eye or over the phone."""
    digest = hashlib.sha256(b"cdsxa key fingerprint\x00" + sign_key).hexdigest().upper()
    return "-".join(digest[i:i + 4] for i in range(0, 16, 4))


def new_signing_key() -> tuple[bytes, bytes]:
    """(private, public) raw bytes of a new Ed25519 key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    return _raw_private(private), _raw_public(private.public_key())


def new_box_key() -> tuple[bytes, bytes]:
    """(private, public) raw bytes of a new X25519 key."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.generate()
    return _raw_private(private), _raw_public(private.public_key())


def signing_public(private: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return _raw_public(Ed25519PrivateKey.from_private_bytes(private).public_key())


def _raw_private(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    raw: bytes = key.private_bytes(serialization.Encoding.Raw,
                                   serialization.PrivateFormat.Raw,
                                   serialization.NoEncryption())
    return raw


def _raw_public(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    raw: bytes = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw


# --- what the files say --------------------------------------------------------------

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _key(value: str) -> str:
    decode_key(value)
    return value


def _uuid(value: str) -> str:
    if str(uuid.UUID(value)) != value:
        raise ValueError("not a lowercase canonical UUID")
    return value


class HubKeys(_Model):
    """The commune's keys at the hub: bundles are encrypted to `box_key`, receipts and
    enrol files are signed with `sign_key`."""

    box_key: str
    sign_key: str

    _keys = field_validator("box_key", "sign_key")(_key)


class EnrolFileHeader(_Model):
    kind: Literal["enrol"]
    file_id: str
    commune_code: int
    commune_name: str
    created_at: datetime
    expires_at: datetime
    hub: HubKeys

    _id = field_validator("file_id")(_uuid)


class EnrolFileBody(_Model):
    code: Annotated[str, Field(max_length=wire.MAX_CODE_LENGTH)]


class BundleHeader(_Model):
    kind: Literal["bundle"]
    protocol: int
    commune_code: int
    device_id: str
    bundle_id: str
    created_at: datetime
    entries: Annotated[int, Field(ge=0, le=MAX_BUNDLE_ENTRIES)]
    device_key: str  # the signer's public key: how the hub checks a first bundle
    hub_box_key: str  # the key the body is encrypted to (the commune's, at the hub)
    ephemeral_key: str
    nonce: str

    _ids = field_validator("device_id", "bundle_id")(_uuid)
    _keys = field_validator("device_key", "hub_box_key", "ephemeral_key")(_key)


class EnrolClaim(_Model):
    """A PC enrolled by file asks for its device (the header's id and key) to be
    registered with the file's code, in its bundles until a receipt comes back."""

    code: Annotated[str, Field(max_length=wire.MAX_CODE_LENGTH)]
    label: Annotated[str | None, Field(max_length=wire.MAX_LABEL_LENGTH)] = None


class BundlePayload(_Model):
    enrol: EnrolClaim | None = None
    batches: list[wire.PushRequest]


class ReceiptHeader(_Model):
    kind: Literal["receipt"]
    commune_code: int
    device_id: str
    bundle_id: str
    created_at: datetime
    held: int
    refused: int

    _ids = field_validator("device_id", "bundle_id")(_uuid)


class ReceiptBody(_Model):
    held: list[str]
    refused: list[wire.RefusedEntry] = Field(default_factory=list)
    conflicts: int = 0
    audit_held: list[str] = Field(default_factory=list)  # audit event ids the hub holds

    @field_validator("held", "audit_held")
    @classmethod
    def _held(cls, value: list[str]) -> list[str]:
        for entry_id in value:
            _uuid(entry_id)
        return value


M = TypeVar("M", bound=BaseModel)


def _canonical(model: BaseModel) -> bytes:
    data = model.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# --- the container -------------------------------------------------------------------

@dataclass(frozen=True)
class SyncFile:
    """A file read and split, its signature not checked yet."""

    kind: Kind
    header: bytes
    body: bytes
    signed: bytes  # everything the signature covers
    signature: bytes

    def header_as(self, model: type[M]) -> M:
        return _parsed(model, self.header, self.kind)

    def body_as(self, model: type[M]) -> M:
        return _parsed(model, self.body, self.kind)

    def signed_by(self, public_key: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(
                self.signature, _digest(self.signed))
        except (InvalidSignature, ValueError):
            return False
        return True


def _digest(signed: bytes) -> bytes:
    return hashlib.sha512(SIGNING_CONTEXT + signed).digest()


def _damaged(kind: Kind, what: str) -> SyncFileRefused:
    name = KIND_NAMES[kind]
    return SyncFileRefused("damaged_file", f"{name.capitalize()} bị hỏng hoặc đã bị sửa "
                           f"({what}); không dùng được và chưa thay đổi gì. Hãy chép lại "
                           f"{name} từ nơi tạo ra nó (hoặc tạo lại).")


def _parsed(model: type[M], text: bytes, kind: Kind) -> M:
    try:
        return model.model_validate_json(text)
    except ValidationError:
        raise _damaged(kind, "nội dung không đúng định dạng") from None


def pack(kind: Kind, header: BaseModel, body: bytes, signing_key: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    head = _canonical(header)
    assert len(head) <= MAX_HEADER_BYTES, "a header is small"
    signed = b"".join([MAGIC, _PREFIX.pack(len(head)), head, _BODY_LENGTH.pack(len(body)),
                       body])
    signature = Ed25519PrivateKey.from_private_bytes(signing_key).sign(_digest(signed))
    return signed + signature


def read(path: Path, kind: Kind) -> SyncFile:
    """The file split into its parts: refused, with what to do, when it is missing, too
    large (before reading it), truncated, of another kind or not ours."""
    name = KIND_NAMES[kind]
    limit = MAX_FILE_BYTES[kind]
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError
        if size > limit:
            raise SyncFileRefused("too_large", f"Tệp {path.name} quá lớn để là {name} "
                                  f"({thousands(size)} byte, tối đa {thousands(limit)}); "
                                  "không đọc. Hãy kiểm tra lại đúng tệp chưa.")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # a file that grew meanwhile is not read whole
    except FileNotFoundError:
        raise SyncFileRefused("no_file", f"Không có tệp {path}. Hãy kiểm tra lại đường dẫn."
                              ) from None
    except IsADirectoryError:
        raise SyncFileRefused("no_file", f"{path} là một thư mục, không phải {name}."
                              ) from None
    except PermissionError:
        raise SyncFileRefused("no_file", f"Không có quyền đọc tệp {path}.") from None
    if len(data) > limit:
        raise SyncFileRefused("too_large", f"Tệp {path.name} quá lớn để là {name}.")
    return split(data, kind)


def split(data: bytes, kind: Kind) -> SyncFile:
    name = KIND_NAMES[kind]
    if not data.startswith(_MAGIC_NAME):
        raise SyncFileRefused("not_ours", f"Đây không phải {name} của CĐS Xã. Hãy kiểm "
                              "tra lại đúng tệp chưa; chưa thay đổi gì.")
    if len(data) >= len(MAGIC) and data[len(_MAGIC_NAME)] != MAGIC[-1]:
        raise SyncFileRefused("other_version", f"{name.capitalize()} này do một phiên bản "
                              "CĐS Xã khác tạo ra. Hãy cài phiên bản mới nhất ở cả hai nơi.")
    at = len(MAGIC)
    if len(data) < at + _PREFIX.size:
        raise _truncated(kind)
    (head_length,) = _PREFIX.unpack_from(data, at)
    at += _PREFIX.size
    if head_length > MAX_HEADER_BYTES:
        raise _damaged(kind, "phần đầu tệp dài bất thường")
    if len(data) < at + head_length + _BODY_LENGTH.size:
        raise _truncated(kind)
    header = data[at:at + head_length]
    at += head_length
    (body_length,) = _BODY_LENGTH.unpack_from(data, at)
    at += _BODY_LENGTH.size
    end = at + body_length + SIGNATURE_BYTES
    if end > len(data):
        raise _truncated(kind)
    if end < len(data):
        raise _damaged(kind, "có dữ liệu thừa ở cuối tệp")
    try:
        stated = json.loads(header).get("kind")
    except (ValueError, AttributeError):
        raise _damaged(kind, "phần đầu tệp không đọc được") from None
    if stated != kind:
        other = KIND_NAMES.get(stated, "một loại tệp khác") if isinstance(stated, str) \
            else "một loại tệp khác"
        raise SyncFileRefused("wrong_kind", f"Đây là {other}, không phải {name}. Hãy chọn "
                              "đúng tệp; chưa thay đổi gì.")
    return SyncFile(kind, header, data[at:at + body_length], data[:at + body_length],
                    data[at + body_length:])


def _truncated(kind: Kind) -> SyncFileRefused:
    name = KIND_NAMES[kind]
    return SyncFileRefused("truncated", f"{name.capitalize()} bị thiếu phần cuối (có thể "
                           "chép chưa xong hoặc ổ USB bị rút ra sớm); không dùng được và chưa "
                           f"thay đổi gì. Hãy chép lại {name} từ nơi tạo ra nó.")


def write_private(path: Path, data: bytes) -> None:
    """Write the whole file or nothing (a temporary file renamed), readable only by its
    owner: an enrol file holds a code, a bundle a commune's records (encrypted)."""
    folder = path.parent if str(path.parent) else Path(".")
    # A full disk is the destination's (a USB stick), said as such; nothing else is
    # touched when the file cannot be written.
    with disk_space.reported("Tệp chưa được ghi; dữ liệu trên máy không thay đổi.",
                             lambda: folder, lambda: len(data) + disk_space.SAVE_MARGIN):
        try:
            descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        except OSError as exc:
            if disk_space.is_disk_full(exc, folder):
                raise
            raise UserError(f"Không ghi được tệp vào {folder}: thư mục không có hoặc không "
                            "được phép ghi (ổ USB đã được rút ra?). Chưa có gì thay đổi; hãy "
                            "chọn nơi lưu khác.") from None
        try:
            with os.fdopen(descriptor, "wb") as handle:  # mkstemp makes it 0600
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


# --- enrol files ---------------------------------------------------------------------

def make_enrol_file(commune_code: int, commune_name: str, code: str, expires_at: datetime,
                    hub: HubKeys, hub_sign_private: bytes) -> bytes:
    header = EnrolFileHeader(kind="enrol", file_id=str(uuid.uuid4()),
                             commune_code=commune_code, commune_name=commune_name,
                             created_at=utc_now(), expires_at=expires_at, hub=hub)
    return pack("enrol", header, _canonical(EnrolFileBody(code=code)), hub_sign_private)


# --- bundles -------------------------------------------------------------------------

def _bundle_key(shared: bytes, ephemeral: bytes, hub_box: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + hub_box,
                info=_KDF_INFO).derive(shared)


def make_bundle(payload: BundlePayload, commune_code: int, device_id: str, bundle_id: str,
                device_private: bytes, hub_box_key: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(hub_box_key))
    nonce = os.urandom(12)
    header = BundleHeader(
        kind="bundle", protocol=wire.PROTOCOL_VERSION, commune_code=commune_code,
        device_id=device_id, bundle_id=bundle_id, created_at=utc_now(),
        entries=sum(len(b.entries) for b in payload.batches),
        device_key=encode_key(signing_public(device_private)),
        hub_box_key=encode_key(hub_box_key), ephemeral_key=encode_key(ephemeral_public),
        nonce=base64.b64encode(nonce).decode("ascii"))
    head = _canonical(header)
    compressed = zlib.compress(payload.model_dump_json().encode("utf-8"), 6)
    body = AESGCM(_bundle_key(shared, ephemeral_public, hub_box_key)).encrypt(
        nonce, compressed, head)
    return pack("bundle", header, body, device_private)


def open_bundle(bundle: SyncFile, hub_box_private: bytes) -> BundlePayload:
    """The entries of a bundle whose signature was checked: refused when it was not
    encrypted for this key, was altered, or inflates past the bound."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header = bundle.header_as(BundleHeader)
    private = X25519PrivateKey.from_private_bytes(hub_box_private)
    ephemeral = decode_key(header.ephemeral_key)
    hub_box = _raw_public(private.public_key())
    try:
        nonce = base64.b64decode(header.nonce, validate=True)
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        compressed = AESGCM(_bundle_key(shared, ephemeral, hub_box)).decrypt(
            nonce, bundle.body, bundle.header)
    except (InvalidTag, ValueError, binascii.Error):
        raise SyncFileRefused("undecryptable", "Không giải mã được tệp đồng bộ: tệp không "
                              "được mã hóa cho máy chủ tỉnh của xã này, hoặc đã bị sửa. Chưa "
                              "thay đổi gì; hãy xuất lại tệp trên máy xã.") from None
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(compressed, MAX_INFLATED_BYTES + 1)
    except zlib.error:
        raise _damaged("bundle", "nội dung nén không đọc được") from None
    if len(text) > MAX_INFLATED_BYTES or not inflater.eof:
        raise SyncFileRefused("too_large", "Tệp đồng bộ chứa quá nhiều dữ liệu khi giải nén; "
                              "không nhập. Hãy xuất lại tệp trên máy xã.")
    return _parsed(BundlePayload, text, "bundle")


# --- receipts ------------------------------------------------------------------------

def make_receipt(bundle: BundleHeader, body: ReceiptBody, hub_sign_private: bytes) -> bytes:
    header = ReceiptHeader(kind="receipt", commune_code=bundle.commune_code,
                           device_id=bundle.device_id, bundle_id=bundle.bundle_id,
                           created_at=utc_now(), held=len(body.held),
                           refused=len(body.refused))
    return pack("receipt", header, _canonical(body), hub_sign_private)
