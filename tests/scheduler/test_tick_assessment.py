"""The tick's own reading of readiness (plain rows, fit and trust shared between pairs, unfit pairs left out)
says exactly what assess_campaigns says, over random contacts, signals, asks and busy periods."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.asks import service as ask_service
from outreach.campaigns import service as campaign_service
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import AssessedPair, active_campaigns, assess_campaigns, assess_fits
from outreach.contacts import service as contact_service
from outreach.contacts import touches as touch_service
from outreach.core.caller import caller_for
from outreach.extensions import db
from outreach.reminders import books
from outreach.reminders.drafting import keep_warm
from outreach.today.service import cooling
from tests import histories
from tests.conftest import _empty_tables

TOPICS: tuple[list[str], ...] = (["podcasting"], ["Podcasting", "marketing"], ["cooking"], [])
touch = st.tuples(
    st.sampled_from(("comment", "email", "call", "collaboration")), st.sampled_from(("inbound", "outbound")), st.floats(0, 200)
)
ask = st.tuples(st.sampled_from(("pending", "no", "not_now", "yes")), st.integers(0, 1), st.integers(0, 120))
contact = st.fixed_dictionaries(
    {
        "topics": st.sampled_from(TOPICS),
        "promotes_others": st.sampled_from((None, True, False)),
        "promotion_methods": st.sampled_from(([], ["interview"], ["affiliate"])),
        "fit_override": st.sampled_from((None, None, 2, 5)),
        "audience_size": st.sampled_from((None, 100, 1_000_000)),
        "touches": st.lists(touch, max_size=5),
        "asks": st.lists(ask, max_size=2),
        "busy": st.lists(st.tuples(st.integers(-5, 60), st.integers(0, 20)), max_size=2),
    }
)
world = st.fixed_dictionaries(
    {
        "contacts": st.lists(contact, min_size=1, max_size=6),
        "campaigns": st.lists(st.tuples(st.integers(1, 120), st.sampled_from(TOPICS)), min_size=1, max_size=3),
    }
)


def build(data: dict[str, Any], now: datetime) -> int:
    user = user_service.create_user(db.session, "pairs@example.com", "correct horse")
    user.audience_size = 5_000
    params = user_service.user_settings(user).warmth_params()
    planner = user_service.user_settings(user).planner(user.audience_size)
    campaigns = histories.campaigns(user.id, data["campaigns"], now)
    for i, person in enumerate(data["contacts"]):
        fields = {
            name: person[name] for name in ("topics", "promotes_others", "promotion_methods", "fit_override", "audience_size")
        }
        made = contact_service.create_contact(db.session, user.id, {"name": f"Person {i}", **fields})
        for kind, direction, days_ago in person["touches"]:
            at = now - timedelta(days=days_ago)
            touch_service.log_touch(db.session, made, {"kind": kind, "direction": direction, "occurred_at": at}, params)
        for outcome, which, days_ago in person["asks"]:
            asked = {"contact_id": made.id, "campaign_id": campaigns[which % len(campaigns)].id}
            asked |= {"asked_at": now - timedelta(days=days_ago), "outcome": outcome}
            if outcome == "not_now":
                asked["follow_up_on"] = now.date() + timedelta(days=30 - days_ago)
            ask_service.create_ask(db.session, user.id, asked, planner, now)
        for starts, lasts in person["busy"]:
            start = now.date() + timedelta(days=starts)
            campaign_service.add_busy_period(db.session, made, start, start + timedelta(days=lasts))
    db.session.commit()
    return user.id


def by_campaign(campaigns: list[Campaign], pairs: Iterable[AssessedPair]) -> dict[int, list[AssessedPair]]:
    """Each campaign's pairs by rank: pairs come in contact id order and the sort is stable, so ties stay
    as assess_campaigns' do (the order the board's rows break their ties by)."""
    boards: dict[int, list[AssessedPair]] = {campaign.id: [] for campaign in campaigns}
    for pair in pairs:
        boards[pair.campaign.id].append(pair)
    for found in boards.values():
        found.sort(key=lambda pair: pair.rank)
    return boards


def test_the_ticks_assessment_equals_assess_campaigns_and_leaves_out_only_unfit_pairs(app, now):
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    @given(data=world)
    def check(data: dict[str, Any]) -> None:
        db.session.remove()
        _empty_tables()
        owner_id = build(data, now)
        me = caller_for(db.session.get_one(User, owner_id), now)
        campaigns = active_campaigns(db.session, owner_id, now)
        reference = assess_campaigns(db.session, owner_id, campaigns, me.planner, now)
        pairs = {(p.contact.id, campaign_id) for campaign_id, board in reference.items() for p in board}
        every = by_campaign(campaigns, assess_fits(db.session, owner_id, campaigns, me.planner, now, wanted=pairs))
        fitting = by_campaign(campaigns, assess_fits(db.session, owner_id, campaigns, me.planner, now))
        for campaign in campaigns:
            expected = [(p.contact.id, p.contact.name, p.result) for p in reference[campaign.id]]
            assert [(p.contact_id, p.contact_name, p.result) for p in every[campaign.id]] == expected
            assert [(p.contact_id, p.result) for p in fitting[campaign.id]] == [
                (contact_id, result) for contact_id, _, result in expected if result.fit.met
            ]

    check()


def test_keep_warm_drafts_what_todays_cooling_list_says(make_user, make_contact, log_touches, now):
    user = make_user()
    # Warmth just above 60 now, below it within two weeks; their last touches differ, so do the suggestions.
    for i, latest in enumerate(("share", "comment", "email")):
        log_touches(make_contact(user, f"Cooling {i}"), ("collaboration", "inbound", 57), (latest, "outbound", 1), now=now)
    me = caller_for(user, now)
    expected = {
        (
            w.contact.id,
            f"Touch {w.contact.name}: suggested {w.suggestion}",
            f"Warmth {w.warmth_now:.0f} {w.why} (to {w.warmth_later:.0f}).",
        )
        for w in cooling(db.session, me, limit=500)
    }
    assert expected, "the example must have contacts cooling below the bar"
    book = books.load_book(db.session, user.id, now.date(), batched=True)
    keep_warm(db.session, me, book)
    assert {(r.contact_id, r.title, r.body) for r in book.new} == expected
