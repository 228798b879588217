"""Every list an officer works from sorts by any column, on the values: a click on a
header of the real page (pytest-qt), dates as dates, numbers as numbers, Vietnamese
names by their folded form (Đinh with the D's, not after Z)."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from cdsxa.db.engine import Database
from cdsxa.register import teams
from cdsxa.support import sessions, vneid
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.pages.audit_page import AuditPage
from cdsxa.ui.pages.people_page import PeoplePage
from cdsxa.ui.pages.support_page import SupportPage
from cdsxa.ui.pages.teams_page import TeamsPage
from cdsxa.ui.pages.vneid_page import VneidPage
from cdsxa.ui.rows_model import Shown, sorted_order
from tests.helpers import as_actor, person, signed_in, village

pytestmark = pytest.mark.usefixtures("vietnamese", "inline_work")

# Plain string order puts "Đ" after "Z" and "10" before "9", and dd/mm/yyyy text by day.
NAMES = ["Đinh Văn Dũng", "Bùi Thị Hoa", "Dương Thị Én", "Ánh Thị Xuân"]
BY_NAME = ["Ánh Thị Xuân", "Bùi Thị Hoa", "Đinh Văn Dũng", "Dương Thị Én"]  # d-i before d-u
HELD = [date(2025, 1, 5), date(2024, 12, 20), date(2025, 11, 3), date(2025, 2, 1)]


@pytest.fixture
def context(db: Database, data_dir: Path) -> AppContext:
    return AppContext(data_dir, db, signed_in(db), Changes())


def click_header(qtbot: QtBot, view: QTableView, column: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def column_of(view: QTableView, column: int) -> list[str]:
    model = view.model()
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def shown(qtbot: QtBot, page: object) -> None:
    qtbot.addWidget(page)
    page.resize(1400, 900)  # type: ignore[attr-defined]
    page.show()  # type: ignore[attr-defined]


def test_the_latest_sessions_sort_by_date_and_by_name(
        qtbot: QtBot, context: AppContext, db: Database) -> None:
    for name, held in zip(NAMES, HELD, strict=True):
        citizen = person(db, name)
        with db.transaction(as_actor("t")) as session:
            sessions.record(session, sessions.SessionInput(
                held_on=held, person_id=citizen, topics=["payment_account"], result="done"))
    page = SupportPage(context)
    shown(qtbot, page)
    page.refresh()
    view = page.recent
    click_header(qtbot, view, 0)
    assert column_of(view, 0) == ["20/12/2024", "05/01/2025", "01/02/2025", "03/11/2025"]
    click_header(qtbot, view, 0)  # again: the other way
    assert column_of(view, 0) == ["03/11/2025", "01/02/2025", "05/01/2025", "20/12/2024"]
    click_header(qtbot, view, 1)
    assert column_of(view, 1) == BY_NAME
    # The selection follows its row, and the row's key with it (delete the right one).
    view.selectRow(0)
    assert view.current_key() is not None
    chosen = view.current_key()
    click_header(qtbot, view, 0)
    assert view.current_key() == chosen
    assert view.cell(view.currentIndex().row(), 1) == "Ánh Thị Xuân"


def test_team_members_sort_by_hours_and_dates(
        qtbot: QtBot, context: AppContext, db: Database) -> None:
    hours = {"Đinh Văn Dũng": 10.0, "Bùi Thị Hoa": 9.0, "Dương Thị Én": 100.0}
    joined = {"Đinh Văn Dũng": date(2024, 3, 2), "Bùi Thị Hoa": date(2023, 12, 25),
              "Dương Thị Én": date(2024, 1, 15)}
    with db.transaction(as_actor("t")) as session:
        team = teams.team_of_village(session, village(db))
        for name, spent in hours.items():
            member = teams.add_member(session, team, teams.MemberInput(
                name, "youth_union", joined_on=joined[name]))
            teams.add_training(session, member, "Kỹ năng số", date(2025, 3, 1), spent)
    page = TeamsPage(context)
    shown(qtbot, page)
    page.refresh()
    page.teams_table.selectRow(
        next(i for i, t in enumerate(page.teams_table.rows_model.keys) if t.id == team))
    view = page.members_table
    click_header(qtbot, view, 6)
    assert column_of(view, 6) == ["9", "10", "100"]
    click_header(qtbot, view, 4)
    assert column_of(view, 4) == ["25/12/2023", "15/01/2024", "02/03/2024"]
    click_header(qtbot, view, 0)
    assert column_of(view, 0) == ["Bùi Thị Hoa", "Đinh Văn Dũng", "Dương Thị Én"]
    view.selectRow(0)  # the row's member is the one chosen, whatever the order
    assert page.member_phone.text() == "" and page._member().full_name == "Bùi Thị Hoa"  # type: ignore[union-attr]  # noqa: E501


def test_a_vneid_worklist_sorts_by_name_and_by_the_date_of_its_state(
        qtbot: QtBot, context: AppContext, db: Database) -> None:
    for name, held in zip(NAMES, HELD, strict=True):
        citizen = person(db, name)
        with db.transaction(as_actor("t")) as session:
            vneid.record_step(session, citizen, "registered", held)
    page = VneidPage(context)
    shown(qtbot, page)
    page.refresh()
    view = page.pending
    click_header(qtbot, view, 0)
    assert column_of(view, 0) == BY_NAME
    click_header(qtbot, view, 4)
    assert [text.split()[-1] for text in column_of(view, 4)] == [
        "20/12/2024", "05/01/2025", "01/02/2025", "03/11/2025"]


def test_the_activity_log_sorts_by_time_and_by_record(
        qtbot: QtBot, context: AppContext, db: Database) -> None:
    for name in NAMES:
        person(db, name)
    page = AuditPage(context)
    shown(qtbot, page)
    page.refresh()
    view = page.table
    times = [line.at for line in page.rows]
    click_header(qtbot, view, 0)
    ascending = [view.rows_model.values[row][0] for row in range(len(times))]
    assert [value.value for value in ascending] == sorted(times)  # type: ignore[union-attr]
    click_header(qtbot, view, 3)
    people = [text for text in column_of(view, 3) if text.startswith("Người dân: ")]
    assert people == [f"Người dân: {name}" for name in BY_NAME]


def test_the_people_list_sorts_by_date_of_birth_and_back_by_name(
        qtbot: QtBot, context: AppContext, db: Database) -> None:
    births = [date(1990, 5, 1), date(1985, 12, 31), date(2001, 1, 2), date(1985, 1, 30)]
    for name, born in zip(NAMES, births, strict=True):
        person(db, name, born=born)
    page = PeoplePage(context)
    shown(qtbot, page)
    page.refresh()
    view = page.table
    qtbot.waitUntil(lambda: view.model().rowCount() == 4)
    assert column_of(view, 0) == BY_NAME  # by name, from the index
    click_header(qtbot, view, 2)
    qtbot.waitUntil(lambda: column_of(view, 2)[0] == "30/01/1985")
    assert column_of(view, 2) == ["30/01/1985", "31/12/1985", "01/05/1990", "02/01/2001"]
    click_header(qtbot, view, 2)
    qtbot.waitUntil(lambda: column_of(view, 2)[0] == "02/01/2001")
    click_header(qtbot, view, 0)
    qtbot.waitUntil(lambda: column_of(view, 0) == BY_NAME)


def test_values_sort_by_kind_with_empty_cells_last() -> None:
    values = [None, 10, "", 9, Shown("x", 100)]
    assert sorted_order(values, descending=False) == [3, 1, 4, 0, 2]
    assert sorted_order(values, descending=True) == [4, 1, 3, 0, 2]
    assert [NAMES[i] for i in sorted_order(NAMES, False)] == BY_NAME
