"""Importing from Excel through the dialog: preview first, villages added, then import."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from cdsxa.commune import calendar
from cdsxa.db.activity import VneidStep
from cdsxa.db.engine import Database
from cdsxa.db.models import ChangeLogEntry, Household, Person
from cdsxa.register import villages
from cdsxa.ui import tasks
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.pages.people_page import PeoplePage
from cdsxa.ui.widgets import to_date
from tests.conftest import TESTER
from tests.helpers import signed_in


@pytest.fixture(autouse=True)
def inline_tasks(vietnamese: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "SYNCHRONOUS", True)  # the same task code, run inline


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH NGƯỜI DÂN THÔN"])  # a title row above the header
    sheet.append(["Họ và tên", "Giới tính", "Năm sinh", "Số CCCD", "Thôn", "Mã hộ"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def count(db: Database, model: type) -> int:
    with db.reading(TESTER) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_preview_add_the_missing_village_then_import(qtbot: QtBot, db: Database,
                                                     data_dir: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "ds.xlsx", [
        ["Lò Thị Mai", "Nữ", 1990, "038190000123", "Bản Hang", "HK01"],
        ["Lò Văn Tâm", "Nam", 1988, 38088000456, "Bản Hang", "HK01"],  # lost leading zero
        ["Vi Văn Hùng", "Nam", 1975, None, "Bản Nà Ớt", "HK02"],  # a village not listed yet
    ])
    page = PeoplePage(AppContext(data_dir, db, signed_in(db), Changes()))
    qtbot.addWidget(page)
    page.show()
    before = count(db, ChangeLogEntry)
    dialog = page.open_import(path)
    assert "Bản Nà Ớt" in dialog.villages_note.text()
    assert not dialog.import_button.isEnabled()  # an error row blocks the import
    assert "Nothing is imported" not in dialog.error.text()  # said in Vietnamese
    assert "Chưa" in dialog.error.text() or "lỗi" in dialog.error.text()
    assert count(db, ChangeLogEntry) == before  # the preview wrote nothing

    dialog.add_villages.click()
    with db.reading(TESTER) as session:
        assert villages.find_by_name(session, "Bản Nà Ớt") is not None
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "Nhập 3 người"
    dialog.import_button.click()
    assert "Đã nhập: 3 người mới" in dialog.summary.text()
    assert count(db, Person) == 3
    with db.reading(TESTER) as session:
        numbers = set(session.scalars(select(Person.id_number)))
    assert "038088000456" in numbers
    assert page.model.rowCount() == 3  # the list heard about the import


def test_a_bad_file_is_explained_not_crashed(qtbot: QtBot, db: Database, data_dir: Path,
                                             tmp_path: Path) -> None:
    bad = tmp_path / "not-excel.xlsx"
    bad.write_text("this is not a workbook", encoding="utf-8")
    page = PeoplePage(AppContext(data_dir, db, signed_in(db), Changes()))
    qtbot.addWidget(page)
    dialog = page.open_import(bad)
    assert dialog.error.isVisibleTo(dialog) and dialog.error.text()
    assert not dialog.import_button.isEnabled()


def open_dialog(qtbot: QtBot, db: Database, data_dir: Path, path: Path) -> Any:
    page = PeoplePage(AppContext(data_dir, db, signed_in(db), Changes()))
    qtbot.addWidget(page)
    return page.open_import(path)


def test_the_good_rows_imported_and_the_bad_ones_saved(qtbot: QtBot, db: Database,
                                                       data_dir: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "ds.xlsx", [
        ["Lò Thị Mai", "Nữ", 1990, "038190000123", "Bản Hang", "HK01"],
        ["Vi Văn Hùng", "Nam", 1975, "0381", "Bản Hang", "HK02"],  # a number too short
    ])
    dialog = open_dialog(qtbot, db, data_dir, path)
    assert not dialog.import_button.isEnabled()  # all or nothing stays the default
    assert dialog.skip_bad_rows.isVisibleTo(dialog) and not dialog.skip_bad_rows.isChecked()
    assert "tất cả hoặc không" in dialog.choice_note.text()
    dialog.skip_bad_rows.setChecked(True)
    assert "ds-dong-loi.xlsx" in dialog.choice_note.text()
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert "1 dòng lỗi chưa nhập, đã lưu vào tệp ds-dong-loi.xlsx" in dialog.summary.text()
    assert count(db, Person) == 1
    saved = load_workbook(tmp_path / "ds-dong-loi.xlsx").active
    assert saved is not None and saved["A2"].value == "Vi Văn Hùng"


def test_the_survey_date_defaults_to_today_and_dates_the_answers(
        qtbot: QtBot, db: Database, data_dir: Path, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ và tên", "Giới tính", "Năm sinh", "Thôn", "Mã hộ", "Cáp quang", "VNeID"])
    sheet.append(["Lò Thị Mai", "Nữ", 1990, "Bản Hang", "HK01", "Có", "Mức 2"])
    book.save(tmp_path / "ks.xlsx")
    dialog = open_dialog(qtbot, db, data_dir, tmp_path / "ks.xlsx")
    with db.reading(TESTER) as session:
        today = calendar.today(session)
    assert to_date(dialog.survey_date.date()) == today
    surveyed = today - timedelta(days=50)
    dialog.survey_date.setDate(QDate(surveyed))  # the preview is made again with it
    assert surveyed.strftime("%d/%m/%Y") in dialog.summary.text()
    dialog.import_button.click()
    with db.reading(TESTER) as session:
        assert session.scalars(select(VneidStep.taken_on)).one() == surveyed
        assert session.scalars(select(Household.fibre_since)).one() == surveyed


def test_preview_rows_sort_by_row_number_as_numbers(qtbot: QtBot, db: Database,
                                                    data_dir: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "ds.xlsx", [
        [f"Người Số {n}", "Nữ", 1990, None, "Bản Hang", f"HK{n}"] for n in range(12)])
    page = PeoplePage(AppContext(data_dir, db, signed_in(db), Changes()))
    qtbot.addWidget(page)
    page.show()
    dialog = page.open_import(path)
    view = dialog.rows
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    model = view.model()
    shown = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert shown == [str(n) for n in range(3, 15)]  # the sheet's rows 3..14, not "10" first
