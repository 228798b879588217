"""Saving a one-to-one support session, as the form does, on the large profile.

    python bench/save_session.py [COUNT]

Each save is one transaction through support.sessions.record: the session, the
outcome it reaches and their change-log entries, committed with synchronous=FULL.
Goal (issue 3): p95 under 20 ms. Works on a copy, so the profile stays as it was.
"""

import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from common import cli, large_profile, open_bench, summary
from sqlalchemy import select

from cdsxa.db.activity import TeamMember
from cdsxa.db.models import Person
from cdsxa.support import sessions

TOPICS = [["payment_account"], ["dvc_account", "dvc_skills"], ["fraud_awareness"],
          ["digital_signature"], ["online_shopping"]]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "large"
        shutil.copytree(large_profile(), copy, ignore=shutil.ignore_patterns("backups"))
        db = open_bench(copy)
        rng = random.Random(7)
        with db.reading(cli()) as session:
            people = list(session.scalars(select(Person.id).limit(20_000)))
            members = list(session.scalars(select(TeamMember.id)))
        timings = []
        for _ in range(count):
            data = sessions.SessionInput(
                held_on=date.today() - timedelta(days=rng.randrange(30)),
                person_id=rng.choice(people), topics=rng.choice(TOPICS), result="done",
                member_ids=[rng.choice(members)], minutes=10)
            started = time.perf_counter()
            with db.transaction(cli()) as session:
                sessions.record(session, data)
            timings.append((time.perf_counter() - started) * 1000)
        db.close()
    print(summary("save a support session (one transaction, change log included)",
                  timings, "ms"))


if __name__ == "__main__":
    main()
