"""The hub's own tables (its own metadata, not the PC's `Base`), on SQLite and PostgreSQL.

Every table that grows with the communes has the commune code first in its primary key,
and every lookup the hub makes names the commune (an enrolment code and a device token
carry it): a national deployment partitions these tables by province or distributes
them by `commune_code` (Citus) without a schema change. The hub's admins are a small
reference table of the province (docs/hub.md).
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cdsxa.db.base import NAMING_CONVENTION, UtcDateTime, utcnow

# The encoded clock (cdsxa.common.clock.Hlc.encode): 13 + 1 + 5 + 1 + 36 characters,
# compared bytewise on PostgreSQL (a locale's collation may sort the dashes otherwise).
HLC_LENGTH = 56
Clock = String(HLC_LENGTH).with_variant(String(HLC_LENGTH, collation="C"), "postgresql")
HASH_LENGTH = 64  # SHA-256, hexadecimal
KEY_LENGTH = 44  # a 32-byte key, base64


class HubBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), uuid.UUID: Uuid(as_uuid=True)}


class Commune(HubBase):
    """A commune the province registered (from the official 2025 list)."""

    __tablename__ = "hub_commune"

    commune_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    province_code: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(100))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last sequence number given to an entry of this commune: the pull cursor.
    # Taken under the commune row's lock, so a commune's pushes take turns.
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class EnrolmentCode(HubBase):
    """A one-time code: only its hash is kept; it expires, and works once."""

    __tablename__ = "hub_enrolment_code"
    __table_args__ = (
        ForeignKeyConstraint(["commune_code"], ["hub_commune.commune_code"]),
    )

    commune_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    code_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_device: Mapped[uuid.UUID | None]


class Device(HubBase):
    """An enrolled PC of a commune. Its token is kept only as a hash."""

    __tablename__ = "hub_device"
    __table_args__ = (
        ForeignKeyConstraint(["commune_code"], ["hub_commune.commune_code"]),
    )

    commune_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    device_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    label: Mapped[str | None] = mapped_column(String(100))
    protocol: Mapped[int] = mapped_column(Integer)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    # Its Ed25519 public key (base64): checks its bundles (sync by file). None for a
    # device enrolled before bundles, or the hub's own replica device.
    sign_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH))


class CommuneKey(HubBase):
    """The hub's key pairs for one commune (cdsxa.hub.hub_keys): bundles are encrypted
    to its X25519 key, receipts and enrol files signed with its Ed25519 key."""

    __tablename__ = "hub_commune_key"
    __table_args__ = (
        ForeignKeyConstraint(["commune_code"], ["hub_commune.commune_code"]),
    )

    commune_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    box_private: Mapped[str] = mapped_column(String(KEY_LENGTH))
    box_public: Mapped[str] = mapped_column(String(KEY_LENGTH))
    sign_private: Mapped[str] = mapped_column(String(KEY_LENGTH))
    sign_public: Mapped[str] = mapped_column(String(KEY_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HubAdmin(HubBase):
    """Someone of the province who runs the hub (sign-in on the web pages, later)."""

    __tablename__ = "hub_admin"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    province_code: Mapped[int] = mapped_column(Integer)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Entry(HubBase):
    """A change-log entry a PC pushed (`cdsxa.sync.wire.WireEntry`), held once per id.

    `seq` orders a commune's entries as the hub received them: pull answers what
    follows a client's cursor. Clocks are kept encoded (they sort as they compare).
    """

    __tablename__ = "hub_entry"
    __table_args__ = (
        ForeignKeyConstraint(["commune_code"], ["hub_commune.commune_code"]),
        ForeignKeyConstraint(["commune_code", "device_id"],
                             ["hub_device.commune_code", "hub_device.device_id"]),
        Index("ix_hub_entry_seq", "commune_code", "seq", unique=True),
        Index("ix_hub_entry_record", "commune_code", "table_name", "record_id"),
        Index("ix_hub_entry_device", "commune_code", "device_id", "generation", "seq"),
    )

    commune_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[uuid.UUID]  # the device that pushed it (the clock's device)
    hlc: Mapped[str] = mapped_column(Clock)
    base_version: Mapped[str | None] = mapped_column(Clock)
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID]
    op: Mapped[str] = mapped_column(String(10))
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The pushing device's sync generation the entry arrived in (DeviceSync): what a
    # device re-basing from generation k may lack is its entries of generation >= k.
    generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class DeviceSync(HubBase):
    """Where a device stands in its exchanges with the hub: a number that moves on at
    every push it makes. A PC sends the number it was last given; another number means
    the PC is not the one the hub knows (restored from an old backup, or a copy, or it
    lost the answer of its last push) and must re-base first (docs/hub.md)."""

    __tablename__ = "hub_device_sync"
    __table_args__ = (
        ForeignKeyConstraint(["commune_code", "device_id"],
                             ["hub_device.commune_code", "hub_device.device_id"]),
    )

    commune_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    device_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
    # The batch that gave the generation: the same batch delivered again (its answer was
    # lost and the client's retry sent it again) is answered again, not re-based.
    last_batch: Mapped[uuid.UUID | None]


class AuditEvent(HubBase):
    """An audit event a commune PC sent (cdsxa.sync.wire.AuditWire): who did what and
    when, to which record by id; never a summary or values. Held once per id."""

    __tablename__ = "hub_audit_event"
    __table_args__ = (
        ForeignKeyConstraint(["commune_code"], ["hub_commune.commune_code"]),
        Index("ix_hub_audit_event_at", "commune_code", "at"),
    )

    commune_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    device_id: Mapped[uuid.UUID]  # the PC that sent it
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    object_table: Mapped[str | None] = mapped_column(String(50))
    object_id: Mapped[uuid.UUID | None]
    change_id: Mapped[uuid.UUID | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
