"""The Sync page, the status bar's sync text and background sync, through real widgets
against a real hub (uvicorn on loopback, real HTTP; SQLite is enough for the page)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from urllib3.util.retry import Retry

from cdsxa.db.engine import Database
from cdsxa.db.models import ChangeLogEntry, Person, SyncConflict
from cdsxa.register import people
from cdsxa.security import audit
from cdsxa.sync import status
from cdsxa.ui import tasks
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.main_window import MainWindow
from cdsxa.ui.operations import WriteOp
from cdsxa.ui.pages.sync_page import SyncPage
from cdsxa.ui.sync_scheduler import BACKOFF_MINUTES, SyncScheduler, delay_minutes
from tests.conftest import TESTER
from tests.hub_server import RunningHub
from tests.sync_pcs import Pc, edit_phone, issue_code, make_pc

pytestmark = pytest.mark.usefixtures("vietnamese", "inline_work")

# The page needs one hub engine; both are the hub's own tests' business.
ON_SQLITE = pytest.mark.parametrize("hub_url_db", ["sqlite"], indirect=True)
# A stopped hub is told at once: no waiting out urllib3's backoff in a test.
NO_RETRY = Retry(total=0, raise_on_status=False)
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)  # 14:00 in Thanh Hóa
UNREACHABLE = "Không kết nối được máy chủ tỉnh"


def context_of(db: Database, data_dir: Path) -> AppContext:
    from tests.helpers import signed_in

    return AppContext(data_dir, db, signed_in(db), Changes())


def sync_page(qtbot: QtBot, context: AppContext, **options: Any) -> SyncPage:
    scheduler = SyncScheduler(context, retry=NO_RETRY, now=lambda: NOW, **options)
    page = SyncPage(context, scheduler)
    qtbot.addWidget(page)
    page.show()
    return page


@pytest.fixture
def pc(hub: RunningHub, tmp_path: Path) -> Iterator[Pc]:
    made = make_pc(hub, tmp_path / "a")
    yield made
    made.db.close()


def relay_count(hub: RunningHub) -> int:
    from cdsxa.hub.models import Entry

    with hub.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Entry)) or 0)


def pending(pc: Pc) -> int:
    return pc.count(ChangeLogEntry, ChangeLogEntry.acked_at.is_(None))


def history_rows(page: SyncPage) -> list[list[str]]:
    view = page.history
    return [[view.cell(r, c) for c in range(view.rows_model.columnCount())]
            for r in range(view.rows_model.rowCount())]


# --- the status bar ---------------------------------------------------------------------

def test_the_status_bar_of_a_pc_not_enrolled_says_so(qtbot: QtBot, db: Database,
                                                     data_dir: Path) -> None:
    window = MainWindow(context_of(db, data_dir))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.sync_label.text() == "Đồng bộ: chưa đăng ký với tỉnh",
                    timeout=3000)
    assert window.sync_scheduler.next_at is None  # nothing to try before enrolment
    with db.reading(TESTER) as session:
        state = status.state(session, data_dir)
    assert (state.enrolled, state.hub_url, state.conflicts, state.last_attempt) == (
        False, None, 0, None)
    assert state.pending > 0  # the set-up's own changes wait, as they will after enrolment


# --- enrolling --------------------------------------------------------------------------

@ON_SQLITE
def test_enrolling_through_the_page_with_the_provinces_code(
        qtbot: QtBot, hub: RunningHub, db: Database, data_dir: Path) -> None:
    context = context_of(db, data_dir)
    page = sync_page(qtbot, context)
    form = page.enrol_form
    assert form.isVisible() and not page.enrolled_box.isVisible()
    assert page.start_widget() is form.hub_url  # where the work starts

    form.hub_url.setText(hub.url)
    form.code.setText("12345-ABCD")  # a typo: refused here, in words, nothing sent
    form.enrol_button.click()
    assert form.error.isVisible() and "không đúng dạng" in form.error.text()
    assert form.isVisible()

    assert db.commune_code is not None
    form.code.setText(issue_code(hub, db.commune_code))
    qtbot.keyClick(form.code, Qt.Key.Key_Return)  # Enter in the code enrols

    assert page.enrolled_box.isVisible() and not form.isVisible()
    assert page.hub_label.text() == hub.url
    assert page.commune_label.text() == "Xã Mường Lát, Thanh Hóa"
    assert page.last_success.text() == "chưa lần nào"
    assert "Xã Mường Lát" in page.result.text()
    assert page.scheduler.next_at == NOW + timedelta(minutes=1)  # the first attempt soon
    assert page.next_attempt.text() == "14:01"


@ON_SQLITE
def test_a_code_already_used_is_refused_in_vietnamese(
        qtbot: QtBot, hub: RunningHub, db: Database, data_dir: Path, tmp_path: Path) -> None:
    assert db.commune_code is not None
    code = issue_code(hub, db.commune_code)
    other = make_pc(hub, tmp_path / "other", enrol=False)
    try:
        from cdsxa.sync.enrolment import enrol

        enrol(other.db, other.data_dir, hub.url, code)  # spent by another PC
    finally:
        other.db.close()
    page = sync_page(qtbot, context_of(db, data_dir))
    page.enrol_form.hub_url.setText(hub.url)
    page.enrol_form.code.setText(code)
    page.enrol_form.enrol_button.click()
    error = page.enrol_form.error
    assert error.isVisible() and error.text().startswith("Mã đăng ký này đã được dùng.")
    assert page.enrol_form.isVisible()


# --- syncing ----------------------------------------------------------------------------

@ON_SQLITE
def test_sync_now_sends_what_waits_and_the_attempt_is_listed(qtbot: QtBot, pc: Pc) -> None:
    pc.add_person("Lò Thị Mai")
    waiting = pending(pc)
    page = sync_page(qtbot, context_of(pc.db, pc.data_dir))
    assert page.enrolled_box.isVisible() and not page.enrol_form.isVisible()
    assert page.pending.text() == str(waiting)
    assert history_rows(page) == []

    page.sync_button.click()

    assert pending(pc) == 0
    assert page.pending.text() == "0"
    [row] = history_rows(page)
    assert row[1:5] == ["Thành công", str(waiting), "0", "0"]
    assert page.last_success.text() == row[0]
    assert not page.notice.isVisible()
    assert f"gửi {waiting} thay đổi" in page.result.text()
    assert page.scheduler.next_at == NOW + timedelta(minutes=10)
    assert page.next_attempt.text() == "14:10"


@ON_SQLITE
def test_with_the_hub_stopped_the_attempt_fails_in_words_and_the_data_stays(
        qtbot: QtBot, hub: RunningHub, pc: Pc) -> None:
    mai = pc.add_person("Lò Thị Mai")
    waiting = pending(pc)
    page = sync_page(qtbot, context_of(pc.db, pc.data_dir))
    hub.stop()

    page.sync_button.click()

    notice = page.notice.text()
    assert page.notice.isVisible()
    assert notice.startswith(UNREACHABLE) and "Dữ liệu vẫn an toàn trên máy này" in notice
    assert notice.endswith("CĐS Xã sẽ tự thử lại lúc 14:01.")  # the scheduler's next try
    [row] = history_rows(page)
    assert row[1] == "Không thành công" and row[5].startswith(UNREACHABLE)
    assert pending(pc) == waiting  # nothing lost, nothing marked sent
    assert pc.people() == {str(mai): "Lò Thị Mai"}
    assert page.sync_button.isEnabled()


@ON_SQLITE
def test_keyboard_only_tab_to_the_button_and_enter(qtbot: QtBot, hub: RunningHub,
                                                  db: Database, data_dir: Path) -> None:
    page = sync_page(qtbot, context_of(db, data_dir))
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    form = page.enrol_form
    page.start_widget().setFocus()
    assert db.commune_code is not None
    qtbot.keyClicks(form.hub_url, hub.url)
    qtbot.keyClick(form.hub_url, Qt.Key.Key_Tab)
    assert form.code.hasFocus()
    qtbot.keyClicks(form.code, issue_code(hub, db.commune_code))
    qtbot.keyClick(form.code, Qt.Key.Key_Tab)
    assert form.pin.hasFocus()  # the certificate's fingerprint, optional: left empty
    qtbot.keyClick(form.pin, Qt.Key.Key_Tab)
    assert form.enrol_button.hasFocus()
    qtbot.keyClick(form.enrol_button, Qt.Key.Key_Return)
    assert page.enrolled_box.isVisible()

    assert page.sync_button.hasFocus()  # the cursor went on to the next thing to do
    qtbot.keyClick(page.sync_button, Qt.Key.Key_Return)
    assert [row[1] for row in history_rows(page)] == ["Thành công"]
    assert page.pending.text() == "0"
    page.sync_button.clearFocus()
    page.start_widget().setFocus()
    assert page.sync_button.hasFocus()
    for then in (page.files.export_button, page.files.receipt_button, page.history):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert then.hasFocus(), then  # no conflicts to review: their list is not shown


# --- conflicts --------------------------------------------------------------------------

@ON_SQLITE
def test_a_conflict_from_two_pcs_shows_both_values_and_the_other_comes_back(
        qtbot: QtBot, two_pcs: tuple[Pc, Pc]) -> None:
    a, b = two_pcs
    mai = a.add_person("Lò Thị Mai", phone="0912000001")
    assert a.sync().ok and b.sync().ok
    edit_phone(b, mai, "0912000003")
    edit_phone(a, mai, "0912000002")  # later: wins on B when it arrives
    assert b.sync().ok and a.sync().ok
    page = sync_page(qtbot, context_of(b.db, b.data_dir))
    assert not page.scheduler.running
    page.sync_button.click()  # B receives A's later number: its own loses

    table = page.conflicts.table
    assert table.rows_model.rowCount() == 1
    assert [table.cell(0, c) for c in range(1, 6)] == [
        "Người dân: Lò Thị Mai", "Số điện thoại", "0912000002", "0912000003",
        "Hai máy cùng sửa"]
    assert page.conflicts.status.text() == "1 xung đột cần xem lại."
    assert page.conflicts.other_button.isEnabled()

    page.conflicts.other_button.click()  # keep B's number after all

    with b.db.reading(TESTER) as session:
        assert session.get(Person, mai).phone == "0912000003"  # type: ignore[union-attr]
        assert session.scalars(select(SyncConflict.resolved_at)).one() is not None
    assert table.rows_model.rowCount() == 0
    assert page.conflicts.status.text() == "Không có xung đột nào cần xem lại."
    page.sync_button.click()  # the value put back is an edit of B's: it travels
    assert a.sync().ok
    with a.db.reading(TESTER) as session:
        assert session.get(Person, mai).phone == "0912000003"  # type: ignore[union-attr]


@ON_SQLITE
def test_keeping_the_value_in_use_settles_the_conflict_and_is_in_the_log(
        qtbot: QtBot, two_pcs: tuple[Pc, Pc]) -> None:
    a, b = two_pcs
    mai = a.add_person("Lò Thị Mai", phone="0912000001")
    assert a.sync().ok and b.sync().ok
    edit_phone(b, mai, "0912000003")
    edit_phone(a, mai, "0912000002")
    assert b.sync().ok and a.sync().ok and b.sync().ok
    page = sync_page(qtbot, context_of(b.db, b.data_dir))
    assert page.conflicts.table.rows_model.rowCount() == 1

    page.conflicts.keep_button.click()

    assert page.conflicts.table.rows_model.rowCount() == 0
    with b.db.reading(TESTER) as session:
        assert session.get(Person, mai).phone == "0912000002"  # type: ignore[union-attr]
        [settled] = audit.browse(session, audit.AuditFilter(actions=("sync_conflict",)))
    assert settled.object_id == mai and "Số điện thoại" in settled.summary
    assert "0912" not in settled.summary  # no value in the log


@ON_SQLITE
def test_an_erased_records_conflict_shows_no_values(qtbot: QtBot, two_pcs: tuple[Pc, Pc]
                                                    ) -> None:
    from cdsxa.register import erase

    a, b = two_pcs
    mai = a.add_person("Lò Thị Mai", phone="0912000001")
    assert a.sync().ok and b.sync().ok
    edit_phone(b, mai, "0912000003")  # B edits her, not knowing A erases her
    with a.db.transaction(TESTER) as session:
        erase.erase_person(session, mai, "Người dân yêu cầu xóa dữ liệu")
    assert a.sync().ok
    page = sync_page(qtbot, context_of(b.db, b.data_dir))
    page.sync_button.click()

    table = page.conflicts.table
    rows = [[table.cell(r, c) for c in range(1, 6)] for r in range(table.rows_model.rowCount())]
    assert rows == [["Người dân (đã xóa hẳn)", "Số điện thoại",
                     "(đã xóa hẳn: không giữ giá trị nào)", "", "Sửa hồ sơ đã xóa hẳn"]]
    table.selectRow(0)
    assert not page.conflicts.other_button.isEnabled()  # nothing to put back
    assert page.conflicts.keep_button.isEnabled()


# --- sync by file -----------------------------------------------------------------------

def hub_command_ok(hub: RunningHub, *args: str | Path) -> None:
    from cdsxa.hub import cli as hub_cli

    assert hub_cli.main([*(str(a) for a in args), "--database", hub.database_url]) == 0


@ON_SQLITE
def test_a_sync_file_and_the_provinces_receipt_through_the_page(
        qtbot: QtBot, hub: RunningHub, pc: Pc, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    pc.add_person("Lò Thị Mai")
    waiting = pending(pc)
    page = sync_page(qtbot, context_of(pc.db, pc.data_dir))
    files = page.files
    assert files.isVisible() and files.export_button.isEnabled()
    bundle, receipt = tmp_path / "dong-bo.cdsxa", tmp_path / "bien-nhan.cdsxa"
    monkeypatch.setattr(files, "ask_export_path", lambda: bundle)
    monkeypatch.setattr(files, "ask_receipt_path", lambda: receipt)

    files.export_button.click()
    assert bundle.exists() and not files.error.isVisible()
    assert files.status.text().startswith(f"Đã ghi {waiting} thay đổi vào {bundle}")
    assert pending(pc) == waiting  # only the receipt marks them sent

    hub_command_ok(hub, "import-bundle", bundle, "--out", receipt)  # at the province
    files.receipt_button.click()
    assert not files.error.isVisible()
    assert files.status.text().startswith(f"Đã nhập biên nhận: {waiting} thay đổi")
    assert pending(pc) == 0 and page.pending.text() == "0"  # the page read it again


@ON_SQLITE
def test_a_pc_without_network_enrols_with_the_provinces_file(
        qtbot: QtBot, hub: RunningHub, db: Database, data_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert db.commune_code is not None
    enrol_file = tmp_path / "dang-ky.cdsxa"
    hub_command_ok(hub, "enrol-file", "--commune", str(db.commune_code), "--out", enrol_file)
    page = sync_page(qtbot, context_of(db, data_dir))
    monkeypatch.setattr(page.enrol_form, "ask_file", lambda: enrol_file)

    page.enrol_form.file_button.click()

    assert page.enrolled_box.isVisible() and not page.enrol_form.isVisible()
    assert not page.sync_button.isVisible()  # no network sync for it: files only
    assert page.files.isVisible() and page.start_widget() is page.files.export_button
    assert page.scheduler.next_at is None and not page.scheduler.run_now()


# --- the scheduler ----------------------------------------------------------------------

def test_the_backoff_sequence() -> None:
    assert [delay_minutes(n) for n in range(7)] == [10, 1, 2, 5, 10, 30, 30]
    assert BACKOFF_MINUTES == (1, 2, 5, 10, 30)
    assert delay_minutes(0, interval=15) == 15


@ON_SQLITE
def test_the_scheduler_backs_off_after_failures_and_returns_to_its_interval(
        qtbot: QtBot, hub: RunningHub, pc: Pc) -> None:
    clock = [NOW]
    scheduler = SyncScheduler(context_of(pc.db, pc.data_dir), retry=NO_RETRY,
                              now=lambda: clock[0])
    scheduler.start()
    assert scheduler.next_at == NOW + timedelta(minutes=1)
    assert scheduler.run_now()
    assert scheduler.last is not None and scheduler.last.ok
    assert scheduler.next_at == NOW + timedelta(minutes=10)
    assert scheduler.timer.isActive() and scheduler.timer.interval() == 10 * 60_000

    hub.stop()
    delays = []
    for _ in range(6):
        assert scheduler.run_now()
        assert scheduler.last is not None and scheduler.last.message.startswith(UNREACHABLE)
        assert scheduler.next_at is not None
        delays.append((scheduler.next_at - clock[0]) / timedelta(minutes=1))
        assert scheduler.timer.interval() == delays[-1] * 60_000
        clock[0] = scheduler.next_at  # as if the timer had fired on time
    assert delays == [1, 2, 5, 10, 30, 30]
    with pc.db.reading(TESTER) as session:
        kept = status.history(session)
    assert [a.ok for a in kept] == [False] * 6 + [True]


@ON_SQLITE
def test_the_timer_runs_attempts_by_itself(qtbot: QtBot, pc: Pc) -> None:
    # A "minute" of one millisecond: the first attempt comes at once.
    scheduler = SyncScheduler(context_of(pc.db, pc.data_dir), retry=NO_RETRY, minute_ms=1)
    scheduler.start()
    qtbot.waitUntil(lambda: scheduler.last is not None, timeout=10_000)
    assert scheduler.last is not None and scheduler.last.ok
    assert pending(pc) == 0
    scheduler.stop()
    assert not scheduler.timer.isActive() and scheduler.next_at is None
    assert not scheduler.run_now()  # signed out: nothing more


@ON_SQLITE
def test_only_someone_who_may_sync_starts_it(qtbot: QtBot, pc: Pc) -> None:
    from cdsxa.security.access import Role
    from tests.helpers import signed_in

    signed_in(pc.db)  # the first administrator
    officer = signed_in(pc.db, "Hà Thị Lan", "lan", Role.OFFICER)
    scheduler = SyncScheduler(AppContext(pc.data_dir, pc.db, officer, Changes()))
    scheduler.start()
    assert scheduler.next_at is None and not scheduler.run_now()
    window = MainWindow(AppContext(pc.data_dir, pc.db, officer, Changes()))
    qtbot.addWidget(window)
    window.show()
    # The status still shows: enrolled, nothing sent yet.
    qtbot.waitUntil(lambda: window.sync_label.text().startswith(
        "Đồng bộ: chưa đồng bộ lần nào"), timeout=3000)


@ON_SQLITE
def test_a_lock_stops_the_timer_and_unlocking_plans_again(qtbot: QtBot, pc: Pc) -> None:
    clock = [NOW]
    scheduler = SyncScheduler(context_of(pc.db, pc.data_dir), retry=NO_RETRY,
                              now=lambda: clock[0])
    scheduler.start()
    scheduler.pause()
    assert not scheduler.timer.isActive() and not scheduler.run_now()
    scheduler.resume()  # before the planned time: that time stays
    assert scheduler.next_at == NOW + timedelta(minutes=1)
    scheduler.pause()
    clock[0] = NOW + timedelta(hours=1)
    scheduler.resume()  # long after: one soon
    assert scheduler.next_at == clock[0] + timedelta(minutes=1)


@ON_SQLITE
def test_an_attempt_waiting_on_the_network_holds_neither_a_save_nor_the_close(
        qtbot: QtBot, hub: RunningHub, pc: Pc, monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads for real: the push waits on the network (held by the test), a save goes
    through meanwhile, and stopping returns without waiting for the network; the
    stopped attempt then touches the database no more."""
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    context = context_of(pc.db, pc.data_dir)
    scheduler = SyncScheduler(context, retry=NO_RETRY)
    entered, release = threading.Event(), threading.Event()
    original = scheduler._client

    def held_client(run: Any) -> Any:
        client = original(run)
        request = client.session.request

        def on_the_network(method: str, url: str, **kwargs: Any) -> Any:
            if url.endswith("/push"):  # past the client's own checks: the request is out
                entered.set()
                assert release.wait(60)
            return request(method, url, **kwargs)
        client.session.request = on_the_network  # type: ignore[method-assign]
        return client
    monkeypatch.setattr(scheduler, "_client", held_client)
    acked = pc.count(ChangeLogEntry, ChangeLogEntry.acked_at.is_not(None))
    assert scheduler.run_now()
    assert entered.wait(30) and scheduler.running

    saved: list[object] = []
    assert pc.people() == {}  # nobody yet: the save adds the first person
    from cdsxa.register import villages

    def add(session: Any) -> Any:
        hang = villages.find_by_name(session, "Bản Hang")
        return people.add_person(session, people.PersonInput(
            full_name="Hà Văn Sơn", gender="male", village_id=hang))
    WriteOp(None, context, add).success(saved.append).run_in_background()
    qtbot.waitUntil(lambda: bool(saved), timeout=10_000)
    assert scheduler.running  # the save did not wait for the sync's network wait

    scheduler.stop()  # returns with the attempt still in its network wait
    assert not scheduler.running and scheduler.last is not None and scheduler.last.stopped
    release.set()
    assert scheduler.attempt_thread is not None
    scheduler.attempt_thread.join(60)
    assert not scheduler.attempt_thread.is_alive()
    QApplication.processEvents()
    assert tasks.wait_for_all(10_000)
    # The hub took the batch after the stop, but nothing here was marked sent: it goes
    # again with the next sync, and the hub holds each entry once.
    assert relay_count(hub) > 0
    assert pc.count(ChangeLogEntry, ChangeLogEntry.acked_at.is_not(None)) == acked
    with pc.db.reading(TESTER) as session:
        assert status.history(session) == []  # and no attempt recorded
    assert json.dumps(list(pc.people().values()), ensure_ascii=False) == '["Hà Văn Sơn"]'
