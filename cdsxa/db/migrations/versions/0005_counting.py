"""counting: a real birth date to compare, person copies on counted rows, their indexes

- person gains counting_birth_date: the birth date, else 1 July of the birth year,
  else NULL (the models keep it from then on).
- person_outcome and vneid_step gain copies of their person's counting birth date
  and deleted flag (outcomes also the gender), so counting reads no person per row
  (cdsxa.db.person_copies keeps them from then on).
- indexes for the counting queries, each leading with the commune: person
  (ix_person_counting), person_outcome (ix_person_outcome_counting replaces
  ix_person_outcome_kind; ix_person_outcome_person finds a person's rows, live or
  not), vneid_step (ix_vneid_step_counting, new columns) and support_session
  (ix_support_session_counting: a commune's sessions by date, with village and id).

Columns are added in place (ALTER TABLE ... ADD COLUMN), not by rebuilding tables:
person's search index is keyed by rowid. The partial unique indexes also gained a
PostgreSQL condition in the models; that changes nothing on SQLite, so nothing here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The year-only rule as it stood at this revision (cdsxa.common.ages): 1 July.
YEAR_ONLY_MONTH, YEAR_ONLY_DAY = 7, 1

OUTCOME_COUNTING = ["commune_code", "deleted", "person_deleted", "kind", "person_id",
                    "reached_on", "created_at", "person_birth_date", "person_gender"]
STEP_COUNTING = ["commune_code", "step", "deleted", "person_deleted", "person_id", "taken_on",
                 "level", "person_birth_date"]
PERSON_COUNTING = ["commune_code", "deleted", "village_id", "counting_birth_date", "gender",
                   "vneid_status", "vneid_level", "id"]
SESSION_COUNTING = ["commune_code", "deleted", "held_on", "village_id", "id"]


def _backfill_counting_birth_date() -> None:
    bind = op.get_bind()
    op.execute("UPDATE person SET counting_birth_date = birth_date WHERE birth_date IS NOT NULL")
    # Year-only births, few: written from Python so the date is bound as a date.
    person = sa.table("person", sa.column("id", sa.Uuid()), sa.column("birth_year", sa.Integer()),
                      sa.column("birth_date", sa.Date()),
                      sa.column("counting_birth_date", sa.Date()))
    rows = bind.execute(sa.select(person.c.id, person.c.birth_year).where(
        person.c.birth_date.is_(None), person.c.birth_year.is_not(None))).all()
    if rows:
        bind.execute(
            person.update().where(person.c.id == sa.bindparam("person_id"))
            .values(counting_birth_date=sa.bindparam("born", type_=sa.Date())),
            [{"person_id": pid, "born": date(year, YEAR_ONLY_MONTH, YEAR_ONLY_DAY)}
             for pid, year in rows])


def _copy_from_person(table: str, copies: dict[str, str]) -> None:
    targets = ", ".join(copies)
    sources = ", ".join(f"person.{source}" for source in copies.values())
    op.execute(f"UPDATE {table} SET ({targets}) = "
               f"(SELECT {sources} FROM person WHERE person.id = {table}.person_id)")


def upgrade() -> None:
    op.add_column('person', sa.Column('counting_birth_date', sa.Date(), nullable=True))
    _backfill_counting_birth_date()
    op.create_index('ix_person_counting', 'person', PERSON_COUNTING, unique=False)

    op.add_column('person_outcome', sa.Column('person_birth_date', sa.Date(), nullable=True))
    op.add_column('person_outcome', sa.Column('person_gender', sa.String(length=10),
                                              nullable=True))
    op.add_column('person_outcome', sa.Column('person_deleted', sa.Boolean(),
                                              server_default=sa.false(), nullable=False))
    _copy_from_person('person_outcome', {"person_birth_date": "counting_birth_date",
                                         "person_gender": "gender",
                                         "person_deleted": "deleted"})
    op.drop_index('ix_person_outcome_kind', table_name='person_outcome')
    op.create_index('ix_person_outcome_counting', 'person_outcome', OUTCOME_COUNTING,
                    unique=False)
    op.create_index('ix_person_outcome_person', 'person_outcome', ['person_id'], unique=False)

    op.add_column('vneid_step', sa.Column('person_birth_date', sa.Date(), nullable=True))
    op.add_column('vneid_step', sa.Column('person_deleted', sa.Boolean(),
                                          server_default=sa.false(), nullable=False))
    _copy_from_person('vneid_step', {"person_birth_date": "counting_birth_date",
                                     "person_deleted": "deleted"})
    op.drop_index('ix_vneid_step_counting', table_name='vneid_step')
    op.create_index('ix_vneid_step_counting', 'vneid_step', STEP_COUNTING, unique=False)

    op.create_index('ix_support_session_counting', 'support_session', SESSION_COUNTING,
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_support_session_counting', table_name='support_session')
    op.drop_index('ix_vneid_step_counting', table_name='vneid_step')
    op.create_index('ix_vneid_step_counting', 'vneid_step', ['step', 'deleted', 'taken_on'],
                    unique=False)
    op.drop_column('vneid_step', 'person_deleted')
    op.drop_column('vneid_step', 'person_birth_date')

    op.drop_index('ix_person_outcome_person', table_name='person_outcome')
    op.drop_index('ix_person_outcome_counting', table_name='person_outcome')
    op.create_index('ix_person_outcome_kind', 'person_outcome', ['kind', 'deleted', 'reached_on'],
                    unique=False)
    op.drop_column('person_outcome', 'person_deleted')
    op.drop_column('person_outcome', 'person_gender')
    op.drop_column('person_outcome', 'person_birth_date')

    op.drop_index('ix_person_counting', table_name='person')
    op.drop_column('person', 'counting_birth_date')
