"""Alembic environment: always run on a connection handed in by cdsxa.db.migrate."""

from alembic import context

from cdsxa.db.models import Base

# Full-text search tables are made by hand in migrations (SQLite virtual tables);
# autogenerate must not propose to drop them.
FTS_PREFIX = "person_fts"


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(FTS_PREFIX))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    include_name=include_name,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
