"""Helpers for the sync fault tests (tests/test_sync_faults.py): PCs synced through a
FaultProxy, `cdsxa` in a process of its own (to be killed), a hub process that dies at
the worst point of a push, and the checks every scenario ends with.

    python -m tests.sync_faults_support crashing-hub DATABASE_URL

serves the hub on a loopback port it prints on its first line, and exits (os._exit,
code CRASH_EXIT, as a power cut or a kill would end it) in its first push, after the
batch was committed to the commune's replica and before the relay log was written.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from urllib3.util.retry import Retry

from cdsxa.db import merges
from cdsxa.db.models import ChangeLogEntry, Household, Person, Setting, SyncConflict
from cdsxa.hub.models import Entry
from cdsxa.hub.replica import Replicas
from cdsxa.register import people, villages
from cdsxa.security import keys
from cdsxa.sync import journal, wire
from cdsxa.sync.entries import Change
from cdsxa.sync.hub_client import SYNC_RETRY, HubClient
from cdsxa.sync.synchronise import Outcome, Progress, pending_count
from tests.conftest import PASSPHRASE, TESTER
from tests.hub_server import RunningHub
from tests.sync_pcs import Pc, token_of

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_S = 60  # for a condition polled for: generous, never a measure
CRASH_EXIT = 86
# One attempt per request: a fault hits exactly the call it was armed for.
NO_RETRY = Retry(total=0, raise_on_status=False)
# The app's own policy for sync (connection errors, lost answers, 502/503/504 retried,
# POST included), without the backoff's seconds.
QUICK_RETRY = SYNC_RETRY.new(backoff_factor=0)

Records = dict[str, dict[str, dict[str, Any]]]


# --- syncing through a given address ----------------------------------------------------------

class LoggedClient(HubClient):
    """A HubClient that notes which calls a sync made, in order ("push", "pull", ...)."""

    def __init__(self, url: str, token: str, retry: Retry, calls: list[str]) -> None:
        super().__init__(url, token=token, retry=retry)
        self.calls = calls

    def push(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append("push")
        return super().push(*args, **kwargs)

    def pull(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append("pull")
        return super().pull(*args, **kwargs)


def sync_via(pc: Pc, url: str, retry: Retry = NO_RETRY,
             timeout: tuple[int, int] | None = None, progress: Progress | None = None,
             calls: list[str] | None = None) -> Outcome:
    """One `synchronise` of `pc` with the hub at `url` (a FaultProxy's, usually);
    `calls` gets the client's calls."""
    with LoggedClient(url, token_of(pc), retry, [] if calls is None else calls) as client:
        if timeout is not None:
            client.timeout = timeout
        return pc.sync(client=client, progress=progress)


def settle(pcs: Sequence[Pc], url: str | None = None) -> None:
    """Sync rounds until nothing moves: each PC twice, so the merges one PC's pull
    made (entries of its own, pushed at the end of its sync) reach the others."""
    for _ in range(2):
        for pc in pcs:
            outcome = pc.sync() if url is None else sync_via(pc, url)
            assert outcome.ok, outcome.error
            assert outcome.pending == 0, pc.data_dir


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {DEADLINE_S} s: {what}")
        time.sleep(0.02)


# --- a commune's register, edited as the services edit it ------------------------------------

def village(pc: Pc) -> Any:
    with pc.db.reading(TESTER) as session:
        return villages.find_by_name(session, "Bản Hang")


def add_people(pc: Pc, count: int, prefix: str = "Người") -> list[Any]:
    where = village(pc)
    with pc.db.transaction(TESTER) as session:
        return people.add_people(session, [people.PersonInput(
            full_name=f"{prefix} {i:04d}", gender="female" if i % 2 else "male",
            village_id=where, birth_date=date(1960 + i % 40, 1 + i % 12, 1))
            for i in range(count)])


def edit_person(pc: Pc, person_id: Any, **changes: Any) -> None:
    time.sleep(0.002)  # a later edit has a later clock, whatever the PC
    with pc.db.transaction(TESTER) as session:
        row = session.get(Person, person_id)
        assert row is not None
        fields = {name: getattr(row, name) for name in (
            "full_name", "gender", "village_id", "birth_date", "birth_year", "ethnicity",
            "id_number", "phone", "household_id", "relation_to_head", "notes", "consent",
            "consent_on")}
        people.update_person(session, person_id, people.PersonInput(**{**fields, **changes}))


def edit_household(pc: Pc, household_id: Any, address: str) -> None:
    time.sleep(0.002)
    with pc.db.transaction(TESTER) as session:
        row = session.get(Household, household_id)
        assert row is not None and not row.deleted
        row.address = address  # the household form's field (no service of its own yet)


class HandPush:
    """Batches pushed by hand, each with the generation the previous answer gave (as
    `synchronise` sends them), to deliver them in any order and any number of times."""

    def __init__(self, url: str, token: str) -> None:
        self.client = HubClient(url, token=token, retry=NO_RETRY)
        self.generation = 0

    def push(self, changes: Sequence[Change]) -> wire.PushAnswer:
        """The answer, with the ids held spelled out (not `held_all`)."""
        request = wire.PushRequest(
            batch_id=str(uuid.uuid4()), generation=self.generation,
            entries=[wire.WireEntry.from_change(c) for c in changes])
        answer = self.client.push(request)
        self.generation = answer.generation
        return answer.model_copy(update={"held": answer.held_of(request), "held_all": False})

    def close(self) -> None:
        self.client.close()


# --- what the hub and the PCs hold -----------------------------------------------------------

def relay_ids(hub: RunningHub, device: uuid.UUID | None = None) -> list[str]:
    """The relay log's entry ids (one device's, or all), as many times as held."""
    query = select(Entry.entry_id)
    if device is not None:
        query = query.where(Entry.device_id == device)
    with hub.database.transaction() as session:
        return [str(i) for i in session.scalars(query)]


def held_count(hub: RunningHub, pc: Pc) -> int:
    return len(relay_ids(hub, pc.db.load_device()))


def own_entries(pc: Pc) -> dict[str, bool]:
    """The PC's own change-log entries (not received): id -> acknowledged."""
    with pc.db.reading(TESTER) as session:
        return {str(i): acked is not None for i, acked in session.execute(
            select(ChangeLogEntry.id, ChangeLogEntry.acked_at).where(
                ChangeLogEntry.received_at.is_(None)))}


def pending(pc: Pc) -> int:
    with pc.db.reading(TESTER) as session:
        return pending_count(session)


def records(session: Session, stamps: bool = False) -> Records:
    """Every travelling record's travelling values (and the deleted flag), with
    `stamps` the clock of its last write too, and which records were merged into which.

    A duplicate merged away is a deleted row on the replicas that held it before the
    merge, and no row at all where it arrived merged (cdsxa.sync.workspace): the same
    state either way, so such rows are compared as the merge, not as rows."""
    redirects = merges.redirects(session)
    found: Records = {"(merged)": {f"{table}.{loser}": {"into": survivor}
                                   for (table, loser), survivor in redirects.items()}}
    for table, model in sorted(journal.models().items()):
        rows: dict[str, dict[str, Any]] = {}
        for row in session.scalars(select(model)):
            if (table, str(row.id)) in redirects:
                continue
            values: dict[str, Any] = {name: journal.to_json(getattr(row, name))
                                      for name in journal.columns(table)}
            values["deleted"] = row.deleted
            if stamps:
                values["clock"] = (row.hlc, str(row.device_id))
            rows[str(row.id)] = values
        found[table] = rows
    return found


def conflicts(session: Session) -> set[tuple[str, str, str, str, str | None, str | None]]:
    return {(c.kind, c.table_name, str(c.record_id), c.field, c.losing_value, c.winning_value)
            for c in session.scalars(select(SyncConflict))}


def partial_records(session: Session) -> list[str]:
    """Records known only in part (changes that came before their insert)."""
    return list(session.scalars(select(Setting.key).where(
        Setting.key.startswith(journal.PARTIAL_PREFIX))))


def replica_view(hub: RunningHub, commune: int,
                 read: Callable[[Session], Any]) -> Any:
    replicas = Replicas(hub.database_url, hub.database.engine)
    try:
        with replicas.get(commune).reading() as session:
            return read(session)
    finally:
        replicas.close()


def pc_view(pc: Pc, read: Callable[[Session], Any]) -> Any:
    with pc.db.reading(TESTER) as session:
        return read(session)


# --- the checks after every scenario ---------------------------------------------------------

def check_pc(hub: RunningHub, pc: Pc, unanswered: int = 0) -> None:
    """What holds after any sync, finished or not:
    - the relay log holds each entry once, and nothing in this PC's name it did not write;
    - an entry acknowledged on the PC is held by the hub (never marked sent otherwise);
    - the pending count is the PC's own entries the hub does not hold, plus `unanswered`:
      those the hub took in a push whose answer never reached the PC."""
    everything = relay_ids(hub)
    assert len(everything) == len(set(everything)), "an entry held twice by the hub"
    relay = set(everything)
    own = own_entries(pc)
    device_held = set(relay_ids(hub, pc.db.load_device()))
    assert device_held <= set(own), "the hub holds entries in this PC's name it never wrote"
    acked = {i for i, ok in own.items() if ok}
    assert acked <= relay, f"{len(acked - relay)} entries marked sent that the hub lacks"
    assert len(device_held - acked) == unanswered
    assert pending(pc) == len(set(own) - relay) + unanswered


def check_settled(hub: RunningHub, pcs: Sequence[Pc], same_conflicts: bool = True) -> None:
    """After a final sync round: every change of every PC is held once and acknowledged,
    nothing pending, and the PCs and the hub's replica hold the same records and list
    the same values that lost (each records what lost when it arrived)."""
    for pc in pcs:
        check_pc(hub, pc)
        own = own_entries(pc)
        assert all(own.values()) and pending(pc) == 0, pc.data_dir
    commune = pcs[0].db.commune_code
    assert commune is not None
    replica = replica_view(hub, commune, records)
    assert replica_view(hub, commune, partial_records) == []
    for pc in pcs:
        assert pc.people() == {k: v["full_name"] for k, v in replica["person"].items()
                               if not v["deleted"]}
        assert pc_view(pc, records) == replica, pc.data_dir
        if same_conflicts:
            assert pc_view(pc, conflicts) == replica_view(hub, commune, conflicts)


# --- processes of their own ------------------------------------------------------------------

def child_env() -> dict[str, str]:
    """`cdsxa` in a child: no keyring at all (the test's keyring is its own memory; a
    developer's real one must not be touched), the profile opened by its passphrase."""
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", keys.PASSPHRASE_ENV: PASSPHRASE,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def cdsxa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cdsxa", *args], check=False,
                          capture_output=True, text=True, env=child_env(), timeout=300,
                          stdin=subprocess.DEVNULL, cwd=ROOT)


def start_cdsxa(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "cdsxa", *args], env=child_env(),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


class CrashingHub:
    """`crashing-hub` below, in a process of its own."""

    def __init__(self, database_url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.sync_faults_support", "crashing-hub", database_url],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # blocks until it listens, or dies
        if not line.strip().isdigit():
            self.process.kill()
            self.process.wait()
            raise RuntimeError("the crashing hub did not start")
        self.port = int(line)

    def wait(self) -> int:
        return self.process.wait(timeout=DEADLINE_S)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def _crashing_hub(database_url: str) -> None:
    import uvicorn

    from cdsxa.hub import push
    from cdsxa.hub.app import create_app

    def die(*_args: object, **_kwargs: object) -> set[str]:
        # Called once the replica's transaction has committed: the relay log's
        # transaction is open and goes with the process.
        os._exit(CRASH_EXIT)

    push._append = die
    listener = socket.create_server(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(database_url), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    print(listener.getsockname()[1], flush=True)  # connections wait in the backlog
    server.run(sockets=[listener])


if __name__ == "__main__":
    if sys.argv[1:2] == ["crashing-hub"] and len(sys.argv) == 3:
        _crashing_hub(sys.argv[2])
    else:
        sys.exit("usage: python -m tests.sync_faults_support crashing-hub DATABASE_URL")
