"""Warm up holds only the pairs a touch (or only time) brings to an ask in their campaign's window:
each rule proved against the ledger, and the order and length of the list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.today.conftest import WARMING


@pytest.fixture
def season(make_user, make_campaign, now):
    """A user and a podcast season whose ask window is open for five more weeks."""
    user = make_user(audience_size=1_000)
    return user, make_campaign(user, "Season 3", date=now.date() + timedelta(weeks=8))


def pairs(found) -> list[tuple[str, str]]:
    return [(item.contact_name, item.campaign_name) for item in found.warm_up]


LEDGER = {
    # rule: (outcome, days ago, follow-up in days, for this campaign or another one)
    "they said yes to this campaign": ("yes", 10, None, "this"),
    "they were asked for this campaign and never answered": ("no_response", 25, None, "this"),
    "an ask to them is still open": ("pending", 3, None, "other"),
    "they said not now and the follow-up date is ahead": ("not_now", 12, 20, "other"),
    "they declined and the cool-down outlasts the window": ("no", 10, None, "other"),
}


@pytest.mark.parametrize("rule", [*LEDGER, "they do not fit"])
def test_warm_up_leaves_out_whom_no_touch_can_bring_to_an_ask(
    rule, season, make_campaign, make_contact, log_touches, record_ask, today_of, now
):
    user, campaign = season
    other = make_campaign(user, "Launch", kind="launch", date=now.date() + timedelta(weeks=40), topics=["copywriting"])
    control = make_contact(user, "Control Person", topics=["podcasting"])
    subject = make_contact(user, "Sam Subject", topics=["cooking"] if rule == "they do not fit" else ["podcasting"])
    log_touches(control, *WARMING, now=now)
    log_touches(subject, *WARMING, now=now)
    if rule in LEDGER:
        assert ("Sam Subject", "Season 3") in pairs(today_of(user))  # warming until the ledger says otherwise
        outcome, days_ago, follow_up, which = LEDGER[rule]
        fields = {"follow_up_on": (now + timedelta(days=follow_up)).date()} if follow_up else {}
        record_ask(user, subject, campaign if which == "this" else other, outcome, days_ago=days_ago, **fields)
    listed = pairs(today_of(user))
    assert ("Sam Subject", "Season 3") not in listed
    assert ("Control Person", "Season 3") in listed


def test_a_decline_whose_cool_down_ends_before_the_window_opens_keeps_them_warming(
    make_user, make_campaign, make_contact, log_touches, record_ask, today_of, now
):
    user = make_user()
    earlier = make_campaign(user, "Season 4", date=now.date() + timedelta(weeks=8))
    make_campaign(user, "Season 5", date=now.date() + timedelta(weeks=30))  # opens in 18 weeks
    contact = make_contact(user, "Omar Haddad", topics=["podcasting"])
    log_touches(contact, *WARMING, now=now)
    record_ask(user, contact, earlier, "no", days_ago=10)  # the cool-down ends in 80 days
    assert ("Omar Haddad", "Season 5") in pairs(today_of(user))
    assert ("Omar Haddad", "Season 4") not in pairs(today_of(user))


def test_when_only_time_is_missing_the_advice_is_to_wait_until_that_date(season, make_contact, log_touches, today_of, now):
    user, _ = season
    contact = make_contact(user, "Tom Becker", topics=["podcasting"])
    # Warm (about 70) and reciprocated, but known for 8 weeks: the bar is 9 (60 days).
    log_touches(contact, ("collaboration", "inbound", 56), ("meeting", "outbound", 10), now=now)
    item = next(i for i in today_of(user).warm_up if i.contact_name == "Tom Becker")
    ready = (now - timedelta(days=56)).date() + timedelta(days=60)
    assert (item.kind, item.touch_kind, item.day) == ("wait", None, ready)
    assert item.action.startswith(f"Wait until {ready:%d %b %Y}") and "buy" not in item.action.lower()
    assert "relationship 8 weeks old, needs 9" in item.sentence


def test_someone_who_never_engaged_back_is_invited_to_reply_not_sold_to(season, make_contact, log_touches, today_of, now):
    user, _ = season
    contact = make_contact(user, "Noor Aziz", topics=["podcasting"])
    log_touches(contact, ("comment", "outbound", 100), ("email", "outbound", 30), ("share", "outbound", 20), now=now)
    item = next(i for i in today_of(user).warm_up if i.contact_name == "Noor Aziz")
    assert item.kind == "touch" and item.touch_kind in ("comment", "email", "dm")
    assert "question" in item.action or "asking" in item.action
    assert "buy" not in item.action.lower()


def test_warm_up_is_grouped_by_campaign_urgent_window_first_accessible_and_closest_first(
    make_user, make_campaign, make_contact, log_touches, today_of, now
):
    user = make_user(audience_size=1_000)
    soon = make_campaign(user, "Soon", date=now.date() + timedelta(weeks=10))  # closes in 7 weeks
    make_campaign(user, "Later", date=now.date() + timedelta(weeks=30), topics=["launches"])
    far = make_contact(user, "Far Accessible", topics=["podcasting"], audience_size=2_000)
    close = make_contact(user, "Close Accessible", topics=["podcasting"], audience_size=2_000)
    moon = make_contact(user, "Close Moonshot", topics=["podcasting"], audience_size=500_000)
    later = make_contact(user, "Later Partner", topics=["launches"], audience_size=2_000)
    log_touches(far, ("comment", "inbound", 100), ("comment", "outbound", 90), now=now)
    for contact in (close, later):
        log_touches(contact, *WARMING, now=now)
    log_touches(moon, ("email", "inbound", 100), ("email", "outbound", 30), ("share", "outbound", 5), now=now)
    found = today_of(user)
    assert pairs(found) == [
        ("Close Accessible", "Soon"),
        ("Far Accessible", "Soon"),
        ("Close Moonshot", "Soon"),
        ("Later Partner", "Later"),
    ]
    assert [i.moonshot for i in found.warm_up] == [False, False, True, False]
    assert soon.id == found.warm_up[0].campaign_id


def test_warm_up_shows_seven_by_default_and_all_on_request(season, make_contact, log_touches, today_of, now):
    user, _ = season
    for n in range(9):
        log_touches(make_contact(user, f"Guest {n}", topics=["podcasting"]), *WARMING, now=now)
    short, everyone = today_of(user, show_all=False), today_of(user, show_all=True)
    assert len(short.warm_up) == 7 and short.warm_up_total == 9
    assert len(everyone.warm_up) == 9
    assert all(item.action and item.touch_kind for item in short.warm_up)
