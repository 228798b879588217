"""Every endpoint of a real hub (uvicorn over HTTP, SQLite and PostgreSQL) fuzzed from the
OpenAPI description it serves, with schemathesis: without a token, and with a valid
device token of a commune whose data the hub holds. No 500, no answer outside the
schema, and every refusal an ErrorAnswer {error, message} with none of the commune's
data in it. Then what the fuzzing cannot reach from the description (entry values of
a well-formed push) and what it found, as plain tests.

schemathesis's loader of a schema from a fixture (`schemathesis.pytest.from_fixture`)
fails under pytest 9.2 (it sets `Function._nodeid`, which pytest no longer has), so
each operation's strategy is run with Hypothesis here, as schemathesis documents for
tests outside its loaders; its own checks judge each answer.
"""

from __future__ import annotations

import gzip
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from cdsxa.hub.models import Entry
from cdsxa.hub.request_body import lone_surrogate
from cdsxa.security.access import SYSTEM
from cdsxa.sync import wire
from cdsxa.sync.outbox import outgoing
from tests.hub_server import RunningHub
from tests.sync_pcs import Pc, make_pc, token_of

# What the hub holds of the commune, and must never answer in a refusal.
NAME, PHONE, ID_NUMBER = "Lò Thị Mai", "0912345678", "038190012345"

# Bounded in examples (never in time), with a fixed seed: the same cases every run.
SEED = 20_251_114
MAX_EXAMPLES = 40
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
PUSH = f"{wire.API_PREFIX}/push"


def auth_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}",
            wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION)}


def assert_refusal_without(response: requests.Response | schemathesis.Response,
                           secrets: tuple[str, ...]) -> None:
    """A refusal is exactly an ErrorAnswer, and holds none of `secrets`."""
    body = json.loads(response.text)
    assert isinstance(body, dict) and sorted(body) == ["error", "message"], response.text
    wire.ErrorAnswer.model_validate(body)
    for secret in secrets:
        assert secret not in response.text and secret not in body["message"], (
            f"a refusal holds the commune's {secret!r}: {body['message']}")


# --- schemathesis over every endpoint ---------------------------------------------------

@dataclass(frozen=True)
class Commune:
    """A commune at the hub: two enrolled PCs, B's person synchronised through it."""

    hub: RunningHub
    token: str  # A's device token: A pulls what B sent
    secrets: tuple[str, ...]


@pytest.fixture
def commune(hub: RunningHub, tmp_path: Path) -> Iterator[Commune]:
    a, b = make_pc(hub, tmp_path / "a"), make_pc(hub, tmp_path / "b")
    try:
        person = b.add_person(NAME, phone=PHONE, id_number=ID_NUMBER)
        assert b.sync().ok and a.sync().ok
        with hub.database.transaction() as session:
            rows = session.execute(select(Entry.entry_id, Entry.record_id)).all()
        ids = {str(i) for row in rows for i in row} | {str(person)}
        yield Commune(hub, token_of(a), (NAME, PHONE, ID_NUMBER, token_of(a), token_of(b),
                                         *sorted(ids)))
    finally:
        a.db.close()
        b.db.close()


@dataclass
class Run:
    """What one fuzzing run saw: answers by operation and status, and the failures."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)


def refusal_without_data(secrets: tuple[str, ...]) -> schemathesis.CheckFunction:
    def refusal_is_an_error_answer_without_data(
            _ctx: schemathesis.CheckContext, response: schemathesis.Response,
            _case: schemathesis.Case[Any]) -> None:
        if response.status_code >= 400:
            assert_refusal_without(response, secrets)

    return refusal_is_an_error_answer_without_data


def fuzz(schema: schemathesis.BaseSchema, headers: dict[str, str],
         checks: list[schemathesis.CheckFunction], fixed: dict[str, str]) -> Run:
    run = Run()
    # The project's profile (tests/conftest.py), bounded; no example database, so a run
    # replays nothing an earlier one found: the seed alone decides the cases.
    settings = hypothesis.settings(max_examples=MAX_EXAMPLES, database=None,
                                   suppress_health_check=list(hypothesis.HealthCheck))
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):  # a part of the description schemathesis cannot read
            run.failures[str(result.err())] = "invalid in the OpenAPI description"
            continue
        operation = result.ok()
        # Nothing to make invalid in a request without parameters or body.
        negatable = any(operation.iter_parameters()) or any(operation.body)
        for mode in MODES if negatable else MODES[:1]:
            strategy = operation.as_strategy(generation_mode=mode, headers=fixed or None)

            @hypothesis.seed(SEED)
            @settings
            @given(case=strategy)
            def answers(case: schemathesis.Case[Any]) -> None:
                response = case.call(headers=headers)
                run.statuses[(operation.label, response.status_code)] += 1
                case.validate_response(response, checks=checks, headers=headers)

            try:
                answers()
            except Exception as error:  # every operation is fuzzed; all failures told
                run.failures[f"{operation.label} ({mode.value})"] = str(error)
    return run


@pytest.mark.slow
@pytest.mark.parametrize("auth", ["no_token", "device_token"])
def test_every_endpoint_answers_within_its_schema_and_refuses_without_data(
        commune: Commune, auth: str) -> None:
    schema = schemathesis.openapi.from_url(f"{commune.hub.url}/openapi.json")
    headers: dict[str, str] = {}
    fixed: dict[str, str] = {}
    if auth == "device_token":
        headers = {"Authorization": f"Bearer {commune.token}"}
        # This program's protocol, so that what follows the header (the query, the
        # body) reaches the handlers; without a token the header is fuzzed too.
        fixed = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION)}
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance,
              content_type_conformance, refusal_without_data(commune.secrets)]
    run = fuzz(schema, headers, checks, fixed)
    assert not run.failures, "\n\n".join(f"{k}:\n{v}" for k, v in run.failures.items())
    # The run reached what it meant to: refusals without a token, the handlers with one.
    pull, whoami = f"GET {wire.API_PREFIX}/pull", f"GET {wire.API_PREFIX}/whoami"
    if auth == "device_token":
        assert run.statuses[(pull, 200)] > 0 and run.statuses[(whoami, 200)] > 0
    else:
        assert run.statuses[(whoami, 401)] > 0
        assert not any(status == 200 for (label, status) in run.statuses
                       if label in (pull, whoami))


# --- entry values of a well-formed push --------------------------------------------------
# The description says `values` is any object: schemathesis never builds an entry the hub
# applies (ids, clocks and the device must agree), so these start from a real one.

class Pusher:
    """Raw pushes of PC A's own entries, its generation followed from the answers."""

    def __init__(self, hub: RunningHub, pc: Pc) -> None:
        self.hub, self.token, self.generation = hub, token_of(pc), 0
        with pc.db.reading(SYSTEM) as session:
            self.entries = [wire.WireEntry.from_change(c).model_dump()
                            for c in outgoing(session, limit=1000)]
        self.clock = 0

    def person(self, **values: Any) -> dict[str, Any]:
        """A new person entry: A's first person's, with fresh ids and a later clock."""
        entry = next(e for e in self.entries if e["table"] == "person")
        millis, _counter, device = entry["hlc"].split("-", 2)
        self.clock += 1
        return {**entry, "entry_id": str(uuid.uuid4()), "record_id": str(uuid.uuid4()),
                "hlc": f"{millis}-{self.clock:05d}-{device}",
                "values": {**entry["values"], **values}}

    def push(self, entries: list[dict[str, Any]], compress: bool = False
             ) -> requests.Response:
        # As JSON escapes whatever is not ASCII (NaN and lone surrogates included).
        data = json.dumps({"batch_id": str(uuid.uuid4()), "entries": entries,
                           "generation": self.generation}).encode()
        headers = {**auth_headers(self.token), "Content-Type": "application/json"}
        if compress:
            data, headers["Content-Encoding"] = gzip.compress(data), "gzip"
        response = requests.post(self.hub.url + PUSH, data=data, headers=headers, timeout=30)
        if response.status_code == 200:
            self.generation = wire.PushAnswer.model_validate(response.json()).generation
        return response


@pytest.fixture
def pusher(hub: RunningHub, tmp_path: Path) -> Iterator[Pusher]:
    pc = make_pc(hub, tmp_path / "a")
    try:
        pc.add_person(NAME, phone=PHONE)
        pusher = Pusher(hub, pc)
        assert pusher.push(pusher.entries).status_code == 200  # the villages, the person
        yield pusher
    finally:
        pc.db.close()


def relay_count(hub: RunningHub) -> int:
    with hub.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Entry)) or 0)


# Texts no form would let through (half a UTF-16 pair, NUL, odd dates), often; then any JSON.
ODD_TEXTS = st.sampled_from(["\ud800", "a\udfffb", "\x00", "9999-12-31", "2020-02-30", ""])
JSON_VALUES = ODD_TEXTS | st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | ODD_TEXTS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=5)


def test_any_value_in_a_pushed_entry_is_applied_or_refused_never_a_500(
        pusher: Pusher) -> None:
    columns = sorted(pusher.person()["values"])

    @hypothesis.seed(SEED)
    @hypothesis.settings(max_examples=60, database=None)
    @given(column=st.sampled_from(columns), value=JSON_VALUES)
    def applied_or_refused(column: str, value: object) -> None:
        response = pusher.push([pusher.person(**{column: value})])
        assert response.status_code in (200, 400, 422), response.text
        if response.status_code != 200:
            assert_refusal_without(response, ())

    applied_or_refused()


# --- what the fuzzing found --------------------------------------------------------------

@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_a_lone_surrogate_in_a_pushed_value_is_refused_not_a_500(
        hub: RunningHub, pusher: Pusher, compress: bool) -> None:
    # JSON may escape half a UTF-16 pair; Python reads it, and then neither database
    # could store the text nor could a refusal that repeated it be encoded: a 500.
    held = relay_count(hub)
    for values in ({"notes": "\ud800"}, {"phone": "\udc00"}, {"ethnicity": "x\ud83d"}):
        response = pusher.push([pusher.person(**values)], compress=compress)
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "invalid_request"
    assert relay_count(hub) == held
    # A whole pair is a character (an emoji in a note), and is taken.
    assert pusher.push([pusher.person(notes="\U0001f600")], compress=compress).status_code == 200


def test_lone_surrogates_are_told_apart_from_pairs_and_escaped_backslashes() -> None:
    pieces = st.sampled_from(["\\", "\\\\", "\\ud83d", "\\uDE00", "\\ud800", "\\udfff",
                              "\\u00f2", "ud800", "a", '\\"'])

    @hypothesis.seed(SEED)
    @hypothesis.settings(max_examples=300, database=None)
    @given(st.lists(pieces, max_size=8).map("".join))
    def same_as_python(inside: str) -> None:
        text = f'"{inside}"'.encode()
        try:
            read = json.loads(text)
        except ValueError:
            return  # not JSON: FastAPI refuses it
        assert lone_surrogate(text) == any(0xD800 <= ord(c) <= 0xDFFF for c in read)

    same_as_python()


def test_a_refused_entry_is_answered_without_the_values_it_held(pusher: Pusher) -> None:
    response = pusher.push([pusher.person(village_id=PHONE, household_id=NAME)])
    assert response.status_code == 422
    assert_refusal_without(response, (PHONE, NAME))

