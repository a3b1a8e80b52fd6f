"""Declarative base, column helpers and time helpers shared by every model."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

from orientation import clock
from orientation.personal_data import export_only, keep

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Primary keys are PostgreSQL `integer`: a larger number is no id (and would make the query fail).
MAX_ID = 2**31 - 1


def as_id(value) -> int | None:
    """An id typed by a user (form, query string): ASCII digits within the key range, else None.

    `str.isdigit()` accepts "²", which `int()` refuses; a number past the key range makes PostgreSQL fail.
    """
    text = str(value) if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def utcnow() -> datetime:
    """Default of the timestamp columns: the project's clock, so that what tests stamp agrees with it."""
    return clock.now()


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: sa.DateTime(timezone=True)},
    )


def enum_type(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A string column restricted by a CHECK constraint to the enum's values."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=keep())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, info=export_only())
