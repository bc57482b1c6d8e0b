"""What the contact page shows, in parts: the quick-log re-renders the warmth and readiness parts alone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from outreach.asks.models import Ask
from outreach.campaigns.readiness import PairReadiness, active_campaigns, assess_pair
from outreach.contacts import touches as touch_service
from outreach.contacts.chart import warmth_chart
from outreach.contacts.models import BusyPeriod, Contact, Touch
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.domain import warmth
from outreach.extensions import db


def warmth_part(caller: Caller, contact: Contact, touches: list[Touch]) -> dict[str, Any]:
    """The badge, the sentence with its top touches, and the chart: one reading of the same touches."""
    points = [touch_service.point(t) for t in touches]
    return {
        "warmth_now": warmth.warmth(contact.warmth_key, caller.now, caller.params),
        "explanation": warmth.explain(points, caller.now, caller.params),
        "chart": warmth_chart(points, contact.warmth_key, caller.now, caller.params, caller.planner.thresholds.trust_warmth),
    }


def readiness_part(caller: Caller, contact: Contact) -> list[PairReadiness]:
    """Fit, trust and timing for each upcoming campaign."""
    return [
        assess_pair(db.session, contact, campaign, caller.planner, caller.now)
        for campaign in active_campaigns(db.session, caller.id, caller.now)
    ]


def timeline_and_busy(
    caller: Caller, contact: Contact, touches: list[Touch]
) -> tuple[list[tuple[str, datetime, Any]], list[BusyPeriod]]:
    """Touches and asks, newest first; busy periods apart, in date order (they are not events of the past)."""
    asks = db.session.scalars(owned(Ask, caller.id).where(Ask.contact_id == contact.id).order_by(Ask.asked_at.desc()))
    timeline = sorted(
        [("touch", t.occurred_at, t) for t in touches] + [("ask", a.asked_at, a) for a in asks],
        key=lambda item: item[1],
        reverse=True,
    )
    busy = list(
        db.session.scalars(owned(BusyPeriod, caller.id).where(BusyPeriod.contact_id == contact.id).order_by(BusyPeriod.start))
    )
    return timeline, busy


def page_parts(caller: Caller, contact: Contact) -> dict[str, Any]:
    """Everything the contact page's template needs besides its forms."""
    touches = touch_service.touches_of(db.session, contact)
    timeline, busy = timeline_and_busy(caller, contact, touches)
    today: date = caller.now.date()
    return {
        "contact": contact,
        **warmth_part(caller, contact, touches),
        "checklist": readiness_part(caller, contact),
        "timeline": timeline,
        "busy": busy,
        "today": today,
    }
