"""Inserting 10,000 people through the services, change log included.

    python bench/insert_people.py [COUNT]

Two ways the app writes people: one transaction per person (the form's Save),
and batches of 1,000 (an Excel import). Both go through register.people and the
change-log hook, with synchronous=FULL (each commit reaches the disk).
"""

import sys
import tempfile
import time
from pathlib import Path

from cdsxa.commune.profile import ProfileSetup, initialise
from cdsxa.register import people, villages
from cdsxa.security import keys
from cdsxa.security.access import command_line


def person(i: int, village: object) -> people.PersonInput:
    year = 1950 + i % 60
    gender = "male" if i % 2 else "female"
    digit = (year - 1900) // 100 * 2 + (gender == "female")
    return people.PersonInput(
        full_name=f"Lò Văn Thử {i}", gender=gender, village_id=village,  # type: ignore[arg-type]
        birth_year=year, ethnicity="Thái", id_number=f"038{digit}{year % 100:02d}{i:06d}",
        phone=f"09{i:08d}" if i % 3 else None)


def timed(count: int, batch: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "p"
        db = initialise(target, ProfileSetup(38, 14797, ["Bản Thử"]),
                        keys.create(target, "bench passphrase").key, command_line())
        with db.reading(command_line()) as session:
            village = villages.find_by_name(session, "Bản Thử")
        started = time.perf_counter()
        for start in range(0, count, batch):
            with db.transaction(command_line()) as session:
                people.add_people(session, [person(i, village) for i in
                                            range(start, min(count, start + batch))])
        elapsed = time.perf_counter() - started
        db.close()
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    for label, batch in (("one transaction per person", 1), ("batches of 1,000", 1000)):
        elapsed = timed(count, batch)
        print(f"{label}: {count} people in {elapsed:.2f} s = {count / elapsed:,.0f} people/s")


if __name__ == "__main__":
    main()
