"""Contacts: create, edit, soft-delete with undo, and the warmth-ordered, filtered list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, or_
from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.contacts.models import BusyPeriod, Contact, Touch
from outreach.contacts.schemas import ContactIn
from outreach.core import records
from outreach.core.ownership import get_owned, owned
from outreach.core.types import tag_pattern, utcnow
from outreach.domain import rules, warmth

CONTACT_FIELDS = tuple(ContactIn.model_fields)


def with_addresses(data: Mapping[str, Any], others: list[str]) -> Mapping[str, Any]:
    """``email`` is the primary address, ``emails`` all of them: given both, the primary leads the list;
    given only ``email``, it replaces the primary and ``others`` (the contact's further addresses) stay."""
    if data.get("emails") is not None:
        found = rules.addresses(data.get("email"), data["emails"])
    elif "email" in data:
        found = rules.addresses(data["email"], others)
    else:
        return data
    return {**data, "email": found[0] if found else None, "emails": found}


def create_contact(session: Session, owner_id: int, data: Mapping[str, Any]) -> Contact:
    return records.create(session, Contact, owner_id, CONTACT_FIELDS, with_addresses(data, []))


def update_contact(session: Session, contact: Contact, data: Mapping[str, Any]) -> Contact:
    return records.update(session, contact, CONTACT_FIELDS, with_addresses(data, contact.other_emails or []))


def delete_contact(session: Session, contact: Contact) -> None:
    """Soft delete: the contact disappears from lists and can be restored."""
    contact.deleted_at = utcnow()
    session.flush()


def restore_contact(session: Session, owner_id: int, contact_id: int) -> Contact:
    contact = get_owned(session, Contact, contact_id, owner_id, include_deleted=True)
    contact.deleted_at = None
    session.flush()
    return contact


def timeline(session: Session, contact: Contact, touches: list[Touch]) -> list[tuple[str, datetime, Touch | Ask]]:
    """The contact's touches (already read by the caller) and asks, newest first."""
    asks = session.scalars(owned(Ask, contact.owner_id).where(Ask.contact_id == contact.id).order_by(Ask.asked_at.desc()))
    items: list[tuple[str, datetime, Touch | Ask]] = [("touch", t.occurred_at, t) for t in touches]
    items += [("ask", a.asked_at, a) for a in asks]
    return sorted(items, key=lambda item: item[1], reverse=True)


def busy_periods(session: Session, contact: Contact) -> list[BusyPeriod]:
    """Their busy periods in date order: a card of their own, not events of the past."""
    periods = owned(BusyPeriod, contact.owner_id).where(BusyPeriod.contact_id == contact.id)
    return list(session.scalars(periods.order_by(BusyPeriod.start)))


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
    query = filtered(owner_id, filters, params, now or utcnow())
    total = session.scalar(query.with_only_columns(func.count()).order_by(None)) or 0
    offset = (page - 1) * per_page
    if filters.sort == "name":
        rows = session.scalars(query.order_by(func.lower(Contact.name), Contact.id).limit(per_page).offset(offset))
        return list(rows), total
    column = Contact.last_touch_at if filters.sort == "last_touch" else Contact.warmth_key
    return desc_nulls_last(session, query, column, offset, per_page), total


def filtered(owner_id: int, filters: ContactFilter, params: warmth.WarmthParams, now: datetime) -> Select[Contact]:
    """The owner's live contacts that pass the filters, unordered."""
    query = owned(Contact, owner_id)
    if filters.kind:
        query = query.where(Contact.kind == filters.kind)
    if filters.tag:
        query = query.where(Contact.tags.like(tag_pattern(filters.tag), escape="\\"))
    if filters.topic:
        query = query.where(Contact.topics.like(tag_pattern(filters.topic.lower()), escape="\\"))
    if filters.search:
        needle = f"%{filters.search.lower()}%"
        others = func.lower(cast(Contact.other_emails, String))  # a JSON list: its text holds each address
        names = func.lower(Contact.name)
        query = query.where(or_(names.like(needle), func.lower(Contact.email).like(needle), others.like(needle)))
    if filters.min_warmth is not None and filters.min_warmth > 0:
        query = query.where(Contact.warmth_key >= warmth.min_key(min(filters.min_warmth, 99.999), now, params))
    if filters.max_warmth is not None and filters.max_warmth < 100:
        cold: ColumnElement[bool] = Contact.warmth_key.is_(None)
        if filters.max_warmth > 0:
            cold = or_(cold, Contact.warmth_key <= warmth.min_key(filters.max_warmth, now, params))
        query = query.where(cold)
    return query


def desc_nulls_last(session: Session, query: Select[Contact], column: Any, offset: int, per_page: int) -> list[Contact]:
    """A page of ``column DESC NULLS LAST, id`` as reads that the (owner, column) index serves on both
    databases: the rows with a value, then the rest by id. In one ORDER BY, PostgreSQL (whose index,
    read backwards, yields NULLs first) sorted every contact of the owner for each page."""
    valued = query.where(column.is_not(None))
    rows = list(session.scalars(valued.order_by(column.desc(), Contact.id).limit(per_page).offset(offset)))
    if len(rows) == per_page:
        return rows
    # The valued rows ran out on this page (or before it): the NULL rows continue the order.
    valued_total = offset + len(rows) if rows else session.scalar(valued.with_only_columns(func.count()).order_by(None)) or 0
    blank = query.where(column.is_(None)).order_by(Contact.id)
    rows += session.scalars(blank.limit(per_page - len(rows)).offset(max(0, offset - valued_total)))
    return rows
