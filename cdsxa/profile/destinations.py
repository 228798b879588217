"""Where a file the app writes (a backup, an export) may go: never over the data itself.

A backup written with `--out cdsxa.sqlite3`, or an export saved over key.json,
would replace the live data with something else and report success. Every
writer that takes a destination from the user calls `refuse_data_files` first.
"""

import os
from pathlib import Path

from cdsxa.common.errors import UserError
from cdsxa.profile import paths
from cdsxa.profile.lock import LOCK_FILE
from cdsxa.security.keys import KEY_FILE

# Names in the data folder that belong to the profile, whether or not they exist
# right now (a -wal appears while the database is open; key.json may be lost and
# about to be rebuilt). Compared after os.path.normcase: Windows ignores case.
_RESERVED_NAMES = (KEY_FILE, Path(KEY_FILE).with_suffix(".tmp").name, LOCK_FILE,
                   paths.log_path(Path()).name,
                   paths.backup_dir(Path()).name)
_RESERVED_PREFIXES = (paths.DB_FILENAME, paths.SNAPSHOT_PREFIX, paths.log_path(Path()).name + ".")


class DataFileDestinationError(UserError):
    """A destination that would overwrite the profile's own files."""


def refuse_data_files(destination: Path, data_dir: Path) -> None:
    """Raise DataFileDestinationError (a UserError, in Vietnamese) when writing to
    destination would overwrite a file of the profile in data_dir.

    destination is the file about to be written (not a folder to put it in: name
    the file first). Refused: the database and its -wal/-shm/-journal, key.json,
    the log, the lock, a file named like the backups folder, and any other file
    that already exists in the data folder outside backups/ (a backup or an export
    saved into backups/ is fine). The path is compared after resolving relative
    paths and symbolic links, by file identity where it exists (a hard link or
    another spelling of the same file, such as a different case on Windows), so
    no spelling of the path gets around the check. Returns None when writing
    there is safe; call it right before writing.
    """
    target = Path(os.path.abspath(Path(destination).expanduser()))
    for candidate in (target, target.resolve(strict=False)):
        if _overwrites_data(candidate, Path(os.path.abspath(data_dir))):
            raise _refusal(destination, data_dir)


def _overwrites_data(candidate: Path, data_dir: Path) -> bool:
    if any(_same_file(candidate, p) for p in _protected_files(data_dir)):
        return True  # also a hard link, or another spelling of the same file
    folder = candidate.parent
    if not _inside(folder, data_dir) or _inside(folder, paths.backup_dir(data_dir)):
        return False
    if _is(folder, data_dir) and _is_profile_name(candidate):
        return True
    return candidate.exists() and not candidate.is_dir()


def _refusal(destination: Path, data_dir: Path) -> DataFileDestinationError:
    return DataFileDestinationError(
        f"Không thể ghi vào {destination}: đó là tệp dữ liệu của hồ sơ xã trong {data_dir}, "
        "ghi đè lên sẽ làm mất dữ liệu. Hãy chọn một tệp khác, ở thư mục khác "
        "(ví dụ ổ USB hoặc thư mục Tài liệu).")


def _protected_files(data_dir: Path) -> list[Path]:
    database = paths.database_path(data_dir)
    named = [database, *(Path(f"{database}-{t}") for t in ("wal", "shm", "journal")),
             data_dir / KEY_FILE, paths.log_path(data_dir)]
    return [p for p in named if p.exists()]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def _is(path: Path, folder: Path) -> bool:
    return _same_file(path, folder) or os.path.normcase(path) == os.path.normcase(folder)


def _inside(path: Path, folder: Path) -> bool:
    """path is folder or below it, folder compared by identity (case, links)."""
    return any(_is(ancestor, folder) for ancestor in (path, *path.parents))


def _is_profile_name(path: Path) -> bool:
    name = os.path.normcase(path.name)
    if name in {os.path.normcase(n) for n in _RESERVED_NAMES}:
        return not path.is_dir()
    return any(name.startswith(os.path.normcase(p)) for p in _RESERVED_PREFIXES)
