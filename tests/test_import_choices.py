"""People import choices: an ID number under two names, two imports of one list, the good
rows imported with the bad ones saved to fix, and the survey date the answers count from."""

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from cdsxa.common.errors import UserError
from cdsxa.commune import calendar as commune_calendar
from cdsxa.counting import indicators
from cdsxa.db.engine import Database
from cdsxa.db.models import AuditEvent, Household, Person
from cdsxa.excel import people_import
from tests.conftest import TESTER
from tests.helpers import as_actor
from tests.test_cli import cdsxa
from tests.test_excel_import import (
    BAD,
    GOOD,
    HEADER,
    Row,
    count,
    make_register,
    people_count,
    preview_of,
    write_list,
)


@pytest.fixture
def register(db: Database) -> Database:
    return make_register(db)


def test_one_id_number_under_two_names_is_an_error_on_every_such_row(
        register: Database, tmp_path: Path) -> None:
    path = write_list(tmp_path / "ds.xlsx", [
        [1, "Lò Văn Tâm", 1985, "Nam", "038085000123", None, "Bản Hang"],
        [2, "Lò Văn Tám", 1985, "Nam", "038085000123", None, "Bản Hang"],  # one of them is wrong
        [3, "LÒ VĂN TÂM", 1985, "Nam", "038085000123", None, "Bản Hang"],
        [4, "Lò Thị Mai", 1988, "Nữ", "038188000456", None, "Bản Hang"],
        [5, "lò thị  mai", 1988, "Nữ", "038188000456", None, "Bản Hang"],  # the same, twice
    ])
    rows = {r.number: r for r in preview_of(register, path).rows}
    assert [rows[n].action for n in range(4, 9)] == ["error", "error", "error", "new", "duplicate"]
    assert rows[4].reason == ("Số định danh 038085000123 cũng có ở dòng 5 (Lò Văn Tám), dòng 6 "
                              "(LÒ VĂN TÂM) nhưng khác họ tên: một trong các dòng bị sai.")
    assert "dòng 4 (Lò Văn Tâm)" in (rows[5].reason or "")
    assert rows[8].reason == "Trùng số định danh với dòng 7."


NO_NUMBERS: list[Row] = [
    [1, "Vi Văn Hùng", 1975, "Nam", None, None, "Bản Hang", "HK05"],
    [2, "Vi Thị Hoa", 1978, "Nữ", None, None, "Bản Hang", "HK05"],
    [3, "Cầm Văn Ngọc", 1990, "Nam", "038090000321", None, "Thôn Đồng Tâm"],
]


def test_two_previews_of_one_list_applied_one_after_the_other_add_it_once(
        register: Database, tmp_path: Path) -> None:
    path = write_list(tmp_path / "ds.xlsx", NO_NUMBERS)
    first, second = preview_of(register, path), preview_of(register, path)  # two windows
    assert first.counts["new"] == second.counts["new"] == 3
    with register.transaction(as_actor("test")) as session:
        people_import.apply(session, first)
    with register.transaction(as_actor("test")) as session:
        again = people_import.apply(session, second)
    assert (again.added, again.already_in_register, again.households_added) == (0, 3, 0)
    assert "3 dòng “mới” đã có trong sổ lúc nhập" in people_import.result_line(again)
    with register.reading(TESTER) as session:
        assert count(session, Person) == 5 and count(session, Household) == 2


def test_the_good_rows_imported_and_the_bad_ones_saved_to_fix(
        register: Database, tmp_path: Path) -> None:
    result = preview_of(register, write_list(tmp_path / "ds.xlsx", GOOD + BAD))
    bad_file = tmp_path / "sửa" / "ds-dong-loi.xlsx"
    assert "chỉ nhập các dòng đúng; 5 dòng lỗi sẽ được lưu vào tệp ds-dong-loi.xlsx" in \
        people_import.choice_line(result, bad_file)
    assert "tất cả hoặc không" in people_import.choice_line(result, None)
    with register.transaction(as_actor("test")) as session:
        done = people_import.apply(session, result, bad_rows_file=bad_file)
    assert (done.added, done.updated, done.bad_rows) == (3, 1, 5)
    assert "5 dòng lỗi chưa nhập, đã lưu vào tệp ds-dong-loi.xlsx" in \
        people_import.result_line(done)
    sheet = openpyxl.load_workbook(bad_file).active
    assert sheet is not None
    saved = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert saved[0] == HEADER + ["Dòng trong tệp gốc", "Lỗi cần sửa"]
    assert [r[1] for r in saved[1:]] == ["Vi Thị Ánh", "Lương Văn Pọm", "Cầm Thị Hoa", None,
                                         "Hà Thị Lan"]
    assert saved[1][4] == "0381900001" and saved[1][-2] == 11
    assert saved[1][-1] == "Số định danh phải có 12 chữ số (đang có 10)."
    # Fixed and imported again, the file reads as the list it came from.
    again = people_import.read_sheet(bad_file)
    assert [r.number for r in again.rows] == [2, 3, 4, 5, 6]
    with register.reading(TESTER) as session:
        assert count(session, Person) == 5
        logged = session.scalars(select(AuditEvent.summary).where(
            AuditEvent.action == "import")).all()
    assert len(logged) == 1 and "Cách nhập: chỉ nhập các dòng đúng, 5 dòng lỗi lưu vào tệp " \
        "ds-dong-loi.xlsx" in logged[0]


def test_all_or_nothing_stays_the_default_and_is_logged(register: Database,
                                                        tmp_path: Path) -> None:
    with register.transaction(as_actor("test")) as session:
        people_import.apply(session, preview_of(register, write_list(tmp_path / "ds.xlsx", GOOD)))
    with register.reading(TESTER) as session:
        logged = session.scalars(select(AuditEvent.summary).where(
            AuditEvent.action == "import")).one()
    assert "3 mới, cập nhật 1, bỏ qua 2 dòng trùng" in logged
    assert "Cách nhập: tất cả hoặc không" in logged and "khảo sát ngày 01/06/2025" in logged


def test_cli_imports_the_good_rows_when_asked(register: Database, data_dir: Path,
                                              tmp_path: Path) -> None:
    path = write_list(tmp_path / "ds.xlsx", GOOD + BAD)
    bad_file = tmp_path / "loi.xlsx"
    result = cdsxa("import", "people", str(path), "--skip-bad-rows", str(bad_file),
                   "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert "Cách nhập: chỉ nhập các dòng đúng; 5 dòng lỗi sẽ được lưu vào tệp loi.xlsx" \
        in result.stdout
    assert "Đã nhập: 3 người mới" in result.stdout and bad_file.exists()
    assert people_count(register) == 5


def commune_today(db: Database) -> date:
    with db.reading(TESTER) as session:
        return commune_calendar.today(session)


def test_a_survey_counts_from_its_own_day(register: Database, data_dir: Path,
                                          tmp_path: Path) -> None:
    """Surveyed in one month, imported two months later: it counts in the survey's month."""
    today = commune_today(register)
    surveyed = (today.replace(day=1) - timedelta(days=45)).replace(day=15)
    path = write_list(tmp_path / "ds.xlsx", GOOD)
    result = cdsxa("import", "people", str(path), "--survey-date",
                   surveyed.strftime("%d/%m/%Y"), "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert f"Ngày khảo sát: {surveyed.strftime('%d/%m/%Y')}" in result.stdout

    def figures(on: date) -> dict[str, int]:
        with register.reading(TESTER) as session:
            return {i.id: i.numerator for i in indicators.compute(session, on)}

    in_survey_month, before = figures(surveyed + timedelta(days=10)), figures(surveyed
                                                                               - timedelta(1))
    assert in_survey_month["digital_identity_people"] == 2  # Tâm and Mai's accounts
    assert in_survey_month["fibre_households"] == 2
    assert in_survey_month["digital_signature_adults"] == 2
    assert before["digital_identity_people"] == before["fibre_households"] == 0
    assert before["digital_signature_adults"] == 0


def test_a_survey_date_in_the_future_is_refused(register: Database, tmp_path: Path) -> None:
    path = write_list(tmp_path / "ds.xlsx", GOOD)
    tomorrow = commune_today(register) + timedelta(days=1)
    with pytest.raises(UserError, match="Ngày khảo sát .* ở tương lai"):
        with register.reading(TESTER) as session:
            people_import.preview(session, people_import.read_sheet(path), survey_date=tomorrow)
