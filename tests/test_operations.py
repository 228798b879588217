"""Work off the UI thread (cdsxa.ui.operations) through real widgets: what a write
announces, what a failure says, one writer at a time, the busy indicator, stale searches."""

import logging
import threading
import types
import uuid
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget
from pytestqt.qtbot import QtBot

from cdsxa.common.errors import UserError
from cdsxa.db.engine import Database
from cdsxa.db.session import AppSession
from cdsxa.register import villages
from cdsxa.ui import operations, tasks
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.operations import QueryOp, WriteOp
from cdsxa.ui.person_form import PersonForm
from cdsxa.ui.person_picker import PersonPicker
from tests.conftest import TESTER
from tests.helpers import person

pytestmark = pytest.mark.usefixtures("vietnamese", "inline_work")


@pytest.fixture
def context(db: Database, data_dir: Path) -> AppContext:
    return AppContext(data_dir, db, TESTER, Changes())


@pytest.fixture
def announced(context: AppContext) -> list[frozenset[str]]:
    heard: list[frozenset[str]] = []
    context.changes.changed.connect(heard.append)
    return heard


@pytest.fixture
def widget(qtbot: QtBot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    return parent


@pytest.fixture
def threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real threads: the writer and Qt's pool."""
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)


def village_names(db: Database) -> list[str]:
    with db.reading(TESTER) as session:
        return [v.name for v in villages.list_all(session)]


def error_dialogs() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "errorDialog" and w.isVisible()]


def busy_indicators() -> list[QProgressDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QProgressDialog) and w.isVisible()]


def close_dialogs() -> None:
    for box in error_dialogs():
        box.close()


# --- what a write announces -----------------------------------------------------------

def test_saving_a_person_announces_what_it_wrote_and_a_save_without_change_nothing(
    qtbot: QtBot, context: AppContext, db: Database, announced: list[frozenset[str]]
) -> None:
    citizen = person(db, "Lò Thị Mai")
    form = PersonForm(context, person_id=citizen)
    qtbot.addWidget(form)
    form.show()
    form.phone.setText("0912 345 678")
    form.save()
    assert not form.isVisible() and not form.error.isVisible()
    assert announced == [frozenset({"person"})]  # not support_session, household, …

    again = PersonForm(context, person_id=citizen)
    qtbot.addWidget(again)
    again.show()
    again.save()  # nothing changed: nothing written, nothing to refresh
    assert not again.isVisible() and announced == [frozenset({"person"})]


def test_a_write_announces_exactly_the_tables_its_transaction_wrote(
    widget: QWidget, context: AppContext, announced: list[frozenset[str]]
) -> None:
    op = WriteOp(widget, context, lambda session: villages.add(session, "Bản Nậm Xa"))
    results: list[object] = []
    op.success(results.append).run_in_background()
    assert announced == [frozenset({"village"})] == [op.written]
    assert len(results) == 1 and op.finished  # the new village's id, after the announcement


# --- failures ---------------------------------------------------------------------------

def test_a_refused_write_says_why_in_vietnamese_and_writes_nothing(
    widget: QWidget, context: AppContext, db: Database, announced: list[frozenset[str]]
) -> None:
    def work(session: AppSession) -> None:
        villages.add(session, "Bản Nậm Xa")
        session.flush()  # written inside the transaction, then refused
        raise UserError("Không lưu được: thiếu thông tin.")

    succeeded: list[object] = []
    WriteOp(widget, context, work).success(succeeded.append).run_in_background()
    shown = error_dialogs()
    assert [box.text() for box in shown] == ["Không lưu được: thiếu thông tin."]
    assert shown[0].windowTitle() == "CĐS Xã"
    close_dialogs()
    assert "Bản Nậm Xa" not in village_names(db)
    assert announced == [] and succeeded == []


def test_an_unexpected_error_keeps_its_details_in_the_log_only(
    widget: QWidget, context: AppContext, db: Database, announced: list[frozenset[str]],
    caplog: pytest.LogCaptureFixture
) -> None:
    def work(session: AppSession) -> None:
        villages.add(session, "Bản Nậm Xa")
        raise RuntimeError("chi tiết nội bộ 0912345678")

    caught: list[Exception] = []
    with caplog.at_level(logging.ERROR, logger="cdsxa.ui.tasks"):
        op = WriteOp(widget, context, work).failure(caught.append)
        op.run_in_background()
        QueryOp(widget, lambda: 1 / 0).run_in_background()  # the default: a dialog
    assert [type(e) for e in caught] == [RuntimeError]
    shown = error_dialogs()
    assert [box.text() for box in shown] == [
        "Đã xảy ra lỗi không mong đợi: việc vừa làm có thể chưa được lưu. Hãy kiểm tra rồi "
        "thử lại; nếu vẫn lỗi, hãy ghi lại việc đã làm và gửi tệp nhật ký (cdsxa.log trong "
        "thư mục dữ liệu) cho người hỗ trợ CĐS Xã."]
    close_dialogs()
    assert "ZeroDivisionError" in caplog.text and "RuntimeError" in caplog.text
    assert "Bản Nậm Xa" not in village_names(db) and announced == []


def test_nothing_is_called_back_on_a_widget_that_is_gone(
    qtbot: QtBot, context: AppContext, threaded: None
) -> None:
    release = threading.Event()
    gone = QWidget()
    called: list[object] = []
    op = QueryOp(gone, lambda: release.wait(10)).success(called.append)
    op.run_in_background()
    gone.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(gone), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: op.finished, timeout=5000)
    assert called == []


# --- one writer ---------------------------------------------------------------------------

def test_two_writes_run_one_after_the_other_on_the_writer_thread(
    qtbot: QtBot, widget: QWidget, context: AppContext, db: Database,
    announced: list[frozenset[str]], threaded: None
) -> None:
    release = threading.Event()
    lock = threading.Lock()
    events: list[tuple[str, str]] = []
    threads: set[int] = set()
    running, most = [0], [0]

    def adding(name: str, wait: threading.Event | None = None) -> WriteOp[str]:
        def work(session: AppSession) -> str:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
                events.append(("start", name))
                threads.add(threading.get_ident())
            if wait is not None:
                assert wait.wait(10)
            villages.add(session, name)
            session.flush()
            with lock:
                running[0] -= 1
                events.append(("end", name))
            return name
        return WriteOp(widget, context, work).without_progress()

    first, second = adding("Bản A", release), adding("Bản B")
    first.run_in_background()
    second.run_in_background()
    qtbot.waitUntil(lambda: ("start", "Bản A") in events, timeout=5000)
    # Both are handed to the writer; the second waits in its queue, not on another thread.
    assert tasks.writer_pool().activeThreadCount() == 1
    assert operations.writing(widget)
    release.set()
    qtbot.waitUntil(lambda: first.finished and second.finished, timeout=10_000)

    assert events == [("start", "Bản A"), ("end", "Bản A"), ("start", "Bản B"), ("end", "Bản B")]
    assert most == [1] and len(threads) == 1 and threading.get_ident() not in threads
    assert announced == [frozenset({"village"}), frozenset({"village"})]
    assert {"Bản A", "Bản B"} <= set(village_names(db)) and not operations.writing(widget)


# --- the busy indicator -------------------------------------------------------------------

def test_a_quick_save_shows_no_busy_indicator(
    qtbot: QtBot, widget: QWidget, context: AppContext, threaded: None
) -> None:
    op = WriteOp(widget, context, lambda session: villages.add(session, "Bản Nậm Xa"))
    op.run_in_background()
    tasks.writer_pool().waitForDone()  # done long before the indicator would show
    qtbot.waitUntil(lambda: op.finished, timeout=5000)
    assert not op.progress_shown and busy_indicators() == []


def test_work_that_lasts_shows_the_busy_indicator_until_it_ends(
    qtbot: QtBot, widget: QWidget, context: AppContext, threaded: None
) -> None:
    release = threading.Event()

    def slow(session: AppSession) -> None:
        assert release.wait(10)
        villages.add(session, "Bản Nậm Xa")

    op = WriteOp(widget, context, slow)
    op.run_in_background()
    qtbot.waitUntil(lambda: op.progress is not None and op.progress.isVisible(), timeout=5000)
    assert op.progress is not None and op.progress.labelText() == "Đang lưu…"
    assert not op.finished
    release.set()
    qtbot.waitUntil(lambda: op.finished, timeout=5000)
    assert op.progress is None and busy_indicators() == []

    query_release = threading.Event()
    query = QueryOp(widget, lambda: query_release.wait(10)).with_progress("Đang đọc tệp…")
    query.run_in_background()
    qtbot.waitUntil(lambda: query.progress is not None, timeout=5000)
    assert query.progress is not None and query.progress.labelText() == "Đang đọc tệp…"
    query_release.set()
    qtbot.waitUntil(lambda: query.finished and busy_indicators() == [], timeout=5000)


def test_a_query_shows_no_indicator_unless_asked(
    qtbot: QtBot, widget: QWidget, threaded: None
) -> None:
    release = threading.Event()
    op = QueryOp(widget, lambda: release.wait(10))
    op.run_in_background()
    qtbot.wait(operations.PROGRESS_DELAY_MS + 200)  # past the delay: the work still waits
    assert not op.finished and not op.progress_shown
    release.set()
    qtbot.waitUntil(lambda: op.finished, timeout=5000)


# --- stale searches -----------------------------------------------------------------------

def found(name: str) -> object:
    return types.SimpleNamespace(id=uuid.uuid4(), full_name=name, birth=1990,
                                 village="Bản Hang", id_number=None, phone=None)


def test_the_picker_drops_the_answer_to_older_typing(qtbot: QtBot, threaded: None) -> None:
    slow = threading.Event()

    def search(text: str) -> list[object]:
        if text == "lo":
            assert slow.wait(10)  # the first keystrokes' search ends last
            return [found("Lò Văn Cũ"), found("Lò Thị Cũ")]
        return [found("Lò Thị Mai")]

    picker = PersonPicker(search)
    qtbot.addWidget(picker)
    picker.show()
    picker.edit.setText("lo")
    picker.refresh()
    picker.edit.setText("lo thi m")
    picker.refresh()
    qtbot.waitUntil(lambda: picker.matches.count() == 1, timeout=5000)
    slow.set()
    qtbot.waitUntil(lambda: not operations._running, timeout=5000)  # the old answer came
    assert [picker.matches.item(i).text().split(" · ")[0]
            for i in range(picker.matches.count())] == ["Lò Thị Mai"]
    assert not picker.searching


def test_enter_before_the_matches_came_takes_the_first_once_they_do(
    qtbot: QtBot, threaded: None
) -> None:
    release = threading.Event()

    def search(text: str) -> list[object]:
        assert release.wait(10)
        return [found("Lò Thị Mai")]

    picker = PersonPicker(search)
    qtbot.addWidget(picker)
    picker.show()
    picker.edit.setText("lo thi")
    picker.refresh()
    assert picker._enter() and picker.chosen is None  # Enter: the search still runs
    release.set()
    qtbot.waitUntil(lambda: picker.chosen is not None, timeout=5000)
    assert picker.chosen.full_name == "Lò Thị Mai" and picker.edit.text() == "Lò Thị Mai"
