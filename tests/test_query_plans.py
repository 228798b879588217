"""The counting queries keep the plans they were built for (SQLite's EXPLAIN QUERY PLAN).

The figures of a 100,000-person commune come in well under a second only because
every count reads a covering index, in index order, with no row looked up and no
temporary B-tree (bench/indicators.py). A new column in a WHERE or a dropped index
column does not fail any count: it makes the count slow. These tests say which.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from cdsxa.counting import indicators
from cdsxa.db.engine import Database
from cdsxa.register import villages
from tests.conftest import TESTER
from tests.test_indicators import build_commune

ON = date(2025, 6, 30)
# Tables with a row per person, outcome, step, session or list item: never read whole.
LARGE = ("person", "household", "person_outcome", "vneid_step", "support_session",
         "support_session_topic", "support_session_member")


@contextmanager
def statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
             _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def plans(db: Database, work: Callable[[Session], object]) -> list[list[str]]:
    with statements(db) as seen, db.reading(TESTER) as session:
        work(session)
    with db.engine.connect() as connection:
        return [[row[-1] for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters).all()]
                for statement, parameters in seen]


def large_reads(lines: list[str]) -> list[str]:
    return [line for line in lines
            if (found := re.match(r"(SCAN|SEARCH) (\w+)", line)) and found.group(2) in LARGE]


@pytest.fixture
def commune_db(db: Database) -> Database:
    build_commune(db)
    return db


def test_all_indicators_read_covering_indexes_only(commune_db: Database) -> None:
    found = plans(commune_db, lambda s: indicators.compute(s, ON))
    assert found
    reads = large_reads([line for plan in found for line in plan])
    # No row of a large table looked up beside its index, none read whole.
    assert reads and all("COVERING INDEX" in line for line in reads), reads


@pytest.mark.parametrize("village", [False, True])
def test_the_session_breakdown_counts_index_ranges(commune_db: Database, village: bool) -> None:
    """Sessions per village, topic and helper: one index range per key, no session
    looked up per topic or helper row and no temporary B-tree to group a year's rows."""
    with commune_db.reading(TESTER) as session:
        first = villages.list_all(session)[0].id if village else None
    found = plans(commune_db, lambda s: indicators.sessions_breakdown(
        s, date(2025, 1, 1), date(2025, 12, 31), first))
    lines = [line for plan in found for line in plan]
    assert not [line for line in lines if "TEMP B-TREE" in line], lines
    for table in ("support_session", "support_session_topic", "support_session_member"):
        reads = [line for line in lines if re.match(rf"(SCAN|SEARCH) {table}\b", line)]
        assert reads, (table, lines)
        assert all(line.startswith("SEARCH") and "COVERING INDEX" in line
                   and "_counting" in line for line in reads), reads


def test_a_received_person_is_checked_for_a_duplicate_by_one_index_look_up(
        db: Database) -> None:
    """Found by the sync benchmark: without an index on the natural key among all
    records (deleted ones too) the check scanned the commune's people for each person
    received (cdsxa.sync.workspace._duplicates)."""
    import uuid

    from sqlalchemy import select

    from cdsxa.db.models import Person

    query = select(Person.id).where(Person.commune_code == 1, Person.id != uuid.uuid4(),
                                    Person.id_number == "038090001234")
    found = plans(db, lambda session: session.execute(query).all())
    assert any("ix_person_id_number" in line for plan in found for line in plan), found
