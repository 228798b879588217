"""The commune database's tables.

Travelling records (see base.Travelling) go to the province; local tables
(users of this PC, settings, the change log itself) do not.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    __table_args__ = (Index("ix_household_village_live", "village_id", "deleted"),)

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
        ),
        CheckConstraint("gender IN ('male', 'female')", name="gender_known"),
        Index("ix_person_village_live", "village_id", "deleted"),
        Index("ix_person_vneid_worklist", "vneid_status", "vneid_status_on"),
    )

    full_name: Mapped[str] = mapped_column(String(150))
    name_key: Mapped[str] = mapped_column(String(150), index=True)
    gender: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    # Set when only the year is known; indicators then take 1 July of that year.
    birth_year: Mapped[int | None]
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


class PersonOutcome(Travelling, Base):
    """One of the 'every person' outcomes reached by a person, and when.

    reached_on may be unknown (a survey said yes without a date); counting then
    takes the day it was recorded.
    """

    __tablename__ = "person_outcome"
    __table_args__ = (
        Index("uq_person_outcome_live", "person_id", "kind", unique=True,
              sqlite_where=text("deleted = 0")),
        Index("ix_person_outcome_kind", "kind", "deleted", "reached_on"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(40))
    reached_on: Mapped[date | None] = mapped_column(Date)
    session_id: Mapped[uuid.UUID | None]


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
    active: Mapped[bool] = mapped_column(default=True, server_default=text("1"))
    failed_attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_sign_in: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Setting(Base):
    """One declared setting's stored value (see cdsxa.commune.settings), JSON-encoded."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ChangeLogEntry(Base):
    """What sync sends: one row per change to a travelling record, never edited.

    An entry points at the record (table, id, version) rather than copying it:
    sync sends the record's state when it sends, and the hub keeps the newest
    version, so intermediate states need not be kept twice on this PC (nor its
    personal data). `id` travels with the entry so the hub can ignore a repeated
    delivery; `seq` keeps local order. Only `acked_at` is ever set later, by sync.
    """

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_pending", "seq", sqlite_where=text("acked_at IS NULL")),
        Index("ix_change_log_record", "table_name", "record_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True)
    table_name: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[uuid.UUID]
    op: Mapped[str] = mapped_column(String(10))
    version: Mapped[int]
    commune_code: Mapped[int]
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    changed_by: Mapped[str] = mapped_column(String(200))
    acked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The audit trail of updates: {"field": [old, new]} (JSON). Erasing a person
    # empties it for their records. Triggers (migration 0003) keep the log append-only.
    details: Mapped[str | None] = mapped_column(Text)


class AuditEvent(Base):
    """What the app did that is not a record change: sign-ins, exports, prints,
    settings, backups, restores, erasures. Never edited (triggers refuse it);
    it travels to the province with the change log (id is global, seq local)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"),)

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


# The daily-work tables share the metadata; importing them here lets
# `from cdsxa.db.models import Base` see every table (migrations, tests).
from cdsxa.db import activity as _activity  # noqa: E402,F401
