"""Replication rules shared by the PC and the province hub, on plain data.

The rules (docs/sync-rules.md tells them with examples):

- every field is last-writer-wins by hybrid logical clock, and every value that
  loses to a write its author had not seen is kept as a Conflict;
- `deleted` is one more such field; an edit and a delete that did not see each
  other make a "delete_vs_edit" conflict;
- an erasure wins over everything and keeps no values, not even in conflicts;
- a change that arrives before its insert makes a partial state the insert joins;
- the same real thing created twice (a natural key) is merged into the smaller
  id; the merge itself travels as an entry, so every replica ends up equal.

Every state here is the join of the writes it has received: the final state does
not depend on the order, or on repeats. Standard library only.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, TypeAlias, get_args

from cdsxa.common.clock import Hlc

JsonValue: TypeAlias = (
    None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
)
Op = Literal["insert", "update", "delete", "restore", "erase"]
ConflictKind = Literal["edit", "delete_vs_edit", "erased", "duplicate"]
OPS: frozenset[str] = frozenset(get_args(Op))

# The flag's name in conflicts: `deleted` merges like a field, with its own clock.
DELETED = "deleted"
# The one reserved key an update may carry: "this record is the same as that one".
MERGED_INTO = "merged_into"
# Columns the rules own; a change's values never carry them.
RESERVED_FIELDS = frozenset({"id", "commune_code", "hlc", "device_id", DELETED, MERGED_INTO})

# The same real thing, per table: these fields equal (none of them null) within
# one commune. () means one live row per commune. Adding a table is one line.
NATURAL_KEYS: Mapping[str, tuple[str, ...]] = {
    "person": ("id_number",),
    "village": ("name_key",),
    "person_outcome": ("person_id", "kind"),
    "commune_profile": (),
}

# Fields holding another record's id, by table: re-pointed to the survivor when
# that record is merged. person_outcome's key reads person_id after re-pointing,
# which is how merged persons make their outcomes collide in turn.
REFERENCES: Mapping[str, Mapping[str, str]] = {
    "person": {"village_id": "village", "household_id": "household"},
    "household": {"village_id": "village"},
    "village": {"merged_into_id": "village"},
    "person_outcome": {"person_id": "person"},
    "team": {"village_id": "village"},
    "team_member": {"person_id": "person"},
    "support_session": {"village_id": "village", "person_id": "person"},
    "group_session": {"village_id": "village"},
    "vneid_step": {"person_id": "person"},
}


def canonical_json(value: JsonValue) -> str:
    """One text per value: equality and the tie-break of equal clocks use it."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _checked_json(value: object, where: str) -> JsonValue:
    """A private copy of a JSON-ready value, or ValueError (the hub gets untrusted input)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: not a finite number")
        return value
    if isinstance(value, list):
        return [_checked_json(item, where) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise ValueError(f"{where}: object keys must be text")
        return {key: _checked_json(item, where) for key, item in value.items()}
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
            raise ValueError(f"reserved fields in values: {sorted(RESERVED_FIELDS & values.keys())}")
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
    def from_wire(cls, data: Mapping[str, object]) -> Change:
        """Parse and check an entry received as JSON; ValueError if malformed."""
        try:
            hlc = Hlc.parse(str(data["hlc"]))
            base = data["base_version"]
            values = data.get("values") or {}
            if data["device"] != hlc.device:
                raise ValueError("device differs from the clock's device")
            if not isinstance(values, dict):
                raise ValueError("values must be an object")
            op = str(data["op"])
            if op not in OPS:
                raise ValueError(f"unknown op {op!r}")
            commune = data["commune_code"]
            if not isinstance(commune, int):
                raise ValueError("commune_code must be an integer")
            return cls(entry_id=str(data["entry_id"]), table=str(data["table"]),
                       record_id=str(data["record_id"]), commune_code=commune,
                       op=op,  # type: ignore[arg-type]  # checked against OPS above
                       hlc=hlc, base_version=None if base is None else Hlc.parse(str(base)),
                       values=values)
        except KeyError as missing:
            raise ValueError(f"entry lacks {missing}") from None


def merge_target(change: Change) -> str | None:
    """The id a merge entry says its record is the same as, else None."""
    target = change.values.get(MERGED_INTO)
    return target if isinstance(target, str) else None


@dataclass(frozen=True)
class RecordState:
    """What a replica knows of one record, with the clock of each field's write.

    `clock` is the newest clock of any change received for the record (the
    record's hlc column, and the base_version of the next local change).
    `inserted` is False for a partial state: changes came before the insert.
    A tombstone (merged_into set) holds nothing else: its data is in the survivor.
    """

    table: str
    record_id: str
    commune_code: int
    values: Mapping[str, JsonValue] = field(default_factory=dict)
    field_clocks: Mapping[str, Hlc] = field(default_factory=dict)
    deleted: bool = False
    deleted_clock: Hlc | None = None
    erased: bool = False
    merged_into: str | None = None
    clock: Hlc | None = None
    inserted: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", dict(self.values))
        object.__setattr__(self, "field_clocks", dict(self.field_clocks))
        if self.values.keys() != self.field_clocks.keys():
            raise ValueError("every value needs its clock, and only values have one")

    @property
    def live(self) -> bool:
        """Shown to users and counted: inserted, not deleted, erased or merged."""
        return (self.inserted and not self.deleted and not self.erased
                and self.merged_into is None)


@dataclass(frozen=True)
class Conflict:
    """A value that lost, kept so that a user can see it and put it back.

    For kind "erased" both values are None: personal data does not outlive an
    erasure. For the `deleted` field the values are the flag (True: deleted).
    A write is named by its clock; the entry id is given when it is known here.
    """

    kind: ConflictKind
    table: str
    record_id: str  # the record it happened on: the survivor, for a merged one
    field: str
    losing_value: JsonValue
    losing_clock: Hlc
    losing_entry: str | None
    winning_value: JsonValue
    winning_clock: Hlc | None
    winning_entry: str | None

    @property
    def losing_device(self) -> str:
        return self.losing_clock.device

    @property
    def winning_device(self) -> str | None:
        return self.winning_clock.device if self.winning_clock else None

    def without_values(self) -> Conflict:
        """The same conflict with its values dropped: what is left after an erasure."""
        return replace(self, losing_value=None, winning_value=None)


@dataclass(frozen=True)
class Outcome:
    state: RecordState
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class Merge:
    survivor: RecordState
    tombstones: tuple[RecordState, ...]
    redirects: Mapping[str, str]  # loser id -> survivor id
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class _Write:
    value: JsonValue
    clock: Hlc
    entry: str | None


def _beats(a: _Write, b: _Write) -> bool:
    # Clocks of distinct entries differ; the value only settles a faulty repeat.
    return (a.clock, canonical_json(a.value)) > (b.clock, canonical_json(b.value))


def _max_clock(a: Hlc | None, b: Hlc | None) -> Hlc | None:
    if a is None or b is None:
        return a or b
    return max(a, b)


class _Draft:
    """A state being changed, and the conflicts found on the way."""

    def __init__(self, state: RecordState) -> None:
        self.state = state
        self.values = dict(state.values)
        self.clocks = dict(state.field_clocks)
        self.flag = (_Write(state.deleted, state.deleted_clock, None)
                     if state.deleted_clock is not None else None)
        self.conflicts: list[Conflict] = []

    def conflict(self, kind: ConflictKind, name: str, losing: _Write,
                 winning: _Write | None) -> None:
        self.conflicts.append(Conflict(
            kind, self.state.table, self.state.record_id, name, losing.value, losing.clock,
            losing.entry, winning.value if winning else None,
            winning.clock if winning else None, winning.entry if winning else None))

    def merge(self, current: _Write | None, incoming: _Write, base: Hlc | None,
              kind: ConflictKind, name: str) -> _Write:
        """Last writer wins; the loser is kept unless its author had seen the winner."""
        if current is None:
            return incoming
        if canonical_json(current.value) == canonical_json(incoming.value):
            return max(current, incoming, key=lambda w: w.clock)  # nothing lost
        if _beats(incoming, current):
            if base is None or current.clock > base:  # its author had not seen current
                self.conflict(kind, name, current, incoming)
            return incoming
        self.conflict(kind, name, incoming, current)
        return current

    def write_field(self, name: str, incoming: _Write, base: Hlc | None,
                    kind: ConflictKind = "edit") -> None:
        current = (_Write(self.values[name], self.clocks[name], None)
                   if name in self.clocks else None)
        result = self.merge(current, incoming, base, kind, name)
        self.values[name], self.clocks[name] = result.value, result.clock

    def write_flag(self, incoming: _Write, base: Hlc | None,
                   kind: ConflictKind = "edit") -> None:
        self.flag = self.merge(self.flag, incoming, base, kind, DELETED)

    def done(self, clock: Hlc | None, inserted: bool) -> Outcome:
        state = replace(self.state, values=self.values, field_clocks=self.clocks,
                        deleted=bool(self.flag.value) if self.flag else False,
                        deleted_clock=self.flag.clock if self.flag else None,
                        clock=clock, inserted=inserted)
        return Outcome(state, tuple(self.conflicts))


def _erased(state: RecordState, clock: Hlc | None) -> RecordState:
    # One canonical tombstone, whatever had arrived before: replicas stay equal.
    return RecordState(state.table, state.record_id, state.commune_code, deleted=True,
                       erased=True, clock=clock, inserted=True)


def _tombstone(state: RecordState, survivor_id: str) -> RecordState:
    return RecordState(state.table, state.record_id, state.commune_code, deleted=True,
                       merged_into=survivor_id, inserted=True)


def _check_same_record_kind(state: RecordState, table: str, commune_code: int) -> None:
    if state.table != table:
        raise ValueError(f"a {table} change given a {state.table} state")
    if state.commune_code != commune_code:
        # A record never changes commune; an entry that says so is forged or broken.
        raise ValueError(f"commune {commune_code} change for a record of {state.commune_code}")


def apply_change(state: RecordState | None, change: Change) -> Outcome:
    """The record after `change`, and the conflicts it made.

    `state` is the record's state (None if unknown here), or its survivor's when the
    record was merged (the adapter follows merged_into). Merge entries go to
    merge_duplicates. Pure: `state` is not modified.
    """
    if merge_target(change) is not None:
        raise ValueError("a merge entry is applied with merge_duplicates")
    if state is None:
        state = RecordState(change.table, change.record_id, change.commune_code)
    _check_same_record_kind(state, change.table, change.commune_code)
    if state.merged_into is not None:
        raise ValueError(f"{state.record_id} was merged: apply to {state.merged_into}")
    if change.op == "insert" and state.record_id != change.record_id:
        # A duplicate's insert, arriving after the merge: it merges like the duplicate.
        if not state.record_id < change.record_id:
            raise ValueError("the survivor of a merge has the smaller id")
        duplicate = apply_change(None, change).state
        merged = merge_duplicates([state, duplicate])
        return Outcome(merged.survivor, merged.conflicts)

    clock = _max_clock(state.clock, change.hlc)
    draft = _Draft(state)
    if state.erased:
        # Erasure wins: what comes later is dropped, named but without its values.
        if change.op == "update":
            for name in sorted(change.values):
                draft.conflict("erased", name, _Write(None, change.hlc, change.entry_id), None)
        elif change.op == "restore":
            draft.conflict("erased", DELETED, _Write(None, change.hlc, change.entry_id), None)
        return Outcome(replace(state, clock=clock), tuple(draft.conflicts))
    if change.op == "erase":
        erase_base = change.base_version
        assert erase_base is not None  # Change checks it
        for name in sorted(state.field_clocks):
            if state.field_clocks[name] > erase_base:  # the eraser had not seen this edit
                draft.conflict("erased", name, _Write(None, state.field_clocks[name], None),
                               _Write(None, change.hlc, change.entry_id))
        return Outcome(_erased(state, clock), tuple(draft.conflicts))

    base = change.base_version
    incoming = _Write(None, change.hlc, change.entry_id)
    for name in sorted(change.values):
        draft.write_field(name, replace(incoming, value=change.values[name]), base)
    if change.op == "insert":
        draft.write_flag(replace(incoming, value=False), base)
    elif change.op in ("delete", "restore"):
        draft.write_flag(replace(incoming, value=change.op == "delete"), base)

    flag = draft.flag
    if flag is not None and flag.value is True and base is not None:
        if change.op == "update" and flag.clock > base:
            # Edited where the delete had not arrived: the edit stays, hidden.
            draft.conflict("delete_vs_edit", DELETED, replace(incoming, value=False), flag)
        elif change.op == "delete" and flag.clock == change.hlc:
            for edit_clock in sorted({c for c in state.field_clocks.values() if c > base}):
                # Deleted where these edits had not arrived.
                draft.conflict("delete_vs_edit", DELETED, _Write(False, edit_clock, None), flag)
    return draft.done(clock, state.inserted or change.op == "insert")


def merge_duplicates(states: Sequence[RecordState], clock: Hlc | None = None) -> Merge:
    """Merge records that are the same real thing into the one with the smallest id.

    Fields merge by their clocks, as if every write had been made to the survivor;
    each value of a duplicate that loses is a "duplicate" conflict. The others
    become tombstones pointing at the survivor. `clock` is the merge entry's.
    An erased duplicate erases the survivor: it is the same person.
    """
    if not states:
        raise ValueError("nothing to merge")
    ordered = sorted(states, key=lambda s: s.record_id)
    first = ordered[0]
    if len({s.record_id for s in ordered}) != len(ordered):
        raise ValueError("a record is given twice")
    for state in ordered:
        _check_same_record_kind(state, first.table, first.commune_code)
        if state.merged_into is not None:
            raise ValueError(f"{state.record_id} is already merged into {state.merged_into}")
    survivor, conflicts = first, []
    for other in ordered[1:]:
        survivor, found = _absorb(survivor, other)
        conflicts.extend(found)
    survivor = replace(survivor, clock=_max_clock(survivor.clock, clock))
    return Merge(survivor, tuple(_tombstone(s, first.record_id) for s in ordered[1:]),
                 {s.record_id: first.record_id for s in ordered[1:]}, tuple(conflicts))


def _absorb(survivor: RecordState, other: RecordState) -> tuple[RecordState, list[Conflict]]:
    clock = _max_clock(survivor.clock, other.clock)
    inserted = survivor.inserted or other.inserted
    draft = _Draft(survivor)
    if survivor.erased or other.erased:
        kept = other if survivor.erased else survivor
        if not kept.erased:
            for name in sorted(kept.field_clocks):
                draft.conflict("erased", name, _Write(None, kept.field_clocks[name], None), None)
        return _erased(survivor, clock), draft.conflicts
    for name in sorted(other.field_clocks):
        draft.write_field(name, _Write(other.values[name], other.field_clocks[name], None),
                          None, "duplicate")
    if other.deleted_clock is not None:
        draft.write_flag(_Write(other.deleted, other.deleted_clock, None), None, "duplicate")
    outcome = draft.done(clock, inserted)
    return outcome.state, list(outcome.conflicts)


def natural_key(table: str, values: Mapping[str, JsonValue]) -> tuple[str, ...] | None:
    """The table's natural key of these values (canonical text), or None if it has none."""
    fields = NATURAL_KEYS.get(table)
    if fields is None or any(values.get(name) is None for name in fields):
        return None
    return tuple(canonical_json(values[name]) for name in fields)


def find_duplicates(states: Iterable[RecordState]) -> list[tuple[RecordState, str]]:
    """(loser, survivor id) for the inserted, unmerged, unerased records that share a
    natural key within a table and commune, losers in id order. Deleted records take
    part: one created again after a delete is the same thing. The adapter writes a
    merge entry (merge_change) for each loser."""
    groups: dict[tuple[str, int, tuple[str, ...]], list[RecordState]] = {}
    for state in states:
        if not state.inserted or state.erased or state.merged_into is not None:
            continue
        key = natural_key(state.table, state.values)
        if key is not None:
            groups.setdefault((state.table, state.commune_code, key), []).append(state)
    found: list[tuple[RecordState, str]] = []
    for group in groups.values():
        survivor = min(s.record_id for s in group)
        found.extend((s, survivor) for s in group if s.record_id != survivor)
    return sorted(found, key=lambda pair: pair[0].record_id)


def merge_change(loser: RecordState, survivor_id: str, entry_id: str, hlc: Hlc) -> Change:
    """The entry that says `loser` is the same as `survivor_id`."""
    if loser.clock is None:
        raise ValueError("a record known only by name is not merged")
    return Change(entry_id, loser.table, loser.record_id, loser.commune_code, "update", hlc,
                  loser.clock, {MERGED_INTO: survivor_id})


def repoint(table: str, values: Mapping[str, JsonValue],
            survivor_of: Callable[[str, str], str]) -> dict[str, JsonValue]:
    """`values` with every reference to a merged record pointing at its survivor.

    `survivor_of(table, id)` follows merged_into to the end (id itself if not merged).
    """
    result = dict(values)
    for name, target in REFERENCES.get(table, {}).items():
        value = result.get(name)
        if isinstance(value, str):
            result[name] = survivor_of(target, value)
    return result


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


def encode_clocks(clocks: Mapping[str, Hlc]) -> dict[str, str]:
    """Field clocks as a JSON-ready object, for a record's field_clocks column."""
    return {name: clock.encode() for name, clock in sorted(clocks.items())}


def decode_clocks(data: Mapping[str, str]) -> dict[str, Hlc]:
    return {name: Hlc.parse(text) for name, text in data.items()}
