"""Personal data through the widgets: masked lists, the full form, consent, erasing,
and the export dialog (offscreen, pages built directly)."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from cdsxa.common.formatting import vn_date
from cdsxa.common.ids import PersonId
from cdsxa.db.engine import Database
from cdsxa.db.models import Person
from cdsxa.register import search
from cdsxa.security import audit
from cdsxa.security.access import Principal, Role
from cdsxa.ui import tasks
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.export_dialog import ExportDialog
from cdsxa.ui.pages.people_page import PeoplePage
from cdsxa.ui.pages.vneid_page import VneidPage
from cdsxa.ui.person_form import PersonForm
from cdsxa.ui.person_picker import describe
from tests.helpers import person, village
from tests.conftest import TESTER

# Saves run inline (tasks.SYNCHRONOUS): the test reads what was saved at once.
pytestmark = pytest.mark.usefixtures("inline_work")

# English source strings: these tests do not depend on the translation being current.

ID_NUMBER = "038190004567"
PHONE = "0987001122"
OFFICER = Principal("user:canbo", Role.OFFICER, display_name="Cán bộ")


def team_member(db: Database) -> Principal:
    return Principal("user:to", Role.TEAM_MEMBER, village_id=village(db, "Bản Hang"))


@pytest.fixture
def citizen(db: Database) -> PersonId:
    return person(db, "Giàng Thị Xớ", id_number=ID_NUMBER, phone=PHONE)


def people_page(qtbot: QtBot, db: Database, data_dir: Path,
                principal: Principal = OFFICER) -> PeoplePage:
    page = PeoplePage(AppContext(data_dir, db, principal, Changes()))
    qtbot.addWidget(page)
    page.show()
    return page


def test_the_people_list_masks_numbers_and_the_form_shows_them(
        qtbot: QtBot, db: Database, data_dir: Path, citizen: PersonId) -> None:
    page = people_page(qtbot, db, data_dir)
    row = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert row[3:5] == ["038•••••••67", "098•••••22"]
    assert ID_NUMBER not in row and PHONE not in row
    page.open_row(0)
    form = page.form
    assert form is not None and form.person_id == citizen
    assert form.id_number.text() == ID_NUMBER and form.phone.text() == PHONE


def test_search_results_in_pickers_are_masked(db: Database, citizen: PersonId) -> None:
    with db.reading(TESTER) as session:
        [found] = search.search_people(session, "giang")
    assert describe(found) == "Giàng Thị Xớ · 01/05/1990 · Bản Hang · 038•••••••67"


def test_vneid_worklists_mask_phones(qtbot: QtBot, db: Database, data_dir: Path,
                                     citizen: PersonId,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "SYNCHRONOUS", True)
    page = VneidPage(AppContext(data_dir, db, OFFICER, Changes()))
    qtbot.addWidget(page)
    page.show()
    assert page.missing.cell(0, 0) == "Giàng Thị Xớ"
    assert page.missing.cell(0, 3) == "098•••••22"


def test_a_team_member_may_not_export_nor_erase(qtbot: QtBot, db: Database, data_dir: Path,
                                                 citizen: PersonId) -> None:
    page = people_page(qtbot, db, data_dir, team_member(db))
    assert page.add_button.isEnabled() and not page.export_button.isEnabled()
    assert not page.import_button.isEnabled()
    page.open_row(0)
    assert page.form is not None
    assert page.form.phone.text() == PHONE  # their village's person, in full
    assert page.form.erase_button.isHidden()


def test_the_form_asks_for_consent_and_dates_it(qtbot: QtBot, db: Database, data_dir: Path,
                                                citizen: PersonId) -> None:
    form = PersonForm(AppContext(data_dir, db, OFFICER, Changes()), person_id=citizen)
    qtbot.addWidget(form)
    form.show()
    reminder = form.consent_reminder
    assert reminder.isVisible() and "Decree 13/2023" in reminder.text()
    assert form.consent.currentData() is None and form.consent_on.text() == ""
    assert not form.consent_on.isEnabled()
    form.consent.setCurrentIndex(form.consent.findData("given"))
    assert form.consent_on.isEnabled() and form.consent_on.text() == vn_date(date.today())
    form.consent_on.setText("02/01/2025")
    form.save()
    with db.reading(TESTER) as session:
        saved = session.get(Person, citizen)
        assert saved is not None
        assert (saved.consent, saved.consent_on) == ("given", date(2025, 1, 2))

    form = PersonForm(AppContext(data_dir, db, OFFICER, Changes()), person_id=citizen)
    qtbot.addWidget(form)
    assert form.consent.currentData() == "given" and form.consent_on.text() == "02/01/2025"
    form.consent.setCurrentIndex(form.consent.findData(None))  # not asked: no date
    assert form.consent_on.text() == "" and not form.consent_on.isEnabled()


def test_erasing_from_the_form_asks_why_and_warns(qtbot: QtBot, db: Database, data_dir: Path,
                                                  citizen: PersonId) -> None:
    page = people_page(qtbot, db, data_dir)
    page.open_row(0)
    form = page.form
    assert form is not None
    qtbot.waitExposed(form)
    assert form.erase_button.isVisible()
    dialog = form.ask_erase()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert "cannot be undone" in dialog.warning.text()
    assert not dialog.erase_button.isEnabled()  # no reason yet
    dialog.reason.insert("Có đơn của Giàng Thị Xớ")  # names the person: refused
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error.isVisible()
    dialog.reason.clear()
    dialog.reason.insert("Người dân có đơn yêu cầu, ngày 03/11")
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and not form.isVisible() and page.form is None
    assert "Erased at the citizen's request" in page.status.text()
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    with db.reading(TESTER) as session:
        assert session.scalars(select(Person)).all() == []
        erased = [e for e in audit.browse(session) if e.action == "erase" and e.summary]
    assert [e.actor for e in erased] == ["user:canbo"]


def test_the_export_dialog_leaves_personal_data_out_by_default(qtbot: QtBot) -> None:
    dialog = ExportDialog(Path("/tmp/ds.xlsx"), may_include_personal=True)
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not dialog.personal.isChecked() and dialog.personal.isEnabled()
    assert not dialog.reason.isEnabled() and ok.isEnabled()
    assert dialog.choice().include_personal is False and dialog.choice().reason is None
    dialog.personal.setChecked(True)
    assert dialog.reason.isEnabled() and not ok.isEnabled()  # a reason is required
    dialog.reason.insert("Báo cáo huyện")
    assert ok.isEnabled()
    assert dialog.choice().include_personal and dialog.choice().reason == "Báo cáo huyện"
    dialog.path.setText("/tmp/khong-duoi")
    assert dialog.choice().path == Path("/tmp/khong-duoi.xlsx")

    refused = ExportDialog(Path("/tmp/ds.xlsx"), may_include_personal=False)
    qtbot.addWidget(refused)
    assert not refused.personal.isChecked() and not refused.personal.isEnabled()


def test_the_people_export_with_personal_data_is_audited(
        qtbot: QtBot, db: Database, data_dir: Path, tmp_path: Path, citizen: PersonId,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "SYNCHRONOUS", True)
    page = people_page(qtbot, db, data_dir)
    dialog = page.export()
    assert not dialog.personal.isChecked()
    dialog.path.setText(str(tmp_path / "day-du.xlsx"))
    dialog.personal.setChecked(True)
    dialog.reason.insert("Báo cáo huyện")
    dialog.accept()
    assert "Exported 1 people" in page.status.text(), page.error.text()
    with db.reading(TESTER) as session:
        [event] = audit.browse(session, audit.AuditFilter(actions=("export",)))
    assert event.actor == "user:canbo" and event.details["personal"] is True
    assert event.details["reason"] == "Báo cáo huyện" and event.details["file"] == "day-du.xlsx"
