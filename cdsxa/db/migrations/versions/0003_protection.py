"""protecting personal data: sign-in and roles, audit log, consent

- app_user gains a sign-in name, a role, a team member's village, an Argon2 hash
  and lock-out state. The oldest existing user becomes the administrator; users
  from before sign-in set their password at the next start.
- change_log gains `details` (old and new values of an update) and, with the new
  audit_event table, becomes append-only by trigger.
- person gains consent and its date (added columns: no rebuild, the FTS rowids hold).
- support_session.person_id may be NULL: a session keeps counting after the person
  it helped was erased at their request.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cdsxa.db.base

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANGE_LOG_FIXED = ("seq", "id", "table_name", "record_id", "op", "version", "commune_code",
                    "changed_at", "changed_by")
AUDIT_FIXED = ("seq", "id", "commune_code", "at", "actor", "action", "object_table",
               "object_id", "summary")


def _unchanged(columns: Sequence[str]) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


def create_append_only_triggers() -> None:
    # Sync may set acked_at/sent_at; erasing a person may empty `details`. Nothing else.
    op.execute(
        "CREATE TRIGGER change_log_append_only BEFORE UPDATE ON change_log "
        f"WHEN NOT ({_unchanged(CHANGE_LOG_FIXED)} "
        "AND (NEW.details IS OLD.details OR NEW.details IS NULL)) "
        "BEGIN SELECT RAISE(ABORT, 'the change log cannot be edited'); END")
    op.execute("CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log "
               "BEGIN SELECT RAISE(ABORT, 'the change log cannot be edited'); END")
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
        f"WHEN NOT ({_unchanged(AUDIT_FIXED)} "
        "AND (NEW.details IS OLD.details OR NEW.details IS NULL)) "
        "BEGIN SELECT RAISE(ABORT, 'the audit log cannot be edited'); END")
    op.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
               "BEGIN SELECT RAISE(ABORT, 'the audit log cannot be edited'); END")


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('username_key', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('role', sa.String(length=20), server_default='officer',
                                      nullable=False))
        batch_op.add_column(sa.Column('village_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('password_hash', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.text('1'),
                                      nullable=False))
        batch_op.add_column(sa.Column('failed_attempts', sa.Integer(),
                                      server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('locked_until', cdsxa.db.base.UtcDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('last_sign_in', cdsxa.db.base.UtcDateTime(),
                                      nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_app_user_username_key'),
                                          ['username_key'])
        batch_op.create_foreign_key(batch_op.f('fk_app_user_village_id_village'), 'village',
                                    ['village_id'], ['id'])
        batch_op.create_check_constraint(
            'role_known', "role IN ('admin', 'officer', 'team_member', 'viewer')")
    op.execute("UPDATE app_user SET role = 'admin' WHERE id = "
               "(SELECT id FROM app_user ORDER BY created_at, rowid LIMIT 1)")

    op.add_column('change_log', sa.Column('details', sa.Text(), nullable=True))
    op.create_table(
        'audit_event',
        sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('commune_code', sa.Integer(), nullable=True),
        sa.Column('at', cdsxa.db.base.UtcDateTime(), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=30), nullable=False),
        sa.Column('object_table', sa.String(length=50), nullable=True),
        sa.Column('object_id', sa.Uuid(), nullable=True),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('details', sa.Text(), nullable=True),
        sa.Column('sent_at', cdsxa.db.base.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_event')),
        sa.UniqueConstraint('id', name=op.f('uq_audit_event_id')),
    )
    op.create_index('ix_audit_event_at', 'audit_event', ['at'], unique=False)
    create_append_only_triggers()

    op.add_column('person', sa.Column('consent', sa.String(length=10), nullable=True))
    op.add_column('person', sa.Column('consent_on', sa.Date(), nullable=True))
    with op.batch_alter_table('support_session', schema=None) as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.Uuid(), nullable=True)


def downgrade() -> None:
    for trigger in ("change_log_append_only", "change_log_no_delete",
                    "audit_event_append_only", "audit_event_no_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    with op.batch_alter_table('support_session', schema=None) as batch_op:
        batch_op.alter_column('person_id', existing_type=sa.Uuid(), nullable=False)
    op.drop_column('person', 'consent_on')
    op.drop_column('person', 'consent')
    op.drop_index('ix_audit_event_at', table_name='audit_event')
    op.drop_table('audit_event')
    op.drop_column('change_log', 'details')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint('role_known', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_app_user_village_id_village'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_app_user_username_key'), type_='unique')
        for column in ("last_sign_in", "locked_until", "failed_attempts", "active",
                       "password_hash", "village_id", "role", "username_key", "username"):
            batch_op.drop_column(column)
