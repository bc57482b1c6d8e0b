"""The one way to read user data: every query is scoped to its owner here, by construction."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from outreach.core.errors import NotFoundError
from outreach.core.types import MAX_ID

M = TypeVar("M")
R = TypeVar("R")


def owned(model: type[M], owner_id: int, *, include_deleted: bool = False) -> Select[M]:
    """``SELECT model WHERE owner_id = owner`` (and, for models that soft-delete, not deleted)."""
    query = select(model).where(model.owner_id == owner_id)  # type: ignore[attr-defined]
    # Contacts, campaigns, touches and asks soft-delete (for undo): a deleted one is gone for every reader.
    if not include_deleted and hasattr(model, "deleted_at"):
        query = query.where(model.deleted_at.is_(None))  # type: ignore[attr-defined]
    return query


def owned_record(model: type[M], record_id: Any, owner_id: int, *, include_deleted: bool = False) -> Select[M]:
    """``owned`` narrowed to one id, for a caller that reads more than the record in the same statement
    (columns added, a row lock); an id no record can have raises NotFoundError before any query."""
    if not isinstance(record_id, int) or not 0 < record_id <= MAX_ID:
        raise NotFoundError(f"{model.__name__} {record_id} not found")  # no such id can exist
    return owned(model, owner_id, include_deleted=include_deleted).where(model.id == record_id)  # type: ignore[attr-defined]


def found(result: R | None, model: type[Any], record_id: Any) -> R:
    """What an ``owned_record`` query returned, or NotFoundError: another owner's id looks like a missing one."""
    if result is None:
        raise NotFoundError(f"{model.__name__} {record_id} not found")
    return result


def get_owned(session: Session, model: type[M], record_id: Any, owner_id: int, *, include_deleted: bool = False) -> M:
    """One record of the owner's, or NotFoundError — another owner's id looks like a missing one."""
    query = owned_record(model, record_id, owner_id, include_deleted=include_deleted)
    return found(session.scalars(query).first(), model, record_id)
