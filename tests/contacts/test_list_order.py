"""The contacts list pages through warmth and last touch in order, the never-touched last, nothing twice."""

from __future__ import annotations

import pytest

from outreach.contacts import service as contact_service
from outreach.domain import warmth
from outreach.extensions import db


@pytest.mark.parametrize("per_page", [1, 3, 4, 50])
@pytest.mark.parametrize("sort", ["warmth", "last_touch"])
def test_pages_join_up_into_the_whole_order(make_user, make_contact, log_touches, sort, per_page):
    user = make_user()
    touched = [make_contact(user, f"Touched {i}") for i in range(5)]
    for days, contact in zip((50, 3, 20, 200, 9), touched, strict=True):
        log_touches(contact, ("comment", "outbound", days))
    never = [make_contact(user, f"Never {i}") for i in range(4)]
    params = warmth.WarmthParams()

    seen = []
    for page in range(1, 12):
        rows, total = contact_service.list_contacts(
            db.session, user.id, contact_service.ContactFilter(sort=sort), params, page, per_page
        )
        assert total == 9
        seen += [c.name for c in rows]
    column = "warmth_key" if sort == "warmth" else "last_touch_at"
    expected = sorted(touched, key=lambda c: getattr(c, column), reverse=True) + sorted(never, key=lambda c: c.id)
    assert seen == [c.name for c in expected]
