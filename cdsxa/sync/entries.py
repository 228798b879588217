"""A change-log entry as it travels between PCs and the hub, and a received batch.

`Change` checks what it is given (the hub gets untrusted input) and reads and
writes the wire form; `unseen` picks from a batch the entries to apply, in the
order they apply in. Part of the replication rules (docs/sync-rules.md), shared
by the PC and the hub: standard library and cdsxa.common only.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias, get_args

from cdsxa.common.clock import Hlc

JsonValue: TypeAlias = (
    None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
)
Op = Literal["insert", "update", "delete", "restore", "erase"]
OPS: frozenset[str] = frozenset(get_args(Op))

# The flag's name in conflicts: `deleted` merges like a field, with its own clock.
DELETED = "deleted"
# The one reserved key an update may carry: "this record is the same as that one".
MERGED_INTO = "merged_into"
# Columns the rules own; a change's values never carry them.
RESERVED_FIELDS = frozenset({"id", "commune_code", "hlc", "device_id", DELETED, MERGED_INTO})
WIRE_FIELDS = frozenset({"entry_id", "table", "record_id", "commune_code", "op", "hlc",
                         "device", "base_version", "values"})


def canonical_json(value: JsonValue) -> str:
    """One text per value: equality and the tie-break of equal clocks use it."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# Deeper than any record's value ever is; the limit keeps hostile nesting from
# reaching Python's recursion limit.
MAX_DEPTH = 20


def _checked_json(value: object, where: str, depth: int = 0) -> JsonValue:
    """A private copy of a JSON-ready value, or ValueError (the hub gets untrusted input)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: not a finite number")
        return value
    if depth >= MAX_DEPTH and isinstance(value, (list, dict)):
        raise ValueError(f"{where}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        return [_checked_json(item, where, depth + 1) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise ValueError(f"{where}: object keys must be text")
        return {key: _checked_json(item, where, depth + 1) for key, item in value.items()}
    raise ValueError(f"{where}: not JSON-ready: {type(value).__name__}")


def _check_uuid(text: object, what: str) -> None:
    try:
        ok = isinstance(text, str) and str(uuid.UUID(text)) == text
    except ValueError:
        ok = False
    if not ok:
        # Ids are compared as text (which survives a merge), so one spelling only.
        raise ValueError(f"{what} is not a lowercase canonical UUID: {text!r}")


@dataclass(frozen=True)
class Change:
    """One change-log entry as it travels. `device` is the clock's device."""

    entry_id: str
    table: str
    record_id: str
    commune_code: int
    op: Op
    hlc: Hlc
    base_version: Hlc | None  # the record's clock where the change was made; None: insert
    values: Mapping[str, JsonValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_uuid(self.entry_id, "entry_id")
        _check_uuid(self.record_id, "record_id")
        if not isinstance(self.hlc, Hlc) or not isinstance(self.base_version, (Hlc, type(None))):
            raise ValueError("clocks must be Hlc values")
        if not isinstance(self.table, str) or not self.table:
            raise ValueError("table must be a name")
        if isinstance(self.commune_code, bool) or not isinstance(self.commune_code, int):
            raise ValueError("commune_code must be an integer")
        if self.op not in OPS:
            raise ValueError(f"unknown op {self.op!r}")
        if self.op == "insert":
            if self.base_version is not None:
                raise ValueError("an insert has no base version")
        elif self.base_version is None or not self.base_version < self.hlc:
            # The author's clock had seen the record's clock, so it is later.
            raise ValueError(f"{self.op}: base_version must be set and earlier than hlc")
        if not isinstance(self.values, Mapping):
            raise ValueError("values must be an object")
        if not all(isinstance(key, str) and key for key in self.values):
            raise ValueError("the keys of values must be column names (text)")
        values = {key: _checked_json(value, f"{self.table}.{key}")
                  for key, value in dict(self.values).items()}
        if self.op in ("delete", "restore", "erase") and values:
            raise ValueError(f"{self.op} carries no values")
        if MERGED_INTO in values:
            if self.op != "update" or len(values) != 1:
                raise ValueError("merged_into travels alone, in an update")
            _check_uuid(values[MERGED_INTO], MERGED_INTO)
            if values[MERGED_INTO] == self.record_id:
                raise ValueError("a record is not merged into itself")
        elif RESERVED_FIELDS & values.keys():
            reserved = sorted(RESERVED_FIELDS & values.keys())
            raise ValueError(f"reserved fields in values: {reserved}")
        object.__setattr__(self, "values", values)

    @property
    def device(self) -> str:
        return self.hlc.device

    def to_wire(self) -> dict[str, JsonValue]:
        return {
            "entry_id": self.entry_id, "table": self.table, "record_id": self.record_id,
            "commune_code": self.commune_code, "op": self.op, "hlc": self.hlc.encode(),
            "device": self.device,
            "base_version": self.base_version.encode() if self.base_version else None,
            "values": dict(self.values),
        }

    @classmethod
    def from_wire(cls, data: object) -> Change:
        """Parse and check an entry received as JSON; ValueError if malformed (never
        another error, whatever `data` is)."""
        if not isinstance(data, Mapping):
            raise ValueError(f"an entry must be an object, not {type(data).__name__}")
        missing = sorted(WIRE_FIELDS - {"values"} - data.keys())
        if missing:
            raise ValueError(f"entry lacks {', '.join(missing)}")
        text = {name: data[name] for name in ("entry_id", "table", "record_id", "op", "hlc",
                                              "device")}
        for name, value in text.items():
            if not isinstance(value, str):
                raise ValueError(f"{name} must be text, not {type(value).__name__}")
        base, commune = data["base_version"], data["commune_code"]
        if base is not None and not isinstance(base, str):
            raise ValueError("base_version must be text or null")
        if isinstance(commune, bool) or not isinstance(commune, int):
            raise ValueError("commune_code must be an integer")
        values = data.get("values") or {}
        if not isinstance(values, Mapping):
            raise ValueError("values must be an object")
        if not all(isinstance(key, str) for key in values):
            raise ValueError("the keys of values must be text")
        hlc = Hlc.parse(text["hlc"])
        if text["device"] != hlc.device:
            raise ValueError("device differs from the clock's device")
        if text["op"] not in OPS:
            raise ValueError(f"unknown op {text['op']!r}")
        return cls(entry_id=text["entry_id"], table=text["table"], record_id=text["record_id"],
                   commune_code=commune,
                   op=text["op"],  # checked against OPS above
                   hlc=hlc, base_version=None if base is None else Hlc.parse(base),
                   values=values)


def merge_target(change: Change) -> str | None:
    """The id a merge entry says its record is the same as, else None."""
    target = change.values.get(MERGED_INTO)
    return target if isinstance(target, str) else None


def unseen(batch: Iterable[Change], seen: Container[str]) -> list[Change]:
    """The entries not applied yet, once each, in application order (clock, entry id).

    Clock order puts an insert before its own updates, whatever order they came in.
    """
    chosen: dict[str, Change] = {}
    for change in batch:
        if change.entry_id in seen:
            continue
        earlier = chosen.setdefault(change.entry_id, change)
        if earlier != change:
            raise ValueError(f"entry {change.entry_id} came twice with different contents")
    return sorted(chosen.values(), key=lambda c: (c.hlc, c.entry_id))
