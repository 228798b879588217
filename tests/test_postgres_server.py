"""The test PostgreSQL server (tests/postgres.py) works, and what a partial index is there.

The counting code will run against PostgreSQL at a province hub. The models' live-row
indexes ("unique among rows not deleted") must be partial on PostgreSQL too.
"""

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    text,
)
from sqlalchemy.exc import IntegrityError


def village_table(**where: object) -> Table:
    metadata = MetaData()
    table = Table("village", metadata,
                  Column("id", Integer, primary_key=True),
                  Column("name_key", String(100), nullable=False),
                  Column("deleted", Boolean, nullable=False, default=False))
    Index("uq_village_live_name", table.c.name_key, unique=True, **where)  # type: ignore[arg-type]
    return table


def test_the_server_answers_over_its_socket(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            assert connection.dialect.name == "postgresql"
            assert connection.execute(text("SELECT current_database()")).scalar() == "cdsxa_test"
            # Unix socket only: no TCP address.
            assert connection.execute(text("SELECT inet_server_addr()")).scalar() is None
            assert connection.execute(text("SHOW fsync")).scalar() == "off"
    finally:
        engine.dispose()


def test_a_partial_unique_index_is_partial_on_postgresql(postgres_db: str) -> None:
    # As the models write it for SQLite, plus the same condition for PostgreSQL
    # (`deleted = 0` there would compare a boolean with an integer: an error).
    table = village_table(sqlite_where=text("deleted = 0"), postgresql_where=text("NOT deleted"))
    engine = create_engine(postgres_db)
    try:
        table.metadata.create_all(engine)
        with engine.begin() as connection:
            definition = connection.execute(text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_village_live_name'"
            )).scalar()
            assert definition is not None and " WHERE " in definition, definition
            # The same name twice, one of them deleted: accepted.
            connection.execute(insert(table), [{"name_key": "ban hang", "deleted": True},
                                               {"name_key": "ban hang", "deleted": False}])
        # A second live one: refused.
        with (pytest.raises(IntegrityError, match="uq_village_live_name"),
              engine.begin() as connection):
            connection.execute(insert(table), {"name_key": "ban hang", "deleted": False})
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM village")).scalar() == 2
    finally:
        engine.dispose()


def test_sqlite_where_alone_makes_a_full_unique_index_on_postgresql(postgres_db: str) -> None:
    """The trap: `sqlite_where` is ignored by PostgreSQL's dialect, silently."""
    table = village_table(sqlite_where=text("deleted = 0"))
    engine = create_engine(postgres_db)
    try:
        table.metadata.create_all(engine)
        with (pytest.raises(IntegrityError, match="uq_village_live_name"),
              engine.begin() as connection):
            connection.execute(insert(table), [{"name_key": "ban hang", "deleted": True},
                                               {"name_key": "ban hang", "deleted": False}])
    finally:
        engine.dispose()
