"""The GUI and the profile's lock, and the daily backup of an app left open for days."""

import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from unittest.mock import ANY

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from cdsxa.db.engine import Database
from cdsxa.profile import backup
from cdsxa.profile import lock as profile_lock
from cdsxa.profile.lock import ProfileInUse
from cdsxa.security import audit
from cdsxa.ui import app as gui_app
from cdsxa.ui import tasks
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.operations import QueryOp
from tests.conftest import TESTER
from tests.test_profile_lock import IN_USE, data_hashes


def the_app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


# --- one window per data folder ------------------------------------------------------

def test_a_second_window_says_why_and_touches_nothing(
    qapp: QApplication, db: Database, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *rest: shown.append(text)))
    with profile_lock.hold(data_dir):  # the first window
        before = data_hashes(data_dir)
        assert gui_app.run(data_dir) == 1
        assert data_hashes(data_dir) == before
    assert len(shown) == 1 and IN_USE in shown[0] and str(data_dir) in shown[0]


def test_the_window_holds_the_lock_while_the_profile_is_open(
    qapp: QApplication, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused: list[str] = []

    def startup(self: gui_app.Startup) -> int:  # the wizard, sign-in and window alike
        with pytest.raises(ProfileInUse) as raised:
            profile_lock.hold(self.data_dir)
        refused.append(raised.value.message)
        return 0

    monkeypatch.setattr(gui_app.Startup, "run", startup)
    assert gui_app.run(data_dir, self_test=True) == 0
    assert len(refused) == 1
    profile_lock.hold(data_dir).release()  # let go once the app is done


def test_the_self_test_is_refused_without_waiting_on_a_dialog(tmp_path: Path) -> None:
    target = tmp_path / "none"
    with profile_lock.hold(target):
        result = subprocess.run(
            [sys.executable, "-m", "cdsxa", "--self-test", "--data-dir", str(target)],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 1 and IN_USE in result.stderr
    assert data_hashes(target) == {profile_lock.LOCK_FILE: ANY}  # no profile was begun


def test_the_window_restores_a_backup_while_it_holds_the_lock(
    qtbot: QtBot, db: Database, data_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdsxa.ui.backup_panel import BackupPanel

    monkeypatch.setattr(tasks, "SYNCHRONOUS", True)
    saved = backup.make_backup(db, tmp_path / f"saved{backup.SUFFIX}", "manual", TESTER)
    with profile_lock.hold(data_dir):  # as gui_app.run holds it
        panel = BackupPanel(AppContext(data_dir, db, TESTER, Changes()))
        qtbot.addWidget(panel)
        with qtbot.waitSignal(panel.restart_requested, timeout=5000):
            panel.restore(saved.path)
        assert not panel.error.isVisible()
    with db.reading(TESTER) as session:  # the panel closed it; the engine opens the new file
        assert len(audit.browse(session, audit.AuditFilter(actions=("restore",)))) == 1


# --- the daily backup, checked every hour ----------------------------------------------

def auto_days(data_dir: Path) -> list[str]:
    return sorted(f.name[len("cdsxa-"):][:8] for f in backup.auto_dir(data_dir).glob(
        f"cdsxa-*{backup.SUFFIX}"))


def test_an_app_left_open_makes_the_next_days_backup(
    qtbot: QtBot, db: Database, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [datetime(2026, 3, 20, 17, 0).astimezone()]
    monkeypatch.setattr(gui_app, "_now", lambda: clock[0])
    shell = gui_app.Shell(the_app(), data_dir, db, backup_check_ms=20)
    shell.start_daily_backups()  # at start: today's
    qtbot.waitUntil(lambda: not shell.backing_up and auto_days(data_dir) == ["20260320"])
    qtbot.wait(100)  # some checks later, the same day: nothing more
    assert auto_days(data_dir) == ["20260320"]

    clock[0] = datetime(2026, 3, 21, 8, 0).astimezone()  # the PC stayed on overnight
    qtbot.waitUntil(lambda: auto_days(data_dir) == ["20260320", "20260321"], timeout=5000)
    qtbot.wait(100)
    assert auto_days(data_dir) == ["20260320", "20260321"]
    shell.stop_daily_backups()
    assert not shell.backup_timer.isActive()
    QThreadPool.globalInstance().waitForDone()


def test_the_check_waits_while_other_work_runs(
    qtbot: QtBot, db: Database, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A restore from Settings runs in the pool with the profile closed.
    monkeypatch.setattr(gui_app, "_now", lambda: datetime(2026, 3, 20, 9, 0).astimezone())
    shell = gui_app.Shell(the_app(), data_dir, db, backup_check_ms=20)
    release = threading.Event()
    QueryOp(None, lambda: release.wait(10)).run_in_background()
    try:
        shell.backup_timer.start()
        qtbot.wait(150)
        assert auto_days(data_dir) == [] and not shell.backing_up
    finally:
        release.set()
    qtbot.waitUntil(lambda: auto_days(data_dir) == ["20260320"], timeout=5000)
    shell.stop_daily_backups()
    QThreadPool.globalInstance().waitForDone()


def test_a_backup_still_running_is_not_started_twice(
    db: Database, data_dir: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> None:
    started: list[bool] = []
    monkeypatch.setattr(gui_app, "_daily_backup",
                        lambda db, data_dir, finished: started.append(True))
    shell = gui_app.Shell(the_app(), data_dir, db)
    shell.back_up_today()
    shell.back_up_today()  # the first has not finished
    assert started == [True] and shell.backing_up
