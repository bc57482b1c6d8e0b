"""The campaign page's plan: no date already past, and the lead-time warning said once."""

from __future__ import annotations

import html
from datetime import timedelta

from tests.conftest import csrf_from


def test_a_campaign_created_too_late_warns_once_and_names_no_past_date(make_user, web_login, now):
    make_user("host@example.com")
    client = web_login("host@example.com")
    date = now.date() + timedelta(weeks=6)  # the window opened six weeks ago
    form = {
        "name": "Season 4",
        "kind": "podcast_season",
        "date": date.isoformat(),
        "topics": "podcasting",
        "yes_target": "8",
        "window_start_weeks": "12",
        "window_end_weeks": "3",
        "csrf_token": csrf_from(client, "/campaigns/new"),
    }
    created = client.post("/campaigns/new", data=form, follow_redirects=True)
    page = html.unescape(created.get_data(as_text=True))
    assert created.status_code == 200 and "Created Season 4." in page
    assert page.count("Too little lead time") == 1
    plan_card = page.split('id="plan-h"')[1].split("</section>")[0]
    opened = date - timedelta(weeks=12)
    assert f"{opened:%d %B}" not in plan_card and "now, while the window is open" in plan_card
