"""Search keeps its plans once SQLite has the statistics of a large commune (kept
since closing runs PRAGMA optimize outside a rolled-back transaction)."""

from typing import Any

import pytest
from sqlalchemy import event

from cdsxa.common.ids import VillageId
from cdsxa.db.engine import Database
from cdsxa.register import search
from tests.conftest import TESTER
from tests.helpers import person, village

# sqlite_stat1 of the large demo profile (104,931 people in 30 villages), as
# PRAGMA optimize leaves it.
LARGE_COMMUNE = [
    ('household', 'ix_household_code', '25000 1'),
    ('household', 'ix_household_commune_code', '25000 1770'),
    ('household', 'ix_household_counting', '25000 1770 1770 590 354 3 3'),
    ('household', 'ix_household_village_live', '25000 590 590'),
    ('household', 'sqlite_autoindex_household_1', '25000 1'),
    ('person', 'ix_person_commune_code', '104931 1770'),
    ('person', 'ix_person_counting', '104931 1770 1770 1770 2 1 1 1 1'),
    ('person', 'ix_person_household_id', '104931 5'),
    ('person', 'ix_person_name_key', '104931 7'),
    ('person', 'ix_person_phone', '104931 2'),
    ('person', 'ix_person_village_live', '104931 1770 1770'),
    ('person', 'ix_person_vneid_worklist', '104931 1770 99'),
    ('person', 'sqlite_autoindex_person_1', '104931 1'),
    ('person', 'uq_person_live_id_number', '74016 1'),
    ('village', 'ix_village_commune_code', '30 30'),
    ('village', 'sqlite_autoindex_village_1', '30 1'),
    ('village', 'uq_village_live_name', '30 30 1'),
]


def with_large_statistics(db: Database) -> None:
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        raw.execute("ANALYZE")  # makes sqlite_stat1
        raw.execute("DELETE FROM sqlite_stat1")
        raw.execute("DELETE FROM sqlite_stat4")  # samples of these few rows would mislead
        raw.executemany("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", LARGE_COMMUNE)
        raw.execute("ANALYZE sqlite_schema")  # loads them
    db.engine.dispose()  # every connection from now on plans with them


def page_plans(db: Database, query: str,
               village_id: VillageId | None = None) -> list[list[str]]:
    seen: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "ORDER BY" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        with db.reading(TESTER) as session:
            search.search_people(session, query, village_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    with db.engine.connect() as connection:
        return [[row[-1] for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters)] for statement, parameters in seen]


def test_a_search_finding_many_walks_the_name_index(db: Database,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(5):
        person(db, f"Lò Thị Mai {number}", phone=f"09123456{number:02}")
    with_large_statistics(db)
    monkeypatch.setattr(search, "BROAD", 0)  # as '09' on 100,000 people: many found
    plan = page_plans(db, "09")[0]
    # The first page comes from walking names in order, stopping after 200 found; not
    # from every match in the commune gathered village by village and then sorted.
    assert plan[0] == "SCAN person USING INDEX ix_person_name_key", plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_names_beginning_with_a_word_in_one_village_read_the_village(db: Database) -> None:
    for number in range(5):
        person(db, f"Lò Thị Mai {number}")
    with_large_statistics(db)
    # Exact name, then names beginning with 'lo': thousands in a large commune, a
    # thirtieth of them in the village. Read the village's people, not the commune's.
    exact, beginning, *_rest = page_plans(db, "lo", village(db))
    assert exact[0] == "SEARCH person USING INDEX ix_person_name_key (name_key=?)", exact
    assert any(line.startswith("SEARCH person USING INDEX ix_person_village_live")
               for line in beginning), beginning
