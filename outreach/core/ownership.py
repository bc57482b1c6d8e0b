"""The one way to read user data: every query is scoped to its owner here, by construction."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from outreach.contacts.models import Contact
from outreach.core.errors import NotFoundError
from outreach.core.types import MAX_ID

M = TypeVar("M")


def owned(model: type[M], owner_id: int, *, include_deleted: bool = False) -> Select[M]:
    """``SELECT model WHERE owner_id = owner`` (and, for contacts, not soft-deleted)."""
    query = select(model).where(model.owner_id == owner_id)  # type: ignore[attr-defined]
    if model is Contact and not include_deleted:
        query = query.where(Contact.deleted_at.is_(None))
    return query


def get_owned(session: Session, model: type[M], record_id: Any, owner_id: int, *, include_deleted: bool = False) -> M:
    """One record of the owner's, or NotFoundError — another owner's id looks like a missing one."""
    if not isinstance(record_id, int) or not 0 < record_id <= MAX_ID:
        raise NotFoundError(f"{model.__name__} {record_id} not found")  # no such id can exist
    query = owned(model, owner_id, include_deleted=include_deleted).where(
        model.id == record_id  # type: ignore[attr-defined]
    )
    record = session.scalars(query).first()
    if record is None:
        raise NotFoundError(f"{model.__name__} {record_id} not found")
    return record
