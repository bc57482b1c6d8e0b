"""The campaign page: every contact in their pipeline column, the ask window, the plan and the season."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from outreach.campaigns.models import Campaign
from outreach.campaigns.plans import campaign_asks, campaign_plan
from outreach.campaigns.readiness import PairReadiness, assess_campaign, campaign_facts
from outreach.core.caller import Caller
from outreach.domain import pipeline, plan
from outreach.episodes import service as episodes
from outreach.episodes.models import Episode


@dataclass(frozen=True)
class CampaignBoard:
    columns: dict[str, list[PairReadiness]]  # by pipeline stage, in pipeline.STAGES order
    opens: date
    closes: date
    today: date
    today_mark: float  # where today and the close stand on the window's bar, in percent
    closes_mark: float
    plan: plan.Plan
    episodes: list[Episode]

    @property
    def counts(self) -> Counter[str]:
        return Counter({stage: len(pairs) for stage, pairs in self.columns.items()})


def campaign_board(session: Session, me: Caller, campaign: Campaign) -> CampaignBoard:
    """Assessed once; the campaign's asks read once for both the columns and the plan."""
    pairs = assess_campaign(session, campaign, me.planner, me.now)
    asks = campaign_asks(session, campaign)
    latest = {contact_id: outcome for contact_id, outcome in asks if contact_id is not None}  # oldest first: the last wins
    columns: dict[str, list[PairReadiness]] = {stage: [] for stage in pipeline.STAGES}
    for pair in pairs:
        columns[pipeline.stage(latest.get(pair.contact.id), pair.result.ask_ready, pair.result.fit.met)].append(pair)
    opens, closes = campaign_facts(campaign).window
    today = me.now.date()
    today_mark, closes_mark = pipeline.window_marks(opens, closes, campaign.date, today)
    return CampaignBoard(
        columns=columns,
        opens=opens,
        closes=closes,
        today=today,
        today_mark=today_mark,
        closes_mark=closes_mark,
        plan=campaign_plan(session, me, campaign, pairs, asks),
        episodes=episodes.episodes_of(session, campaign) if campaign.kind == "podcast_season" else [],
    )
