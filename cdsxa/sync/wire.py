"""The wire format between a commune PC and the province hub: one definition, both sides.

Pydantic models only (no FastAPI, nothing of the hub's server): the hub declares its
endpoints with them (and so its OpenAPI description), the PC's client parses answers
with them. A change-log entry's wire form is `Change.to_wire` (cdsxa/sync/entries.py);
`WireEntry` is its schema and checks what it is given with `Change.from_wire`, so the
two can never disagree.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cdsxa.sync.entries import Change

# The protocol this program speaks, and the oldest one the hub still accepts. A
# client states its version (the enrol body, then the header on every call); an older
# one is answered 426 with a Vietnamese message, a newer one 400.
PROTOCOL_VERSION = 1
MIN_PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "CDSXa-Protocol"

API_PREFIX = "/api/v1"

# Enrolment codes: "14797-ABCD-EFGH-JKMN-PQRS", the commune's code then 80 random bits
# from an alphabet without look-alikes (no 0/O, 1/I/L): read over the phone and typed.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS = 4
CODE_GROUP_LENGTH = 4
_CODE_PATTERN = re.compile(
    rf"^([0-9]{{1,8}})((?:-[{CODE_ALPHABET}]{{{CODE_GROUP_LENGTH}}}){{{CODE_GROUPS}}})$")
MAX_CODE_LENGTH = 64
MAX_TOKEN_LENGTH = 200
MAX_LABEL_LENGTH = 100


def normalise_code(typed: str) -> str:
    """The code as issued, from what a person typed (any case, spaces, no dashes)."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", typed.upper()) if w]
    if len(words) > 1 and words[0].isdigit():  # typed in groups: the first is the commune
        commune, secret = words[0], "".join(words[1:])
    else:
        # All in one: the secret has a fixed length (and may begin with digits), and
        # what precedes it is the commune's code.
        chars = "".join(words)
        length = CODE_GROUPS * CODE_GROUP_LENGTH
        commune, secret = chars[:-length], chars[-length:]
    groups = [secret[i:i + CODE_GROUP_LENGTH] for i in range(0, len(secret), CODE_GROUP_LENGTH)]
    return "-".join([commune, *groups])


def parse_code(code: str) -> tuple[int, str] | None:
    """(commune code, secret) of a well-formed enrolment code, else None."""
    match = _CODE_PATTERN.match(normalise_code(code)) if len(code) <= MAX_CODE_LENGTH else None
    if match is None:
        return None
    return int(match.group(1)), match.group(2).replace("-", "")


def _canonical_uuid(value: str) -> str:
    try:
        canonical = str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise ValueError("not a UUID") from None
    if canonical != value:
        raise ValueError("not a lowercase canonical UUID")
    return value


class _Wire(BaseModel):
    # Unknown fields are refused: a typo or a newer client's field is not ignored silently.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorAnswer(_Wire):
    """Every refusal: a stable code for programs and a Vietnamese message for people.
    Never any commune's data."""

    error: str
    message: str


class Health(_Wire):
    status: Literal["ok", "unavailable"]
    database: bool
    protocol: int = PROTOCOL_VERSION


class EnrolRequest(_Wire):
    code: Annotated[str, Field(min_length=1, max_length=MAX_CODE_LENGTH)]
    device_id: Annotated[str, Field(description="this PC's device id (this_device.id)")]
    commune_code: Annotated[int, Field(ge=1, le=99_999_999,
                                       description="the commune of the PC's profile")]
    protocol: Annotated[int, Field(ge=0, le=1_000_000)]
    label: Annotated[str | None, Field(max_length=MAX_LABEL_LENGTH,
                                       description="a name for the PC (its host name)")] = None

    _device = field_validator("device_id")(_canonical_uuid)


class EnrolAnswer(_Wire):
    """Sent once: the hub keeps only a hash of the token."""

    device_token: str
    device_id: str
    commune_code: int
    commune_name: str
    protocol: int = PROTOCOL_VERSION


class WhoAmI(_Wire):
    device_id: str
    commune_code: int
    commune_name: str


class WireEntry(_Wire):
    """One change-log entry as it travels: `Change.to_wire`'s shape, checked by
    `Change.from_wire` (ids, clocks, ops, values)."""

    entry_id: str
    table: str
    record_id: str
    commune_code: int
    op: Literal["insert", "update", "delete", "restore", "erase"]
    hlc: str
    device: str
    base_version: str | None
    values: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _checked(self) -> WireEntry:
        Change.from_wire(self.model_dump())  # ValueError: pydantic reports it as invalid
        return self

    def to_change(self) -> Change:
        return Change.from_wire(self.model_dump())

    @classmethod
    def from_change(cls, change: Change) -> WireEntry:
        return cls.model_validate(change.to_wire())


# Push: a batch of the token's commune's entries, all made on the pushing device, each
# applied at most once; the answer names every entry id of the batch the hub holds (new
# or seen before), and only those are marked acknowledged on the PC. An entry refused
# alone (a clock too far ahead) is named with why; the rest of the batch is held.
MAX_BATCH_ENTRIES = 2_000
# Pull: what the hub holds for the commune after the client's cursor, other devices' only.
MAX_PULL_ENTRIES = 2_000
# Bodies may be gzip-compressed (Content-Encoding: gzip); bounded both ways.
MAX_BODY_BYTES = 16 * 2**20
MAX_INFLATED_BYTES = 64 * 2**20


class PushRequest(_Wire):
    batch_id: str
    entries: Annotated[list[WireEntry], Field(max_length=MAX_BATCH_ENTRIES)]

    _batch = field_validator("batch_id")(_canonical_uuid)


class RefusedEntry(_Wire):
    entry_id: str
    message: str


class PushAnswer(_Wire):
    held: list[str]
    refused: list[RefusedEntry] = Field(default_factory=list)
    conflicts: int = 0  # values that lost at the hub (each PC records its own too)
    cursor: int  # the commune's sequence after the batch (pull reads after a cursor)


class TopicWire(_Wire):
    """One support topic of the catalogue the province publishes (cdsxa.db.activity.Topic)."""

    code: Annotated[str, Field(min_length=1, max_length=40)]
    name: Annotated[str, Field(min_length=1, max_length=150)]
    name_en: Annotated[str, Field(max_length=150)]
    category: Annotated[str, Field(min_length=1, max_length=20)]
    outcome: Annotated[str | None, Field(max_length=40)] = None
    position: Annotated[int, Field(ge=0, le=1_000_000)]
    active: bool


class PullAnswer(_Wire):
    entries: list[WireEntry]
    cursor: int  # give it back as `after` next time; kept with what was applied
    more: bool  # entries follow this cursor already
    # The topic catalogue, when it differs from the version the client named (`catalogue`
    # parameter): applied before the entries, in their transaction.
    catalogue: list[TopicWire] | None = None
    catalogue_version: str | None = None
