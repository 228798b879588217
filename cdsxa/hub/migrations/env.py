"""Alembic environment of the hub: always run on a connection handed in by cdsxa.hub.migrate."""

from alembic import context

from cdsxa.hub.migrate import VERSION_TABLE
from cdsxa.hub.models import HubBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=HubBase.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
