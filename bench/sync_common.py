"""Shared by the sync benchmarks: a real hub in a process of its own, a throwaway
PostgreSQL, copies of the large profile enrolled with the hub, a 10,000-change sample
of the large profile's kinds of records, and CPU and byte counters.

Nothing here writes to the bench profile itself: every benchmark works on a copy
(`copy_large`), in a scratch folder beside it (or `$CDSXA_SYNC_SCRATCH`).
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
from common import BENCH_DATA, large_profile

if TYPE_CHECKING:
    from cdsxa.db.engine import Database

# No OS keyring in a benchmark: enrolment seals the token in the copy's key.json.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

# A benchmark stopped with SIGTERM still stops its hub and PostgreSQL (finally blocks).
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

SCRATCH = Path(os.environ.get("CDSXA_SYNC_SCRATCH", BENCH_DATA))
SAMPLE_CHANGES = 10_000
START_TIMEOUT_S = 60


def machine_load() -> str:
    """The load average: these machines are shared, and the figures depend on it."""
    one, five, fifteen = os.getloadavg()
    return (f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1/5/15 min), "
            f"{os.cpu_count()} cores")


def scratch_dir(prefix: str) -> Path:
    SCRATCH.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=SCRATCH))


def copy_large(target: Path) -> Path:
    """A copy of the large demo profile (without its backups) to enrol and sync."""
    source = large_profile()
    started = time.perf_counter()
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("backups", "*.lock"))
    print(f"copied the large profile to {target} in {time.perf_counter() - started:.0f} s",
          flush=True)
    return target


# --- PostgreSQL: a throwaway cluster, as tests/postgres.py makes it ------------------

def _pg_bin() -> Path:
    candidates = [os.environ.get("CDSXA_POSTGRES_BIN", "")]
    if shutil.which("initdb"):
        candidates.append(os.path.dirname(os.path.realpath(shutil.which("initdb") or "")))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and all(os.access(os.path.join(folder, t), os.X_OK)
                          for t in ("initdb", "pg_ctl")):
            return Path(folder)
    raise SystemExit("PostgreSQL (initdb, pg_ctl) not found: scripts/setup.sh installs it")


class Postgres:
    """initdb + pg_ctl in a folder under /tmp, a unix socket only, no durability (a
    bench cluster, like the tests'). As root the server runs as the postgres user."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.as_root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="cdsxa-bench-pg-", dir="/tmp"))
        self.data, self.log = self.folder / "data", self.folder / "server.log"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, cwd=self.folder, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120, check=False)
        if done.returncode:
            raise RuntimeError(f"{shlex.join(command)}: {done.stdout}{done.stderr}")

    def start(self) -> Postgres:
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
                  "UTF8", "--no-sync", "--locale=C")
        settings = {"listen_addresses": "", "unix_socket_directories": str(self.folder),
                    "fsync": "off", "full_page_writes": "off", "synchronous_commit": "off",
                    "max_connections": "200", "shared_buffers": "512MB"}
        options = " ".join(f"-c {shlex.quote(f'{k}={v}')}" for k, v in settings.items())
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t",
                  "60", "-s", "-o", options)
        return self

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host=str(self.folder), user="postgres", dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        # The form `cdsxa-hub --database` takes; libpq's host is the socket's folder.
        return f"postgresql://postgres@/{name}?host={self.folder}"

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def cpu_seconds(self) -> float:
        """CPU of the server and all its backends so far."""
        return tree_cpu_seconds(self.postmaster_pid())

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", "-s")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def postgres() -> Iterator[Postgres]:
    server = Postgres().start()
    try:
        yield server
    finally:
        server.stop()


# --- CPU from /proc -------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float]:
    """(parent pid, user+system seconds) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds of a process and its live children (PostgreSQL's backends)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid, seconds = _stat(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
        if int(entry.name) == root or ppid == root:
            total += seconds
    return total


# --- a hub in a process of its own ----------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Hub:
    """`python -m cdsxa.hub serve` (SQLite in `data_dir`, or `database`), on loopback."""

    def __init__(self, data_dir: Path, database: str | None = None) -> None:
        self.data_dir, self.database = data_dir, database
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "hub.log"

    def args(self) -> list[str]:
        return ["--data-dir", str(self.data_dir)] + (
            ["--database", self.database] if self.database else [])

    def command(self, *args: str) -> str:
        """A `cdsxa-hub` command on this hub's database; its output."""
        done = subprocess.run([sys.executable, "-m", "cdsxa.hub", *args, *self.args()],
                              capture_output=True, text=True, timeout=300, check=True,
                              stdin=subprocess.DEVNULL)
        return done.stdout

    def enrol_code(self, commune: int) -> str:
        return self.command("enrol-code", "--commune", str(commune)).split()[-1]

    def start(self) -> Hub:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cdsxa.hub", "serve", "--port", str(self.port),
                 *self.args()], stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub stopped: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/health", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the hub did not start")
            time.sleep(0.2)

    def errors(self) -> dict[str, int]:
        """The exceptions the hub logged (the last line of each traceback), counted."""
        found: dict[str, int] = {}
        for line in self.log.read_text(errors="replace").splitlines():
            if re.match(r"^[\w.]+(Error|Exception|Timeout)\b", line):
                found[line[:300]] = found.get(line[:300], 0) + 1
        return found

    def cpu_seconds(self) -> float:
        assert self.process is not None
        return _stat(self.process.pid)[1]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Hub:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def hub_database_url(hub: Hub) -> str:
    from cdsxa.hub.database import database_url

    return database_url(hub.database, hub.data_dir)


def hub_size_bytes(hub: Hub) -> int:
    """What the hub keeps on disk: its SQLite files, or its PostgreSQL database."""
    if hub.database is None:
        return sum(p.stat().st_size for p in hub.data_dir.rglob("*.sqlite3*"))
    from sqlalchemy import create_engine, text

    engine = create_engine(hub_database_url(hub))
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text("SELECT pg_database_size(current_database())")))
    finally:
        engine.dispose()


@dataclass
class RelayLog:
    rows: int
    distinct: int


def relay_log(hub: Hub, commune: int) -> RelayLog:
    """How many entries the hub's relay log holds for the commune, and how many ids."""
    from sqlalchemy import create_engine, text

    engine = create_engine(hub_database_url(hub))
    try:
        with engine.connect() as connection:
            rows, distinct = connection.execute(text(
                "SELECT count(*), count(DISTINCT entry_id) FROM hub_entry "
                "WHERE commune_code = :c"), {"c": commune}).one()
    finally:
        engine.dispose()
    return RelayLog(int(rows), int(distinct))


# --- the PC side ----------------------------------------------------------------------

def enrol_copy(db: Database, data_dir: Path, hub: Hub) -> str:
    """Enrol the profile copy with the hub (a code from `cdsxa-hub enrol-code`); its
    device token."""
    from cdsxa.security import device_token
    from cdsxa.sync.enrolment import enrol

    assert db.commune_code is not None and db.key is not None
    enrol(db, data_dir, hub.url, hub.enrol_code(db.commune_code))
    return device_token.token(data_dir, db.key)


@dataclass
class Wire:
    """Bodies sent and received by a requests session (compressed, as on the wire;
    HTTP headers not counted)."""

    up: int = 0
    down: int = 0
    requests: int = 0
    times: list[float] = field(default_factory=list)

    def hook(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        body = response.request.body
        self.up += len(body) if isinstance(body, (bytes, str)) else 0
        self.down += int(response.headers.get("content-length") or len(response.content))
        self.requests += 1
        self.times.append(response.elapsed.total_seconds())


def pending(db: Database) -> int:
    from cdsxa.security.access import SYSTEM
    from cdsxa.sync.synchronise import pending_count

    with db.reading(SYSTEM) as session:
        return pending_count(session)


# --- a 10,000-change sample of the large profile's kinds of records -------------------

# The records the sample starts from: people, each with what hangs from them.
_PERSON_CHILDREN = ("person_outcome", "vneid_step", "support_session",
                    "group_session_attendee")
_SESSION_CHILDREN = ("support_session_topic", "support_session_member")
# Small tables travel whole (a commune has a few dozen of each).
_WHOLE = ("commune_profile", "population_figure", "village", "team", "team_member",
          "training", "group_session", "group_session_trainer")


def _fill(session: Any, ids: set[str]) -> None:
    """The temporary table bench_ids holds these record ids (as the PC stores them:
    32 hex digits)."""
    from sqlalchemy import text

    session.execute(text("CREATE TEMP TABLE IF NOT EXISTS bench_ids (id TEXT PRIMARY KEY)"))
    session.execute(text("DELETE FROM bench_ids"))
    if ids:
        session.execute(text("INSERT INTO bench_ids VALUES (:id)"), [{"id": i} for i in ids])


def _hexes(session: Any, sql: str, **params: Any) -> set[str]:
    from sqlalchemy import text

    return {str(v) for v in session.scalars(text(sql), params) if v is not None}


def _closure(session: Any, people: int) -> dict[str, set[str]]:
    """Record ids per table: the small tables whole, `people` people (in id order:
    a random draw across villages) with the records hanging from them, and every
    record these name (households, villages, helpers), so the sample pushes with no
    reference to a record it lacks."""
    from cdsxa.sync import journal

    models = journal.models()
    chosen: dict[str, set[str]] = {t: set() for t in models}
    for table in _WHOLE:
        chosen[table] = _hexes(session, f"SELECT id FROM {table}")
    chosen["person"] = _hexes(session, "SELECT id FROM person ORDER BY id LIMIT :n", n=people)
    chosen["person"] |= _hexes(session, "SELECT person_id FROM team_member")

    def below(table: str, column: str, parents: set[str]) -> set[str]:
        _fill(session, parents)
        return _hexes(session, f"SELECT id FROM {table} WHERE {column} IN "
                               "(SELECT id FROM bench_ids)")

    for table in _PERSON_CHILDREN:
        chosen[table] |= below(table, "person_id", chosen["person"])
    for table in _SESSION_CHILDREN:
        chosen[table] |= below(table, "session_id", chosen["support_session"])
    # Upwards: whatever a chosen record names, until nothing is added.
    grew = True
    while grew:
        grew = False
        for table, ids in list(chosen.items()):
            for column in models[table].__table__.columns:  # type: ignore[attr-defined]
                for fk in column.foreign_keys:
                    parent = fk.column.table.name
                    if parent not in chosen or fk.column.name != "id" or not ids:
                        continue
                    _fill(session, ids)
                    new = _hexes(session, f"SELECT {column.name} FROM {table} WHERE id IN "
                                          "(SELECT id FROM bench_ids)") - chosen[parent]
                    if new:
                        chosen[parent] |= new
                        grew = True
    return chosen


def keep_sample(db: Database, changes: int = SAMPLE_CHANGES) -> dict[str, int]:
    """Leave pending, in this profile copy, exactly `changes` entries of the large
    profile's kinds (a closed sample: people with their households, sessions, topics,
    helpers, outcomes and VNeID steps, and the commune's villages, teams and classes),
    and the audit events of those entries; the rest is marked acknowledged and sent,
    as if an earlier sync had taken it. Returns the sample's entries per table."""
    from sqlalchemy import text

    from cdsxa.db.base import utcnow
    from cdsxa.security.access import SYSTEM

    with db.transaction(SYSTEM) as session:
        people = max(10, changes // 40)
        while True:
            chosen = _closure(session, people)
            entries = [(seq, entry, table) for seq, entry, table, record in session.execute(
                text("SELECT seq, id, table_name, record_id FROM change_log "
                     "WHERE acked_at IS NULL ORDER BY seq"))
                if record in chosen.get(table, ())]
            if len(entries) >= changes:
                break
            people = int(people * changes / max(len(entries), 1) * 1.05) + 20
        # A record is logged after the records it names, so cutting the tail of the
        # log keeps the sample closed.
        kept = entries[:changes]
        _fill(session, {entry for _seq, entry, _table in kept})
        now = utcnow().replace(tzinfo=None).isoformat(sep=" ")  # as UtcDateTime stores it
        session.execute(text(
            "UPDATE change_log SET acked_at = :now WHERE acked_at IS NULL AND "
            "id NOT IN (SELECT id FROM bench_ids)"), {"now": now})
        session.execute(text(
            "UPDATE audit_event SET sent_at = :now WHERE sent_at IS NULL AND "
            "(change_id IS NULL OR change_id NOT IN (SELECT id FROM bench_ids))"),
            {"now": now})
        session.execute(text("DROP TABLE bench_ids"))
        counts: dict[str, int] = {}
        for _seq, _entry, table in kept:
            counts[table] = counts.get(table, 0) + 1
    print(f"sample: {people} people drawn; {len(kept):,} entries pending: "
          + ", ".join(f"{t} {n:,}" for t, n in sorted(counts.items(), key=lambda kv: -kv[1])),
          flush=True)
    return counts
