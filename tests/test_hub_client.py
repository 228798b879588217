"""`cdsxa enrol` against a real hub on loopback: the device token kept in the keyring or
sealed in key.json (never in plain text), and plain HTTP refused off this machine."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from cdsxa.cli.main import main as cdsxa_main
from cdsxa.db.engine import Database
from cdsxa.hub import enrolment as hub_enrolment
from cdsxa.profile import paths
from cdsxa.security import device_token, keys
from cdsxa.sync import enrolment, wire
from cdsxa.sync.hub_client import HubClient, HubRefused, HubUnreachable, checked_url
from tests.conftest import PASSPHRASE, MemoryKeyring
from tests.hub_server import RunningHub

HAC_THANH = 14797


def issue(running: RunningHub, commune: int) -> str:
    with running.database.transaction() as session:
        return hub_enrolment.issue_code(session, commune).code


def cdsxa(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", keys.PASSPHRASE_ENV: PASSPHRASE}
    return subprocess.run([sys.executable, "-m", "cdsxa", *args], capture_output=True,
                          text=True, env=env, timeout=180, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8765", "http://127.4.5.6/", "http://localhost:1", "http://[::1]:8765",
    "https://cdsxa.thanhhoa.gov.vn", "https://10.0.0.5:8443/",
])
def test_https_anywhere_and_plain_http_to_loopback_are_accepted(url: str) -> None:
    assert checked_url(url) == url.rstrip("/")


@pytest.mark.parametrize("url", [
    "http://cdsxa.thanhhoa.gov.vn", "http://10.0.0.5:8765", "http://192.168.1.2",
    "http://127.0.0.1.example.org", "http://[::2]:80", "ftp://127.0.0.1", "cdsxa.gov.vn",
    "https://", "https://user:pw@hub.gov.vn", "https://hub.gov.vn/?x=1", "http://:80",
])
def test_plain_http_off_this_machine_and_odd_addresses_are_refused(url: str) -> None:
    from cdsxa.common.errors import UserError

    with pytest.raises(UserError):
        checked_url(url)


def test_enrol_refuses_plain_http_to_another_machine_before_anything(db: Database,
                                                                      data_dir: Path) -> None:
    done = cdsxa("enrol", "--data-dir", str(data_dir), "--hub", "http://cdsxa.thanhhoa.gov.vn",
                 "--code", f"{db.commune_code}-ABCD-EFGH-JKMN-PQRS")
    assert done.returncode == 1
    assert "https://" in done.stderr and "127.0.0.1" in done.stderr
    assert device_token.enrolment(data_dir) is None


def _token_text_absent(data_dir: Path, token: str) -> None:
    secret = token.split(".")[2]
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_cdsxa_enrol_keeps_the_token_in_the_keyring(
        hub: RunningHub, db: Database, data_dir: Path, memory_keyring: MemoryKeyring,
        capsys: pytest.CaptureFixture[str]) -> None:
    code = issue(hub, db.commune_code or 0)
    assert cdsxa_main(["enrol", "--data-dir", str(data_dir), "--hub", hub.url,
                       "--code", code.lower().replace("-", " ")]) == 0
    out = capsys.readouterr().out
    device = str(db.load_device())
    assert device in out and "Xã Mường Lát" in out and "kho khóa" in out
    kept = device_token.enrolment(data_dir)
    assert kept is not None and kept.in_keyring and kept.hub_url == hub.url
    assert (kept.device_id, kept.commune_code) == (device, db.commune_code)
    token = device_token.token(data_dir, db.key)  # type: ignore[arg-type]
    assert [s for (service, _), s in memory_keyring.secrets.items()
            if service == device_token.KEYRING_SERVICE] == [token]
    _token_text_absent(data_dir, token)
    me = enrolment.whoami(db, data_dir)
    assert (me.device_id, me.commune_code) == (device, db.commune_code)
    # The code worked once.
    assert cdsxa_main(["enrol", "--data-dir", str(data_dir), "--hub", hub.url,
                       "--code", code]) == 1
    assert "đã được dùng" in capsys.readouterr().err


def test_without_a_keyring_the_token_is_sealed_in_key_json(
        hub: RunningHub, db: Database, data_dir: Path) -> None:
    code = issue(hub, db.commune_code or 0)
    # A process of its own: it has no keyring (the tests' keyring is this process's).
    done = cdsxa("enrol", "--data-dir", str(data_dir), "--hub", hub.url + "/", "--code", code)
    assert done.returncode == 0, done.stderr
    assert "tệp khóa" in done.stdout
    section = json.loads((data_dir / keys.KEY_FILE).read_text(encoding="utf-8"))["hub"]
    assert set(section["token"]) == {"nonce", "sealed"}
    token = device_token.token(data_dir, db.key)  # type: ignore[arg-type]
    _token_text_absent(data_dir, token)
    assert enrolment.whoami(db, data_dir).device_id == str(db.load_device())
    # Another profile's data key does not open the seal.
    with pytest.raises(device_token.NotEnrolledError):
        device_token.token(data_dir, keys.new_data_key())
    # key.json's other users keep the section: a new recovery key leaves it in place.
    keys.renew_recovery_key(data_dir, db.key)  # type: ignore[arg-type]
    assert device_token.token(data_dir, db.key) == token  # type: ignore[arg-type]


def test_a_code_of_another_commune_is_refused_before_anything_is_sent(
        hub: RunningHub, db: Database, data_dir: Path) -> None:
    code = issue(hub, HAC_THANH)
    with pytest.raises(Exception) as refused:
        enrolment.enrol(db, data_dir, hub.url, code)
    assert "Phường Hạc Thành" in str(refused.value) and "Chưa gửi gì" in str(refused.value)
    # Still unused at the hub.
    body = {"code": code, "device_id": str(uuid.uuid4()), "commune_code": HAC_THANH,
            "protocol": wire.PROTOCOL_VERSION}
    assert requests.post(hub.url + "/api/v1/enrol", json=body, timeout=30).status_code == 200


def test_the_client_reports_refusals_and_an_absent_hub_in_vietnamese(
        hub: RunningHub, monkeypatch: pytest.MonkeyPatch) -> None:
    from urllib3.util.retry import Retry

    from cdsxa.sync import hub_client

    monkeypatch.setattr(hub_client, "RETRY", Retry(total=1, backoff_factor=0))
    with HubClient(hub.url, token="14797.x.y") as client:
        with pytest.raises(HubRefused) as refused:
            client.whoami()
        assert refused.value.status == 401 and "đăng ký lại" in refused.value.message
        assert client.health().database is True
    closed = RunningHub(hub.database_url)
    url = closed.url
    closed.stop()
    with HubClient(url) as client, pytest.raises(HubUnreachable) as unreachable:
        client.health()
    assert "Không kết nối được máy chủ tỉnh" in unreachable.value.message


def test_an_unenrolled_pc_says_so(db: Database, data_dir: Path) -> None:
    with pytest.raises(device_token.NotEnrolledError):
        enrolment.whoami(db, data_dir)
    assert paths.database_path(data_dir).exists()


def test_a_hub_name_nobody_knows_says_to_check_the_address() -> None:
    """Found by the hostile tester: a typed-wrong address only said to try again when
    there is a network (`.invalid` never resolves, RFC 6761)."""
    from urllib3.util.retry import Retry

    with HubClient("https://khong-co-may-chu.invalid", retry=Retry(total=0)) as client:
        with pytest.raises(HubUnreachable) as unreachable:
            client.health()
    assert "kiểm tra địa chỉ" in unreachable.value.message
    assert "khong-co-may-chu.invalid" in unreachable.value.message
