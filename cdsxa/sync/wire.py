"""The wire format between a commune PC and the province hub: one definition, both sides.

Pydantic models only (no FastAPI, nothing of the hub's server): the hub declares its
endpoints with them (and so its OpenAPI description), the PC's client parses answers
with them. A change-log entry's wire form is `Change.to_wire` (cdsxa/sync/entries.py);
`WireEntry` is its schema and checks what it is given with `Change.from_wire`, so the
two can never disagree.
"""

from __future__ import annotations

import base64
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


MAX_KEY_LENGTH = 44  # a 32-byte key in base64


def _public_key(value: str | None) -> str | None:
    if value is not None and (len(value) != MAX_KEY_LENGTH or len(
            base64.b64decode(value, validate=True)) != 32):
        raise ValueError("not a base64 32-byte key")
    return value


class _Wire(BaseModel):
    # Unknown fields are refused: a typo or a newer client's field is not ignored silently.
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Answer(BaseModel):
    # What the hub answers: a newer hub may add a field (within one protocol version),
    # and a PC of the version before must still read the answer.
    model_config = ConfigDict(extra="ignore", frozen=True)


class ErrorAnswer(_Answer):
    """Every refusal: a stable code for programs and a Vietnamese message for people.
    Never any commune's data."""

    error: str
    message: str


class Health(_Answer):
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
    device_key: Annotated[str | None, Field(
        max_length=MAX_KEY_LENGTH,
        description="the PC's Ed25519 public key (base64): signs its bundles")] = None

    _device = field_validator("device_id")(_canonical_uuid)
    _key = field_validator("device_key")(_public_key)


class EnrolAnswer(_Answer):
    """Sent once: the hub keeps only a hash of the token."""

    device_token: str
    device_id: str
    commune_code: int
    commune_name: str
    protocol: int = PROTOCOL_VERSION
    # The commune's keys at the hub (base64): bundles are encrypted to the X25519 one,
    # receipts are signed with the Ed25519 one (sync by file, docs/hub.md).
    hub_box_key: str | None = None
    hub_sign_key: str | None = None

    _keys = field_validator("hub_box_key", "hub_sign_key")(_public_key)


class WhoAmI(_Answer):
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


class AuditWire(_Wire):
    """An audit event as it travels: who did what, when, to which record. Pseudonymised:
    no summary or details (they may name a citizen or carry old and new values); the
    hub words it from the action, and a record is named by its id only."""

    event_id: str
    at: Annotated[str, Field(max_length=40, description="UTC, ISO 8601")]
    actor: Annotated[str, Field(min_length=1, max_length=200)]
    action: Annotated[str, Field(min_length=1, max_length=30)]
    object_table: Annotated[str | None, Field(max_length=50)] = None
    object_id: str | None = None
    change_id: str | None = None  # the change-log entry, for a record change

    _ids = field_validator("event_id")(_canonical_uuid)

    @field_validator("object_id", "change_id")
    @classmethod
    def _optional_uuid(cls, value: str | None) -> str | None:
        return None if value is None else _canonical_uuid(value)

    @field_validator("at")
    @classmethod
    def _utc(cls, value: str) -> str:
        from datetime import datetime

        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("not an ISO 8601 time") from None
        if parsed.utcoffset() is None or parsed.utcoffset().total_seconds() != 0:  # type: ignore[union-attr]
            raise ValueError("audit times travel in UTC")
        return value


class PushRequest(_Wire):
    batch_id: str
    entries: Annotated[list[WireEntry], Field(max_length=MAX_BATCH_ENTRIES)]
    # The audit events made since the last push (at most as many as the entries allow).
    audit: Annotated[list[AuditWire], Field(max_length=MAX_BATCH_ENTRIES)] = Field(
        default_factory=list)
    # The sync generation the hub gave this PC with its last push's answer (0 before
    # the first): any other number is answered 412 and the PC re-bases first.
    generation: Annotated[int, Field(ge=0, le=2**62)] = 0

    _batch = field_validator("batch_id")(_canonical_uuid)


class RefusedEntry(_Answer):
    entry_id: str
    message: str


class PushAnswer(_Answer):
    # The ids held, or none with held_all: every entry of the batch is held (the usual
    # answer, and 25 bytes a change less down a slow link).
    held: list[str]
    held_all: bool = False
    refused: list[RefusedEntry] = Field(default_factory=list)
    conflicts: int = 0  # values that lost at the hub (each PC records its own too)
    cursor: int  # the commune's sequence after the batch (pull reads after a cursor)
    generation: int = 0  # to send with the next push
    audit_held: list[str] = Field(default_factory=list)  # event ids the hub holds

    def held_of(self, request: PushRequest) -> list[str]:
        """The ids of `request`'s entries the hub holds."""
        if self.held_all:
            return list(dict.fromkeys(e.entry_id for e in request.entries))
        return list(self.held)


class RebaseAnswer(_Answer):
    """A re-base: this device's own entries the hub holds from the generation the PC
    named on (it may lack them: a restored backup), then the generation to go on with."""

    entries: list[WireEntry]
    after: int  # give it back as `after` for the next page
    more: bool
    generation: int
    # The PC is ahead of the hub (the hub's database was restored from a backup): the
    # PC sends again everything it made, and pulls again from the start.
    hub_behind: bool = False


class TopicWire(_Answer):
    """One support topic of the catalogue the province publishes (cdsxa.db.activity.Topic)."""

    code: Annotated[str, Field(min_length=1, max_length=40)]
    name: Annotated[str, Field(min_length=1, max_length=150)]
    name_en: Annotated[str, Field(max_length=150)]
    category: Annotated[str, Field(min_length=1, max_length=20)]
    outcome: Annotated[str | None, Field(max_length=40)] = None
    position: Annotated[int, Field(ge=0, le=1_000_000)]
    active: bool


class PullAnswer(_Answer):
    entries: list[WireEntry]
    cursor: int  # give it back as `after` next time; kept with what was applied
    # The id of the entry at `cursor` (give it back as `after_entry`): a hub whose entry
    # there differs went back in time (restored from a backup) and says so.
    cursor_entry: str | None = None
    more: bool  # entries follow this cursor already
    # The topic catalogue, when it differs from the version the client named (`catalogue`
    # parameter): applied before the entries, in their transaction.
    catalogue: list[TopicWire] | None = None
    catalogue_version: str | None = None
