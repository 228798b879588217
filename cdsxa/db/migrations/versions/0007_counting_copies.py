"""counting copies: a session's date, village and liveness on its topic and helper rows

- support_session_topic and support_session_member gain session_held_on,
  session_village_id and session_deleted, filled from their session
  (cdsxa.db.copies keeps them from then on);
- their counting indexes lead with the commune and the copies, so a year's
  sessions per topic or per helper is one index range count each, with no session
  looked up per row (cdsxa.counting.breakdowns);
- support_session gains ix_support_session_village_counting: sessions per village
  in a date range, the same way;
- household gains ix_household_counting: households with fibre from the index alone.

Columns are added in place (ALTER TABLE ... ADD COLUMN), as in 0005 and 0006.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = {"support_session_topic": "topic_code", "support_session_member": "member_id"}
COPIES = ("session_held_on", "session_village_id", "session_deleted")


def upgrade() -> None:
    for table, item in LINKS.items():
        op.drop_index(f"ix_{table}_counting", table_name=table)
        op.add_column(table, sa.Column("session_held_on", sa.Date(), nullable=True))
        op.add_column(table, sa.Column("session_village_id", sa.Uuid(), nullable=True))
        op.add_column(table, sa.Column("session_deleted", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
        # Row values: one look-up of the session per row (SQLite 3.15+, PostgreSQL).
        op.execute(f"UPDATE {table} SET ({', '.join(COPIES)}) = "
                   f"(SELECT s.held_on, s.village_id, s.deleted FROM support_session s "
                   f"WHERE s.id = {table}.session_id)")
        op.create_index(f"ix_{table}_counting", table,
                        ["commune_code", "deleted", "session_deleted", item, "session_held_on",
                         "session_village_id"])
    op.create_index("ix_support_session_village_counting", "support_session",
                    ["commune_code", "deleted", "village_id", "held_on"])
    op.create_index("ix_household_counting", "household",
                    ["commune_code", "deleted", "village_id", "has_fibre", "fibre_since",
                     "created_at"])


def downgrade() -> None:
    op.drop_index("ix_household_counting", table_name="household")
    op.drop_index("ix_support_session_village_counting", table_name="support_session")
    for table, item in LINKS.items():
        op.drop_index(f"ix_{table}_counting", table_name=table)
        for column in reversed(COPIES):
            op.drop_column(table, column)
        op.create_index(f"ix_{table}_counting", table, [item, "deleted", "session_id"])
