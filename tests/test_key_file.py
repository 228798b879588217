"""A damaged key.json says what is wrong with which file, in Vietnamese (issue 10)."""

import base64
import json
from pathlib import Path

import pytest

from cdsxa.cli.main import main
from cdsxa.db.engine import Database
from cdsxa.security import keys
from tests.conftest import PASSPHRASE

ENGLISH = ("KeyError", "Expecting", "Is a directory", "Errno", "line 1", "padding",
           "'profile_id'", "codec")


def key_file(data_dir: Path) -> Path:
    return data_dir / keys.KEY_FILE


def refusal(data_dir: Path) -> str:
    with pytest.raises(keys.DataKeyError) as raised:
        keys.find(data_dir)
    message = raised.value.message
    assert str(key_file(data_dir)) in message  # which file
    assert not any(word in message for word in ENGLISH), message
    return message


def rewrite(data_dir: Path, change: "dict[str, object]") -> None:
    data = json.loads(key_file(data_dir).read_text("utf-8"))
    data.update(change)
    key_file(data_dir).write_text(json.dumps(data), "utf-8")


@pytest.fixture
def profile(db: Database, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db.close()
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASSPHRASE)
    return data_dir


def test_a_missing_field_is_named(profile: Path) -> None:
    data = json.loads(key_file(profile).read_text("utf-8"))
    del data["profile_id"]
    key_file(profile).write_text(json.dumps(data), "utf-8")
    assert "thiếu mục “profile_id”" in refusal(profile)


def test_a_field_of_the_wrong_kind_is_named(profile: Path) -> None:
    rewrite(profile, {"wraps": ["not", "a", "table"]})
    assert "“wraps”" in refusal(profile)


@pytest.mark.parametrize(("content", "said"), [
    (b"", "rỗng"),
    (b'{"format": 1, "profile_id": ', "không đúng định dạng JSON (dòng 1, cột"),
    (b"\xff\xfe\x00garbage", "không phải văn bản UTF-8"),
    (b"[1, 2, 3]", "không đúng định dạng"),
])
def test_a_file_that_is_not_json_says_so(profile: Path, content: bytes, said: str) -> None:
    key_file(profile).write_bytes(content)
    assert said in refusal(profile)


def test_a_folder_in_place_of_the_file_says_so(profile: Path) -> None:
    key_file(profile).unlink()
    key_file(profile).mkdir()
    assert "là một thư mục" in refusal(profile)


def flip(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[5] ^= 0x01
    return base64.b64encode(bytes(raw)).decode("ascii")


@pytest.mark.parametrize("damage", ["flip", "cut", "base64"])
def test_a_damaged_wrap_is_not_blamed_on_the_passphrase(profile: Path, damage: str) -> None:
    data = json.loads(key_file(profile).read_text("utf-8"))
    sealed = data["wraps"]["passphrase"]["sealed"]
    data["wraps"]["passphrase"]["sealed"] = {
        "flip": flip(sealed), "cut": sealed[:20], "base64": "***" + sealed}[damage]
    key_file(profile).write_text(json.dumps(data), "utf-8")
    message = refusal(profile)
    assert "bị hỏng" in message and "mật khẩu dữ liệu" in message
    assert "Sai mật khẩu" not in message


def test_a_wrong_passphrase_is_still_called_wrong(profile: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "không phải mật khẩu này")
    with pytest.raises(keys.WrongSecretError, match="Sai mật khẩu"):
        keys.find(profile)


def test_the_command_line_says_it_in_one_line(profile: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    rewrite(profile, {"profile_id": None})
    assert main(["check", "--data-dir", str(profile)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "profile_id" in err and "Traceback" not in err
