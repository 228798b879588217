"""The hub's database: an embedded SQLite file for a trial, PostgreSQL (psycopg 3) in
production. One engine per process; sessions per request."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from cdsxa.common.errors import UserError

SQLITE_FILE = "cdsxa-hub.sqlite3"
# A database that does not answer makes /health say so within seconds, not minutes.
CONNECT_TIMEOUT_S = 5


def sqlite_url(data_dir: Path) -> str:
    return URL.create("sqlite+pysqlite", database=str(data_dir / SQLITE_FILE)).render_as_string()


def database_url(database: str | None, data_dir: Path) -> str:
    """The SQLAlchemy URL of --database: a `postgresql://` URL runs on psycopg 3; none is
    the embedded SQLite file in the data folder."""
    if not database:
        return sqlite_url(data_dir)
    try:
        url = make_url(database)
    except ArgumentError:
        raise UserError(f"Địa chỉ cơ sở dữ liệu không hợp lệ: {_hidden(database)}") from None
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if url.drivername.startswith("sqlite"):
        return url.render_as_string(hide_password=False)
    raise UserError("Máy chủ tỉnh chạy trên PostgreSQL (postgresql://…) hoặc SQLite; không "
                    f"dùng được “{url.drivername}”.")


def _hidden(database: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(database).render_as_string(hide_password=True)
    except ArgumentError:
        return "(không đọc được)"


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy, not the driver, begins transactions (so migrations' DDL is
    # transactional too): the pysqlite recipe, as cdsxa.db.engine does.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    # A batch of 2,000 entries takes seconds: a second hub process on the same file
    # waits its turn rather than failing.
    cursor.execute("PRAGMA busy_timeout = 60000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A write lock at BEGIN: uvicorn's worker threads take turns instead of failing
    # with SQLITE_BUSY when a read transaction turns into a write.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # hide_parameters: errors reach the log; they must not carry what was written.
    # As many connections as uvicorn runs requests at once (its thread pool: 40).
    return create_engine(url, hide_parameters=True, pool_pre_ping=True, pool_size=20,
                         max_overflow=20, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})


class HubDatabase:
    """The engine and its sessions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def reachable(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        self.engine.dispose()
