"""The planner's tick: turn readiness, forecasts, cooling warmth and pending asks into reminders.

Idempotent by construction: every reminder has a natural key, each owner's pass runs in its own
transaction under a per-owner lock, so a second tick — the same day, after a crash, or from a
second scheduler started by mistake — finds the work done and changes nothing.

Cost: one pass per owner reads contacts (their stored warmth keys), busy periods, asks and live
reminders — never touches, except the last ten of each cooling contact to vary the suggestion —
so it grows with contacts × active campaigns, not with touches.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session, joinedload, selectinload

from outreach.accounts.models import User
from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import (
    PairReadiness,
    active_campaigns,
    assess_campaigns,
    campaign_facts,
)
from outreach.core.caller import Caller, caller_for
from outreach.core.database import rows_matched
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.episodes.models import Episode
from outreach.reminders import incremental
from outreach.reminders import service as reminders
from outreach.reminders.models import TickState
from outreach.today.service import COOLING_DAYS, cooling

Hook = Callable[[str], None]
log = logging.getLogger(__name__)


def moment(on: date | None) -> datetime:
    """The tick's clock: now, or noon of the given day (for `outreach tick --date`)."""
    return datetime.combine(on, time(12)) if on else utcnow()


def tick(session: Session, now: datetime, hook: Hook | None = None, *, full: bool = False) -> Counter[str]:
    """One pass over every owner, each committed on its own so a crash loses at most one owner's pass.

    One owner's data must never stop everyone's reminders: an error in a pass is logged with the
    owner's id, that pass is rolled back (the next tick tries it again), and the others carry on.
    Only an Exception is contained: an interrupt or a shutdown still stops the tick."""
    totals: Counter[str] = Counter()
    owner_ids = list(session.scalars(select(User.id).order_by(User.id)))
    session.commit()
    for owner_id in owner_ids:
        try:
            counts = tick_owner(session, owner_id, now, hook, full=full)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("tick: the pass of owner %s failed and was rolled back; the other owners carry on", owner_id)
            totals["owners failed"] += 1
        else:
            totals += counts
    return totals


def _lock_owner(session: Session, owner_id: int) -> None:
    # On PostgreSQL two ticks for one owner queue here; SQLite's BEGIN IMMEDIATE already serializes.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x0A5C_0000 + owner_id})


def tick_owner(session: Session, owner_id: int, now: datetime, hook: Hook | None = None, *, full: bool = False) -> Counter[str]:
    """The owner's pass: in full on the day's first tick (or when asked, or when anything it reads has
    changed since the last one), else only what the clock moved since the last tick (incremental.py)."""
    _lock_owner(session, owner_id)
    user = session.get_one(User, owner_id)
    me = caller_for(user, now)
    counts: Counter[str] = Counter()
    counts["implicit_no"] = implicit_nos(session, me)
    counts["woken"] = reminders.wake_snoozed(session, owner_id, now.date(), now)
    state = session.get(TickState, owner_id)
    before = incremental.fingerprint(session, me)
    moved_only = (
        not full
        and state is not None
        and state.fingerprint == before
        and state.ticked_at.date() == now.date()
        and state.ticked_at <= now
    )
    if moved_only:
        counts.update(_moved_pass(session, me, state.ticked_at, hook))  # type: ignore[union-attr]
    else:
        counts.update(_full_pass(session, me, hook))
    session.flush()
    wrote = any(key.endswith(("created", "updated", "withdrawn")) for key, n in counts.items() if n)
    after = incremental.fingerprint(session, me) if wrote or not moved_only else before
    _remember(session, owner_id, now, after, state)
    return +counts


def _full_pass(session: Session, me: Caller, hook: Hook | None) -> Counter[str]:
    counts: Counter[str] = Counter()
    book = reminders.load_book(session, me.id, me.now.date(), batched=True)
    counts.update(follow_ups(session, me, book))
    counts.update(campaign_reminders(session, me, book, hook))
    counts.update(keep_warm(session, me, book))
    counts.update(interviews(session, me, book))
    reminders.insert_new(session, me.id, book)
    return counts


def _moved_pass(session: Session, me: Caller, since: datetime, hook: Hook | None) -> Counter[str]:
    """Nothing changed since the last tick today: only the contacts time moved, each part with the part
    of the book it drafts (follow-ups are tied to dates alone, so the day's first tick did them)."""
    counts: Counter[str] = Counter()
    moved = incremental.movers(session, me, since)
    today = me.now.date()
    if moved.contacts:
        book = reminders.load_book(session, me.id, today, kinds=("ask", "target"), contact_ids=moved.contacts, batched=True)
        counts.update(campaign_reminders(session, me, book, hook, contact_ids=moved.contacts))
        reminders.insert_new(session, me.id, book)
    if moved.keep_warm:
        book = reminders.load_book(session, me.id, today, kinds=("keep_warm",), batched=True)
        counts.update(keep_warm(session, me, book))
        reminders.insert_new(session, me.id, book)
    if moved.interviews:
        book = reminders.load_book(session, me.id, today, kinds=("interview",), batched=True)
        counts.update(interviews(session, me, book))
        reminders.insert_new(session, me.id, book)
    counts["incremental"] = 1
    counts["moved contacts"] = len(moved.contacts)
    return counts


def _remember(session: Session, owner_id: int, now: datetime, fingerprint: str, state: TickState | None) -> None:
    if state is None:
        session.add(TickState(user_id=owner_id, ticked_at=now, fingerprint=fingerprint))
    else:
        state.ticked_at, state.fingerprint = now, fingerprint


# Built once, like the other statements every tick runs for every owner: building costs more than running.
_ASKS = Ask.__table__.c
# A Core statement (no ORM synchronization): the pass has loaded no ask when it runs.
_IMPLICIT_NO = (
    update(Ask.__table__)
    .where(
        _ASKS.owner_id == bindparam("owner"),
        _ASKS.outcome == "pending",
        _ASKS.asked_at <= bindparam("cutoff"),
        _ASKS.deleted_at.is_(None),
        _ASKS.replied_at.is_(None),
    )
    .values(outcome="no_response", decided_at=bindparam("now"), updated_at=bindparam("now"))
)


def implicit_nos(session: Session, me: Caller) -> int:
    """Pending asks older than the implicit-no days become no_response — once, by their WHERE clause; an ask
    the mailbox saw answered (replied_at) waits for the user to record its outcome."""
    cutoff = me.now - timedelta(days=me.settings.implicit_no_days)
    return rows_matched(session.execute(_IMPLICIT_NO, {"owner": me.id, "cutoff": cutoff, "now": me.now}))


def follow_ups(session: Session, me: Caller, book: reminders.Book) -> Counter[str]:
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
        draft = reminders.Draft(
            "follow_up",
            contact.id,
            campaign.id if campaign else None,
            ask.follow_up_on,  # type: ignore[arg-type]
            f"Follow up with {contact.name} about {about}",
            f"On {ask.asked_at:%d %b %Y} they said not now. {ask.reason_detail or ''}".strip(),
        )
        counts["follow_up " + reminders.upsert(session, me.id, book, draft, me.now, move=True)] += 1
    return counts


def _explain(pair: PairReadiness) -> str:
    r = pair.result
    return "\n".join([r.fit.reason, r.trust.reason, r.timing.reason, r.forecast_reason])


def campaign_reminders(
    session: Session, me: Caller, book: reminders.Book, hook: Hook | None, contact_ids: Collection[int] | None = None
) -> Counter[str]:
    """Ask reminders for ready pairs in open windows; forecast targets for good fits still warming."""
    counts: Counter[str] = Counter()
    today = me.now.date()
    campaigns = [c for c in active_campaigns(session, me.id, me.now) if campaign_facts(c).window[1] >= today]
    assessed = assess_campaigns(session, me.id, campaigns, me.planner, me.now, contact_ids=contact_ids)
    for campaign_id, pairs in assessed.items():
        for pair in pairs:
            contact, result = pair.contact, pair.result
            ask_subject = ("ask", contact.id, campaign_id)
            target_subject = ("target", contact.id, campaign_id)
            if result.ask_ready:
                draft = reminders.Draft(
                    "ask",
                    contact.id,
                    campaign_id,
                    today,
                    f"Ask {contact.name} for {pair.campaign.name}",
                    _explain(pair),
                )
                counts["ask " + reminders.upsert(session, me.id, book, draft, me.now, move=False)] += 1
                if target_subject in book.live:
                    reminders.withdraw(book, target_subject, "Ready now: see the ask reminder.", me.now)
                    counts["target withdrawn"] += 1
            else:
                if ask_subject in book.live:
                    reminders.withdraw(book, ask_subject, "No longer ask-ready:\n" + _explain(pair), me.now)
                    counts["ask withdrawn"] += 1
                ready_on = result.forecast_ready_on
                if result.fit.met and ready_on is not None and ready_on > today:
                    draft = reminders.Draft(
                        "target",
                        contact.id,
                        campaign_id,
                        ready_on,
                        f"{contact.name} should be ask-ready by {ready_on:%d %b %Y} at your cadence",
                        _explain(pair),
                    )
                    counts["target " + reminders.upsert(session, me.id, book, draft, me.now, move=True)] += 1
                elif target_subject in book.live:
                    reminders.withdraw(book, target_subject, "No forecast any more:\n" + _explain(pair), me.now)
                    counts["target withdrawn"] += 1
            if hook:
                hook("pair")
    return counts


def keep_warm(session: Session, me: Caller, book: reminders.Book) -> Counter[str]:
    """Contacts about to fall below the trust bar get one reminder; a new touch clears it (touches service)."""
    counts: Counter[str] = Counter()
    cooling_now = cooling(session, me, limit=500)
    still_cooling = {w.contact.id for w in cooling_now}
    for w in cooling_now:
        draft = reminders.Draft(
            "keep_warm",
            w.contact.id,
            None,
            me.now.date(),
            f"Touch {w.contact.name}: suggested {w.suggestion}",
            f"Warmth {w.warmth_now:.0f} {w.why} (to {w.warmth_later:.0f}).",
        )
        counts["keep_warm " + reminders.upsert(session, me.id, book, draft, me.now, move=False)] += 1
    later = me.now + timedelta(days=COOLING_DAYS)
    for subject, reminder in list(book.live.items()):
        if subject[0] != "keep_warm" or subject[1] in still_cooling:
            continue
        contact = reminder.contact  # loaded with the book
        # Below the bar already is no reason to withdraw: the touch is needed more than ever.
        if contact is None or warmth.warmth(contact.warmth_key, later, me.params) >= me.planner.thresholds.trust_warmth:
            reminders.withdraw(book, subject, "Warm again: no touch needed now.", me.now)
            counts["keep_warm withdrawn"] += 1
    return counts


def interviews(session: Session, me: Caller, book: reminders.Book) -> Counter[str]:
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
        draft = reminders.Draft(
            "interview",
            contact.id,
            episode.campaign_id,
            episode.recording_at.date(),  # type: ignore[union-attr]
            f"Prepare for the interview with {contact.name} ({episode.recording_at:%H:%M} UTC)",
            f"{episode.title or 'Episode'}: recording on {episode.recording_at:%A %d %B %Y at %H:%M} UTC. "
            "Listen to their latest work, send the questions ahead, check your audio.",
            due_at=episode.recording_at,
        )
        counts["interview " + reminders.upsert(session, me.id, book, draft, me.now, move=True)] += 1
    return counts


def scheduled_tick() -> None:
    """The scheduler's job, referenced as text ("outreach.reminders.tick:scheduled_tick")."""
    from outreach import create_app
    from outreach.extensions import db

    app = create_app()
    with app.app_context():
        now = utcnow()
        totals = tick(db.session, now)
        app.logger.info("tick: %s", dict(totals) or "nothing to do")
        if app.config["SMTP_HOST"]:
            from outreach.reminders.digest import send_digests

            app.logger.info("digests: %s", dict(send_digests(db.session, now, app.config)) or "none due")
        db.session.remove()
        db.engine.dispose()
