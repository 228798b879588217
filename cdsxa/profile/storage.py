"""Opening a profile's data folder: create it, migrate it, know its commune.

Every process that opens the database does it here, and so holds the
database's lock shared for as long as it is open (cdsxa.profile.lock): a restore
or an encryption cannot replace the file under it, and it cannot open the file
while one does. Opening also tidies what a killed backup or restore left, makes
the folder private to the user, and refuses an empty (0-byte) database file
rather than writing a new, empty profile into it.
"""

import logging
import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError

from cdsxa.common import disk_space
from cdsxa.common.errors import UserError
from cdsxa.db import migrate
from cdsxa.db.base import live
from cdsxa.db.engine import Database, is_plain_sqlite
from cdsxa.db.models import CommuneProfile
from cdsxa.profile import leftovers, paths
from cdsxa.profile import lock as profile_lock
from cdsxa.profile.backup import SUFFIX as BACKUP_SUFFIX
from cdsxa.security import keys
from cdsxa.security.access import SYSTEM
from cdsxa.security.keys import DataKey

log = logging.getLogger(__name__)


class PlainProfileError(UserError):
    """A profile from before encryption: cdsxa.profile.encryption must run first."""


class EmptyDatabaseError(UserError):
    """The database file is there but holds nothing (0 bytes)."""


class DataFileReplaced(UserError):
    """The database file was replaced (restored, encrypted) while this process had it open."""


def _refuse_plain(data_dir: Path) -> None:
    if is_plain_sqlite(paths.database_path(data_dir)):
        raise PlainProfileError(
            "Dữ liệu ở thư mục này chưa được mã hóa. Hãy mở ứng dụng, hoặc chạy "
            "“cdsxa encrypt”, để mã hóa (có sao lưu trước)."
        )


def latest_backup(data_dir: Path) -> Path | None:
    """The newest backup file in the profile's backups folder (and its subfolders)."""
    folder = paths.backup_dir(data_dir)
    found = []
    for file in folder.rglob(f"*{BACKUP_SUFFIX}") if folder.is_dir() else []:
        try:
            if file.is_file() and file.stat().st_size > 0:
                found.append((file.stat().st_mtime, file.name, file))
        except OSError:
            pass
    return max(found)[2] if found else None


def refuse_empty(data_dir: Path) -> None:
    """An empty database file is data lost, not a new profile: say so, offer a backup."""
    db_path = paths.database_path(data_dir)
    try:
        empty = db_path.stat().st_size == 0
    except OSError:  # none yet: only then may a profile be made here
        return
    if not empty:
        return
    latest = latest_backup(data_dir)
    if latest is None:
        offer = (f"Không tìm thấy bản sao lưu nào trong {paths.backup_dir(data_dir)}; nếu có "
                 "bản sao lưu ở nơi khác (ổ USB), hãy khôi phục nó: "
                 f"cdsxa restore TỆP --data-dir \"{data_dir}\"")
    else:
        offer = (f"Bản sao lưu gần nhất: {latest}. Hãy khôi phục nó: "
                 f"cdsxa restore \"{latest}\" --data-dir \"{data_dir}\"")
    raise EmptyDatabaseError(
        f"Tệp dữ liệu {db_path} trống (0 byte): dữ liệu trong đó đã mất. Ứng dụng không "
        f"ghi gì vào tệp này. {offer}")


def _identity(db_path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(db_path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _attach(data_dir: Path, key: DataKey | None) -> Database:
    """The database of data_dir under its lock, without migrating it."""
    lock = profile_lock.using(data_dir)
    try:
        db_path = paths.database_path(data_dir)
        refuse_empty(data_dir)
        if not db_path.exists():  # a new profile: private from its first byte
            paths.create_private(db_path)
        paths.make_private(data_dir)
        if profile_lock.first_user(lock):
            _tidy(data_dir)
        db = Database(db_path, key)
    except BaseException:
        lock.release()
        raise
    opened = _identity(db_path)

    def same_file() -> None:
        # Defence in depth: a commit into a file renamed away is lost without a word.
        if _identity(db_path) != opened:
            raise DataFileReplaced(
                f"Tệp dữ liệu {db_path} đã bị thay thế (khôi phục từ bản sao lưu hoặc mã "
                "hóa) trong khi đang mở, nên thay đổi vừa rồi KHÔNG được lưu. Hãy mở lại "
                "ứng dụng (hoặc chạy lại lệnh) rồi làm lại.")

    db.commit_checks.append(same_file)
    db.on_close.append(lock.release)
    return db


def _tidy(data_dir: Path) -> None:
    leftovers.remove_staging(data_dir)
    idle = profile_lock.no_backup_running(data_dir)
    if idle is not None:  # else a backup is running: its files are live
        with idle:
            leftovers.remove_backup_parts(data_dir)


def open_database(data_dir: Path, key: DataKey) -> Database:
    """Open (creating if needed) the profile in data_dir, migrated to the current schema.

    A full disk is told as such (DiskFull), never as a damaged file: restoring a backup
    would throw away the work done since it."""
    with disk_space.reported(disk_space.NOT_OPENED, lambda: data_dir,
                             lambda: _room_to_open(data_dir)):
        return _open_database(data_dir, key)


def _room_to_open(data_dir: Path) -> int:
    # The WAL's room, and the day's automatic backup, whose snapshot is the file's size.
    return disk_space.database_size(paths.database_path(data_dir)) + disk_space.SAVE_MARGIN


def _open_database(data_dir: Path, key: DataKey) -> Database:
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=paths.PRIVATE_DIR)
    except OSError as exc:
        raise UserError(f"Không tạo được thư mục dữ liệu {data_dir}: {exc.strerror}") from exc
    _refuse_plain(data_dir)
    db = _attach(data_dir, key)
    try:
        backups = paths.backup_dir(data_dir)
        if backups.exists() and not backups.is_dir():
            # A file named `backups` (an old bug): moved into a real folder, or the
            # upgrade could not back up first. Imported only then: start-up stays lean.
            from cdsxa.profile.backup import backups_folder
            backups = backups_folder(data_dir)
        migrate.upgrade(db.engine, backups)
        db.commune_code = commune_code(db)
        db.load_device()
    except DatabaseError as exc:
        db.close()
        raise UserError(
            f"Tệp dữ liệu {db.path} bị hỏng, hoặc khóa dữ liệu không đúng ({exc.orig}). "
            "Hãy chạy “cdsxa check” và khôi phục từ bản sao lưu gần nhất."
        ) from exc
    except BaseException:
        db.close()
        raise
    return db


def open_as_it_is(data_dir: Path, key: DataKey | None) -> Database:
    """Open an existing database to look at it (`cdsxa check`): no migration.

    key None opens a plain file from before encryption."""
    if not paths.database_path(data_dir).exists():
        raise UserError(f"Không có dữ liệu tại {data_dir}.")
    return _attach(data_dir, key)


def open_profile(data_dir: Path, prompt: keys.Prompt | None = None) -> Database:
    """Open an existing profile: find its key (environment, keyring, prompt), then open."""
    if not paths.database_path(data_dir).exists():
        raise UserError(f"Chưa có hồ sơ xã tại {data_dir}. Hãy khởi tạo trước (cdsxa init).")
    refuse_empty(data_dir)  # before asking for a key, as below
    _refuse_plain(data_dir)  # before asking for a key it does not have
    return open_database(data_dir, keys.find(data_dir, prompt))


def commune_code(db: Database) -> int | None:
    with db.reading(SYSTEM) as session:
        return session.scalars(
            select(CommuneProfile.commune_code).where(live(CommuneProfile))
        ).first()
