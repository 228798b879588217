"""The hub's first schema: communes, enrolment codes, devices, admins, entries.

The commune code leads every key of the tables that grow with the communes
(cdsxa/hub/models.py, docs/hub.md).

Revision ID: 0001
Revises:
Create Date: 2026-12-03 19:25:52.269158
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cdsxa.db.base  # UtcDateTime

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Encoded clocks compare bytewise on PostgreSQL (cdsxa.hub.models.Clock).
CLOCK = sa.String(length=56).with_variant(sa.String(length=56, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table('hub_admin',
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_hub_admin'))
    )
    op.create_table('hub_commune',
    sa.Column('commune_code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('registered_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('commune_code', name=op.f('pk_hub_commune'))
    )
    with op.batch_alter_table('hub_commune', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_commune_province_code'), ['province_code'], unique=False)

    op.create_table('hub_device',
    sa.Column('commune_code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=True),
    sa.Column('protocol', sa.Integer(), nullable=False),
    sa.Column('enrolled_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('revoked_at', cdsxa.db.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['commune_code'], ['hub_commune.commune_code'], name=op.f('fk_hub_device_commune_code_hub_commune')),
    sa.PrimaryKeyConstraint('commune_code', 'device_id', name=op.f('pk_hub_device'))
    )
    op.create_table('hub_enrolment_code',
    sa.Column('commune_code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('expires_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('used_at', cdsxa.db.base.UtcDateTime(), nullable=True),
    sa.Column('used_by_device', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['commune_code'], ['hub_commune.commune_code'], name=op.f('fk_hub_enrolment_code_commune_code_hub_commune')),
    sa.PrimaryKeyConstraint('commune_code', 'code_hash', name=op.f('pk_hub_enrolment_code'))
    )
    op.create_table('hub_entry',
    sa.Column('commune_code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.Column('hlc', CLOCK, nullable=False),
    sa.Column('base_version', CLOCK, nullable=True),
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('op', sa.String(length=10), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('received_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commune_code', 'device_id'], ['hub_device.commune_code', 'hub_device.device_id'], name=op.f('fk_hub_entry_commune_code_hub_device')),
    sa.ForeignKeyConstraint(['commune_code'], ['hub_commune.commune_code'], name=op.f('fk_hub_entry_commune_code_hub_commune')),
    sa.PrimaryKeyConstraint('commune_code', 'entry_id', name=op.f('pk_hub_entry'))
    )
    with op.batch_alter_table('hub_entry', schema=None) as batch_op:
        batch_op.create_index('ix_hub_entry_record', ['commune_code', 'table_name', 'record_id'], unique=False)
        batch_op.create_index('ix_hub_entry_seq', ['commune_code', 'seq'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('hub_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_hub_entry_seq')
        batch_op.drop_index('ix_hub_entry_record')

    op.drop_table('hub_entry')
    op.drop_table('hub_enrolment_code')
    op.drop_table('hub_device')
    with op.batch_alter_table('hub_commune', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hub_commune_province_code'))

    op.drop_table('hub_commune')
    op.drop_table('hub_admin')
