"""The same real thing created twice (on two PCs): natural keys, the merge entry,
and the references re-pointed to the survivor.

Two live records of one table and commune with the same natural key are one
thing: each loser gets a merge entry (merge_change) that any replica applies with
cdsxa.sync.records.merge_duplicates, and every field naming a loser (REFERENCES)
is made to name the survivor. Part of the replication rules (docs/sync-rules.md),
shared by the PC and the hub: standard library and cdsxa.common only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from cdsxa.common.clock import Hlc
from cdsxa.sync.entries import MERGED_INTO, Change, JsonValue, canonical_json, merge_target
from cdsxa.sync.records import RecordState

# The same real thing, per table: these fields equal (none of them null) within
# one commune. () means one live row per commune. Adding a table is one line.
NATURAL_KEYS: Mapping[str, tuple[str, ...]] = {
    "person": ("id_number",),
    "village": ("name_key",),
    "person_outcome": ("person_id", "kind"),
    "commune_profile": (),
    "population_figure": ("year",),
    # A list's item, once per list: after a person merge, both records' rows of one
    # class name the survivor (test: every live unique index is a natural key).
    "support_session_topic": ("session_id", "topic_code"),
    "support_session_member": ("session_id", "member_id"),
    "group_session_trainer": ("group_session_id", "member_id"),
    "group_session_attendee": ("group_session_id", "person_id"),
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
    "group_session_attendee": {"person_id": "person"},
    "vneid_step": {"person_id": "person"},
}


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


def check_merge(change: Change, loser: RecordState | None,
                survivor: RecordState | None) -> None:
    """Refuse (ValueError) a merge entry that no replica following these rules writes.

    `loser` and `survivor` are what this replica holds of the two records (their
    survivors, if merged before). Both must be known here, of a table with a natural
    key, and share it. A key field written by a change the merge's author cannot have
    seen (a clock later than the merge's, which is later than both inserts) may
    differ. A merge with an erased record is let through: it erases no more than an
    erase entry of the person could. Known limit: a merge with a record all of whose
    fields were rewritten after it, with a different key, is refused (the batch waits
    for a person to look at it).
    """
    table = change.table
    if table not in NATURAL_KEYS:
        raise ValueError(f"bảng {table} không có khóa tự nhiên: không gộp hai bản ghi được")
    for state, name in ((loser, change.record_id), (survivor, merge_target(change))):
        if state is None or not (state.inserted or state.erased):
            raise ValueError(f"gộp với bản ghi {name} mà máy này chưa có")
    assert loser is not None and survivor is not None
    if loser.erased or survivor.erased:
        return
    for name in NATURAL_KEYS[table]:
        one, two = loser.values.get(name), survivor.values.get(name)
        if one is None or two is None:
            raise ValueError(f"gộp hai bản ghi {table} thiếu khóa tự nhiên ({name})")
        # A key written after the merge by a PC that had not seen it may differ; but
        # the merge's author had both records, so it is later than some write of each
        # (their inserts). Not so, and the merge is a forgery that names its own time.
        unseen = any(state.field_clocks.get(name, change.hlc) > change.hlc
                     for state in (loser, survivor)) and all(
            change.hlc > min(state.field_clocks.values()) for state in (loser, survivor))
        if canonical_json(one) != canonical_json(two) and not unseen:
            raise ValueError(f"gộp hai bản ghi {table} có khóa tự nhiên khác nhau ({name})")


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
