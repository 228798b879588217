"""Restoring the large demo profile from a backup, the whole restore and its check.

    python bench/restore.py [RUNS] [BACKUP]

Makes one backup of the bench profile (or uses BACKUP, a `.cdsxa-backup` file of it),
then restores it RUNS times, each on a fresh copy of the profile in a temporary
folder (never on the bench profile). Prints each restore and the integrity check
alone (what restore runs on the decrypted staging copy). Issue 10: 47 s, two-thirds
of it the integrity check in SQLite's default page cache.
"""

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import large_profile, open_bench

from cdsxa.db import engine
from cdsxa.profile import backup, paths, restore
from cdsxa.security import keys
from cdsxa.security.access import command_line


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    source = large_profile()
    database = paths.database_path(source)
    with tempfile.TemporaryDirectory(dir=source.parent) as scratch:
        work = Path(scratch)
        if len(sys.argv) > 2:
            made = Path(sys.argv[2])
        else:
            db = open_bench(source)
            try:
                made = backup.make_backup(db, work / f"b{backup.SUFFIX}", "manual",
                                          command_line()).path
            finally:
                db.close()
        checks: list[float] = []
        verify = restore._verify

        def timed_verify(*args: object) -> None:
            started = time.perf_counter()
            try:
                verify(*args)  # type: ignore[arg-type]
            finally:
                checks.append(time.perf_counter() - started)

        restore._verify = timed_verify  # type: ignore[assignment]
        # Which code runs the check: the helper with its large cache, or not (older code).
        print(f"integrity check helper: {'yes' if hasattr(engine, 'integrity_check') else 'no'}")
        totals: list[float] = []
        for number in range(runs):
            copy = work / f"copy{number}"
            copy.mkdir()
            shutil.copy2(database, paths.database_path(copy))
            shutil.copy2(source / keys.KEY_FILE, copy / keys.KEY_FILE)
            started = time.perf_counter()
            restore.restore(copy, made, command_line(), prompt=keys.terminal_prompt)
            totals.append(time.perf_counter() - started)
            print(f"  restore {number + 1}: {totals[-1]:.1f} s, of which decrypt and "
                  f"integrity check {checks[-1]:.1f} s", flush=True)
            shutil.rmtree(copy)
        print(f"restore: median {statistics.median(totals):.1f} s; decrypt and integrity "
              f"check: median {statistics.median(checks):.1f} s (n={runs})")


if __name__ == "__main__":
    main()
