"""The hub over real HTTP (uvicorn on loopback), on SQLite and on PostgreSQL: health,
enrolment codes, device tokens and what a refusal may say."""

import json
import uuid
from datetime import timedelta

import pytest
import requests
from sqlalchemy import update

from cdsxa.common import admin_units
from cdsxa.db.base import utcnow
from cdsxa.hub import enrolment
from cdsxa.hub.app import create_app
from cdsxa.hub.models import EnrolmentCode
from cdsxa.sync import wire
from tests.conftest import muong_lat_code
from tests.hub_server import RunningHub, hub_command

HAC_THANH = 14797


def issue(running: RunningHub, commune: int, days: int = 7) -> str:
    with running.database.transaction() as session:
        return enrolment.issue_code(session, commune, days).code


def enrol_body(code: str, commune: int, device: str | None = None,
               protocol: int = wire.PROTOCOL_VERSION) -> dict[str, object]:
    return {"code": code, "device_id": device or str(uuid.uuid4()), "commune_code": commune,
            "protocol": protocol, "label": "Máy văn phòng"}


def enrolled(running: RunningHub, commune: int) -> tuple[str, str]:
    """A new device of the commune: (device id, token)."""
    device = str(uuid.uuid4())
    answer = running.post("/api/v1/enrol", enrol_body(issue(running, commune), commune, device))
    assert answer.status_code == 200, answer.text
    return device, answer.json()["device_token"]


def commune_words(*codes: int) -> list[str]:
    words = []
    for code in codes:
        info = admin_units.commune(38, code)
        words += [str(code), info.name]
    return words


def assert_refusal(response: requests.Response, status: int, error: str,
                   *secrets: str) -> dict[str, str]:
    """A refusal: the status, an ErrorAnswer in Vietnamese, nothing of any commune."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message"} and body["error"] == error
    assert body["message"].strip()
    for word in commune_words(HAC_THANH, muong_lat_code()) + list(secrets):
        assert word not in response.text, f"{word!r} in a refusal: {response.text}"
    return body


def test_health_says_the_database_is_reachable(hub: RunningHub) -> None:
    answer = hub.get("/health", protocol=None)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": True, "protocol": 1}


def test_health_is_503_when_the_database_does_not_answer() -> None:
    gone = "postgresql+psycopg://postgres@/nowhere?host=/nonexistent-socket-folder"
    running = RunningHub(gone)
    try:
        answer = running.get("/health", protocol=None)
    finally:
        running.stop()
    assert answer.status_code == 503
    assert answer.json()["database"] is False and answer.json()["status"] == "unavailable"


def test_the_home_page_names_the_service_in_vietnamese(hub: RunningHub) -> None:
    page = hub.get("/", protocol=None)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'lang="vi"' in page.text and "Máy chủ tỉnh CĐS Xã" in page.text


def test_openapi_describes_the_endpoints_and_the_bearer_token(hub: RunningHub) -> None:
    spec = hub.get("/openapi.json", protocol=None).json()
    assert {"/", "/health", "/api/v1/enrol", "/api/v1/whoami"} <= set(spec["paths"])
    assert any(s.get("scheme") == "bearer" for s in spec["components"]["securitySchemes"]
               .values())
    assert "EnrolRequest" in spec["components"]["schemas"]


def test_a_code_enrols_once_and_the_token_speaks_for_its_device(hub: RunningHub) -> None:
    code = issue(hub, HAC_THANH)
    device = str(uuid.uuid4())
    answer = hub.post("/api/v1/enrol", enrol_body(code, HAC_THANH, device))
    assert answer.status_code == 200, answer.text
    body = wire.EnrolAnswer.model_validate(answer.json())
    assert (body.device_id, body.commune_code, body.commune_name) == (
        device, HAC_THANH, "Phường Hạc Thành")
    me = hub.get("/api/v1/whoami", token=body.device_token)
    assert me.status_code == 200
    assert me.json() == {"device_id": device, "commune_code": HAC_THANH,
                         "commune_name": "Phường Hạc Thành"}

    again = hub.post("/api/v1/enrol", enrol_body(code, HAC_THANH))
    assert_refusal(again, 403, "used_code", code, body.device_token)
    # The same device, again: the code is spent all the same.
    assert_refusal(hub.post("/api/v1/enrol", enrol_body(code, HAC_THANH, device)), 403,
                   "used_code")


def test_an_expired_code_is_refused(hub: RunningHub) -> None:
    code = issue(hub, HAC_THANH, days=1)
    with hub.database.transaction() as session:
        session.execute(update(EnrolmentCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert_refusal(hub.post("/api/v1/enrol", enrol_body(code, HAC_THANH)), 403,
                   "expired_code", code)


@pytest.mark.parametrize("typed, error, status", [
    ("14797-AAAA-BBBB-CCCC-DDDD", "unknown_code", 403),
    ("14797-ABC", "malformed_code", 400),
    ("hello", "malformed_code", 400),
])
def test_unknown_and_malformed_codes_are_refused(hub: RunningHub, typed: str, error: str,
                                                 status: int) -> None:
    issue(hub, HAC_THANH)  # a real code exists; guessing another is refused
    assert_refusal(hub.post("/api/v1/enrol", enrol_body(typed, HAC_THANH)), status, error)


def test_a_code_of_another_commune_is_refused_and_stays_usable(hub: RunningHub) -> None:
    code = issue(hub, HAC_THANH)
    assert_refusal(hub.post("/api/v1/enrol", enrol_body(code, muong_lat_code())), 403,
                   "other_commune", code)
    assert hub.post("/api/v1/enrol", enrol_body(code, HAC_THANH)).status_code == 200


def test_an_enrolled_device_is_not_enrolled_twice(hub: RunningHub) -> None:
    device, token = enrolled(hub, HAC_THANH)
    second = issue(hub, HAC_THANH)
    assert_refusal(hub.post("/api/v1/enrol", enrol_body(second, HAC_THANH, device)), 409,
                   "device_enrolled", token)
    assert hub.get("/api/v1/whoami", token=token).status_code == 200  # the first still works
    # The code was not spent by the refusal.
    assert hub.post("/api/v1/enrol", enrol_body(second, HAC_THANH)).status_code == 200


def test_a_revoked_token_is_refused_and_a_new_code_enrols_the_device_again(
        hub: RunningHub) -> None:
    device, token = enrolled(hub, HAC_THANH)
    done = hub_command("revoke", "--device", device, "--database", hub.database_url)
    assert done.returncode == 0, done.stderr
    assert device in done.stdout
    refused = hub.get("/api/v1/whoami", token=token)
    assert "thu hồi" in assert_refusal(refused, 403, "revoked_token", device, token)["message"]
    again = hub.post("/api/v1/enrol", enrol_body(issue(hub, HAC_THANH), HAC_THANH, device))
    assert again.status_code == 200
    assert hub.get("/api/v1/whoami", token=again.json()["device_token"]).status_code == 200
    # The old token stays dead: it is no longer the device's token at all.
    assert_refusal(hub.get("/api/v1/whoami", token=token), 401, "invalid_token")


def test_missing_and_forged_tokens_are_refused(hub: RunningHub) -> None:
    device, token = enrolled(hub, HAC_THANH)
    commune, _device, secret = token.split(".")
    forged = [
        None, "", "abc", f"{commune}.{device}.{secret[:-2]}xx", f"{commune}.{device}.",
        f"{commune}.{uuid.uuid4()}.{secret}", f"{commune}.{device}.{secret}.extra",
        f"{commune}.not-a-uuid.{secret}",
        "9" * 500,
    ]
    for presented in forged:
        answer = hub.get("/api/v1/whoami", token=presented)
        expected = "missing_token" if not presented else "invalid_token"
        assert_refusal(answer, 401, expected, device, secret)
        assert answer.headers["www-authenticate"] == "Bearer"
    # Bytes that are not ASCII (a header is bytes on the wire), other digits.
    for odd in (f"{commune}.{device}.{secret}đ", f"٣٤.{device}.{secret}"):
        answer = requests.get(hub.url + "/api/v1/whoami", timeout=30, headers={
            "Authorization": f"Bearer {odd}".encode(), wire.PROTOCOL_HEADER: "1"})
        assert_refusal(answer, 401, "invalid_token", device, secret)


def test_a_token_of_one_commune_never_acts_for_another(hub: RunningHub) -> None:
    device_a, token_a = enrolled(hub, HAC_THANH)
    device_b, token_b = enrolled(hub, muong_lat_code())
    assert hub.get("/api/v1/whoami", token=token_a).json()["commune_code"] == HAC_THANH
    assert hub.get("/api/v1/whoami", token=token_b).json()["commune_code"] == muong_lat_code()
    secret_a = token_a.split(".")[2]
    # A's secret presented as commune B (with A's device id, then with B's).
    for claimed in (f"{muong_lat_code()}.{device_a}.{secret_a}",
                    f"{muong_lat_code()}.{device_b}.{secret_a}",
                    f"{HAC_THANH}.{device_b}.{secret_a}"):
        assert_refusal(hub.get("/api/v1/whoami", token=claimed), 401, "invalid_token",
                       device_a, device_b, secret_a)


@pytest.mark.parametrize("version, status, error", [
    (None, 426, "protocol_too_old"), (0, 426, "protocol_too_old"),
    (wire.PROTOCOL_VERSION + 1, 400, "protocol_too_new"),
])
def test_a_client_of_another_protocol_gets_a_clear_vietnamese_message(
        hub: RunningHub, version: int | None, status: int, error: str) -> None:
    _device, token = enrolled(hub, HAC_THANH)
    answer = hub.get("/api/v1/whoami", token=token, protocol=version)
    body = assert_refusal(answer, status, error)
    assert "phiên bản" in body["message"]
    code = issue(hub, HAC_THANH)
    old = hub.post("/api/v1/enrol", enrol_body(code, HAC_THANH, protocol=version or 0))
    assert_refusal(old, status, error, code)
    assert hub.post("/api/v1/enrol", enrol_body(code, HAC_THANH)).status_code == 200


def test_a_malformed_request_is_refused_without_echoing_it(hub: RunningHub) -> None:
    code = issue(hub, HAC_THANH)
    for body in ({**enrol_body(code, HAC_THANH), "device_id": "MÁY-" + code},
                 {**enrol_body(code, HAC_THANH), "extra": code},
                 {"code": code}, [code], code):
        answer = requests.post(hub.url + "/api/v1/enrol", data=json.dumps(body), timeout=30,
                               headers={"Content-Type": "application/json"})
        assert_refusal(answer, 422, "invalid_request", code)
    not_json = requests.post(hub.url + "/api/v1/enrol", data=b"\xff\xfe{", timeout=30,
                             headers={"Content-Type": "application/json"})
    assert_refusal(not_json, 400, "invalid_request")
    assert_refusal(hub.get("/api/v1/nothing-here"), 404, "http_error")
    assert hub.post("/api/v1/enrol", enrol_body(code, HAC_THANH)).status_code == 200


def test_the_app_factory_needs_only_a_database_url() -> None:
    app = create_app("sqlite:///:memory:")
    assert app.openapi()["info"]["title"] == "cdsxa-hub"


def test_one_code_sent_by_many_pcs_at_once_enrols_exactly_one(hub: RunningHub) -> None:
    from concurrent.futures import ThreadPoolExecutor

    code = issue(hub, HAC_THANH)
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: hub.post("/api/v1/enrol", enrol_body(code, HAC_THANH)),
                                range(6)))
    assert sorted(a.status_code for a in answers) == [200] + [403] * 5
    for refused in (a for a in answers if a.status_code != 200):
        assert_refusal(refused, 403, "used_code", code)
