"""The one way to read user data: every query is scoped to its owner here, by construction."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import BindParameter, Select, select
from sqlalchemy.orm import Session

from outreach.core.errors import NotFoundError
from outreach.core.types import MAX_ID

M = TypeVar("M")
R = TypeVar("R")

# An owner's id, or a bind parameter standing for it in a statement built once and run for every owner.
Owner = int | BindParameter[int]


def owned(model: type[M], owner_id: Owner, *, include_deleted: bool = False) -> Select[M]:
    """``SELECT model WHERE owner_id = owner`` (and, for models that soft-delete, not deleted)."""
    query = select(model).where(model.owner_id == owner_id)  # type: ignore[attr-defined]
    # Contacts, campaigns, touches and asks soft-delete (for undo): a deleted one is gone for every reader.
    if not include_deleted and hasattr(model, "deleted_at"):
        query = query.where(model.deleted_at.is_(None))  # type: ignore[attr-defined]
    return query


def possible_id(model: type[Any], value: Any) -> int:
    """An id some record may have; any other value raises NotFoundError before a query is sent."""
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise NotFoundError(f"{model.__name__} {value} not found")  # no such id can exist
    return value


def found(result: R | None, model: type[Any], value: Any) -> R:
    """What a query of one owned record returned, or NotFoundError: another owner's id looks like a missing one."""
    if result is None:
        raise NotFoundError(f"{model.__name__} {value} not found")
    return result


def get_owned(session: Session, model: type[M], record_id: Any, owner_id: int, *, include_deleted: bool = False) -> M:
    """One record of the owner's, or NotFoundError — another owner's id looks like a missing one."""
    query = owned(model, owner_id, include_deleted=include_deleted).where(
        model.id == possible_id(model, record_id)  # type: ignore[attr-defined]
    )
    return found(session.scalars(query).first(), model, record_id)
