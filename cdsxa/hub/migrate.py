"""The hub's schema migrations (Alembic, shipped in the package), run programmatically.

Like the PC's (cdsxa/db/migrate.py): a database at head is left alone, a database
from a newer hub is refused, and a migration runs in one transaction (PostgreSQL and
SQLite both have transactional DDL), so a failure leaves the schema as it was.
"""

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from cdsxa.common.errors import UserError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Its own name: a hub's database says it is one, and never mistakes the PC's table.
VERSION_TABLE = "hub_alembic_version"


class HubSchemaError(UserError):
    """The database is a newer hub's, or not a hub's at all, or a migration failed."""


def alembic_config(connection: Connection | None = None) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the hub ships no migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    if VERSION_TABLE not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return any(r.revision == revision for r in script.walk_revisions())


def upgrade(engine: Engine) -> bool:
    """Bring the schema to head; False when it already was (nothing is touched)."""
    current = current_revision(engine)
    if current == head_revision():
        return False
    if current is None:
        ours = {t for t in inspect(engine).get_table_names()
                if t.startswith("hub_") and t != VERSION_TABLE}
        if ours:
            raise HubSchemaError(
                "Cơ sở dữ liệu này có bảng của máy chủ tỉnh nhưng không có thông tin phiên bản "
                "lược đồ; không nâng cấp. Hãy kiểm tra lại địa chỉ cơ sở dữ liệu.")
    elif not _known(current):
        raise HubSchemaError(
            f"Cơ sở dữ liệu được tạo bởi một phiên bản máy chủ tỉnh mới hơn (lược đồ "
            f"{current}). Hãy cài phiên bản mới nhất của cdsxa-hub; dữ liệu không bị thay đổi.")
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
    except DBAPIError as exc:
        log.exception("hub migration from %s failed", current)
        raise HubSchemaError(
            f"Không nâng cấp được lược đồ của máy chủ tỉnh ({type(exc.orig).__name__}). "
            "Lược đồ vẫn như cũ; chi tiết trong nhật ký.") from exc
    log.info("hub schema migrated from %s to %s", current, head_revision())
    return True


def downgrade(engine: Engine, revision: str) -> None:
    """For tests and support only."""
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)
