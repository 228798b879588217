"""Opening the encrypted SQLite file: key, pragmas, transactions and sessions."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from cdsxa.common import disk_space
from cdsxa.common.actor import Actor
from cdsxa.common.principal import Principal
from cdsxa.db import changelog
from cdsxa.db.key import DataKey
from cdsxa.db.models import ThisDevice
from cdsxa.db.session import AppSession

PLAIN_HEADER = b"SQLite format 3\x00"


def is_plain_sqlite(db_path: Path) -> bool:
    """An unencrypted SQLite file (a profile from before encryption, or not ours)."""
    try:
        with open(db_path, "rb") as handle:
            return handle.read(16) == PLAIN_HEADER
    except OSError:
        return False


def connect(db_path: Path, key: DataKey | None) -> Any:
    """A DB-API connection to the file, keyed first: nothing may touch it before the key.

    key None opens a plain (unencrypted) SQLite file, only to encrypt it.
    """
    connection = sqlcipher.connect(str(db_path), check_same_thread=False)
    # SQLCipher would print its own errors to stderr next to ours (a wrong key, a
    # damaged page); our messages say it in Vietnamese and the log keeps the details.
    connection.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        connection.execute(key.sqlcipher_pragma())
    # Zero deleted content, so an erased person leaves nothing in free pages.
    connection.execute("PRAGMA secure_delete = ON")
    return connection


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide where transactions begin (so DDL in
    # migrations is transactional too); see the SQLAlchemy pysqlite notes.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: offices lose power; an acknowledged save must survive that, not only a crash.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    # 128 MB of page cache (default 2 MB, allocated as used). Under SQLCipher every
    # cache miss is a decryption: a large commune's counting indexes (~100 MB) must
    # stay in memory (bench/indicators.py: commune 954 -> 769 ms, village 163 -> 42 ms).
    cursor.execute("PRAGMA cache_size = -131072")
    cursor.close()


# The page cache an integrity check gets, in KiB (256 MB), never more than the file.
CHECK_CACHE_KIB = 262144


def integrity_check(execute: Callable[[str], Any]) -> list[str]:
    """PRAGMA integrity_check's lines (["ok"] when sound), with a large page cache.

    execute runs one statement and returns its rows: a DB-API connection's `execute`
    or an SQLAlchemy connection's `exec_driver_sql`. The check looks up every index
    entry in its table; in SQLite's 2 MB default cache each look-up is a page read and
    decryption (bench/backup.py: a large commune's restore spent most of its time here).
    """
    page_size, pages = (int(execute(f"PRAGMA {name}").fetchone()[0])
                        for name in ("page_size", "page_count"))
    previous = int(execute("PRAGMA cache_size").fetchone()[0])  # KiB if < 0, else pages
    had = -previous if previous < 0 else previous * page_size // 1024
    wanted = max(had, min(CHECK_CACHE_KIB, page_size * pages // 1024 + 1))
    execute(f"PRAGMA cache_size = -{wanted}")
    try:
        return [str(row[0]) for row in execute("PRAGMA integrity_check")]
    finally:
        execute(f"PRAGMA cache_size = {previous}")  # the connection's memory as it was


def _on_begin(connection: Any) -> None:
    # Writers take the write lock at BEGIN: a transaction that read and then writes
    # would otherwise fail at once (SQLITE_BUSY_SNAPSHOT) when another process wrote
    # in between, instead of waiting its turn.
    immediate = connection.get_execution_options().get("writer", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(db_path: Path, key: DataKey | None) -> Engine:
    # The pysqlite dialect speaks to sqlcipher3 unchanged (same DB-API, same SQLite).
    # hide_parameters: a database error's text reaches the plain log file and the
    # screen; it must not carry the names, ID numbers and phones being written.
    engine = create_engine(f"sqlite+pysqlite:///{db_path}", module=sqlcipher,
                           creator=lambda: connect(db_path, key), hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


_CHANGES_AT_BEGIN = "cdsxa.changes_at_begin"


def _note_changes(session: Any, _transaction: Any, connection: Any) -> None:
    # SQLite's count of rows changed (triggers included, bulk statements too), to tell
    # how much room a transaction that met a full disk needed.
    raw = connection.connection.dbapi_connection
    session.info[_CHANGES_AT_BEGIN] = (raw, raw.total_changes)


def _rows_written(session: AppSession) -> int:
    raw, before = session.info.get(_CHANGES_AT_BEGIN, (None, 0))
    try:
        return int(raw.total_changes) - before if raw is not None else 0
    except sqlcipher.Error:  # the connection is gone: only the margin is told
        return 0


class Database:
    """An open profile database: the engine, its commune and device, and sessions.

    Every session acts as one `Actor`, given to `transaction` or `reading` (a
    Principal is accepted and acts for this database's commune and device). The
    database object itself holds no notion of who is signed in.
    """

    # key None only opens a plain file from before encryption (for `cdsxa check`).
    def __init__(self, db_path: Path, key: DataKey | None,
                 commune_code: int | None = None) -> None:
        self.path = db_path
        self.key = key
        self.engine = make_engine(db_path, key)
        self.commune_code = commune_code
        self.device_id: uuid.UUID | None = None
        self._reader = sessionmaker(self.engine, class_=AppSession, expire_on_commit=False)
        self._writer = sessionmaker(self.engine.execution_options(writer=True),
                                    class_=AppSession, expire_on_commit=False)
        for factory in (self._reader, self._writer):
            changelog.install(factory)
        event.listen(self._writer, "after_begin", _note_changes)
        # Hooks of the layer that opened the file (cdsxa.profile.storage): checks run
        # before every commit (one that raises aborts it; the transaction rolls back),
        # and what to let go of at close. This layer knows nothing of what they do.
        self.commit_checks: list[Callable[[], None]] = []
        self.on_close: list[Callable[[], None]] = []
        event.listen(self.engine, "commit", self._check_commit)

    def _check_commit(self, _connection: Any) -> None:
        for check in self.commit_checks:
            check()

    def load_device(self) -> uuid.UUID:
        """This PC's device id, made with the profile (or by the migration of an old one)."""
        with self.engine.connect() as connection:
            device: uuid.UUID | None = connection.scalar(select(ThisDevice.id))
        if device is None:
            raise RuntimeError("this database has no device row")
        self.device_id = device
        return device

    def actor(self, principal: Principal) -> Actor:
        """`principal` acting on this database's commune from this device."""
        if self.device_id is None:
            try:
                self.load_device()
            except (OperationalError, RuntimeError):  # not migrated yet: it cannot write
                pass
        return Actor(principal, self.commune_code, self.device_id)

    def _acting(self, acting: Actor | Principal) -> Actor:
        if isinstance(acting, Actor):
            return acting
        if isinstance(acting, Principal):
            return self.actor(acting)
        raise TypeError(f"a session needs an Actor, not {type(acting).__name__}")

    @contextmanager
    def transaction(self, acting: Actor | Principal) -> Iterator[AppSession]:
        """A session that commits when the block ends and rolls back on error.

        A full disk comes out as DiskFull (rolled back, nothing lost), with the room
        its rows would need: a few MB for a save, more for a large import."""
        session = self._writer(actor=self._acting(acting), writes=True)
        pending = 0  # what a flush that failed still had to write
        with disk_space.reported(disk_space.NOT_SAVED, lambda: self.path.parent,
                                 lambda: disk_space.rows_need(_rows_written(session) + pending)):
            with session, session.begin():
                try:
                    yield session
                except Exception:
                    pending = len(session.new) + len(session.dirty) + len(session.deleted)
                    raise

    @contextmanager
    def reading(self, acting: Actor | Principal) -> Iterator[AppSession]:
        """A session for queries; nothing is committed, and objects read stay usable."""
        with self._reader(actor=self._acting(acting)) as session:
            yield session
            # Leaving the block closes the session: its transaction is rolled back, but
            # unlike rollback() the objects read are not expired.

    def close(self) -> None:
        # SQLite's advice: let it refresh the planner's statistics when a connection
        # closes, so query plans do not hinge on the order indexes were created in.
        # In autocommit on the driver's connection: inside SQLAlchemy's transaction the
        # statistics were rolled back, so every close analysed the tables again
        # (bench/close.py: 0.8 s and 100 MB more at each close of a large commune).
        try:
            with self.engine.connect() as connection:
                raw = connection.connection.dbapi_connection
                if raw is not None:
                    raw.execute("PRAGMA optimize")
        except Exception:  # a damaged or locked file must still close
            pass
        self.engine.dispose()
        for let_go in self.on_close:
            let_go()
