"""Audit events travel: who did what at the communes, pseudonymised.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cdsxa.db.base  # UtcDateTime

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'hub_audit_event',
        sa.Column('commune_code', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('event_id', sa.Uuid(), nullable=False),
        sa.Column('device_id', sa.Uuid(), nullable=False),
        sa.Column('at', cdsxa.db.base.UtcDateTime(), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=30), nullable=False),
        sa.Column('object_table', sa.String(length=50), nullable=True),
        sa.Column('object_id', sa.Uuid(), nullable=True),
        sa.Column('change_id', sa.Uuid(), nullable=True),
        sa.Column('received_at', cdsxa.db.base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['commune_code'], ['hub_commune.commune_code'],
                                name=op.f('fk_hub_audit_event_commune_code_hub_commune')),
        sa.PrimaryKeyConstraint('commune_code', 'event_id', name=op.f('pk_hub_audit_event')))
    with op.batch_alter_table('hub_audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_hub_audit_event_at', ['commune_code', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('hub_audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_hub_audit_event_at')
    op.drop_table('hub_audit_event')
