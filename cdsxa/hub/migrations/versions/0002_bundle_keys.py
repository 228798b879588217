"""Sync by file: each device's signing key, and the hub's key pairs of each commune.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cdsxa.db.base  # UtcDateTime

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('hub_device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sign_key', sa.String(length=44), nullable=True))

    op.create_table(
        'hub_commune_key',
        sa.Column('commune_code', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('box_private', sa.String(length=44), nullable=False),
        sa.Column('box_public', sa.String(length=44), nullable=False),
        sa.Column('sign_private', sa.String(length=44), nullable=False),
        sa.Column('sign_public', sa.String(length=44), nullable=False),
        sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['commune_code'], ['hub_commune.commune_code'],
                                name=op.f('fk_hub_commune_key_commune_code_hub_commune')),
        sa.PrimaryKeyConstraint('commune_code', name=op.f('pk_hub_commune_key')))


def downgrade() -> None:
    op.drop_table('hub_commune_key')
    with op.batch_alter_table('hub_device', schema=None) as batch_op:
        batch_op.drop_column('sign_key')
