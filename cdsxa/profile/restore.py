"""Restoring a backup: check it all first, keep the current data, then swap.

The backup is read and checked (zip, sha256, decryption, integrity, schema) into a
staging file beside the database; it is upgraded there if it is older; the audit
events recorded since it was made are carried into it; the current data is kept
as a backup; only then is the staging file moved over the database (one rename).
"""

import logging
import os
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from cdsxa.common.errors import UserError
from cdsxa.db import migrate
from cdsxa.db.engine import Database, connect, integrity_check, is_plain_sqlite, make_engine
from cdsxa.profile import lock as profile_lock
from cdsxa.profile import paths
from cdsxa.profile.backup import (
    BackupInfo,
    backup_name,
    backups_folder,
    check_copy,
    damaged_error,
    foreign_error,
    fsync_dir,
    fsync_file,
    info_from,
    make_backup,
    open_archive,
    read_manifest,
)
from cdsxa.profile.key_rebuild import opens
from cdsxa.security import audit, keys
from cdsxa.security.access import (
    DENIED,
    ROLE_LABELS,
    AccessDenied,
    Permission,
    Principal,
)
from cdsxa.security.keys import DataKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Restored:
    backup: BackupInfo
    previous: Path | None  # where the data it replaced was kept
    rekeyed: bool
    carried: int = 0  # audit events recorded since the backup, carried into it




# --- restoring ---------------------------------------------------------------------

def restore(data_dir: Path, backup_path: Path, principal: Principal, *,
            key: DataKey | None = None, recovery_key: str | None = None,
            prompt: keys.Prompt | None = None, other_commune: bool = False) -> Restored:
    """Replace the profile's database with the backup's, once the backup checks out.

    The caller must close its Database on this profile first: the file is
    replaced underneath it (and Windows cannot replace an open file at all).
    The backup is checked whole (zip, sha256, decryption, integrity, schema)
    and a copy of an older schema is migrated before anything changes; then the
    current data is kept as a backup ("before-restore"), the audit events the
    backup lacks are carried into the copy (a restore must not erase the audit
    log), and the file is swapped in with one rename. key is the
    profile's data key (found with prompt when not given); recovery_key opens
    a backup made by another profile or PC. A backup of another commune replaces
    this commune's data only with other_commune (the user said so knowingly):
    restored by mistake, it would send the wrong commune's records to the province.
    Refused (ProfileInUse) while another window or command has the profile open.
    """
    with profile_lock.replacing(data_dir):  # nobody may have the file open meanwhile
        return _restore(data_dir, backup_path, principal, key=key, recovery_key=recovery_key,
                        prompt=prompt, other_commune=other_commune)


def _restore(data_dir: Path, backup_path: Path, principal: Principal, *,
             key: DataKey | None, recovery_key: str | None, prompt: keys.Prompt | None,
             other_commune: bool) -> Restored:
    _require(principal)
    db_path = paths.database_path(data_dir)
    if is_plain_sqlite(db_path):
        raise UserError("Dữ liệu ở thư mục này chưa được mã hóa; hãy mã hóa trước "
                        "(cdsxa encrypt) rồi mới khôi phục.")
    keyfile = keys.KeyFile.load(data_dir)
    if keyfile is None:
        _check_adoptable()
    current = key or (keys.find(data_dir, prompt) if keyfile else None)
    staging = paths.restoring_path(db_path)
    scratch = staging.with_name(staging.name + paths.MIGRATING_SUFFIX)
    with open_archive(backup_path) as archive:
        info = info_from(backup_path, read_manifest(archive, backup_path))
        _refuse_newer(info, info.revision)
        backup_key = _backup_key(info, keyfile, current, recovery_key)
        if current is None and opens(db_path, backup_key):
            # key.json lost, but the backup's key is the data's own: with it the data
            # replaced is backed up properly and its audit trail carried over.
            current = backup_key
        if not other_commune and current is not None:
            _refuse_other_commune(info, _current_commune(db_path, current, principal))
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            rekeyed = _stage(archive, info, staging, backup_key, current)
            staged_key = current or backup_key
            _upgrade(staging, staged_key, info, scratch)
            previous = _keep_current(data_dir, current, principal)
            # After _keep_current: its own "backup" event is carried too.
            carried = _carry_audit_events(staging, staged_key, db_path, current)
            _settle(staging, staged_key)
            if keyfile is None:  # a new PC: the backup's key becomes this profile's
                _adopt(data_dir, info, backup_key, recovery_key or "")
            try:
                # A WAL left beside the old file would be replayed into the new one.
                for stale in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
                    stale.unlink(missing_ok=True)
                os.replace(staging, db_path)
            except PermissionError:  # Windows: the files are still open somewhere
                raise UserError("Dữ liệu đang được mở (bởi cửa sổ khác của CĐS Xã?); hãy đóng "
                                f"lại rồi khôi phục. Dữ liệu hiện tại đã được sao lưu tại "
                                f"{previous}.") from None
            fsync_dir(data_dir)
        finally:
            for leftover in (staging, *(Path(f"{staging}-{t}") for t in ("journal", "wal", "shm"))):
                leftover.unlink(missing_ok=True)
            shutil.rmtree(scratch, ignore_errors=True)
    _record_restore(data_dir, current or backup_key, principal, info, previous, carried)
    log.info("restored %s from %s (previous data kept in %s, %d audit events carried)",
             db_path, backup_path, previous, carried)
    return Restored(info, previous, rekeyed, carried)


def _stage(archive: zipfile.ZipFile, info: BackupInfo, staging: Path, backup_key: DataKey,
           current: DataKey | None) -> bool:
    """Extract and check the database; True when it had to be re-keyed."""
    with open(staging, "wb") as sink:
        check_copy(archive, info, sink)
    _verify(staging, backup_key, info)
    rekeyed = current is not None and current != backup_key
    if current is not None and rekeyed:
        # Re-key rather than adopt the backup's key: the restore then changes one
        # file with one rename (key.json and the keyring stay as they are), and the
        # profile's passphrase and the recovery key printed for it keep working.
        _rekey(staging, backup_key, current)
        _verify(staging, current, info)
    return rekeyed


def _upgrade(staging: Path, key: DataKey, info: BackupInfo, scratch: Path) -> None:
    """Migrate the staged copy of an older backup to this app's schema.

    Before the swap, so that a failed upgrade leaves the current data as it was
    (after it, the profile would be a file that does not open). The migration's
    own backup goes to scratch, deleted afterwards: the backup file being restored
    is already that copy, and an extra file in the backups folder would confuse.
    """
    engine = make_engine(staging, key)
    try:
        migrate.upgrade(engine, scratch)
    except migrate.MigrationFailedError as exc:
        raise UserError(
            f"Không nâng cấp được bản sao lưu {info.path.name} lên phiên bản hiện tại "
            f"({exc.__cause__ or exc}). Dữ liệu hiện tại không bị thay đổi.") from exc
    finally:
        engine.dispose()


def _carry_audit_events(staging: Path, key: DataKey, db_path: Path,
                        current: DataKey | None) -> int:
    """Copy into the staged database the audit events of the current one it lacks.

    Otherwise a restore erases the audit log since the backup: export personal
    data, restore yesterday's backup, and the export is gone from the log. The
    events keep their id, time and actor; seq is the staged database's own, so
    they follow the backup's events. change_log rows stay behind: they describe
    records that the restore replaces. Returns how many were copied.
    """
    if current is None or not db_path.exists():
        return 0
    connection = connect(staging, key)
    try:
        columns, rows = _events_missing(connection, db_path, current)
        if rows:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            with connection:  # one transaction: all of them or none
                connection.executemany(
                    f"INSERT INTO main.audit_event ({names}) VALUES ({marks})", rows)
        return len(rows)
    finally:
        connection.close()


def _events_missing(connection: Any, db_path: Path,
                    current: DataKey) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The current database's audit events not in the staged one, oldest first.

    Nothing when the current file cannot be read (damaged: _keep_current copied
    its bytes) or has no audit log yet. Only the columns both have: the current
    file may be of an older schema than the migrated copy.
    """
    try:
        connection.execute(f"ATTACH DATABASE ? AS cur KEY \"x'{current.raw.hex()}'\"",
                           (str(db_path),))
        try:
            theirs = [str(r[1]) for r in
                      connection.execute("PRAGMA cur.table_info(audit_event)")]
            ours = [str(r[1]) for r in
                    connection.execute("PRAGMA main.table_info(audit_event)")]
            columns = [c for c in ours if c in theirs and c != "seq"]
            if "id" not in columns:
                return [], []
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = connection.execute(
                f"SELECT {listed} FROM cur.audit_event WHERE id NOT IN "
                "(SELECT id FROM main.audit_event) ORDER BY seq").fetchall()
        finally:
            connection.execute("DETACH DATABASE cur")
    except sqlcipher.DatabaseError as exc:
        log.warning("could not read the current audit log to carry it over: %s", exc)
        return [], []
    return columns, rows


def _settle(staging: Path, key: DataKey) -> None:
    """Leave the staged copy one self-contained file on disk, ready for the rename.

    The migration opened it in WAL mode; what sits in a -wal beside it would
    not follow it through the rename.
    """
    connection = connect(staging, key)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()
    fsync_file(staging)


def _require(principal: Principal) -> None:
    # No session yet (the profile is closed), so the check of access.require by hand.
    if not principal.may(Permission.BACKUP):
        raise AccessDenied(f"Vai trò “{ROLE_LABELS[principal.role]}” không được "
                           f"{DENIED[Permission.BACKUP]}.")


def _check_adoptable() -> None:
    """A profile taken from a backup must be openable here: keyring or passphrase."""
    passphrase = os.environ.get(keys.PASSPHRASE_ENV)
    if passphrase:
        keys.check_passphrase(passphrase)
    elif not keys.keyring_available():
        raise keys.NoKeyringError(
            "Máy này không có kho khóa an toàn của hệ điều hành. Hãy đặt mật khẩu dữ liệu "
            "(biến môi trường CDSXA_PASSPHRASE) trước khi khôi phục.")


def _refuse_newer(info: BackupInfo, revision: str | None) -> None:
    if revision is None:
        raise foreign_error(info.path)
    # Revisions are zero-padded sequence numbers ("0003"); anything else is not ours.
    if not revision.isdigit() or int(revision) > int(migrate.SCHEMA_HEAD):
        raise UserError(
            f"Bản sao lưu {info.path.name} chứa dữ liệu của phiên bản CĐS Xã mới hơn "
            f"(lược đồ {revision}). Hãy cài phiên bản mới nhất; dữ liệu hiện tại không bị "
            "thay đổi.")


def _current_commune(db_path: Path, key: DataKey, principal: Principal) -> int | None:
    """The commune of the data about to be replaced; None when it cannot be read."""
    from sqlalchemy.exc import SQLAlchemyError

    from cdsxa.profile import storage

    if not db_path.exists():
        return None
    db = Database(db_path, key)
    try:
        return storage.commune_code(db)
    except SQLAlchemyError:  # damaged: nothing worth guarding, and _keep_current copies it
        return None
    finally:
        db.close()


def _refuse_other_commune(info: BackupInfo, current: int | None) -> None:
    if current is None or info.commune_code in (None, current):
        return
    from cdsxa.common import admin_units

    raise UserError(
        f"Bản sao lưu {info.path.name} là dữ liệu của "
        f"{admin_units.commune_label(info.commune_code)}, không phải của "
        f"{admin_units.commune_label(current)}. Dữ liệu hiện tại không bị thay đổi. Nếu "
        "thật sự muốn thay bằng dữ liệu của xã kia, hãy khôi phục lại và xác nhận "
        "(dòng lệnh: thêm --other-commune).")


def _backup_key(info: BackupInfo, keyfile: keys.KeyFile | None, current: DataKey | None,
                recovery_key: str | None) -> DataKey:
    if recovery_key:
        if "recovery" not in info.wraps:
            raise damaged_error(info.path, "thiếu khóa bọc bằng khóa khôi phục")
        try:
            return keys.unwrap(info.wraps["recovery"], keys.normalise_recovery_key(recovery_key))
        except keys.DamagedWrapError as exc:
            raise damaged_error(info.path, f"khóa bọc bằng khóa khôi phục: {exc.message}") \
                from None
        except keys.WrongSecretError:
            raise keys.WrongSecretError(
                "Khóa khôi phục không đúng với bản sao lưu này.") from None
    same_profile = keyfile is not None and info.profile_id in (None, keyfile.profile_id)
    if current is None or not same_profile:
        raise keys.DataKeyError(
            f"Bản sao lưu {info.path.name} thuộc một hồ sơ khác (hoặc máy khác). Hãy nhập "
            "khóa khôi phục của hồ sơ đã tạo bản sao lưu này.")
    return current


def _verify(staging: Path, key: DataKey, info: BackupInfo) -> None:
    connection = connect(staging, key)
    try:
        try:
            integrity = integrity_check(connection.execute)
        except sqlcipher.DatabaseError:
            # The key is the profile's own or came from the backup's own recovery wrap,
            # and the bytes match the sha256: a page that fails to decrypt is damage.
            raise damaged_error(info.path, "không giải mã được") from None
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlcipher.OperationalError:  # no such table: not one of ours
            revision = None
    finally:
        connection.close()
    if integrity != ["ok"]:
        raise damaged_error(info.path, "kiểm tra toàn vẹn không đạt")
    _refuse_newer(info, str(revision[0]) if revision else None)


def _rekey(staging: Path, old: DataKey, new: DataKey) -> None:
    connection = connect(staging, old)
    try:
        connection.execute(f"PRAGMA rekey = \"x'{new.raw.hex()}'\"")
    finally:
        connection.close()


def _keep_current(data_dir: Path, key: DataKey | None, principal: Principal) -> Path | None:
    """Back up the data about to be replaced; a file too damaged for that is copied."""
    from sqlalchemy.exc import SQLAlchemyError

    from cdsxa.profile import storage

    db_path = paths.database_path(data_dir)
    if not db_path.exists():
        return None
    target = backups_folder(data_dir) / backup_name(datetime.now(), "before-restore")
    if key is not None:
        db = Database(db_path, key)
        try:
            db.commune_code = storage.commune_code(db)
            return make_backup(db, target, "before-restore", principal).path
        except SQLAlchemyError as exc:  # damaged, or too old a schema for the audit log
            log.warning("could not back up the current data normally: %s", exc)
            if target.exists():
                return target
        finally:
            db.close()
    # Its bytes as they are (still encrypted): a damaged file may yet be rescued.
    copy = target.with_suffix(".sqlite3")
    copy.parent.mkdir(parents=True, exist_ok=True)
    for source, kept in ((db_path, copy), (Path(f"{db_path}-wal"), Path(f"{copy}-wal"))):
        if source.exists():
            shutil.copy2(source, kept)
            fsync_file(kept)
    return copy


def _adopt(data_dir: Path, info: BackupInfo, key: DataKey, recovery_key: str) -> None:
    keys.KeyFile(info.profile_id or str(uuid.uuid4()), dict(info.wraps), False).save(data_dir)
    keys.recover(data_dir, recovery_key)  # into this PC's keyring, when it has one
    passphrase = os.environ.get(keys.PASSPHRASE_ENV)
    if passphrase:  # this PC's passphrase opens it from now on
        keys.set_passphrase(data_dir, key, passphrase)


def _record_restore(data_dir: Path, key: DataKey, principal: Principal, info: BackupInfo,
                    previous: Path | None, carried: int) -> None:
    from cdsxa.profile import storage

    db = storage.open_database(data_dir, key)  # already migrated (_upgrade)
    try:
        made = info.created_at.astimezone().strftime("%d/%m/%Y %H:%M")
        with db.transaction(principal) as session:
            audit.record(session, "restore", f"Khôi phục từ {info.path.name} (sao lưu lúc {made})",
                         details={"file": str(info.path), "created_at": info.created_at,
                                  "revision": info.revision,
                                  "previous": str(previous) if previous else None,
                                  "carried_events": carried})
    finally:
        db.close()
