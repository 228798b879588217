"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 04:42:26.788045
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cdsxa.db.base

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('full_name', sa.String(length=150), nullable=False),
    sa.Column('position', sa.String(length=150), nullable=True),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user'))
    )
    op.create_table('change_log',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('table_name', sa.String(length=50), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('op', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('changed_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('acked_at', cdsxa.db.base.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_change_log')),
    sa.UniqueConstraint('id', name=op.f('uq_change_log_id'))
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index('ix_change_log_pending', ['seq'], unique=False, sqlite_where=sa.text('acked_at IS NULL'))
        batch_op.create_index('ix_change_log_record', ['table_name', 'record_id'], unique=False)

    op.create_table('commune_profile',
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('province_name', sa.String(length=100), nullable=False),
    sa.Column('commune_name', sa.String(length=100), nullable=False),
    sa.Column('issuing_body', sa.String(length=200), nullable=False),
    sa.Column('receiving_body', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commune_profile'))
    )
    with op.batch_alter_table('commune_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commune_profile_commune_code'), ['commune_code'], unique=False)

    op.create_table('population_figure',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('residents', sa.Integer(), nullable=True),
    sa.Column('adults', sa.Integer(), nullable=True),
    sa.Column('aged_15_plus', sa.Integer(), nullable=True),
    sa.Column('working_age', sa.Integer(), nullable=True),
    sa.Column('households', sa.Integer(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_population_figure_year_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_population_figure'))
    )
    with op.batch_alter_table('population_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_population_figure_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index('uq_population_figure_live_year', ['commune_code', 'year'], unique=True, sqlite_where=sa.text('deleted = 0'))

    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('village',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_key', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('merged_into_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['village.id'], name=op.f('fk_village_merged_into_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village'))
    )
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index('uq_village_live_name', ['commune_code', 'name_key'], unique=True, sqlite_where=sa.text('deleted = 0'))

    op.create_table('household',
    sa.Column('village_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_household_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index('ix_household_village_live', ['village_id', 'deleted'], unique=False)

    op.create_table('person',
    sa.Column('full_name', sa.String(length=150), nullable=False),
    sa.Column('name_key', sa.String(length=150), nullable=False),
    sa.Column('gender', sa.String(length=10), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('ethnicity', sa.String(length=50), nullable=True),
    sa.Column('id_number', sa.String(length=12), nullable=True),
    sa.Column('phone', sa.String(length=10), nullable=True),
    sa.Column('village_id', sa.Uuid(), nullable=False),
    sa.Column('household_id', sa.Uuid(), nullable=True),
    sa.Column('relation_to_head', sa.String(length=50), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.CheckConstraint("gender IN ('male', 'female')", name=op.f('ck_person_gender_known')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_person_household_id_household')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_person_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_phone'), ['phone'], unique=False)
        batch_op.create_index('ix_person_village_live', ['village_id', 'deleted'], unique=False)
        batch_op.create_index('uq_person_live_id_number', ['id_number'], unique=True, sqlite_where=sa.text('id_number IS NOT NULL AND deleted = 0'))



def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('uq_person_live_id_number', sqlite_where=sa.text('id_number IS NOT NULL AND deleted = 0'))
        batch_op.drop_index('ix_person_village_live')
        batch_op.drop_index(batch_op.f('ix_person_phone'))
        batch_op.drop_index(batch_op.f('ix_person_name_key'))
        batch_op.drop_index(batch_op.f('ix_person_household_id'))
        batch_op.drop_index(batch_op.f('ix_person_commune_code'))

    op.drop_table('person')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_village_live')
        batch_op.drop_index(batch_op.f('ix_household_commune_code'))

    op.drop_table('household')
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_index('uq_village_live_name', sqlite_where=sa.text('deleted = 0'))
        batch_op.drop_index(batch_op.f('ix_village_commune_code'))

    op.drop_table('village')
    op.drop_table('setting')
    with op.batch_alter_table('population_figure', schema=None) as batch_op:
        batch_op.drop_index('uq_population_figure_live_year', sqlite_where=sa.text('deleted = 0'))
        batch_op.drop_index(batch_op.f('ix_population_figure_commune_code'))

    op.drop_table('population_figure')
    with op.batch_alter_table('commune_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commune_profile_commune_code'))

    op.drop_table('commune_profile')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_record')
        batch_op.drop_index('ix_change_log_pending', sqlite_where=sa.text('acked_at IS NULL'))

    op.drop_table('change_log')
    op.drop_table('app_user')
