"""Backups and restore: encrypted single files, retention, checks before anything changes."""

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cdsxa.common.errors import UserError
from cdsxa.commune.profile import ProfileSetup, initialise
from cdsxa.db import migrate
from cdsxa.db.base import live
from cdsxa.db.engine import Database, make_engine
from cdsxa.db.models import AuditEvent, ChangeLogEntry, Person
from cdsxa.profile import backup, paths, restore
from cdsxa.profile import lock as profile_lock
from cdsxa.profile.storage import open_database
from cdsxa.register import people
from cdsxa.security import audit, keys, users
from cdsxa.security.access import SYSTEM, AccessDenied, Principal, Role
from tests.conftest import TESTER, muong_lat_code
from tests.helpers import person, village

ID_NUMBER = "038190001234"
NAME = "Lò Thị Mai"


def names(db: Database) -> set[str]:
    with db.reading(TESTER) as session:
        return set(session.scalars(select(Person.full_name).where(live(Person))))


def reopen(data_dir: Path, key: keys.DataKey) -> Database:
    return open_database(data_dir, key)


def file_hashes(folder: Path) -> dict[str, str]:
    # The lock files are no data: a refused restore may still have taken the lock.
    return {str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*"))
            if f.is_file() and f.name not in profile_lock.LOCK_FILES}


def audit_actions(db: Database) -> list[tuple[str, str]]:
    with db.reading(TESTER) as session:
        return [(e.action, e.actor) for e in session.scalars(select(AuditEvent))]


def audit_log(db: Database) -> list[AuditEvent]:
    with db.reading(TESTER) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def event_fields(event: AuditEvent) -> tuple[Any, ...]:
    """All but seq, which each database numbers on its own."""
    return (event.id, event.commune_code, event.at, event.actor, event.action,
            event.object_table, event.object_id, event.summary, event.details, event.sent_at)


def all_paths(folder: Path) -> set[str]:
    """Files and folders: a leftover empty folder counts too (the lock files do not)."""
    return {str(f.relative_to(folder)) for f in folder.rglob("*")
            if f.name not in profile_lock.LOCK_FILES}


def repack(source: Path, target: Path, *, manifest: dict[str, Any] | None = None,
           data: bytes | None = None, rehash: bool = False) -> Path:
    """A copy of a backup with its manifest or database changed (zip CRCs stay valid)."""
    with zipfile.ZipFile(source) as archive:
        old_manifest = json.loads(archive.read(backup.MANIFEST))
        old_data = archive.read(backup.DATA)
    new_data = old_data if data is None else data
    new_manifest = {**old_manifest, **(manifest or {})}
    if rehash:
        new_manifest.update(sha256=hashlib.sha256(new_data).hexdigest(), size=len(new_data))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(backup.MANIFEST, json.dumps(new_manifest))
        archive.writestr(backup.DATA, new_data)
    return target


def flipped(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


# --- the backup file ---------------------------------------------------------------

def test_a_backup_is_one_encrypted_file_with_a_manifest(db: Database, tmp_path: Path) -> None:
    person(db, NAME, id_number=ID_NUMBER, phone="0912345678")
    made = backup.make_backup(db, tmp_path / "usb" / "b.cdsxa-backup", "manual", TESTER)
    raw = made.path.read_bytes()
    for secret in (ID_NUMBER, NAME, "0912345678", "Bản Hang"):
        assert secret.encode("utf-8") not in raw
    assert b"SQLite format 3" not in raw
    assert [f.name for f in made.path.parent.iterdir()] == ["b.cdsxa-backup"]  # no leftovers
    with zipfile.ZipFile(made.path) as archive:
        assert archive.namelist() == [backup.MANIFEST, backup.DATA]
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}
        manifest = json.loads(archive.read(backup.MANIFEST))
    keyfile = keys.KeyFile.load(db.path.parent)
    assert keyfile is not None
    assert manifest["profile_id"] == keyfile.profile_id and manifest["wraps"] == keyfile.wraps
    assert manifest["revision"] == migrate.SCHEMA_HEAD
    assert manifest["commune_code"] == muong_lat_code()
    seen = backup.inspect_backup(made.path)
    assert seen == made and seen.reason == "manual"
    assert seen.created_at.utcoffset() == timedelta(0)


def test_a_backup_is_audited_and_needs_the_backup_permission(db: Database,
                                                             tmp_path: Path) -> None:
    backup.make_backup(db, tmp_path / "a.cdsxa-backup", "manual", TESTER)
    assert ("backup", "test") in audit_actions(db)
    officer = Principal("user:lan", Role.OFFICER)
    with pytest.raises(AccessDenied):
        backup.make_backup(db, tmp_path / "b.cdsxa-backup", "manual", principal=officer)
    assert not (tmp_path / "b.cdsxa-backup").exists()
    db.close()
    with pytest.raises(AccessDenied):
        restore.restore(db.path.parent, tmp_path / "a.cdsxa-backup", officer)


# --- restore -----------------------------------------------------------------------

def test_round_trip_keeps_the_current_data_as_a_backup_first(db: Database,
                                                             tmp_path: Path) -> None:
    data_dir, key = db.path.parent, db.key
    assert key is not None
    person(db, NAME, id_number=ID_NUMBER)
    saved = backup.make_backup(db, tmp_path / "b.cdsxa-backup", "manual", TESTER).path
    person(db, "Hà Văn Nam")
    db.close()

    done = restore.restore(data_dir, saved, TESTER)
    assert not done.rekeyed and done.previous is not None
    assert done.previous.parent == paths.backup_dir(data_dir)
    assert backup.inspect_backup(done.previous).reason == "before-restore"
    restored = reopen(data_dir, key)
    assert names(restored) == {NAME}
    assert ("restore", "test") in audit_actions(restored)
    restored.close()

    # The data kept before restoring brings Nam back.
    restore.restore(data_dir, done.previous, TESTER)
    again = reopen(data_dir, key)
    assert names(again) == {NAME, "Hà Văn Nam"}
    again.close()


def test_a_damaged_current_database_is_kept_as_it_was_then_replaced(
        db: Database, tmp_path: Path) -> None:
    data_dir, key = db.path.parent, db.key
    assert key is not None
    person(db, NAME)
    saved = backup.make_backup(db, tmp_path / "b.cdsxa-backup", "manual", TESTER).path
    db.close()
    db_file = paths.database_path(data_dir)
    damaged = flipped(db_file.read_bytes(), 100)  # page 1: nothing opens it any more
    db_file.write_bytes(damaged)

    done = restore.restore(data_dir, saved, TESTER)
    assert done.previous is not None and done.previous.suffix == ".sqlite3"
    assert done.carried == 0  # nothing readable to carry over
    assert done.previous.read_bytes() == damaged  # still encrypted, for a rescue
    restored = reopen(data_dir, key)
    assert names(restored) == {NAME}
    restored.close()


def older_backup(saved: Path, key: keys.DataKey, folder: Path) -> Path:
    """The backup taken back to revision 0002, as a backup from an older app would be."""
    snapshot = folder / "old.sqlite3"
    with zipfile.ZipFile(saved) as archive:
        snapshot.write_bytes(archive.read(backup.DATA))
    engine = make_engine(snapshot, key)
    migrate.downgrade(engine, "0002")
    engine.dispose()
    return repack(saved, folder / "old.cdsxa-backup", manifest={"revision": "0002"},
                  data=snapshot.read_bytes(), rehash=True)


def test_an_older_schema_backup_is_restored_and_migrated(db: Database, tmp_path: Path) -> None:
    data_dir, key = db.path.parent, db.key
    assert key is not None
    person(db, NAME)
    saved = backup.make_backup(db, tmp_path / "b.cdsxa-backup", "manual", TESTER).path
    db.close()
    older = older_backup(saved, key, tmp_path)

    live = Database(paths.database_path(data_dir), key)
    with live.transaction(TESTER) as session:
        audit.record(session, "export", "Xuất danh sách người dân")
    logged = [event_fields(e) for e in audit_log(live)]
    live.close()
    before = all_paths(data_dir)

    done = restore.restore(data_dir, older, TESTER)
    # Migrated before the swap, without a migration backup of the staged copy.
    assert done.previous is not None
    assert all_paths(data_dir) - before - {"backups"} == {f"backups/{done.previous.name}"}
    restored = reopen(data_dir, key)
    assert migrate.current_revision(restored.engine) == migrate.SCHEMA_HEAD
    assert names(restored) == {NAME}
    # Revision 0002 had no audit log: the migrated copy takes all of the current one.
    events = audit_log(restored)
    assert [event_fields(e) for e in events[:len(logged)]] == logged
    assert [e.action for e in events[len(logged):]] == ["backup", "restore"]  # kept, restored
    assert done.carried == len(logged) + 1
    restored.close()


def test_a_failed_migration_of_an_older_backup_changes_nothing(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir, key = db.path.parent, db.key
    assert key is not None
    person(db, NAME)
    saved = backup.make_backup(db, tmp_path / "b.cdsxa-backup", "manual", TESTER).path
    db.close()
    older = older_backup(saved, key, tmp_path)
    before, hashes = all_paths(data_dir), file_hashes(data_dir)

    def broken(*_: object) -> None:
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(migrate, "_run_alembic", broken)
    with pytest.raises(UserError) as refused:
        restore.restore(data_dir, older, TESTER)
    assert older.name in refused.value.message and "disk I/O error" in refused.value.message
    assert "không bị thay đổi" in refused.value.message
    assert all_paths(data_dir) == before and file_hashes(data_dir) == hashes
    monkeypatch.undo()
    kept = reopen(data_dir, key)
    assert names(kept) == {NAME} and "restore" not in dict(audit_actions(kept))
    kept.close()


def test_a_restore_keeps_the_audit_events_recorded_since_the_backup(
        db: Database, tmp_path: Path) -> None:
    """Otherwise: export personal data, restore yesterday's backup, and the export is hidden."""
    data_dir, key = db.path.parent, db.key
    assert key is not None
    with db.transaction(TESTER) as session:
        users.create_user(session, users.UserInput("Lò Văn Lan", "lan", Role.OFFICER,
                                                   password="Mật khẩu 2026"))
    person(db, NAME)
    in_backup = {e.id for e in audit_log(db)}  # its own event comes after its snapshot
    saved = backup.make_backup(db, tmp_path / "b.cdsxa-backup", "manual", TESTER).path
    nam = person(db, "Hà Văn Nam")
    with db.transaction(TESTER) as session:
        audit.record(session, "export", "Xuất danh sách người dân ra Excel",
                     details={"rows": 2})
    with db.transaction(SYSTEM) as session:
        users.sign_in(session, "lan", "Mật khẩu 2026")
    since = [e for e in audit_log(db) if e.id not in in_backup]
    db.close()

    done = restore.restore(data_dir, saved, TESTER)
    restored = reopen(data_dir, key)
    assert names(restored) == {NAME}
    events = audit_log(restored)
    # The backup's own event, the export, the sign-in, the "before-restore" backup.
    assert [(e.action, e.actor) for e in since] == [
        ("backup", "test"), ("export", "test"), ("sign_in", "user:lan")]
    carried = [e for e in events if e.id not in in_backup and e.action != "restore"]
    assert [event_fields(e) for e in carried[:3]] == [event_fields(e) for e in since]
    assert [e.action for e in carried[3:]] == ["backup"] and done.carried == 4
    assert "before-restore" in carried[3].summary
    assert {e.id for e in events} >= in_backup
    assert len({e.id for e in events}) == len(events)  # none twice
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert events[-1].action == "restore"
    assert json.loads(events[-1].details or "{}")["carried_events"] == 4
    # Record changes made since the backup went with the data they describe.
    with restored.reading(TESTER) as session:
        assert not session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.record_id == nam)).all()
    restored.close()

    # Restoring the data kept before: the events both files hold are not doubled.
    assert done.previous is not None
    again_done = restore.restore(data_dir, done.previous, TESTER)
    again = reopen(data_dir, key)
    assert names(again) == {NAME, "Hà Văn Nam"}
    twice = audit_log(again)
    assert len({e.id for e in twice}) == len(twice)
    assert {e.id for e in twice} >= {e.id for e in events}
    assert [e.action for e in twice][-4:] == ["backup", "restore", "backup", "restore"]
    assert again_done.carried == 3  # the kept backup's event, the restore, the new backup's
    again.close()


def corrupted_backups(saved: Path, folder: Path) -> dict[str, tuple[Path, str]]:
    """Damaged copies of a good backup, each with what the refusal must say."""
    raw = saved.read_bytes()
    with zipfile.ZipFile(saved) as archive:
        data = archive.read(backup.DATA)
    folder.mkdir()
    copies = {
        "truncated": raw[:len(raw) // 2],
        "not-a-zip": b"%PDF-1.4 this is not a backup at all" * 100,
        # The zip's own CRC-32 sees a flipped byte in the database.
        "flipped": flipped(raw, raw.index(data) + len(data) // 2),
    }
    for name, content in copies.items():
        (folder / name).write_bytes(content)
    damaged = "bị hỏng"
    return {
        "truncated": (folder / "truncated", "không đầy đủ"),
        "not a zip": (folder / "not-a-zip", "không phải bản sao lưu"),
        "flipped bytes": (folder / "flipped", damaged),
        # A whole zip, but the database is not what the manifest's sha256 says.
        "sha256": (repack(saved, folder / "sha", data=flipped(data, 5000)), "mã kiểm tra"),
        # Consistent hashes around a damaged page: SQLCipher's page HMAC refuses it.
        "damaged page": (repack(saved, folder / "page", data=flipped(data, 5000), rehash=True),
                         "không giải mã được"),
        "newer manifest": (repack(saved, folder / "newer", manifest={"revision": "0099"}),
                           "mới hơn"),
        "no manifest": (_zip_of(folder / "nomanifest", {backup.DATA: data}),
                        "không phải bản sao lưu"),
    }


def _zip_of(target: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return target


def test_corrupted_backups_are_refused_with_nothing_changed(db: Database,
                                                            tmp_path: Path) -> None:
    data_dir = db.path.parent
    person(db, NAME)
    saved = backup.make_backup(db, tmp_path / "b.cdsxa-backup", "manual", TESTER).path
    # A database that says it is newer than this app, inside a well-formed backup,
    # once with the manifest saying so and once hiding it.
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    newer = backup.make_backup(db, tmp_path / "newer.cdsxa-backup", "manual", TESTER).path
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            f"UPDATE alembic_version SET version_num = '{migrate.SCHEMA_HEAD}'")
    hidden = repack(newer, tmp_path / "hidden.cdsxa-backup",
                    manifest={"revision": migrate.SCHEMA_HEAD})
    person(db, "Hà Văn Nam")
    db.close()
    before = file_hashes(data_dir)

    bad = corrupted_backups(saved, tmp_path / "bad")
    bad.update({"newer schema": (newer, "lược đồ 0099"), "newer inside": (hidden, "lược đồ 0099")})
    for what, (path, says) in bad.items():
        with pytest.raises(UserError) as refused:
            restore.restore(data_dir, path, TESTER)
        assert path.name in refused.value.message and says in refused.value.message, what
        assert file_hashes(data_dir) == before, what
    for what in ("truncated", "not a zip", "flipped bytes", "sha256"):
        path, says = bad[what]
        with pytest.raises(UserError, match=says):
            backup.inspect_backup(path)
    assert backup.inspect_backup(saved).reason == "manual"


def new_profile(folder: Path, commune_code: int | None = None) -> tuple[Database, str]:
    made = keys.create(folder)
    setup = ProfileSetup(province_code=38, commune_code=commune_code or muong_lat_code(),
                         village_names=["Bản Hang"])
    return initialise(folder, setup, made.key, TESTER), made.recovery_key


def test_a_backup_from_another_profile_needs_its_recovery_key_and_is_rekeyed(
        tmp_path: Path) -> None:
    source, recovery = new_profile(tmp_path / "a")
    person(source, NAME, id_number=ID_NUMBER)
    saved = backup.make_backup(source, tmp_path / "a.cdsxa-backup", "manual", TESTER).path
    source.close()
    here, _ = new_profile(tmp_path / "b")
    here_dir, here_key = here.path.parent, here.key
    assert here_key is not None
    here.close()
    before = file_hashes(here_dir)

    with pytest.raises(keys.DataKeyError, match="khóa khôi phục"):
        restore.restore(here_dir, saved, TESTER)
    with pytest.raises(keys.WrongSecretError):
        restore.restore(here_dir, saved, TESTER, recovery_key="AAAAA-BBBBB-CCCCC-DDDDD-EEEEE")
    assert file_hashes(here_dir) == before

    done = restore.restore(here_dir, saved, TESTER, recovery_key=recovery.lower())
    assert done.rekeyed
    assert (here_dir / keys.KEY_FILE).read_bytes() == (tmp_path / "b" / keys.KEY_FILE).read_bytes()
    restored = reopen(here_dir, keys.find(here_dir))  # this profile's own key opens it
    assert names(restored) == {NAME}
    restored.close()


def test_another_communes_backup_replaces_nothing_unless_that_is_confirmed(
        tmp_path: Path) -> None:
    from cdsxa.common import admin_units

    other_code = admin_units.search_communes(38, "trung ly")[0].code
    source, recovery = new_profile(tmp_path / "a", other_code)
    person(source, NAME)
    saved = backup.make_backup(source, tmp_path / "a.cdsxa-backup", "manual", TESTER).path
    source.close()
    here, _ = new_profile(tmp_path / "b")
    person(here, "Hà Văn Páo")
    here_dir = here.path.parent
    here.close()
    before = file_hashes(here_dir)

    with pytest.raises(UserError) as refused:
        restore.restore(here_dir, saved, TESTER, recovery_key=recovery)
    assert "Xã Trung Lý" in refused.value.message and "Xã Mường Lát" in refused.value.message
    assert file_hashes(here_dir) == before

    restore.restore(here_dir, saved, TESTER, recovery_key=recovery, other_commune=True)
    restored = reopen(here_dir, keys.find(here_dir))
    assert names(restored) == {NAME}
    restored.close()


def test_a_new_pc_adopts_the_backups_key_with_the_recovery_key(
        tmp_path: Path, memory_keyring: Any) -> None:
    source, recovery = new_profile(tmp_path / "a")
    person(source, NAME)
    saved = backup.make_backup(source, tmp_path / "a.cdsxa-backup", "manual", TESTER).path
    source.close()
    memory_keyring.secrets.clear()  # another PC: nothing in its keyring
    fresh = tmp_path / "new-pc"

    with pytest.raises(keys.DataKeyError):
        restore.restore(fresh, saved, TESTER)
    done = restore.restore(fresh, saved, TESTER, recovery_key=recovery)
    assert done.previous is None and not done.rekeyed
    restored = reopen(fresh, keys.find(fresh))
    assert names(restored) == {NAME}
    restored.close()


# --- automatic backups -------------------------------------------------------------

def test_retention_keeps_14_days_and_one_per_month_for_a_year() -> None:
    today = date(2026, 3, 20)
    daily = {today - timedelta(days=n): today - timedelta(days=n) for n in range(400)}
    kept = backup.to_keep(daily, today)
    last_14 = {today - timedelta(days=n) for n in range(14)}
    month_ends = {date(2025, m, 1) - timedelta(days=1) for m in range(5, 13)} | {
        date(2026, 1, 1) - timedelta(days=1), date(2026, 2, 1) - timedelta(days=1),
        date(2026, 3, 1) - timedelta(days=1)}
    assert kept == last_14 | month_ends
    assert min(kept) == date(2025, 4, 30) and len(kept) == 25


def test_retention_counts_days_with_a_backup_not_calendar_days() -> None:
    # The PC was off from January to March: December's backups are not all deleted.
    today = date(2026, 3, 1)
    december = {f"d{n:02}": date(2025, 12, n) for n in range(1, 32)}
    kept = backup.to_keep({**december, "today": today}, today)
    assert kept == {"today"} | {f"d{n:02}" for n in range(19, 32)}
    # Two on one day: the newer counts.
    assert backup.to_keep({"a": today, "b": today}, today) == {"b"}


def test_auto_backup_once_a_day_then_prunes(db: Database, tmp_path: Path) -> None:
    data_dir = db.path.parent
    folder = backup.auto_dir(data_dir)
    folder.mkdir(parents=True)
    now = datetime(2026, 3, 20, 9, 30)
    for n in range(1, 40):
        old = now - timedelta(days=n)
        (folder / backup.backup_name(old)).write_bytes(b"old")
    (folder / "mine.cdsxa-backup").write_bytes(b"not ours to delete")

    made = backup.auto_backup(db, data_dir, now)
    assert made is not None and backup.inspect_backup(made).reason == "auto"
    assert backup.auto_backup(db, data_dir, now + timedelta(hours=5)) is None
    left = sorted(f.name for f in folder.iterdir())
    assert "mine.cdsxa-backup" in left
    ours = [n for n in left if n != "mine.cdsxa-backup"]
    # Today and the 13 days before, and the newest of February (the 28th).
    assert len(ours) == 15 and ours[0].startswith("cdsxa-20260228-")
    assert ("backup", "system") in audit_actions(db)


# --- the command line --------------------------------------------------------------

PASSPHRASE = "mật khẩu dữ liệu thử"


def cdsxa(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", keys.PASSPHRASE_ENV: PASSPHRASE,
                **env}
    full_env.pop("CDSXA_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "cdsxa", *args], capture_output=True,
                          text=True, env=full_env, timeout=180)


@pytest.mark.slow  # 5-7 s: init, backup and restore as separate processes
def test_backup_and_restore_from_the_command_line(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    profile, usb = tmp_path / "p", tmp_path / "usb"
    usb.mkdir()
    made = cdsxa("init", "--province", "38", "--commune", "14797", "--admin", "admin",
                 "--village", "Bản Hang", "--data-dir", str(profile),
                 CDSXA_ADMIN_PASSWORD="Quan-tri-2025!")
    assert made.returncode == 0, made.stderr
    recovery = re.search(r"[2-9A-Z]{5}(?:-[2-9A-Z]{5}){4}", made.stdout)
    assert recovery is not None
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASSPHRASE)
    key = keys.find(profile)

    def add(name: str) -> None:
        db = reopen(profile, key)
        with db.transaction(TESTER) as session:
            people.add_person(session, people.PersonInput(
                full_name=name, gender="female", village_id=village(db)))
        db.close()

    add(NAME)
    done = cdsxa("backup", "--out", str(usb), "--data-dir", str(profile))
    assert done.returncode == 0, done.stderr
    saved = next(usb.iterdir())
    assert saved.suffix == backup.SUFFIX and str(saved) in done.stdout
    add("Hà Văn Nam")

    back = cdsxa("restore", str(saved), "--data-dir", str(profile))
    assert back.returncode == 0, back.stderr
    assert "before-restore" in back.stdout
    db = reopen(profile, key)
    assert names(db) == {NAME}
    db.close()

    # Another PC: refused in one line without the recovery key, restored with it.
    other = tmp_path / "other-pc"
    refused = cdsxa("restore", str(saved), "--data-dir", str(other))
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert "khóa khôi phục" in refused.stderr and "Traceback" not in refused.stderr
    adopted = cdsxa("restore", str(saved), "--data-dir", str(other),
                    CDSXA_RECOVERY_KEY=recovery.group(0))
    assert adopted.returncode == 0, adopted.stderr
    db = reopen(other, keys.find(other))
    assert names(db) == {NAME}
    db.close()

