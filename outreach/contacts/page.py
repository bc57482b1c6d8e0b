"""What the contact page shows, in parts: the quick-log re-renders the warmth and readiness parts alone."""

from __future__ import annotations

from datetime import date
from typing import Any

from outreach.campaigns.readiness import PairReadiness, active_campaigns, assess_contact
from outreach.contacts import service
from outreach.contacts import touches as touch_service
from outreach.contacts.chart import warmth_chart
from outreach.contacts.models import Contact, Touch
from outreach.core.caller import Caller
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
    """Fit, trust and timing for each upcoming campaign, the contact's facts read once."""
    return assess_contact(db.session, contact, active_campaigns(db.session, caller.id, caller.now), caller.planner, caller.now)


def page_parts(caller: Caller, contact: Contact) -> dict[str, Any]:
    """Everything the contact page's template needs besides its forms."""
    touches = touch_service.touches_of(db.session, contact)
    today: date = caller.now.date()
    return {
        "contact": contact,
        **warmth_part(caller, contact, touches),
        "checklist": readiness_part(caller, contact),
        "timeline": service.timeline(db.session, contact, touches),
        "busy": service.busy_periods(db.session, contact),
        "today": today,
    }
