"""Sync by file on the PC: enrol with an enrol file, export a bundle, import a receipt.

    enrol_by_file(db, data_dir, path) -> EnrolledByFile
    export(db, data_dir, out) -> Exported
    import_receipt(db, data_dir, path) -> Acknowledged

A PC that never reaches the network is enrolled with a file the province writes
(`cdsxa-hub enrol-file`): its one-time code and the hub's keys for the commune. The
hub cannot be told the PC's device id and key over a network, so every bundle carries
the enrolment request (sealed for the hub with the rest) until a receipt shows that
the hub registered the PC. A bundle holds every pending entry (up to
MAX_BUNDLE_ENTRIES), signed with this device's key and encrypted for the hub; only a
receipt signed by the hub, for this PC and commune, marks entries acknowledged, as the
network push's answer does (cdsxa.sync.synchronise). Nothing here needs a network.
"""

from __future__ import annotations

import platform
import uuid
from dataclasses import dataclass
from pathlib import Path

from cdsxa.common.admin_units import commune_label
from cdsxa.common.errors import UserError
from cdsxa.db.engine import Database
from cdsxa.security import device_token
from cdsxa.security.access import SYSTEM
from cdsxa.sync import audit_out, bundle_files, wire
from cdsxa.sync.bundle_files import SyncFileRefused
from cdsxa.sync.outbox import outgoing
from cdsxa.sync.synchronise import _acknowledge, pending_count


def _profile(db: Database) -> tuple[int, str]:
    if db.commune_code is None or db.key is None:
        raise UserError("Hồ sơ xã chưa được thiết lập; chưa đồng bộ được với tỉnh.")
    return db.commune_code, str(db.load_device())


# --- enrolment by file ---------------------------------------------------------------

@dataclass(frozen=True)
class EnrolledByFile:
    commune_code: int
    commune_name: str
    device_id: str
    fingerprint: str  # of the hub's signing key: compare with what the province says
    in_keyring: bool


def enrol_by_file(db: Database, data_dir: Path, path: Path) -> EnrolledByFile:
    commune_code, device_id = _profile(db)
    assert db.key is not None
    known = device_token.enrolment(data_dir)
    if known is not None and known.hub_url:
        # Its token works: replacing it would leave a PC the hub knows but cannot reach.
        raise SyncFileRefused("enrolled", f"Máy này đã đăng ký với máy chủ tỉnh qua mạng "
                              f"({known.hub_url}); không cần tệp đăng ký. Khi mất mạng, hãy "
                              "xuất tệp đồng bộ (cdsxa bundle export) như bình thường.")
    found = bundle_files.read(path, "enrol")
    header = found.header_as(bundle_files.EnrolFileHeader)
    # The file carries its own key: this proves it whole, not who made it (hence the
    # fingerprint, to compare with the province's).
    hub_sign = bundle_files.decode_key(header.hub.sign_key)
    if not found.signed_by(hub_sign):
        raise SyncFileRefused("bad_signature", "Tệp đăng ký bị hỏng hoặc đã bị sửa; chưa đăng "
                              "ký. Hãy xin tỉnh một tệp đăng ký mới.")
    if header.commune_code != commune_code:
        raise SyncFileRefused("other_commune", f"Tệp đăng ký này dành cho "
                              f"{commune_label(header.commune_code)}, không phải "
                              f"{commune_label(commune_code)} của máy này. Chưa đăng ký; hãy "
                              "xin tỉnh tệp đăng ký của xã mình.")
    if header.expires_at <= bundle_files.utc_now():
        raise SyncFileRefused("expired_code", "Tệp đăng ký này đã hết hạn "
                              f"({header.expires_at:%d/%m/%Y}); chưa đăng ký. Hãy xin tỉnh một "
                              "tệp đăng ký mới.")
    code = found.body_as(bundle_files.EnrolFileBody).code
    parsed = wire.parse_code(code)
    if parsed is None or parsed[0] != commune_code:
        raise SyncFileRefused("malformed_code", "Tệp đăng ký không hợp lệ; chưa đăng ký. Hãy "
                              "xin tỉnh một tệp đăng ký mới.")
    private, public = bundle_files.new_signing_key()
    signing = device_token.SigningKeys(bundle_files.encode_key(private),
                                       bundle_files.encode_key(public), header.hub.box_key,
                                       header.hub.sign_key)
    kept = device_token.store(data_dir, db.key, None, "", commune_code, device_id,
                              signing=signing, enrol_code=wire.normalise_code(code))
    return EnrolledByFile(commune_code, header.commune_name, device_id,
                          bundle_files.fingerprint(hub_sign), kept.in_keyring)


# --- bundles -------------------------------------------------------------------------

@dataclass(frozen=True)
class Exported:
    path: Path | None  # None: nothing to send, no file written
    bundle_id: str
    entries: int
    events: int  # audit events
    left: int  # pending entries that did not fit (the next bundle takes them)
    size: int  # bytes
    enrolling: bool  # the bundle asks the hub to register this PC


def _enrolment(db: Database, data_dir: Path) -> device_token.Enrolment:
    commune_code, device_id = _profile(db)
    known = device_token.enrolment(data_dir)
    if known is None:
        raise device_token.NotEnrolledError(
            "Máy này chưa đăng ký với tỉnh: hãy đăng ký bằng tệp đăng ký của tỉnh (cdsxa enrol "
            "--file TỆP) hoặc bằng mã của tỉnh, rồi xuất tệp đồng bộ.")
    if known.commune_code != commune_code or known.device_id != device_id:
        raise device_token.NotEnrolledError(
            "Đăng ký với tỉnh trong tệp khóa không khớp với dữ liệu này (dữ liệu được chép "
            "từ máy khác?). Hãy xin tỉnh tệp đăng ký mới và đăng ký lại.")
    if known.hub_box_key is None or known.hub_sign_key is None or known.device_key is None:
        raise device_token.NotEnrolledError(device_token.NO_SIGNING_KEY)
    return known


def export(db: Database, data_dir: Path, out: Path) -> Exported:
    """Every pending entry (up to the bound) into one bundle file; nothing is marked:
    only the hub's receipt does that."""
    known = _enrolment(db, data_dir)
    assert db.key is not None and known.hub_box_key is not None
    private = bundle_files.decode_key(device_token.signing_key(data_dir, db.key))
    if bundle_files.encode_key(bundle_files.signing_public(private)) != known.device_key:
        raise device_token.NotEnrolledError(
            "Khóa ký của máy không khớp với đăng ký trong tệp khóa. Hãy xin tỉnh tệp đăng ký "
            "mới và đăng ký lại.")
    code = device_token.enrol_code(data_dir, db.key) if known.claim_pending else None
    with db.reading(SYSTEM) as session:
        changes = outgoing(session, limit=bundle_files.MAX_BUNDLE_ENTRIES)
        total = pending_count(session)
        # The audit events travel as with a push (pseudonymised: cdsxa.sync.audit_out).
        events = audit_out.unsent(session, bundle_files.MAX_BUNDLE_ENTRIES)
    bundle_id = str(uuid.uuid4())
    if not changes and not events and code is None:
        return Exported(None, bundle_id, 0, 0, 0, 0, False)
    size = wire.MAX_BATCH_ENTRIES
    batches = [wire.PushRequest(batch_id=str(uuid.uuid4()),
                                entries=[wire.WireEntry.from_change(c)
                                         for c in changes[start:start + size]],
                                audit=events[start:start + size])
               for start in range(0, max(len(changes), len(events)), size)]
    claim = bundle_files.EnrolClaim(code=code, label=platform.node()[:wire.MAX_LABEL_LENGTH]
                                    or None) if code is not None else None
    payload = bundle_files.BundlePayload(enrol=claim, batches=batches)
    data = bundle_files.make_bundle(payload, known.commune_code, known.device_id, bundle_id,
                                    private, bundle_files.decode_key(known.hub_box_key))
    bundle_files.write_private(out, data)
    return Exported(out, bundle_id, len(changes), len(events), total - len(changes),
                    len(data), claim is not None)


# --- receipts ------------------------------------------------------------------------

@dataclass(frozen=True)
class Acknowledged:
    bundle_id: str
    acknowledged: int  # entries marked now (0 for a receipt imported before)
    pending: int
    refused: list[str]  # Vietnamese, one per entry the hub refused (still pending)


def import_receipt(db: Database, data_dir: Path, path: Path) -> Acknowledged:
    known = _enrolment(db, data_dir)
    assert known.hub_sign_key is not None
    found = bundle_files.read(path, "receipt")
    if not found.signed_by(bundle_files.decode_key(known.hub_sign_key)):
        raise SyncFileRefused("bad_signature", "Biên nhận bị hỏng, đã bị sửa, hoặc không do máy "
                              "chủ tỉnh của xã này ký; chưa đánh dấu gì. Hãy xin tỉnh chép lại "
                              "biên nhận (nhập lại tệp đồng bộ ở tỉnh sẽ ghi lại biên nhận).")
    header = found.header_as(bundle_files.ReceiptHeader)
    if header.commune_code != known.commune_code:
        raise SyncFileRefused("other_commune", f"Biên nhận này của "
                              f"{commune_label(header.commune_code)}, không phải của xã trên "
                              "máy này; chưa đánh dấu gì. Hãy nhập đúng biên nhận của máy này.")
    if header.device_id != known.device_id:
        raise SyncFileRefused("other_device", f"Biên nhận này của một máy khác (mã máy "
                              f"{header.device_id}), không phải máy này ({known.device_id}); "
                              "chưa đánh dấu gì. Mỗi máy chỉ nhập biên nhận của tệp đồng bộ "
                              "chính nó đã xuất.")
    body = found.body_as(bundle_files.ReceiptBody)

    with db.transaction(SYSTEM) as session:
        before = pending_count(session)
        _acknowledge(session, set(body.held))
        audit_out.mark_sent(session, body.audit_held)
        after = pending_count(session)
    if known.claim_pending:
        device_token.confirm(data_dir)  # the hub registered this PC: no more code sent
    return Acknowledged(header.bundle_id, before - after, after,
                        [r.message for r in body.refused])
