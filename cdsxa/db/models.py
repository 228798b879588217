"""The commune database's tables.

Travelling records (see base.Travelling) go to the province; local tables
(users of this PC, settings, the change log itself) do not.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from cdsxa.common import ages
from cdsxa.db.base import Base, Travelling, UtcDateTime, new_id, utcnow


class CommuneProfile(Travelling, Base):
    """The commune this database belongs to; exactly one live row."""

    __tablename__ = "commune_profile"

    province_code: Mapped[int]
    province_name: Mapped[str] = mapped_column(String(100))
    commune_name: Mapped[str] = mapped_column(String(100))
    # Names printed on documents; settings, because bodies merge and rename.
    issuing_body: Mapped[str] = mapped_column(String(200))
    receiving_body: Mapped[str] = mapped_column(String(200))


class Village(Travelling, Base):
    """A thôn, bản, khối phố or tổ dân phố of the commune."""

    __tablename__ = "village"
    __table_args__ = (
        # A folded name is unique among live villages of a commune.
        Index(
            "uq_village_live_name",
            "commune_code",
            "name_key",
            unique=True,
            sqlite_where=text("deleted = 0"),
            postgresql_where=text("deleted = false"),
        ),
    )

    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village.id"))


class PopulationFigure(Travelling, Base):
    """Population counts for a year, used as denominators where the register is partial."""

    __tablename__ = "population_figure"
    __table_args__ = (
        Index(
            "uq_population_figure_live_year",
            "commune_code",
            "year",
            unique=True,
            sqlite_where=text("deleted = 0"),
            postgresql_where=text("deleted = false"),
        ),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    year: Mapped[int]
    residents: Mapped[int | None]
    adults: Mapped[int | None]
    aged_15_plus: Mapped[int | None]
    working_age: Mapped[int | None]
    households: Mapped[int | None]


class Household(Travelling, Base):
    __tablename__ = "household"
    # Covers the per-village counts of live records without reading the table.
    __table_args__ = (
        Index("ix_household_village_live", "village_id", "deleted"),
        # The commune's households with fibre, read from the index alone (counting).
        Index("ix_household_counting", "commune_code", "deleted", "village_id", "has_fibre",
              "fibre_since", "created_at"),
    )

    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"))
    code: Mapped[str | None] = mapped_column(String(50), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    # Programme 2 (fibre broadband) is counted over households, so it lives here.
    has_fibre: Mapped[bool] = mapped_column(Boolean, default=False)
    fibre_since: Mapped[date | None] = mapped_column(Date)

    members: Mapped[list["Person"]] = relationship(back_populates="household")


class Person(Travelling, Base):
    __tablename__ = "person"
    __table_args__ = (
        Index(
            "uq_person_live_id_number",
            "id_number",
            unique=True,
            sqlite_where=text("id_number IS NOT NULL AND deleted = 0"),
            postgresql_where=text("id_number IS NOT NULL AND deleted = false"),
        ),
        CheckConstraint("gender IN ('male', 'female')", name="gender_known"),
        # The natural key among all records, deleted ones too: a received person is
        # checked for a duplicate by it (cdsxa.sync.workspace), one look-up, not a scan.
        Index("ix_person_id_number", "id_number", "commune_code"),
        Index("ix_person_village_live", "village_id", "deleted"),
        Index("ix_person_vneid_worklist", "vneid_status", "vneid_status_on"),
        # The indicators' population counts, VNeID breakdown and drill-down,
        # commune-wide or for a village, read from the index alone.
        Index("ix_person_counting", "commune_code", "deleted", "village_id",
              "counting_birth_date", "gender", "vneid_status", "vneid_level", "id"),
    )

    full_name: Mapped[str] = mapped_column(String(150))
    name_key: Mapped[str] = mapped_column(String(150), index=True)
    gender: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    # Set when only the year is known; indicators then take 1 July of that year.
    birth_year: Mapped[int | None]
    # The birth date counting compares (ages.effective_birth_date): the date, else
    # 1 July of the year, else NULL. Derived from the two above whenever either is
    # set (_derive_counting_birth_date); never set by hand.
    counting_birth_date: Mapped[date | None] = mapped_column(Date)
    ethnicity: Mapped[str | None] = mapped_column(String(50))
    id_number: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(10), index=True)
    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"))
    household_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("household.id"), index=True
    )
    relation_to_head: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)
    # VNeID now (for worklists); its dated history is in vneid_step (for counting).
    vneid_level: Mapped[int | None]
    vneid_status: Mapped[str | None] = mapped_column(String(20))
    vneid_status_on: Mapped[date | None] = mapped_column(Date)
    # Consent to keeping their data (Decree 13/2023): "given", "refused", or NULL
    # (not asked yet), and when it was given or refused.
    consent: Mapped[str | None] = mapped_column(String(10))
    consent_on: Mapped[date | None] = mapped_column(Date)

    household: Mapped[Household | None] = relationship(back_populates="members")

    @validates("birth_date", "birth_year")
    def _derive_counting_birth_date(self, key: str, value: Any) -> Any:
        birth_date = value if key == "birth_date" else self.birth_date
        birth_year = value if key == "birth_year" else self.birth_year
        self.counting_birth_date = ages.effective_birth_date(birth_date, birth_year)
        return value


class PersonOutcome(Travelling, Base):
    """One of the 'every person' outcomes reached by a person, and when.

    reached_on may be unknown (a survey said yes without a date); counting then
    takes the day it was recorded.
    """

    __tablename__ = "person_outcome"
    __table_args__ = (
        Index("uq_person_outcome_live", "person_id", "kind", unique=True,
              sqlite_where=text("deleted = 0"), postgresql_where=text("deleted = false")),
        # The commune's outcomes per kind, and a person's outcome of a kind, read from
        # the index alone, in person order (cdsxa.counting.totals).
        Index("ix_person_outcome_counting", "commune_code", "deleted", "person_deleted", "kind",
              "person_id", "reached_on", "created_at", "person_birth_date", "person_gender"),
        # A person's rows, live or not (their copies are rewritten together).
        Index("ix_person_outcome_person", "person_id"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(40))
    reached_on: Mapped[date | None] = mapped_column(Date)
    session_id: Mapped[uuid.UUID | None]
    # The person's counting_birth_date, gender and deleted flag, copied so that
    # counting need not look each person up (kept by cdsxa.db.copies).
    person_birth_date: Mapped[date | None] = mapped_column(Date)
    person_gender: Mapped[str | None] = mapped_column(String(10))
    person_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AppUser(Base):
    """A person who uses this PC's app. Local: accounts do not travel.

    username is the sign-in name (unique, compared folded); password_hash is an
    Argon2id hash, NULL until a password is set (a user from before sign-in).
    """

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'officer', 'team_member', 'viewer')",
                        name="role_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    full_name: Mapped[str] = mapped_column(String(150))
    position: Mapped[str | None] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    username: Mapped[str | None] = mapped_column(String(60))
    username_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="officer", server_default="officer")
    village_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    failed_attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_sign_in: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Setting(Base):
    """One declared setting's stored value (see cdsxa.commune.settings), JSON-encoded."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ChangeLogEntry(Base):
    """The sync journal: one row per change to a travelling record, never edited.

    An entry says what changed (table, record, fields, operation), when by the
    hybrid logical clock (`hlc`, `device_id`), and on top of which version of the
    record (`base_hlc`, `base_device`: the record's clock before; NULL for an
    insert). It holds no values: sync reads them from the record when it sends,
    and the old and new values of an update live in the audit trail
    (audit_event.change_id), whose erasure rules cover personal data.

    Entries made on this PC wait for the hub (`acked_at` NULL); entries received
    from elsewhere are kept too (`received_at`), so an entry id is applied once and
    the clocks of each field's last write are known (cdsxa.sync rules). `seq`
    keeps local order. Triggers (migrations 0003, 0006) keep the log append-only.
    """

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_pending", "seq", sqlite_where=text("acked_at IS NULL"),
              postgresql_where=text("acked_at IS NULL")),
        Index("ix_change_log_record", "table_name", "record_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True)
    table_name: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[uuid.UUID]
    op: Mapped[str] = mapped_column(String(10))
    version: Mapped[int]  # the record's local version after this change
    commune_code: Mapped[int]
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    changed_by: Mapped[str] = mapped_column(String(200))
    acked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    hlc: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[uuid.UUID]
    base_hlc: Mapped[int | None] = mapped_column(BigInteger)
    base_device: Mapped[uuid.UUID | None]
    # JSON list of the columns an update set; NULL for an insert (every column) and
    # for delete, restore and erase (none).
    fields: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ThisDevice(Base):
    """This PC's identity and the last clock reading it issued. Local, one row.

    Made when the profile is created; enrolment registers the id with the hub.
    The clock is kept here (and not only in memory) so that two processes on one
    profile, or a restart after the wall clock was set back, never reissue a clock.
    """

    __tablename__ = "this_device"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    clock: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncConflict(Base):
    """A value that lost to a concurrent edit from another PC, kept so that a user can
    see it and put it back (docs/sync-rules.md). Local: each replica records what it
    overwrote. Values are JSON; erasing a person empties them for their records.
    """

    __tablename__ = "sync_conflict"
    __table_args__ = (
        Index("ix_sync_conflict_open", "detected_at", sqlite_where=text("resolved_at IS NULL"),
              postgresql_where=text("resolved_at IS NULL")),
        Index("ix_sync_conflict_record", "table_name", "record_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # field, delete_vs_edit, erased, duplicate
    table_name: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[uuid.UUID]
    field: Mapped[str] = mapped_column(String(60))
    losing_value: Mapped[str | None] = mapped_column(Text)
    losing_clock: Mapped[str] = mapped_column(String(60))
    losing_entry: Mapped[uuid.UUID | None]
    winning_value: Mapped[str | None] = mapped_column(Text)
    winning_clock: Mapped[str | None] = mapped_column(String(60))
    winning_entry: Mapped[uuid.UUID | None]
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class AuditEvent(Base):
    """The audit trail: what the app did (sign-ins, exports, prints, settings,
    backups, restores, erasures) and the old and new values of record updates
    (`change_id` names the change-log entry). Never edited (triggers refuse it),
    except that erasing a person empties `details`; it travels to the province
    with the change log (id is global, seq local)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("uq_audit_event_change_id", "change_id", unique=True),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True, default=new_id)
    commune_code: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    object_table: Mapped[str | None] = mapped_column(String(50))
    object_id: Mapped[uuid.UUID | None]
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # For a record change: the change-log entry whose old and new values these are.
    change_id: Mapped[uuid.UUID | None]


# The daily-work tables share the metadata; importing them here lets
# `from cdsxa.db.models import Base` see every table (migrations, tests).
from cdsxa.db import activity as _activity  # noqa: E402,F401

# The rule that keeps the parent copies on counted rows, for every session.
from cdsxa.db import copies as _copies  # noqa: E402,F401
