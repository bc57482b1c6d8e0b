"""The forecast: on what date all three criteria will hold if the user keeps the planned cadence.

Pure domain code, beside readiness.py (the criteria themselves).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from outreach.domain import warmth as wm
from outreach.domain.readiness import (
    CampaignFacts,
    ContactFacts,
    Criterion,
    Planner,
    Readiness,
    agreed,
    blocking_ask,
    busy_on,
    fit,
    last_decline,
    timing,
    trust,
    trust_warmth_bar,
)
from outreach.domain.words import plural


def assess(contact: ContactFacts, campaign: CampaignFacts, now: datetime, planner: Planner) -> Readiness:
    """All three criteria and the forecast for one pair."""
    fit_c = fit(contact, campaign, planner.thresholds)
    trust_c = trust(contact, now, planner)
    timing_c = timing(contact, campaign, now.date())
    ready_on, why = forecast(contact, campaign, now, planner, fit_c, trust_c, timing_c)
    return Readiness(fit_c, trust_c, timing_c, ready_on, why)


def cadence_touches_until_warm(current_sum: float, target_sum: float, planner: Planner) -> tuple[int, float] | None:
    """Touches at the planned cadence until the decayed sum reaches target, and their spacing in days.

    After n touches of weight w every Δ days, S = S0·rⁿ + w(1 − rⁿ)/(1 − r) with r = 2^(−Δ/h);
    solved for n in closed form so forecasting every pair stays cheap.
    """
    if current_sum >= target_sum:
        return 0, 0.0
    if planner.cadence_per_week <= 0 or planner.cadence_touch_weight <= 0:
        return None
    spacing = 7.0 / planner.cadence_per_week
    r = 2.0 ** (-spacing / planner.warmth.half_life_days)
    limit = planner.cadence_touch_weight / (1.0 - r)
    if limit <= target_sum:
        return None
    n = math.log((limit - target_sum) / (limit - current_sum)) / math.log(r)
    return max(1, math.ceil(n - 1e-9)), spacing


def forecast(
    contact: ContactFacts,
    campaign: CampaignFacts,
    now: datetime,
    planner: Planner,
    fit_c: Criterion,
    trust_c: Criterion,
    timing_c: Criterion,
) -> tuple[date | None, str]:
    """The first date all three criteria hold if the user keeps the planned cadence."""
    today = now.date()
    if fit_c.met and trust_c.met and timing_c.met:
        return today, "Ask-ready today."
    if not fit_c.met:
        return None, "Not a fit for this campaign: touches cannot fix that."
    if agreed(contact, campaign) is not None:
        return None, "They already said yes to this campaign."
    opens, closes = campaign.window
    if today > closes:
        return None, f"The ask window closed on {closes:%d %b %Y}."

    bar = trust_warmth_bar(contact, planner)
    current = wm.decayed_sum(contact.warmth_key, now, planner.warmth)
    needed = cadence_touches_until_warm(current, wm.sum_for_warmth(bar, planner.warmth), planner)
    if needed is None:
        return None, (
            f"At {plural(planner.cadence_per_week, 'touch')} a week warmth never reaches {bar:.0f}: "
            "touch more often or with weightier touches."
        )
    touches, spacing = needed
    candidates = [today, opens, today + timedelta(days=math.ceil(touches * spacing))]
    first = contact.first_touch_at.date() if contact.first_touch_at else today + timedelta(days=math.ceil(spacing))
    candidates.append(first + timedelta(days=planner.thresholds.relationship_days))
    declined = last_decline(contact)
    if declined:
        candidates.append(declined + timedelta(days=planner.thresholds.decline_cooldown_days))
    day = max(candidates)
    blocking = blocking_ask(contact, day)
    if blocking and blocking[0] == "open":
        return None, "An ask to them is still open: record its outcome first."
    if blocking:
        day = max(day, blocking[1])
    while day <= closes:
        busy = busy_on(contact, day)
        if busy is None:
            break
        day = busy[1] + timedelta(days=1)
    if day > closes:
        return None, f"At your cadence they will not be ready before the window closes on {closes:%d %b %Y}."
    caveat = "" if contact.has_inbound else " — provided they engage back at least once"
    return day, f"Ask-ready by {day:%d %b %Y} at {plural(planner.cadence_per_week, 'touch')} a week{caveat}."
