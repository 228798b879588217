"""Opening the SQLite file: pragmas, transactions and sessions."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

import cdsxa.db.changelog  # noqa: F401  (registers the change-log hook on every Session)
from cdsxa.db.changelog import ACTOR_KEY, COMMUNE_KEY


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide where transactions begin (so DDL in
    # migrations is transactional too); see the SQLAlchemy pysqlite notes.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: offices lose power; an acknowledged save must survive that, not only a crash.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    # 32 MB of page cache (default 2 MB): a large commune's indexes stay in memory.
    cursor.execute("PRAGMA cache_size = -32768")
    cursor.close()


def _on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(db_path: Path) -> Engine:
    engine = create_engine(f"sqlite+pysqlite:///{db_path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


class Database:
    """An open profile database: the engine and a way to make sessions."""

    def __init__(self, db_path: Path, commune_code: int | None = None) -> None:
        self.path = db_path
        self.engine = make_engine(db_path)
        self.commune_code = commune_code
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self, actor: str) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back on error."""
        with self._sessions() as session:
            session.info[ACTOR_KEY] = actor
            session.info[COMMUNE_KEY] = self.commune_code
            with session.begin():
                yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries; nothing is committed, and objects read stay usable."""
        with self._sessions() as session:
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
