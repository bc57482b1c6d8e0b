"""Today's asking side: the week's tally (go-for-no's own count), the asks still waiting for an answer,
and the "not now" answers whose follow-up is due, each naming the person and the campaign."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.domain import goforno
from outreach.today.items import Item, names_of

FOLLOW_UP_DAYS_AHEAD = 7
WAITING_SHOWN = 50


@dataclass(frozen=True)
class Week:
    """This week's asking, as go-for-no counts it: a bulk send counts its recipients, "not now" is a no."""

    week_start: date
    asks: int
    yeses: int
    explicit_nos: int
    implicit_nos: int
    pending: int
    no_goal: int

    @classmethod
    def of(cls, stats: goforno.Stats) -> Week:
        tally = stats.this_week
        start = stats.week_start or date.min
        return cls(start, tally.asks, tally.yeses, tally.explicit_nos, tally.implicit_nos, tally.pending, stats.weekly_no_goal)

    @property
    def nos(self) -> int:
        return self.explicit_nos + self.implicit_nos

    @property
    def nos_to_goal(self) -> int:
        return max(0, self.no_goal - self.nos)

    def sentence(self) -> str:
        asks = f"{self.asks} ask{'' if self.asks == 1 else 's'} since {self.week_start:%a %d %b}"
        yeses = f"{self.yeses} yes{'' if self.yeses == 1 else 'es'}"
        goal = f"Go for no: {self.nos_to_goal} more this week." if self.nos_to_goal else "No-goal reached. Keep going."
        return f"{self.nos} of {self.no_goal} nos: {asks}, {yeses}. {goal}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "week_start": self.week_start.isoformat(),
            "asks": self.asks,
            "yeses": self.yeses,
            "nos": self.nos,
            "explicit_nos": self.explicit_nos,
            "implicit_nos": self.implicit_nos,
            "pending": self.pending,
            "no_goal": self.no_goal,
            "nos_to_goal": self.nos_to_goal,
            "sentence": self.sentence(),
        }


def _named(session: Session, owner_id: int, asks: list[Ask]) -> tuple[dict[int, str], dict[int, str]]:
    contacts = names_of(session, owner_id, Contact, {a.contact_id for a in asks})
    return contacts, names_of(session, owner_id, Campaign, {a.campaign_id for a in asks})


def _about(ask: Ask, campaigns: dict[int, str]) -> str:
    if ask.campaign_id and ask.campaign_id in campaigns:
        return f"about {campaigns[ask.campaign_id]}"
    return f"“{ask.request[:60]}”" if ask.request else "with no campaign named"


def waiting(session: Session, me: Caller) -> list[Item]:
    """Asks with no answer yet (bulk sends with their replies so far), the oldest first."""
    query = owned(Ask, me.id).where(Ask.outcome == "pending", Ask.parent_id.is_(None)).order_by(Ask.asked_at, Ask.id)
    asks = list(session.scalars(query.limit(WAITING_SHOWN)))
    contacts, campaigns = _named(session, me.id, asks)
    bulk = [a.id for a in asks if a.recipients > 1]
    replies: Counter[int] = Counter()
    if bulk:
        counted = owned(Ask, me.id).where(Ask.parent_id.in_(bulk)).with_only_columns(Ask.parent_id, func.count(Ask.id))
        replies.update({parent: count for parent, count in session.execute(counted.group_by(Ask.parent_id)) if parent})
    items = []
    for ask in asks:
        asked = ask.asked_at.date()
        silent_on = asked + timedelta(days=me.settings.implicit_no_days)
        deadline = f"counts as a no on {silent_on:%d %b}" if silent_on > me.today else "counts as a no from today"
        name = contacts.get(ask.contact_id) if ask.contact_id else None
        about = _about(ask, campaigns)
        if ask.recipients > 1:
            got = replies[ask.id]
            sentence = (
                f"Your send to {ask.recipients} people {about} on {asked:%d %b}: {got} repl{'y' if got == 1 else 'ies'} "
                f"so far; each silent one {deadline}."
            )
            action = "Record the replies"
        else:
            who = name or "someone since deleted"
            sentence = f"You asked {who} {about} on {asked:%d %b}; no answer yet. Without one it {deadline}."
            action = f"Record {name}'s answer" if name else "Record the answer"
        campaign_name = campaigns.get(ask.campaign_id) if ask.campaign_id else None
        kind = "bulk" if ask.recipients > 1 else "single"
        items.append(Item(ask.contact_id, name, ask.campaign_id, campaign_name, sentence, action, kind, asked, ask_id=ask.id))
    return items


def follow_ups(session: Session, me: Caller) -> list[Item]:
    """ "Not now" answers whose follow-up date is within a week (or past), unless asked again since."""
    horizon = me.today + timedelta(days=FOLLOW_UP_DAYS_AHEAD)
    query = owned(Ask, me.id).where(Ask.outcome == "not_now", Ask.follow_up_on <= horizon)
    asks = list(session.scalars(query.order_by(Ask.follow_up_on, Ask.id)))
    asked_again = _asked_again(session, me.id, asks)
    asks = [a for a in asks if a.id not in asked_again]
    contacts, campaigns = _named(session, me.id, asks)
    items = []
    for ask in asks:
        name = contacts.get(ask.contact_id) if ask.contact_id else None
        due: date = ask.follow_up_on  # type: ignore[assignment]
        when = f"follow up on {due:%d %b}" if due >= me.today else f"the follow-up was due on {due:%d %b}"
        why = f" ({ask.reason.replace('_', ' ')})" if ask.reason else ""
        who = name or "They"
        sentence = f"{who} said not now {_about(ask, campaigns)} on {ask.asked_at:%d %b}{why}: {when}."
        campaign_name = campaigns.get(ask.campaign_id) if ask.campaign_id else None
        action = f"Ask {name} again" if name else "Ask again"
        item = Item(ask.contact_id, name, ask.campaign_id, campaign_name, sentence, action, "follow_up", due, ask_id=ask.id)
        items.append(item)
    return items


def _asked_again(session: Session, owner_id: int, asks: list[Ask]) -> set[int]:
    """The "not now" asks that a later ask to the same person for the same campaign has answered."""
    people = {a.contact_id for a in asks if a.contact_id is not None}
    if not people:
        return set()
    later = owned(Ask, owner_id).where(Ask.contact_id.in_(sorted(people)))
    latest: dict[tuple[int | None, int | None], datetime] = {}
    for contact_id, campaign_id, asked_at in session.execute(
        later.with_only_columns(Ask.contact_id, Ask.campaign_id, Ask.asked_at)
    ):
        key = (contact_id, campaign_id)
        latest[key] = max(latest.get(key, asked_at), asked_at)
    return {a.id for a in asks if a.contact_id is not None and latest[(a.contact_id, a.campaign_id)] > a.asked_at}
