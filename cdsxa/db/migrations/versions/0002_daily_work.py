"""daily work: outcomes, VNeID, teams, topic catalogue, support sessions, person search

The person search index is an FTS5 table over person's folded name, ID number
and phone, kept in step by triggers. It refers to person rows by rowid: a later
migration that rebuilds the person table must end with rebuild_person_search().

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:10:44.768974
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cdsxa.db.base

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TOPICS = [
    # code, Vietnamese name, English name, category, outcome reached
    ("dvc_skills", "Sử dụng dịch vụ công trực tuyến", "Using online public services", "basic_skill", None),
    ("online_shopping", "Mua sắm trực tuyến", "Online shopping", "basic_skill", None),
    ("online_payment", "Thanh toán trực tuyến", "Online payment", "basic_skill", None),
    ("self_protection", "Tự bảo vệ mình trên không gian mạng", "Protecting oneself online", "basic_skill", None),
    ("digital_skills", "Hoàn thành kỹ năng số cơ bản", "Basic digital skills completed", "basic_skill", "digital_skills"),
    ("sector_agriculture", "Nền tảng số ngành nông nghiệp", "Agriculture platforms", "sector", None),
    ("sector_tourism", "Nền tảng số ngành du lịch", "Tourism platforms", "sector", None),
    ("sector_health", "Nền tảng số ngành y tế", "Health platforms", "sector", None),
    ("sector_education", "Nền tảng số ngành giáo dục", "Education platforms", "sector", None),
    ("sector_culture", "Nền tảng số ngành văn hóa", "Culture platforms", "sector", None),
    ("vneid_install", "Cài đặt ứng dụng VNeID", "Installing VNeID", "vneid", "vneid_guided"),
    ("vneid_register", "Đăng ký tài khoản VNeID", "Registering a VNeID account", "vneid", "vneid_registered"),
    ("vneid_activate", "Kích hoạt tài khoản VNeID", "Activating a VNeID account", "vneid", "vneid_activated"),
    ("dvc_account", "Tạo tài khoản dịch vụ công trực tuyến", "Online public-service account", "service", "dvc_account"),
    ("payment_account", "Mở tài khoản thanh toán / ví điện tử", "Payment account or e-wallet", "service", "payment_account"),
    ("digital_signature", "Đăng ký chữ ký số", "Digital signature", "service", "digital_signature"),
    ("protection_software", "Cài phần mềm bảo vệ cơ bản", "Basic protection software", "service", "protection_software"),
    ("health_record", "Sổ sức khỏe điện tử", "Electronic health record", "service", None),
    ("selling_online", "Bán hàng trực tuyến", "Selling online", "service", None),
    ("fraud_awareness", "Nhận biết lừa đảo trực tuyến", "Recognising online fraud", "service", None),
    ("other", "Khác", "Other", "other", None),
]

FTS_COLUMNS = "name_key, id_number, phone"


def create_person_search() -> None:
    op.execute(f"CREATE VIRTUAL TABLE person_fts USING fts5({FTS_COLUMNS}, content='person', "
               "content_rowid='rowid', tokenize='unicode61', prefix='1 2 3')")
    new = "new.name_key, new.id_number, new.phone"
    old = "old.name_key, old.id_number, old.phone"
    op.execute(f"CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN "
               f"INSERT INTO person_fts(rowid, {FTS_COLUMNS}) VALUES (new.rowid, {new}); END")
    op.execute(f"CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN "
               f"INSERT INTO person_fts(person_fts, rowid, {FTS_COLUMNS}) "
               f"VALUES ('delete', old.rowid, {old}); END")
    op.execute(f"CREATE TRIGGER person_fts_au AFTER UPDATE OF {FTS_COLUMNS} ON person BEGIN "
               f"INSERT INTO person_fts(person_fts, rowid, {FTS_COLUMNS}) "
               f"VALUES ('delete', old.rowid, {old}); "
               f"INSERT INTO person_fts(rowid, {FTS_COLUMNS}) VALUES (new.rowid, {new}); END")
    rebuild_person_search()


def rebuild_person_search() -> None:
    op.execute("INSERT INTO person_fts(person_fts) VALUES ('rebuild')")


def drop_person_search() -> None:
    for trigger in ("person_fts_ai", "person_fts_ad", "person_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS person_fts")


def upgrade() -> None:
    op.create_table('topic',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('name_en', sa.String(length=150), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_topic'))
    )
    op.create_table('group_session',
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('village_id', sa.Uuid(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('trainer_ids', sa.JSON(), nullable=False),
    sa.Column('attendee_ids', sa.JSON(), nullable=False),
    sa.Column('attendee_count', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_group_session_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_session'))
    )
    with op.batch_alter_table('group_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_session_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index('ix_group_session_held', ['deleted', 'held_on'], unique=False)

    op.create_table('team',
    sa.Column('village_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_team_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team'))
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_village_id'), ['village_id'], unique=False)

    op.create_table('person_outcome',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('reached_on', sa.Date(), nullable=True),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_outcome_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_outcome'))
    )
    with op.batch_alter_table('person_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_outcome_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index('ix_person_outcome_kind', ['kind', 'deleted', 'reached_on'], unique=False)
        batch_op.create_index('uq_person_outcome_live', ['person_id', 'kind'], unique=True, sqlite_where=sa.text('deleted = 0'))

    op.create_table('support_session',
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('village_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('member_ids', sa.JSON(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_support_session_person_id_person')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_support_session_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_session'))
    )
    with op.batch_alter_table('support_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_session_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index('ix_support_session_held', ['deleted', 'held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_session_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_support_session_village', ['village_id', 'held_on'], unique=False)

    op.create_table('team_member',
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('full_name', sa.String(length=150), nullable=False),
    sa.Column('name_key', sa.String(length=150), nullable=False),
    sa.Column('phone', sa.String(length=10), nullable=True),
    sa.Column('role', sa.String(length=100), nullable=True),
    sa.Column('organisation', sa.String(length=40), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_team_member_person_id_person')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_member_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_member'))
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_member_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_member_team_id'), ['team_id'], unique=False)

    op.create_table('training',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('course', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['team_member.id'], name=op.f('fk_training_member_id_team_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training'))
    )
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_member_id'), ['member_id'], unique=False)

    op.create_table('vneid_step',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=True),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.Column('failure_reason', sa.String(length=30), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.Integer(), nullable=False),
    sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['team_member.id'], name=op.f('fk_vneid_step_member_id_team_member')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_vneid_step_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vneid_step'))
    )
    with op.batch_alter_table('vneid_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vneid_step_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index('ix_vneid_step_counting', ['step', 'deleted', 'taken_on'], unique=False)
        batch_op.create_index('ix_vneid_step_person', ['person_id', 'taken_on'], unique=False)

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('has_fibre', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('fibre_since', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_household_code'), ['code'], unique=False)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vneid_level', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('vneid_status', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('vneid_status_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_person_vneid_worklist', ['vneid_status', 'vneid_status_on'], unique=False)

    topic = sa.table("topic", sa.column("code"), sa.column("name"), sa.column("name_en"),
                     sa.column("category"), sa.column("outcome"), sa.column("position"),
                     sa.column("active"))
    op.bulk_insert(topic, [
        {"code": code, "name": name, "name_en": name_en, "category": category,
         "outcome": outcome, "position": index, "active": True}
        for index, (code, name, name_en, category, outcome) in enumerate(TOPICS, start=1)
    ])
    create_person_search()



def downgrade() -> None:
    drop_person_search()
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_vneid_worklist')
        batch_op.drop_column('vneid_status_on')
        batch_op.drop_column('vneid_status')
        batch_op.drop_column('vneid_level')

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_code'))
        batch_op.drop_column('fibre_since')
        batch_op.drop_column('has_fibre')

    with op.batch_alter_table('vneid_step', schema=None) as batch_op:
        batch_op.drop_index('ix_vneid_step_person')
        batch_op.drop_index('ix_vneid_step_counting')
        batch_op.drop_index(batch_op.f('ix_vneid_step_commune_code'))

    op.drop_table('vneid_step')
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_member_id'))
        batch_op.drop_index(batch_op.f('ix_training_commune_code'))

    op.drop_table('training')
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_member_team_id'))
        batch_op.drop_index(batch_op.f('ix_team_member_commune_code'))

    op.drop_table('team_member')
    with op.batch_alter_table('support_session', schema=None) as batch_op:
        batch_op.drop_index('ix_support_session_village')
        batch_op.drop_index(batch_op.f('ix_support_session_person_id'))
        batch_op.drop_index('ix_support_session_held')
        batch_op.drop_index(batch_op.f('ix_support_session_commune_code'))

    op.drop_table('support_session')
    with op.batch_alter_table('person_outcome', schema=None) as batch_op:
        batch_op.drop_index('uq_person_outcome_live', sqlite_where=sa.text('deleted = 0'))
        batch_op.drop_index('ix_person_outcome_kind')
        batch_op.drop_index(batch_op.f('ix_person_outcome_commune_code'))

    op.drop_table('person_outcome')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_village_id'))
        batch_op.drop_index(batch_op.f('ix_team_commune_code'))

    op.drop_table('team')
    with op.batch_alter_table('group_session', schema=None) as batch_op:
        batch_op.drop_index('ix_group_session_held')
        batch_op.drop_index(batch_op.f('ix_group_session_commune_code'))

    op.drop_table('group_session')
    op.drop_table('topic')
