"""JSON shapes of the records the API returns."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import campaign_facts
from outreach.contacts.models import BusyPeriod, Contact, Touch
from outreach.contacts.touches import point
from outreach.domain import warmth


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def touch_json(touch: Touch) -> dict[str, Any]:
    return {
        "id": touch.id,
        "contact_id": touch.contact_id,
        "kind": touch.kind,
        "direction": touch.direction,
        "occurred_at": iso(touch.occurred_at),
        "channel": touch.channel,
        "url": touch.url,
        "note": touch.note,
        "source": touch.source,
    }


def explanation_json(touches: Iterable[Touch], now: datetime, params: warmth.WarmthParams) -> dict[str, Any]:
    found = warmth.explain([point(t) for t in touches], now, params)
    return {
        "sentence": found.sentence(),
        "touch_count": found.touch_count,
        "last_touch_at": iso(found.last_touch_at),
        "warmth_in_30_days": round(found.warmth_in_30_days, 1),
        "top_touches": [
            {
                "touch_id": c.touch.id,
                "kind": c.touch.kind,
                "direction": c.touch.direction,
                "occurred_at": iso(c.touch.occurred_at),
                "weight": c.weight,
                "contribution": round(c.current, 3),
                "share": round(c.share, 3),
            }
            for c in found.top
        ],
    }


def contact_json(contact: Contact, touches: Iterable[Touch], now: datetime, params: warmth.WarmthParams) -> dict[str, Any]:
    return {
        "id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "emails": contact.emails,
        "kind": contact.kind,
        "topics": contact.topics,
        "audience_size": contact.audience_size,
        "promotes_others": contact.promotes_others,
        "promotion_methods": contact.promotion_methods,
        "fit_override": contact.fit_override,
        "links": contact.links,
        "tags": contact.tags,
        "notes": contact.notes,
        "preferred_contact": contact.preferred_contact,
        "promotions_url": contact.promotions_url,
        "upcoming_events": contact.upcoming_events,
        "warmth": round(warmth.warmth(contact.warmth_key, now, params), 1),
        "warmth_explanation": explanation_json(touches, now, params),
        "first_touch_at": iso(contact.first_touch_at),
        "last_touch_at": iso(contact.last_touch_at),
        "created_at": iso(contact.created_at),
        "updated_at": iso(contact.updated_at),
    }


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    opens, closes = campaign_facts(campaign).window
    return {
        "id": campaign.id,
        "name": campaign.name,
        "kind": campaign.kind,
        "date": iso(campaign.date),
        "topics": campaign.topics,
        "yes_target": campaign.yes_target,
        "window_start_weeks": campaign.window_start_weeks,
        "window_end_weeks": campaign.window_end_weeks,
        "ask_window": {"opens": iso(opens), "closes": iso(closes)},
        "description": campaign.description,
    }


def busy_json(period: BusyPeriod) -> dict[str, Any]:
    return {
        "id": period.id,
        "contact_id": period.contact_id,
        "start": iso(period.start),
        "end": iso(period.end),
        "summary": period.summary,
        "source": period.source,
    }


def ask_json(ask: Ask) -> dict[str, Any]:
    return {
        "id": ask.id,
        "contact_id": ask.contact_id,
        "campaign_id": ask.campaign_id,
        "asked_at": iso(ask.asked_at),
        "channel": ask.channel,
        "request": ask.request,
        "recipients": ask.recipients,
        "parent_id": ask.parent_id,
        "message_id": ask.message_id,
        "outcome": ask.outcome,
        "reason": ask.reason,
        "reason_detail": ask.reason_detail,
        "lesson": ask.lesson,
        "follow_up_on": iso(ask.follow_up_on),
        "decided_at": iso(ask.decided_at),
        "replied_at": iso(ask.replied_at),
        "reply_subject": ask.reply_subject,
        "warmth_at_ask": ask.warmth_at_ask,
        "criteria_at_ask": ask.criteria_at_ask,
    }


def page_json(items: list[dict[str, Any]], total: int, page: int, per_page: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page, "per_page": per_page, "pages": -(-total // per_page)}
