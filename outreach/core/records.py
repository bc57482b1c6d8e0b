"""Creating and changing a user's records from validated data: only the named fields, flushed, never committed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from outreach.extensions import Base

M = TypeVar("M", bound=Base)


def create(session: Session, model: type[M], owner_id: int, fields: Iterable[str], data: Mapping[str, Any], **links: Any) -> M:
    """A new ``model`` of the owner's with the ``fields`` present in ``data``; ``links`` are the ids the
    service resolved itself (a contact, a campaign), never taken from ``data``."""
    record = model(owner_id=owner_id, **links, **{name: data[name] for name in fields if name in data})
    session.add(record)
    session.flush()
    return record


def update(session: Session, record: M, fields: Iterable[str], data: Mapping[str, Any]) -> M:
    """A patch: the ``fields`` present in ``data`` change, the others stay as stored."""
    for name in fields:
        if name in data:
            setattr(record, name, data[name])
    session.flush()
    return record
