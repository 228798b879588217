"""replication-ready change log: device, hybrid logical clock, base version

- sync_conflict: values that lost to a concurrent edit from another PC, to see and
  reverse (docs/sync-rules.md).
- this_device: the PC's id (made here, for an existing profile, as if the profile
  were created now) and the last clock reading it issued.
- every travelling table gains `hlc` and `device_id`: the clock of its last change,
  backfilled from updated_at (milliseconds, counter 0) and this device.
- change_log gains the entry's clock and device, the base version it was made on,
  the fields an update set and, for entries from elsewhere, when they arrived.
  Its `details` (old and new values, personal data included) move to the audit
  trail as audit_event rows naming the entry (change_id); the column is dropped,
  so the sync journal holds no values.

Columns are added in place (ALTER TABLE ... ADD/DROP COLUMN), not by rebuilding
tables: person's search index is keyed by rowid.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cdsxa.db.base

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRAVELLING_MARKS = {"id", "commune_code", "updated_by", "version", "deleted"}
NO_DEVICE = "0" * 32
# Milliseconds since 1970 of a stored naive-UTC timestamp, shifted past the HLC counter.
MS = "CAST(ROUND((julianday({0}) - 2440587.5) * 86400000) AS INTEGER) * 65536"

CHANGE_LOG_FIXED = ("seq", "id", "table_name", "record_id", "op", "version", "commune_code",
                    "changed_at", "changed_by", "hlc", "device_id", "base_hlc", "base_device",
                    "fields", "received_at")
OLD_CHANGE_LOG_FIXED = ("seq", "id", "table_name", "record_id", "op", "version",
                        "commune_code", "changed_at", "changed_by")
AUDIT_FIXED = ("seq", "id", "commune_code", "at", "actor", "action", "object_table",
               "object_id", "summary", "change_id")
OLD_AUDIT_FIXED = ("seq", "id", "commune_code", "at", "actor", "action", "object_table",
                   "object_id", "summary")


def _unchanged(columns: Sequence[str]) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


def _drop_triggers() -> None:
    for trigger in ("change_log_append_only", "change_log_no_delete",
                    "audit_event_append_only", "audit_event_no_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def _create_triggers(change_log: Sequence[str], audit: Sequence[str],
                     change_log_details: bool) -> None:
    # Sync may set acked_at/sent_at; erasing a person may empty audit details. Nothing else.
    details = " AND (NEW.details IS OLD.details OR NEW.details IS NULL)"
    op.execute(
        "CREATE TRIGGER change_log_append_only BEFORE UPDATE ON change_log "
        f"WHEN NOT ({_unchanged(change_log)}{details if change_log_details else ''}) "
        "BEGIN SELECT RAISE(ABORT, 'the change log cannot be edited'); END")
    op.execute("CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log "
               "BEGIN SELECT RAISE(ABORT, 'the change log cannot be edited'); END")
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
        f"WHEN NOT ({_unchanged(audit)}{details}) "
        "BEGIN SELECT RAISE(ABORT, 'the audit log cannot be edited'); END")
    op.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
               "BEGIN SELECT RAISE(ABORT, 'the audit log cannot be edited'); END")


def _travelling_tables() -> list[str]:
    inspector = sa.inspect(op.get_bind())
    return sorted(name for name in inspector.get_table_names()
                  if TRAVELLING_MARKS <= {c["name"] for c in inspector.get_columns(name)})


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        'this_device',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
        sa.Column('clock', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_this_device')),
    )
    op.create_table(
        'sync_conflict',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('detected_at', cdsxa.db.base.UtcDateTime(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('table_name', sa.String(length=50), nullable=False),
        sa.Column('record_id', sa.Uuid(), nullable=False),
        sa.Column('field', sa.String(length=60), nullable=False),
        sa.Column('losing_value', sa.Text(), nullable=True),
        sa.Column('losing_clock', sa.String(length=60), nullable=False),
        sa.Column('losing_entry', sa.Uuid(), nullable=True),
        sa.Column('winning_value', sa.Text(), nullable=True),
        sa.Column('winning_clock', sa.String(length=60), nullable=True),
        sa.Column('winning_entry', sa.Uuid(), nullable=True),
        sa.Column('resolved_at', cdsxa.db.base.UtcDateTime(), nullable=True),
        sa.Column('resolved_by', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflict')),
    )
    op.create_index('ix_sync_conflict_open', 'sync_conflict', ['detected_at'],
                    sqlite_where=sa.text('resolved_at IS NULL'))
    op.create_index('ix_sync_conflict_record', 'sync_conflict', ['table_name', 'record_id'])
    op.execute("INSERT INTO this_device (id, created_at, clock) "
               "VALUES (lower(hex(randomblob(16))), datetime('now'), 0)")
    device = bind.execute(sa.text("SELECT id FROM this_device")).scalar_one()
    for table in _travelling_tables():
        op.add_column(table, sa.Column('hlc', sa.BigInteger(), nullable=False,
                                       server_default='0'))
        op.add_column(table, sa.Column('device_id', sa.Uuid(), nullable=False,
                                       server_default=NO_DEVICE))
        op.execute(sa.text(f"UPDATE {table} SET hlc = {MS.format('updated_at')}, "
                           "device_id = :device").bindparams(device=device))

    _drop_triggers()
    op.add_column('change_log', sa.Column('hlc', sa.BigInteger(), nullable=False,
                                          server_default='0'))
    op.add_column('change_log', sa.Column('device_id', sa.Uuid(), nullable=False,
                                          server_default=NO_DEVICE))
    op.add_column('change_log', sa.Column('base_hlc', sa.BigInteger(), nullable=True))
    op.add_column('change_log', sa.Column('base_device', sa.Uuid(), nullable=True))
    op.add_column('change_log', sa.Column('fields', sa.Text(), nullable=True))
    op.add_column('change_log', sa.Column('received_at', cdsxa.db.base.UtcDateTime(),
                                          nullable=True))
    op.add_column('audit_event', sa.Column('change_id', sa.Uuid(), nullable=True))
    op.create_index('uq_audit_event_change_id', 'audit_event', ['change_id'], unique=True)
    # Entries made before this revision: the clock of their time, this device, and for
    # an update the fields its details name.
    op.execute(sa.text(
        f"UPDATE change_log SET hlc = {MS.format('changed_at')}, device_id = :device, "
        "fields = CASE WHEN op = 'update' AND details IS NOT NULL THEN "
        "(SELECT json_group_array(key) FROM (SELECT key FROM json_each(change_log.details) "
        "ORDER BY key)) END").bindparams(device=device))
    op.execute(
        "INSERT INTO audit_event (id, commune_code, at, actor, action, object_table, "
        "object_id, summary, details, change_id) "
        "SELECT lower(hex(randomblob(16))), commune_code, changed_at, changed_by, 'update', "
        "table_name, record_id, '', details, id FROM change_log "
        "WHERE details IS NOT NULL ORDER BY seq")
    op.execute("ALTER TABLE change_log DROP COLUMN details")
    _create_triggers(CHANGE_LOG_FIXED, AUDIT_FIXED, change_log_details=False)


def downgrade() -> None:
    _drop_triggers()
    op.add_column('change_log', sa.Column('details', sa.Text(), nullable=True))
    op.execute("UPDATE change_log SET details = (SELECT details FROM audit_event "
               "WHERE audit_event.change_id = change_log.id)")
    op.execute("DELETE FROM audit_event WHERE change_id IS NOT NULL")
    op.drop_index('uq_audit_event_change_id', table_name='audit_event')
    for column in ('received_at', 'fields', 'base_device', 'base_hlc', 'device_id', 'hlc'):
        op.execute(f"ALTER TABLE change_log DROP COLUMN {column}")
    op.execute("ALTER TABLE audit_event DROP COLUMN change_id")
    for table in _travelling_tables():
        op.execute(f"ALTER TABLE {table} DROP COLUMN device_id")
        op.execute(f"ALTER TABLE {table} DROP COLUMN hlc")
    op.drop_table('this_device')
    op.drop_table('sync_conflict')
    _create_triggers(OLD_CHANGE_LOG_FIXED, OLD_AUDIT_FIXED, change_log_details=True)
