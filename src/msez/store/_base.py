"""The declarative base every table derives from, and the column types shared by all of them.

Tables are declared once, here and in the ``_models_*`` modules, as typed ``Mapped[...]`` classes; alembic
revisions under ``_migrations/versions`` create them, and a test checks that the migrated database matches
``Base.metadata`` exactly. Identifiers are canonical UUID strings (``String(36)``) so both backends store the
same text; large tables lead their primary key or index with ``zone_id``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, MetaData, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(36)
ZONE = String(255)
JsonDoc = JSON().with_variant(JSONB(), "postgresql")
Amount = BigInteger()


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC ``datetime``: ``timestamptz`` on PostgreSQL, naive UTC text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; store aware UTC datetimes")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Root of every msez table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Now, aware UTC, at microsecond precision (record times; audit hashes use whole seconds)."""
    return datetime.now(UTC)
