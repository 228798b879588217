"""Schema migrations at start-up, the backup before them, and `cdsxa check`."""

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError

from cdsxa.common.errors import UserError
from cdsxa.db.engine import integrity_check

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# The newest revision this app ships. Knowing it without Alembic keeps Alembic
# (a quarter of a second of imports) out of every start where nothing is due.
# tests/test_migrations.py fails when a new revision is added without updating it.
SCHEMA_HEAD = "0008"  # 0008_natural_key_index chains on 0007_counting_copies: keep it the head


class NewerDatabaseError(UserError):
    """The database was written by a newer app; we never migrate downward."""


class ForeignDatabaseError(UserError):
    """The file is a SQLite database, but not one of ours."""


class MigrationFailedError(UserError):
    """A migration failed and was rolled back; the data is as it was."""


def alembic_config(connection: Connection | None = None) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def script_head() -> str:
    """The head as Alembic sees it in the shipped migrations (slow: loads Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def head_revision() -> str:
    return SCHEMA_HEAD


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:  # no such table: a new, empty file
            return None


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return any(r.revision == revision for r in script.walk_revisions())


def backup_copy(engine: Engine, target_dir: Path, reason: str) -> Path:
    """A consistent copy, encrypted with the same key (VACUUM INTO under SQLCipher)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = target_dir / f"cdsxa-{stamp}-{reason}.sqlite3"
    vacuum_into(engine, target)
    return target


def vacuum_into(engine: Engine, target: Path) -> None:
    """A compact, consistent copy of the open database, encrypted with its key."""
    # VACUUM cannot run in a transaction; the driver connection is in autocommit
    # mode (engine._on_connect) when SQLAlchemy has not begun one.
    connection = engine.raw_connection()
    try:
        connection.driver_connection.execute("VACUUM INTO ?", (str(target),))  # type: ignore[union-attr]
    finally:
        connection.close()


def _refuse_unusable(engine: Engine, current: str | None) -> None:
    if current == head_revision():
        return
    if current is None:
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        if tables:
            raise ForeignDatabaseError(
                "Tệp dữ liệu này không phải của CĐS Xã (không có thông tin phiên bản). "
                "Hãy chọn thư mục dữ liệu khác."
            )
    elif not _known(current):
        raise NewerDatabaseError(
            f"Dữ liệu này được tạo bởi một phiên bản CĐS Xã mới hơn (lược đồ {current}). "
            "Hãy cài phiên bản mới nhất của ứng dụng; dữ liệu không bị thay đổi."
        )


def upgrade(engine: Engine, backup_dir: Path) -> Path | None:
    """Bring the schema to head; returns the backup taken first, if any."""
    current = current_revision(engine)
    _refuse_unusable(engine, current)
    if current == head_revision():
        return None
    backup = None
    if current is not None:
        backup = backup_copy(engine, backup_dir, f"before-{current}")
        log.info("backed up to %s before migrating from %s", backup, current)
    try:
        _run_alembic(engine, "upgrade", "head")
    except Exception as exc:
        log.exception("migration from %s failed", current)
        raise MigrationFailedError(
            f"Không nâng cấp được dữ liệu lên phiên bản mới ({type(exc).__name__}: {exc}). "
            f"Dữ liệu chưa bị thay đổi; bản sao lưu: {backup}."
        ) from exc
    return backup


def _run_alembic(engine: Engine, direction: str, revision: str) -> None:
    """Run migrations in one transaction with foreign keys off, as SQLite's table
    rebuild procedure requires, and check the keys before committing."""
    from alembic import command

    with engine.connect() as connection:
        # The pragma is ignored inside a transaction, so it goes straight to the
        # driver (in autocommit mode, see engine._on_connect) before SQLAlchemy begins.
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                getattr(command, direction)(alembic_config(connection), revision)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def downgrade(engine: Engine, revision: str) -> None:
    """For tests and support only: the app itself never migrates downward."""
    _run_alembic(engine, "downgrade", revision)


@dataclass(frozen=True)
class CheckReport:
    integrity: list[str]
    revision: str | None
    head: str

    @property
    def integrity_ok(self) -> bool:
        return self.integrity == ["ok"]

    @property
    def at_head(self) -> bool:
        return self.revision == self.head

    @property
    def ok(self) -> bool:
        return self.integrity_ok and self.at_head


def check(engine: Engine) -> CheckReport:
    try:
        with engine.connect() as connection:
            rows = integrity_check(connection.exec_driver_sql)
        revision = current_revision(engine)
    except DatabaseError as exc:  # too damaged even to be checked
        return CheckReport([str(exc.orig)], None, head_revision())
    return CheckReport([str(r) for r in rows], revision, head_revision())
