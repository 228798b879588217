"""One batch of received changes being applied: the records' states in memory, then
their rows (cdsxa.sync.apply drives it; it follows the rules' receiving procedure).

States are changed in memory first and written once at the end, so a record
inserted and erased in one batch never needs a row, and rows are written in an
order the database's unique indexes and foreign keys accept: table by table,
parents first, and in each table the rows leaving the live set before the live
ones; erased rows last (after the updates that stop others naming them).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cache
from itertools import groupby
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cdsxa.common.clock import Hlc, pack, unpack
from cdsxa.db import merges
from cdsxa.db.base import Base
from cdsxa.db.changelog import applying_remote
from cdsxa.db.models import AppUser
from cdsxa.sync import journal
from cdsxa.sync.duplicates import (
    NATURAL_KEYS,
    REFERENCES,
    check_merge,
    natural_key,
    repoint,
)
from cdsxa.sync.entries import Change, merge_target
from cdsxa.sync.records import Conflict, RecordState, apply_change, merge_duplicates

Key = tuple[str, str]


@cache
def referrers(table: str) -> tuple[tuple[str, str], ...]:
    """(table, column) of every travelling column naming a record of `table`: the
    rules' REFERENCES and the models' foreign keys (child rows of sessions, classes)."""
    found = {(source, name) for source, fields in REFERENCES.items()
             for name, target in fields.items() if target == table}
    for source, model in journal.models().items():
        for column in model.__table__.columns:
            if any(fk.column.table.name == table for fk in column.foreign_keys):
                found.add((source, column.key))
    return tuple(sorted(found))


@cache
def references(table: str) -> tuple[tuple[str, str, bool], ...]:
    """(column, table it names, nullable) for every travelling column of `table` naming
    a record: referrers() seen from the other side."""
    nullable = {column.key: column.nullable
                for column in journal.models()[table].__table__.columns}
    return tuple(sorted((name, target, bool(nullable[name])) for target in journal.models()
                        for source, name in referrers(target) if source == table))


@cache
def _required(table: str) -> frozenset[str]:
    """Columns a new row cannot go without."""
    table_ = journal.models()[table].__table__
    return frozenset(name for name in journal.columns(table)
                     if not table_.c[name].nullable and table_.c[name].default is None
                     and table_.c[name].server_default is None)


class Workspace:
    def __init__(self, session: Session, tick: Callable[[], Hlc]) -> None:
        self.session = session
        self.tick = tick
        self.states: dict[Key, RecordState | None] = {}
        self.touched: dict[Key, None] = {}  # an ordered set
        self.conflicts: list[Conflict] = []
        self.merges: list[tuple[RecordState, str, Hlc]] = []  # (loser, survivor, clock)
        self.created: dict[Key, Hlc] = {}  # the insert's clock: the row's created_at
        self.merge_clock: dict[Key, Hlc] = {}
        self.erased: list[Key] = []
        self.waiting = 0  # records kept as partial states
        self.redirects = merges.redirects(session)  # (table, loser) -> survivor
        self.village_moves: list[tuple[set[str], str]] = []  # for local app_user rows
        self.keyed: dict[tuple[str, int, tuple[str, ...]], set[str]] = {}
        self.without_row: set[Key] = set()  # known (prefetch) to have no row
        self.partial: set[Key] = set()  # known (prefetch) to have a partial state kept
        self.prefetched: set[Key] = set()

    # States ---------------------------------------------------------------------------

    def root(self, table: str, record_id: str) -> str:
        seen: set[str] = set()
        while (target := self.redirects.get((table, record_id))) is not None:
            if record_id in seen:
                break
            seen.add(record_id)
            record_id = target
        return record_id

    def get(self, table: str, record_id: str) -> RecordState | None:
        key = (table, record_id)
        if key not in self.states:
            self.states[key] = journal.load_state(self.session, table, record_id)
        return self.states[key]

    def prefetch(self, changes: Iterable[Change]) -> None:
        """Read the states of the batch's records at once (journal.load_states): a few
        queries per table instead of several per entry."""
        keys = []
        for change in changes:
            keys.append((change.table, self.root(change.table, change.record_id)))
            target = merge_target(change)
            if target is not None:
                keys.append((change.table, self.root(change.table, target)))
        missing = [key for key in dict.fromkeys(keys) if key not in self.states]
        loaded = journal.load_states(self.session, missing, self.redirects)
        self.states.update(loaded)
        self.prefetched.update(loaded)
        # What the database holds of them, so that writing asks no more: no row (nothing
        # known, a partial state, erased), and which have a partial state to forget.
        self.without_row.update(key for key, state in loaded.items()
                                if state is None or not state.inserted or state.erased)
        self.partial.update(key for key, state in loaded.items()
                            if state is not None and not state.inserted)

    def put(self, state: RecordState) -> None:
        key = (state.table, state.record_id)
        self.states[key] = state
        self.touched[key] = None
        found = natural_key(state.table, state.values) if state.table in NATURAL_KEYS else None
        if found is not None:
            self.keyed.setdefault((state.table, state.commune_code, found), set()).add(
                state.record_id)

    # The receiving procedure -------------------------------------------------------------

    def apply(self, change: Change) -> None:
        target = merge_target(change)
        if target is not None:
            loser, survivor = (self.root(change.table, r) for r in (change.record_id, target))
            if loser != survivor:  # not one record here already
                check_merge(change, self.get(change.table, loser),
                            self.get(change.table, survivor))
            self.unite(change.table, [change.record_id, target], change.commune_code,
                       change.hlc)
            return
        if change.op == "insert":
            self.created.setdefault((change.table, change.record_id), change.hlc)
        change = replace(change, values=repoint(change.table, change.values, self.root))
        root = self.root(change.table, change.record_id)
        outcome = apply_change(self.get(change.table, root), change)
        self.put(outcome.state)
        self.conflicts.extend(outcome.conflicts)
        self.dedupe(outcome.state)

    def unite(self, table: str, ids: list[str], commune: int, clock: Hlc) -> None:
        roots = sorted({self.root(table, record_id) for record_id in ids})
        if len(roots) < 2:
            return  # already one record here
        merge = merge_duplicates([self.get(table, r) or RecordState(table, r, commune)
                                  for r in roots], clock=clock)
        self.put(merge.survivor)
        for tombstone in merge.tombstones:
            self.put(tombstone)
            self.merge_clock[(table, tombstone.record_id)] = clock
        for loser, survivor in merge.redirects.items():
            for earlier in merges.merged_from(self.session, table, loser):
                merges.set_merged_into(self.session, table, earlier, survivor)
                self.redirects[(table, earlier)] = survivor
            merges.set_merged_into(self.session, table, loser, survivor)
            self.redirects[(table, loser)] = survivor
        self.conflicts.extend(merge.conflicts)
        self._repoint(table, set(merge.redirects), merge.survivor.record_id)

    def dedupe(self, state: RecordState) -> None:
        """Merge `state` with the records that share its natural key (the rules'
        find_duplicates), writing a merge entry for each loser as its author."""
        if not _mergeable(state):
            return
        group = sorted([state, *self._duplicates(state)], key=lambda s: s.record_id)
        for loser in group[1:]:
            current = self.get(loser.table, loser.record_id)
            if current is None or current.merged_into is not None:
                continue
            clock = self.tick()
            self.merges.append((current, group[0].record_id, clock))
            self.unite(state.table, [loser.record_id, group[0].record_id],
                       state.commune_code, clock)

    def _duplicates(self, state: RecordState) -> list[RecordState]:
        key = natural_key(state.table, state.values)
        model: Any = journal.models()[state.table]
        query = select(model.id).where(model.commune_code == state.commune_code,
                                       model.id != uuid.UUID(state.record_id))
        for name in NATURAL_KEYS[state.table]:
            query = query.where(getattr(model, name)
                                == journal.from_json(state.table, name, state.values[name]))
        ids = {str(found) for found in self.session.scalars(query)}
        ids |= self.keyed.get((state.table, state.commune_code, key or ()), set())
        ids.discard(state.record_id)
        found = []
        for record_id in sorted(ids):
            other = self.get(state.table, record_id)
            if (other is not None and _mergeable(other)
                    and other.commune_code == state.commune_code
                    and natural_key(other.table, other.values) == key):
                found.append(other)
        return found

    def _repoint(self, table: str, losers: set[str], survivor: str) -> None:
        """Records naming a loser name the survivor, on every replica alike: no entry."""
        if table == "village":
            self.village_moves.append((losers, survivor))
        for source, name in referrers(table):
            model: Any = journal.models()[source]
            column = getattr(model, name)
            ids = {str(found) for found in self.session.scalars(select(model.id).where(
                column.in_([uuid.UUID(loser) for loser in losers])))}
            ids |= {record_id for (t, record_id), known in self.states.items()
                    if t == source and known is not None and known.values.get(name) in losers}
            for record_id in sorted(ids):
                state = self.get(source, record_id)
                if state is None or state.values.get(name) not in losers:
                    continue
                moved = replace(state, values={**state.values, name: survivor})
                self.put(moved)
                self.dedupe(moved)  # a merged person's outcomes may now collide

    # Rows ---------------------------------------------------------------------------------

    def write(self) -> None:
        states = [(key, state) for key in self.touched
                  if (state := self.states[key]) is not None]
        # Parents before the rows naming them, table by table; within a table the
        # rows leaving the live set go first (unique indexes count live rows only).
        order = {table.name: n for n, table in enumerate(Base.metadata.sorted_tables)}
        kept = sorted((pair for pair in states if not pair[1].erased),
                      key=lambda pair: (order[pair[0][0]], pair[1].live))
        with applying_remote(self.session):
            for _place, group in groupby(kept, lambda p: (p[0][0], p[1].live)):
                with self.session.no_autoflush:
                    for key, state in group:
                        self._write(key, state)
                self.session.flush()
            for losers, survivor in self.village_moves:
                self.session.execute(update(AppUser).where(AppUser.village_id.in_(
                    [uuid.UUID(loser) for loser in losers])).values(
                        village_id=uuid.UUID(survivor)))
            for key, state in states:
                if state.erased:
                    self._erase(key)

    def _write(self, key: Key, state: RecordState) -> None:
        table, record_id = key
        if state.inserted and state.merged_into is None:
            unlinked = self._without_erased(state)
            if unlinked is None:  # it cannot be without an erased record: it goes too
                self._erase(key)
                return
            state = self.states[key] = unlinked
        model = journal.models()[table]
        row = (None if key in self.without_row
               else self.session.get(model, uuid.UUID(record_id)))
        if state.merged_into is not None or not state.inserted:
            journal.save_partial(self.session, None if state.merged_into else state,
                                 table, record_id)
            self.waiting += state.merged_into is None
            if row is not None and state.merged_into is not None and not row.deleted:
                row.deleted = True
                self._stamp(row, self.merge_clock.get(key) or unpack(
                    row.hlc, row.device_id))
            return
        created = row is None
        if row is None:
            if any(state.values.get(name) is None for name in _required(table)):
                journal.save_partial(self.session, state, table, record_id)  # waits
                self.waiting += 1
                return
            row = model(id=uuid.UUID(record_id), commune_code=state.commune_code)
        for name, value in state.values.items():
            python = journal.from_json(table, name, value)
            if created or getattr(row, name) != python:
                setattr(row, name, python)
        if created or row.deleted != state.deleted:
            row.deleted = state.deleted
        if state.clock is not None:
            self._stamp(row, state.clock)
        if created:
            row.created_at = journal.wall_time(self.created.get(key) or state.clock
                                               or self.tick())
            self.session.add(row)
        if key in self.partial or key not in self.prefetched:
            journal.save_partial(self.session, None, table, record_id)

    def _without_erased(self, state: RecordState) -> RecordState | None:
        """`state` no longer naming an erased record, or None if a column that names it
        cannot be empty. A row made on another PC before it learnt of an erasure (an
        outcome, a session, a class attendance for the person) arrives after it: as the
        erasure did to the rows it found (_erase), and as every replica does alike."""
        values = dict(state.values)
        for name, target, nullable in references(state.table):
            value = values.get(name)
            if isinstance(value, str) and self._is_erased(target, value):
                if not nullable:
                    return None
                values[name] = None
        return state if values == state.values else replace(state, values=values)

    def _is_erased(self, table: str, record_id: str) -> bool:
        root = self.root(table, record_id)
        known = self.states.get((table, root))
        if known is not None:
            return known.erased
        try:
            if self.session.get(journal.models()[table], uuid.UUID(root)) is not None:
                return False
        except ValueError:
            return False
        found = self.get(table, root)
        return found is not None and found.erased

    @staticmethod
    def _stamp(row: Any, clock: Hlc) -> None:
        packed, device = pack(clock), uuid.UUID(clock.device)
        if getattr(row, "hlc", None) != packed or row.device_id != device:
            row.hlc, row.device_id = packed, device
            row.updated_at = journal.wall_time(clock)
            row.updated_by = f"device:{clock.device}"

    def _erase(self, key: Key) -> None:
        """A true delete, as the erasing PC made it. Rows made here that the eraser had
        not seen stop naming the record (or go, if they cannot be without it)."""
        table, record_id = key
        journal.save_partial(self.session, None, table, record_id)
        row = self.session.get(journal.models()[table], uuid.UUID(record_id))
        self.erased.append(key)
        for loser in merges.merged_from(self.session, table, record_id):
            if (table, loser) not in self.erased:  # its row holds the same data
                self._erase((table, loser))
        if row is None:
            return
        for source, name in referrers(table):
            model: Any = journal.models()[source]
            column = sa_inspect(model).columns[name]
            for other in self.session.scalars(select(model).where(
                    getattr(model, name) == row.id)):
                if column.nullable:
                    setattr(other, name, None)
                else:
                    self.session.delete(other)
                    self.erased.append((source, str(other.id)))
        self.session.flush()
        self.session.delete(row)
        self.session.flush()


def _mergeable(state: RecordState) -> bool:
    return (state.table in NATURAL_KEYS and state.inserted and not state.erased
            and state.merged_into is None and natural_key(state.table, state.values) is not None)
