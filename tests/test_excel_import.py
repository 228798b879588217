"""Importing people from the Excel lists communes keep: preview, all-or-nothing, CLI."""

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.common.ids import VillageId
from cdsxa.commune import settings
from cdsxa.db.activity import VneidStep
from cdsxa.db.engine import Database
from cdsxa.db.models import ChangeLogEntry, Household, Person, PersonOutcome
from cdsxa.excel import cells, people_import
from cdsxa.excel.cells import CellError
from cdsxa.excel.columns import IGNORE, detect_mapping
from cdsxa.register import people, villages
from tests.conftest import TESTER
from tests.helpers import as_actor
from tests.test_cli import cdsxa

TODAY = date(2025, 6, 1)
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "SĐT", "Thôn/bản", "Mã hộ",
          "Quan hệ với chủ hộ", "Điện thoại thông minh", "Cáp quang", "VNeID", "Chữ ký số"]
Row = list[object] | None
# Spreadsheet rows 4, 5, 7-10 (row 6 is blank): what a commune's list looks like.
GOOD: list[Row] = [
    [1, unicodedata.normalize("NFD", "Lò Văn Tâm"), 1985, "Nam", 38085000123, "84 912 345 678",
     "Bản Hang", "HK01", "Chủ hộ", "x", "Có", "Mức 2", None],
    [2, "Lò Thị Mai", datetime(1988, 4, 2), "Nữ", "038188000456", 912345679, "bản hang", "HK01",
     "Vợ", "Có", None, "Mức 1", 1],
    None,
    [3, "Hà Văn Dũng", "12/03/2001", "nam", "038201000789", "0987654321", "Thôn Đồng Tâm", "HK02",
     "Chủ hộ", None, "X", None, "có"],
    [4, "Lò Văn Tâm", "1985", "Nam", 38085000123.0, None, "Bản Hang", "HK01", "Con"],
    [5, "LÒ THỊ NGA", "1950", "nu", None, None, "Ban Hang", None, "Mẹ"],
    [6, "Vi Văn Pọm", "1985-07-15", None, "099085000111", None, "Thôn Đồng Tâm", "HK03", "Chủ hộ"],
]
BAD: list[Row] = [
    [7, "Vi Thị Ánh", "15/07/1990", "Nữ", "0381900001", None, "Bản Hang"],
    [8, "Lương Văn Pọm", 1970, "Nam", None, None, "Bản Pù Quăn"],
    [9, "Cầm Thị Hoa", "31/02/1990", "Nữ", None, "0123", "Bản Hang"],
    [10, None, 1990, "Nam", None, None, "Bản Hang"],
    [11, "Hà Thị Lan", 1990, "Nữ", None, None, "Bản Pù Quăn"],
]


def write_list(path: Path, rows: list[Row], header: list[str] = HEADER,
               title_rows: int = 2) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh sách"
    if title_rows:
        sheet.append(["DANH SÁCH NGƯỜI DÂN XÃ MƯỜNG LÁT NĂM 2025"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        for _ in range(title_rows - 1):
            sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row or [])
    book.save(path)
    return path


def village(db: Database, name: str) -> VillageId:
    with db.reading(TESTER) as session:
        found = villages.find_by_name(session, name)
    assert found is not None
    return found


@pytest.fixture
def register(db: Database) -> Database:
    return make_register(db)


def make_register(db: Database) -> Database:
    """The commune has Hà Văn Dũng (with a household HK02) and Lò Thị Nga (no ID number)."""
    dong_tam, hang = village(db, "Thôn Đồng Tâm"), village(db, "Bản Hang")
    with db.transaction(as_actor("test")) as session:
        household = people.add_household(session, dong_tam, "HK02")
        people.add_people(session, [
            people.PersonInput("Hà Văn Dũng", "male", dong_tam, birth_date=date(2001, 3, 12),
                               id_number="038201000789", household_id=household,
                               relation_to_head="Chủ hộ"),
            people.PersonInput("Lò Thị Nga", "female", hang, birth_year=1950)])
    return db


def preview_of(db: Database, path: Path, **options: Any) -> people_import.ImportPreview:
    sheet = people_import.read_sheet(path)
    with db.reading(TESTER) as session:
        return people_import.preview(session, sheet, today=TODAY, **options)


def count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def person(session: Session, id_number: str) -> Person:
    found = session.scalars(select(Person).where(Person.id_number == id_number)).one()
    return found


def test_preview_classifies_every_row(register: Database, tmp_path: Path) -> None:
    result = preview_of(register, write_list(tmp_path / "ds.xlsx", GOOD + BAD))
    actions = {row.number: row.action for row in result.rows}
    assert actions == {4: "new", 5: "new", 7: "update", 8: "duplicate", 9: "duplicate", 10: "new",
                       11: "error", 12: "error", 13: "error", 14: "error", 15: "error"}
    assert result.counts == {"new": 3, "update": 1, "duplicate": 2, "error": 5}
    assert result.header_row == 3 and result.blank_rows == 1
    reasons = {row.number: row.reason for row in result.rows}
    assert reasons[8] == "Trùng số định danh với dòng 4."
    assert reasons[9] is not None and "Lò Thị Nga (sinh năm 1950)" in reasons[9]
    assert reasons[11] == "Số định danh phải có 12 chữ số (đang có 10)."
    assert reasons[12] == "Thôn/bản “Bản Pù Quăn” chưa có trong danh sách của xã."
    assert reasons[13] == ("Ngày sinh “31/02/1990” không có thật. "
                           "Số điện thoại không hợp lệ: “0123” "
                           "(cần 10 số, bắt đầu bằng 03, 05, 07, 08 hoặc 09).")
    assert reasons[14] == "Thiếu họ và tên."
    assert result.unknown_villages == ["Bản Pù Quăn"]
    # An unknown place code is shown, but the row is still imported; gender comes from the number.
    pom = result.rows[5]
    assert pom.warnings == ("Mã nơi đăng ký khai sinh 099 không có trong danh mục 63 tỉnh.",)
    assert pom.action == "new" and pom.person.gender == "male"


def test_preview_reads_cells_as_communes_type_them(register: Database, tmp_path: Path) -> None:
    rows = preview_of(register, write_list(tmp_path / "ds.xlsx", GOOD)).rows
    tam, mai, dung = rows[0].person, rows[1].person, rows[2].person
    assert tam.full_name == "Lò Văn Tâm" and unicodedata.is_normalized("NFC", tam.full_name)
    assert (tam.id_number, tam.phone, tam.birth_year, tam.birth_date) == (
        "038085000123", "0912345678", 1985, None)
    assert tam.outcomes == {"smartphone"} and tam.fibre and tam.vneid_level == 2
    assert (mai.birth_date, mai.gender, mai.phone) == (date(1988, 4, 2), "female", "0912345679")
    assert mai.outcomes == {"smartphone", "digital_signature"} and mai.vneid_level == 1
    assert rows[2].changes == ("Số điện thoại", "Cáp quang", "Chữ ký số")
    assert dung.birth_date == date(2001, 3, 12)


def test_one_bad_row_imports_nothing(register: Database, tmp_path: Path) -> None:
    result = preview_of(register, write_list(tmp_path / "ds.xlsx", GOOD + BAD[:1]))
    with register.reading(TESTER) as session:
        before = (count(session, Person), count(session, ChangeLogEntry))
    with pytest.raises(UserError, match="Còn 1 dòng lỗi nên chưa nhập gì"):
        with register.transaction(as_actor("test")) as session:
            people_import.apply(session, result)
    with register.reading(TESTER) as session:
        assert (count(session, Person), count(session, ChangeLogEntry)) == before


def test_import_adds_people_households_and_outcomes(register: Database, tmp_path: Path) -> None:
    result = preview_of(register, write_list(tmp_path / "ds.xlsx", GOOD))
    with register.transaction(as_actor("test")) as session:
        done = people_import.apply(session, result)
    assert (done.added, done.updated, done.skipped, done.households_added) == (3, 1, 2, 2)
    with register.reading(TESTER) as session:
        assert count(session, Person) == 5
        tam, mai, dung = (person(session, n) for n in ("038085000123", "038188000456",
                                                       "038201000789"))
        assert tam.household_id == mai.household_id is not None
        households = {h.code: h for h in session.scalars(select(Household))}
        assert set(households) == {"HK01", "HK02", "HK03"}  # HK02 already existed: reused
        assert households["HK01"].has_fibre and households["HK02"].has_fibre
        # Dated by the survey, which is today when not given.
        assert households["HK01"].fibre_since == TODAY and not households["HK03"].has_fibre
        assert dung.phone == "0987654321" and dung.household_id == households["HK02"].id
        kinds = {(o.person_id, o.kind, o.reached_on)
                 for o in session.scalars(select(PersonOutcome))}
        assert kinds == {(tam.id, "smartphone", TODAY), (mai.id, "smartphone", TODAY),
                         (mai.id, "digital_signature", TODAY),
                         (dung.id, "digital_signature", TODAY)}
        steps = {(s.person_id, s.step, s.level, s.taken_on, s.note)
                 for s in session.scalars(select(VneidStep))}
        assert steps == {(tam.id, "activated", 2, TODAY, "Từ khảo sát"),
                         (mai.id, "activated", 1, TODAY, "Từ khảo sát")}
        assert (tam.vneid_status, tam.vneid_level, tam.vneid_status_on) == ("activated", 2, TODAY)
        logged = {(e.table_name, e.op) for e in session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.record_id == dung.id))}
        assert ("person", "update") in logged


def test_importing_the_same_list_again_changes_nothing(register: Database, tmp_path: Path) -> None:
    path = write_list(tmp_path / "ds.xlsx", GOOD)
    with register.transaction(as_actor("test")) as session:
        people_import.apply(session, preview_of(register, path))
    again = preview_of(register, path)
    assert again.counts == {"new": 0, "update": 4, "duplicate": 2, "error": 0}
    assert all(row.changes == () for row in again.rows if row.action == "update")
    with register.reading(TESTER) as session:
        logged = count(session, ChangeLogEntry)
    with register.transaction(as_actor("test")) as session:
        people_import.apply(session, again)
    with register.reading(TESTER) as session:
        assert count(session, ChangeLogEntry) == logged and count(session, Person) == 5


def test_a_number_fills_in_someone_entered_without_one(register: Database, tmp_path: Path) -> None:
    row: Row = [1, "Lò Thị Nga", 1950, "Nữ", "038150000321", None, "Bản Hang"]
    result = preview_of(register, write_list(tmp_path / "ds.xlsx", [row]))
    assert result.rows[0].action == "update" and result.rows[0].changes == ("Số định danh cá nhân",)
    with register.transaction(as_actor("test")) as session:
        people_import.apply(session, result)
    with register.reading(TESTER) as session:
        assert count(session, Person) == 2
        assert person(session, "038150000321").full_name == "Lò Thị Nga"


def test_a_child_cannot_have_a_vneid_account(register: Database, tmp_path: Path) -> None:
    child: Row = [1, "Lò Văn Bình", "02/09/2015", "Nam", None, None, "Bản Hang", "HK01", "Con",
                  None, None, "Mức 1"]
    result = preview_of(register, write_list(tmp_path / "ds.xlsx", [child]))
    assert result.rows[0].action == "error"
    assert result.rows[0].reason is not None and "Chưa đủ 14 tuổi" in result.rows[0].reason


def test_two_row_header_and_column_numbers(register: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["UBND XÃ MƯỜNG LÁT"])
    sheet.append(["Họ và tên", "Năm sinh", "Giới tính", "Thôn", "Kết quả khảo sát"])
    sheet.append([None, None, None, None, "Cáp quang", "Tài khoản thanh toán", "Kỹ năng số"])
    sheet.merge_cells("E2:G2")
    sheet.merge_cells("A2:A3")
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"])
    sheet.append(["Hà Thị Lan", 1990, "Nữ", "Bản Hang", None, "x", "x"])
    book.save(tmp_path / "ds.xlsx")
    result = preview_of(register, tmp_path / "ds.xlsx")
    assert result.header_row == 3
    assert list(result.mapping.values()) == ["full_name", "birth", "gender", "village", "fibre",
                                             "payment_account", "digital_skills"]
    assert [(r.number, r.action) for r in result.rows] == [(5, "new")]
    assert result.rows[0].person.outcomes == {"payment_account", "digital_skills"}


def test_headers_are_recognised_without_case_or_diacritics() -> None:
    headers = ["STT", "HO VA TEN", "Năm sinh", "GIỚI TÍNH", "Số định danh", "sđt", "Thôn / bản (*)",
               "Số hộ", "Quan hệ", "Dân tộc", "Ghi chú:", "ĐIỆN THOẠI THÔNG MINH", "vneid",
               "Tài khoản DVC", "Phần mềm bảo vệ", "Tổ dân phố"]
    assert detect_mapping(headers) == {
        1: "full_name", 2: "birth", 3: "gender", 4: "id_number", 5: "phone", 6: "village",
        7: "household_code", 8: "relation", 9: "ethnicity", 10: "notes", 11: "smartphone",
        12: "vneid", 13: "dvc_account", 14: "protection_software"}  # 2nd village column ignored


@pytest.mark.parametrize("value, expected", [
    (datetime(1985, 3, 5), (date(1985, 3, 5), None)),
    ("05/03/1985", (date(1985, 3, 5), None)),
    ("5/3/1985", (date(1985, 3, 5), None)),
    ("1985-03-05", (date(1985, 3, 5), None)),
    (1985, (None, 1985)),
    (1985.0, (None, 1985)),
    (" 1985 ", (None, 1985)),
    (31111, (date(1985, 3, 5), None)),  # a date cell that lost its format
    (None, (None, None)),
])
def test_birth_cells(value: cells.CellValue, expected: tuple[date | None, int | None]) -> None:
    assert cells.birth(value, TODAY) == expected


@pytest.mark.parametrize("value, fragment", [
    ("5/3/85", "không đọc được"), ("30/02/1990", "không có thật"), (1850, "không đọc được"),
    ("01/01/2030", "tương lai"), ("1899", "không hợp lệ"),
])
def test_bad_birth_cells(value: cells.CellValue, fragment: str) -> None:
    with pytest.raises(CellError, match=fragment):
        cells.birth(value, TODAY)


def test_yes_gender_and_vneid_cells() -> None:
    yes: list[cells.CellValue] = ["Có", "x", "X", "1", 1, 1.0, True, "CÓ"]
    no: list[cells.CellValue] = [None, "", "Không", "0", 0, False, "khong"]
    assert [cells.yes(v, "Cáp quang") for v in yes] == [True] * len(yes)
    assert [cells.yes(v, "Cáp quang") for v in no] == [False] * len(no)
    with pytest.raises(CellError, match="Cột “Cáp quang”: không hiểu “Có lẽ”"):
        cells.yes("Có lẽ", "Cáp quang")
    assert [cells.gender(v) for v in ("Nam", "NỮ", "nu", "Nu", None)] == [
        "male", "female", "female", "female", None]
    with pytest.raises(CellError, match="Giới tính “Khác” không rõ"):
        cells.gender("Khác")
    assert [cells.vneid_level(v) for v in ("Mức 1", "mức 2", "MUC 2", 2, "Có", None, "Không")] == [
        (True, 1), (True, 2), (True, 2), (True, 2), (True, None), (False, None), (False, None)]


def test_consent_and_date_cells() -> None:
    given: list[cells.CellValue] = ["Đồng ý", "đã đồng ý", "Có", "x", 1, True]
    refused: list[cells.CellValue] = ["Từ chối", "KHÔNG ĐỒNG Ý", "Không", 0, False]
    assert {cells.consent(v) for v in given} == {"given"}
    assert {cells.consent(v) for v in refused} == {"refused"}
    assert {cells.consent(v) for v in (None, "", " ", "-", "Chưa hỏi")} == {None}
    with pytest.raises(CellError, match="Đồng ý lưu dữ liệu.*Có lẽ"):
        cells.consent("Có lẽ")
    with pytest.raises(CellError) as long_cell:  # a pasted paragraph is cut short
        cells.consent("không rõ " * 500)
    assert len(str(long_cell.value)) < 150 and "…”" in str(long_cell.value)
    label = "Ngày đồng ý/từ chối"
    assert [cells.day(v, label, TODAY) for v in ("02/04/2025", datetime(2025, 4, 2), 45749,
                                                   None)] == [date(2025, 4, 2)] * 3 + [None]
    for value, fragment in (("2025", "không đọc được"), ("31/04/2025", "không có thật"),
                            ("02/07/2025", "tương lai")):
        with pytest.raises(CellError, match=f"{label}.*{fragment}"):
            cells.day(value, label, TODAY)


def test_consent_is_imported_and_an_answer_updates_the_register(
        register: Database, tmp_path: Path) -> None:
    header = ["Họ và tên", "Năm sinh", "Giới tính", "Thôn/bản", "Số CCCD", "Đồng ý lưu dữ liệu",
              "Ngày đồng ý"]
    rows: list[list[object]] = [
        ["Hà Thị Lan", 1990, "Nữ", "Bản Hang", "038190000111", "Đồng ý", "02/04/2025"],
        ["Lò Văn Sinh", 1980, "Nam", "Bản Hang", "038080000222", "Từ chối", None],
        ["Vi Văn Pọm", 1975, "Nam", "Bản Hang", "038075000333", None, None]]
    first = preview_of(register, write_list(tmp_path / "a.xlsx", list(rows), header=header))
    assert first.counts["new"] == 3 and not first.has_errors
    with register.transaction(as_actor("test")) as session:
        people_import.apply(session, first)
    with register.reading(TESTER) as session:
        answers = {p.full_name: (p.consent, p.consent_on) for p in session.scalars(select(Person))
                   if p.full_name in ("Hà Thị Lan", "Lò Văn Sinh", "Vi Văn Pọm")}
    assert answers == {"Hà Thị Lan": ("given", date(2025, 4, 2)),
                       "Lò Văn Sinh": ("refused", TODAY), "Vi Văn Pọm": (None, None)}

    rows[2][5:] = ["Đồng ý", "15/05/2025"]  # asked since
    rows[0][5:] = [None, None]  # a blank cell keeps the register's answer
    again = preview_of(register, write_list(tmp_path / "b.xlsx", list(rows), header=header))
    assert [(r.person.full_name, r.changes) for r in again.rows if r.action == "update"] == [
        ("Hà Thị Lan", ()), ("Lò Văn Sinh", ()),
        ("Vi Văn Pọm", ("Đồng ý lưu dữ liệu",))]
    with register.transaction(as_actor("test")) as session:
        people_import.apply(session, again)
    with register.reading(TESTER) as session:
        answers = {p.full_name: (p.consent, p.consent_on) for p in session.scalars(select(Person))}
    assert answers["Vi Văn Pọm"] == ("given", date(2025, 5, 15))
    assert answers["Hà Thị Lan"] == ("given", date(2025, 4, 2))

    rows.append(["Cầm Thị Hoa", 1992, "Nữ", "Bản Hang", None, None, "01/05/2025"])
    rows.append(["Cầm Văn Ánh", 1993, "Nam", "Bản Hang", None, "Có lẽ", None])
    bad = preview_of(register, write_list(tmp_path / "c.xlsx", list(rows), header=header))
    assert [r.reason for r in bad.rows if r.action == "error"] == [
        "Có ngày đồng ý/từ chối nhưng không ghi là đồng ý hay từ chối.",
        "Cột “Đồng ý lưu dữ liệu”: không hiểu “Có lẽ” (ghi Đồng ý hoặc Từ chối; để trống là "
        "chưa hỏi)."]


def test_a_chosen_mapping_is_used_and_remembered(register: Database, tmp_path: Path) -> None:
    header = ["Tên người dân", "Năm sinh", "Giới tính", "Thôn", "Điện thoại"]
    path = write_list(tmp_path / "ds.xlsx", [["Hà Thị Lan", 1990, "Nữ", "Bản Hang", "không có"]],
                      header=header, title_rows=0)
    with pytest.raises(UserError, match="Không tìm thấy cột “Họ và tên”"):
        preview_of(register, path)
    chosen = {"Tên người dân": "full_name", "Điện thoại": IGNORE}
    result = preview_of(register, path, mapping=chosen)
    assert result.counts["new"] == 1 and result.rows[0].person.phone is None
    with register.transaction(as_actor("test")) as session:
        people_import.apply(session, result)
    with register.reading(TESTER) as session:
        remembered = settings.get(session, settings.PEOPLE_IMPORT_MAPPING)
    assert remembered["Tên người dân"] == "full_name" and remembered["Điện thoại"] == IGNORE
    assert preview_of(register, path).counts["duplicate"] == 1  # next time, no mapping needed


def ole_file(path: Path, encrypted: bool) -> Path:
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    path.write_bytes(body + ("EncryptionInfo".encode("utf-16-le") if encrypted else b"Workbook"))
    return path


@pytest.mark.parametrize("make, fragment", [
    (lambda p: p / "none.xlsx", "Không tìm thấy tệp"),
    (lambda p: (p / "a.xlsx").write_text("Họ và tên;Ngày sinh") and p / "a.xlsx",
     "không phải tệp Excel .xlsx"),
    (lambda p: ole_file(p / "old.xls", encrypted=False), "định dạng Excel cũ (.xls)"),
    (lambda p: ole_file(p / "locked.xlsx", encrypted=True), "được đặt mật khẩu"),
    (lambda p: (p / "cut.xlsx").write_bytes(
        write_list(p / "full.xlsx", GOOD).read_bytes()[:3000]) and p / "cut.xlsx", "bị hỏng"),
    (lambda p: write_list(p / "empty.xlsx", [], header=[], title_rows=0), "không có dữ liệu"),
    (lambda p: write_list(p / "x.xlsx", [["a", "b"]], header=["Mục", "Số tiền"]),
     "Không tìm thấy dòng tiêu đề"),
    (lambda p: write_list(p / "h.xlsx", [None, None]), "không có dòng dữ liệu nào"),
])
def test_bad_files_are_explained(tmp_path: Path, make: Callable[[Path], Path],
                                 fragment: str) -> None:
    path = make(tmp_path)
    with pytest.raises(UserError, match=re.escape(fragment)):
        people_import.read_sheet(path)


def test_an_unknown_sheet_is_named(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="không có trang “Thôn 3”. Các trang: “Danh sách”"):
        people_import.read_sheet(write_list(tmp_path / "ds.xlsx", GOOD), sheet="Thôn 3")


def people_count(db: Database) -> int:
    with db.reading(TESTER) as session:
        return count(session, Person)


def test_cli_refuses_a_list_with_errors(register: Database, data_dir: Path, tmp_path: Path) -> None:
    path = write_list(tmp_path / "ds.xlsx", GOOD + BAD)
    result = cdsxa("import", "people", str(path), "--data-dir", str(data_dir))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "Mới: 3 · Cập nhật: 1 · Trùng, bỏ qua: 2 · Lỗi: 5 · Dòng trống bỏ qua: 1." in lines
    assert "Dòng 11: lỗi — Số định danh phải có 12 chữ số (đang có 10)." in lines
    assert "Dòng 8: trùng, bỏ qua — Trùng số định danh với dòng 4." in lines
    assert "Thôn/bản chưa có trong danh sách của xã: Bản Pù Quăn." in lines
    assert "Chưa nhập gì vì còn 5 dòng lỗi" in result.stderr
    assert people_count(register) == 2


def test_cli_dry_run_then_import(register: Database, data_dir: Path, tmp_path: Path) -> None:
    path = write_list(tmp_path / "ds.xlsx", GOOD)
    dry = cdsxa("import", "people", str(path), "--dry-run", "--data-dir", str(data_dir))
    assert dry.returncode == 0, dry.stderr
    assert "Chỉ xem trước (--dry-run): chưa nhập gì." in dry.stdout
    assert "Dòng 10: cảnh báo — Mã nơi đăng ký khai sinh 099" in dry.stdout
    assert people_count(register) == 2
    done = cdsxa("import", "people", str(path), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "Đã nhập: 3 người mới, cập nhật 1 người, bỏ qua 2 dòng trùng; 2 hộ mới." in done.stdout
    assert people_count(register) == 5


def test_cli_without_a_profile_or_with_a_bad_file(tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    result = cdsxa("import", "people", str(write_list(tmp_path / "ds.xlsx", GOOD)),
                   "--data-dir", str(empty))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == (f"cdsxa: Chưa có hồ sơ xã tại {empty}. "
                                     "Hãy khởi tạo trước (cdsxa init).")
    assert not empty.exists()


def test_cli_bad_file_is_one_line(db: Database, data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "ds.xlsx").write_text("not a workbook")
    result = cdsxa("import", "people", str(tmp_path / "ds.xlsx"), "--data-dir", str(data_dir))
    assert result.returncode == 1
    assert result.stderr.strip() == "cdsxa: Tệp ds.xlsx không phải tệp Excel .xlsx."

