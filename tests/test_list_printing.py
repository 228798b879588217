"""Every list prints: Ctrl+P on the real page opens the print dialog (here: a PDF file
is chosen in it), and the PDF holds the Vietnamese headers and the rows shown, on A4."""

import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cdsxa.db.engine import Database
from cdsxa.register import teams
from cdsxa.security import audit
from cdsxa.support import sessions, vneid
from cdsxa.ui import list_printer
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.pages.audit_page import AuditPage
from cdsxa.ui.pages.people_page import PeoplePage
from cdsxa.ui.pages.support_page import SupportPage
from cdsxa.ui.pages.teams_page import TeamsPage
from cdsxa.ui.pages.vneid_page import VneidPage
from tests.helpers import as_actor, person, signed_in, village

# Reading the PDF back needs pdftotext (poppler-utils, installed by scripts/setup.sh):
# without it these fail rather than skip, so CI cannot pass without checking a print.
pytestmark = pytest.mark.usefixtures("vietnamese", "inline_work")


@pytest.fixture
def context(db: Database, data_dir: Path) -> AppContext:
    return AppContext(data_dir, db, signed_in(db), Changes())


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """The print dialog, answered: print to a PDF file; the files printed."""
    files: list[Path] = []

    def to_pdf(_parent: QWidget | None, printer: QPrinter) -> bool:
        files.append(tmp_path / f"list-{len(files)}.pdf")
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(files[-1]))
        return True

    monkeypatch.setattr(list_printer, "ask", to_pdf)
    return files


def pdf_text(path: Path) -> str:
    """The words in the order printed, a cell's wrapped lines joined again."""
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(raw.split())


def page_size_mm(path: Path) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    line = next(x for x in info.splitlines() if x.startswith("Page size:"))
    width, height = (float(v) for v in line.split()[2:5:2])  # points
    return round(width / 72 * 25.4), round(height / 72 * 25.4)


def press_ctrl_p(qtbot: QtBot, page: QWidget, focus: QWidget) -> None:
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)  # shortcuts act in the active window
    focus.setFocus()
    qtbot.keyClick(focus, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)


def check(files: list[Path], *wanted: str) -> str:
    assert len(files) == 1 and files[0].stat().st_size > 0
    text = pdf_text(files[0])
    for piece in wanted:
        assert piece in text, (piece, text[:2000])
    assert sorted(page_size_mm(files[0])) == [210, 297]  # A4, either way round
    return text


def test_the_people_list_prints_everyone_the_search_finds(
        qtbot: QtBot, context: AppContext, db: Database, printed: list[Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from cdsxa.ui import people_model

    for i in range(5):
        person(db, f"Đinh Thị Ánh {i}")
    person(db, "Lò Văn Tâm")
    page = PeoplePage(context)
    monkeypatch.setattr(page.model, "page_size", 2)  # more than one page to read
    monkeypatch.setattr(people_model, "ALL_PAGE", 2)
    page.refresh()
    page.search.setText("ánh")
    page.apply_filter()
    qtbot.waitUntil(lambda: page.model.total == 5)
    press_ctrl_p(qtbot, page, page.table)
    text = check(printed, "Họ và tên", "Ngày sinh", "Đinh Thị Ánh 0", "Đinh Thị Ánh 4",
                 "Người dân & hộ gia đình")
    assert "Lò Văn Tâm" not in text  # the search's people only
    with context.read() as session:
        assert audit.browse(session, audit.AuditFilter(actions=("print",)))


def test_the_latest_sessions_print(qtbot: QtBot, context: AppContext, db: Database,
                                   printed: list[Path]) -> None:
    citizen = person(db, "Lò Thị Mai")
    with db.transaction(as_actor("t")) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 10, 20), person_id=citizen, topics=["payment_account"],
            result="done"))
    page = SupportPage(context)
    page.refresh()
    press_ctrl_p(qtbot, page, page.recent)
    check(printed, "Ngày", "Người dân", "Lò Thị Mai", "20/10/2025")


def test_a_vneid_worklist_prints(qtbot: QtBot, context: AppContext, db: Database,
                                 printed: list[Path]) -> None:
    citizen = person(db, "Lò Thị Mai")
    with db.transaction(as_actor("t")) as session:
        vneid.record_step(session, citizen, "registered", date(2025, 10, 20))
    page = VneidPage(context)
    page.refresh()
    press_ctrl_p(qtbot, page, page.pending)
    check(printed, "Họ và tên", "Lò Thị Mai", "Đã đăng ký 20/10/2025")


def test_a_team_prints(qtbot: QtBot, context: AppContext, db: Database,
                       printed: list[Path]) -> None:
    with db.transaction(as_actor("t")) as session:
        team = teams.team_of_village(session, village(db))
        teams.add_member(session, team, teams.MemberInput("Vi Thị Hoa", "womens_union"))
    page = TeamsPage(context)
    page.refresh()
    page.teams_table.selectRow(
        next(i for i, t in enumerate(page.teams_table.rows_model.keys) if t.id == team))
    press_ctrl_p(qtbot, page, page.members_table)
    check(printed, "Họ và tên", "Vi Thị Hoa", "Hội Liên hiệp Phụ nữ")


def test_the_activity_log_prints(qtbot: QtBot, context: AppContext, db: Database,
                                 printed: list[Path]) -> None:
    person(db, "Lò Thị Mai")
    page = AuditPage(context)
    page.refresh()
    press_ctrl_p(qtbot, page, page.table)
    check(printed, "Nhật ký hoạt động", "Người dân: Lò Thị Mai", "Thêm mới")


@pytest.mark.parametrize("make", [PeoplePage, SupportPage, VneidPage, TeamsPage, AuditPage])
def test_cancelling_the_dialog_prints_nothing(
        qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch,
        make: Callable[[AppContext], QWidget]) -> None:
    asked: list[QPrinter] = []
    monkeypatch.setattr(list_printer, "ask", lambda _parent, printer: asked.append(printer))
    with context.db.transaction(as_actor("t")) as session:
        teams.create_missing_teams(session)  # a team to print
    page = make(context)
    page.refresh()  # type: ignore[attr-defined]
    press_ctrl_p(qtbot, page, page)
    assert len(asked) == 1 and asked[0].pageLayout().pageSize().id().name == "A4"
