"""The go-for-no numbers for one owner, from the ledger in one query."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.domain import goforno


def ledger(session: Session, owner_id: int, since: datetime | None = None) -> list[goforno.AskRecord]:
    """The owner's asks as go-for-no reads them; ``since``: only sends made from then on, with their replies."""
    query = owned(Ask, owner_id)
    if since is not None:
        sends = owned(Ask, owner_id).where(Ask.asked_at >= since).with_only_columns(Ask.id)
        query = query.where(or_(Ask.asked_at >= since, Ask.parent_id.in_(sends)))
    rows = session.execute(
        query.with_only_columns(
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
    return goforno.compute(ledger(session, me.id), me.now, me.zone.key, me.settings.weekly_no_goal)


def week_stats(session: Session, me: Caller) -> goforno.Stats:
    """This week's tally, counted by go-for-no's own rules in the user's week; only its ``this_week``
    and ``week_start`` mean anything, as only this week's asks are read."""
    zone = me.zone
    start = goforno.week_start(me.now, zone)
    # Local Monday midnight in UTC, a day early so no offset or clock change can cut the week short:
    # compute() itself decides which asks fall in the week.
    since = datetime.combine(start, time(), zone).astimezone(UTC).replace(tzinfo=None) - timedelta(days=1)
    return goforno.compute(ledger(session, me.id, since), me.now, zone.key, me.settings.weekly_no_goal)


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
