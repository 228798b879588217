"""The first full push of a large commune: every pending entry of the large demo profile
(≈100,000 people, 300,000 sessions: about 1.7 million entries) to an empty hub.

    python bench/first_push.py [--engine sqlite|postgresql|both] [--minutes 40]

A copy of the large profile is enrolled with a real hub (`cdsxa-hub serve`, SQLite in
its data folder or on a throwaway PostgreSQL, in a process of its own) and synchronised
with the app's own `synchronise` over plain loopback (no link model: the hub and the PC
are the limits). A sync that has not finished within `--minutes` is stopped after the
batch in flight (from the progress callback) and the figures say how far it got.

Printed as it goes: entries held and the rate over the last minute; at the end: time,
entries held and left, batches, bytes of the request and answer bodies (compressed, as
sent; HTTP headers not counted), entries per second, the hub's size on disk, and the
CPU of the hub, of PostgreSQL, and of this process (the PC).
"""

import argparse
import os
import shutil
import time
from contextlib import ExitStack

from common import open_bench
from sync_common import (
    Hub,
    Wire,
    copy_large,
    enrol_copy,
    hub_size_bytes,
    machine_load,
    pending,
    postgres,
    relay_log,
    scratch_dir,
)

from cdsxa.sync.hub_client import SYNC_RETRY, HubClient
from cdsxa.sync.synchronise import synchronise


class TimeUp(Exception):
    pass


class Progress:
    """Called after each acknowledged batch: prints now and then, stops at the limit."""

    def __init__(self, limit_s: float) -> None:
        self.began = time.perf_counter()
        self.limit_s = limit_s
        self.marks: list[tuple[float, int]] = [(0.0, 0)]
        self.last_print = 0.0
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter() - self.began
        if stage == "push":
            self.done = done
        self.marks.append((now, done))
        if now - self.last_print >= 60:
            self.last_print = now
            minute_ago = next(m for m in reversed(self.marks) if m[0] <= now - 60 or m[0] == 0)
            rate = (done - minute_ago[1]) / max(now - minute_ago[0], 1e-9)
            print(f"  {now / 60:5.1f} min: {stage} {done:,} of {total:,} "
                  f"({rate:,.0f} entries/s over the last minute)", flush=True)
        if now > self.limit_s:
            raise TimeUp


def run(engine: str, minutes: float) -> None:
    scratch = scratch_dir(f"first-push-{engine}-")
    try:
        with ExitStack() as stack:
            database = None
            pg = None
            if engine == "postgresql":
                pg = stack.enter_context(postgres())
                database = pg.create_database("hub")
            folder = copy_large(scratch / "pc")
            hub = stack.enter_context(Hub(scratch / "hub", database))
            db = open_bench(folder)
            stack.callback(db.close)
            token = enrol_copy(db, folder, hub)
            before = pending(db)
            print(f"[{engine}] {before:,} entries pending; pushing (limit {minutes:g} min)",
                  flush=True)
            counted = Wire()
            client = stack.enter_context(HubClient(hub.url, token=token, retry=SYNC_RETRY))
            client.session.hooks["response"].append(counted.hook)
            progress = Progress(minutes * 60)
            cpu_hub, cpu_pg = hub.cpu_seconds(), pg.cpu_seconds() if pg else 0.0
            cpu_pc = sum(os.times()[:2])
            finished = True
            outcome = None
            try:
                outcome = synchronise(db, folder, client=client, progress=progress)
            except TimeUp:
                finished = False
            elapsed = time.perf_counter() - progress.began
            cpu_hub = hub.cpu_seconds() - cpu_hub
            cpu_pg = (pg.cpu_seconds() - cpu_pg) if pg else 0.0
            cpu_pc = sum(os.times()[:2]) - cpu_pc
            left = pending(db)
            held = before - left
            log = relay_log(hub, db.commune_code or 0)
            size = hub_size_bytes(hub)
        print(f"[{engine}] {'finished' if finished else 'stopped at the time limit'} after "
              f"{elapsed / 60:.1f} min: {held:,} entries held, {left:,} left"
              + (f" (sync error: {outcome.error})" if outcome and outcome.error else ""))
        print(f"  {held / elapsed:,.0f} entries/s overall; {counted.requests} requests "
              f"(pushes and pulls); relay log {log.rows:,} rows, {log.distinct:,} distinct")
        print(f"  bytes: up {counted.up:,} ({counted.up / max(held, 1):.0f} B/entry), down "
              f"{counted.down:,}")
        if not finished and held:
            print(f"  at this rate all {before:,} would take {before / (held / elapsed) / 60:.0f}"
                  " min")
        print(f"  hub on disk: {size / 1e6:,.0f} MB ({size / max(held, 1):,.0f} B/entry)")
        print(f"  CPU: hub {cpu_hub:.0f} s ({cpu_hub / elapsed:.2f} cores), PostgreSQL "
              f"{cpu_pg:.0f} s, this PC process {cpu_pc:.0f} s ({cpu_pc / elapsed:.2f} cores)",
              flush=True)
        print(machine_load(), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--minutes", type=float, default=40, help="time limit per engine")
    args = parser.parse_args()
    for engine in ("sqlite", "postgresql") if args.engine == "both" else (args.engine,):
        run(engine, args.minutes)


if __name__ == "__main__":
    main()
