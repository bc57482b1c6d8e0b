"""The go-for-no numbers for one owner, from the ledger in one query."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.domain import goforno


def ledger(session: Session, owner_id: int) -> list[goforno.AskRecord]:
    rows = session.execute(
        owned(Ask, owner_id).with_only_columns(
            Ask.id,
            Ask.asked_at,
            Ask.outcome,
            Ask.recipients,
            Ask.parent_id,
            Ask.campaign_id,
            Ask.reason,
            Ask.lesson,
            Ask.warmth_at_ask,
        )
    )
    return [goforno.AskRecord(*row) for row in rows]


def stats_for(session: Session, me: Caller) -> goforno.Stats:
    return goforno.compute(ledger(session, me.id), me.now, me.user.timezone or "UTC", me.settings.weekly_no_goal)


def stats_json(session: Session, me: Caller, stats: goforno.Stats) -> dict[str, Any]:
    names = dict(session.execute(owned(Campaign, me.id).with_only_columns(Campaign.id, Campaign.name)).all())
    return {
        "headline": stats.headline(),
        "week": {
            "starts_on": stats.week_start.isoformat() if stats.week_start else None,
            "no_goal": stats.weekly_no_goal,
            **stats.this_week.as_dict(),
        },
        "overall": stats.overall.as_dict(),
        "trend": stats.trend,
        "by_campaign": [
            {"campaign_id": cid, "campaign": names.get(cid, "no campaign") if cid else "no campaign", **t.as_dict()}
            for cid, t in sorted(stats.by_campaign.items(), key=lambda item: (item[0] is None, item[0] or 0))
        ],
        "by_month": [{"month": month, **t.as_dict()} for month, t in sorted(stats.by_month.items())],
        "reasons": [{"reason": reason, "count": count} for reason, count in stats.reasons],
        "yes_rate_by_warmth": [{"band": band, **t.as_dict()} for band, t in stats.by_warmth.items()],
        "lessons": [{"asked_at": at.isoformat(), "lesson": lesson} for at, lesson in stats.lessons],
    }
