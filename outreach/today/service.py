"""Today, built once for the page, the morning digest and ``GET /api/v1/today``: whom to ask now, whom to
warm up and how, the reminders due, the asks waiting for an answer, the follow-ups due, the week's asking,
and the replies to asks the mailbox noticed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_
from sqlalchemy.orm import Session

from outreach.asks.stats import week_stats
from outreach.campaigns.models import Campaign
from outreach.capture.notices import replies_to_record
from outreach.contacts.models import Contact
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.domain.vocabulary import TouchKind
from outreach.feeds.openings import suggestions_for
from outreach.reminders import service as reminders
from outreach.today.board import BoardPair, WarmUpPair, board
from outreach.today.items import Item, names_of
from outreach.today.rows import recent_kinds
from outreach.today.week import Week, follow_ups, waiting

SUGGESTIONS = {
    "comment": "comment on their latest post",
    "share": "share their work with your audience",
    "purchase": "buy their product or book",
    "email": "send a thank-you email about something they made",
}
COOLING_DAYS = 14
ASK_NOW_SHOWN = 15  # the rest wait on the campaign pages: a morning list, not a dump
WARM_UP_SHOWN = 7  # a short, ranked list; "show all" has the rest
REMINDERS_SHOWN = 50
REMINDER_ACTIONS = {
    "ask": "Make the ask",
    "target": "Check they are ready, then ask",
    "keep_warm": "Make a touch",
    "follow_up": "Follow up",
    "interview": "Prepare the interview",
}


@dataclass(frozen=True)
class Today:
    ask_now: list[Item]
    warm_up: list[Item]
    reminders_due: list[Item]
    waiting: list[Item]
    follow_ups: list[Item]
    this_week: Week
    replies: list[Item] = field(default_factory=list)  # asks the mailbox saw answered (capture)
    ask_now_total: int = 0
    warm_up_total: int = 0

    def as_dict(self) -> dict[str, Any]:
        lists = ("ask_now", "warm_up", "reminders_due", "waiting", "follow_ups", "replies")
        return {name: [item.as_dict() for item in getattr(self, name)] for name in lists} | {
            "this_week": self.this_week.as_dict()
        }

    @property
    def has_advice(self) -> bool:
        """Anything to act on this morning: what the digest needs to be worth sending."""
        return bool(self.reminders_due or self.ask_now or self.warm_up or self.follow_ups or self.replies)


def today(session: Session, me: Caller, *, show_all: bool = False) -> Today:
    """Everything Today says, in the user's own day; ``show_all`` lifts the short lists' limits."""
    found = board(session, me)
    ask_limit, warm_limit = (None, None) if show_all else (ASK_NOW_SHOWN, WARM_UP_SHOWN)
    return Today(
        ask_now=[_ask_now_item(pair, me.today) for pair in found.ask_now[:ask_limit]],
        warm_up=[_warm_up_item(pair) for pair in found.warm_up[:warm_limit]],
        reminders_due=reminders_due(session, me),
        waiting=waiting(session, me),
        follow_ups=follow_ups(session, me),
        this_week=Week.of(week_stats(session, me)),
        replies=replies_to_record(session, me),
        ask_now_total=found.ask_now_total,
        warm_up_total=found.warm_up_total,
    )


def _ask_now_item(pair: BoardPair, day: date) -> Item:
    result = pair.result
    criteria = (("Fit", result.fit), ("Trust", result.trust), ("Timing", result.timing))
    return Item(
        pair.contact.id,
        pair.contact.name,
        pair.campaign.id,
        pair.campaign.name,
        " ".join(c.reason for _, c in criteria),
        f"Ask {pair.contact.name} for {pair.campaign.name}",
        "ask",
        day,
        criteria=criteria,
    )


def _warm_up_item(pair: WarmUpPair) -> Item:
    said = pair.advice
    return Item(
        pair.contact.id,
        pair.contact.name,
        pair.campaign.id,
        pair.campaign.name,
        said.sentence,
        said.action,
        "wait" if said.waiting else "touch",
        said.ready_on,
        touch_kind=said.touch_kind,
        warmth=said.warmth,
        moonshot=said.moonshot,
    )


def reminders_due(session: Session, me: Caller) -> list[Item]:
    due = reminders.due(session, me.id, me.today, limit=REMINDERS_SHOWN)
    contacts = names_of(session, me.id, Contact, {r.contact_id for r in due})
    campaigns = names_of(session, me.id, Campaign, {r.campaign_id for r in due})
    return [
        Item(
            r.contact_id,
            contacts.get(r.contact_id) if r.contact_id else None,
            r.campaign_id,
            campaigns.get(r.campaign_id) if r.campaign_id else None,
            r.title,
            REMINDER_ACTIONS.get(r.kind, "Do it"),
            r.kind,
            r.due_on,
            reminder_id=r.id,
        )
        for r in due
    ]


# The keep-warm side, for contacts about to cool below the trust bar: the tick turns it into reminders.


@dataclass(frozen=True)
class WarmUp:
    contact: Contact
    warmth_now: float
    warmth_later: float
    why: str
    suggestion: str


def suggest_touch(session: Session, owner_id: int, contact_id: int, now: datetime | None = None) -> str:
    """Their fresh post when they have one ("comment on “Ep. 212”"); else the warming gesture they have
    had least of lately, so touches stay varied."""
    return suggest_touches(session, owner_id, [contact_id], now or utcnow())[contact_id]


def suggest_touches(session: Session, owner_id: int, contact_ids: Collection[int], now: datetime) -> dict[int, str]:
    """suggest_touch for many contacts (the tick's keep-warm asks for hundreds): their fresh posts, then the
    others' last outbound touches, each in a statement per 500 contacts."""
    found = suggestions_for(session, owner_id, contact_ids, now)
    rest = sorted(set(contact_ids) - found.keys())
    for start in range(0, len(rest), 500):
        chunk = rest[start : start + 500]
        recent = recent_kinds(session, owner_id, chunk)
        for contact_id in chunk:
            used = Counter(recent[contact_id])
            found[contact_id] = SUGGESTIONS[min(SUGGESTIONS, key=lambda k: (used[TouchKind(k)], _ORDER[k]))]
    return found


_ORDER = {kind: place for place, kind in enumerate(SUGGESTIONS)}  # ties go to the first gesture listed


def cooling(session: Session, me: Caller, limit: int = 10) -> list[WarmUp]:
    """Warm enough to ask today, but below the trust bar within 14 days: a range query on the key."""
    bar = me.planner.thresholds.trust_warmth
    later = me.now + timedelta(days=COOLING_DAYS)
    query = owned(Contact, me.id).where(
        and_(
            Contact.warmth_key >= warmth.min_key(bar, me.now, me.params),
            Contact.warmth_key < warmth.min_key(bar, later, me.params),
        )
    )
    contacts = session.scalars(query.order_by(Contact.warmth_key).limit(limit))
    return [
        WarmUp(
            c,
            warmth.warmth(c.warmth_key, me.now, me.params),
            warmth.warmth(c.warmth_key, later, me.params),
            f"falls below {bar:.0f} within {COOLING_DAYS} days",
            suggest_touch(session, c.owner_id, c.id, me.now),
        )
        for c in contacts
    ]
