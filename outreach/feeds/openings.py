"""Openings: a fresh post by someone you are warming, offered as today's touch; acted on or dismissed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, insert, select
from sqlalchemy.orm import Session

from outreach.campaigns.readiness import active_campaigns, campaign_facts, facts_for
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact, Touch
from outreach.core.caller import Caller
from outreach.core.errors import InvalidInput
from outreach.core.ownership import owned
from outreach.domain import readiness
from outreach.domain.vocabulary import TouchSource
from outreach.feeds.models import Opening, OpeningState, Post, PostKind

FRESH_FOR = timedelta(days=7)
# What to do with a post, by kind: the sentence's ending and the touch one click logs.
GESTURES: dict[PostKind, tuple[str, str]] = {
    PostKind.ARTICLE: ("comment on it", "comment"),
    PostKind.EPISODE: ("comment on it", "comment"),
    PostKind.VIDEO: ("share it", "share"),
    PostKind.NOTE: ("reply to it", "comment"),
}


@dataclass(frozen=True)
class NewPost:
    """A post just stored, as the bulk insert returned it."""

    id: int
    owner_id: int
    contact_id: int
    feed_id: int
    url: str | None
    published_at: datetime | None


@dataclass(frozen=True)
class Fresh:
    """An opening as Today and the digest show it."""

    opening: Opening
    ago: str
    gesture: str
    touch_kind: str
    campaign: str | None  # the soonest campaign they fit, which ranks them first

    @property
    def sentence(self) -> str:
        return f"{self.opening.contact_name} published “{self.opening.title}” {self.ago} — {self.gesture}"


def since(moment: datetime, now: datetime) -> str:
    """ "3 hours ago", "yesterday", "4 days ago" """
    hours = max(0, int((now - moment).total_seconds() // 3600))
    if hours < 1:
        return "just now"
    if hours < 24:
        return f"{hours} hour{'s' if hours > 1 else ''} ago"
    days = hours // 24
    return "yesterday" if days == 1 else f"{days} days ago"


def _is_fresh(post: NewPost, first_read: set[int], now: datetime) -> bool:
    if post.published_at is None:
        # Undated items count from when they are first seen, but not on a feed's first read:
        # that would make a whole archive "fresh" at once.
        return post.feed_id not in first_read
    return post.published_at >= now - FRESH_FOR


def offer(session: Session, posts: list[NewPost], first_read: set[int], now: datetime) -> int:
    """Fresh new posts of live contacts become openings, unless a touch already links to the post."""
    candidates = [post for post in posts if _is_fresh(post, first_read, now)]
    if not candidates:
        return 0
    contact_ids = sorted({post.contact_id for post in candidates})
    live = set(session.scalars(select(Contact.id).where(Contact.id.in_(contact_ids), Contact.deleted_at.is_(None))))
    urls = sorted({post.url for post in candidates if post.url})
    query = select(Touch.contact_id, Touch.url).where(Touch.contact_id.in_(contact_ids), Touch.url.in_(urls))
    touched = {(contact_id, url) for contact_id, url in session.execute(query)} if urls else set()
    rows = [
        {"owner_id": p.owner_id, "contact_id": p.contact_id, "post_id": p.id, "state": OpeningState.OPEN, "created_at": now}
        for p in candidates
        if p.contact_id in live and (p.contact_id, p.url) not in touched
    ]
    if rows:
        session.execute(insert(Opening), rows)
    return len(rows)


def _moment() -> Any:
    return func.coalesce(Post.published_at, Post.first_seen_at)


def openings_query(owner_id: int, state: str, now: datetime) -> Select[Opening]:
    """Open ones: still fresh, their contact live, and no touch of theirs links to the post since."""
    query = owned(Opening, owner_id).join(Opening.post).join(Opening.contact).where(Opening.state == state)
    if state == OpeningState.OPEN:
        about = exists().where(and_(Touch.contact_id == Opening.contact_id, Touch.url == Post.url))
        query = query.where(_moment() >= now - FRESH_FOR, Contact.deleted_at.is_(None), ~about)
    return query.order_by(_moment().desc(), Opening.id.desc())


def fresh_openings(session: Session, me: Caller, limit: int = 8) -> list[Fresh]:
    """Today's "Fresh from people you're warming", ranked like Warm up: the contacts who fit the soonest
    campaign first, accessible people before moonshots, then the newest post; one per contact."""
    found = list(session.scalars(openings_query(me.id, OpeningState.OPEN, me.now).limit(200)).unique())
    if not found:
        return []
    contacts = list({o.contact_id: o.contact for o in found}.values())
    facts = facts_for(session, me.id, contacts)
    campaigns = [(c.date, c.name, campaign_facts(c)) for c in active_campaigns(session, me.id, me.now)]
    soonest: dict[int, tuple[date, str] | None] = {}
    for contact in contacts:
        fits = [
            (day, name) for day, name, target in campaigns if readiness.fit(facts[contact.id], target, me.planner.thresholds).met
        ]
        soonest[contact.id] = min(fits) if fits else None

    def rank(opening: Opening) -> tuple[Any, ...]:
        urgent = soonest[opening.contact_id]
        moonshot = readiness.moonshot_audience(opening.contact.audience_size, me.planner)
        return (urgent[0] if urgent else date.max, moonshot, -opening.published_at.timestamp(), opening.id)

    shown: dict[int, Opening] = {}
    for opening in sorted(found, key=rank):  # one per contact, their newest: a morning list, not a feed reader
        shown.setdefault(opening.contact_id, opening)
    return [_fresh(o, me.now, soonest[o.contact_id]) for o in list(shown.values())[:limit]]


def _fresh(opening: Opening, now: datetime, urgent: tuple[date, str] | None) -> Fresh:
    gesture, kind = GESTURES[opening.post.kind]
    return Fresh(opening, since(opening.published_at, now), gesture, kind, urgent[1] if urgent else None)


def suggestion_for(session: Session, owner_id: int, contact_id: int, now: datetime) -> str | None:
    """ "comment on “Ep. 212: …”" when the contact has a fresh open opening; None sends the caller back
    to its generic suggestion."""
    return suggestions_for(session, owner_id, [contact_id], now).get(contact_id)


def suggestions_for(session: Session, owner_id: int, contact_ids: Collection[int], now: datetime) -> dict[int, str]:
    """suggestion_for for many contacts, 500 to a statement (the tick's keep-warm asks for hundreds):
    each contact's first opening in openings_query's order, their freshest."""
    ids = sorted(contact_ids)
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        query = openings_query(owner_id, OpeningState.OPEN, now).where(Opening.contact_id.in_(ids[start : start + 500]))
        for opening in session.scalars(query):
            if opening.contact_id not in found:
                gesture = GESTURES[opening.post.kind][0].removesuffix(" it")
                found[opening.contact_id] = f"{gesture} “{opening.title}”"
    return found


def act(session: Session, opening: Opening, me: Caller, state: str, touch_kind: str | None = None) -> Opening:
    """Acted: log the touch (a comment by default) with the post's URL, which moves warmth; dismissed:
    close it without a touch. Either way it is closed once: a second click changes nothing."""
    if opening.state != OpeningState.OPEN:
        done = "acted on" if opening.state == OpeningState.ACTED else opening.state.value
        raise InvalidInput({"state": f"This opening is already {done}."})
    if state == OpeningState.ACTED:
        contact = session.get_one(Contact, opening.contact_id)
        touch = touch_service.log_touch(
            session,
            contact,
            {
                "kind": touch_kind or "comment",
                "direction": "outbound",
                "occurred_at": me.now,
                "url": opening.url,
                "note": f"On “{opening.title[:200]}” (from an opening)",
            },
            me.params,
            source=TouchSource.FEED,
        )
        opening.touch_id = touch.id
    opening.state = OpeningState(state)
    opening.closed_at = me.now
    session.flush()
    return opening


def the_days_openings(session: Session, me: Caller, limit: int = 5) -> list[Fresh]:
    """For the morning digest: the openings that arrived since yesterday's digest, ranked as on Today."""
    return [f for f in fresh_openings(session, me, limit=50) if f.opening.created_at >= me.now - timedelta(days=1)][:limit]
