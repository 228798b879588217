"""Closing keeps the planner's statistics SQLite gathers (PRAGMA optimize), so the
next close has nothing to gather again (issue 10: 0.8 s and 295 MB at every close)."""

from pathlib import Path

from cdsxa.db.engine import Database, connect
from cdsxa.profile.storage import open_database
from cdsxa.register import search
from tests.conftest import TESTER, ProfileTemplate
from tests.helpers import person


def a_session(db: Database) -> None:
    """What an officer's short session reads: the count and a search."""
    with db.reading(TESTER) as session:
        search.count_people(session)
        search.search_people(session, "lo thi")


def stat_rows(db_path: Path, template: ProfileTemplate) -> list[tuple[str, str, str]]:
    raw = connect(db_path, template.key)
    try:
        if not raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return []
        return sorted(raw.execute("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall())
    finally:
        raw.close()


def test_close_keeps_the_statistics_and_the_next_close_has_none_to_gather(
        db: Database, data_dir: Path, profile_template: ProfileTemplate) -> None:
    for number in range(40):
        person(db, f"Lò Thị Mai {number}")
    a_session(db)
    db.close()
    kept = stat_rows(db.path, profile_template)
    assert any(table == "person" for table, _index, _stat in kept), kept

    again = open_database(data_dir, profile_template.key)
    try:
        a_session(again)
        with again.engine.connect() as connection:
            # Bit 0x01: list what a close's PRAGMA optimize would analyze, do nothing.
            pending = connection.exec_driver_sql("PRAGMA optimize(0xffff)").scalars().all()
    finally:
        again.close()
    assert pending == []
    assert stat_rows(db.path, profile_template) == kept
