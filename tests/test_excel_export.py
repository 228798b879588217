"""Excel export: a table officers can filter and print, and a people list that imports back."""

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from cdsxa.common.errors import UserError
from cdsxa.commune.profile import ProfileSetup, initialise
from cdsxa.db.engine import Database
from cdsxa.db.models import Household, Person, PersonOutcome
from cdsxa.excel import export, people_import
from cdsxa.register import villages
from cdsxa.security import keys
from tests.conftest import TESTER, muong_lat_code
from tests.helpers import as_actor
from tests.test_excel_import import GOOD, TODAY, write_list


def test_export_table_keeps_types_and_is_ready_to_filter(tmp_path: Path) -> None:
    path = tmp_path / "out" / "bang.xlsx"
    rows: list[list[export.ExportValue]] = [
        ["Lò Văn Tâm", date(1985, 3, 5), "038085000123", "0912345678", 3, None],
        ["Hà Thị Lan", datetime(1990, 1, 2), None, None, 1, True]]
    written = export.export_table(path, "DANH SÁCH THỬ", ["Họ và tên", "Ngày sinh", "Số định danh",
                                                         "SĐT", "Số buổi", "Có mặt"], rows)
    assert written == 2
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert sheet["A1"].value == "DANH SÁCH THỬ" and sheet["A1"].font.b
    assert [c.value for c in sheet[3]] == ["Họ và tên", "Ngày sinh", "Số định danh", "SĐT",
                                           "Số buổi", "Có mặt"]
    assert all(c.font.b for c in sheet[3])
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:F5"
    born = sheet["B4"]
    assert born.is_date and born.value == datetime(1985, 3, 5)
    assert born.number_format == "DD/MM/YYYY"
    number, phone = sheet["C4"], sheet["D4"]
    assert (number.data_type, number.value, number.number_format) == ("s", "038085000123", "@")
    assert (phone.data_type, phone.value) == ("s", "0912345678")
    assert sheet["E4"].value == 3 and sheet["F5"].value == "Có"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCF"}
    assert widths["C"] >= 14 and widths["A"] >= 12 and widths["F"] < widths["C"]


def test_export_to_a_folder_that_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(UserError, match="Không ghi được"):
        export.export_table(blocker / "x.xlsx", None, ["A"], [["1"]])


def snapshot(db: Database) -> list[tuple[Any, ...]]:
    """Everything an officer sees of each person, without record ids."""
    with db.reading(TESTER) as session:
        names: dict[Any, str] = {v.id: v.name for v in villages.list_all(session)}
        codes = {h.id: (h.code, h.has_fibre) for h in session.scalars(select(Household))}
        reached: dict[Any, set[str]] = {}
        for outcome in session.scalars(select(PersonOutcome)):
            reached.setdefault(outcome.person_id, set()).add(outcome.kind)
        return sorted(
            (p.full_name, p.gender, p.birth_date, p.birth_year, p.id_number, p.phone, p.ethnicity,
             names[p.village_id], codes.get(p.household_id) if p.household_id else None,
             p.relation_to_head, p.notes, tuple(sorted(reached.get(p.id, set()))),
             p.vneid_status, p.vneid_level, p.consent, p.consent_on)
            for p in session.scalars(select(Person)))


def test_exported_people_import_back_unchanged(db: Database, tmp_path: Path) -> None:
    source = people_import.read_sheet(write_list(tmp_path / "ds.xlsx", GOOD))
    with db.transaction(as_actor("test")) as session:
        people_import.apply(session, people_import.preview(session, source, today=TODAY))
        answers = {"Lò Văn Tâm": ("given", date(2025, 3, 1)), "Lò Thị Mai": ("refused", TODAY)}
        for someone in session.scalars(select(Person)):
            someone.consent, someone.consent_on = answers.get(someone.full_name, (None, None))
    with db.transaction(TESTER) as session:  # the full list: every column imports back
        assert export.export_people(session, tmp_path / "xuat.xlsx", include_personal=True,
                                    reason="Chuyển sang máy khác") == 5
    other = tmp_path / "other"
    fresh = initialise(other, ProfileSetup(38, muong_lat_code(), ["Bản Hang", "Thôn Đồng Tâm"]),
                       keys.create(other).key, as_actor("test"))
    try:
        sheet = people_import.read_sheet(tmp_path / "xuat.xlsx")
        with fresh.transaction(as_actor("test")) as session:
            result = people_import.preview(session, sheet, today=TODAY)
            assert result.counts == {"new": 5, "update": 0, "duplicate": 0, "error": 0}
            people_import.apply(session, result)
        assert snapshot(fresh) == snapshot(db)
    finally:
        fresh.close()
    assert ("Lò Văn Tâm", "male", None, 1985, "038085000123", "0912345678", None, "Bản Hang",
            ("HK01", True), "Chủ hộ", None, ("smartphone",), "activated", 2, "given",
            date(2025, 3, 1)) in snapshot(db)


def test_export_of_one_village(db: Database, tmp_path: Path) -> None:
    sheet = people_import.read_sheet(write_list(tmp_path / "ds.xlsx", GOOD))
    with db.transaction(as_actor("test")) as session:
        people_import.apply(session, people_import.preview(session, sheet, today=TODAY))
        dong_tam = villages.find_by_name(session, "Thôn Đồng Tâm")
        assert dong_tam is not None
        assert export.export_people(session, tmp_path / "dt.xlsx", village_id=dong_tam,
                                    include_personal=True, reason="Báo cáo thôn") == 2
        assert export.export_people(session, tmp_path / "dt-ten.xlsx", dong_tam) == 2
    out = openpyxl.load_workbook(tmp_path / "dt.xlsx").active
    assert out is not None
    assert out["A1"].value == "DANH SÁCH NGƯỜI DÂN – THÔN ĐỒNG TÂM"
    rows = list(out.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1], r[7], r[8]) for r in rows] == [
        (1, "Hà Văn Dũng", "Thôn Đồng Tâm", "HK02"), (2, "Vi Văn Pọm", "Thôn Đồng Tâm", "HK03")]
    assert rows[0][2] == datetime(2001, 3, 12) and rows[0][12] == "Có" and rows[0][16] == "Có"
    names_only = openpyxl.load_workbook(tmp_path / "dt-ten.xlsx").active
    assert names_only is not None
    rows = list(names_only.iter_rows(min_row=3, values_only=True))
    assert rows[0][:6] == ("STT", "Họ và tên", "Giới tính", "Dân tộc", "Thôn/bản", "Mã hộ")
    assert [(r[0], r[1], r[4], r[5]) for r in rows[1:]] == [
        (1, "Hà Văn Dũng", "Thôn Đồng Tâm", "HK02"), (2, "Vi Văn Pọm", "Thôn Đồng Tâm", "HK03")]


def test_a_control_character_neither_stays_nor_blocks_the_export(db: Database,
                                                                  tmp_path: Path) -> None:
    from sqlalchemy import text

    from tests.helpers import person

    person(db, "Lò Thị Mai", notes="gọi Zalo\x07 trước")
    person(db, "Lò Văn Tâm", born=date(1985, 1, 1), gender="male")
    with db.transaction(TESTER) as session:  # written before control characters were dropped
        session.execute(text("UPDATE person SET notes = :n WHERE full_name = :who"),
                        {"n": "số\x01 cũ", "who": "Lò Văn Tâm"})
        notes = {p.full_name: p.notes for p in session.scalars(select(Person))}
        assert notes == {"Lò Thị Mai": "gọi Zalo trước", "Lò Văn Tâm": "số\x01 cũ"}
        assert export.export_people(session, tmp_path / "ds.xlsx", include_personal=True,
                                    reason="Kiểm tra") == 2  # notes go with personal data
    sheet = openpyxl.load_workbook(tmp_path / "ds.xlsx").active
    assert sheet is not None
    assert {"gọi Zalo trước", "số cũ"} <= {c for row in sheet.iter_rows(values_only=True)
                                          for c in row}
