"""Integrity checks run with a page cache the size of the file (at most 256 MB): in
SQLite's small default every index entry checked is a page read and decrypted again
(issue 10: a large commune's restore took 47 s, two-thirds of it this check)."""

from pathlib import Path
from typing import Any

from cdsxa.db import engine
from cdsxa.db.engine import connect, integrity_check

PACKAGE = Path(engine.__file__).parent.parent


def test_the_check_gets_a_cache_the_size_of_the_file_then_the_cache_it_had(
        tmp_path: Path) -> None:
    path = tmp_path / "large.sqlite3"
    raw = connect(path, None)
    try:
        raw.execute("CREATE TABLE t (a TEXT, b BLOB)")
        raw.execute("CREATE INDEX t_a ON t (a)")
        raw.executemany("INSERT INTO t VALUES (?, randomblob(2000))",
                        [(f"value {n}",) for n in range(12000)])  # about 30 MB
        raw.commit()
        default = int(raw.execute("PRAGMA cache_size").fetchone()[0])
        seen: list[int] = []

        def execute(statement: str) -> Any:
            if statement == "PRAGMA integrity_check":
                seen.append(int(raw.execute("PRAGMA cache_size").fetchone()[0]))
            return raw.execute(statement)

        assert integrity_check(execute) == ["ok"]
        file_kib = path.stat().st_size // 1024
        assert default > -file_kib  # SQLite's default holds a fraction of the file
        assert seen and -seen[0] >= file_kib
        assert int(raw.execute("PRAGMA cache_size").fetchone()[0]) == default
    finally:
        raw.close()


def test_every_integrity_check_goes_through_the_one_helper() -> None:
    callers = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                     if "PRAGMA integrity_check" in path.read_text(encoding="utf-8"))
    assert callers == ["db/engine.py"]
