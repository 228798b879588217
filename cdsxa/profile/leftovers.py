"""What a killed backup, restore or encryption leaves behind, and removing it.

A backup writes a full-size snapshot beside the database and its file under a
`.part` name; a restore stages the backup's database as `cdsxa.sqlite3.restoring`;
an encryption writes `.encrypting` copies. Each removes its own when it ends,
but not when it is killed: on the large profile that is 100-150 MB a time. Only
these names (cdsxa.profile.paths) are removed, never a live file, and only when
no process can be using them: a restore's and an encryption's while holding
the database's lock shared (none can be running), a backup's while holding the
backup lock (cdsxa.profile.lock).
"""

import logging
import re
import shutil
from pathlib import Path

from cdsxa.profile import paths

log = logging.getLogger(__name__)

_SIDE_FILES = ("", "-journal", "-wal", "-shm")
_SNAPSHOT = re.compile(re.escape(paths.SNAPSHOT_PREFIX) + r"[0-9a-f]{32}\.sqlite3"
                       r"(-journal|-wal|-shm)?")


def remove_staging(data_dir: Path) -> list[Path]:
    """A killed restore's or encryption's files. The caller holds the database's lock
    shared, and nothing else in its process has the profile open."""
    db_path = paths.database_path(data_dir)
    found: list[Path] = []
    for staged in (paths.restoring_path(db_path), paths.encrypting_path(db_path)):
        found += [Path(f"{staged}{side}") for side in _SIDE_FILES]
    scratch = Path(f"{paths.restoring_path(db_path)}{paths.MIGRATING_SUFFIX}")
    backups = paths.backup_dir(data_dir)
    if backups.is_dir():  # old plain backups are encrypted beside themselves
        found += list(backups.glob(f"*.sqlite3{paths.ENCRYPTING_SUFFIX}"))
    return _remove(found, [scratch])


def remove_backup_parts(data_dir: Path) -> list[Path]:
    """A killed backup's snapshot and unfinished files. The caller holds the backup lock."""
    found = [entry for entry in _listing(data_dir) if _SNAPSHOT.fullmatch(entry.name)]
    backups = paths.backup_dir(data_dir)
    if backups.is_dir():
        found += [f for f in backups.rglob(f"cdsxa-*{paths.PART_SUFFIX}") if f.is_file()]
    return _remove(found, [])


def _listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _remove(files: list[Path], folders: list[Path]) -> list[Path]:
    removed: list[Path] = []
    for file in files:
        try:
            if file.is_file() and not file.is_symlink():
                file.unlink()
                removed.append(file)
        except OSError as exc:  # in use on Windows, say: the next open tries again
            log.warning("could not remove the leftover %s: %s", file.name, exc)
    for folder in folders:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for path in removed:
        log.info("removed %s, left by an interrupted backup, restore or encryption",
                 path.name)
    return removed
