"""The profile's safety: who may have it open while a restore runs, what killed runs
leave behind, an empty database file, and who may read the data folder.

Real processes hold the locks (`subprocess`), as a window or a command would.
"""

import os
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from cdsxa.db.engine import Database
from cdsxa.profile import backup, paths, storage
from cdsxa.profile import lock as profile_lock
from cdsxa.register import villages
from cdsxa.security import keys
from tests.conftest import PASSPHRASE, TESTER
from tests.helpers import person
from tests.test_profile_lock import IN_USE, cdsxa
from tests.test_profile_lock import data_hashes as all_hashes

BEING_REPLACED = "đang được khôi phục từ bản sao lưu"

# A command with the profile open (an import, say): it writes a village when told to.
WRITER = """
import sys
from pathlib import Path
from cdsxa.profile import storage
from cdsxa.register import villages
from cdsxa.security.access import command_line
db = storage.open_profile(Path(sys.argv[1]))
print("open", flush=True)
sys.stdin.readline()
try:
    with db.transaction(command_line()) as session:
        villages.add(session, "Bản Mới")
    print("saved", flush=True)
except Exception as exc:
    print("refused:", getattr(exc, "message", exc), flush=True)
db.close()
"""

# A restore (or an encryption) in progress: holds the profile until killed.
REPLACER = ("import sys, time; from pathlib import Path; from cdsxa.profile import lock; "
            "held = lock.replacing(Path(sys.argv[1])); print('held', flush=True); "
            "time.sleep(600)")

# A backup killed while writing: it stops once the snapshot and the .part file exist.
SLOW_BACKUP = """
import os, sys, time
from pathlib import Path
from cdsxa.profile import backup, storage
from tests.conftest import TESTER
def stuck(*args):
    print("writing", flush=True)
    time.sleep(600)
os.replace = stuck
db = storage.open_profile(Path(sys.argv[1]))
backup.make_backup(db, Path(sys.argv[2]), "manual", TESTER)
"""


def data_hashes(folder: Path) -> dict[str, str]:
    """The data's files (a refused command may have made a lock file, which is no data)."""
    return {name: digest for name, digest in all_hashes(folder).items()
            if Path(name).name not in profile_lock.LOCK_FILES}


def env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", keys.PASSPHRASE_ENV: PASSPHRASE}


def started(script: str, *args: str, ready: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", script, *args], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env=env())
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != ready:
        process.kill()
        raise AssertionError(f"the helper process said {line!r}")
    return process


def stop(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait(timeout=30)


def village_names(data_dir: Path) -> set[str]:
    db = storage.open_profile(data_dir)
    try:
        with db.reading(TESTER) as session:
            return {v.name for v in villages.list_all(session)}
    finally:
        db.close()


@pytest.fixture
def saved(db: Database, tmp_path: Path) -> Iterator[Path]:
    """A backup of the `db` profile, which is then closed."""
    made = backup.make_backup(db, tmp_path / f"saved{backup.SUFFIX}", "manual", TESTER)
    db.close()
    yield made.path


# --- 1. every process that opens the profile takes part in the lock -------------------

def test_a_restore_is_refused_while_a_command_writes_and_its_save_is_kept(
    data_dir: Path, saved: Path
) -> None:
    writer = started(WRITER, str(data_dir), ready="open")
    try:
        before = data_hashes(data_dir)
        refused = cdsxa("restore", str(saved), "--data-dir", str(data_dir))
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert IN_USE in refused.stderr
        assert data_hashes(data_dir) == before
        assert writer.stdin is not None and writer.stdout is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "saved"
    finally:
        stop(writer)
    assert "Bản Mới" in village_names(data_dir)  # the save said so, and it is there


def test_writers_are_refused_while_a_restore_holds_the_profile(
    data_dir: Path, saved: Path, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    replacer = started(REPLACER, str(data_dir), ready="held")
    try:
        before = data_hashes(data_dir)
        for command in (["backup", "--out", str(usb)], ["check"],
                        ["indicators"], ["demo"]):
            refused = cdsxa(*command, "--data-dir", str(data_dir))
            assert refused.returncode == 1, (command, refused.stdout, refused.stderr)
            assert BEING_REPLACED in refused.stderr and "Chưa có gì được ghi" in refused.stderr
        assert data_hashes(data_dir) == before
        assert list(usb.iterdir()) == []
    finally:
        stop(replacer)
    done = cdsxa("backup", "--out", str(usb), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr  # the OS let go when the restore ended


def test_a_command_may_write_beside_an_open_window(data_dir: Path, saved: Path) -> None:
    # As the GUI holds them: its window's lock, and the database's (shared) while open.
    window = started("import sys, time; from pathlib import Path; "
                     "from cdsxa.profile import lock, storage; "
                     "held = lock.hold(Path(sys.argv[1])); "
                     "db = storage.open_profile(Path(sys.argv[1])); "
                     "print('open', flush=True); time.sleep(600)",
                     str(data_dir), ready="open")
    try:
        writer = started(WRITER, str(data_dir), ready="open")
        assert writer.stdin is not None and writer.stdout is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "saved"
        stop(writer)
        refused = cdsxa("restore", str(saved), "--data-dir", str(data_dir))
        assert refused.returncode == 1 and IN_USE in refused.stderr
    finally:
        stop(window)
    assert "Bản Mới" in village_names(data_dir)


def test_the_window_restoring_is_refused_while_a_command_has_the_profile_open(
    data_dir: Path, saved: Path
) -> None:
    from cdsxa.profile import restore

    writer = started(WRITER, str(data_dir), ready="open")
    try:
        with profile_lock.hold(data_dir):  # this process is the window
            with pytest.raises(profile_lock.ProfileInUse):
                restore.restore(data_dir, saved, TESTER)
            db = storage.open_profile(data_dir)  # the window's database lock is intact
            db.close()
    finally:
        stop(writer)
    assert restore.restore(data_dir, saved, TESTER).previous is not None


def test_a_save_into_a_replaced_file_fails_loudly(db: Database, tmp_path: Path) -> None:
    # A replacement the lock could not stop (a disk that cannot lock, an older app).
    db_path = db.path
    person(db, "Lò Thị Mai")
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(db_path, copy)
    os.replace(copy, db_path)  # a new file (a new inode) under the open database
    with pytest.raises(storage.DataFileReplaced) as refused:
        person(db, "Hà Văn Páo")
    assert "đã bị thay thế" in refused.value.message
    assert "KHÔNG được lưu" in refused.value.message
    db.close()


# --- 2. what killed backups and restores leave is removed ----------------------------

def leftovers_of(data_dir: Path) -> list[Path]:
    db_path = paths.database_path(data_dir)
    auto = backup.auto_dir(data_dir)
    auto.mkdir(parents=True, exist_ok=True)
    made = [data_dir / ".snapshot-0123456789abcdef0123456789abcdef.sqlite3",
            paths.backup_dir(data_dir) / f"cdsxa-20250101-010101-000001-manual{backup.SUFFIX}.part",
            auto / f"cdsxa-20250102-010101-000001{backup.SUFFIX}.part",
            Path(f"{db_path}.restoring"), Path(f"{db_path}.restoring-journal"),
            Path(f"{db_path}.encrypting")]
    for file in made:
        file.write_bytes(b"x" * 4096)
    scratch = Path(f"{db_path}.restoring-migration")
    scratch.mkdir()
    (scratch / "cdsxa.sqlite3").write_bytes(b"x")
    return [*made, scratch]


def test_leftovers_are_removed_when_the_profile_opens(data_dir: Path, saved: Path) -> None:
    made = leftovers_of(data_dir)
    # Not ours: a name the app never makes, though it looks alike.
    theirs = [data_dir / ".snapshot-notes.txt", paths.backup_dir(data_dir) / "my-copy.part",
              paths.backup_dir(data_dir) / f"cdsxa-keep{backup.SUFFIX}"]
    for file in theirs:
        file.write_bytes(b"mine")
    db = storage.open_profile(data_dir)
    db.close()
    assert [f for f in made if f.exists()] == []
    assert all(f.exists() for f in theirs) and saved.exists()
    assert village_names(data_dir) == {"Bản Hang", "Thôn Đồng Tâm"}


def test_leftovers_are_removed_before_a_backup(db: Database, tmp_path: Path) -> None:
    made = [f for f in leftovers_of(db.path.parent) if ".part" in f.name or "snapshot" in f.name]
    backup.make_backup(db, tmp_path / f"b{backup.SUFFIX}", "manual", TESTER)
    assert [f for f in made if f.exists()] == []


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_a_killed_backup_leaves_nothing_after_the_next_open(data_dir: Path,
                                                           saved: Path) -> None:
    target = paths.backup_dir(data_dir) / backup.backup_name(datetime.now())
    killed = started(SLOW_BACKUP, str(data_dir), str(target), ready="writing")
    try:
        grown = sorted(f.name for f in data_dir.rglob("*") if ".snapshot-" in f.name
                       or f.name.endswith(".part"))
        assert len(grown) == 2, grown  # the snapshot and the unfinished backup
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
    finally:
        stop(killed)
    assert village_names(data_dir) == {"Bản Hang", "Thôn Đồng Tâm"}  # opens it: tidied
    assert [f.name for f in data_dir.rglob("*") if ".snapshot-" in f.name
            or f.name.endswith(".part")] == []
    assert not target.exists()


# --- 3. an empty database file ---------------------------------------------------------

def emptied(data_dir: Path) -> Path:
    db_path = paths.database_path(data_dir)
    for side in ("-wal", "-shm"):
        Path(f"{db_path}{side}").unlink(missing_ok=True)
    db_path.write_bytes(b"")
    return db_path


def test_an_empty_database_is_reported_and_never_given_a_new_schema(
    data_dir: Path, saved: Path, tmp_path: Path
) -> None:
    kept = paths.backup_dir(data_dir) / saved.name
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(saved, kept)
    db_path = emptied(data_dir)

    check = cdsxa("check", "--data-dir", str(data_dir))
    assert check.returncode == 3, check.stdout + check.stderr
    assert "tốt" not in check.stdout.split("Toàn vẹn dữ liệu:")[1].splitlines()[0]
    assert "trống" in check.stderr and str(kept) in check.stderr
    assert "cdsxa restore" in check.stderr
    for command in (["indicators"], ["backup", "--out", str(tmp_path)], ["demo"]):
        refused = cdsxa(*command, "--data-dir", str(data_dir))
        assert refused.returncode == 1, (command, refused.stdout, refused.stderr)
        assert "trống" in refused.stderr and str(kept) in refused.stderr
    with pytest.raises(storage.EmptyDatabaseError):
        storage.open_database(data_dir, keys.find(data_dir))
    assert db_path.stat().st_size == 0

    # What the message says to do works.
    done = cdsxa("restore", str(kept), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert village_names(data_dir) == {"Bản Hang", "Thôn Đồng Tâm"}


# --- 4. the data folder is the user's alone --------------------------------------------

def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_new_profile_and_its_backups_are_private(tmp_path: Path) -> None:
    data_dir, usb = tmp_path / "new", tmp_path / "usb"
    usb.mkdir()
    made = subprocess.run(  # as a user whose umask lets everyone read
        ["sh", "-c", 'umask 022; exec "$0" -m cdsxa init --province 38 --commune "$1" '
         '--data-dir "$2"', sys.executable, str(_a_commune()), str(data_dir)],
        capture_output=True, text=True, env=env(), timeout=180)
    assert made.returncode == 0, made.stderr
    for command in (["backup"], ["backup", "--out", str(usb)], ["check"]):
        done = subprocess.run(["sh", "-c", 'umask 022; exec "$0" -m cdsxa "$@"',
                               sys.executable, *command, "--data-dir", str(data_dir)],
                              capture_output=True, text=True, env=env(), timeout=180)
        assert done.returncode == 0, done.stderr
    assert mode(data_dir) == 0o700 and mode(paths.backup_dir(data_dir)) == 0o700
    files = [f for f in data_dir.rglob("*") if f.is_file()] + list(usb.iterdir())
    assert {f.name for f in files} >= {"cdsxa.sqlite3", "key.json", "cdsxa.log",
                                       profile_lock.OPEN_LOCK_FILE}
    assert any(f.name.endswith(backup.SUFFIX) for f in usb.iterdir())
    assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(0o600) for f in files}


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_an_existing_profile_is_made_private_when_opened(data_dir: Path, saved: Path) -> None:
    kept = paths.backup_dir(data_dir) / saved.name
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(saved, kept)
    data_dir.chmod(0o755)
    kept.parent.chmod(0o755)
    for file in [*data_dir.iterdir(), kept]:
        if file.is_file():
            file.chmod(0o644)
    done = cdsxa("indicators", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert mode(data_dir) == 0o700 and mode(kept.parent) == 0o700
    for file in [*data_dir.iterdir(), kept]:
        if file.is_file():
            assert mode(file) == 0o600, file.name


def _a_commune() -> int:
    from tests.conftest import muong_lat_code

    return muong_lat_code()


def test_backups_and_the_key_file_are_private_whatever_the_callers_umask(
        db: Database, data_dir: Path, tmp_path: Path) -> None:
    """Made by the library itself (a script, the GUI) rather than `cdsxa`, which sets
    its own umask: a backup on a USB stick and key.json are still the user's alone."""
    old = os.umask(0o022)
    try:
        usb = tmp_path / "usb"
        usb.mkdir()
        made = backup.make_backup(db, usb / "xa.cdsxa-backup", "manual", TESTER)
        keys.KeyFile.load(data_dir).save(data_dir)
    finally:
        os.umask(old)
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert stat.S_IMODE((data_dir / keys.KEY_FILE).stat().st_mode) == 0o600


def test_a_file_named_backups_does_not_stop_the_schema_upgrade(
        data_dir: Path, saved: Path) -> None:
    """A `backups` file left by the old `cdsxa backup` bug is moved into a real folder
    when the profile opens, so the upgrade's own backup has somewhere to go."""
    backups = paths.backup_dir(data_dir)
    shutil.rmtree(backups, ignore_errors=True)
    backups.write_bytes(b"an old backup written as a file")
    database = storage.open_profile(data_dir)
    database.close()
    assert backups.is_dir()
    assert [f.read_bytes() for f in backups.iterdir() if f.is_file()] == [
        b"an old backup written as a file"]
