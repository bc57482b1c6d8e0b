"""The contacts list page: one page read through an index, and a count that stops where a person stops
reading.

Next and Previous carry a cursor (the last row's sort value and id), so a page after the first reads its
rows from the index where the last one ended, however deep (keyset pagination); a bare ``?page=N`` still
works and skips N-1 pages through the same index. The count goes COUNT_AHEAD rows past the page: a list
within that is counted exactly ("2,000 contacts", "page 20 of 40"); a longer one says "more than 2,950",
and ``?count=all`` counts it all when the person asks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from outreach.contacts import service
from outreach.contacts.models import Contact
from outreach.domain import warmth

COUNT_AHEAD = 1000  # rows counted past the page: 20 pages of 50


@dataclass(frozen=True)
class ListPage:
    contacts: list[Contact]
    counted: int  # exact when ``exact``, else a lower bound: more than this many match
    exact: bool
    after: str | None  # the cursor of the next page, when there is one


def read_page(
    session: Session,
    owner_id: int,
    filters: service.ContactFilter,
    params: warmth.WarmthParams,
    now: datetime,
    *,
    page: int,
    per_page: int,
    after: str | None = None,
    count_all: bool = False,
) -> ListPage:
    query = service.filtered(owner_id, filters, params, now)
    offset = (page - 1) * per_page
    position = _cursor(after, filters.sort)
    if position is None:
        rows = _offset_page(session, query, filters.sort, offset, per_page + 1)
    else:
        rows = _after(session, query, filters.sort, position, per_page + 1)
    more, rows = len(rows) > per_page, rows[:per_page]
    counted, exact = _count(session, query, None if count_all else offset + per_page + COUNT_AHEAD)
    if position is not None and not exact:
        counted = max(counted, offset + len(rows) + more)
    cursor = _cursor_of(rows[-1], filters.sort) if more and rows else None
    return ListPage(rows, counted, exact, cursor)


def _count(session: Session, query: Select[Contact], limit: int | None) -> tuple[int, bool]:
    """How many match, counting no further than ``limit`` (+1, to know there are more)."""
    ids = query.with_only_columns(Contact.id).order_by(None)
    if limit is None:
        return session.scalar(select(func.count()).select_from(ids.subquery())) or 0, True
    found = session.scalar(select(func.count()).select_from(ids.limit(limit + 1).subquery())) or 0
    return min(found, limit), found <= limit


def _offset_page(session: Session, query: Select[Contact], sort: str, offset: int, limit: int) -> list[Contact]:
    if sort == "name":
        return list(session.scalars(query.order_by(func.lower(Contact.name), Contact.id).limit(limit).offset(offset)))
    return service.desc_nulls_last(session, query, _column(sort), offset, limit)


def _column(sort: str) -> Any:
    return Contact.last_touch_at if sort == "last_touch" else Contact.warmth_key


# A cursor: [value, id] of the last row shown, value the sort key (None for the never-touched at the end).


def _cursor_of(contact: Contact, sort: str) -> str:
    if sort == "name":
        value: Any = contact.name.lower()
    else:
        value = getattr(contact, "last_touch_at" if sort == "last_touch" else "warmth_key")
        value = value.isoformat() if isinstance(value, datetime) else value
    return json.dumps([value, contact.id], separators=(",", ":"))


def _cursor(text: str | None, sort: str) -> tuple[Any, int] | None:
    """The position a cursor names, or None for one that is absent or not of this sort (a stale link)."""
    try:
        value, last_id = json.loads(text or "null") or (None, None)
        if not isinstance(last_id, int) or isinstance(last_id, bool) or not 0 < last_id < 2**31:
            return None
        if sort == "name":
            return (value, last_id) if isinstance(value, str) else None
        if value is None:
            return None, last_id
        if sort == "last_touch":
            return datetime.fromisoformat(value), last_id
        return (float(value), last_id) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    except (ValueError, TypeError):
        return None


def _after(session: Session, query: Select[Contact], sort: str, position: tuple[Any, int], limit: int) -> list[Contact]:
    """The ``limit`` rows after ``position`` in the list's order: valued rows through the (owner, key)
    index, then the never-touched by id, as two reads (one ORDER BY with NULLS LAST sorts every row)."""
    value, last_id = position
    if sort == "name":
        key = func.lower(Contact.name)
        later: ColumnElement[bool] = or_(key > value, and_(key == value, Contact.id > last_id))
        return list(session.scalars(query.where(later).order_by(key, Contact.id).limit(limit)))
    column = _column(sort)
    rows: list[Contact] = []
    if value is not None:
        valued = query.where(or_(column < value, and_(column == value, Contact.id > last_id)))
        rows = list(session.scalars(valued.order_by(column.desc(), Contact.id).limit(limit)))
        last_id = 0  # the never-touched follow from their first
    if len(rows) < limit:
        blank = query.where(column.is_(None), Contact.id > last_id).order_by(Contact.id)
        rows += session.scalars(blank.limit(limit - len(rows)))
    return rows
