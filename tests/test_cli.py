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


# argparse's own English words, as it prints them when nobody translates them.
ARGPARSE_ENGLISH = re.compile(r"usage|options|positional arguments|show this help|exit|"
                              r"error|argument|required|invalid|choose from|program's",
                              re.IGNORECASE)


@pytest.mark.parametrize("args", [["--help"], ["import", "people", "--help"],
                                  ["indicators", "--help"]])
def test_help_is_vietnamese(args: list[str]) -> None:
    result = cdsxa(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cách dùng: cdsxa")
    assert "hiện hướng dẫn này rồi thoát" in result.stdout
    assert ARGPARSE_ENGLISH.findall(result.stdout) == [], result.stdout


@pytest.mark.parametrize("args", [["import", "people"], ["indicators", "--date", "31/02/2025"],
                                  ["demo", "--size", "huge"], ["--no-such-option"]])
def test_command_line_mistakes_are_told_in_vietnamese(args: list[str]) -> None:
    result = cdsxa(*args)
    assert result.returncode == 2
    assert "cdsxa" in result.stderr and ": lỗi: " in result.stderr
    assert ARGPARSE_ENGLISH.findall(result.stderr) == [], result.stderr


@pytest.mark.parametrize("text", ["03/09/2025", "3/9/2025", "2025-09-03", " 03.09.2025 "])
def test_dates_on_the_command_line_read_both_ways(text: str) -> None:
    from datetime import date

    from cdsxa.cli.main import build_parser

    assert build_parser().parse_args(["indicators", "--date", text]).date == date(2025, 9, 3)


@pytest.mark.parametrize("text", ["31/02/2025", "09/2025", "2025/09/03", "hôm qua", "13/13/2025"])
def test_impossible_dates_are_refused(text: str) -> None:
    from cdsxa.cli.dates import parse_date

    with pytest.raises(ValueError, match="ngày"):
        parse_date(text)


def test_self_test_fails_when_it_cannot_sign_in_and_says_how(tmp_path: Path) -> None:
    target = tmp_path / "p"
    made = cdsxa("init", "--province", "38", "--commune", "14797", "--data-dir", str(target),
                 "--admin", "admin", env={"CDSXA_ADMIN_PASSWORD": "mật khẩu quản trị"})
    assert made.returncode == 0, made.stderr
    no_user = cdsxa("--self-test", "--data-dir", str(target))  # no page can be shown
    assert no_user.returncode == 1 and no_user.stdout == ""
    assert "CDSXA_SELF_TEST_USER" in no_user.stderr and "CDSXA_SELF_TEST_PASSWORD" in no_user.stderr
    no_key = cdsxa("--self-test", "--data-dir", str(target), env={PASSPHRASE_ENV: ""})
    assert no_key.returncode == 1 and PASSPHRASE_ENV in no_key.stderr


def test_every_command_s_help_is_vietnamese_and_explains_every_option() -> None:
    import argparse

    from cdsxa.cli.main import build_parser

    def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
        yield parser
        for action in parser._actions:  # noqa: SLF001 (argparse keeps them there)
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                for child in action.choices.values():
                    yield from parsers(child)

    for parser in parsers(build_parser()):
        text = parser.format_help()
        assert ARGPARSE_ENGLISH.findall(text) == [], (parser.prog, text)
        unexplained = [a.option_strings or a.dest for a in parser._actions  # noqa: SLF001
                       if not a.help and not isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
        assert unexplained == [], (parser.prog, unexplained)
