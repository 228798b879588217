"""The people page through real widgets (offscreen): search, list, the person form."""

import sys
import threading
import types
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from cdsxa.common.ids import PersonId, VillageId
from cdsxa.db.engine import Database
from cdsxa.db.models import ChangeLogEntry, Household, Person
from cdsxa.register import people, person_detail, villages
from cdsxa.register.people import PersonInput
from cdsxa.security.access import Principal, Role
from cdsxa.ui import tasks
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.main_window import MainWindow
from cdsxa.ui.pages.people_page import PeoplePage
from cdsxa.ui.people_model import PeopleModel
from cdsxa.ui.person_form import PersonForm
from tests.helpers import as_actor, type_text
from tests.conftest import TESTER

pytestmark = pytest.mark.usefixtures("vietnamese", "inline_work")

OFFICER = Principal("user:tam", Role.OFFICER, display_name="Lò Văn Tâm")






def village(db: Database, name: str) -> VillageId:
    with db.reading(TESTER) as session:
        found = villages.find_by_name(session, name)
    assert found is not None
    return found


def add(db: Database, name: str, where: str = "Bản Hang", **fields: object) -> PersonId:
    with db.transaction(as_actor("test")) as session:
        gender = "female" if " Thị " in name else "male"
        return people.add_person(session, PersonInput(
            full_name=name, gender=gender, village_id=village(db, where),
            **fields))  # type: ignore[arg-type]


def change_log_rows(db: Database) -> int:
    with db.reading(TESTER) as session:
        return session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0


def listed(page: PeoplePage) -> list[str]:
    return [row.full_name for row in page.model.rows]


@pytest.fixture
def registered(db: Database) -> dict[str, PersonId]:
    return {
        "anh": add(db, "Đinh Thị Ánh", id_number="038180001234", birth_year=1980,
                   phone="0912345678"),
        "tam": add(db, "Lò Văn Tâm", where="Thôn Đồng Tâm", birth_date=date(1990, 4, 2)),
        "an": add(db, "Nguyễn Văn An", where="Thôn Đồng Tâm"),
    }


@pytest.fixture
def page(qtbot: QtBot, db: Database, data_dir: Path,
         registered: dict[str, PersonId]) -> PeoplePage:
    window = MainWindow(AppContext(data_dir, db, OFFICER, Changes()))
    qtbot.addWidget(window)
    window.show()
    shown = window.show_page("people")
    assert isinstance(shown, PeoplePage)
    return shown


def open_new_form(qtbot: QtBot, page: PeoplePage) -> PersonForm:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.form is not None
    qtbot.waitExposed(page.form)
    return page.form


def test_the_list_shows_people_with_vietnamese_columns(page: PeoplePage) -> None:
    assert listed(page) == ["Đinh Thị Ánh", "Lò Văn Tâm", "Nguyễn Văn An"]
    assert page.count.text() == "3 người"
    model = page.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Họ và tên", "Giới tính", "Ngày sinh", "Số định danh", "Số điện thoại",
                       "Thôn", "Mã hộ"]
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first == ["Đinh Thị Ánh", "Nữ", "1980", "038•••••••34", "091•••••78", "Bản Hang", ""]
    assert model.index(1, 2).data() == "02/04/1990"
    assert page.village.itemText(0) == "Tất cả thôn"


def test_typing_in_the_search_box_filters_the_list(qtbot: QtBot, page: PeoplePage) -> None:
    qtbot.keyClicks(page.search, "van")
    qtbot.waitUntil(lambda: listed(page) == ["Lò Văn Tâm", "Nguyễn Văn An"])
    assert page.count.text() == "2 người"
    page.search.clear()
    type_text(qtbot, page.search, "Đinh")
    qtbot.waitUntil(lambda: listed(page) == ["Đinh Thị Ánh"])
    page.search.clear()
    qtbot.keyClicks(page.search, "912 345")
    qtbot.waitUntil(lambda: listed(page) == ["Đinh Thị Ánh"])
    page.search.clear()
    qtbot.waitUntil(lambda: len(listed(page)) == 3)
    page.village.setCurrentIndex(page.village.findText("Thôn Đồng Tâm"))
    assert listed(page) == ["Lò Văn Tâm", "Nguyễn Văn An"]
    assert page.count.text() == "2 người"


def test_a_burst_of_keys_runs_one_search(qtbot: QtBot, page: PeoplePage,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    searches: list[str] = []
    real = page.model.set_filter
    monkeypatch.setattr(page.model, "set_filter",
                        lambda query, village_id: (searches.append(query), real(query, village_id)))
    qtbot.keyClicks(page.search, "nguyen")
    qtbot.waitUntil(lambda: searches == ["nguyen"])
    assert listed(page) == ["Nguyễn Văn An"]


def test_adding_a_person_through_the_form(qtbot: QtBot, page: PeoplePage, db: Database) -> None:
    form = open_new_form(qtbot, page)
    assert form.windowTitle() == "Thêm người"
    assert form.focusWidget() is form.name
    type_text(qtbot, form.name, "Vi Thị Hoa")
    form.gender.setCurrentIndex(form.gender.findData("female"))
    qtbot.keyClicks(form.birth, "7/3/1985")
    form.ethnicity.setCurrentText("Thái")
    qtbot.keyClicks(form.id_number, "038185004321")
    qtbot.keyClicks(form.phone, "+84 987 654 321")
    form.village.setCurrentIndex(form.village.findText("Thôn Đồng Tâm"))
    qtbot.keyClicks(form.household.lineEdit(), "HK00300")
    assert "Hộ mới" in form.household_hint.text()
    form.relation.setCurrentText("Chủ hộ")
    form.outcomes["smartphone"].box.setChecked(True)
    form.outcomes["smartphone"].date.setText("01/02/2025")
    form.outcomes["digital_skills"].box.setChecked(True)
    form.outcomes["digital_skills"].date.clear()  # reached, date unknown
    form.fibre.box.setChecked(True)
    qtbot.keyClick(form.notes, Qt.Key.Key_Return)  # Enter saves

    assert page.form is None and not form.isVisible()
    assert "Vi Thị Hoa" in listed(page)
    assert page.count.text() == "4 người"
    with db.reading(TESTER) as session:
        person_id = person_detail.find_by_id_number(session, "038185004321")
        assert person_id is not None
        detail = person_detail.get_person(session, person_id)
    assert (detail.data.full_name, detail.data.birth_date, detail.data.phone) == (
        "Vi Thị Hoa", date(1985, 3, 7), "0987654321")
    assert detail.village_name == "Thôn Đồng Tâm" and detail.household_code == "HK00300"
    assert dict(detail.outcomes) == {"smartphone": date(2025, 2, 1), "digital_skills": None}
    assert detail.has_fibre and detail.fibre_since == date.today()
    selected = page.table.selectionModel().selectedRows()
    assert [page.model.person_id(i.row()) for i in selected] == [person_id]

    form = open_new_form(qtbot, page)  # the last village is remembered
    assert form.village.currentText() == "Thôn Đồng Tâm"
    qtbot.keyClick(form.name, Qt.Key.Key_Escape)  # Esc closes, nothing asked
    assert page.form is None


def test_a_known_id_number_opens_that_person(qtbot: QtBot, page: PeoplePage, db: Database,
                                             registered: dict[str, PersonId]) -> None:
    before = change_log_rows(db)
    form = open_new_form(qtbot, page)
    type_text(qtbot, form.name, "Đinh Thị Ánh")
    qtbot.keyClicks(form.id_number, "038 180 001 234")
    assert form.person_id == registered["anh"]
    assert form.notice.isVisible() and "đã có trong sổ" in form.notice.text()
    assert form.birth.text() == "1980" and form.phone.text() == "0912345678"
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)  # saving now changes that person only
    assert page.form is None
    with db.reading(TESTER) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 3
    assert change_log_rows(db) == before


def test_a_duplicate_found_on_save_opens_that_person(qtbot: QtBot, page: PeoplePage,
                                                     registered: dict[str, PersonId]) -> None:
    form = open_new_form(qtbot, page)
    type_text(qtbot, form.name, "Đinh Thị Ánh")
    form.gender.setCurrentIndex(form.gender.findData("female"))
    form.id_number.setText("38180001234")  # pasted from Excel, leading 0 lost: no 12 digits
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert form.isVisible() and form.person_id == registered["anh"]
    assert "đã có trong sổ" in form.notice.text()


def test_a_refused_entry_keeps_the_form_open_and_writes_nothing(
        qtbot: QtBot, page: PeoplePage, db: Database) -> None:
    before = change_log_rows(db)
    form = open_new_form(qtbot, page)
    type_text(qtbot, form.name, "Hà Văn Sinh")  # no gender chosen
    qtbot.keyClicks(form.household.lineEdit(), "HK00999")
    form.outcomes["smartphone"].box.setChecked(True)
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert page.form is form and form.isVisible()
    assert form.error.isVisible() and "Hãy chọn giới tính" in form.error.text()
    form.gender.setCurrentIndex(form.gender.findData("male"))
    form.birth.setText("31/02/1990")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert "không phải ngày hợp lệ" in form.error.text() and form.isVisible()
    assert change_log_rows(db) == before
    with db.reading(TESTER) as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 0
    form.birth.setText("1990")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert not form.isVisible() and "Hà Văn Sinh" in listed(page)


def test_enter_on_a_row_opens_the_person_and_edits_are_saved(
        qtbot: QtBot, page: PeoplePage, db: Database, registered: dict[str, PersonId]) -> None:
    page.table.setFocus()
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    form = page.form
    assert form is not None and form.person_id == registered["tam"]
    assert form.windowTitle() == "Người: Lò Văn Tâm"
    assert form.birth.text() == "02/04/1990"
    form.phone.setText("0387 111 222")
    form.outcomes["payment_account"].box.setChecked(True)
    qtbot.keyClick(form.phone, Qt.Key.Key_Enter)
    assert page.form is None
    assert page.model.index(1, 4).data() == "038•••••22"  # masked in the list
    with db.reading(TESTER) as session:
        detail = person_detail.get_person(session, registered["tam"])
    assert dict(detail.outcomes) == {"payment_account": date.today()}


def test_ctrl_n_opens_an_empty_form_in_the_filtered_village(qtbot: QtBot,
                                                           page: PeoplePage) -> None:
    page.village.setCurrentIndex(page.village.findText("Thôn Đồng Tâm"))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.form is not None and page.form.person_id is None
    assert page.form.village.currentText() == "Thôn Đồng Tâm"


def test_the_list_is_read_a_page_at_a_time(db: Database, data_dir: Path) -> None:
    with db.transaction(as_actor("test")) as session:
        people.add_people(session, [PersonInput(f"Lò Văn Thử {i:03d}", "male",
                                                village(db, "Bản Hang")) for i in range(45)])
    model = PeopleModel(AppContext(data_dir, db, OFFICER, Changes()), page_size=20)
    model.reload()
    assert model.rowCount() == 20 and model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    names = [row.full_name for row in model.rows]
    assert len(names) == 45 and names == sorted(names)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 20 and model.rows[0].full_name == "Lò Văn Thử 044"


def test_clicking_the_name_header_reverses_the_order(qtbot: QtBot, page: PeoplePage) -> None:
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(0) + 20, header.height() // 2))
    assert listed(page) == ["Nguyễn Văn An", "Lò Văn Tâm", "Đinh Thị Ánh"]
    page.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # every column sorts
    assert header.sortIndicatorSection() == 3 and page.model.sort_column == 3


def test_export_calls_the_excel_exporter_off_the_ui_thread(
        qtbot: QtBot, db: Database, data_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, registered: dict[str, PersonId]) -> None:
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)  # the real writer thread
    calls: list[tuple[Path, object, bool, object]] = []

    def export_people(session: object, path: Path, village_id: object = None,
                      include_personal: bool = False, reason: object = None,
                      query: str = "") -> int:
        calls.append((path, village_id, include_personal, reason))
        return 1

    fake = types.ModuleType("cdsxa.excel.export")
    fake.export_people = export_people  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cdsxa.excel.export", fake)
    target = tmp_path / "list.xlsx"
    page = PeoplePage(AppContext(data_dir, db, OFFICER, Changes()))
    qtbot.addWidget(page)
    page.show()
    assert page.export_button.isEnabled()
    page.village.setCurrentIndex(page.village.findText("Bản Hang"))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    dialog = page.export_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.personal.isChecked()  # personal data is opted into, never by default
    dialog.path.setText(str(target))
    dialog.accept()
    qtbot.waitUntil(lambda: "Đã xuất" in page.status.text())
    assert calls == [(target, village(db, "Bản Hang"), False, None)]
    assert page.status.text() == f"Đã xuất 1 người ra {target}."
    assert page.export_button.isEnabled()


def test_export_writes_the_list_with_the_excel_module(
        qtbot: QtBot, page: PeoplePage, tmp_path: Path) -> None:
    pytest.importorskip("cdsxa.excel.export")
    target = tmp_path / "nguoi-dan.xlsx"
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    dialog = page.export_dialog
    assert dialog is not None
    dialog.path.setText(str(target))
    dialog.accept()
    qtbot.waitUntil(lambda: "Đã xuất" in page.status.text() or page.error.isVisible(),
                    timeout=20_000)
    assert not page.error.isVisible(), page.error.text()
    assert target.stat().st_size > 0 and "3 người" in page.status.text()


def test_the_export_holds_the_people_the_search_shows(
        qtbot: QtBot, page: PeoplePage, tmp_path: Path) -> None:
    import openpyxl

    type_text(qtbot, page.search, "van")
    page.apply_filter()
    qtbot.waitUntil(lambda: not page.model.loading)
    assert sorted(listed(page)) == ["Lò Văn Tâm", "Nguyễn Văn An"]
    target = tmp_path / "tim.xlsx"
    dialog = page.export()
    dialog.path.setText(str(target))
    dialog.accept()
    qtbot.waitUntil(lambda: "Đã xuất" in page.status.text() or page.error.isVisible(),
                    timeout=20_000)
    assert "2 người" in page.status.text(), page.error.text()
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    assert sorted(str(r[1]) for r in sheet.iter_rows(min_row=4, values_only=True)) == [
        "Lò Văn Tâm", "Nguyễn Văn An"]


# --- off the UI thread ------------------------------------------------------------------

def test_the_answer_to_an_older_search_is_dropped(
        qtbot: QtBot, page: PeoplePage, monkeypatch: pytest.MonkeyPatch) -> None:
    from cdsxa.register import search
    from cdsxa.ui import operations

    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    slow = threading.Event()
    real = search.search_people

    def searching(session: object, query: str, *args: object, **kwargs: object) -> object:
        if query == "van":
            assert slow.wait(10)  # the first search ends after the second
        return real(session, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "search_people", searching)
    page.search.setText("van")
    page.apply_filter()
    page.search.setText("nguyen")
    page.apply_filter()
    qtbot.waitUntil(lambda: listed(page) == ["Nguyễn Văn An"], timeout=5000)
    assert page.count.text() == "1 người"
    slow.set()
    qtbot.waitUntil(lambda: not operations._running, timeout=5000)  # the old answer came
    assert listed(page) == ["Nguyễn Văn An"] and page.count.text() == "1 người"
    assert not page.model.loading


def test_enter_in_the_search_box_goes_to_the_first_result_once_it_is_read(
        qtbot: QtBot, page: PeoplePage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    page.search.setFocus()
    qtbot.keyClicks(page.search, "nguyen")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # before the search has run
    qtbot.waitUntil(lambda: listed(page) == ["Nguyễn Văn An"]
                    and [i.row() for i in page.table.selectionModel().selectedRows()] == [0],
                    timeout=5000)


def test_a_person_saved_off_the_ui_thread_is_selected_once_the_list_is_read_again(
        qtbot: QtBot, page: PeoplePage, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    form = open_new_form(qtbot, page)
    type_text(qtbot, form.name, "Vi Thị Hoa")
    form.gender.setCurrentIndex(form.gender.findData("female"))
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.form is None, timeout=5000)
    with db.reading(TESTER) as session:
        added = session.scalars(select(Person.id).where(Person.full_name == "Vi Thị Hoa")).one()
    qtbot.waitUntil(lambda: [page.model.person_id(i.row())
                             for i in page.table.selectionModel().selectedRows()] == [added],
                    timeout=5000)
    assert page.count.text() == "4 người"
