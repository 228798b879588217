"""The demo writes its people and their work in bulk, and leaves what the
record-by-record demo left (tests/fixtures/demo_snapshot.json, made by it, holds a
digest of each table's rows as tests/db_snapshot.py shows them;
`CDSXA_WRITE_SNAPSHOT=1` writes it again)."""

import hashlib
import json
import os
from datetime import date
from pathlib import Path

from cdsxa.demo import commune
from cdsxa.profile.storage import open_profile
from tests import db_snapshot
from tests.conftest import TESTER

SNAPSHOT = Path(__file__).parent / "fixtures" / "demo_snapshot.json"


def test_demo_writes_what_the_record_by_record_demo_wrote(tmp_path: Path) -> None:
    commune.create(tmp_path, "small", seed=7, today=date(2025, 6, 1))
    db = open_profile(tmp_path)
    try:
        with db.reading(TESTER) as session:
            db_snapshot.check_search_index(session.connection())
            got = db_snapshot.written({}, db_snapshot.raw(session.connection()))
    finally:
        db.close()
    assert "L:not derived" not in json.dumps(got, ensure_ascii=False)
    # A digest per table: the rows themselves are megabytes.
    digests = {table: {"rows": len(rows), "sha256": hashlib.sha256(json.dumps(
        rows, ensure_ascii=False, sort_keys=True).encode()).hexdigest()}
        for table, rows in got.items()}
    if os.environ.get("CDSXA_WRITE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(digests, indent=1, sort_keys=True), encoding="utf-8")
    assert digests == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
