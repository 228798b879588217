"""Sync by file at the hub: enrol files out, bundles in, receipts out.

    enrol_file(database, commune_code, days) -> IssuedFile
    import_bundle(database, replicas, path) -> Imported

A bundle is checked whole before anything is written: its shape and size
(cdsxa.sync.bundle_files), the signature with the key of the device its header names
in the commune its header names (or, for a device not registered yet, the key its
header carries, whose enrolment code inside is then spent as a network enrolment
would spend it: cdsxa.hub.enrolment.enrol), that it was encrypted for this commune's
key, and that every entry is of that commune and device. Then its batches go through
the network push's own path (cdsxa.hub.push.receive), so a bundle applied twice
holds the same entries once; the receipt names what the hub holds, signed with the
commune's key. Every refusal is a BundleRefused with a Vietnamese message.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.hub import enrolment, hub_keys, push
from cdsxa.hub.database import HubDatabase
from cdsxa.hub.enrolment import DeviceIdentity
from cdsxa.hub.models import Commune, Device, Entry
from cdsxa.hub.replica import Replicas
from cdsxa.sync import bundle_files, wire
from cdsxa.sync.bundle_files import BundleHeader, BundlePayload

ENROL_FILE_ISSUER = "cdsxa-hub enrol-file"


class BundleRefused(UserError):
    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error


# --- enrol files ---------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedFile:
    data: bytes  # the file: it holds a one-time code
    commune: str
    expires_at: datetime
    fingerprint: str  # of the commune's signing key at the hub


def enrol_file(session: Session, commune_code: int,
               days: int = enrolment.DEFAULT_CODE_DAYS) -> IssuedFile:
    """A one-time code (the network's own, expiring and spent the same way) with the
    commune's hub keys, signed by the hub."""
    issued = enrolment.issue_code(session, commune_code, days, issued_by=ENROL_FILE_ISSUER)
    keys = hub_keys.of_commune(session, commune_code)
    data = bundle_files.make_enrol_file(commune_code, issued.commune, issued.code,
                                        issued.expires_at, keys.public, keys.sign_private)
    return IssuedFile(data, issued.commune, issued.expires_at, keys.fingerprint)


# --- bundles -------------------------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    header: BundleHeader
    commune_name: str
    receipt: bytes
    held: int
    relayed: int  # entries the commune's relay log did not hold before (merges included)
    refused: list[wire.RefusedEntry]
    enrolled: bool  # the bundle registered its device


def import_bundle(database: HubDatabase, replicas: Replicas, path: Path) -> Imported:
    found = bundle_files.read(path, "bundle")
    header = found.header_as(BundleHeader)
    if header.protocol < wire.MIN_PROTOCOL_VERSION or header.protocol > wire.PROTOCOL_VERSION:
        raise BundleRefused("protocol", "Tệp đồng bộ do một phiên bản CĐS Xã "
                            + ("quá cũ" if header.protocol < wire.MIN_PROTOCOL_VERSION
                               else "mới hơn máy chủ tỉnh") + " tạo ra; chưa nhập gì. Hãy "
                            "cài phiên bản mới nhất (trên máy xã hoặc máy chủ tỉnh).")
    # What the hub knows of the sender, read briefly; the signature, decryption and
    # parsing (seconds for a large bundle) hold no lock; then the facts are read again
    # with the enrolment, in case the province revoked the device meanwhile.
    with database.transaction() as hub:
        sender = _sender(hub, header)
    payload = _opened(found, header, sender)
    with database.transaction() as hub:
        if _sender(hub, header) != sender:
            raise BundleRefused("changed", "Đăng ký của máy vừa thay đổi trong lúc nhập tệp "
                                "đồng bộ; chưa nhập gì. Hãy nhập lại tệp.")
        enrolled = _registered(hub, header, sender, payload)
    who = DeviceIdentity(header.commune_code, uuid.UUID(header.device_id), sender.commune_name)
    before = _relay_count(database, header.commune_code)
    held: list[str] = []
    audit_held: list[str] = []
    refused: list[wire.RefusedEntry] = []
    conflicts = 0
    for batch in payload.batches:
        # The network push's generation check is for a PC that can re-base over the
        # network; a bundle's entries are applied at most once whatever came before,
        # so each batch goes in at the device's present generation.
        with database.transaction() as hub:
            generation = push.sync_state(hub, who).generation
        try:
            sent = batch.model_copy(update={"generation": generation})
            answer = push.receive(database, replicas, who, sent)
        except push.PushRefused as exc:  # the batches before stay held (applied once)
            raise BundleRefused(exc.error, f"Máy chủ tỉnh không nhận tệp đồng bộ: "
                                f"{exc.message} Chưa ghi biên nhận.") from None
        held += answer.held_of(sent)
        audit_held += answer.audit_held
        refused += answer.refused
        conflicts += answer.conflicts
    body = bundle_files.ReceiptBody(held=list(dict.fromkeys(held)), refused=refused,
                                    conflicts=conflicts,
                                    audit_held=list(dict.fromkeys(audit_held)))
    receipt = bundle_files.make_receipt(header, body, sender.keys.sign_private)
    return Imported(header, who.commune_name, receipt, len(body.held),
                    _relay_count(database, header.commune_code) - before, refused, enrolled)


NOT_THIS_HUB = ("Tệp đồng bộ này của một xã chưa đăng ký với máy chủ tỉnh này (hoặc phần đầu "
                "tệp đã bị sửa). Chưa nhập gì; hãy kiểm tra tệp đến từ đúng xã và máy chủ.")
BAD_SIGNATURE = ("Chữ ký của tệp đồng bộ không đúng: tệp đã bị sửa, hoặc không do máy đã đăng "
                 "ký của xã này tạo ra. Chưa nhập gì; hãy xuất lại tệp trên máy xã. Nếu máy "
                 "đã đăng ký lại, hãy thu hồi máy cũ (cdsxa-hub revoke) và cấp tệp đăng ký mới.")


@dataclass(frozen=True)
class _Sender:
    """What the hub knows of a bundle's commune and device."""

    commune_name: str
    keys: hub_keys.CommuneKeys
    known: bool  # the device is registered with the commune
    active: bool  # registered and not revoked
    sign_key: str | None  # its registered key


def _sender(hub: Session, header: BundleHeader) -> _Sender:
    commune = hub.get(Commune, header.commune_code)
    keys = hub_keys.existing(hub, header.commune_code) if commune is not None else None
    if commune is None or keys is None:
        raise BundleRefused("unknown_commune", NOT_THIS_HUB)
    device = hub.get(Device, (header.commune_code, uuid.UUID(header.device_id)))
    if device is None:
        return _Sender(commune.name, keys, False, False, None)
    return _Sender(commune.name, keys, True, device.revoked_at is None, device.sign_key)


def _opened(found: bundle_files.SyncFile, header: BundleHeader,
            sender: _Sender) -> BundlePayload:
    """The bundle's entries, once its signature, its key and its contents are checked."""
    if sender.active and sender.sign_key is None:
        raise BundleRefused("no_device_key", "Máy này đăng ký với tỉnh trước khi có tệp đồng "
                            "bộ nên máy chủ chưa có khóa để kiểm tra tệp. Hãy thu hồi máy "
                            "(cdsxa-hub revoke), cấp tệp đăng ký mới và đăng ký lại máy xã.")
    # A registered device's own key; a device not registered yet signs with the key its
    # header carries, and must then hold a valid enrolment code (_registered).
    signer = sender.sign_key if sender.active and sender.sign_key else header.device_key
    if not found.signed_by(bundle_files.decode_key(signer)):
        raise BundleRefused("bad_signature", BAD_SIGNATURE)
    if header.hub_box_key != sender.keys.public.box_key:
        raise BundleRefused("other_key", "Tệp đồng bộ này được mã hóa cho một xã hoặc máy chủ "
                            "tỉnh khác, không phải " + sender.commune_name + " ở máy chủ này. "
                            "Chưa nhập gì; hãy kiểm tra tệp đến từ đúng xã.")
    payload = bundle_files.open_bundle(found, sender.keys.box_private)
    entries = [e for batch in payload.batches for e in batch.entries]
    if len(entries) != header.entries or any(
            e.commune_code != header.commune_code or e.device != header.device_id
            for e in entries):
        raise BundleRefused("inconsistent", "Tệp đồng bộ có thay đổi không thuộc máy và xã "
                            "ghi ở phần đầu tệp; chưa nhập gì. Hãy xuất lại tệp trên máy xã.")
    return payload


def _registered(hub: Session, header: BundleHeader, sender: _Sender,
                payload: BundlePayload) -> bool:
    """The device registered by its first bundle (True), or known already (False)."""
    if sender.active:
        return False  # a claim still carried (no receipt back yet) is not spent again
    if payload.enrol is None:
        if sender.known:  # revoked: only a new enrolment code brings it back
            raise BundleRefused("revoked_device", "Tỉnh đã thu hồi quyền đồng bộ của máy này; "
                                "chưa nhập gì. Hãy cấp tệp đăng ký mới cho máy xã.")
        raise BundleRefused("unknown_device", "Máy tạo tệp đồng bộ này chưa đăng ký với tỉnh "
                            "cho " + sender.commune_name + "; chưa nhập gì. Hãy cấp tệp đăng "
                            "ký (cdsxa-hub enrol-file) cho máy xã.")
    _enrol(hub, header, payload)
    return True


def _enrol(hub: Session, header: BundleHeader, payload: BundlePayload) -> None:
    """The network enrolment's own checks and effects (one use, expiry, the commune); the
    device token it makes is never given to anyone: a PC enrolled by file has none."""
    assert payload.enrol is not None
    try:
        request = wire.EnrolRequest(code=payload.enrol.code, device_id=header.device_id,
                                    commune_code=header.commune_code,
                                    protocol=header.protocol, label=payload.enrol.label,
                                    device_key=header.device_key)
    except ValueError:
        raise BundleRefused("malformed_code", "Không đăng ký được máy xã bằng tệp đồng bộ "
                            "này: " + ENROL_REFUSALS["malformed_code"] + " Chưa nhập gì."
                            ) from None
    try:
        enrolment.enrol(hub, request)
    except enrolment.EnrolmentRefused as exc:
        why = ENROL_REFUSALS.get(exc.error, exc.message)
        raise BundleRefused(exc.error, f"Không đăng ký được máy xã bằng tệp đồng bộ này: "
                            f"{why} Chưa nhập gì.") from None


_NEW_FILE = ("Hãy cấp tệp đăng ký mới (cdsxa-hub enrol-file) để máy xã đăng ký lại (cdsxa "
             "enrol --file) rồi xuất lại tệp đồng bộ.")
# What a code's refusal means when the code came in an enrol file.
ENROL_REFUSALS = {
    "used_code": "tệp đăng ký của máy đã được dùng (cho máy khác, hoặc máy đã đăng ký "
                 "lại bằng tệp khác). " + _NEW_FILE,
    "expired_code": "tệp đăng ký của máy đã hết hạn trước khi tệp đồng bộ đầu tiên được "
                    "nhập. " + _NEW_FILE,
    "unknown_code": "tệp đăng ký của máy không do máy chủ tỉnh này cấp. " + _NEW_FILE,
    "other_commune": "tệp đăng ký của máy dành cho xã khác. " + _NEW_FILE,
    "malformed_code": "tệp đăng ký của máy không hợp lệ. " + _NEW_FILE,
}


def _relay_count(database: HubDatabase, commune_code: int) -> int:
    with database.transaction() as hub:
        return int(hub.scalar(select(func.count()).select_from(Entry).where(
            Entry.commune_code == commune_code)) or 0)
