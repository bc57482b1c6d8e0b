"""Helpers for Today's tests: the lists as a user would read them, and asks written into the ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.asks import service as ask_service
from outreach.asks.models import Ask
from outreach.core.caller import caller_for
from outreach.extensions import db
from outreach.today import service as today_service

# Reciprocated, known for 100 days, warmth 36 of 60: three weekly touches from an ask.
WARMING = (("email", "inbound", 100), ("email", "outbound", 30))


@pytest.fixture
def today_of(now: datetime) -> Callable[..., today_service.Today]:
    """Today as the service builds it for ``user`` at the test's clock."""

    def read(user: User, show_all: bool = True) -> today_service.Today:
        db.session.expire_all()
        return today_service.today(db.session, caller_for(db.session.get_one(User, user.id), now), show_all=show_all)

    return read


@pytest.fixture
def record_ask(now: datetime) -> Callable[..., Ask]:
    """Write an ask into the ledger through the service: ``record_ask(user, contact, campaign, "no", days_ago=10)``."""

    def record(user: User, contact: Any, campaign: Any, outcome: str, days_ago: float = 5, **fields: Any) -> Ask:
        planner = user_service.user_settings(user).planner(user.audience_size)
        data = {
            "contact_id": contact.id if contact else None,
            "campaign_id": campaign.id if campaign else None,
            "asked_at": now - timedelta(days=days_ago),
            "outcome": outcome,
            **fields,
        }
        ask = ask_service.create_ask(db.session, user.id, data, planner, now)
        db.session.commit()
        return ask

    return record


@pytest.fixture
def pipeline(ready_pair, make_contact, log_touches, now):
    """Maya ready to ask for Season 3, Hannah warming up for it."""
    user, maya, season = ready_pair()
    hannah = make_contact(user, "Hannah Weiss", topics=["podcasting"])
    log_touches(hannah, *WARMING, now=now)
    return user, maya, hannah, season
