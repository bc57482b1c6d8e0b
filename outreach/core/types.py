"""Column types and helpers shared by the models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Enum, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from outreach.domain.vocabulary import Vocabulary

MAX_INT = 2**31 - 1  # INTEGER columns hold 32 bits; PostgreSQL refuses more with an error
MAX_ID = MAX_INT  # ids are such integers too


def utcnow() -> datetime:
    """Naive UTC: the one time representation stored in every database."""
    return datetime.now(UTC).replace(tzinfo=None)


class TagList(TypeDecorator[list[str]]):
    """A list of short labels stored as ``|a|b|``: filterable with LIKE on SQLite and PostgreSQL alike."""

    impl = String(2000)
    cache_ok = True

    def process_bind_param(self, value: Sequence[str] | None, dialect: Dialect) -> str:
        labels = [label.replace("|", "/").strip() for label in (value or []) if label and label.strip()]
        return "|" + "|".join(labels) + "|" if labels else ""

    def process_result_value(self, value: Any, dialect: Dialect) -> list[str]:
        return list(labels_of(value))


@lru_cache(maxsize=4096)
def labels_of(stored: str | None) -> tuple[str, ...]:
    """The labels of a stored TagList value; cached, as a few lists repeat across thousands of rows (the
    tick reads the raw column through this)."""
    return tuple(label for label in (stored or "").split("|") if label)


def words(vocabulary: type[Vocabulary], length: int, name: str) -> Enum:
    """A VARCHAR(length) column holding one of the vocabulary's values, refused otherwise by a CHECK
    constraint named ck_<table>_<name> on SQLite and PostgreSQL alike (no native enum type to migrate)."""
    return Enum(
        vocabulary,
        native_enum=False,
        create_constraint=True,
        length=length,
        name=name,
        values_callable=lambda members: [member.value for member in members],
    )


def tag_pattern(label: str) -> str:
    """The LIKE pattern that finds ``label`` in a TagList column."""
    escaped = label.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%|{escaped}|%"
