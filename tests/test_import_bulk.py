"""The people import writes in bulk, and leaves exactly what the record-by-record
path left: the same rows in every table, change-log entries (device, clock and base
version), audit rows, outcomes, VNeID steps and search index.

`tests/fixtures/import_snapshot.json` was made by the record-by-record import
(before the bulk path) from the same sheet and register; `CDSXA_WRITE_SNAPSHOT=1`
writes it again.
"""

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cdsxa.common.errors import UserError
from cdsxa.common.ids import PersonId
from cdsxa.db.engine import Database
from cdsxa.db.models import Person
from cdsxa.excel import people_apply as people_import_apply
from cdsxa.excel import people_import
from cdsxa.register import people, search
from tests import db_snapshot
from tests.conftest import TESTER
from tests.helpers import as_actor, village
from tests.test_excel_import import TODAY, make_register, write_list

SNAPSHOT = Path(__file__).parent / "fixtures" / "import_snapshot.json"
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "SĐT", "Thôn/bản", "Mã hộ",
          "Quan hệ với chủ hộ", "Dân tộc", "Ghi chú", "Điện thoại thông minh", "Cáp quang",
          "VNeID", "Chữ ký số", "Đồng ý lưu dữ liệu", "Ngày đồng ý/từ chối"]
GOOD = [
    # New people in a new household with fibre, VNeID, outcomes and consent (NFD name).
    [1, "Lo\u0300 Va\u0306n Ta\u0302m", 1985, "Nam", "038085000123", "0912345678", "Bản Hang",
     "HK01", "Chủ hộ", "Thái", "  ", "x", "Có", "Mức 2", None, "Đồng ý", None],
    [2, "Lò Thị Mai", "02/04/1988", "Nữ", "038188000456", None, "Bản Hang", "hk01", "Vợ",
     "Thái", None, "Có", None, "Mức 1", 1, "Từ chối", "20/05/2025"],
    # An update: a new phone, fibre on their existing household, an outcome already
    # known without a date, a VNeID account.
    [3, "Hà Văn Dũng", "12/03/2001", "Nam", "038201000789", "0987654321", "Thôn Đồng Tâm",
     "HK02", "Chủ hộ", None, None, "x", "x", "Có", None, None, None],
    [4, "Lò Văn Tâm", 1985, "Nam", "038085000123", None, "Bản Hang", "HK01", "Con"],  # duplicate
    [5, "LÒ THỊ NGA", 1950, "nu", None, None, "Ban Hang", None, "Mẹ"],  # duplicate by name
    # Fills in the number of the register's Lò Thị Nga (found by name and birth).
    [6, "Lò Thị Nga", 1950, "Nữ", "038150000222", None, "Bản Hang", "HK01", "Mẹ", None,
     "Ở với con trai"],
    [7, "Vi Văn Pọm", "1985-07-15", None, "099085000111", None, "Thôn Đồng Tâm", "HK03",
     "Chủ hộ", "Mường", "Ghi chú\u200b", None, "Có", "Có", "x", None, None],
    [9, "Vi Thị Bống", 2020, "Nữ", None, None, "Thôn Đồng Tâm", "HK03", "Con"],
]
BAD = [[8, "Vi Thị Ánh", "15/07/1990", "Nữ", "0381900001", None, "Bản Hang"]]


def _register(db: Database) -> None:
    """make_register's people, with what an update can change: an outcome already known
    without a date, and a household to get fibre."""
    make_register(db)
    with db.transaction(as_actor("test")) as session:
        dung = next(p for p in session.query(Person) if p.full_name == "Hà Văn Dũng")
        people.set_outcome(session, PersonId(dung.id), "smartphone", None)
    village(db)


def _import(db: Database, tmp_path: Path, rows: list[Any],
            bad_rows: Path | None) -> dict[str, Any]:
    _register(db)
    sheet = people_import.read_sheet(write_list(tmp_path / "ds.xlsx", rows, HEADER))
    with db.reading(TESTER) as session:
        preview = people_import.preview(session, sheet, today=TODAY, survey_date=TODAY)
        before = db_snapshot.raw(session.connection())
    with db.transaction(TESTER) as session:
        result = people_import.apply(session, preview, bad_rows)
    with db.reading(TESTER) as session:
        db_snapshot.check_search_index(session.connection())
        after = db_snapshot.raw(session.connection())
    return {"result": {k: v for k, v in result.__dict__.items() if k != "bad_rows_file"},
            "written": db_snapshot.written(before, after)}


@pytest.mark.parametrize("mode", ["all_or_nothing", "good_rows"])
def test_import_writes_what_the_record_by_record_import_wrote(
        db: Database, tmp_path: Path, mode: str) -> None:
    rows = GOOD if mode == "all_or_nothing" else GOOD + BAD
    got = _import(db, tmp_path, rows, tmp_path / "loi.xlsx" if mode == "good_rows" else None)
    golden = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.exists() else {}
    if os.environ.get("CDSXA_WRITE_SNAPSHOT"):
        golden[mode] = got
        SNAPSHOT.write_text(json.dumps(golden, ensure_ascii=False, indent=1, sort_keys=True),
                            encoding="utf-8")
    assert json.loads(json.dumps(got)) == golden[mode]


def test_imported_people_are_found_by_search(db: Database, tmp_path: Path) -> None:
    _import(db, tmp_path, GOOD, None)
    with db.reading(TESTER) as session:
        names = {row.full_name for row in search.search_people(session, "pom")}
        numbers = {row.full_name for row in search.search_people(session, "038150000222")}
    assert names == {"Vi Văn Pọm"} and numbers == {"Lò Thị Nga"}


def test_survey_dates_are_the_survey_day(db: Database, tmp_path: Path) -> None:
    _import(db, tmp_path, GOOD, None)
    with db.reading(TESTER) as session:
        tam = next(p for p in session.query(Person) if p.full_name == "Lò Văn Tâm")
        assert (tam.vneid_status, tam.vneid_status_on, tam.vneid_level) == (
            "activated", TODAY, 2)
        assert tam.consent_on == TODAY and tam.household is not None
        assert tam.household.has_fibre and tam.household.fibre_since == TODAY
        assert tam.counting_birth_date == date(1985, 7, 1)


def test_a_failure_late_in_the_import_leaves_nothing(db: Database, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """All or nothing holds for the rows written in bulk too: they are in the
    import's transaction."""
    _register(db)
    sheet = people_import.read_sheet(write_list(tmp_path / "ds.xlsx", GOOD, HEADER))
    with db.reading(TESTER) as session:
        preview = people_import.preview(session, sheet, today=TODAY, survey_date=TODAY)
        before = db_snapshot.raw(session.connection())

    def disk_full(*_args: object) -> None:
        raise UserError("Ổ đĩa đầy.")

    monkeypatch.setattr(people_import_apply.settings, "put", disk_full)
    with pytest.raises(UserError), db.transaction(TESTER) as session:
        people_import.apply(session, preview)
    with db.reading(TESTER) as session:
        assert db_snapshot.raw(session.connection()) == before
