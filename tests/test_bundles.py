"""Sync without a network: an enrol file, a bundle out, a receipt back, through the real
commands (`cdsxa` and `cdsxa-hub` in this process) on real files, against a real hub
database on SQLite and on PostgreSQL. Every refusal is Vietnamese, exits 1 and changes
nothing (counted before and after, at the hub and on the PC)."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import func, select, update

from cdsxa.cli.main import main as cdsxa_main
from cdsxa.common.errors import UserError
from cdsxa.commune.profile import initialise
from cdsxa.db.base import utcnow
from cdsxa.db.models import AuditEvent, ChangeLogEntry, Person
from cdsxa.hub import cli as hub_cli
from cdsxa.hub import hub_keys
from cdsxa.hub.database import HubDatabase
from cdsxa.hub.models import CommuneKey, Device, EnrolmentCode, Entry
from cdsxa.hub.replica import Replicas
from cdsxa.security import audit, device_token, keys
from cdsxa.security.access import SYSTEM
from cdsxa.sync import bundle_files
from cdsxa.sync.bundle_files import BundleHeader, BundlePayload, ReceiptBody
from cdsxa.sync.outbox import outgoing
from tests.conftest import PASSPHRASE, TESTER, db_fixture_setup, muong_lat_code
from tests.hub_server import RunningHub
from tests.sync_pcs import Pc, make_pc

HAC_THANH = 14797


# --- helpers -----------------------------------------------------------------------------

@dataclass
class Run:
    code: int
    out: str
    err: str


def cdsxa(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Run:
    code = cdsxa_main([str(a) for a in args])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def hub(capsys: pytest.CaptureFixture[str], url: str, *args: str | Path) -> Run:
    code = hub_cli.main([*(str(a) for a in args), "--database", url])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def new_pc(folder: Path) -> Pc:
    key = keys.create(folder, PASSPHRASE).key
    db = initialise(folder, db_fixture_setup(), key, TESTER)
    db.load_device()
    return Pc(db, folder)


def pending(pc: Pc) -> int:
    return pc.count(ChangeLogEntry, ChangeLogEntry.acked_at.is_(None))


def hub_counts(url: str, commune: int | None = None) -> dict[str, int]:
    """What a refused file must not change at the hub."""
    commune = commune or muong_lat_code()
    database = HubDatabase(url)
    try:
        with database.transaction() as session:
            def count(model: Any, *where: Any) -> int:
                return int(session.scalar(select(func.count()).select_from(model)
                                          .where(*where)) or 0)
            counts = {"entries": count(Entry), "devices": count(Device),
                      "used codes": count(EnrolmentCode, EnrolmentCode.used_at.is_not(None)),
                      "keys": count(CommuneKey)}
        replicas = Replicas(url, database.engine)
        try:
            counts["replica entries"] = -1
            if replicas.exists(commune):
                with replicas.get(commune).reading() as session:
                    counts["replica entries"] = int(session.scalar(
                        select(func.count()).select_from(ChangeLogEntry)) or 0)
        finally:
            replicas.close()
    finally:
        database.close()
    return counts


def replica_people(url: str) -> list[str]:
    database = HubDatabase(url)
    replicas = Replicas(url, database.engine)
    try:
        with replicas.get(muong_lat_code()).reading() as session:
            return sorted(p.full_name for p in session.scalars(
                select(Person).where(Person.deleted.is_(False))))
    finally:
        replicas.close()
        database.close()


def held_of(receipt: Path) -> list[str]:
    return bundle_files.read(receipt, "receipt").body_as(ReceiptBody).held


def enrol_file(capsys: pytest.CaptureFixture[str], url: str, folder: Path,
               commune: int | None = None, name: str = "dang-ky.cdsxa") -> Path:
    out = folder / name
    done = hub(capsys, url, "enrol-file", "--commune", str(commune or muong_lat_code()),
               "--out", out)
    assert done.code == 0, done.err
    return out


def file_pc(capsys: pytest.CaptureFixture[str], url: str, folder: Path) -> Pc:
    """A PC enrolled by file, its enrol file issued by the hub."""
    pc = new_pc(folder)
    done = cdsxa(capsys, "enrol", "--file", enrol_file(capsys, url, folder.parent,
                                                       name=f"{folder.name}.enrol"),
                 "--data-dir", folder)
    assert done.code == 0, done.err
    return pc


def export(capsys: pytest.CaptureFixture[str], pc: Pc, name: str = "gui.cdsxa") -> Path:
    out = pc.data_dir.parent / f"{pc.data_dir.name}-{name}"
    done = cdsxa(capsys, "bundle", "export", "--out", out, "--data-dir", pc.data_dir)
    assert done.code == 0, done.err
    return out


def import_bundle(capsys: pytest.CaptureFixture[str], url: str, bundle: Path,
                  receipt: Path) -> Run:
    return hub(capsys, url, "import-bundle", bundle, "--out", receipt)


def signing_key(pc: Pc) -> bytes:
    assert pc.db.key is not None
    return bundle_files.decode_key(device_token.signing_key(pc.data_dir, pc.db.key))


def repacked(data: bytes, signing: bytes, **header: Any) -> bytes:
    """The file with its header changed, signed again with `signing` (body unchanged)."""
    found = bundle_files.split(data, "bundle")
    changed = BundleHeader.model_validate({**json.loads(found.header), **header})
    return bundle_files.pack("bundle", changed, found.body, signing)


def refused_without_change(capsys: pytest.CaptureFixture[str], url: str, bundle: Path,
                           tmp_path: Path, *words: str) -> str:
    before = hub_counts(url)
    receipt = tmp_path / "không-có-biên-nhận.cdsxa"
    done = import_bundle(capsys, url, bundle, receipt)
    assert done.code == 1, done.out
    assert done.err.startswith("cdsxa-hub: ") and "Traceback" not in done.err
    for word in words:
        assert word in done.err, done.err
    assert hub_counts(url) == before
    assert not receipt.exists()
    return done.err


@pytest.fixture
def pcs() -> Iterator[list[Pc]]:
    made: list[Pc] = []
    yield made
    for pc in made:
        pc.db.close()


# --- the round trip ------------------------------------------------------------------------

def test_enrol_by_file_export_import_and_the_receipt_acknowledges(
        hub_url_db: str, tmp_path: Path, pcs: list[Pc],
        capsys: pytest.CaptureFixture[str]) -> None:
    issued = hub(capsys, hub_url_db, "enrol-file", "--commune", str(muong_lat_code()),
                 "--out", tmp_path / "dang-ky.cdsxa")
    assert issued.code == 0, issued.err
    assert "Đã ghi tệp đăng ký dùng một lần" in issued.out and "hết hạn" in issued.out
    enrol_bytes = (tmp_path / "dang-ky.cdsxa").read_bytes()
    assert (tmp_path / "dang-ky.cdsxa").stat().st_mode & 0o077 == 0  # it holds a code
    pc = new_pc(tmp_path / "pc")
    pcs.append(pc)
    pc.add_person("Lò Thị Mai", phone="0912000001")
    enrolled = cdsxa(capsys, "enrol", "--file", tmp_path / "dang-ky.cdsxa",
                     "--data-dir", pc.data_dir)
    assert enrolled.code == 0, enrolled.err
    fingerprint = issued.out.split("cho xã: ")[1].split()[0]
    assert f"Dấu khóa của máy chủ tỉnh: {fingerprint}" in enrolled.out
    # Nothing secret in plain text in key.json (the code and the signing key are sealed
    # or in the keyring).
    code = json.loads(bundle_files.split(enrol_bytes, "enrol").body)["code"]
    key_json = (pc.data_dir / keys.KEY_FILE).read_text(encoding="utf-8")
    assert code not in key_json and "enrol_code" in key_json
    assert pc.db.key is not None
    assert device_token.enrol_code(pc.data_dir, pc.db.key) == code
    # The hub knows nothing of the PC yet.
    assert hub_counts(hub_url_db)["devices"] == 0

    with pc.db.transaction(TESTER) as session:  # an event of the audit trail (an export)
        audit.record(session, "export", "Xuất danh sách người dân")
    waiting = pending(pc)
    unsent = pc.count(AuditEvent, AuditEvent.sent_at.is_(None))
    assert waiting > 0 and unsent > 0
    bundle = export(capsys, pc)
    data = bundle.read_bytes()
    assert b"L\xc3\xb2 Th\xe1\xbb\x8b Mai" not in data and b"0912000001" not in data
    assert code.encode() not in data
    assert pending(pc) == waiting  # only a receipt marks entries

    receipt = tmp_path / "bien-nhan.cdsxa"
    done = import_bundle(capsys, hub_url_db, bundle, receipt)
    assert done.code == 0, done.err
    assert "Đã đăng ký máy" in done.out and f"tỉnh giữ {waiting} thay đổi" in done.out
    assert replica_people(hub_url_db) == ["Lò Thị Mai"]
    counts = hub_counts(hub_url_db)
    assert counts["devices"] >= 1 and counts["used codes"] == 1
    assert len(held_of(receipt)) == waiting

    acknowledged = cdsxa(capsys, "bundle", "import-receipt", receipt, "--data-dir", pc.data_dir)
    assert acknowledged.code == 0, acknowledged.err
    assert f"{waiting} thay đổi được đánh dấu" in acknowledged.out
    assert "Còn chờ gửi: 0" in acknowledged.out
    assert pending(pc) == 0
    assert pc.count(AuditEvent, AuditEvent.sent_at.is_(None)) == 0  # they travel too
    assert len(bundle_files.read(receipt, "receipt").body_as(ReceiptBody).audit_held) == unsent
    # The hub registered the PC: the code is forgotten, later bundles carry none.
    assert "enrol_code" not in (pc.data_dir / keys.KEY_FILE).read_text(encoding="utf-8")
    again = cdsxa(capsys, "bundle", "import-receipt", receipt, "--data-dir", pc.data_dir)
    assert again.code == 0 and "0 thay đổi được đánh dấu" in again.out

    # Nothing waits: no file. New work: a second bundle, checked with the registered key.
    nothing = cdsxa(capsys, "bundle", "export", "--out", tmp_path / "rong.cdsxa",
                    "--data-dir", pc.data_dir)
    assert nothing.code == 0 and "Không có thay đổi nào chờ gửi" in nothing.out
    assert not (tmp_path / "rong.cdsxa").exists()
    pc.add_person("Hà Văn Lan")
    second = export(capsys, pc, "lan-hai.cdsxa")
    assert import_bundle(capsys, hub_url_db, second, tmp_path / "bn2.cdsxa").code == 0
    assert cdsxa(capsys, "bundle", "import-receipt", tmp_path / "bn2.cdsxa",
                 "--data-dir", pc.data_dir).code == 0
    assert pending(pc) == 0
    assert replica_people(hub_url_db) == ["Hà Văn Lan", "Lò Thị Mai"]
    # A PC enrolled by file is told how it sends, not to enrol.
    told = cdsxa(capsys, "sync", "--data-dir", pc.data_dir)
    assert told.code == 1 and "bằng tệp" in told.err and "cdsxa bundle export" in told.err


def test_the_same_bundle_twice_changes_nothing_the_second_time(
        hub_url_db: str, tmp_path: Path, pcs: list[Pc],
        capsys: pytest.CaptureFixture[str]) -> None:
    pc = file_pc(capsys, hub_url_db, tmp_path / "pc")
    pcs.append(pc)
    pc.add_person("Lò Thị Mai")
    bundle = export(capsys, pc)
    assert import_bundle(capsys, hub_url_db, bundle, tmp_path / "r1").code == 0
    first = hub_counts(hub_url_db)
    again = import_bundle(capsys, hub_url_db, bundle, tmp_path / "r2")
    assert again.code == 0, again.err
    assert "Đã đăng ký máy" not in again.out  # registered once
    assert "nhật ký của xã thêm 0 mục" in again.out
    assert hub_counts(hub_url_db) == first
    assert sorted(held_of(tmp_path / "r1")) == sorted(held_of(tmp_path / "r2"))
    assert replica_people(hub_url_db) == ["Lò Thị Mai"]
    # A second bundle before any receipt (both still carry the enrolment): the same.
    later = export(capsys, pc, "b2")
    assert import_bundle(capsys, hub_url_db, later, tmp_path / "r3").code == 0
    assert hub_counts(hub_url_db) == first
    # Either receipt acknowledges the same entries.
    assert cdsxa(capsys, "bundle", "import-receipt", tmp_path / "r2",
                 "--data-dir", pc.data_dir).code == 0
    assert pending(pc) == 0


def test_without_a_keyring_the_signing_key_is_sealed_in_the_key_file(
        hub_url_db: str, tmp_path: Path, pcs: list[Pc], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pc = new_pc(tmp_path / "pc")
    pcs.append(pc)
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASSPHRASE)  # the data key, without a keyring
    keyring.set_keyring(fail.Keyring())  # the memory_keyring fixture puts its own back
    done = cdsxa(capsys, "enrol", "--file", enrol_file(capsys, hub_url_db, tmp_path),
                 "--data-dir", pc.data_dir)
    assert done.code == 0 and "tệp khóa, được mã hóa bằng khóa dữ liệu" in done.out
    text = (pc.data_dir / keys.KEY_FILE).read_text(encoding="utf-8")
    section = json.loads(text)["hub"]
    assert set(section["signing_key"]) == {"nonce", "sealed"}
    assert pc.db.key is not None
    assert device_token.signing_key(pc.data_dir, pc.db.key) not in text
    assert import_bundle(capsys, hub_url_db, export(capsys, pc), tmp_path / "r").code == 0
    assert cdsxa(capsys, "bundle", "import-receipt", tmp_path / "r",
                 "--data-dir", pc.data_dir).code == 0
    assert pending(pc) == 0


def test_a_pc_enrolled_over_the_network_exports_bundles_too(
        hub: RunningHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pc = make_pc(hub, tmp_path / "pc")
    try:
        known = device_token.enrolment(pc.data_dir)
        assert known is not None and known.hub_box_key and known.device_key
        assert not known.by_file and not known.claim_pending
        pc.add_person("Lò Thị Mai")
        waiting = pending(pc)
        bundle = export(capsys, pc)
        done = import_bundle(capsys, hub.database_url, bundle, tmp_path / "r")
        assert done.code == 0, done.err
        assert "Đã đăng ký máy" not in done.out
        assert cdsxa(capsys, "bundle", "import-receipt", tmp_path / "r",
                     "--data-dir", pc.data_dir).code == 0
        assert pending(pc) == 0 and waiting > 0
        assert replica_people(hub.database_url) == ["Lò Thị Mai"]
        # And the network goes on from there.
        pc.add_person("Hà Văn Lan")
        outcome = pc.sync()
        assert outcome.ok, outcome.error
        assert outcome.pending == 0
        assert replica_people(hub.database_url) == ["Hà Văn Lan", "Lò Thị Mai"]
    finally:
        pc.db.close()


# --- refused bundles -----------------------------------------------------------------------

@pytest.fixture
def registered(hub_url_db: str, tmp_path: Path, pcs: list[Pc],
               capsys: pytest.CaptureFixture[str]) -> tuple[Pc, Path]:
    """A PC the hub registered with its first bundle, and its second bundle."""
    pc = file_pc(capsys, hub_url_db, tmp_path / "pc")
    pcs.append(pc)
    first = export(capsys, pc)
    assert import_bundle(capsys, hub_url_db, first, tmp_path / "r1").code == 0
    assert cdsxa(capsys, "bundle", "import-receipt", tmp_path / "r1",
                 "--data-dir", pc.data_dir).code == 0
    pc.add_person("Lò Thị Mai", phone="0912000001")
    return pc, export(capsys, pc, "b2")


def test_a_truncated_bundle_is_refused(hub_url_db: str, tmp_path: Path,
                                       registered: tuple[Pc, Path],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    _pc, bundle = registered
    data = bundle.read_bytes()
    for keep in (len(data) - 1, len(data) - 64, len(data) // 2, 20, 5, 0):
        cut = tmp_path / f"cut-{keep}.cdsxa"
        cut.write_bytes(data[:keep])
        refused_without_change(capsys, hub_url_db, cut, tmp_path,
                               "bị thiếu phần cuối" if keep >= 12 else "không phải")


def test_one_flipped_byte_anywhere_is_refused(hub_url_db: str, tmp_path: Path,
                                              registered: tuple[Pc, Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    pc, bundle = registered
    data = bundle.read_bytes()
    device_key = bundle_files.signing_public(signing_key(pc))

    def detected(altered: bytes) -> bool:
        try:
            found = bundle_files.split(altered, "bundle")
            found.header_as(BundleHeader)
        except bundle_files.SyncFileRefused:
            return True
        return not found.signed_by(device_key)

    # Every byte, every bit position once: the signature (or the shape) notices.
    assert not detected(data)
    for at in range(len(data)):
        altered = bytearray(data)
        altered[at] ^= 1 << (at % 8)
        assert detected(bytes(altered)), at
    # And through the command, a few places: magic, lengths, header, body, signature.
    head_length = struct.unpack_from(">I", data, 12)[0]
    body_at = 16 + head_length + 8
    for at in (3, 14, 16 + head_length // 2, body_at + 1, (body_at + len(data)) // 2,
               len(data) - 1):
        altered = bytearray(data)
        altered[at] ^= 0x20
        path = tmp_path / f"flip-{at}.cdsxa"
        path.write_bytes(bytes(altered))
        refused_without_change(capsys, hub_url_db, path, tmp_path)
    assert pending(pc) > 0


def test_a_bundle_signed_by_another_device_is_refused(
        hub_url_db: str, tmp_path: Path, registered: tuple[Pc, Path], pcs: list[Pc],
        capsys: pytest.CaptureFixture[str]) -> None:
    pc, bundle = registered
    other = file_pc(capsys, hub_url_db, tmp_path / "khac")
    pcs.append(other)
    # The other PC's key signs a bundle naming this PC (its header, its entries).
    forged = tmp_path / "forged.cdsxa"
    forged.write_bytes(repacked(bundle.read_bytes(), signing_key(other),
                                device_key=bundle_files.encode_key(
                                    bundle_files.signing_public(signing_key(other)))))
    refused_without_change(capsys, hub_url_db, forged, tmp_path, "Chữ ký", "không đúng")
    # A new bundle made whole with the other key, under this PC's name.
    with pc.db.reading(SYSTEM) as session:
        changes = outgoing(session)
    from cdsxa.sync import wire
    payload = BundlePayload(batches=[wire.PushRequest(
        batch_id="8a6e0bd8-7c4e-4d7a-9a3e-3f1f6f3c2b11",
        entries=[wire.WireEntry.from_change(c) for c in changes])])
    known = device_token.enrolment(pc.data_dir)
    assert known is not None and known.hub_box_key is not None
    made = bundle_files.make_bundle(payload, known.commune_code, known.device_id,
                                    "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", signing_key(other),
                                    bundle_files.decode_key(known.hub_box_key))
    forged.write_bytes(made)
    refused_without_change(capsys, hub_url_db, forged, tmp_path, "Chữ ký")
    assert pending(pc) > 0


def test_a_bundle_whose_header_names_another_commune_is_refused(
        hub_url_db: str, tmp_path: Path, registered: tuple[Pc, Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    pc, bundle = registered
    enrol_file(capsys, hub_url_db, tmp_path, HAC_THANH, "hac-thanh.cdsxa")  # its keys exist
    data = bundle.read_bytes()
    # Edited in place: the signature no longer covers what it says.
    text = data.replace(f'"commune_code":{muong_lat_code()}'.encode(),
                        f'"commune_code":{HAC_THANH}'.encode())
    assert text != data
    edited = tmp_path / "edited.cdsxa"
    edited.write_bytes(text)
    refused_without_change(capsys, hub_url_db, edited, tmp_path, "Chữ ký")
    # Signed again by the PC itself: still encrypted for its own commune's key.
    resigned = tmp_path / "resigned.cdsxa"
    resigned.write_bytes(repacked(data, signing_key(pc), commune_code=HAC_THANH))
    refused_without_change(capsys, hub_url_db, resigned, tmp_path, "xã hoặc máy chủ tỉnh khác")
    # Even encrypted for the other commune's key, its entries are not that commune's.
    database = HubDatabase(hub_url_db)
    try:
        with database.transaction() as session:
            other_keys = hub_keys.existing(session, HAC_THANH)
    finally:
        database.close()
    assert other_keys is not None
    found = bundle_files.split(data, "bundle")
    with pc.db.reading(SYSTEM) as session:
        changes = outgoing(session)
    from cdsxa.sync import wire
    payload = BundlePayload(batches=[wire.PushRequest(
        batch_id="8a6e0bd8-7c4e-4d7a-9a3e-3f1f6f3c2b11",
        entries=[wire.WireEntry.from_change(c) for c in changes])])
    header = found.header_as(BundleHeader)
    moved = tmp_path / "moved.cdsxa"
    moved.write_bytes(bundle_files.make_bundle(
        payload, HAC_THANH, header.device_id, header.bundle_id, signing_key(pc),
        bundle_files.decode_key(other_keys.public.box_key)))
    refused_without_change(capsys, hub_url_db, moved, tmp_path, "không thuộc máy và xã")
    assert pending(pc) > 0


def test_an_expired_or_used_enrol_file_is_refused(
        hub_url_db: str, tmp_path: Path, pcs: list[Pc], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # Read after it expired: refused on the PC, which stays unenrolled.
    late = new_pc(tmp_path / "late")
    pcs.append(late)
    path = enrol_file(capsys, hub_url_db, tmp_path, name="late.cdsxa")
    now = bundle_files.utc_now()
    monkeypatch.setattr(bundle_files, "utc_now", lambda: now + timedelta(days=8))
    done = cdsxa(capsys, "enrol", "--file", path, "--data-dir", late.data_dir)
    assert done.code == 1 and "đã hết hạn" in done.err and "xin tỉnh" in done.err
    assert device_token.enrolment(late.data_dir) is None
    monkeypatch.undo()

    # Read in time, but the code expired before the hub saw the first bundle.
    pc = file_pc(capsys, hub_url_db, tmp_path / "pc")
    pcs.append(pc)
    bundle = export(capsys, pc)
    database = HubDatabase(hub_url_db)
    try:
        with database.transaction() as session:
            session.execute(update(EnrolmentCode).values(
                expires_at=utcnow() - timedelta(seconds=1)))
    finally:
        database.close()
    refused_without_change(capsys, hub_url_db, bundle, tmp_path, "đã hết hạn",
                           "cdsxa-hub enrol-file")
    assert pending(pc) > 0

    # One file for two PCs: the first to reach the hub is registered, not the second.
    shared = enrol_file(capsys, hub_url_db, tmp_path, name="shared.cdsxa")
    first, second = new_pc(tmp_path / "first"), new_pc(tmp_path / "second")
    pcs += [first, second]
    for one in (first, second):
        assert cdsxa(capsys, "enrol", "--file", shared, "--data-dir", one.data_dir).code == 0
    assert import_bundle(capsys, hub_url_db, export(capsys, first), tmp_path / "r").code == 0
    refused_without_change(capsys, hub_url_db, export(capsys, second), tmp_path,
                           "đã được dùng")


def test_an_enrol_file_of_another_commune_or_altered_is_refused_on_the_pc(
        hub_url_db: str, tmp_path: Path, pcs: list[Pc],
        capsys: pytest.CaptureFixture[str]) -> None:
    pc = new_pc(tmp_path / "pc")
    pcs.append(pc)
    other = enrol_file(capsys, hub_url_db, tmp_path, HAC_THANH, "hac-thanh.cdsxa")
    done = cdsxa(capsys, "enrol", "--file", other, "--data-dir", pc.data_dir)
    assert done.code == 1 and "dành cho Phường Hạc Thành" in done.err
    ours = enrol_file(capsys, hub_url_db, tmp_path)
    data = bytearray(ours.read_bytes())
    data[len(data) // 2] ^= 1
    ours.write_bytes(bytes(data))
    done = cdsxa(capsys, "enrol", "--file", ours, "--data-dir", pc.data_dir)
    assert done.code == 1 and "Tệp đăng ký bị hỏng" in done.err
    a_bundle = tmp_path / "khong-phai.cdsxa"
    a_bundle.write_bytes(b"PK\x03\x04 not ours")
    done = cdsxa(capsys, "enrol", "--file", a_bundle, "--data-dir", pc.data_dir)
    assert done.code == 1 and "không phải tệp đăng ký của CĐS Xã" in done.err
    assert device_token.enrolment(pc.data_dir) is None


def test_a_bundle_of_a_revoked_device_is_refused(
        hub_url_db: str, tmp_path: Path, registered: tuple[Pc, Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    pc, bundle = registered
    database = HubDatabase(hub_url_db)
    try:
        with database.transaction() as session:  # the province revokes it
            session.execute(update(Device).values(revoked_at=utcnow()))
    finally:
        database.close()
    refused_without_change(capsys, hub_url_db, bundle, tmp_path, "thu hồi")
    assert pending(pc) > 0
    # A new enrol file brings it back, with a new key.
    old_key = signing_key(pc)
    again = enrol_file(capsys, hub_url_db, tmp_path, name="lai.cdsxa")
    assert cdsxa(capsys, "enrol", "--file", again, "--data-dir", pc.data_dir).code == 0
    assert signing_key(pc) != old_key
    refused_without_change(capsys, hub_url_db, bundle, tmp_path, "thu hồi")  # the old one
    done = import_bundle(capsys, hub_url_db, export(capsys, pc, "b3"), tmp_path / "r3")
    assert done.code == 0 and "Đã đăng ký máy" in done.out, done.err
    assert cdsxa(capsys, "bundle", "import-receipt", tmp_path / "r3",
                 "--data-dir", pc.data_dir).code == 0
    assert pending(pc) == 0


def test_bounds_are_checked_before_reading_or_inflating(
        hub_url_db: str, tmp_path: Path, registered: tuple[Pc, Path],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _pc, bundle = registered
    huge = tmp_path / "huge.cdsxa"
    with huge.open("wb") as handle:  # sparse: claims its size without the bytes
        handle.write(bundle_files.MAGIC)
        handle.truncate(bundle_files.MAX_FILE_BYTES["bundle"] + 1)
    refused_without_change(capsys, hub_url_db, huge, tmp_path, "quá lớn")
    # A header length past the bound.
    data = bundle.read_bytes()
    claims = bundle_files.MAGIC + struct.pack(">I", 2**31) + data[16:]
    (tmp_path / "long-header.cdsxa").write_bytes(claims)
    refused_without_change(capsys, hub_url_db, tmp_path / "long-header.cdsxa", tmp_path,
                           "dài bất thường")
    # Inflating past the bound stops there.
    monkeypatch.setattr(bundle_files, "MAX_INFLATED_BYTES", 200)
    refused_without_change(capsys, hub_url_db, bundle, tmp_path, "quá nhiều dữ liệu")
    # A receipt is not a bundle.
    refused_without_change(capsys, hub_url_db, tmp_path / "r1", tmp_path,
                           "Đây là biên nhận, không phải tệp đồng bộ")


# --- receipts ------------------------------------------------------------------------------

def test_a_receipt_for_another_pc_or_altered_is_refused(
        hub_url_db: str, tmp_path: Path, pcs: list[Pc],
        capsys: pytest.CaptureFixture[str]) -> None:
    a = file_pc(capsys, hub_url_db, tmp_path / "a")
    b = file_pc(capsys, hub_url_db, tmp_path / "b")
    pcs += [a, b]
    assert import_bundle(capsys, hub_url_db, export(capsys, a), tmp_path / "ra").code == 0
    b_bundle = export(capsys, b)
    assert import_bundle(capsys, hub_url_db, b_bundle, tmp_path / "rb").code == 0
    before = pending(b), (b.data_dir / keys.KEY_FILE).read_bytes()
    done = cdsxa(capsys, "bundle", "import-receipt", tmp_path / "ra", "--data-dir", b.data_dir)
    assert done.code == 1 and "của một máy khác" in done.err and "chưa đánh dấu gì" in done.err
    assert (pending(b), (b.data_dir / keys.KEY_FILE).read_bytes()) == before

    data = (tmp_path / "rb").read_bytes()
    for at in (20, len(data) // 2, len(data) - 70, len(data) - 1):
        altered = bytearray(data)
        altered[at] ^= 0x01
        (tmp_path / "altered").write_bytes(bytes(altered))
        done = cdsxa(capsys, "bundle", "import-receipt", tmp_path / "altered",
                     "--data-dir", b.data_dir)
        assert done.code == 1 and ("chưa đánh dấu gì" in done.err or "bị hỏng" in done.err), \
            done.err
        assert (pending(b), (b.data_dir / keys.KEY_FILE).read_bytes()) == before
    (tmp_path / "cut").write_bytes(data[:-10])
    done = cdsxa(capsys, "bundle", "import-receipt", tmp_path / "cut", "--data-dir", b.data_dir)
    assert done.code == 1 and "bị thiếu phần cuối" in done.err
    done = cdsxa(capsys, "bundle", "import-receipt", b_bundle, "--data-dir", b.data_dir)
    assert done.code == 1 and "Đây là tệp đồng bộ, không phải biên nhận" in done.err
    assert (pending(b), (b.data_dir / keys.KEY_FILE).read_bytes()) == before
    # The right one.
    assert cdsxa(capsys, "bundle", "import-receipt", tmp_path / "rb",
                 "--data-dir", b.data_dir).code == 0
    assert pending(b) == 0


def test_an_unenrolled_pc_is_told_how_to_enrol(tmp_path: Path, pcs: list[Pc],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    pc = new_pc(tmp_path / "pc")
    pcs.append(pc)
    done = cdsxa(capsys, "bundle", "export", "--out", tmp_path / "b", "--data-dir", pc.data_dir)
    assert done.code == 1 and "chưa đăng ký với tỉnh" in done.err and "--file" in done.err
    done = cdsxa(capsys, "enrol", "--data-dir", pc.data_dir)
    assert done.code == 1 and "--file" in done.err


def test_the_hub_commands_speak_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        hub_cli.main(["--help"])
    shown = capsys.readouterr().out
    assert "enrol-file" in shown and "import-bundle" in shown
    with pytest.raises(SystemExit):
        cdsxa_main(["bundle", "--help"])
    shown = capsys.readouterr().out
    assert "export" in shown and "import-receipt" in shown and "biên nhận" in shown


@pytest.mark.parametrize("hub_url_db", ["sqlite"], indirect=True)
def test_an_enrol_file_does_not_undo_a_working_network_enrolment(
        hub: RunningHub, tmp_path: Path) -> None:
    """Found by the hostile tester: the file enrolment replaced the token, and the PC
    could sync no more (the hub refuses a new code for a device it holds)."""
    from cdsxa.hub import bundles as hub_bundles
    from cdsxa.sync import bundle as pc_bundle
    from tests.sync_pcs import make_pc

    pc = make_pc(hub, tmp_path / "pc")
    try:
        pc.add_person("Lò Thị Mai")
        assert pc.sync().ok
        with hub.database.transaction() as session:
            issued = hub_bundles.enrol_file(session, pc.db.commune_code or 0)
        path = tmp_path / "dang-ky.cdsxa"
        path.write_bytes(issued.data)
        with pytest.raises(UserError) as refused:
            pc_bundle.enrol_by_file(pc.db, pc.data_dir, path)
        assert "đã đăng ký với máy chủ tỉnh qua mạng" in refused.value.message
        pc.add_person("Hà Văn Lan")
        assert pc.sync().ok
    finally:
        pc.db.close()


def test_files_written_where_there_is_no_folder_are_refused_in_vietnamese(
        tmp_path: Path) -> None:
    """Found by the hostile tester: an unplugged USB stick gave a Python traceback (the
    hub) or English text (the PC), after the bundle had been applied."""
    from cdsxa.sync import bundle_files

    missing = tmp_path / "E:" / "usb" / "dong-bo.cdsxa"
    with pytest.raises(UserError) as refused:
        bundle_files.write_private(missing, b"data")
    assert "ổ USB" in refused.value.message and not missing.exists()
    assert hub_cli.main(["import-bundle", str(tmp_path / "x.cdsxa"), "--out", str(missing),
                         "--data-dir", str(tmp_path / "hub")]) == 1
