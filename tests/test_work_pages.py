"""The daily-work pages through real widgets: support sessions, VNeID, teams."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from cdsxa.common.ids import MemberId
from cdsxa.db.activity import GroupSession, SupportSession
from cdsxa.db.engine import Database
from cdsxa.db.models import ChangeLogEntry, Person, PersonOutcome
from cdsxa.register import teams
from cdsxa.support import vneid
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.pages.support_page import SupportPage
from cdsxa.ui.pages.teams_page import TeamsPage
from cdsxa.ui.pages.vneid_page import VneidPage
from tests.conftest import TESTER
from tests.helpers import as_actor, person, signed_in, village

pytestmark = pytest.mark.usefixtures("vietnamese", "inline_work")




@pytest.fixture
def context(db: Database, data_dir: Path) -> AppContext:
    return AppContext(data_dir, db, signed_in(db), Changes())


@pytest.fixture
def helper_member(db: Database) -> MemberId:
    with db.transaction(as_actor("t")) as session:
        team = teams.team_of_village(session, village(db))
        return teams.add_member(session, team, teams.MemberInput("Hà Văn Sơn", "youth_union"))


def count(db: Database, model: type) -> int:
    with db.reading(TESTER) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def check_topics(form: object, *codes: str) -> None:
    for code in codes:
        form.topics.choose(code)  # type: ignore[attr-defined]


def test_a_session_for_a_known_citizen_from_the_keyboard(
    qtbot: QtBot, context: AppContext, db: Database, helper_member: MemberId
) -> None:
    citizen = person(db, "Lò Thị Mai", id_number="038190000123")
    page = SupportPage(context)
    qtbot.addWidget(page)
    page.show()
    form = page.form
    qtbot.keyClicks(form.picker.edit, "lo thi m")  # no diacritics needed
    qtbot.waitUntil(lambda: form.picker.matches.count() == 1, timeout=2000)
    qtbot.keyClick(form.picker.edit, Qt.Key.Key_Return)
    assert form.picker.chosen_id() == citizen
    assert form.member.currentText() == "Hà Văn Sơn"  # the village's team member
    check_topics(form, "payment_account")
    qtbot.keyClick(form.notes, Qt.Key.Key_Return)  # Enter saves

    assert "Lò Thị Mai" in form.confirmation.text()
    with db.reading(TESTER) as session:
        saved = session.scalars(select(SupportSession)).one()
        outcome = session.scalars(select(PersonOutcome)).one()
    assert saved.member_ids == [str(helper_member)] and saved.result == "done"
    assert (outcome.kind, outcome.reached_on) == ("payment_account", date.today())
    assert page.recent.rows_model.rowCount() == 1 and page.recent.cell(0, 1) == "Lò Thị Mai"
    assert form.picker.edit.text() == "" and form.checked_topics() == []  # ready for the next


def test_a_new_citizen_is_added_with_the_session(qtbot: QtBot, context: AppContext,
                                                 db: Database) -> None:
    page = SupportPage(context)
    qtbot.addWidget(page)
    page.show()
    form = page.form
    page.activateWindow()  # shortcuts reach only the active window
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    form.picker.edit.setFocus()
    form.picker.edit.insert("Giàng A Páo")  # typed as an input method commits it
    qtbot.keyClick(form.picker.edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert form.new_citizen.isVisible() and form.new_citizen.name.text() == "Giàng A Páo"
    form.new_citizen.birth_year.insert("1975")
    check_topics(form, "vneid_install", "vneid_register")
    form.vneid_level.setCurrentIndex(form.vneid_level.findData(2))
    qtbot.keyClick(form.new_citizen.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with db.reading(TESTER) as session:
        added = session.scalars(select(Person).where(Person.full_name == "Giàng A Páo")).one()
        assert (added.vneid_status, added.vneid_level) == ("registered", 2)
        assert [s.step for s in vneid.history(session, added.id)] == ["guided", "registered"]


def test_a_refused_session_writes_nothing_and_says_why(qtbot: QtBot, context: AppContext,
                                                       db: Database) -> None:
    person(db, "Lò Thị Mai")
    page = SupportPage(context)
    qtbot.addWidget(page)
    page.show()
    form = page.form
    qtbot.keyClicks(form.picker.edit, "lo thi")
    qtbot.waitUntil(lambda: form.picker.matches.count() == 1, timeout=2000)
    qtbot.keyClick(form.picker.edit, Qt.Key.Key_Return)
    before = count(db, ChangeLogEntry)
    form.save()  # no topic chosen
    assert "ít nhất một nội dung" in form.error.text()
    check_topics(form, "digital_signature")
    form.result.setCurrentIndex(form.result.findData("not_possible"))
    form.save()  # not possible, but no reason
    assert "lý do" in form.error.text()
    assert count(db, ChangeLogEntry) == before and form.picker.chosen_id() is not None


def test_a_group_class_with_named_attendees(qtbot: QtBot, context: AppContext,
                                            db: Database) -> None:
    person(db, "Lò Văn A")
    person(db, "Lò Văn B")
    page = SupportPage(context)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentIndex(1)
    group = page.group_form
    for query in ("lo van a", "lo van b"):
        group.picker.edit.setText(query)
        group.picker.refresh()
        qtbot.keyClick(group.picker.edit, Qt.Key.Key_Return)
    assert group.attendees.count() == 2
    group.save()  # no topic chosen: none is assumed
    assert "chủ đề" in group.error.text() and count(db, GroupSession) == 0
    qtbot.keyClicks(group.topic.filter, "lua dao")  # typed to filter, as in the session form
    qtbot.keyClick(group.topic.filter, Qt.Key.Key_Return)
    qtbot.keyClicks(group.topic.filter, "chu ky")  # a class has one topic: the last chosen
    qtbot.keyClick(group.topic.filter, Qt.Key.Key_Return)
    assert group.topic.chip_texts() == ["Đăng ký chữ ký số"]
    group.save()
    with db.reading(TESTER) as session:
        saved = session.scalars(select(GroupSession)).one()
    assert saved.attendee_count == 2 and "2" in group.confirmation.text()
    assert saved.topic == "digital_signature"
    assert "Lớp học nhóm, 2 người" in page.recent.cell(0, 1)  # in the latest list too


def test_vneid_worklists_and_recording_a_step(qtbot: QtBot, context: AppContext,
                                              db: Database) -> None:
    waiting = person(db, "Vi Thị Chờ")
    person(db, "Vi Văn Chưa")
    with db.transaction(as_actor("t")) as session:
        vneid.record_step(session, waiting, "registered", date(2025, 1, 10), level=2)
    page = VneidPage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.tabs.tabText(0) == "Chờ kích hoạt (1)", timeout=3000)
    assert page.tabs.tabText(1) == "Chưa có tài khoản, từ 14 tuổi (1)"
    page.pending.selectRow(0)
    assert page.current() is not None
    page.step.setCurrentIndex(page.step.findData("activated"))
    page.level.setCurrentIndex(page.level.findData(2))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.tabs.tabText(0) == "Chờ kích hoạt (0)",  # by the broadcast
                    timeout=3000)
    with db.reading(TESTER) as session:
        row = session.get(Person, waiting)
        assert row is not None and row.vneid_status == "activated"


def test_teams_page_adds_members_and_training(qtbot: QtBot, context: AppContext,
                                              db: Database) -> None:
    page = TeamsPage(context)
    qtbot.addWidget(page)
    page.show()
    assert page.create_missing.isVisible()
    qtbot.mouseClick(page.create_missing, Qt.MouseButton.LeftButton)
    assert page.teams_table.rows_model.rowCount() == 2 and not page.create_missing.isVisible()
    page.teams_table.selectRow(0)
    page.name.insert("Vi Thị Hoa")
    page.organisation.setCurrentIndex(page.organisation.findData("womens_union"))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.members_table.rows_model.rowCount() == 1
    assert page.members_table.cell(0, 2) == "Hội Liên hiệp Phụ nữ"
    page.members_table.selectRow(0)
    page.course.insert("Kỹ năng số cơ bản")
    page.hours.setValue(6)
    qtbot.mouseClick(page.training_button, Qt.MouseButton.LeftButton)
    assert page.members_table.cell(0, 6) == "6"
    assert page.teams_table.cell(0, 2) == "1"  # trained members
    page.members_table.selectRow(0)
    page.member_phone.setText("0912 000 111")
    page.member_role.setCurrentText("Tổ phó")
    qtbot.mouseClick(page.update_button, Qt.MouseButton.LeftButton)
    assert page.members_table.cell(0, 3) == "0912000111"
    assert page.members_table.cell(0, 1) == "Tổ phó"
    page.name.clear()
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert "họ tên" in page.error.text()


def test_a_worklist_exports_to_excel_with_vietnamese_headers(
    qtbot: QtBot, context: AppContext, db: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    from cdsxa.ui import export_action, tasks

    monkeypatch.setattr(tasks, "SYNCHRONOUS", True)
    target = tmp_path / "vneid.xlsx"
    monkeypatch.setattr(export_action, "ask_path", lambda parent, stem: target)
    person(db, "Vi Văn Chưa", phone="0912345678")
    page = VneidPage(context)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentIndex(1)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert "Đã xuất 1 dòng" in page.export_status.text()
    rows = [[c for c in row if c is not None]
            for row in load_workbook(target).active.iter_rows(values_only=True)]
    header = next(r for r in rows if "Họ và tên" in r)
    assert header[:4] == ["Họ và tên", "Thôn/bản", "Mã hộ", "Số điện thoại"]
    assert ["Vi Văn Chưa", "Bản Hang", "091•••••78"] == rows[-1][:3]  # lists mask phones


def test_deleting_a_mistaken_session_asks_and_undoes_its_outcome(
    qtbot: QtBot, context: AppContext, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdsxa.support import sessions

    citizen = person(db, "Lò Thị Mai")
    with db.transaction(as_actor("t")) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 3, 1), person_id=citizen, topics=["payment_account"],
            result="done"))
    page = SupportPage(context)
    qtbot.addWidget(page)
    page.show()
    page.recent.selectRow(0)
    asked: list[str] = []
    monkeypatch.setattr(page, "confirm", lambda q: asked.append(q) or False)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert "01/03/2025" in asked[0] and "Lò Thị Mai" in asked[0]
    assert page.recent.rows_model.rowCount() == 1  # declined: nothing changed
    monkeypatch.setattr(page, "confirm", lambda q: True)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert page.recent.rows_model.rowCount() == 0
    assert count(db, PersonOutcome) == 1  # the row stays as a tombstone for sync ...
    with db.reading(TESTER) as session:
        assert session.scalars(select(PersonOutcome)).one().deleted  # ... marked deleted


@pytest.mark.parametrize("with_phones, shown", [(False, "090•••••67"), (True, "0901234567")])
def test_the_team_roster_exports_full_phones_only_with_a_reason(
    qtbot: QtBot, context: AppContext, db: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, with_phones: bool, shown: str
) -> None:
    import json

    from openpyxl import load_workbook

    from cdsxa.db.models import AuditEvent
    from cdsxa.ui import tasks

    with db.transaction(as_actor("t")) as session:
        team = teams.team_of_village(session, village(db))
        teams.add_member(session, team, teams.MemberInput("Hà Văn Sơn", "youth_union",
                                                          phone="0901234567"))
    monkeypatch.setattr(tasks, "SYNCHRONOUS", True)
    page = TeamsPage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    dialog = page.export_dialog
    assert dialog is not None and not dialog.personal.isChecked()  # off by default
    target = tmp_path / "to.xlsx"
    dialog.path.setText(str(target))
    if with_phones:
        dialog.personal.setChecked(True)
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dialog.reason.setText("Gửi danh sách cho Đoàn xã")
    dialog.accept()

    assert "Đã xuất 1 dòng" in page.export_status.text()
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert ["Hà Văn Sơn", shown] == [c for c in rows[-1] if c is not None][1:5:3]
    with db.reading(TESTER) as session:
        logged = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    details = json.loads(logged.details or "")
    assert (details["personal"], details["reason"]) == (
        (True, "Gửi danh sách cho Đoàn xã") if with_phones else (False, None))


def pick(qtbot: QtBot, form: object, query: str) -> None:
    picker = form.picker  # type: ignore[attr-defined]
    qtbot.keyClicks(picker.edit, query)
    qtbot.waitUntil(lambda: picker.matches.count() == 1, timeout=2000)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)


def test_the_same_keys_choose_the_same_topic_for_the_next_citizen(
    qtbot: QtBot, context: AppContext, db: Database
) -> None:
    person(db, "Lò Thị Mai")
    person(db, "Vi Văn Nam")
    page = SupportPage(context)
    qtbot.addWidget(page)
    page.show()
    form = page.form
    for query in ("lo thi m", "vi van n"):
        pick(qtbot, form, query)
        qtbot.keyClicks(form.topics.filter, "k")  # "Kích hoạt tài khoản VNeID" by its letter
        qtbot.keyClick(form.topics.filter, Qt.Key.Key_Return)
        assert [t.code for t in form.checked_topics()] == ["vneid_activate"]
        assert form.topics.chip_texts() == ["Kích hoạt tài khoản VNeID"]
        qtbot.keyClick(form.notes, Qt.Key.Key_Return)
        assert form.topics.filter.text() == "" and form.checked_topics() == []
    with db.reading(TESTER) as session:
        saved = session.scalars(select(SupportSession)).all()
    assert [s.topics for s in saved] == [["vneid_activate"], ["vneid_activate"]]
    # The list shows what was saved in full, not cut to "…".
    assert page.recent.cell(0, 3) == "Kích hoạt tài khoản VNeID"
    assert page.recent.wordWrap()


def test_topics_filter_without_diacritics_and_chips_come_off(
    qtbot: QtBot, context: AppContext
) -> None:
    page = SupportPage(context)
    qtbot.addWidget(page)
    page.show()
    chooser = page.form.topics
    qtbot.keyClicks(chooser.filter, "chu ky")  # "Đăng ký chữ ký số"
    assert chooser.match_texts() == ["Đăng ký chữ ký số"]
    qtbot.keyClick(chooser.filter, Qt.Key.Key_Return)
    qtbot.keyClicks(chooser.filter, "vneid")
    qtbot.keyClick(chooser.filter, Qt.Key.Key_Down)  # the second match
    qtbot.keyClick(chooser.filter, Qt.Key.Key_Return)
    assert chooser.chip_texts() == ["Đăng ký chữ ký số", "Đăng ký tài khoản VNeID"]
    shown = [c.text() for c in chooser.findChildren(QPushButton, "topicChip")
             if c.isVisibleTo(chooser)]
    assert shown == ["Đăng ký chữ ký số   ✕", "Đăng ký tài khoản VNeID   ✕"]  # each once
    assert "Đăng ký chữ ký số" not in chooser.match_texts()  # chosen: not offered twice
    qtbot.keyClick(chooser.filter, Qt.Key.Key_Backspace)  # empty box: the last chip goes
    assert chooser.chip_texts() == ["Đăng ký chữ ký số"]
    qtbot.mouseClick(chooser.chips[0], Qt.MouseButton.LeftButton)
    assert chooser.chip_texts() == [] and page.form.checked_topics() == []


def test_a_new_citizens_birth_year_is_empty_until_typed(
    qtbot: QtBot, context: AppContext, db: Database
) -> None:
    page = SupportPage(context)
    qtbot.addWidget(page)
    page.show()
    form = page.form
    form.picker.edit.insert("Giàng Thị Dợ")
    form.start_new_citizen()
    assert form.new_citizen.birth_year.text() == ""
    form.topics.choose("other")
    form.save()
    with db.reading(TESTER) as session:
        added = session.scalars(select(Person).where(Person.full_name == "Giàng Thị Dợ")).one()
    assert (added.birth_year, added.birth_date) == (None, None)  # unknown, as the service keeps it
    form.start_new_citizen()
    form.new_citizen.name.insert("Giàng A Sử")
    form.new_citizen.birth_year.insert("19x5")
    form.topics.choose("other")
    form.save()
    assert "Ngày sinh" in form.error.text()  # the service's own words


def test_group_classes_appear_in_the_latest_sessions(qtbot: QtBot, context: AppContext,
                                                     db: Database) -> None:
    from cdsxa.support import sessions

    with db.transaction(as_actor("t")) as session:
        sessions.record_group(session, sessions.GroupInput(
            held_on=date(2025, 3, 2), topic="fraud_awareness", village_id=village(db),
            place="Nhà văn hóa", trainer_ids=[], attendee_ids=[], attendee_count=23))
    page = SupportPage(context)
    qtbot.addWidget(page)
    page.show()
    assert page.recent.rows_model.rowCount() == 1
    assert page.recent.cell(0, 0) == "02/03/2025"
    assert "23" in page.recent.cell(0, 1)
    assert page.recent.cell(0, 3) == "Nhận biết lừa đảo trực tuyến"


def test_a_recorded_vneid_step_says_so_and_can_be_undone(
    qtbot: QtBot, context: AppContext, db: Database
) -> None:
    waiting = person(db, "Vi Thị Chờ")
    with db.transaction(as_actor("t")) as session:
        vneid.record_step(session, waiting, "registered", date(2025, 1, 10), level=2)
    page = VneidPage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.pending.rows_model.rowCount() == 1, timeout=3000)
    page.pending.selectRow(0)
    page.step.setCurrentIndex(page.step.findData("activated"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.undo.isVisible() and "Vi Thị Chờ" in page.undo.message.text()
    with db.reading(TESTER) as session:
        assert session.get(Person, waiting).vneid_status == "activated"  # type: ignore
    qtbot.mouseClick(page.undo.button, Qt.MouseButton.LeftButton)
    with db.reading(TESTER) as session:
        row = session.get(Person, waiting)
        assert row is not None and row.vneid_status == "registered"
        assert [s.step for s in vneid.history(session, waiting)] == ["registered"]
    assert not page.undo.button.isVisible() and "Vi Thị Chờ" in page.undo.message.text()
    qtbot.waitUntil(lambda: page.pending.rows_model.rowCount() == 1, timeout=3000)
