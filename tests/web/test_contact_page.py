"""The contact page: a quick-logged touch updates its chart and readiness; busy periods have their own card."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from outreach.campaigns import service as campaign_service
from outreach.extensions import db
from tests.conftest import csrf_from


def section(page: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by the heading with this id."""
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', page, re.S)
    assert found, f"no section labelled {heading_id}"
    return found.group(1)


def test_a_quick_logged_touch_brings_the_new_chart_and_readiness_and_no_reload_hint(
    client: FlaskClient,
    make_user: Callable[..., Any],
    make_contact: Callable[..., Any],
    make_campaign: Callable[..., Any],
    web_login: Callable[..., Any],
) -> None:
    user = make_user("quick@example.com")
    contact = make_contact(user, "Maya Chen", topics=["podcasting"])
    make_campaign(user, "Season 3")
    web_login(user.email)
    before = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "now 0," in before  # the chart's summary before any touch
    response = client.post(
        f"/contacts/{contact.id}/touches",
        data={"csrf_token": csrf_from(client, f"/contacts/{contact.id}"), "kind": "call", "direction": "inbound"},
        headers={"Accept": "application/json"},
    )
    body = response.json
    assert response.status_code == 200 and body is not None
    now = round(body["warmth"])
    assert now > 0
    assert body["warmth_html"].startswith('<div id="warmth-detail">')
    assert f"now {now}," in body["warmth_html"] and "<svg" in body["warmth_html"]
    assert "Reload" not in body["sentence"] + body["warmth_html"]
    assert "Season 3" in body["readiness_html"] and "Trust" in body["readiness_html"]
    # The page, reloaded, shows exactly what was swapped in.
    after = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert body["warmth_html"].strip() in after


def test_busy_periods_have_their_own_card_and_stay_out_of_the_timeline(
    client: FlaskClient,
    make_user: Callable[..., Any],
    make_contact: Callable[..., Any],
    web_login: Callable[..., Any],
    log_touches: Callable[..., None],
    now: datetime,
) -> None:
    user = make_user("busy@example.com")
    contact = make_contact(user, "Maya Chen")
    log_touches(contact, ("comment", "outbound", 3))
    start = now.date() + timedelta(days=10)
    campaign_service.add_busy_period(db.session, contact, start, start + timedelta(days=4), "Book launch")
    db.session.commit()
    web_login(user.email)
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    busy = section(page, "busy-h")
    assert "Book launch" in busy and start.strftime("%d %b %Y") in busy and "/delete" in busy
    assert "Book launch" not in section(page, "timeline-h")
    assert "comment" in section(page, "timeline-h")


def test_a_contact_without_busy_periods_says_so(
    client: FlaskClient, make_user: Callable[..., Any], make_contact: Callable[..., Any], web_login: Callable[..., Any]
) -> None:
    user = make_user("free@example.com")
    contact = make_contact(user)
    web_login(user.email)
    busy = section(client.get(f"/contacts/{contact.id}").get_data(as_text=True), "busy-h")
    assert "None known" in busy
