"""Pushing 10,000 changes over a slow commune link, and over one that keeps breaking.

    python bench/sync_link.py [--kbit 64] [--rtt 300] [--cut-every 50000] [--changes 10000]

A copy of the large demo profile keeps pending a closed sample of its kinds of records
(sync_common.keep_sample: people with their households, support sessions with topics
and helpers, outcomes, VNeID steps, and the commune's villages, teams and classes), is
enrolled with a real hub (`cdsxa-hub serve`, SQLite, in a process of its own), and
synchronised (cdsxa.sync.synchronise, the app's own code) through bench/link_proxy.py:

1. a 64 kbit/s link with a 300 ms round trip: time, bytes on the wire each way (HTTP
   headers included, as the proxy counts them), bytes per change, and the time over
   two floors: bytes up / bandwidth (the issue's), and the sequential floor (bytes both
   ways / bandwidth + a round trip per exchange and per new connection);
2. the same link cutting every connection after 50 kB: a sync that stops is started
   again, as the app would, until nothing is pending; then how many cuts and attempts,
   whether the hub's relay log (hub_entry) or the replica holds any entry twice, whether
   every change is held, and how many bytes the cuts cost (sent again).
"""

import argparse
import gzip
import re
import shutil
import time
import uuid
from pathlib import Path

from common import open_bench
from link_proxy import LinkProxy
from sync_common import (
    SAMPLE_CHANGES,
    Hub,
    copy_large,
    enrol_copy,
    machine_load,
    pending,
    relay_log,
    scratch_dir,
)

from cdsxa.security.access import SYSTEM
from cdsxa.sync import audit_out, wire
from cdsxa.sync.hub_client import SYNC_RETRY, HubClient
from cdsxa.sync.outbox import outgoing
from cdsxa.sync.synchronise import synchronise

MAX_ATTEMPTS = 30


def offline_sizes(folder: Path) -> None:
    """What the pending changes weigh as push bodies (gzip), entries alone and with
    their audit events, for a few batch sizes: no link involved."""
    db = open_bench(folder)
    try:
        with db.reading(SYSTEM) as session:
            changes = outgoing(session, limit=SAMPLE_CHANGES * 2)
            events = audit_out.unsent(session, SAMPLE_CHANGES * 2)
    finally:
        db.close()
    raw = sum(len(wire.WireEntry.from_change(c).model_dump_json()) for c in changes)
    print(f"offline: {len(changes):,} changes, {len(events):,} audit events; entries as "
          f"JSON {raw / len(changes):.0f} B/change before compression", flush=True)
    for size in (200, 400, 1000, 2000):
        alone = with_audit = 0
        for start in range(0, len(changes), size):
            part = [wire.WireEntry.from_change(c) for c in changes[start:start + size]]
            ids = {c.entry_id for c in changes[start:start + size]}
            audit = [e for e in events if e.change_id in ids]
            for entries_audit, add in ((False, 0), (True, 1)):
                body = wire.PushRequest(batch_id=str(uuid.uuid4()), entries=part,
                                        audit=audit if entries_audit else [])
                n = len(gzip.compress(body.model_dump_json().encode(), 6, mtime=0))
                if add:
                    with_audit += n
                else:
                    alone += n
        print(f"  batches of {size:>5}: {alone / len(changes):5.1f} B/change entries alone, "
              f"{with_audit / len(changes):5.1f} B/change with their audit events (gzip)",
              flush=True)


def run(folder: Path, hub_dir: Path, kbit: float, rtt: float, cut: int | None) -> None:
    label = f"{kbit:g} kbit/s, {rtt:g} ms" + (f", cut every {cut:,} B" if cut else "")
    with Hub(hub_dir) as hub:
        db = open_bench(folder)
        try:
            token = enrol_copy(db, folder, hub)
            changes = pending(db)
            started = time.perf_counter()
            attempts, errors, sent, batches = 0, [], 0, 0
            with LinkProxy("127.0.0.1", hub.port, kbit, rtt, cut) as link:
                while attempts < MAX_ATTEMPTS:
                    attempts += 1
                    with HubClient(link.url, token=token, retry=SYNC_RETRY) as client:
                        outcome = synchronise(db, folder, client=client)
                    sent += outcome.sent
                    batches += outcome.batches
                    if outcome.ok and outcome.pending == 0:
                        break
                    errors.append(outcome.error)
                elapsed = time.perf_counter() - started
            left = pending(db)
        finally:
            db.close()
        log = relay_log(hub, db.commune_code or 0)
        pushes = len(re.findall(r'"POST /api/v1/push HTTP/1.1" 200', hub.log.read_text()))
        replica = _replica_entries(hub_dir, db.commune_code or 0)
    rate = kbit * 1000 / 8
    exchanges = pushes + 1  # the pushes the hub answered, and the pull
    floor_up = link.bytes_up / rate
    floor_seq = ((link.bytes_up + link.bytes_down) / rate + exchanges * rtt / 1000
                 + link.connections * rtt / 1000)
    print(f"\n[{label}]", flush=True)
    print(f"changes {changes:,}; held {sent:,}; still pending {left:,}; sync attempts "
          f"{attempts} ({len(errors)} stopped early); batches acknowledged {batches}")
    print(f"wire: up {link.bytes_up:,} B, down {link.bytes_down:,} B, "
          f"{link.connections} connections, {link.cuts} cuts")
    print(f"bytes per change: {link.bytes_up / changes:.1f} up, "
          f"{(link.bytes_up + link.bytes_down) / changes:.1f} both ways")
    print(f"elapsed {elapsed:.1f} s; floor bytes up / bandwidth {floor_up:.1f} s -> ratio "
          f"{elapsed / floor_up:.2f}; sequential floor (both ways / bandwidth + "
          f"{exchanges} exchanges and {link.connections} connections x RTT) {floor_seq:.1f} s "
          f"-> ratio {elapsed / floor_seq:.2f}")
    print(f"hub: {pushes} pushes answered 200; relay log {log.rows:,} rows, "
          f"{log.distinct:,} distinct entry ids (twice: {log.rows - log.distinct}); replica "
          f"received {replica[0]:,} entries, {replica[1]:,} distinct", flush=True)
    print(machine_load(), flush=True)
    if errors:
        shown = sorted({e or "" for e in errors})
        print("attempts stopped by: " + " | ".join(shown), flush=True)


def _replica_entries(hub_dir: Path, commune: int) -> tuple[int, int]:
    import sqlite3

    path = hub_dir / "communes" / f"{commune}.sqlite3"
    with sqlite3.connect(path) as connection:
        rows, distinct = connection.execute(
            "SELECT count(*), count(DISTINCT id) FROM change_log "
            "WHERE received_at IS NOT NULL").fetchone()
    return int(rows), int(distinct)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kbit", type=float, default=64)
    parser.add_argument("--rtt", type=float, default=300)
    parser.add_argument("--cut-every", type=int, default=50_000)
    parser.add_argument("--changes", type=int, default=SAMPLE_CHANGES)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    from sync_common import keep_sample

    scratch = scratch_dir("sync-link-")
    try:
        first = copy_large(scratch / "pc")
        db = open_bench(first)
        try:
            keep_sample(db, args.changes)
        finally:
            db.close()
        second = scratch / "pc-cuts"
        shutil.copytree(first, second)  # the same sample, for the second hub
        offline_sizes(first)
        run(first, scratch / "hub", args.kbit, args.rtt, None)
        run(second, scratch / "hub-cuts", args.kbit, args.rtt, args.cut_every)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
