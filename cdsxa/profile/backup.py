"""Backups: one encrypted file per backup, and the automatic daily ones (restoring: restore.py).

A backup file (`*.cdsxa-backup`) is a zip, stored without compression (the
database inside is encrypted, so it would not compress anyway), holding:

- `manifest.json`: format, time, reason, schema revision, commune code, the
  profile's id, the sha256 and size of the database, and a copy of key.json's
  wraps, so that the backup can be restored on another PC with the recovery key;
- `data.sqlite3`: a `VACUUM INTO` snapshot, encrypted with the profile's key.

Nothing in it is readable without the key; the manifest holds no personal data.
"""

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
from cdsxa.common.errors import UserError
from cdsxa.db import migrate
from cdsxa.db.engine import Database
from cdsxa.profile import paths
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

    principal: who asks; automatic backups pass SYSTEM.
    """
    with db.reading(principal) as session:
        acting = require(session, Permission.BACKUP)
    # The snapshot is encrypted; it sits beside the database, where there is room.
    snapshot = db.path.with_name(f".snapshot-{uuid.uuid4().hex}.sqlite3")
    try:
        migrate.vacuum_into(db.engine, snapshot)
        manifest = _new_manifest(db, reason, snapshot)
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
    part = target.with_name(target.name + ".part")
    try:
        with open(part, "wb") as handle:
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


def auto_dir(data_dir: Path) -> Path:
    return paths.backup_dir(data_dir) / "auto"


def auto_backup(db: Database, data_dir: Path, now: datetime) -> Path | None:
    """Today's automatic backup, unless there is one already; then prune old ones."""
    folder = auto_dir(data_dir)
    dated = _auto_backups(folder)
    if now.date() in dated.values():
        return None
    target = folder / backup_name(now)
    make_backup(db, target, "auto", principal=SYSTEM)
    dated[target] = now.date()
    keep = to_keep(dated, now.date())
    for old in dated.keys() - keep:
        old.unlink(missing_ok=True)
        log.info("pruned automatic backup %s", old.name)
    return target


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
