"""Where a profile's files live, the names of its temporary files, and their modes."""

import os
import stat
import uuid
from pathlib import Path
from typing import IO, Any

import platformdirs

APP_NAME = "CDSXa"
DATA_DIR_ENV = "CDSXA_DATA_DIR"
DB_FILENAME = "cdsxa.sqlite3"

# The data folder and everything in it are the user's alone (POSIX): the database
# is encrypted, but key.json, the log and the backups should not be readable by
# every local account either. Windows' per-user application-data folder is already.
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PRIVATE_UMASK = 0o077


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir wins, then CDSXA_DATA_DIR, then the user's data folder."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


def backup_dir(data_dir: Path) -> Path:
    return data_dir / "backups"


def log_path(data_dir: Path) -> Path:
    return data_dir / "cdsxa.log"


# --- temporary files: made beside what they become, removed when a run was killed ---

SNAPSHOT_PREFIX = ".snapshot-"
PART_SUFFIX = ".part"
RESTORING_SUFFIX = ".restoring"
MIGRATING_SUFFIX = "-migration"
ENCRYPTING_SUFFIX = ".encrypting"


def snapshot_path(db_path: Path) -> Path:
    """A backup's snapshot of the database, beside it (where there is room)."""
    return db_path.with_name(f"{SNAPSHOT_PREFIX}{uuid.uuid4().hex}.sqlite3")


def part_path(target: Path) -> Path:
    """A file being written under a temporary name, renamed once complete."""
    return target.with_name(target.name + PART_SUFFIX)


def restoring_path(db_path: Path) -> Path:
    """Where a restore stages the backup's database before the rename."""
    return db_path.with_name(db_path.name + RESTORING_SUFFIX)


def encrypting_path(db_path: Path) -> Path:
    """Where an encryption writes the encrypted copy of a plain database."""
    return db_path.with_name(db_path.name + ENCRYPTING_SUFFIX)


# --- modes ---------------------------------------------------------------------------

def private_umask() -> None:
    """Every file and folder this process makes from now on is the user's alone."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def create_private(path: Path) -> None:
    """Make an empty file only the user may read, unless it exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass


def open_private(path: Path, text: bool = False) -> IO[Any]:
    """Open `path` for writing (made or emptied) as a file only the user may read,
    whatever the umask of the program calling us (the library is used without main())."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    if os.name == "posix":
        os.fchmod(descriptor, PRIVATE_FILE)  # an existing file keeps its mode otherwise
    if text:
        return os.fdopen(descriptor, "w", encoding="utf-8")
    return os.fdopen(descriptor, "wb")


def make_private(data_dir: Path) -> None:
    """Fix the modes of an existing profile: its folders 0700, its files 0600."""
    if os.name != "posix":
        return
    _chmod(data_dir, PRIVATE_DIR)
    for entry in _entries(data_dir):
        _chmod(entry, PRIVATE_FILE)
    backups = backup_dir(data_dir)
    if _chmod(backups, PRIVATE_DIR):
        for root, folders, files in os.walk(backups):
            for name in folders:
                _chmod(Path(root, name), PRIVATE_DIR)
            for name in files:
                _chmod(Path(root, name), PRIVATE_FILE)


def _entries(folder: Path) -> list[Path]:
    try:
        return [entry for entry in folder.iterdir() if entry.is_file()]
    except OSError:
        return []


def _chmod(path: Path, mode: int) -> bool:
    """True when path is a folder or file of ours (not a link) with mode now."""
    try:
        found = os.lstat(path)
        if stat.S_ISLNK(found.st_mode):  # a link may point anywhere: leave it
            return False
        if stat.S_IMODE(found.st_mode) != mode:
            os.chmod(path, mode)
    except OSError:  # gone meanwhile, or another user's: nothing to fix here
        return False
    return True
