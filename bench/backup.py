"""Backing up and restoring the large demo profile.

    python bench/backup.py

Times what an officer waits for: the daily backup (made in the background at
start, but waited for at exit), checking a chosen backup before a restore, and a
whole restore (check, keep the current data as a backup, swap in). The restore
runs on a copy of the profile in a temporary folder, never on the bench profile.
"""

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from common import large_profile, open_bench

from cdsxa.profile import backup, paths, restore
from cdsxa.security import keys
from cdsxa.security.access import command_line

T = TypeVar("T")


def timed(label: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - started:.1f} s", flush=True)
    return result


def megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def main() -> None:
    source = large_profile()
    database = paths.database_path(source)
    print(f"profile: {megabytes(database.stat().st_size)} encrypted", flush=True)
    with tempfile.TemporaryDirectory(dir=source.parent) as scratch:
        work = Path(scratch)
        db = open_bench(source)
        try:
            made = timed("backup (VACUUM INTO, zip, fsync)",
                         lambda: backup.make_backup(db, work / f"b{backup.SUFFIX}", "manual",
                                            command_line()))
        finally:
            db.close()
        print(f"backup file: {megabytes(made.size)}", flush=True)
        timed("check a backup before restoring (zip, sha256)",
              lambda: backup.inspect_backup(made.path))

        copy = work / "copy"
        copy.mkdir()
        shutil.copy2(database, paths.database_path(copy))
        shutil.copy2(source / keys.KEY_FILE, copy / keys.KEY_FILE)
        done = timed("restore (check, decrypt and integrity-check, keep current, swap)",
                     lambda: restore.restore(copy, made.path, command_line(),
                                            prompt=keys.terminal_prompt))
        print(f"data kept before the restore: {done.previous.name if done.previous else '-'}")


if __name__ == "__main__":
    main()
