"""The profile's lock: one process at a time may replace the database under it."""

import errno
import hashlib
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cdsxa.db.engine import Database
from cdsxa.profile import backup, paths
from cdsxa.profile import lock as profile_lock
from cdsxa.profile.lock import ProfileInUse
from cdsxa.security import keys
from tests.conftest import PASSPHRASE, TESTER

IN_USE = "đang được mở bởi một cửa sổ CĐS Xã khác"

# Holds the lock until killed; says so on stdout once it does.
HOLDER = ("import sys, time; from pathlib import Path; "
          "from cdsxa.profile import lock as profile_lock; "
          "lock = profile_lock.hold(Path(sys.argv[1])); print('held', flush=True); "
          "time.sleep(600)")


def cdsxa(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", keys.PASSPHRASE_ENV: PASSPHRASE,
                **env}
    full_env.pop("CDSXA_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "cdsxa", *args], capture_output=True,
                          text=True, env=full_env, timeout=180)


def data_hashes(folder: Path) -> dict[str, str]:
    # The log may note what a refused command did; the data must not change at all.
    return {str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*"))
            if f.is_file() and f != paths.log_path(folder)}


@pytest.fixture
def holder(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process (a window, say) holding the profile's lock."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(data_dir)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        yield process
    finally:
        process.kill()
        process.wait(timeout=30)


def test_a_second_hold_is_refused_even_in_the_same_process(data_dir: Path) -> None:
    # Each hold opens its own handle: code that holds the lock must not ask again.
    with profile_lock.hold(data_dir) as lock:
        assert lock.held
        with pytest.raises(ProfileInUse) as refused:
            profile_lock.hold(data_dir)
        assert IN_USE in refused.value.message and str(data_dir) in refused.value.message
        assert "Hãy đóng nó rồi thử lại" in refused.value.message
    again = profile_lock.hold(data_dir)  # released when the block ended
    again.release()
    again.release()  # twice is harmless
    # The lock file stays, and says only who held it last.
    assert (data_dir / profile_lock.LOCK_FILE).read_text("ascii").strip() == str(os.getpid())


def test_the_data_folder_is_made_when_missing(tmp_path: Path) -> None:
    target = tmp_path / "new" / "profile"
    with profile_lock.hold(target):
        assert (target / profile_lock.LOCK_FILE).exists()


def test_a_disk_that_cannot_lock_does_not_lock_the_commune_out(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unsupported(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(profile_lock, "_lock", unsupported)
    with caplog.at_level(logging.WARNING), profile_lock.hold(data_dir) as lock:
        assert not lock.held
    assert "without the lock" in caplog.text


def test_restore_is_refused_while_another_process_holds_the_profile(
    db: Database, data_dir: Path, tmp_path: Path
) -> None:
    saved = backup.make_backup(db, tmp_path / f"saved{backup.SUFFIX}", "manual", TESTER)
    db.close()
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(data_dir)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        before = data_hashes(data_dir)
        refused = cdsxa("restore", str(saved.path), "--data-dir", str(data_dir))
        assert refused.returncode == 1, refused.stderr
        assert IN_USE in refused.stderr and refused.stderr.count("\n") == 1
        assert data_hashes(data_dir) == before  # no file changed, none added (no backup)
    finally:
        process.kill()  # SIGKILL: no chance to let go of the lock itself
        process.wait(timeout=30)
    assert process.returncode == -9 or os.name == "nt"

    # The OS let go when the holder died: no stale lock.
    profile_lock.hold(data_dir).release()
    done = cdsxa("restore", str(saved.path), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "before-restore" in done.stdout


def test_a_backup_may_run_beside_an_open_window(
    db: Database, data_dir: Path, tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    db.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    done = cdsxa("backup", "--out", str(usb), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert len(list(usb.iterdir())) == 1


def test_encrypt_is_refused_while_the_profile_is_open(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    plain = sqlite3.connect(paths.database_path(data_dir))
    plain.execute("CREATE TABLE village (id INTEGER PRIMARY KEY, name TEXT)")
    plain.execute("INSERT INTO village (name) VALUES ('Bản Hang')")
    plain.commit()
    plain.close()
    with profile_lock.hold(data_dir):
        before = data_hashes(data_dir)
        refused = cdsxa("encrypt", "--data-dir", str(data_dir))
        assert refused.returncode == 1, refused.stderr
        assert IN_USE in refused.stderr
        assert data_hashes(data_dir) == before
