"""Declarative base and the columns every travelling record carries."""

import uuid
from datetime import datetime, timezone
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    DateTime,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    Uuid,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names, so that Alembic batch migrations on SQLite can find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class UtcDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (SQLite has no time zones), returned as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), uuid.UUID: Uuid(as_uuid=True)}


class Travelling:
    """Mixin for records that travel to the province hub.

    The change-log hook (cdsxa.db.changelog) stamps these columns and logs every
    insert, update and delete; services never set them by hand.

    `hlc` and `device_id` are the hybrid logical clock of the last change and the
    device that made it (cdsxa.common.clock): the record's version as every PC and
    the hub see it. `version` only counts this database's own writes, for
    optimistic locking between two windows of one PC; it never travels.
    """

    # Marks the class for the change-log hook without an isinstance check on a mixin.
    __travelling__: ClassVar[bool] = True

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    commune_code: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    hlc: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # Optimistic locking: an UPDATE names the version it read, so two writers
        # cannot silently overwrite each other. The hook sets the next version.
        return {"version_id_col": cls.version, "version_id_generator": False}


def is_travelling_class(cls: type) -> bool:
    return bool(getattr(cls, "__travelling__", False))


def is_travelling(obj: object) -> bool:
    return is_travelling_class(type(obj))


def live(model: Any) -> ColumnElement[bool]:
    """The rows not soft-deleted, written `deleted = 0`: SQLite uses a partial index
    (WHERE deleted = 0) only when the query says so in that form, not as `IS 0`."""
    return model.deleted == false()  # type: ignore[no-any-return]
