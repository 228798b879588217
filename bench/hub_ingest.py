"""Hub ingest on PostgreSQL: 50 communes pushing at once.

    python bench/hub_ingest.py [--communes 50] [--changes 2000] [--batch 500] [--hubs 1]
    python bench/hub_ingest.py --profile [--sqlite]   # cProfile of the hub applying 2 x 2,000

The changes are the large demo profile's kinds of records: a copy of it keeps a
closed sample of `--changes` entries pending (sync_common.keep_sample: people with
their households, sessions with topics and helpers, outcomes, VNeID steps; villages,
teams and classes), read with the PC's own `outgoing`. Each commune (50 communes of
Thanh Hóa from the official list) gets its own copy of them, re-stamped: its commune
code, its own device's clocks, new entry ids, and new record ids with every reference
mapped (the ids of list items, a session's topics and helpers, derived from their
parent and item as the PC derives them), checked by `Change.from_wire` as the hub
checks them. Each commune's device is enrolled over HTTP with a code issued in the
hub's database.

The hub is `cdsxa-hub serve --database postgresql://…` in a process of its own (one
uvicorn worker: `serve` has no option for more; `--hubs N` runs N such processes on
the same database, the communes split between them, which is what N workers would
do). The push bodies are made and gzip-compressed before the clock starts; then one
thread per commune posts its batches one after the other over real HTTP, as a PC does
(each batch waits for the previous answer). Printed: changes per second overall,
latency per batch (p50, p95, max), and the CPU the hub processes and PostgreSQL used.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import pstats
import shutil
import statistics
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests
from common import open_bench
from sync_common import Hub, copy_large, keep_sample, machine_load, postgres, scratch_dir

from cdsxa.common import admin_units
from cdsxa.common.clock import Hlc
from cdsxa.db.links import link_id
from cdsxa.hub.database import database_url
from cdsxa.security.access import SYSTEM
from cdsxa.sync import wire
from cdsxa.sync.entries import Change
from cdsxa.sync.outbox import outgoing

# List items: their id is made from (table, parent, item) (cdsxa.db.links).
LINKS = {"support_session_topic": ("session_id", "topic_code"),
         "support_session_member": ("session_id", "member_id"),
         "group_session_trainer": ("group_session_id", "member_id"),
         "group_session_attendee": ("group_session_id", "person_id")}


def sample_changes(scratch: Path, changes: int) -> list[Change]:
    """`changes` entries of the large profile's kinds, as its `outgoing` sends them."""
    folder = copy_large(scratch / "pc")
    db = open_bench(folder)
    try:
        keep_sample(db, changes)
        with db.reading(SYSTEM) as session:
            found = outgoing(session, limit=changes)
    finally:
        db.close()
    shutil.rmtree(folder, ignore_errors=True)
    return found


def restamp(changes: Sequence[Change], commune: int, device: str) -> list[Change]:
    """The same changes as another commune's PC would send them: its code, its
    device's clocks, new entry and record ids (references mapped alike)."""
    space = uuid.uuid4()
    records = {c.record_id for c in changes}
    mapped: dict[str, str] = {}

    def new_id(old: str) -> str:
        if old not in mapped:
            mapped[old] = str(uuid.uuid5(space, old))
        return mapped[old]

    def value(v: object) -> object:
        return new_id(v) if isinstance(v, str) and v in records else v

    # Link rows first: their id follows from their (mapped) parent and item.
    for c in changes:
        if c.table in LINKS and c.op == "insert" and c.record_id not in mapped:
            parent, item = LINKS[c.table]
            old_parent, old_item = c.values[parent], c.values[item]
            assert str(link_id(c.table, uuid.UUID(str(old_parent)), old_item)) == c.record_id
            mapped[c.record_id] = str(link_id(c.table, uuid.UUID(str(value(old_parent))),
                                              value(old_item)))

    def clock(h: Hlc) -> str:
        return Hlc(h.wall_ms, h.counter, device).encode()

    out = []
    for c in changes:
        data = c.to_wire()
        data.update(entry_id=str(uuid.uuid4()), record_id=new_id(c.record_id),
                    commune_code=commune, device=device, hlc=clock(c.hlc),
                    base_version=None if c.base_version is None else clock(c.base_version),
                    values={k: value(v) for k, v in c.values.items()})
        out.append(Change.from_wire(data))  # the hub's own check
    return out


def bodies(changes: Sequence[Change], batch: int) -> list[tuple[bytes, int]]:
    """Gzip push bodies as HubClient sends them, with the generation the hub will give
    each batch's predecessor (0, 1, 2, …); and each batch's size."""
    made = []
    for n, start in enumerate(range(0, len(changes), batch)):
        part = changes[start:start + batch]
        request = wire.PushRequest(batch_id=str(uuid.uuid4()), generation=n,
                                   entries=[wire.WireEntry.from_change(c) for c in part])
        made.append((gzip.compress(request.model_dump_json().encode(), 6, mtime=0),
                     len(part)))
    return made


@dataclass
class Commune:
    code: int
    hub_url: str
    token: str = ""
    device: str = field(default_factory=lambda: str(uuid.uuid4()))
    batches: list[tuple[bytes, int]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    held: int = 0
    errors: list[str] = field(default_factory=list)
    finished: float = 0.0


def enrol(commune: Commune, database_url: str) -> None:
    from cdsxa.hub import enrolment
    from cdsxa.hub.database import HubDatabase
    from cdsxa.sync.hub_client import HubClient

    database = HubDatabase(database_url)
    try:
        with database.transaction() as session:
            code = enrolment.issue_code(session, commune.code).code
    finally:
        database.close()
    with HubClient(commune.hub_url) as client:
        answer = client.enrol(wire.EnrolRequest(code=code, device_id=commune.device,
                                                commune_code=commune.code,
                                                protocol=wire.PROTOCOL_VERSION,
                                                label="bench"))
    commune.token = answer.device_token


def push_all(commune: Commune, start: threading.Barrier) -> None:
    session = requests.Session()
    session.headers.update({wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION),
                            "Authorization": f"Bearer {commune.token}",
                            "Content-Type": "application/json", "Content-Encoding": "gzip"})
    start.wait()
    for n, (body, size) in enumerate(commune.batches):
        began = time.perf_counter()
        response = session.post(f"{commune.hub_url}{wire.API_PREFIX}/push", data=body,
                                timeout=600)
        commune.latencies.append(time.perf_counter() - began)
        if response.status_code != 200:
            commune.errors.append(f"{response.status_code} {response.text[:200]}")
            break
        answer = wire.PushAnswer.model_validate(response.json())
        commune.held += len(answer.held)
        if answer.generation != n + 1:
            commune.errors.append(f"generation {answer.generation}, expected {n + 1}")
            break
    commune.finished = time.perf_counter()
    session.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(p * len(ordered)) - 1)]


def ingest(args: argparse.Namespace) -> None:
    scratch = scratch_dir("hub-ingest-")
    try:
        source = sample_changes(scratch, args.changes)
        codes = [c.code for c in admin_units.communes(admin_units.THANH_HOA)][:args.communes]
        with postgres() as pg:
            url = pg.create_database("hub")
            hubs = [Hub(scratch / f"hub{i}", url) for i in range(args.hubs)]
            for hub in hubs:
                hub.start()
            try:
                communes = [Commune(code, hubs[i % len(hubs)].url)
                            for i, code in enumerate(codes)]
                made = time.perf_counter()
                db_url = database_url(url, scratch)
                for commune in communes:
                    enrol(commune, db_url)
                    commune.batches = bodies(restamp(source, commune.code, commune.device),
                                             args.batch)
                total = sum(size for c in communes for _b, size in c.batches)
                wire_bytes = sum(len(b) for c in communes for b, _s in c.batches)
                print(f"{len(communes)} communes enrolled, {total:,} changes in "
                      f"{sum(len(c.batches) for c in communes)} batches of {args.batch} "
                      f"({wire_bytes / total:.0f} B/change gzip) made in "
                      f"{time.perf_counter() - made:.0f} s; {len(hubs)} hub process(es), "
                      "1 uvicorn worker each", flush=True)
                barrier = threading.Barrier(len(communes) + 1)
                threads = [threading.Thread(target=push_all, args=(c, barrier))
                           for c in communes]
                for thread in threads:
                    thread.start()
                cpu_hub = [h.cpu_seconds() for h in hubs]
                cpu_pg = pg.cpu_seconds()
                barrier.wait()
                began = time.perf_counter()
                for thread in threads:
                    thread.join()
                elapsed = time.perf_counter() - began
                cpu_hub = [h.cpu_seconds() - before for h, before in zip(hubs, cpu_hub)]
                cpu_pg = pg.cpu_seconds() - cpu_pg
            finally:
                for hub in hubs:
                    hub.stop()
                    for line, count in hub.errors().items():
                        print(f"hub {hub.port} logged {count} x {line}", flush=True)
        held = sum(c.held for c in communes)
        latencies = [t for c in communes for t in c.latencies]
        errors = [e for c in communes for e in c.errors]
        print(f"held {held:,} of {total:,} changes in {elapsed:.1f} s: "
              f"{held / elapsed:,.0f} changes/s overall")
        print(f"latency per batch of {args.batch}: p50 {statistics.median(latencies):.1f} s, "
              f"p95 {percentile(latencies, 0.95):.1f} s, max {max(latencies):.1f} s "
              f"(n={len(latencies)})")
        last = sorted(c.finished - began for c in communes)
        print(f"communes done: first after {last[0]:.0f} s, median {statistics.median(last):.0f}"
              f" s, last {last[-1]:.0f} s")
        print(f"CPU: hub {' + '.join(f'{s:.0f}' for s in cpu_hub)} s "
              f"({sum(cpu_hub) / elapsed:.2f} cores), PostgreSQL {cpu_pg:.0f} s "
              f"({cpu_pg / elapsed:.2f} cores), of 2 cores over {elapsed:.0f} s", flush=True)
        print(machine_load(), flush=True)
        if errors:
            print(f"{len(errors)} communes stopped early: {errors[:3]}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def profile(args: argparse.Namespace) -> None:
    """The hub's push.receive on two batches of 2,000 in this process, under cProfile."""
    from cdsxa.hub import enrolment, migrate, push
    from cdsxa.hub.database import HubDatabase, sqlite_url
    from cdsxa.hub.replica import Replicas

    scratch = scratch_dir("hub-profile-")
    try:
        source = sample_changes(scratch, 2 * wire.MAX_BATCH_ENTRIES)
        with postgres() as pg:
            url = (sqlite_url(scratch / "hub") if args.sqlite else
                   database_url(pg.create_database("hub"), scratch))
            database = HubDatabase(url)
            migrate.upgrade(database.engine)
            replicas = Replicas(url, database.engine)
            commune, device = source[0].commune_code, str(uuid.uuid4())
            with database.transaction() as session:
                code = enrolment.issue_code(session, commune).code
                enrolment.enrol(session, wire.EnrolRequest(
                    code=code, device_id=device, commune_code=commune,
                    protocol=wire.PROTOCOL_VERSION))
            who = enrolment.DeviceIdentity(commune, uuid.UUID(device), "bench")
            changes = restamp(source, commune, device)
            replicas.get(commune)  # the replica's schema made before the clock starts
            profiler = cProfile.Profile()
            for n, start in enumerate(range(0, len(changes), wire.MAX_BATCH_ENTRIES)):
                part = changes[start:start + wire.MAX_BATCH_ENTRIES]
                request = wire.PushRequest(batch_id=str(uuid.uuid4()), generation=n,
                                           entries=[wire.WireEntry.from_change(c)
                                                    for c in part])
                kinds: dict[str, int] = {}
                for c in part:
                    kinds[c.table] = kinds.get(c.table, 0) + 1
                began = time.perf_counter()
                profiler.enable()
                answer = push.receive(database, replicas, who, request)
                profiler.disable()
                took = time.perf_counter() - began
                print(f"batch {n + 1}: {len(answer.held):,} held in {took:.2f} s "
                      f"({len(part) / took:,.0f} entries/s): "
                      + ", ".join(f"{t} {k}" for t, k in sorted(kinds.items(),
                                                                key=lambda kv: -kv[1])),
                      flush=True)
            replicas.close()
            database.close()
        engine = "SQLite" if args.sqlite else "PostgreSQL"
        for order in ("tottime", "cumulative"):
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(args.top)
            print(f"\n--- {engine} hub, by {order} ---")
            print("ncalls" + text.getvalue().split("ncalls", 1)[-1])
        # Who asks the database, row by row: the project's callers of the ORM's get,
        # execute and scalars.
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
        stats.print_callers(r"orm/session.py:\d+\((get|execute|scalars|scalar)\)$")
        print(f"\n--- {engine} hub: callers of Session.get/execute/scalars/scalar ---")
        print("\n".join(line for line in text.getvalue().splitlines()
                        if "cdsxa/" in line or "session.py" in line))
        if args.dump:
            profiler.dump_stats(args.dump)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--communes", type=int, default=50)
    parser.add_argument("--changes", type=int, default=2000, help="per commune")
    parser.add_argument("--batch", type=int, default=500, help="entries per push")
    parser.add_argument("--hubs", type=int, default=1, help="hub processes")
    parser.add_argument("--profile", action="store_true",
                        help="profile the hub applying two batches of 2,000 instead")
    parser.add_argument("--sqlite", action="store_true", help="with --profile: SQLite hub")
    parser.add_argument("--top", type=int, default=30, help="with --profile: rows shown")
    parser.add_argument("--dump", help="with --profile: save the profile to this file")
    args = parser.parse_args()
    profile(args) if args.profile else ingest(args)


if __name__ == "__main__":
    main()
