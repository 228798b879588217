"""What a replica holds of one record, and how a change or a duplicate joins it.

- every field is last-writer-wins by hybrid logical clock, and every value that
  loses to a write its author had not seen is kept as a Conflict;
- `deleted` is one more such field; an edit and a delete that did not see each
  other make a "delete_vs_edit" conflict;
- an erasure wins over everything and keeps no values, not even in conflicts;
- a change that arrives before its insert makes a partial state the insert joins;
- records that are the same real thing merge field by field into the smaller id
  (which records those are, and what follows, is cdsxa.sync.duplicates).

Every state here is the join of the writes it has received: the final state does
not depend on the order, or on repeats. Part of the replication rules
(docs/sync-rules.md), shared by the PC and the hub: standard library and
cdsxa.common only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from cdsxa.common.clock import Hlc
from cdsxa.common.text import clean, fold
from cdsxa.sync.entries import DELETED, Change, JsonValue, canonical_json, merge_target

ConflictKind = Literal["edit", "delete_vs_edit", "erased", "duplicate"]

# A person's data and the rows that are theirs alone (what the local erasure deletes):
# the only records an "erase" entry may name. Anything else is soft-deleted.
ERASABLE = frozenset({"person", "person_outcome", "vneid_step", "group_session_attendee"})

# Columns every replica derives from another (table -> derived -> source): never taken
# from an entry, never a conflict of their own; they follow their source's value and clock.
DERIVED: Mapping[str, Mapping[str, str]] = {
    "person": {"name_key": "full_name"},
    "village": {"name_key": "name"},
    "team_member": {"name_key": "full_name"},
}


def derived_value(source: JsonValue) -> JsonValue:
    """The folded name the services store beside a name (cdsxa.common.text.fold)."""
    return fold(clean(source) or "") if isinstance(source, str) else None


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
        # An older write arriving late lost to a newer one. Not a loss if one device made
        # both: a device always builds on its own earlier writes (an update delivered
        # before its insert, batches out of order).
        if kind == "duplicate" or incoming.clock.device != current.clock.device:
            self.conflict(kind, name, incoming, current)
        return current

    def write_field(self, name: str, incoming: _Write, base: Hlc | None,
                    kind: ConflictKind = "edit") -> None:
        if name in DERIVED.get(self.state.table, {}):
            return  # made from its source in done()
        current = (_Write(self.values[name], self.clocks[name], None)
                   if name in self.clocks else None)
        result = self.merge(current, incoming, base, kind, name)
        self.values[name], self.clocks[name] = result.value, result.clock

    def write_flag(self, incoming: _Write, base: Hlc | None,
                   kind: ConflictKind = "edit") -> None:
        self.flag = self.merge(self.flag, incoming, base, kind, DELETED)

    def done(self, clock: Hlc | None, inserted: bool) -> Outcome:
        for name, source in DERIVED.get(self.state.table, {}).items():
            if source in self.values:
                self.values[name] = derived_value(self.values[source])
                self.clocks[name] = self.clocks[source]
            else:  # a partial state without its source: nothing to derive from yet
                self.values.pop(name, None)
                self.clocks.pop(name, None)
        state = replace(self.state, values=self.values, field_clocks=self.clocks,
                        deleted=bool(self.flag.value) if self.flag else False,
                        deleted_clock=self.flag.clock if self.flag else None,
                        clock=clock, inserted=inserted)
        return Outcome(state, tuple(self.conflicts))


def _own(table: str, names: Iterable[str]) -> list[str]:
    """The names that are not derived from another, sorted: those that get conflicts."""
    return sorted(set(names) - DERIVED.get(table, {}).keys())


def _erased(state: RecordState, clock: Hlc | None) -> RecordState:
    # One canonical tombstone, whatever had arrived before: replicas stay equal.
    return RecordState(state.table, state.record_id, state.commune_code, deleted=True,
                       erased=True, clock=clock, inserted=True)


def _tombstone(state: RecordState, survivor_id: str) -> RecordState:
    return RecordState(state.table, state.record_id, state.commune_code, deleted=True,
                       merged_into=survivor_id, inserted=True)


def _check_same_record_kind(state: RecordState, table: str, commune_code: int) -> None:
    if state.table != table:
        raise ValueError(f"mục của bảng {table} áp vào một bản ghi của bảng {state.table}")
    if state.commune_code != commune_code:
        # A record never changes commune; an entry that says so is forged or broken.
        raise ValueError(f"mục của xã mã {commune_code} cho một bản ghi của xã mã "
                         f"{state.commune_code}")


def apply_change(state: RecordState | None, change: Change) -> Outcome:
    """The record after `change`, and the conflicts it made.

    `state` is the record's state (None if unknown here), or its survivor's when the
    record was merged (the adapter follows merged_into). Merge entries go to
    merge_duplicates. Pure: `state` is not modified.
    """
    if merge_target(change) is not None:
        raise ValueError("a merge entry is applied with merge_duplicates")
    if change.op == "erase" and change.table not in ERASABLE:
        raise ValueError(f"chỉ hồ sơ một người dân (và các dòng của riêng họ) mới được xóa "
                         f"hẳn; mục này xóa hẳn một bản ghi của bảng {change.table}")
    if state is None:
        state = RecordState(change.table, change.record_id, change.commune_code)
    _check_same_record_kind(state, change.table, change.commune_code)
    if state.merged_into is not None:
        raise ValueError(f"bản ghi {state.record_id} đã được gộp vào {state.merged_into}")
    if change.op == "insert" and state.record_id != change.record_id:
        # A duplicate's insert, arriving after the merge: it merges like the duplicate.
        if not state.record_id < change.record_id:
            raise ValueError("bản ghi giữ lại khi gộp phải là bản có mã nhỏ hơn")
        duplicate = apply_change(None, change).state
        merged = merge_duplicates([state, duplicate])
        return Outcome(merged.survivor, merged.conflicts)

    clock = _max_clock(state.clock, change.hlc)
    draft = _Draft(state)
    if state.erased:
        # Erasure wins: what comes later is dropped, named but without its values.
        if change.op == "update":
            for name in _own(change.table, change.values):
                draft.conflict("erased", name, _Write(None, change.hlc, change.entry_id), None)
        elif change.op == "restore":
            draft.conflict("erased", DELETED, _Write(None, change.hlc, change.entry_id), None)
        return Outcome(replace(state, clock=clock), tuple(draft.conflicts))
    if change.op == "erase":
        erase_base = change.base_version
        assert erase_base is not None  # Change checks it
        for name in _own(state.table, state.field_clocks):
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
            for name in _own(kept.table, kept.field_clocks):
                draft.conflict("erased", name, _Write(None, kept.field_clocks[name], None), None)
        return _erased(survivor, clock), draft.conflicts
    for name in sorted(other.field_clocks):
        draft.write_field(name, _Write(other.values[name], other.field_clocks[name], None),
                          None, "duplicate")
    if other.deleted_clock is not None:
        draft.write_flag(_Write(other.deleted, other.deleted_clock, None), None, "duplicate")
    outcome = draft.done(clock, inserted)
    return outcome.state, list(outcome.conflicts)


def encode_clocks(clocks: Mapping[str, Hlc]) -> dict[str, str]:
    """Field clocks as a JSON-ready object, for a record's field_clocks column."""
    return {name: clock.encode() for name, clock in sorted(clocks.items())}


def decode_clocks(data: Mapping[str, str]) -> dict[str, Hlc]:
    return {name: Hlc.parse(text) for name, text in data.items()}
