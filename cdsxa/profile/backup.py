"""Backups: one encrypted file per backup, and the automatic daily ones (restoring: restore.py).

A backup file (`*.cdsxa-backup`) is a zip, stored without compression (the
database inside is encrypted, so it would not compress anyway), holding:

- `manifest.json`: format, time, reason, schema revision, commune code, the
  profile's id, the sha256 and size of the database, and a copy of key.json's
  wraps, so that the backup can be restored on another PC with the recovery key;
- `data.sqlite3`: a `VACUUM INTO` snapshot, encrypted with the profile's key.

Nothing in it is readable without the key; the manifest holds no personal data.
"""

import errno
import hashlib
import json
import logging
import os
import re
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import IO, Any, TypeVar

from cdsxa import __version__
from cdsxa.common import disk_space
from cdsxa.common.errors import UserError
from cdsxa.db import migrate
from cdsxa.db.engine import Database
from cdsxa.profile import leftovers, paths
from cdsxa.profile import lock as profile_lock
from cdsxa.profile.destinations import refuse_data_files
from cdsxa.security import audit, keys
from cdsxa.security.access import (
    SYSTEM,
    Permission,
    Principal,
    require,
)

log = logging.getLogger(__name__)

SUFFIX = ".cdsxa-backup"
FORMAT = 1
MANIFEST = "manifest.json"
DATA = "data.sqlite3"
KEEP_DAILY = 14
KEEP_MONTHS = 12
_CHUNK = 1 << 20
_AUTO_NAME = re.compile(r"cdsxa-(\d{8})-\d{6}-\d{6}" + re.escape(SUFFIX))
# In the data folder, not in backups/: it must be writable when backups/ is what fails.
FAILURE_NOTE = "backup-failed.json"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime  # UTC
    reason: str
    revision: str | None
    commune_code: int | None
    profile_id: str | None
    size: int
    sha256: str
    wraps: dict[str, dict[str, Any]]


# --- making backups ----------------------------------------------------------------

def make_backup(db: Database, target: Path, reason: str, principal: Principal) -> BackupInfo:
    """Write a backup of db to target, all of it or nothing; audited.

    principal: who asks; automatic backups pass SYSTEM. A target over the profile's
    own files (the database, key.json, …) is refused before anything is written.
    """
    refuse_data_files(target, db.path.parent)
    with db.reading(principal) as session:
        acting = require(session, Permission.BACKUP)
    # A full disk is told once the partial files are gone: the data folder's while the
    # snapshot is made, then the target's.
    full = db.path.parent
    with disk_space.reported(disk_space.NO_BACKUP, lambda: full,
                             lambda: disk_space.backup_needs(db.path, target)):
        # One backup at a time, which may then remove what a killed one left (100+ MB).
        with profile_lock.backing_up(db.path.parent):
            leftovers.remove_backup_parts(db.path.parent)
            # The snapshot is encrypted; it sits beside the database, where there is room.
            snapshot = paths.snapshot_path(db.path)
            try:
                migrate.vacuum_into(db.engine, snapshot)
                manifest = _new_manifest(db, reason, snapshot)
                full = target.parent
                _write(target, manifest, snapshot)
            finally:
                snapshot.unlink(missing_ok=True)
    with db.transaction(acting) as session:
        audit.record(session, "backup", f"Sao lưu ({reason}) vào {target.name}",
                     details={"file": str(target), "reason": reason, "size": manifest["size"]})
    log.info("backed up to %s (%s)", target, reason)
    return info_from(target, manifest)


def _new_manifest(db: Database, reason: str, snapshot: Path) -> dict[str, Any]:
    sha256, size = _hash_file(snapshot)
    keyfile = keys.KeyFile.load(db.path.parent)
    return {
        "format": FORMAT, "app_version": __version__,
        "created_at": datetime.now(timezone.utc).isoformat(), "reason": reason,
        "revision": migrate.current_revision(db.engine), "commune_code": db.commune_code,
        "profile_id": keyfile.profile_id if keyfile else None,
        "sha256": sha256, "size": size, "wraps": keyfile.wraps if keyfile else {},
    }


def _write(target: Path, manifest: Mapping[str, Any], snapshot: Path) -> None:
    """A temporary name, flushed to disk, then renamed: never a half-written backup."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = paths.part_path(target)
    try:
        with paths.open_private(part) as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
                archive.write(snapshot, DATA)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, target)
        fsync_dir(target.parent)
    finally:
        part.unlink(missing_ok=True)


def backup_name(moment: datetime, reason: str | None = None) -> str:
    # Microseconds: two backups in one second (a restore right after one) never collide.
    tail = f"-{reason}" if reason else ""
    return f"cdsxa-{moment:%Y%m%d-%H%M%S-%f}{tail}{SUFFIX}"


def backups_folder(data_dir: Path) -> Path:
    """The profile's backups folder, made (as a folder) when missing; the one way to it.

    Older versions' `cdsxa backup` on a profile without the folder wrote a backup
    *file* named `backups`: such a file is moved into the new folder, nothing lost.
    """
    folder = paths.backup_dir(data_dir)
    try:
        if not folder.is_dir() and (folder.exists() or folder.is_symlink()):
            stray = folder.with_name(f".{folder.name}-{uuid.uuid4().hex}")
            os.replace(folder, stray)
            folder.mkdir()
            os.replace(stray, folder / _stray_name(stray))
            log.warning("moved a file named %s into the new backups folder", folder.name)
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Không tạo được thư mục sao lưu {folder} ({why(exc)}).") from exc
    return folder


def _stray_name(stray: Path) -> str:
    moment = datetime.fromtimestamp(stray.stat().st_mtime)
    return backup_name(moment, "recovered") if zipfile.is_zipfile(stray) else \
        f"backups-file-{moment:%Y%m%d-%H%M%S}"


def backup_target(data_dir: Path, out: Path | None, reason: str) -> Path:
    """Where a backup asked for goes: no out, the backups folder; an existing folder
    (a USB stick), a named file inside it; anything else is the file itself, which
    must not be one of the profile's own files (refused before asking for a key)."""
    if out is None:
        return backups_folder(data_dir) / backup_name(datetime.now(), reason)
    target = out / backup_name(datetime.now(), reason) if out.is_dir() else out
    refuse_data_files(target, data_dir)
    return target


def why(exc: OSError) -> str:
    """An OS error in words an officer understands (strerror is English)."""
    reasons = {errno.ENOSPC: "ổ đĩa đã đầy", errno.EACCES: "không có quyền ghi",
               errno.EPERM: "không có quyền ghi", errno.EROFS: "ổ đĩa chỉ cho đọc",
               errno.ENOTDIR: "một tệp nằm ở chỗ của thư mục",
               errno.EEXIST: "một tệp nằm ở chỗ của thư mục",
               errno.EISDIR: "đó là một thư mục", errno.ENOENT: "không tìm thấy đường dẫn"}
    return reasons.get(exc.errno or 0, f"lỗi hệ thống số {exc.errno}")


def auto_dir(data_dir: Path) -> Path:
    return paths.backup_dir(data_dir) / "auto"


def auto_backup(db: Database, data_dir: Path, now: datetime) -> Path | None:
    """Today's automatic backup, unless there is one already; then prune old ones.

    A failure is remembered (backup_problem) until a daily backup succeeds again:
    logged only, nobody would notice that backups have stopped.
    """
    try:
        made = _auto_backup(db, data_dir, now)
    except Exception as exc:
        _remember_failure(data_dir, now, exc)
        raise
    (data_dir / FAILURE_NOTE).unlink(missing_ok=True)
    return made


def _auto_backup(db: Database, data_dir: Path, now: datetime) -> Path | None:
    folder = backups_folder(data_dir) / auto_dir(data_dir).name
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise UserError(f"Không tạo được thư mục sao lưu {folder} ({why(exc)}).") from exc
    dated = _auto_backups(folder)
    if now.date() in dated.values():
        return None
    target = folder / backup_name(now)
    try:
        make_backup(db, target, "auto", principal=SYSTEM)
    except OSError as exc:
        raise UserError(f"Không ghi được bản sao lưu vào {folder} ({why(exc)}).") from exc
    dated[target] = now.date()
    keep = to_keep(dated, now.date())
    for old in dated.keys() - keep:
        old.unlink(missing_ok=True)
        log.info("pruned automatic backup %s", old.name)
    return target


def _remember_failure(data_dir: Path, now: datetime, exc: Exception) -> None:
    reason = exc.message if isinstance(exc, UserError) else \
        "lỗi không mong đợi, chi tiết trong tệp nhật ký"
    note = data_dir / FAILURE_NOTE
    previous = _failure(data_dir)
    since = previous[0] if previous else now.isoformat()
    try:
        note.write_text(json.dumps({"since": since, "reason": reason}), "utf-8")
    except OSError as error:  # a full disk: the GUI still hears of it this time
        log.warning("could not note the failed backup: %s", error)


def _failure(data_dir: Path) -> tuple[str, str] | None:
    try:
        note = json.loads((data_dir / FAILURE_NOTE).read_text("utf-8"))
        return str(note["since"]), str(note["reason"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def backup_problem(data_dir: Path) -> str | None:
    """Why automatic backups have stopped, in Vietnamese; None when they work.

    For the window (told when the daily backup fails) and for `cdsxa check`.
    """
    failure = _failure(data_dir)
    if failure is None:
        return None
    since, reason = failure
    try:
        day = datetime.fromisoformat(since).strftime("%d/%m/%Y")
    except ValueError:
        day = "?"
    return (f"Sao lưu tự động không chạy được từ ngày {day}: {reason}. Dữ liệu nhập từ đó "
            "chưa có bản sao lưu nào; hãy sửa lỗi trên, hoặc sao lưu ra ổ USB (Cài đặt → "
            "Sao lưu).")


K = TypeVar("K")


def to_keep(dated_files: Mapping[K, date], today: date) -> set[K]:
    """The retention rule: the newest backup of each of the last KEEP_DAILY days that
    have one, and the newest of each month of the last KEEP_MONTHS months.

    Days that have a backup, not calendar days: a PC left off for a month must not
    come back and delete its whole history.
    """
    newest_first = sorted(dated_files, key=lambda f: (dated_files[f], str(f)), reverse=True)
    days: dict[date, K] = {}
    months: dict[tuple[int, int], K] = {}
    for file in newest_first:
        day = dated_files[file]
        days.setdefault(day, file)
        if (today.year * 12 + today.month) - (day.year * 12 + day.month) < KEEP_MONTHS:
            months.setdefault((day.year, day.month), file)
    daily = [days[d] for d in sorted(days, reverse=True)[:KEEP_DAILY]]
    return set(daily) | set(months.values())


def _auto_backups(folder: Path) -> dict[Path, date]:
    # Only our own names: a file someone put here is never deleted.
    found: dict[Path, date] = {}
    for file in folder.glob(f"*{SUFFIX}") if folder.is_dir() else []:
        match = _AUTO_NAME.fullmatch(file.name)
        if match:
            try:
                found[file] = datetime.strptime(match.group(1), "%Y%m%d").date()
            except ValueError:
                pass
    return found


# --- reading backups ---------------------------------------------------------------

def inspect_backup(path: Path) -> BackupInfo:
    """Read the manifest and check the file whole (zip and sha256); UserError if not."""
    with open_archive(path) as archive:
        info = info_from(path, read_manifest(archive, path))
        check_copy(archive, info, None)
    return info


def open_archive(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise UserError(f"Không có tệp {path}.") from None
    except zipfile.BadZipFile:
        with open(path, "rb") as handle:
            started_as_zip = handle.read(4) == b"PK\x03\x04"
        if started_as_zip:  # a zip's index is at its end: a cut-off copy
            raise damaged_error(path, "tệp không đầy đủ, có thể chép chưa xong") from None
        raise foreign_error(path) from None
    except OSError as exc:  # a folder, no permission, a failing USB stick
        raise UserError(f"Không đọc được tệp {path} ({exc.strerror}).") from None


def foreign_error(path: Path) -> UserError:
    return UserError(f"Tệp {path.name} không phải bản sao lưu của CĐS Xã.")


def damaged_error(path: Path, why: str) -> UserError:
    return UserError(f"Bản sao lưu {path.name} bị hỏng ({why}). Dữ liệu hiện tại không bị "
                     "thay đổi; hãy dùng một bản sao lưu khác.")


def read_manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise foreign_error(path) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise damaged_error(path, "không đọc được phần mô tả") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("format"), int):
        raise foreign_error(path)
    if manifest["format"] > FORMAT:
        raise UserError(f"Bản sao lưu {path.name} được tạo bởi phiên bản CĐS Xã mới hơn; "
                        "hãy cài phiên bản mới nhất của ứng dụng.")
    return manifest


def info_from(path: Path, manifest: Mapping[str, Any]) -> BackupInfo:
    try:
        return BackupInfo(
            path=path, created_at=datetime.fromisoformat(manifest["created_at"]),
            reason=str(manifest["reason"]), revision=manifest["revision"],
            commune_code=manifest["commune_code"], profile_id=manifest["profile_id"],
            size=int(manifest["size"]), sha256=str(manifest["sha256"]),
            wraps=dict(manifest["wraps"]),
        )
    except (KeyError, TypeError, ValueError):
        raise damaged_error(path, "phần mô tả không đầy đủ") from None


def check_copy(archive: zipfile.ZipFile, info: BackupInfo, sink: IO[bytes] | None) -> None:
    """Read the database out of the archive (into sink, if given), checking its hash."""
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(DATA) as member:
            while chunk := member.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if sink is not None:
                    sink.write(chunk)
    except KeyError:
        raise foreign_error(info.path) from None
    except (zipfile.BadZipFile, OSError, EOFError):  # zip's own CRC, or a cut file
        raise damaged_error(info.path, "dữ liệu bên trong bị lỗi") from None
    if size != info.size or digest.hexdigest() != info.sha256:
        raise damaged_error(info.path, "dữ liệu không khớp mã kiểm tra")


# --- files ---------------------------------------------------------------------

def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def fsync_dir(folder: Path) -> None:
    # A rename is durable once its folder is flushed (POSIX; Windows has no such call).
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
