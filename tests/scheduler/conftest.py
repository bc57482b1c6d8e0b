"""Scenario builders for the tick: a ready pair, a warming pair, a cooling contact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from outreach.extensions import db
from outreach.models import Campaign, Contact, Reminder, User
from outreach.models.types import utcnow
from outreach.ownership import owned

READY_TOUCHES = (("collaboration", "inbound", 100), ("call", "outbound", 70), ("meeting", "outbound", 10))


@pytest.fixture
def now() -> datetime:
    return utcnow().replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def ready_pair(make_user, make_contact, make_campaign, log_touches, now) -> Callable[..., tuple[User, Contact, Campaign]]:
    """A user, a warm reciprocated matching contact and a podcast campaign whose window is open."""

    def build(user: User | None = None, name: str = "Maya Chen", **campaign: Any) -> tuple[User, Contact, Campaign]:
        user = user or make_user()
        contact = make_contact(user, name, topics=["podcasting"])
        log_touches(contact, *READY_TOUCHES, now=now)
        values = {"date": now.date() + timedelta(weeks=8), **campaign}
        return user, contact, make_campaign(user, **values)

    return build


@pytest.fixture
def reminders_of() -> Callable[[User], list[tuple[str, int | None, int | None, Any, str]]]:
    def read(user: User) -> list[tuple[str, int | None, int | None, Any, str]]:
        db.session.expire_all()
        rows = db.session.scalars(owned(Reminder, user.id).order_by(Reminder.kind, Reminder.contact_id, Reminder.due_on))
        return [(r.kind, r.contact_id, r.campaign_id, r.due_on, r.state) for r in rows]

    return read
