"""Contacts: create, edit, soft-delete with undo, and the warmth-ordered, filtered list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.orm import Session

from outreach import warmth
from outreach.models import Contact
from outreach.models.types import tag_pattern, utcnow
from outreach.ownership import get_owned, owned

CONTACT_FIELDS = (
    "name",
    "email",
    "kind",
    "topics",
    "audience_size",
    "promotes_others",
    "promotion_methods",
    "fit_override",
    "links",
    "tags",
    "notes",
    "preferred_contact",
    "promotions_url",
    "upcoming_events",
)


def create_contact(session: Session, owner_id: int, data: Mapping[str, Any]) -> Contact:
    contact = Contact(owner_id=owner_id, **{k: data[k] for k in CONTACT_FIELDS if k in data})
    session.add(contact)
    session.flush()
    return contact


def update_contact(session: Session, contact: Contact, data: Mapping[str, Any]) -> Contact:
    for name in CONTACT_FIELDS:
        if name in data:
            setattr(contact, name, data[name])
    session.flush()
    return contact


def delete_contact(session: Session, contact: Contact) -> None:
    """Soft delete: the contact disappears from lists and can be restored."""
    contact.deleted_at = utcnow()
    session.flush()


def restore_contact(session: Session, owner_id: int, contact_id: int) -> Contact:
    contact = get_owned(session, Contact, contact_id, owner_id, include_deleted=True)
    contact.deleted_at = None
    session.flush()
    return contact


@dataclass(frozen=True)
class ContactFilter:
    kind: str | None = None
    tag: str | None = None
    topic: str | None = None
    search: str | None = None
    min_warmth: float | None = None
    max_warmth: float | None = None
    sort: str = "warmth"  # warmth | last_touch | name


def list_contacts(
    session: Session,
    owner_id: int,
    filters: ContactFilter,
    params: warmth.WarmthParams,
    page: int = 1,
    per_page: int = 50,
    now: datetime | None = None,
) -> tuple[list[Contact], int]:
    """One page of contacts and the total; warmth bounds are range conditions on the stored key."""
    now = now or utcnow()
    query = owned(Contact, owner_id)
    if filters.kind:
        query = query.where(Contact.kind == filters.kind)
    if filters.tag:
        query = query.where(Contact.tags.like(tag_pattern(filters.tag), escape="\\"))
    if filters.topic:
        query = query.where(Contact.topics.like(tag_pattern(filters.topic.lower()), escape="\\"))
    if filters.search:
        needle = f"%{filters.search.lower()}%"
        query = query.where(or_(func.lower(Contact.name).like(needle), func.lower(Contact.email).like(needle)))
    if filters.min_warmth is not None and filters.min_warmth > 0:
        query = query.where(Contact.warmth_key >= warmth.min_key(min(filters.min_warmth, 99.999), now, params))
    if filters.max_warmth is not None and filters.max_warmth < 100:
        cold = Contact.warmth_key.is_(None)
        if filters.max_warmth > 0:
            cold = or_(cold, Contact.warmth_key <= warmth.min_key(filters.max_warmth, now, params))
        query = query.where(cold)
    total = session.scalar(query.with_only_columns(func.count()).order_by(None)) or 0
    if filters.sort == "last_touch":
        order = [Contact.last_touch_at.desc().nulls_last(), Contact.id]
    elif filters.sort == "name":
        order = [func.lower(Contact.name), Contact.id]
    else:
        order = [Contact.warmth_key.desc().nulls_last(), Contact.id]
    rows = session.scalars(query.order_by(*order).limit(per_page).offset((page - 1) * per_page))
    return list(rows), total
