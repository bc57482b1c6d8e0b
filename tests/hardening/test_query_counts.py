"""Loops never fetch row by row: the campaign page and the planner's tick issue as many SELECTs for 50
contacts as for 5 (relationships loaded with selectinload/joinedload, set-based readiness facts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event

from outreach.accounts import service as user_service
from outreach.asks import service as ask_service
from outreach.campaigns import service as campaign_service
from outreach.episodes import service as episode_service
from outreach.extensions import db
from outreach.reminders import books
from outreach.reminders.tick import tick_owner
from tests.conftest import READY_TOUCHES, csrf_from


@contextmanager
def counted_selects() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def busy_user(size: int, make_user, make_contact, make_campaign, log_touches, now) -> Any:
    """A user whose ``size`` contacts each have touches, a busy period, a not-now ask with a follow-up
    date, a booked recording and a live keep-warm reminder, around one open podcast season."""
    user = make_user(f"size{size}@example.com")
    campaign = make_campaign(user, date=now.date() + timedelta(weeks=8))
    planner = user_service.user_settings(user).planner(None)
    book = books.load_book(db.session, user.id, now.date())
    for i in range(size):
        contact = make_contact(user, f"Guest {i:02d}", topics=["podcasting"])
        if i % 2:
            log_touches(contact, *READY_TOUCHES, now=now)
        campaign_service.add_busy_period(db.session, contact, now.date() + timedelta(days=90), now.date() + timedelta(days=95))
        data = {"contact_id": contact.id, "campaign_id": campaign.id, "outcome": "not_now"}
        ask_service.create_ask(db.session, user.id, {**data, "follow_up_on": now.date() + timedelta(days=20)}, planner, now)
        episode = {"contact_id": contact.id, "stage": "booked", "recording_at": now + timedelta(days=10 + i)}
        episode_service.add_episode(db.session, campaign, episode)
        draft = books.Draft("keep_warm", contact.id, None, now.date(), f"Touch {contact.name}", "")
        books.upsert(db.session, user.id, book, draft, now, move=False)
    db.session.commit()
    return user.id, user.email, campaign.id


def test_a_tick_reads_as_many_rows_at_a_time_for_50_contacts_as_for_5(make_user, make_contact, make_campaign, log_touches, now):
    counts = []
    for size in (5, 50):
        user_id, _, _ = busy_user(size, make_user, make_contact, make_campaign, log_touches, now)
        db.session.expunge_all()  # the scheduler's tick starts from an empty session
        with counted_selects() as selects:
            done = tick_owner(db.session, user_id, now)
        db.session.commit()
        assert done["follow_up created"] == size and done["interview created"] == size  # the loops did run
        counts.append(len(selects))
    assert counts[0] == counts[1] and counts[0] <= 20, counts


def page_selects(client: FlaskClient, email: str, path: str) -> tuple[int, str]:
    client.post("/login", data={"email": email, "password": "correct horse", "csrf_token": csrf_from(client, "/login")})
    with counted_selects() as selects:
        page = client.get(path).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client, path)})
    return len(selects), page


def test_the_campaign_page_reads_as_many_rows_at_a_time_for_50_contacts_as_for_5(
    client, make_user, make_contact, make_campaign, log_touches, now
):
    counts = []
    for size in (5, 50):
        _, email, campaign_id = busy_user(size, make_user, make_contact, make_campaign, log_touches, now)
        db.session.expunge_all()
        count, page = page_selects(client, email, f"/campaigns/{campaign_id}")
        assert f"Guest {size - 1:02d}" in page and "Not now" in page  # the guests and the board were shown
        counts.append(count)
    assert counts[0] == counts[1] and counts[0] <= 20, counts
