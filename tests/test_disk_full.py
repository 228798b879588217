"""A full disk is told as it is (issue 10): nothing lost, in Vietnamese, with the room to
make; never as damage ("restore the latest backup" would throw away recent work), never
as raw English.

Two ways to fill a disk that work everywhere: SQLite's own limit (PRAGMA max_page_count:
SQLite then reports SQLITE_FULL for real), and file writes that fail with ENOSPC once the
room is used up. And a real small tmpfs, where this machine lets us mount one.
"""

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from cdsxa.cli.main import EXIT_CHECK_FAILED, EXIT_USER_ERROR, main
from cdsxa.common import disk_space
from cdsxa.common.disk_space import DiskFull
from cdsxa.common.errors import UserError
from cdsxa.db import engine as db_engine
from cdsxa.db import migrate
from cdsxa.db.engine import Database, make_engine
from cdsxa.profile import paths, storage
from cdsxa.security import keys
from cdsxa.ui import errors
from cdsxa.ui.context import AppContext, Changes
from cdsxa.ui.person_form import PersonForm
from tests.conftest import PASSPHRASE, TESTER, ProfileTemplate
from tests.helpers import person, signed_in
from tests.test_excel_import import write_list

RAW_ENGLISH = ("OperationalError", "sqlalche.me", "Errno", "disk is full", "No space left")


def told_disk_full(message: str) -> None:
    """What an officer must read: the disk is full, and how much room to make."""
    assert "đã đầy" in message and "Cần còn trống ít nhất khoảng" in message, message
    assert "bị hỏng, hoặc" not in message and "khôi phục từ bản sao lưu gần nhất" not in message
    for english in RAW_ENGLISH:
        assert english not in message, message


# --- the database's contents, read as they are on disk --------------------------------

def contents(db_path: Path, key: keys.DataKey | None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, through a connection of its own; and readable whole."""
    connection = db_engine.connect(db_path, key)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = [t for t in tables if not t.startswith("sqlite_stat")]  # the planner's own
        return {table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(),
                              key=repr)
                for table in tables}
    finally:
        connection.close()


# --- SQLite's limit: a database file that may not grow -------------------------------

def no_growth(dbapi_connection: Any, _record: object = None) -> None:
    pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
    dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")


@pytest.fixture
def no_room(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every database opened from now on may not grow its file: its disk is full."""
    original = db_engine._on_connect

    def limited(dbapi_connection: Any, record: object) -> None:
        original(dbapi_connection, record)
        no_growth(dbapi_connection)
    monkeypatch.setattr(db_engine, "_on_connect", limited)


@pytest.fixture
def full(db: Database, no_room: None) -> Database:
    """The `db` fixture's profile on a disk that has just filled up with saves."""
    db.engine.dispose()  # its connections from now on are limited too
    event.listen(db.engine, "connect", no_growth)
    for number in range(2000):
        try:
            person(db, name=f"Lò Thị Mai {'ABCDEGHIKLMNOPQRSTUVXY'[number % 22]}",
                   notes="Ghi chú dài. " * 140)
        except Exception:
            return db
    raise AssertionError("the database never filled up")


def test_a_full_disk_during_a_save_loses_nothing_and_says_so(full: Database) -> None:
    before = contents(full.path, full.key)
    with pytest.raises(DiskFull) as refused:
        person(full, name="Hà Văn Dũng", notes="Ghi chú dài. " * 140)
    told_disk_full(refused.value.message)
    assert f"Ổ đĩa chứa {full.path.parent}" in refused.value.message
    assert "chưa được lưu" in refused.value.message and "nguyên vẹn" in refused.value.message
    assert contents(full.path, full.key) == before
    # The database goes on working: a read, and a save once there is room.
    full.engine.dispose()
    event.remove(full.engine, "connect", no_growth)
    person(full, name="Hà Văn Dũng")


IMPORT_NAMES = [f"{family} {middle} {given}" for family in ("Lò", "Hà", "Vi", "Cầm", "Lương")
                for middle in ("Văn", "Thị", "Đức", "Minh")
                for given in ("Tâm", "Mai", "Dũng", "Lan", "Hoa", "Pọm", "Nga", "Ánh", "Sơn")]


def import_rows() -> list[list[object] | None]:
    """180 people in 180 households, each with outcomes: a commune's list."""
    return [[n + 1, name, 1960 + n % 40, "Nữ" if " Thị " in name else "Nam", None, None,
             "Bản Hang", f"HK{n:03}", "Chủ hộ", "Có", None, "Mức 2"]
            for n, name in enumerate(IMPORT_NAMES)]


def test_a_full_disk_during_an_import_imports_nothing_and_says_so(
        full: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_list(tmp_path / "ds.xlsx", import_rows())
    before = contents(full.path, full.key)
    capsys.readouterr()
    code = main(["import", "people", str(sheet), "--data-dir", str(data_dir)])
    shown = capsys.readouterr().err
    assert code == EXIT_USER_ERROR
    told_disk_full(shown)
    assert shown.startswith("cdsxa: ") and "chưa nhập dòng nào" in shown
    assert contents(full.path, full.key) == before


def test_a_full_disk_during_a_save_in_the_window_is_told_in_vietnamese(
        qtbot: QtBot, full: Database, data_dir: Path, vietnamese: None, inline_work: None
) -> None:
    form = PersonForm(AppContext(data_dir, full, signed_in(full), Changes()))
    before = contents(full.path, full.key)  # the sign-in itself may write
    qtbot.addWidget(form)
    form.show()
    form.name.insert("Hà Văn Dũng")
    form.gender.setCurrentIndex(form.gender.findData("male"))
    form.notes.setText("Ghi chú dài. " * 140)
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    assert form.isVisible() and form.error.isVisible()  # what was typed is still there
    told_disk_full(form.error.text())
    assert "không mong đợi" not in form.error.text()
    assert contents(full.path, full.key) == before


def test_a_full_disk_anywhere_else_is_told_by_the_windows_error_path(
        qtbot: QtBot, vietnamese: None, monkeypatch: pytest.MonkeyPatch) -> None:
    error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/tmp/ds.xlsx")
    told_disk_full(errors.user_message(error))
    quota = OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))
    told_disk_full(errors.user_message(quota))
    assert "không mong đợi" in errors.user_message(RuntimeError("something else"))
    monkeypatch.setattr(sys, "excepthook", errors.excepthook)
    errors.excepthook(OSError, error, None)

    def boxes() -> list[QMessageBox]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
                and w.objectName() == "errorDialog" and w.isVisible()]
    qtbot.waitUntil(lambda: len(boxes()) == 1)
    shown = boxes()[0]
    told_disk_full(shown.text())
    shown.close()


def test_a_full_disk_in_any_command_is_told_in_vietnamese(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cdsxa.cli import main as cli_main

    def full_disk(*_: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(cli_main, "_cmd_check", full_disk)
    assert main(["check", "--data-dir", str(data_dir)]) == EXIT_USER_ERROR
    told_disk_full(capsys.readouterr().err)


# --- file writes: a disk with room for so many bytes ---------------------------------

class RoomFor:
    """A file on a disk with `room` bytes free: past them, writes fail with ENOSPC."""

    def __init__(self, handle: Any, room: int) -> None:
        self.handle, self.room = handle, room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.handle.write(data[:self.room])  # as the OS does: what fits, then the error
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return int(self.handle.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)

    def __enter__(self) -> "RoomFor":
        return self

    def __exit__(self, *_: object) -> None:
        self.handle.close()


def test_a_full_disk_during_a_backup_keeps_the_previous_file_and_leaves_no_part(
        db: Database, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    target = usb / "xa-muong-lat.cdsxa-backup"
    assert main(["backup", "--out", str(target), "--data-dir", str(data_dir)]) == 0
    previous = target.read_bytes()
    person(db, name="Hà Văn Dũng")  # work done since, that the next backup would hold
    before = contents(db.path, db.key)
    opened = paths.open_private
    monkeypatch.setattr(paths, "open_private",
                        lambda path, text=False: RoomFor(opened(path, text), 100_000))
    capsys.readouterr()
    code = main(["backup", "--out", str(target), "--data-dir", str(data_dir)])
    shown = capsys.readouterr().err
    assert code == EXIT_USER_ERROR
    told_disk_full(shown)
    assert f"Ổ đĩa chứa {usb}" in shown and "Bản sao lưu chưa được tạo" in shown
    assert target.read_bytes() == previous  # the previous backup is untouched
    assert sorted(f.name for f in usb.iterdir()) == [target.name]  # no partial file
    assert not paths.snapshot_path(db.path).exists()
    assert contents(db.path, db.key) == before


# --- at open ---------------------------------------------------------------------------

def copy_profile(template: ProfileTemplate, data_dir: Path) -> keys.DataKey:
    """The `db` fixture's profile, closed."""
    shutil.copytree(template.data_dir, data_dir, dirs_exist_ok=True)
    assert keys._keyring_put(template.profile_id, template.key)
    return template.key


def shm_cannot_grow(*_: object) -> Any:
    # What SQLite says when the -shm file of a WAL database cannot grow (seen on a full
    # tmpfs below): an I/O error, not SQLITE_FULL.
    error = sqlcipher.OperationalError("disk I/O error")
    error.sqlite_errorcode = 10  # type: ignore[attr-defined]
    error.sqlite_errorname = "SQLITE_IOERR"  # type: ignore[attr-defined]
    raise error


def free_bytes(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    real = shutil.disk_usage

    def usage(path: Any) -> Any:
        total = real(path).total
        return shutil._ntuple_diskusage(total, total - free, free)
    monkeypatch.setattr(shutil, "disk_usage", usage)


def test_a_full_disk_at_open_is_not_called_damaged(
        profile_template: ProfileTemplate, data_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    key = copy_profile(profile_template, data_dir)
    before = contents(paths.database_path(data_dir), key)
    monkeypatch.setattr(db_engine, "connect", shm_cannot_grow)
    free_bytes(monkeypatch, 4096)
    with pytest.raises(DiskFull) as refused:
        storage.open_profile(data_dir)
    told_disk_full(refused.value.message)
    assert "KHÔNG bị hỏng" in refused.value.message
    assert "chỉ còn trống 4 kB" in refused.value.message
    monkeypatch.undo()
    assert contents(paths.database_path(data_dir), key) == before
    storage.open_profile(data_dir).close()


def test_an_io_error_with_room_on_the_disk_is_still_reported_as_it_was(
        profile_template: ProfileTemplate, data_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    copy_profile(profile_template, data_dir)
    monkeypatch.setattr(db_engine, "connect", shm_cannot_grow)
    free_bytes(monkeypatch, 10**9)
    with pytest.raises(UserError) as refused:
        storage.open_profile(data_dir)
    assert not isinstance(refused.value, DiskFull)
    assert "bị hỏng" in refused.value.message


def test_a_full_disk_during_the_upgrade_at_open_is_not_called_a_failed_upgrade(
        profile_template: ProfileTemplate, data_dir: Path, no_room: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    key = copy_profile(profile_template, data_dir)
    db_path = paths.database_path(data_dir)
    older = make_engine(db_path, key)
    migrate.downgrade(older, "0006")  # a profile of the previous release
    raw = older.raw_connection()  # autocommit, as VACUUM needs
    try:
        raw.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
    finally:  # no free pages left: the upgrade must grow the file
        raw.close()
    older.dispose()
    before = contents(db_path, key)
    with pytest.raises(DiskFull) as refused:
        storage.open_profile(data_dir)
    told_disk_full(refused.value.message)
    assert "KHÔNG bị hỏng" in refused.value.message
    assert contents(db_path, key) == before  # still the older schema, every row
    monkeypatch.undo()  # room again: the upgrade runs
    storage.open_profile(data_dir).close()


# --- a real full disk: a small tmpfs -------------------------------------------------

@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs, where this machine lets us mount one (root on Linux, not most CI
    containers)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux")
    folder = tmp_path / "disk"
    folder.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                                 capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill the disk up, then give `leave` bytes back."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 65536)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
        try:
            while True:
                os.write(descriptor, b"\0" * 512)
        except OSError:
            pass
    finally:
        os.close(descriptor)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def test_a_real_full_disk_at_open_and_during_saves(
        small_disk: Path, profile_template: ProfileTemplate) -> None:
    data_dir = small_disk / "profile"
    key = copy_profile(profile_template, data_dir)
    before = contents(paths.database_path(data_dir), key)
    filler = fill(small_disk)
    with pytest.raises(DiskFull) as refused:
        storage.open_profile(data_dir)
    told_disk_full(refused.value.message)
    assert "KHÔNG bị hỏng" in refused.value.message
    os.truncate(filler, filler.stat().st_size - 200_000)  # room to open, not for much more
    db = storage.open_profile(data_dir)
    try:
        fill(small_disk, leave=100_000)  # room for a few saves
        saved = before
        with pytest.raises(DiskFull) as full:
            for number in range(500):
                person(db, name=f"Lò Thị Mai {'ABCDEGHIKLMNOPQRSTUVXY'[number % 22]}",
                       notes="Ghi chú dài. " * 140)
                saved = contents(db.path, key)
        told_disk_full(full.value.message)
        assert saved != before  # some saves went in before the disk was full
    finally:
        db.close()
    filler.unlink()
    assert contents(paths.database_path(data_dir), key) == saved


def test_a_real_full_disk_during_an_import_asks_for_room_in_proportion(
        small_disk: Path, profile_template: ProfileTemplate, tmp_path: Path) -> None:
    from cdsxa.excel import people_import

    data_dir = small_disk / "profile"
    key = copy_profile(profile_template, data_dir)
    sheet = write_list(tmp_path / "ds.xlsx", import_rows())
    db = storage.open_profile(data_dir)
    try:
        before = contents(db.path, key)
        fill(small_disk, leave=150_000)
        with db.reading(TESTER) as session:
            preview = people_import.preview(session, people_import.read_sheet(sheet))
        with pytest.raises(DiskFull) as full:
            with db.transaction(TESTER) as session:
                people_import.apply(session, preview)
        told_disk_full(full.value.message)
        # Some hundred people with their households and outcomes: more than a save's margin.
        assert full.value.needed > disk_space.SAVE_MARGIN + 100 * disk_space.PER_ROW
    finally:
        db.close()
    assert contents(paths.database_path(data_dir), key) == before


def cdsxa(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", keys.PASSPHRASE_ENV: PASSPHRASE}
    env.pop("CDSXA_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "cdsxa", *args], capture_output=True,
                          text=True, env=env, timeout=180)


def test_a_real_full_disk_during_a_command_line_backup(
        small_disk: Path, db: Database, data_dir: Path) -> None:
    target = small_disk / "xa-muong-lat.cdsxa-backup"
    done = cdsxa("backup", "--out", str(target), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    previous = target.read_bytes()
    person(db, name="Hà Văn Dũng", notes="Ghi chú dài. " * 140)
    fill(small_disk, leave=50_000)
    failed = cdsxa("backup", "--out", str(target), "--data-dir", str(data_dir))
    assert failed.returncode == EXIT_USER_ERROR, failed.stderr
    told_disk_full(failed.stderr)
    assert f"Ổ đĩa chứa {small_disk}" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert target.read_bytes() == previous
    assert sorted(f.name for f in small_disk.iterdir()) == sorted([target.name, "filler"])


def test_a_real_full_disk_under_the_profile_during_a_command_line_backup(
        small_disk: Path, profile_template: ProfileTemplate) -> None:
    data_dir = small_disk / "profile"
    key = copy_profile(profile_template, data_dir)
    before = contents(paths.database_path(data_dir), key)
    fill(small_disk, leave=300_000)  # room to open; not for the snapshot beside it
    failed = cdsxa("backup", "--data-dir", str(data_dir))
    assert failed.returncode == EXIT_USER_ERROR, failed.stderr
    told_disk_full(failed.stderr)
    assert "Bản sao lưu chưa được tạo" in failed.stderr
    assert "Traceback" not in failed.stderr and "Logging error" not in failed.stderr
    assert not paths.snapshot_path(paths.database_path(data_dir)).exists()
    assert contents(paths.database_path(data_dir), key) == before


def test_a_real_full_disk_at_open_from_the_command_line(
        small_disk: Path, profile_template: ProfileTemplate) -> None:
    data_dir = small_disk / "profile"
    copy_profile(profile_template, data_dir)
    fill(small_disk)  # not a byte left, not even for the log file
    for command in (["backup"], ["check"]):
        failed = cdsxa(*command, "--data-dir", str(data_dir))
        assert failed.returncode in (EXIT_USER_ERROR, EXIT_CHECK_FAILED), failed.stderr
        told_disk_full(failed.stderr)
        assert "KHÔNG bị hỏng" in failed.stderr
        assert "Traceback" not in failed.stderr and "Logging error" not in failed.stderr
        assert "LỖI" not in failed.stdout and "disk I/O error" not in failed.stdout
