"""The contacts list page: Next carries a cursor, and walking it gives the same order as the numbered pages,
ties and the never-touched included; the count stops past the page unless asked to count all."""

from __future__ import annotations

import html
import re

import pytest

from outreach.contacts import listing
from outreach.contacts import service as contact_service
from outreach.contacts import views as contact_views
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.extensions import db

NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
NAME = re.compile(r'<td class="lead text"><a href="/contacts/\d+">([^<]+)</a>')


@pytest.fixture
def crowd(make_user, make_contact, log_touches):
    """Eleven contacts: touched on five different days, three touched at the very same moment (a tie in
    warmth and last touch), three never touched; names with ties in case."""
    user = make_user("crowd@example.com")
    now = utcnow()
    for i, days in enumerate((50, 3, 20, 200, 9)):
        log_touches(make_contact(user, f"Touched {i}"), ("comment", "outbound", days), now=now)
    for name in ("tied b", "Tied A", "tied a"):
        log_touches(make_contact(user, name), ("share", "outbound", 30), now=now)
    for i in range(3):
        make_contact(user, f"Never {i}")
    return user


def walk(user, sort: str, per_page: int) -> list[str]:
    """Every page by its cursor, as the Next link walks them."""
    params, seen, after, page = warmth.WarmthParams(), [], None, 1
    while True:
        found = listing.read_page(
            db.session,
            user.id,
            contact_service.ContactFilter(sort=sort),
            params,
            utcnow(),
            page=page,
            per_page=per_page,
            after=after,
        )
        seen += [c.name for c in found.contacts]
        if found.after is None:
            return seen
        after, page = found.after, page + 1
        assert page < 20


@pytest.mark.parametrize("per_page", [1, 2, 4, 50])
@pytest.mark.parametrize("sort", ["warmth", "last_touch", "name"])
def test_the_cursor_walks_the_same_order_as_the_numbered_pages(crowd, sort, per_page):
    params = warmth.WarmthParams()
    whole, total = contact_service.list_contacts(db.session, crowd.id, contact_service.ContactFilter(sort=sort), params, 1, 100)
    assert total == 11
    assert walk(crowd, sort, per_page) == [c.name for c in whole]
    numbered = []
    for page in range(1, 12 // per_page + 2):
        found = listing.read_page(
            db.session, crowd.id, contact_service.ContactFilter(sort=sort), params, utcnow(), page=page, per_page=per_page
        )
        numbered += [c.name for c in found.contacts]
        assert (found.counted, found.exact) == (11, True)
    assert numbered == [c.name for c in whole]


def test_a_cursor_from_another_sort_or_a_damaged_one_falls_back_to_the_page_number(crowd):
    params = warmth.WarmthParams()
    plain = listing.read_page(
        db.session, crowd.id, contact_service.ContactFilter(sort="warmth"), params, utcnow(), page=2, per_page=3
    )
    for after in ('["Touched 1",3]', "[1.5,true]", "[1.5]", "{", '"x"', "[null,-4]", '["2024-01-01",2]'):
        found = listing.read_page(
            db.session, crowd.id, contact_service.ContactFilter(sort="warmth"), params, utcnow(), page=2, per_page=3, after=after
        )
        assert [c.id for c in found.contacts] == [c.id for c in plain.contacts], after


def test_the_count_stops_past_the_page_and_counts_all_when_asked(crowd, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_AHEAD", 2)
    params, filters = warmth.WarmthParams(), contact_service.ContactFilter()
    first = listing.read_page(db.session, crowd.id, filters, params, utcnow(), page=1, per_page=3)
    assert (first.counted, first.exact) == (5, False)  # "more than 5"
    everyone = listing.read_page(db.session, crowd.id, filters, params, utcnow(), page=1, per_page=3, count_all=True)
    assert (everyone.counted, everyone.exact) == (11, True)
    last = listing.read_page(db.session, crowd.id, filters, params, utcnow(), page=3, per_page=4)
    assert (last.counted, last.exact, last.after) == (11, True, None)


def test_the_page_walks_by_next_links_and_says_more_than_until_asked(crowd, web_login, monkeypatch):
    monkeypatch.setattr(contact_views, "PER_PAGE", 4)
    monkeypatch.setattr(listing, "COUNT_AHEAD", 2)
    client = web_login("crowd@example.com")
    page = html.unescape(client.get("/contacts/?sort=last_touch").get_data(as_text=True))
    assert "more than 6" in page and "Page 1<" in page
    seen, pages = NAME.findall(page), 1
    while match := NEXT.search(page):
        link = html.unescape(match.group(1))
        assert "after=" in link and "sort=last_touch" in link
        page = html.unescape(client.get(link).get_data(as_text=True))
        seen += NAME.findall(page)
        pages += 1
    whole, _ = contact_service.list_contacts(
        db.session, crowd.id, contact_service.ContactFilter(sort="last_touch"), warmth.WarmthParams(), 1, 100
    )
    assert (seen, pages) == ([c.name for c in whole], 3)
    assert "Page 3 of 3" in page  # the last page knows the whole count
    counted = html.unescape(client.get("/contacts/?sort=last_touch&count=all").get_data(as_text=True))
    assert '<small class="muted">11</small>' in counted and "Page 1 of 3" in counted
    assert NAME.findall(html.unescape(client.get("/contacts/?sort=last_touch&page=2").get_data(as_text=True))) == seen[4:8]
