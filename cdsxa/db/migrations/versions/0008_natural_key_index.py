"""The person's natural key indexed among all records: a received person is checked
for a duplicate (same ID number, deleted records too) by one look-up, not a scan of
the commune's people (32 ms per person on the large profile).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 20:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# In place (CREATE INDEX), never a batch copy of the table: person has the search
# index's triggers.
def upgrade() -> None:
    op.create_index('ix_person_id_number', 'person', ['id_number', 'commune_code'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_person_id_number', table_name='person')
