"""The backups folder of a new profile, backups that must not land on the data itself,
and a daily backup that stops working: the officer is told (issue 10)."""

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from cdsxa.cli.main import main
from cdsxa.common.errors import UserError
from cdsxa.db.engine import Database
from cdsxa.profile import backup, paths, restore
from cdsxa.profile.destinations import DataFileDestinationError
from cdsxa.security import keys
from tests.conftest import PASSPHRASE, TESTER


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> None:
    # Scripts unlock with the passphrase; the in-process keyring would do as well.
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASSPHRASE)


def digests(data_dir: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest()
            for f in (paths.database_path(data_dir), data_dir / keys.KEY_FILE)}


def test_command_line_backups_of_a_new_profile_go_into_its_backups_folder(
        db: Database, data_dir: Path, cli: None) -> None:
    db.close()
    assert not paths.backup_dir(data_dir).exists()  # as `cdsxa init` leaves a profile
    assert main(["backup", "--data-dir", str(data_dir)]) == 0
    assert main(["backup", "--data-dir", str(data_dir)]) == 0
    folder = paths.backup_dir(data_dir)
    assert folder.is_dir()
    made = sorted(folder.glob(f"*{backup.SUFFIX}"))
    assert len(made) == 2  # the second did not overwrite the first
    # Restoring one, and the next daily backup, work as on any profile.
    restore.restore(data_dir, made[0], TESTER, key=db.key)
    reopened = Database(paths.database_path(data_dir), db.key)
    try:
        assert backup.auto_backup(reopened, data_dir, datetime.now()) is not None
    finally:
        reopened.close()


def test_a_backups_file_left_by_older_versions_is_kept_inside_the_folder(
        db: Database, data_dir: Path, tmp_path: Path) -> None:
    saved = backup.make_backup(db, tmp_path / f"a{backup.SUFFIX}", "manual", TESTER)
    shutil.move(saved.path, paths.backup_dir(data_dir))  # what `cdsxa backup` wrote
    assert backup.auto_backup(db, data_dir, datetime.now()) is not None
    folder = paths.backup_dir(data_dir)
    kept = [f for f in folder.iterdir() if f.is_file()]
    assert len(kept) == 1 and kept[0].name.endswith(backup.SUFFIX)
    assert backup.inspect_backup(kept[0]).sha256 == saved.sha256  # nothing lost


@pytest.mark.parametrize("name", [paths.DB_FILENAME, keys.KEY_FILE])
def test_a_backup_onto_the_data_itself_is_refused(
        db: Database, data_dir: Path, cli: None, name: str,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    before = digests(data_dir)
    with pytest.raises(DataFileDestinationError):
        backup.make_backup(db, data_dir / name, "manual", TESTER)
    db.close()
    monkeypatch.chdir(data_dir)  # a relative path, as typed in the data folder
    assert main(["backup", "--out", name, "--data-dir", str(data_dir)]) == 1
    assert "tệp dữ liệu của hồ sơ" in capsys.readouterr().err
    assert digests(data_dir) == before


def block_the_daily_backups(data_dir: Path) -> None:
    """Something in the way of backups/auto: the daily backup cannot be written."""
    paths.backup_dir(data_dir).mkdir(exist_ok=True)
    backup.auto_dir(data_dir).write_text("not a folder", "utf-8")


def test_a_failing_daily_backup_is_remembered_and_checked(
        db: Database, data_dir: Path, cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert backup.backup_problem(data_dir) is None
    block_the_daily_backups(data_dir)
    with pytest.raises(UserError, match="thư mục sao lưu"):
        backup.auto_backup(db, data_dir, datetime.now())
    problem = backup.backup_problem(data_dir)
    assert problem is not None and "Sao lưu tự động" in problem and "thư mục" in problem
    db.close()
    assert main(["check", "--data-dir", str(data_dir)]) != 0
    out = capsys.readouterr().out
    assert "Sao lưu tự động" in out and "không chạy được" in out

    backup.auto_dir(data_dir).unlink()  # the officer cleared it: the next one works
    reopened = Database(paths.database_path(data_dir), db.key)
    try:
        assert backup.auto_backup(reopened, data_dir, datetime.now()) is not None
    finally:
        reopened.close()
    assert backup.backup_problem(data_dir) is None


def test_the_window_says_that_daily_backups_stopped(
        qtbot: QtBot, db: Database, data_dir: Path) -> None:
    from cdsxa.ui import app as gui_app
    from cdsxa.ui.backup_panel import BackupPanel
    from cdsxa.ui.context import AppContext, Changes

    block_the_daily_backups(data_dir)
    application = QApplication.instance()
    assert isinstance(application, QApplication)
    shell = gui_app.Shell(application, data_dir, db)
    window = shell.start(TESTER)
    qtbot.addWidget(window)
    shell.back_up_today()
    qtbot.waitUntil(lambda: not shell.backing_up, timeout=10_000)
    warnings = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert len(warnings) == 1
    assert "thư mục sao lưu" in warnings[0].text()  # why, in the service's Vietnamese
    warnings[0].close()
    shell.back_up_today()  # still failing an hour later: told once, not every hour
    qtbot.waitUntil(lambda: not shell.backing_up, timeout=10_000)
    assert not [w for w in window.findChildren(QMessageBox) if w.isVisible()]

    panel = BackupPanel(AppContext(data_dir, db, TESTER, Changes()))
    qtbot.addWidget(panel)
    assert panel.stopped.isVisibleTo(panel) and "thư mục sao lưu" in panel.stopped.text()
    window.idle_lock.stop()
