"""The `cdsxa` command as a user runs it: real processes, real exit codes."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from cdsxa import __version__
from cdsxa.db.engine import connect
from cdsxa.profile import paths
from cdsxa.security import keys
from cdsxa.security.keys import PASSPHRASE_ENV
from tests.conftest import PASSPHRASE, muong_lat_code


def cdsxa(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", PASSPHRASE_ENV: PASSPHRASE,
                **(env or {})}
    full_env.pop("CDSXA_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "cdsxa", *args], capture_output=True,
                          text=True, env=full_env, timeout=180)


@contextmanager
def raw(data_dir: Path) -> Iterator[Any]:
    """The profile's database as a DB-API connection, unlocked with the passphrase."""
    keyfile = keys.KeyFile.load(data_dir)
    assert keyfile is not None
    connection = connect(paths.database_path(data_dir),
                         keys.unwrap(keyfile.wraps["passphrase"], PASSPHRASE))
    try:
        yield connection
        connection.commit()
    finally:
        connection.close()


def test_version() -> None:
    result = cdsxa("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_init_then_check(tmp_path: Path) -> None:
    target = tmp_path / "p"
    result = cdsxa("init", "--province", "38", "--commune", str(muong_lat_code()),
                   "--data-dir", str(target), "--village", "Thôn Đồng Tâm",
                   "--village", "Bản Hang", "--user", "Hà Thị Lan")
    assert result.returncode == 0, result.stderr
    assert "Xã Mường Lát (2 thôn/bản)" in result.stdout
    check = cdsxa("check", "--data-dir", str(target))
    assert check.returncode == 0
    assert "Toàn vẹn dữ liệu: tốt" in check.stdout and "mới nhất" in check.stdout


def test_data_dir_from_the_environment(tmp_path: Path) -> None:
    target = tmp_path / "from-env"
    result = cdsxa("init", "--province", "38", "--commune", "14797",
                   env={paths.DATA_DIR_ENV: str(target)})
    assert result.returncode == 0, result.stderr
    assert paths.database_path(target).exists()


def test_unknown_commune_is_one_line_and_non_zero(tmp_path: Path) -> None:
    result = cdsxa("init", "--province", "38", "--commune", "99999",
                   "--data-dir", str(tmp_path / "p"))
    assert result.returncode == 1
    assert result.stderr.strip() == "cdsxa: Không có xã/phường mã 99999 thuộc Thanh Hóa."
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_check_flags_a_damaged_file(tmp_path: Path) -> None:
    target = tmp_path / "p"
    assert cdsxa("init", "--province", "38", "--commune", "14797",
                 "--data-dir", str(target)).returncode == 0
    db_file = paths.database_path(target)
    with raw(target) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    data = bytearray(db_file.read_bytes())
    for page in range(1, len(data) // page_size):  # scribble on every page but the header
        for offset in range(page * page_size + 8, page * page_size + 40):
            data[offset] = 0xAB
    db_file.write_bytes(bytes(data))
    result = cdsxa("check", "--data-dir", str(target))
    assert result.returncode == 3
    assert "Toàn vẹn dữ liệu: LỖI" in result.stdout
    opened = cdsxa("demo", "--data-dir", str(target))
    assert opened.returncode == 1 and "bị hỏng" in opened.stderr
    assert "Traceback" not in result.stderr + opened.stderr


def test_check_on_an_empty_folder(tmp_path: Path) -> None:
    result = cdsxa("check", "--data-dir", str(tmp_path))
    assert result.returncode == 1 and "Không có dữ liệu" in result.stderr


def test_a_newer_database_is_refused_by_every_entry_point(tmp_path: Path) -> None:
    target = tmp_path / "p"
    assert cdsxa("init", "--province", "38", "--commune", "14797",
                 "--data-dir", str(target)).returncode == 0
    with raw(target) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    for args in (["demo"], ["--self-test"]):
        result = cdsxa(*args, "--data-dir", str(target))
        assert result.returncode == 1, (args, result.stderr)
        assert "phiên bản CĐS Xã mới hơn" in result.stderr
    check = cdsxa("check", "--data-dir", str(target))
    assert check.returncode == 3 and "9999_future" in check.stdout


@pytest.mark.slow  # about 7 s: a demo profile made, then the GUI's self-test
def test_demo_then_self_test(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = cdsxa("demo", "--size", "small", "--data-dir", str(target),
                   "--admin-password", "mật khẩu demo")
    assert result.returncode == 0, result.stderr
    assert "6 thôn/bản, 120 hộ" in result.stdout
    again = cdsxa("demo", "--size", "small", "--data-dir", str(target))
    assert again.returncode == 1 and "đã có người dân" in again.stderr
    self_test = cdsxa("--self-test", "--data-dir", str(target),
                      env={"CDSXA_SELF_TEST_USER": "admin",
                           "CDSXA_SELF_TEST_PASSWORD": "mật khẩu demo"})
    assert self_test.returncode == 0, self_test.stderr
    assert re.search(r"\b1[0-9] trang", self_test.stdout), self_test.stdout


def test_self_test_without_a_profile_opens_the_wizard_and_exits(tmp_path: Path) -> None:
    result = cdsxa("--self-test", "--data-dir", str(tmp_path / "none"))
    assert result.returncode == 0
    assert "trình thiết lập" in result.stderr


def test_the_log_file_keeps_tracebacks_but_not_the_values_in_messages(tmp_path: Path) -> None:
    import logging

    from cdsxa.profile import logs

    log_file = tmp_path / "cdsxa.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logs.WithoutValues(logs.FORMAT))
    log = logging.getLogger("test.logs")
    log.addHandler(handler)
    values = ("038190001234", "Lò Thị Mai", "0912345678")  # the raising lines quote none
    try:
        try:
            try:
                raise KeyError(values[0])
            except KeyError as inner:
                raise ValueError(f"{values[1]}, {values[2]} cannot be used") from inner
        except ValueError:
            log.exception("export failed")
    finally:
        log.removeHandler(handler)
        handler.close()
    written = log_file.read_text("utf-8")
    assert "export failed" in written and "builtins.ValueError" in written
    assert "builtins.KeyError" in written and "test_the_log_file_keeps" in written  # the frames
    assert not any(value in written for value in values)
