"""The go-for-no numbers for one owner, from the ledger in one query."""

from __future__ import annotations

from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.asks.schemas import StatsOut
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


def stats_out(session: Session, me: Caller, stats: goforno.Stats) -> StatsOut:
    names = dict(session.execute(owned(Campaign, me.id).with_only_columns(Campaign.id, Campaign.name)).all())
    return StatsOut.of(stats, names)
