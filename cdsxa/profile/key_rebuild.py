"""Rebuilding a lost or damaged key.json from a backup (`cdsxa restore-key`).

Without key.json the data cannot be opened, not even with the recovery key: the
recovery key unwraps the data key, and the wrap lives in key.json. Every backup's
manifest carries a copy of those wraps and the profile's id, so a backup gives
key.json back: its wrap is opened with the recovery key or the passphrase (or the
key is still in this PC's keyring under the profile's id), and only a key that
actually opens the live database is written, atomically.
"""

import logging
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from cdsxa.common.errors import UserError
from cdsxa.db.engine import connect
from cdsxa.profile import paths
from cdsxa.profile.backup import BackupInfo, backups_folder, inspect_backup
from cdsxa.security import audit, keys
from cdsxa.security.access import DENIED, ROLE_LABELS, AccessDenied, Permission, Principal
from cdsxa.security.keys import DataKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RebuiltKey:
    key: DataKey  # the data's key, checked to open it
    key_file: Path
    secret: str  # what opened the wrap: "recovery", "passphrase" or "keyring"
    in_keyring: bool
    kept: Path | None  # the damaged key.json it replaced, kept in backups/


def opens(db_path: Path, key: DataKey) -> bool:
    """Whether key opens the database file (read only: nothing is written to it)."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return False  # an empty file opens with any key: it proves nothing
    try:
        connection = connect(db_path, key)
    except sqlcipher.Error:
        return False
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher.DatabaseError:
        return False
    finally:
        connection.close()


def restore_key(data_dir: Path, backup_path: Path, principal: Principal, *,
                recovery_key: str | None = None, passphrase: str | None = None) -> RebuiltKey:
    """Write data_dir's key.json again from the wraps in the backup at backup_path.

    The backup's wrap is opened with recovery_key, else passphrase, else the key
    still in this PC's keyring under the backup's profile id. The key must open the
    live database (a backup of other data is refused, nothing written). A key.json
    in the way (damaged) is kept in the backups folder first. The key goes into the
    keyring where there is one; passphrase, when given, opens the data from now on.
    The caller holds the profile's lock. Audited in the database it opens again.
    """
    if not principal.may(Permission.BACKUP):
        raise AccessDenied(f"Vai trò “{ROLE_LABELS[principal.role]}” không được "
                           f"{DENIED[Permission.BACKUP]}.")
    db_path = paths.database_path(data_dir)
    if not db_path.is_file():
        raise UserError(f"Không có dữ liệu tại {data_dir}: không có gì để mở bằng tệp khóa.")
    info = inspect_backup(backup_path)  # whole and ours, before trusting its manifest
    key, secret = _unwrap(info, recovery_key, passphrase)
    if not opens(db_path, key):
        raise keys.DataKeyError(
            f"Khóa trong bản sao lưu {info.path.name} không mở được dữ liệu tại {data_dir}: "
            "bản sao lưu này là của một hồ sơ khác. Hãy chọn một bản sao lưu của chính dữ "
            "liệu này (ví dụ trong thư mục backups).")
    kept = _keep_aside(data_dir)
    keyfile = keys.KeyFile(info.profile_id or str(uuid.uuid4()), dict(info.wraps), False)
    keyfile.save(data_dir)  # a temporary file renamed over: all of it or nothing
    in_keyring = keys.store_in_keyring(data_dir, key)
    if passphrase:
        keys.set_passphrase(data_dir, key, passphrase)
    _record(data_dir, key, principal, info, secret)
    log.info("rebuilt %s from %s (%s)", keys.KEY_FILE, backup_path, secret)
    return RebuiltKey(key, data_dir / keys.KEY_FILE, secret, in_keyring, kept)


def _unwrap(info: BackupInfo, recovery_key: str | None,
            passphrase: str | None) -> tuple[DataKey, str]:
    from_backup = keys.KeyFile(info.profile_id or "", dict(info.wraps), False, info.path)
    if recovery_key:
        try:
            return from_backup.open_wrap("recovery", keys.normalise_recovery_key(recovery_key)), \
                "recovery"
        except keys.WrongSecretError:
            raise keys.WrongSecretError(
                f"Khóa khôi phục không đúng với bản sao lưu {info.path.name}. Hãy kiểm tra từng "
                "nhóm năm ký tự; nếu đã làm lại khóa khôi phục sau đó, hãy chọn bản sao lưu "
                "mới hơn.") from None
    if passphrase:
        if "passphrase" not in info.wraps:
            raise keys.DataKeyError(f"Bản sao lưu {info.path.name} không có khóa bọc bằng mật "
                                    "khẩu dữ liệu; hãy dùng khóa khôi phục.")
        try:
            return from_backup.open_wrap("passphrase", passphrase), "passphrase"
        except keys.WrongSecretError:
            raise keys.WrongSecretError(
                f"Mật khẩu dữ liệu không đúng với bản sao lưu {info.path.name} (mật khẩu lúc "
                "tạo bản sao lưu đó).") from None
    in_keyring = keys.keyring_key(info.profile_id) if info.profile_id else None
    if in_keyring is not None:
        return in_keyring, "keyring"
    raise keys.DataKeyError("Cần khóa khôi phục hoặc mật khẩu dữ liệu để lấy lại tệp khóa.")


def _keep_aside(data_dir: Path) -> Path | None:
    """A key.json in the way is damaged (or of old wraps): kept, never just deleted."""
    current = data_dir / keys.KEY_FILE
    if not current.exists():
        return None
    target = backups_folder(data_dir) / f"key-{datetime.now():%Y%m%d-%H%M%S-%f}.json"
    if current.is_dir():
        shutil.move(str(current), target)
    else:
        shutil.copy2(current, target)
    return target


def _record(data_dir: Path, key: DataKey, principal: Principal, info: BackupInfo,
            secret: str) -> None:
    from cdsxa.profile import storage

    how = {"recovery": "bằng khóa khôi phục", "passphrase": "bằng mật khẩu dữ liệu",
           "keyring": "bằng khóa còn trong kho khóa của máy"}[secret]
    db = storage.open_database(data_dir, key)
    try:
        with db.transaction(principal) as session:
            audit.record(session, "recovery" if secret == "recovery" else "restore",
                         f"Lấy lại tệp khóa từ bản sao lưu {info.path.name} {how}",
                         details={"file": str(info.path), "secret": secret})
    finally:
        db.close()
