"""What each kind of reminder says and when: a follow-up after a not-now, an ask or a target per campaign,
keep-warm for cooling contacts, an interview's day. The tick decides which of these run; each drafts into
the owner's book, which inserts or updates by natural key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from datetime import timedelta

from sqlalchemy import BindParameter, Select, bindparam
from sqlalchemy.orm import Session, joinedload, selectinload

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import active_campaigns, assess_fits, campaign_facts
from outreach.contacts.models import Contact
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.domain import warmth
from outreach.domain.readiness import Readiness
from outreach.episodes.models import Episode
from outreach.reminders import books
from outreach.today.service import COOLING_DAYS, suggest_touches

Hook = Callable[[str], None]


def follow_ups(session: Session, me: Caller, book: books.Book) -> Counter[str]:
    counts: Counter[str] = Counter()
    query = owned(Ask, me.id).where(Ask.outcome == "not_now", Ask.follow_up_on.is_not(None), Ask.contact_id.is_not(None))
    # One follow-up per (contact, campaign): two "not now"s would otherwise move one reminder back and
    # forth every tick. The latest ask's date stands: it is what they said last.
    ordered = query.order_by(Ask.asked_at, Ask.id).options(selectinload(Ask.contact), selectinload(Ask.campaign))
    latest = {(ask.contact_id, ask.campaign_id): ask for ask in session.scalars(ordered)}
    for ask in latest.values():
        contact = ask.contact
        if contact is None or contact.deleted_at is not None:
            continue
        campaign = ask.campaign if ask.campaign is not None and ask.campaign.deleted_at is None else None
        # A deleted campaign's not-now still wants its follow-up, as it did when deletes were final.
        about = campaign.name if campaign else (ask.request or "your earlier ask")
        draft = books.Draft(
            "follow_up",
            contact.id,
            campaign.id if campaign else None,
            ask.follow_up_on,  # type: ignore[arg-type]
            f"Follow up with {contact.name} about {about}",
            f"On {ask.asked_at:%d %b %Y} they said not now. {ask.reason_detail or ''}".strip(),
        )
        counts["follow_up " + books.upsert(session, me.id, book, draft, me.now, move=True)] += 1
    return counts


def _explain(r: Readiness) -> str:
    return f"{r.fit.reason}\n{r.trust.reason}\n{r.timing.reason}\n{r.forecast_reason}"


def campaign_reminders(
    session: Session, me: Caller, book: books.Book, hook: Hook | None, contact_ids: Collection[int] | None = None
) -> Counter[str]:
    """Ask reminders for ready pairs in open windows; forecast targets for good fits still warming."""
    counts: Counter[str] = Counter()
    owner_id, now, today = me.id, me.now, me.now.date()
    campaigns = [c for c in active_campaigns(session, owner_id, now) if campaign_facts(c).window[1] >= today]
    names = {campaign.id: campaign.name for campaign in campaigns}
    # An unfit pair with neither reminder live would draft nothing: the assessment leaves it out.
    held = {(contact_id, campaign_id) for kind, contact_id, campaign_id in book.live if kind in ("ask", "target")}
    pairs = assess_fits(session, owner_id, campaigns, me.planner, now, wanted=held, contact_ids=contact_ids)
    live = book.live
    # Each pair drafted as it is assessed, its new reminder stored meanwhile (on PostgreSQL): no query until
    # the last pair, and no pair drafted twice, so nothing streamed changes again in this pass.
    with books.streaming(session, owner_id, book):
        for contact_id, name, campaign, result, _, _ in pairs:
            campaign_id = campaign.id
            ask_subject = ("ask", contact_id, campaign_id)
            target_subject = ("target", contact_id, campaign_id)
            if result.ask_ready:
                draft = books.Draft(
                    "ask", contact_id, campaign_id, today, f"Ask {name} for {names[campaign_id]}", _explain(result)
                )
                counts["ask " + books.upsert(session, owner_id, book, draft, now, move=False)] += 1
                if target_subject in live:
                    books.withdraw(book, target_subject, "Ready now: see the ask reminder.", now)
                    counts["target withdrawn"] += 1
            else:
                if ask_subject in live:
                    books.withdraw(book, ask_subject, "No longer ask-ready:\n" + _explain(result), now)
                    counts["ask withdrawn"] += 1
                ready_on = result.forecast_ready_on
                if result.fit.met and ready_on is not None and ready_on > today:
                    draft = books.Draft(
                        "target",
                        contact_id,
                        campaign_id,
                        ready_on,
                        f"{name} should be ask-ready by {ready_on:%d %b %Y} at your cadence",
                        _explain(result),
                    )
                    counts["target " + books.upsert(session, owner_id, book, draft, now, move=True)] += 1
                elif target_subject in live:
                    books.withdraw(book, target_subject, "No forecast any more:\n" + _explain(result), now)
                    counts["target withdrawn"] += 1
            if hook:
                hook("pair")
    return counts


def keep_warm(session: Session, me: Caller, book: books.Book) -> Counter[str]:
    """Contacts about to fall below the trust bar get one reminder; a new touch clears it (touches service)."""
    counts: Counter[str] = Counter()
    bar = me.planner.thresholds.trust_warmth
    soon = me.now + timedelta(days=COOLING_DAYS)
    cooling_now = session.execute(_cooling(bar, me), {"owner": me.id}).all()
    suggested = suggest_touches(session, me.id, [contact_id for contact_id, _, _ in cooling_now], me.now)
    still_cooling = {contact_id for contact_id, _, _ in cooling_now}
    for contact_id, name, key in cooling_now:
        warmth_now, warmth_later = warmth.warmth(key, me.now, me.params), warmth.warmth(key, soon, me.params)
        draft = books.Draft(
            "keep_warm",
            contact_id,
            None,
            me.now.date(),
            f"Touch {name}: suggested {suggested[contact_id]}",
            f"Warmth {warmth_now:.0f} falls below {bar:.0f} within {COOLING_DAYS} days (to {warmth_later:.0f}).",
        )
        counts["keep_warm " + books.upsert(session, me.id, book, draft, me.now, move=False)] += 1
    for subject, reminder in list(book.live.items()):
        if subject[0] != "keep_warm" or subject[1] in still_cooling:
            continue
        contact = reminder.contact  # loaded with the book
        # Below the bar already is no reason to withdraw: the touch is needed more than ever.
        if contact is None or warmth.warmth(contact.warmth_key, soon, me.params) >= me.planner.thresholds.trust_warmth:
            books.withdraw(book, subject, "Warm again: no touch needed now.", me.now)
            counts["keep_warm withdrawn"] += 1
    return counts


def _cooling(bar: float, me: Caller) -> Select[int, str, float | None]:
    """today.service.cooling's selection (warm enough now, below the bar within 14 days, coolest first,
    at most 500) as plain rows: the tick needs no Contact entity for them."""
    query = owned(Contact, OWNER).where(
        Contact.warmth_key >= warmth.min_key(bar, me.now, me.params),
        Contact.warmth_key < warmth.min_key(bar, me.now + timedelta(days=COOLING_DAYS), me.params),
    )
    return query.with_only_columns(Contact.id, Contact.name, Contact.warmth_key).order_by(Contact.warmth_key).limit(500)


OWNER: BindParameter[int] = bindparam("owner")


def interviews(session: Session, me: Caller, book: books.Book) -> Counter[str]:
    """Booked recordings ahead: "Prepare for the interview with X" on the recording day."""
    counts: Counter[str] = Counter()
    query = owned(Episode, me.id).where(
        Episode.stage == "booked",
        Episode.recording_at >= me.now - timedelta(days=1),
        Episode.campaign_id.in_(owned(Campaign, me.id).with_only_columns(Campaign.id)),  # not a deleted season's
    )
    # One reminder per guest and season (its subject): with two recordings booked, the next one.
    upcoming: dict[tuple[int, int], Episode] = {}
    ordered = query.order_by(Episode.recording_at, Episode.id).options(joinedload(Episode.contact))
    for episode in session.scalars(ordered):
        upcoming.setdefault((episode.contact_id, episode.campaign_id), episode)
    for episode in upcoming.values():
        contact = episode.contact
        if contact is None or contact.deleted_at is not None:
            continue
        draft = books.Draft(
            "interview",
            contact.id,
            episode.campaign_id,
            episode.recording_at.date(),  # type: ignore[union-attr]
            f"Prepare for the interview with {contact.name} ({episode.recording_at:%H:%M} UTC)",
            f"{episode.title or 'Episode'}: recording on {episode.recording_at:%A %d %B %Y at %H:%M} UTC. "
            "Listen to their latest work, send the questions ahead, check your audio.",
            due_at=episode.recording_at,
        )
        counts["interview " + books.upsert(session, me.id, book, draft, me.now, move=True)] += 1
    return counts
