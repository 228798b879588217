"""Opening the encrypted SQLite file: key, pragmas, transactions and sessions."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

import cdsxa.db.changelog  # noqa: F401  (registers the change-log hook on every Session)
from cdsxa.db.changelog import ACTOR_KEY, COMMUNE_KEY
from cdsxa.security.access import PRINCIPAL_KEY, NotSignedInError, Principal
from cdsxa.security.keys import DataKey

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


def _on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(db_path: Path, key: DataKey | None) -> Engine:
    # The pysqlite dialect speaks to sqlcipher3 unchanged (same DB-API, same SQLite).
    # hide_parameters: a database error's text reaches the plain log file and the
    # screen; it must not carry the names, ID numbers and phones being written.
    engine = create_engine(f"sqlite+pysqlite:///{db_path}", module=sqlcipher,
                           creator=lambda: connect(db_path, key), hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


class Database:
    """An open profile database: the engine, who is acting, and a way to make sessions.

    `principal` is whoever is signed in (or the command line holding the key);
    every session carries it, and the services check it (cdsxa.security.access).
    """

    # key None only opens a plain file from before encryption (for `cdsxa check`).
    def __init__(self, db_path: Path, key: DataKey | None, commune_code: int | None = None,
                 principal: Principal | None = None) -> None:
        self.path = db_path
        self.key = key
        self.engine = make_engine(db_path, key)
        self.commune_code = commune_code
        self.principal = principal
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _acting(self, principal: Principal | None) -> Principal:
        acting = principal or self.principal
        if acting is None:
            raise NotSignedInError("Chưa đăng nhập.")
        return acting

    @contextmanager
    def transaction(self, principal: Principal | None = None) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back on error."""
        acting = self._acting(principal)
        with self._sessions() as session:
            session.info[PRINCIPAL_KEY] = acting
            session.info[ACTOR_KEY] = acting.name
            session.info[COMMUNE_KEY] = self.commune_code
            with session.begin():
                yield session

    @contextmanager
    def reading(self, principal: Principal | None = None) -> Iterator[Session]:
        """A session for queries; nothing is committed, and objects read stay usable."""
        acting = self._acting(principal)
        with self._sessions() as session:
            session.info[PRINCIPAL_KEY] = acting
            session.info[COMMUNE_KEY] = self.commune_code
            yield session
            # Leaving the block closes the session: its transaction is rolled back, but
            # unlike rollback() the objects read are not expired.

    def close(self) -> None:
        # SQLite's advice: let it refresh the planner's statistics when a connection
        # closes, so query plans do not hinge on the order indexes were created in.
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA optimize")
        except Exception:  # a damaged or locked file must still close
            pass
        self.engine.dispose()
