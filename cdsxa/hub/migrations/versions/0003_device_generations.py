"""Re-basing: each device's sync generation, and the generation each entry came in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('hub_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('generation', sa.BigInteger(), nullable=False,
                                      server_default='0'))
        batch_op.create_index('ix_hub_entry_device',
                              ['commune_code', 'device_id', 'generation', 'seq'], unique=False)
    op.create_table(
        'hub_device_sync',
        sa.Column('commune_code', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('device_id', sa.Uuid(), nullable=False),
        sa.Column('generation', sa.BigInteger(), nullable=False),
        sa.Column('last_batch', sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(['commune_code', 'device_id'],
                                ['hub_device.commune_code', 'hub_device.device_id'],
                                name=op.f('fk_hub_device_sync_commune_code_hub_device')),
        sa.PrimaryKeyConstraint('commune_code', 'device_id', name=op.f('pk_hub_device_sync')))


def downgrade() -> None:
    op.drop_table('hub_device_sync')
    with op.batch_alter_table('hub_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_hub_entry_device')
        batch_op.drop_column('generation')
