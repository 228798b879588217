"""The wire schemas shared by the PC and the hub (cdsxa/sync/wire.py): one definition,
consistent with the change-log entry's own wire form (cdsxa/sync/entries.py)."""

import subprocess
import sys
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from cdsxa.common.clock import Hlc
from cdsxa.sync import wire
from cdsxa.sync.entries import Change

T0 = 1_764_000_000_000
DEVICE = str(uuid.UUID(int=1))


def entries() -> st.SearchStrategy[Change]:
    def build(op: str, wall: int, counter: int, values: dict[str, object]) -> Change:
        at = Hlc(T0 + wall + 1, counter, DEVICE)
        base = None if op == "insert" else Hlc(T0 + wall, counter, DEVICE)
        return Change(entry_id=str(uuid.uuid4()), table="person", record_id=str(uuid.uuid4()),
                      commune_code=14797, op=op, hlc=at, base_version=base,  # type: ignore[arg-type]
                      values=values if op in ("insert", "update") else {})

    scalars = st.none() | st.booleans() | st.integers(-10**9, 10**9) | st.text(max_size=20)
    values = st.dictionaries(st.sampled_from(["full_name", "phone", "birth_year", "note"]),
                             scalars, max_size=4)
    return st.builds(build, st.sampled_from(sorted(["insert", "update", "delete", "restore",
                                                    "erase"])),
                     st.integers(0, 10**9), st.integers(0, 1000), values)


@given(entries())
def test_an_entry_travels_the_same_through_the_schema(change: Change) -> None:
    entry = wire.WireEntry.from_change(change)
    assert entry.model_dump() == change.to_wire()
    assert wire.WireEntry.model_validate_json(entry.model_dump_json()).to_change() == change


def test_the_schema_refuses_what_change_from_wire_refuses() -> None:
    good = wire.WireEntry.from_change(Change(
        entry_id=str(uuid.uuid4()), table="person", record_id=str(uuid.uuid4()),
        commune_code=14797, op="insert", hlc=Hlc(T0, 0, DEVICE), base_version=None,
        values={"full_name": "Lò Thị Mai"})).model_dump()
    for bad in ({**good, "op": "drop"}, {**good, "hlc": "yesterday"},
                {**good, "device": str(uuid.UUID(int=2))}, {**good, "entry_id": "E1"},
                {**good, "values": {"id": str(uuid.uuid4())}}, {**good, "extra": 1},
                {**good, "base_version": good["hlc"]}):
        with pytest.raises(ValidationError):
            wire.WireEntry.model_validate(bad)
    fields = set(wire.WireEntry.model_fields)
    from cdsxa.sync.entries import WIRE_FIELDS

    assert fields == WIRE_FIELDS


@pytest.mark.parametrize("typed, expected", [
    ("14797-ABCD-EFGH-JKMN-PQRS", (14797, "ABCDEFGHJKMNPQRS")),
    ("14797 abcd efgh jkmn pqrs", (14797, "ABCDEFGHJKMNPQRS")),
    ("14797ABCDEFGHJKMNPQRS", (14797, "ABCDEFGHJKMNPQRS")),
    ("14797-2345-6789-ABCD-EFGH", (14797, "23456789ABCDEFGH")),  # a secret starting with digits
    ("1479723456789ABCDEFGH", (14797, "23456789ABCDEFGH")),
    ("14797 23456789ABCDEFGH", (14797, "23456789ABCDEFGH")),
    ("14797-ABCD-EFGH-JKMN", None), ("ABCD-EFGH-JKMN-PQRS", None),
    ("14797-ABCD-EFGH-JKMN-PQR0", None), ("14797-ABCD-EFGH-JKMN-PQRSX", None), ("", None),
    ("1" * 70, None),
])
def test_enrolment_codes_are_read_as_typed(typed: str, expected: object) -> None:
    assert wire.parse_code(typed) == expected


def test_requests_refuse_unknown_fields_and_odd_device_ids() -> None:
    base = {"code": "14797-ABCD-EFGH-JKMN-PQRS", "device_id": str(uuid.uuid4()),
            "commune_code": 14797, "protocol": 1}
    assert wire.EnrolRequest.model_validate(base).label is None
    for bad in ({**base, "admin": True}, {**base, "device_id": base["device_id"].upper()},
                {**base, "device_id": "máy"}, {**base, "commune_code": "14797x"},
                {**base, "label": "x" * 101}):
        with pytest.raises(ValidationError):
            wire.EnrolRequest.model_validate(bad)


def test_the_shared_schemas_load_no_server_code() -> None:
    code = ("import sys, cdsxa.sync.wire, cdsxa.sync.hub_client, cdsxa.sync.enrolment; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('fastapi', 'starlette', 'uvicorn') or m.startswith('cdsxa.hub')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "[]", done.stderr


def test_an_answer_with_a_field_a_newer_hub_added_is_still_read() -> None:
    """Found by the link benchmark: a hub answering `held_all` made the PC of the
    version before refuse every answer (extra fields forbidden)."""
    from cdsxa.sync import wire

    answer = wire.PushAnswer.model_validate({"held": [], "cursor": 3, "later": True})
    assert answer.cursor == 3
    with pytest.raises(ValueError):  # what a PC sends is still checked strictly
        wire.PushRequest.model_validate({"batch_id": str(uuid.uuid4()), "entries": [],
                                         "later": True})
