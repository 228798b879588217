"""What leaves the app in an .xlsx: text stays text, nothing is cut or leaked, the data
folder is never overwritten, and the list exported is the list shown."""

import hashlib
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, text

from cdsxa.common.errors import UserError
from cdsxa.commune.profile import ProfileSetup, initialise
from cdsxa.db.engine import Database
from cdsxa.db.models import Person
from cdsxa.excel import export, people_import
from cdsxa.profile import paths
from cdsxa.security import audit, keys
from tests.conftest import TESTER, muong_lat_code
from tests.helpers import as_actor, person, village

RISKY = ['=HYPERLINK("http://example.com/x","Bấm vào đây")', "=1+1", "+84 912 345 678",
         "-2+3", "@SUM(A1:A3)", "\tgọi trước", "\rdòng", "#N/A"]


def as_excel_shows(value: object) -> object:
    """A cell's text as Excel shows it: _xHHHH_ is an escaped character."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value) \
        if isinstance(value, str) else value


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        return "".join(book.read(name).decode("utf-8") for name in book.namelist()
                       if name.startswith("xl/worksheets/"))


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    path = tmp_path / "bang.xlsx"
    export.export_table(path, "=TITLE()", ["=Họ và tên", "Ghi chú"],
                        [[value, value] for value in RISKY])
    xml = sheet_xml(path)
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the file
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert sheet["A1"].value == "=TITLE()" and sheet["A3"].value == "=Họ và tên"
    cells = [row[0] for row in sheet.iter_rows(min_row=4)]
    assert [as_excel_shows(c.value) for c in cells] == RISKY
    assert all(c.data_type == "s" for c in cells)
    # Typing over such a cell in Excel keeps it text as well.
    assert all(c.number_format == "@" for c in cells if c.value != "#N/A")


def test_excel_escapes_in_text_survive_the_file(tmp_path: Path) -> None:
    """Excel reads _xHHHH_ in a cell as an escaped character: a note that contains such
    text literally is written escaped, so Excel shows what was typed."""
    path = tmp_path / "bang.xlsx"
    typed = ["mã _x0041_ và _x00e9_ cũ", "_x", "_X0041_", "a\r\nb"]
    export.export_table(path, None, ["Ghi chú"], [[t] for t in typed])
    xml = sheet_xml(path)
    assert "_x005F_x0041_" in xml and "_x005F_x00e9_" in xml
    assert "<t>_x</t>" in xml and "<t>_X0041_</t>" in xml  # no escapes: left alone
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert [as_excel_shows(row[0].value) for row in sheet.iter_rows(min_row=2)] == typed


def new_profile(tmp_path: Path) -> Database:
    other = tmp_path / "other"
    return initialise(other, ProfileSetup(38, muong_lat_code(), ["Bản Hang", "Thôn Đồng Tâm"]),
                      keys.create(other).key, as_actor("test"))


def names_and_notes(db: Database) -> set[tuple[str, str | None]]:
    with db.reading(TESTER) as session:
        return {(p.full_name, p.notes) for p in session.scalars(select(Person))}


def test_formula_and_escape_shaped_text_round_trips_exactly(db: Database,
                                                             tmp_path: Path) -> None:
    person(db, "=HYPERLINK(\"http://example.com\",\"Lò Thị Mai\")",
           notes="=1+1 gọi trước, mã _x0041_")
    person(db, "Lò Văn Tâm", gender="male", notes="@nhà văn hoá, +84 -5")
    target = tmp_path / "xuat.xlsx"
    with db.transaction(TESTER) as session:
        assert export.export_people(session, target, include_personal=True,
                                    reason="Chuyển sang máy khác") == 2
    assert "<f>" not in sheet_xml(target)
    fresh = new_profile(tmp_path)
    try:
        with fresh.transaction(as_actor("test")) as session:
            result = people_import.preview(session, people_import.read_sheet(target),
                                           today=date.today())
            assert result.counts["new"] == 2 and result.counts["error"] == 0
            people_import.apply(session, result)
        assert names_and_notes(fresh) == names_and_notes(db) == {
            ("=HYPERLINK(\"http://example.com\",\"Lò Thị Mai\")", "=1+1 gọi trước, mã _x0041_"),
            ("Lò Văn Tâm", "@nhà văn hoá, +84 -5")}
    finally:
        fresh.close()


def test_a_cell_too_long_for_excel_is_refused_not_cut(db: Database, tmp_path: Path) -> None:
    person(db, "Lò Thị Mai")
    person(db, "Lò Văn Tâm", gender="male")
    long_note = "ghi chú rất dài " * 2500  # 40,000 characters: more than a cell holds
    with db.transaction(TESTER) as session:  # saved before the services limited lengths
        session.execute(text("UPDATE person SET notes = :n WHERE full_name = 'Lò Văn Tâm'"),
                        {"n": long_note})
    target = tmp_path / "ds.xlsx"
    with pytest.raises(UserError, match=r"Dòng 5 .*Ghi chú.*32\.767") as refused:
        with db.transaction(TESTER) as session:
            export.export_people(session, target, include_personal=True, reason="Kiểm tra")
    assert "Lò Văn Tâm" not in refused.value.message  # the message names no citizen
    assert not target.exists() and not list(tmp_path.glob("*.xlsx"))
    with pytest.raises(UserError, match="Dòng 2"):
        export.export_table(target, None, ["Ghi chú"], [["x" * 32_768]])
    export.export_table(target, None, ["Ghi chú"], [["x" * 32_767]])  # the limit itself fits
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None and len(sheet["A2"].value) == 32_767


ID_NOTE = "CCCD 038085000123, SĐT 0912345678, cũ: ０９１２３４５６７８ ٠٣٨٠٨٥"


def test_a_list_without_personal_data_leaves_notes_out(db: Database, tmp_path: Path) -> None:
    person(db, "Lò Thị Mai", notes=ID_NOTE)
    target = tmp_path / "ds.xlsx"
    with db.transaction(TESTER) as session:
        assert export.export_people(session, target) == 1
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    headers = [c.value for c in sheet[3]]
    assert "Ghi chú" not in headers
    values = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "Lò Thị Mai" in values
    assert not any(digit in values for digit in ("038085", "0912", "０９", "٠٣"))
    with db.transaction(TESTER) as session:  # with personal data (and a reason) they go
        export.export_people(session, target, include_personal=True, reason="Báo cáo")
    full = openpyxl.load_workbook(target).active
    assert full is not None
    assert ID_NOTE in [c for row in full.iter_rows(values_only=True) for c in row]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_export_over_the_data_folders_own_files_is_refused(db: Database,
                                                               tmp_path: Path) -> None:
    person(db, "Lò Thị Mai")
    data_dir = db.path.parent
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    for target in (paths.database_path(data_dir), data_dir / "key.json"):
        before = digest(target)
        with pytest.raises(UserError):
            with db.transaction(TESTER) as session:
                export.export_people(session, target)
        assert digest(target) == before
        with pytest.raises(UserError):
            with db.transaction(TESTER) as session:
                export.export_named_list(session, target, "Danh sách", ["Họ và tên"],
                                         [["Lò Thị Mai"]])
        assert digest(target) == before
    with db.reading(TESTER) as session:  # the register is still there and readable
        assert [p.full_name for p in session.scalars(select(Person))] == ["Lò Thị Mai"]


def test_the_export_follows_the_search(db: Database, tmp_path: Path) -> None:
    for name in ("Lò Thị Mai", "Lò Văn Tâm", "Hà Văn Dũng", "Lò Thị Mải"):
        person(db, name)
    person(db, "Vi Thị Mai", village_name="Thôn Đồng Tâm")
    target = tmp_path / "tim.xlsx"
    with db.transaction(TESTER) as session:
        assert export.export_people(session, target, query="mai") == 3
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    names = sorted(str(r[1]) for r in sheet.iter_rows(min_row=4, values_only=True))
    assert names == ["Lò Thị Mai", "Lò Thị Mải", "Vi Thị Mai"]
    assert [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)] == [1, 2, 3]
    with db.transaction(TESTER) as session:
        assert export.export_people(session, target, village(db, "Thôn Đồng Tâm"),
                                    query="mai") == 1
        assert export.export_people(session, target, query="không ai tên này") == 0
    with db.reading(TESTER) as session:
        events = audit.browse(session, audit.AuditFilter(actions=("export",)))
    assert {e.details.get("search") for e in events} == {"mai", "không ai tên này"}


def test_a_search_by_number_is_not_written_in_full(db: Database, tmp_path: Path) -> None:
    person(db, "Lò Thị Mai", id_number="038190000123", phone="0912345678")
    person(db, "Lò Văn Tâm", gender="male")
    target = tmp_path / "so.xlsx"
    for typed in ("038190000123", "0912 345 678"):
        with db.transaction(TESTER) as session:
            assert export.export_people(session, target, query=typed) == 1
        sheet = openpyxl.load_workbook(target).active
        assert sheet is not None
        assert "038•" in str(sheet["A1"].value) or "091•" in str(sheet["A1"].value)
        assert not any(digits in str(v) for row in sheet.iter_rows(values_only=True)
                       for v in row for digits in ("0381900", "345 678"))
    with db.reading(TESTER) as session:
        events = audit.browse(session, audit.AuditFilter(actions=("export",)))
    logged = " ".join(f"{e.summary} {e.details}" for e in events)
    assert "0381900" not in logged and "345 678" not in logged


def test_a_file_whose_export_was_not_recorded_is_removed(db: Database, tmp_path: Path) -> None:
    person(db, "Lò Thị Mai")
    target = tmp_path / "ds.xlsx"
    with pytest.raises(RuntimeError, match="after the export"):
        with db.transaction(TESTER) as session:
            assert export.export_named_list(session, target, "Danh sách", ["Họ và tên"],
                                            [["Lò Thị Mai"]]) == 1
            assert export.export_people(session, tmp_path / "ds2.xlsx") == 1
            assert target.exists()
            raise RuntimeError("after the export, before the commit")  # e.g. a full disk
    assert not target.exists() and not (tmp_path / "ds2.xlsx").exists()  # no unrecorded copy
    with db.reading(TESTER) as session:
        assert audit.browse(session, audit.AuditFilter(actions=("export",))) == []
    with db.transaction(TESTER) as session:  # a recorded one stays
        export.export_people(session, target)
    assert target.exists()
