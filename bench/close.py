"""Closing the large demo profile after a short session, and the memory it takes.

    python bench/close.py [RUNS]

Each run is a new process: open the profile, do what a short session does (the
people count, a few searches, the household list of one village), then close. Prints
the time `Database.close()` takes (SQLite's `PRAGMA optimize` runs there) and the
process's peak RSS before and after closing: a close that gathers the planner's
statistics anew reads the large tables again (issue 10: 0.8 s, 295 MB peak, every
close, because the statistics were rolled back and never kept).
"""

import resource
import subprocess
import sys
import time
from pathlib import Path

from common import cli, large_profile, open_bench, summary


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(profile: Path) -> None:
    from sqlalchemy import text

    from cdsxa.register import search, villages

    db = open_bench(profile)
    with db.reading(cli()) as session:
        search.count_people(session)
        for query in ("nguyen v", "038", "lo thi"):
            search.search_people(session, query)
            search.count_people(session, query)
        village = villages.list_all(session)[3].id
        search.search_people(session, "", village)
    with db.engine.connect() as connection:
        stats = connection.execute(text(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()
    before = _peak_mb()
    started = time.perf_counter()
    db.close()
    ms = (time.perf_counter() - started) * 1000
    print(f"RESULT {ms:.1f} {before:.1f} {_peak_mb():.1f} {stats}", flush=True)


def one_run(profile: Path) -> tuple[float, float, float, int]:
    out = subprocess.run([sys.executable, __file__, "--child", str(profile)],
                         capture_output=True, text=True, check=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    _, ms, before, after, stats = line.split()
    return float(ms), float(before), float(after), int(stats)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
        return
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    profile = large_profile()
    print(f"profile: {profile}", flush=True)
    results = []
    for number in range(runs):
        ms, before, after, stats = one_run(profile)
        print(f"  run {number + 1}: close {ms:.0f} ms; peak RSS {before:.0f} MB before close, "
              f"{after:.0f} MB after; statistics kept at open: {'yes' if stats else 'no'}",
              flush=True)
        results.append((ms, before, after))
    print(summary("close", [r[0] for r in results], "ms"))
    print(summary("peak RSS after close", [r[2] for r in results], "MB"))
    print(summary("peak RSS growth during close", [r[2] - r[1] for r in results], "MB"))


if __name__ == "__main__":
    main()
