"""Crash-safety harness: kill a writer with SIGKILL during a stream of saves, many times.

    CDSXA_PASSPHRASE=... python tests/crash_writer.py DATA_DIR [--kills 1000] [--seconds S]
                                  [--seed 4] [--max-delay-ms 30] [--fault NAME]

Linux (and other POSIX systems) only: it forks and kills. Qt-free.

It makes a fresh encrypted profile in DATA_DIR (as the tests' `db` fixture does,
the key wrapped by the passphrase in CDSXA_PASSPHRASE; no keyring), then, KILLS times
(or fewer, when --seconds run out first: a loaded machine does fewer rounds, each still
checked in full):

1. forks a writer. The writer opens the database on connections of its own
   (SQLAlchemy's recipe after a fork: `engine.dispose(close=False)`; this
   process has no connection open when it forks) and, once told to go, saves
   through the real services, one transaction after another:
   - a new person (`register.people.add_person`);
   - a person update that changes two fields at once (full name and notes carry
     the same token, so a torn update shows);
   - a support session for a new citizen, result "done", recorded in the same
     transaction as the citizen (`support.sessions.record`): the person, the
     session, two outcomes and their change-log entries are all there or none;
   - now and then a close, as when the app closes (PRAGMA optimize, checkpoint).
   Before each commit it tells this process through a pipe what the transaction
   wrote (an *intent*: each record's table, id, version and a digest of its
   columns, and the change-log entries its flushes made); after the commit
   returns, it sends an *ack*.
2. kills the writer with SIGKILL after a random delay (0 to --max-delay-ms,
   seeded) from the go; one time in ten, from the fork instead, so that the
   kill lands while it opens the database (and recovers the WAL);
3. reopens the database (new connections) and checks:
   - `PRAGMA integrity_check` is "ok" (SQLCipher checks each page it reads against
     its HMAC) and `foreign_key_check` finds nothing;
   - every acknowledged transaction is there, exactly as the writer saw it
     before committing (record versions and column digests);
   - the one transaction in flight at the kill (an intent without an ack) is
     there entirely or not at all: no half-written record or transaction;
   - the change log matches the records: the change-log entries since the last
     check are exactly those of the transactions found (one per record version
     written), and nothing else changed (row counts of every travelling table);
   - every tenth time, and at the end, the whole database too: SQLCipher's
     `cipher_integrity_check` of every page, and the change log against every
     record (each record's versions 1..current have exactly one entry each, and
     no entry points at a record or version that does not exist, erased ones aside).
   The next writer is forked as soon as one is killed, and opens the database
   while this check runs; it is told to go only after the check.

Prints a JSON summary; exits 1 on any violation (2 on a harness error).

--fault injects a known bug, to show that the checks catch it (never the default):
  split-commit       the new citizen is committed on their own, then the support session
                     in a second transaction (a save that is not atomic);
  ack-before-commit  "saved" is reported just before the commit instead of after it;
  sync-off           PRAGMA synchronous = OFF on the writer's connections. A process
                     kill cannot catch this one (the operating system still holds the
                     written pages; only a power cut loses them): shown for the record.
"""

import argparse
import gc
import hashlib
import json
import os
import random
import select
import signal
import sys
import time
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from cdsxa.common import admin_units
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.commune.profile import FirstUser, Population, ProfileSetup, initialise
from cdsxa.db.base import Base, is_travelling, is_travelling_class, live
from cdsxa.db.changelog import record_state
from cdsxa.db.engine import Database
from cdsxa.db.models import Person
from cdsxa.profile import paths
from cdsxa.register import people
from cdsxa.security import keys
from cdsxa.security.access import Principal, Role
from cdsxa.support import sessions

WRITER = Principal("crash-writer", Role.ADMIN)
CHECKER = Principal("crash-checker", Role.ADMIN)
FAULTS = ("split-commit", "ack-before-commit", "sync-off")
# Topics whose "done" session reaches a person outcome (one each).
SESSION_TOPICS = ["payment_account", "dvc_account"]
TOKEN_MARK = "crash:"
READY_TIMEOUT = 30.0

Key = tuple[str, str]  # (table, record id as hex)


# --- what the writer does (in the forked child) --------------------------------------

class _Flushes:
    """What one transaction's flushes wrote: the travelling objects, and the
    change-log entries the hook should have made for them (one per object per flush)."""

    def __init__(self, session: Session) -> None:
        self.objects: dict[Key, Any] = {}
        self.log: list[list[Any]] = []
        event.listen(session, "after_flush", self._after_flush)

    def _after_flush(self, session: Session, _context: Any) -> None:
        for obj in session.new:
            if is_travelling(obj):
                self._note(obj, "insert")
        for obj in session.dirty:
            if is_travelling(obj) and session.is_modified(obj, include_collections=False):
                deleted = inspect_deleted(obj)
                self._note(obj, "delete" if deleted else "update")

    def _note(self, obj: Any, op: str) -> None:
        key = (obj.__tablename__, obj.id.hex)
        self.objects[key] = obj
        self.log.append([key[0], key[1], obj.version, op])

    def records(self) -> list[list[Any]]:
        return [[table, rid, obj.version, digest(record_state(obj))]
                for (table, rid), obj in self.objects.items()]


def inspect_deleted(obj: Any) -> bool:
    history = sa.inspect(obj).attrs["deleted"].history
    return bool(history.added and history.added[0] is True)


def digest(state: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False,
                                     default=str).encode("utf-8")).hexdigest()[:20]


class _Pipe:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, message: dict[str, Any]) -> None:
        message["at"] = round(time.monotonic(), 6)  # one clock for every process
        data = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
        # One write per message: the messages stay under PIPE_BUF (4096 bytes), so a
        # write is atomic and a kill leaves whole lines or none.
        assert len(data) <= select.PIPE_BUF, len(data)
        written = os.write(self.fd, data)
        assert written == len(data)


@dataclass
class WriterPlan:
    db: Database  # made and warmed before the fork, with no connection open
    village_ids: list[uuid.UUID]
    round_no: int
    seed: int
    fault: str | None
    people: list[dict[str, Any]] = field(default_factory=list)  # to update


def _person_input(token: str, village_id: uuid.UUID, gender: str,
                  birth_year: int) -> people.PersonInput:
    # Name and notes carry the same token: an update changes both, or neither.
    return people.PersonInput(full_name=f"Người thử {token}", gender=gender,
                              village_id=VillageId(village_id), birth_year=birth_year,
                              notes=f"{TOKEN_MARK}{token}")


def _new_person(rng: random.Random, plan: WriterPlan, token: str) -> people.PersonInput:
    return _person_input(token, rng.choice(plan.village_ids), rng.choice(people.GENDERS),
                         rng.randrange(1940, 2010))


def write_until_killed(pipe: "_Pipe", go_fd: int, plan: WriterPlan) -> None:
    """The writer: open, get ready, wait for the go, then save, report, save, ..."""
    rng = random.Random(f"{plan.seed}-{plan.round_no}")
    # SQLAlchemy's recipe for a forked process: a new, empty pool, so no connection of
    # the parent's can be used here (it has none open anyway). Every connection this
    # writer makes is its own; the engine's compiled statements stay warm.
    db = plan.db
    db.engine.dispose(close=False)
    if plan.fault == "sync-off":
        event.listen(db.engine, "connect",
                     lambda connection, _record: connection.execute("PRAGMA synchronous = OFF"))
    # Open as the app does before anyone saves (key, recover the WAL if need be, read
    # the people the officer will edit), and rehearse a save of each kind, rolled back:
    # the first save's one-off costs (pages of the inherited heap copied on write, the
    # connection's first statements) are then paid before the kills start.
    with db.reading(WRITER) as session:
        plan.people = [
            {"id": str(p.id), "village_id": str(p.village_id), "gender": p.gender,
             "birth_year": p.birth_year}
            for p in session.execute(sa.select(
                Person.id, Person.village_id, Person.gender, Person.birth_year).where(
                live(Person), Person.notes.like(f"{TOKEN_MARK}%")))]
    for op in ("session", "update"):
        try:
            with db.transaction(WRITER) as session:
                _save(session, op, plan, rng, "rehearsal")
                session.flush()
                raise _Rehearsal
        except _Rehearsal:
            pass
    pipe.send({"t": "ready"})
    if os.read(go_fd, 1) != b"g":  # the harness is gone
        return
    count = 0
    while True:
        count += 1
        n = f"{plan.round_no}.{count}"
        op = rng.choices(["add", "update", "session", "close"], weights=[30, 30, 35, 5])[0]
        if op == "close":
            # As the app does when it closes a profile: PRAGMA optimize, then the last
            # connection's close checkpoints the WAL into the database file. A kill
            # may land in the middle of that too. The next save opens a new connection.
            db.close()
            continue
        citizen = None
        if op == "session" and plan.fault == "split-commit":
            # The bug: the citizen is committed on their own, before the session.
            with db.transaction(WRITER) as session:
                citizen = people.add_person(session, _new_person(rng, plan, n))
        with db.transaction(WRITER) as session:
            flushes = _Flushes(session)
            _save(session, op, plan, rng, n, citizen)
            session.flush()
            pipe.send({"t": "intent", "n": n, "op": op, "records": flushes.records(),
                       "log": flushes.log})
            if plan.fault == "ack-before-commit":
                pipe.send({"t": "ack", "n": n})
        if plan.fault != "ack-before-commit":
            pipe.send({"t": "ack", "n": n})
        for obj in flushes.objects.values():
            if isinstance(obj, Person) and obj.version == 1:
                plan.people.append({"id": str(obj.id), "village_id": str(obj.village_id),
                                    "gender": obj.gender, "birth_year": obj.birth_year})


class _Rehearsal(Exception):
    pass


def _save(session: Session, op: str, plan: WriterPlan, rng: random.Random, n: str,
          citizen: PersonId | None = None) -> None:
    """One save through the services, as the forms make it."""
    if op == "update" and plan.people:
        before = rng.choice(plan.people)
        people.update_person(session, PersonId(uuid.UUID(before["id"])), _person_input(
            n, uuid.UUID(before["village_id"]), before["gender"], before["birth_year"]))
    elif op == "session":
        if citizen is None:  # a new citizen, in the same transaction as their session
            citizen = people.add_person(session, _new_person(rng, plan, n))
        sessions.record(session, sessions.SessionInput(
            held_on=date.today(), person_id=citizen, topics=SESSION_TOPICS,
            result="done", minutes=rng.randrange(5, 60), notes=f"phiên {n}"))
    else:
        people.add_person(session, _new_person(rng, plan, n))


# --- the profile ---------------------------------------------------------------------

def make_profile(data_dir: Path) -> tuple[keys.DataKey, int]:
    """A fresh profile, as the tests' `db` fixture makes it; the key wrapped by the
    passphrase in CDSXA_PASSPHRASE (no keyring in this process)."""
    code = admin_units.search_communes(38, "muong lat")[0].code
    setup = ProfileSetup(
        province_code=38, commune_code=code, village_names=["Bản Hang", "Thôn Đồng Tâm"],
        population=Population(2025, residents=1000, adults=700, aged_15_plus=760,
                              working_age=600, households=250),
        user=FirstUser("Lò Văn Tâm", "Công chức"),
    )
    initialise(data_dir, setup, keys.create(data_dir).key, CHECKER).close()
    return keys.find(data_dir), code


# --- the checks (in this process) ----------------------------------------------------

TABLES: dict[str, type] = {
    m.class_.__tablename__: m.class_ for m in Base.registry.mappers
    if is_travelling_class(m.class_)
}


@dataclass
class Model:
    """What the database must hold, as far as the checks look."""

    counts: dict[str, int]
    last_seq: int
    # The records the writers made or may change: (version, digest of the columns).
    states: dict[Key, tuple[int, str]] = field(default_factory=dict)


@dataclass
class Round:
    intents: list[dict[str, Any]]
    acked: set[str]
    exit_status: str  # "killed" when all went as planned
    error: str | None
    went: bool  # the writer was told to start saving
    open_ms: float | None  # from the fork to the writer ready to save
    commit_ms: list[float]  # from each intent to its ack: the commits

    @property
    def moment(self) -> str:
        """When the kill landed."""
        if not self.went:
            return "while opening, before any save"
        if not self.intents:
            return "during the first save"
        if self.intents[-1]["n"] not in self.acked:
            return "during a commit"
        return "during a later save, or a close"


def table_counts(session: Session) -> dict[str, int]:
    union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in TABLES)
    return {str(t): int(n) for t, n in session.execute(text(union))}


def last_seq(session: Session) -> int:
    return int(session.execute(text("SELECT coalesce(max(seq), 0) FROM change_log")).scalar_one())


def actual_state(session: Session, key: Key) -> dict[str, Any] | None:
    obj = session.get(TABLES[key[0]], uuid.UUID(key[1]))
    return None if obj is None else record_state(obj)


def storage_problems(session: Session, every_page: bool = True) -> list[str]:
    """SQLite's integrity check (SQLCipher verifies each page it reads against its
    HMAC on the way), and the foreign keys. every_page: also SQLCipher's check of
    every page in the file, free ones included."""
    problems = []
    result = [r[0] for r in session.execute(text("PRAGMA integrity_check"))]
    if result != ["ok"]:
        problems.append(f"integrity_check: {result[:10]}")
    if every_page:
        cipher = [r[0] for r in session.execute(text("PRAGMA cipher_integrity_check"))]
        if cipher:
            problems.append(f"cipher_integrity_check: {cipher[:10]}")
    keys_broken = list(session.execute(text("PRAGMA foreign_key_check")))
    if keys_broken:
        problems.append(f"foreign_key_check: {[tuple(r) for r in keys_broken[:10]]}")
    return problems


def change_log_problems(session: Session) -> list[str]:
    """Over the whole database: the change log and the records agree."""
    problems = []
    # Every record's versions 1..current each have exactly one entry.
    records = " UNION ALL ".join(f"SELECT '{t}' AS tn, id, version FROM \"{t}\"" for t in TABLES)
    for row in session.execute(text(f"""
            SELECT r.tn, r.id, r.version, g.n, g.nd, g.lo, g.hi FROM ({records}) r
            LEFT JOIN (SELECT table_name, record_id, count(*) AS n,
                              count(DISTINCT version) AS nd, min(version) AS lo,
                              max(version) AS hi
                       FROM change_log GROUP BY table_name, record_id) g
                   ON g.table_name = r.tn AND g.record_id = r.id
            WHERE g.n IS NULL OR g.n != r.version OR g.nd != r.version
               OR g.lo != 1 OR g.hi != r.version LIMIT 10""")):
        if row[3] is None:
            problems.append(f"{row[0]} {row[1]} (version {row[2]}) has no change-log entry")
        else:
            problems.append(f"{row[0]} {row[1]} (version {row[2]}) has change-log entries for "
                            f"versions {row[5]}..{row[6]} ({row[3]} entries, {row[4]} distinct)")
    # No entry points at a record, or a version, that does not exist (erased ones aside).
    for row in session.execute(text(f"""
            SELECT c.seq, c.table_name, c.record_id, c.version, c.op FROM change_log c
            WHERE NOT EXISTS (SELECT 1 FROM ({records}) r WHERE r.tn = c.table_name
                              AND r.id = c.record_id AND r.version >= c.version)
              AND NOT EXISTS (SELECT 1 FROM change_log e WHERE e.table_name = c.table_name
                              AND e.record_id = c.record_id AND e.op = 'erase')
            LIMIT 10""")):
        problems.append(f"change_log #{row[0]} points at {row[1]} {row[2]} version {row[3]} "
                        f"({row[4]}), which does not exist")
    names = ", ".join(f"'{t}'" for t in TABLES)
    for row in session.execute(text(
            f"SELECT seq, table_name FROM change_log WHERE table_name NOT IN ({names}) LIMIT 5")):
        problems.append(f"change_log #{row[0]} names an unknown table {row[1]}")
    return problems


def torn_person(state: dict[str, Any]) -> str | None:
    """A person the writer made or updated: name and notes carry the same token."""
    notes = state.get("notes") or ""
    if not notes.startswith(TOKEN_MARK):
        return None
    token = notes[len(TOKEN_MARK):]
    if state["full_name"] != f"Người thử {token}":
        return f"person {state['id']}: name {state['full_name']!r} but notes {notes!r}"
    return None


def expected_after(model: Model, txns: list[dict[str, Any]]) -> tuple[
        dict[Key, tuple[int, str]], dict[str, int], list[list[Any]]]:
    """Record states (touched ones), row counts and new change-log entries that the
    database must show if exactly these transactions committed."""
    states: dict[Key, tuple[int, str]] = {}
    counts = dict(model.counts)
    log: list[list[Any]] = []
    for txn in txns:
        for table, rid, version, dig in txn["records"]:
            states[(table, rid)] = (version, dig)
        for entry in txn["log"]:
            if entry[3] == "insert":
                counts[entry[0]] += 1
        log += txn["log"]
    return states, counts, log


def check_round(session: Session, model: Model, run: Round,
                whole: bool = True) -> tuple[list[str], str]:
    """The violations found after one kill (empty when none), and what became of
    the transaction in flight: "none", "committed" or "rolled back".

    whole: also check every page's HMAC, and the change log against every record
    (not only against what changed since the last check)."""
    problems = storage_problems(session, every_page=whole)
    by_n = {i["n"]: i for i in run.intents}
    if not run.acked <= set(by_n):
        problems.append(f"ack without intent: {sorted(run.acked - set(by_n))}")
    unacked = [i for i in run.intents if i["n"] not in run.acked]
    if len(unacked) > 1 or (unacked and unacked[0] is not run.intents[-1]):
        problems.append(f"more than the last transaction unacknowledged: "
                        f"{[i['n'] for i in unacked]}")
    acked = [i for i in run.intents if i["n"] in run.acked]
    touched = {(r[0], r[1]) for i in run.intents for r in i["records"]}
    actual = {key: actual_state(session, key) for key in touched}
    actual_v = {key: None if s is None else (s["version"], digest(s)) for key, s in actual.items()}
    counts = table_counts(session)
    new_log = [[t, uuid.UUID(str(r)).hex, v, op]
               for t, r, v, op in session.execute(text(
                   "SELECT table_name, record_id, version, op FROM change_log "
                   "WHERE seq > :s ORDER BY seq"), {"s": model.last_seq})]

    observed = Observed(actual_v, counts, new_log)
    in_flight = "none"
    if observed.matches(model, acked, touched):
        in_flight = "rolled back" if unacked else "none"
    elif unacked and observed.matches(model, acked + unacked, touched):
        in_flight = "committed"
    else:
        problems += _diagnose(model, acked, unacked, observed, touched)
    for key, state in actual.items():
        if key[0] == "person" and state is not None:
            torn = torn_person(state)
            if torn:
                problems.append(f"half-written record: {torn}")
    if whole:
        problems += change_log_problems(session)
    return problems, in_flight


@dataclass
class Observed:
    """What the database holds after a kill, as far as one round's checks look."""

    records: dict[Key, tuple[int, str] | None]  # the touched records: version, digest
    counts: dict[str, int]
    new_log: list[list[Any]]  # change-log entries since the last round

    def records_match(self, model: Model, txns: list[dict[str, Any]], touched: set[Key]) -> bool:
        states, counts, _log = expected_after(model, txns)
        return (all(self.records[k] == model.states.get(k) for k in touched if k not in states)
                and all(self.records[k] == v for k, v in states.items())
                and self.counts == counts)

    def log_matches(self, model: Model, txns: list[dict[str, Any]]) -> bool:
        return self.new_log == expected_after(model, txns)[2]

    def matches(self, model: Model, txns: list[dict[str, Any]], touched: set[Key]) -> bool:
        return self.records_match(model, txns, touched) and self.log_matches(model, txns)


def _diagnose(model: Model, acked: list[dict[str, Any]], unacked: list[dict[str, Any]],
              seen: Observed, touched: set[Key]) -> list[str]:
    """Say what is wrong, in the terms of the checks, when no outcome of the kill fits."""
    found = []
    for txn in acked:
        for table, rid, version, _digest in txn["records"]:
            now = seen.records[(table, rid)]
            if now is None or now[0] < version:
                found.append(f"acknowledged save {txn['n']} ({txn['op']}) lost: {table} {rid} "
                             f"version {version} expected, found {now}")
    for txn in unacked:
        present = [r for r in txn["records"] if (now := seen.records[(r[0], r[1])]) is not None
                   and now[0] >= r[2]]
        if present and len(present) != len(txn["records"]):
            found.append(f"half-written transaction {txn['n']} ({txn['op']}): "
                         f"{len(present)} of {len(txn['records'])} records present: "
                         f"{[(r[0], r[1][:8], r[2]) for r in present]}")
    outcomes = [("without", acked)] + ([("with", acked + unacked)] if unacked else [])
    for label, txns in outcomes:
        if seen.records_match(model, txns, touched) and not seen.log_matches(model, txns):
            want = expected_after(model, txns)[2]
            found.append(
                f"the change log disagrees with the records (which are as expected "
                f"{label} the transaction in flight): missing entries "
                f"{[e for e in want if e not in seen.new_log][:6]}, stray entries "
                f"{[e for e in seen.new_log if e not in want][:6]}")
    _states, want_acked, log_acked = expected_after(model, acked)
    _states, want_all, log_all = expected_after(model, acked + unacked)
    if seen.counts not in (want_acked, want_all):
        diff = {t: (seen.counts[t], want_acked[t], want_all[t]) for t in seen.counts
                if seen.counts[t] not in (want_acked[t], want_all[t])}
        found.append(f"row counts differ (found, without/with the transaction in flight): "
                     f"{diff}")
    stray = [e for e in seen.new_log if e not in log_all]
    if stray:
        found.append(f"{len(stray)} change-log entries from no reported transaction "
                     f"(part of a save committed on its own?): {stray[:6]}")
    lost = [e for e in log_acked if e not in seen.new_log]
    if lost:
        found.append(f"{len(lost)} change-log entries of acknowledged saves missing: {lost[:6]}")
    if not found:
        found.append("records differ from what the writer committed (version, digest): "
                     f"{ {f'{k[0]} {k[1][:8]}': v for k, v in seen.records.items()} }")
    return found


def adopt(session: Session, model: Model, run: Round) -> None:
    """Take what the database now holds as the model for the next round."""
    touched = {(r[0], r[1]) for i in run.intents for r in i["records"]}
    for key in touched:
        state = actual_state(session, key)
        if state is None:
            model.states.pop(key, None)
            continue
        model.states[key] = (state["version"], digest(state))
    model.counts = table_counts(session)
    model.last_seq = last_seq(session)


def first_model(session: Session) -> Model:
    model = Model(counts=table_counts(session), last_seq=last_seq(session))
    for table, cls in TABLES.items():  # every record so far (the profile's, the warm-up's)
        obj: Any
        for obj in session.scalars(sa.select(cls)):
            model.states[(table, obj.id.hex)] = (obj.version, digest(record_state(obj)))
    return model


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {p: round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)
            for p, q in (("p50", 0.5), ("p95", 0.95), ("max", 1.0))}


# --- the kill loop -------------------------------------------------------------------

def warmed_writer(db_path: Path, key: keys.DataKey, code: int) -> Database:
    """The writers' Database, after one save of each kind: the modules, mappers and
    compiled statements are then ready in every writer forked. Its connections are
    closed: a writer makes its own."""
    db = Database(db_path, key, commune_code=code)
    db.load_device()
    with db.reading(WRITER) as session:
        village = uuid.UUID(str(session.execute(text("SELECT id FROM village")).scalar()))
    with db.transaction(WRITER) as session:
        person = people.add_person(session, _person_input("warm-up", village, "male", 1980))
        sessions.record(session, sessions.SessionInput(
            held_on=date.today(), person_id=person, topics=SESSION_TOPICS, result="done"))
    with db.transaction(WRITER) as session:
        people.update_person(session, person, _person_input("warm-up 2", village, "male", 1980))
    db.engine.dispose()
    return db


@dataclass
class Writer:
    pid: int
    messages_fd: int
    go_fd: int
    forked_at: float


def spawn(plan: WriterPlan) -> Writer:
    """Fork a writer; it opens the database and waits for the go."""
    read_fd, write_fd = os.pipe()
    go_read, go_write = os.pipe()
    # Keep the inherited heap out of the writer's garbage collections: they would
    # copy every page on write.
    gc.freeze()
    forked_at = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the writer
        status = 0
        try:
            os.close(read_fd)
            os.close(go_write)
            write_until_killed(_Pipe(write_fd), go_read, plan)
        except BaseException:
            status = 3
            try:
                _Pipe(write_fd).send({"t": "error", "text": traceback.format_exc()[-3500:]})
            except BaseException:
                pass
        finally:
            os._exit(status)
    gc.unfreeze()
    os.close(write_fd)
    os.close(go_read)
    return Writer(pid, read_fd, go_write, forked_at)


def kill_after(writer: Writer, delay: float, from_fork: bool) -> Round:
    """Let the writer save (or, from_fork, only open) for `delay`, SIGKILL it, and
    collect what it reported."""
    buffer = bytearray()
    deadline = writer.forked_at + delay if from_fork else None
    limit = time.monotonic() + READY_TIMEOUT
    went = eof = False
    while not eof:
        now = time.monotonic()
        if deadline is None:
            if b'"t":"ready"' in buffer:
                try:
                    os.write(writer.go_fd, b"g")
                    went = True
                except BrokenPipeError:  # it died after all: its report says why
                    pass
                deadline = time.monotonic() + delay
            elif now > limit:
                break
        elif now >= deadline:
            break
        timeout = 0.05 if deadline is None else max(0.0, deadline - now)
        readable, _, _ = select.select([writer.messages_fd], [], [], timeout)
        if readable:
            chunk = os.read(writer.messages_fd, 65536)
            eof = not chunk
            buffer += chunk
    try:
        os.kill(writer.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, status = os.waitpid(writer.pid, 0)
    while chunk := os.read(writer.messages_fd, 65536):
        buffer += chunk
    os.close(writer.messages_fd)
    os.close(writer.go_fd)
    # A line cut short can only be an intent whose commit had not begun: dropped.
    messages = [json.loads(line) for line in bytes(buffer).split(b"\n")[:-1] if line]
    intents = [m for m in messages if m["t"] == "intent"]
    acked = {m["n"] for m in messages if m["t"] == "ack"}
    error = next((m["text"] for m in messages if m["t"] == "error"), None)
    at = {(m["t"], m.get("n")): m["at"] for m in messages}
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        exit_status = "killed" if went or from_fork else "never ready"
    else:
        exit_status = f"exited by itself (status {status})"
    commit_ms = [(at[("ack", n)] - at[("intent", n)]) * 1000 for n in acked
                 if ("intent", n) in at]
    ready_at = at.get(("ready", None))
    return Round(intents, acked, exit_status, error, went,
                 None if ready_at is None else (ready_at - writer.forked_at) * 1000, commit_ms)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("data_dir", type=Path, help="a folder for the profile (made here)")
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=None,
                        help="start no new round after this long (the kills counted are "
                             "those done)")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--max-delay-ms", type=float, default=30.0)
    parser.add_argument("--fault", choices=FAULTS, help="inject a known bug (see above)")
    parser.add_argument("--max-failures", type=int, default=10,
                        help="stop after this many rounds with violations")
    args = parser.parse_args(argv)

    if not hasattr(os, "fork"):
        print(json.dumps({"error": "needs os.fork and SIGKILL (Linux)"}))
        return 2
    import keyring
    from keyring.backends import fail

    # Never the desktop's keyring: the passphrase only, as on a PC without one.
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    keys.SCRYPT_N = 2**10  # cheap key wrapping; the parameters are stored with the wrap
    if not os.environ.get(keys.PASSPHRASE_ENV):
        print(json.dumps({"error": f"set {keys.PASSPHRASE_ENV}"}))
        return 2

    started = time.monotonic()
    key, code = make_profile(args.data_dir)
    db_path = paths.database_path(args.data_dir)
    writer_db = warmed_writer(db_path, key, code)
    # The checker's engine is kept, but its connections are closed before every fork:
    # each check opens the file afresh (key, WAL recovery), as the app does after a crash.
    checker = Database(db_path, key, commune_code=code)
    checker.load_device()
    with checker.reading(CHECKER) as session:
        village_ids = [uuid.UUID(str(r[0])) for r in session.execute(
            text("SELECT id FROM village WHERE deleted = 0"))]
        model = first_model(session)
    checker.engine.dispose()

    rng = random.Random(args.seed)
    schedule = [(rng.uniform(0, args.max_delay_ms) / 1000, rng.random() < 0.1)
                for _ in range(args.kills)]
    totals: Counter[str] = Counter()
    failures: list[dict[str, Any]] = []
    check_seconds = 0.0
    open_ms: list[float] = []
    commit_ms: list[float] = []

    def plan(round_no: int) -> WriterPlan:
        return WriterPlan(writer_db, village_ids, round_no, args.seed, args.fault)

    round_no = 0
    writer: Writer | None = None
    stopped_by = "kills"
    rounds_until = None if args.seconds is None else time.monotonic() + args.seconds
    for round_no in range(1, args.kills + 1):
        if rounds_until is not None and time.monotonic() >= rounds_until:
            round_no -= 1  # this round was not run
            stopped_by = "seconds"
            break
        delay, from_fork = schedule[round_no - 1]
        if writer is None:
            writer = spawn(plan(round_no))
        run = kill_after(writer, delay, from_fork)
        # The next writer opens (and is ready) while this round is checked: a writer
        # that is to be killed while opening is forked at its turn instead.
        writer = None
        if round_no < args.kills and not schedule[round_no][1]:
            writer = spawn(plan(round_no + 1))
        totals["kills"] += run.exit_status == "killed"
        totals["saves acknowledged"] += len(run.acked)
        totals[f"kill {run.moment}"] += 1
        if run.open_ms is not None:
            open_ms.append(run.open_ms)
        commit_ms += run.commit_ms
        checking = time.monotonic()
        try:
            with checker.reading(CHECKER) as session:
                problems, in_flight = check_round(session, model, run,
                                                  whole=round_no % 10 == 0)
                if run.exit_status != "killed":
                    problems.append(f"writer {run.exit_status}: {run.error or ''}")
                adopt(session, model, run)
        except Exception:
            problems, in_flight = [f"could not check: {traceback.format_exc()[-2000:]}"], "?"
        checker.engine.dispose()  # nothing open in this process at the next fork
        check_seconds += time.monotonic() - checking
        totals[f"in flight: {in_flight}"] += 1
        if problems:
            failures.append({"round": round_no, "delay_ms": round(delay * 1000, 2),
                             "from_fork": from_fork, "kill": run.moment,
                             "problems": problems})
            if len(failures) >= args.max_failures:
                stopped_by = "failures"
                break
        else:
            totals["checks passed"] += 1
    if writer is not None:
        kill_after(writer, 0, True)

    # Last, open the profile as the app does (key from the environment, schema version
    # checked) and check the whole database once more.
    from cdsxa.profile.storage import open_profile

    db = open_profile(args.data_dir)
    with db.reading(CHECKER) as session:
        final_problems = storage_problems(session) + change_log_problems(session)
        rows = table_counts(session)
        log_entries = last_seq(session)
    db.close()
    if final_problems:
        failures.append({"round": "final", "problems": final_problems})
    summary = {
        "kills": totals["kills"],
        "rounds": round_no,
        "stopped_by": stopped_by,
        "saves_acknowledged": totals["saves acknowledged"],
        "kill_moments": {k[5:]: v for k, v in sorted(totals.items()) if k.startswith("kill ")},
        "in_flight_committed": totals["in flight: committed"],
        "in_flight_rolled_back": totals["in flight: rolled back"],
        "checks_passed": totals["checks passed"],
        "failures": failures,
        "rows": {t: n for t, n in rows.items() if n},
        "change_log_entries": log_entries,
        "database_bytes": sum(p.stat().st_size for p in args.data_dir.glob(
            paths.DB_FILENAME + "*")),
        "seconds": round(time.monotonic() - started, 1),
        "check_seconds": round(check_seconds, 1),
        "writer_open_ms": percentiles(open_ms),
        "commit_ms": percentiles(commit_ms),
        "seed": args.seed,
        "fault": args.fault,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
