"""The go-for-no numbers for one owner, from the ledger in one query."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import or_
from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.asks.schemas import StatsOut
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


def stats_out(session: Session, me: Caller, stats: goforno.Stats) -> StatsOut:
    names = dict(session.execute(owned(Campaign, me.id).with_only_columns(Campaign.id, Campaign.name)).all())
    return StatsOut.of(stats, names)
