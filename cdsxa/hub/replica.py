"""Each commune's records at the hub: a replica in the PC's own schema.

The hub applies what a commune's PCs push with the very code a PC uses
(cdsxa.sync.apply: the shared rules, the same checks, the same conflict records),
and counts with the very counting code (cdsxa.counting), so a replica of a commune
holds what its PCs hold and gives the same figures. A replica is:

- on the embedded SQLite hub, one file per commune beside the hub's own
  (`communes/<code>.sqlite3`);
- on PostgreSQL, one schema per commune (`commune_<code>`) in the hub's database:
  a national deployment distributes these schemas across nodes (Citus's
  schema-based sharding) with the commune code as the schema's name; docs/hub.md.

Both are made from the PC's models (`Base.metadata`), without the PC's search
index (the hub searches nothing) and without SQLCipher: the hub's disk is the
province's server, protected as a server is.

Every replica has a device id of its own (its `this_device` row): the merges the hub
finds are entries of that device, relayed to the commune's PCs like any other.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import sessionmaker

from cdsxa.common.actor import Actor
from cdsxa.db import changelog
from cdsxa.db.activity import Topic
from cdsxa.db.base import Base
from cdsxa.db.models import ThisDevice
from cdsxa.db.session import AppSession
from cdsxa.hub.database import make_engine
from cdsxa.security.access import SYSTEM
from cdsxa.support import topic_catalogue

REPLICA_FOLDER = "communes"


def schema_name(commune_code: int) -> str:
    return f"commune_{int(commune_code)}"


class Replica:
    """Sessions acting as the hub's system actor for one commune."""

    def __init__(self, engine: Engine, commune_code: int, device_id: uuid.UUID,
                 writer: Engine | None = None) -> None:
        self.engine = engine
        self.commune_code = commune_code
        self.device_id = device_id
        self.actor = Actor(SYSTEM, commune_code, device_id)
        self._reader = sessionmaker(engine, class_=AppSession, expire_on_commit=False)
        self._writer = sessionmaker(writer or engine, class_=AppSession,
                                    expire_on_commit=False)
        for factory in (self._reader, self._writer):
            changelog.install(factory)

    @contextmanager
    def transaction(self) -> Iterator[AppSession]:
        with self._writer(actor=self.actor, writes=True) as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[AppSession]:
        with self._reader(actor=self.actor) as session:
            yield session


class Replicas:
    """The replicas of every commune of one hub database, opened (and made) on demand."""

    def __init__(self, hub_url: str, hub_engine: Engine) -> None:
        url = make_url(hub_url)
        self.sqlite = url.get_backend_name() == "sqlite"
        self.folder = (Path(url.database or ".").resolve().parent / REPLICA_FOLDER
                       if self.sqlite else None)
        self.hub_engine = hub_engine
        # A pool of its own on PostgreSQL: a push holds a connection of the hub's pool
        # (the commune row's lock) while it writes the replica; sharing one pool, forty
        # pushes at once would each hold one and wait for a second forever.
        self.replica_engine = None if self.sqlite else make_engine(hub_url)
        self._open: dict[int, Replica] = {}
        self._lock = threading.Lock()
        self._closers: list[Engine] = []

    def get(self, commune_code: int) -> Replica:
        """The commune's replica; made empty on first use (under the caller's lock of
        the commune, so two pushes never make it twice)."""
        with self._lock:
            found = self._open.get(commune_code)
            if found is None:
                found = self._sqlite(commune_code) if self.sqlite else self._postgres(
                    commune_code)
                self._open[commune_code] = found
            return found

    def exists(self, commune_code: int) -> bool:
        if commune_code in self._open:
            return True
        if self.sqlite:
            assert self.folder is not None
            return (self.folder / f"{int(commune_code)}.sqlite3").exists()
        with (self.replica_engine or self.hub_engine).connect() as connection:
            return bool(connection.scalar(
                text("SELECT count(*) FROM information_schema.schemata WHERE schema_name = "
                     ":name"), {"name": schema_name(commune_code)}))

    def _sqlite(self, commune_code: int) -> Replica:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{int(commune_code)}.sqlite3"
        engine = make_engine(URL.create("sqlite+pysqlite", database=str(path))
                             .render_as_string())
        self._closers.append(engine)
        with engine.begin() as connection:  # one hub process makes it (BEGIN IMMEDIATE)
            _make_schema(connection)
        return Replica(engine, commune_code, _device(engine))

    def _postgres(self, commune_code: int) -> Replica:
        schema = schema_name(commune_code)
        assert self.replica_engine is not None
        engine = self.replica_engine.execution_options(schema_translate_map={None: schema})
        with engine.begin() as connection:
            # One maker at a time across hub processes too (the lock ends with the
            # transaction); the tables are made with the schema, in its transaction.
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                               {"k": 0x0CD5_0000 + int(commune_code)})
            made = connection.scalar(text(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name = :n"),
                {"n": schema})
            if not made:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            _make_schema(connection)
        return Replica(engine, commune_code, _device(engine))

    def close(self) -> None:
        for engine in self._closers:
            engine.dispose()
        if self.replica_engine is not None:
            self.replica_engine.dispose()
        self._open.clear()


def _make_schema(connection: Connection) -> None:
    """The PC's tables (Base.metadata: the models, as the counting tests' PostgreSQL
    copy makes them), the replica's device and the topics every profile starts with,
    once."""
    Base.metadata.create_all(connection)
    if connection.scalar(select(ThisDevice.id)) is None:
        connection.execute(insert(ThisDevice), {"id": uuid.uuid4(), "clock": 0})
        connection.execute(insert(Topic), topic_catalogue.rows())


def _device(engine: Engine) -> uuid.UUID:
    with engine.connect() as connection:
        device: uuid.UUID | None = connection.scalar(select(ThisDevice.id))
    if device is None:
        raise RuntimeError("a replica without its device row")
    return device
