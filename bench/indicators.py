"""Computing the commune indicators on the large demo profile.

    python bench/indicators.py [RUNS]

Times `indicators.compute` (all ten figures, commune-wide and for one village),
a drill-down and the dashboard breakdowns, each in a fresh read session: the first
run (SQLite's page cache still cold for those tables) and then RUNS more (default
7), as median and spread. The goal: all indicators for a 100,000-person commune
with ~300,000 sessions in under 1 s.
"""

import sys
import time
from collections.abc import Callable
from datetime import date

from common import cli, large_profile, open_bench, summary
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsxa.counting import indicators
from cdsxa.db.activity import SupportSession, VneidStep
from cdsxa.db.engine import Database
from cdsxa.db.models import Household, Person, PersonOutcome
from cdsxa.register import villages


def timed(db: Database, runs: int, work: Callable[[Session], object]) -> list[float]:
    times = []
    for _ in range(runs):
        with db.reading(cli()) as session:
            started = time.perf_counter()
            work(session)
            times.append((time.perf_counter() - started) * 1000)
    return times


def sizes(db: Database) -> str:
    with db.reading(cli()) as session:
        counts = [session.scalar(select(func.count()).select_from(model)) or 0
                  for model in (Person, Household, PersonOutcome, VneidStep, SupportSession)]
    names = ("people", "households", "outcomes", "VNeID steps", "sessions")
    return ", ".join(f"{n:,} {name}" for n, name in zip(counts, names))


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    db = open_bench(large_profile())
    on = date.today()
    try:
        print(f"large profile: {sizes(db)}; reporting date {on}")
        with db.reading(cli()) as session:
            village = villages.list_all(session)[0].id
        cases: list[tuple[str, Callable[[Session], object]]] = [
            ("compute, commune", lambda s: indicators.compute(s, on)),
            ("compute, profile denominators",
             lambda s: indicators.compute(s, on, denominators="profile")),
            ("compute, one village", lambda s: indicators.compute(s, on, village)),
            ("records_behind smartphone_adults (denominator)",
             lambda s: indicators.records_behind(s, "smartphone_adults", on,
                                                 part="denominator")),
            ("vneid_breakdown", lambda s: indicators.vneid_breakdown(s, on=on)),
            ("sessions_breakdown, one year",
             lambda s: indicators.sessions_breakdown(s, date(on.year - 1, on.month, 1), on)),
        ]
        for label, work in cases:
            first = timed(db, 1, work)[0]
            print(f"{summary(label, timed(db, runs, work), 'ms')}; first run {first:.0f} ms")
    finally:
        db.close()


if __name__ == "__main__":
    main()
