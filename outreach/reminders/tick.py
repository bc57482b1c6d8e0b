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
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from outreach.accounts.models import User
from outreach.asks.models import Ask
from outreach.core import changes, collector
from outreach.core.caller import Caller, caller_for
from outreach.core.database import rows_matched
from outreach.core.types import utcnow
from outreach.reminders import books, incremental
from outreach.reminders import service as reminders
from outreach.reminders.drafting import Hook, campaign_reminders, follow_ups, interviews, keep_warm
from outreach.reminders.models import TickState

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
    _prune_marks(session, now)
    for owner_id in owner_ids:
        try:
            with collector.paused():
                counts = tick_owner(session, owner_id, now, hook, full=full)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("tick: the pass of owner %s failed and was rolled back; the other owners carry on", owner_id)
            totals["owners failed"] += 1
        else:
            totals += counts
    return totals


def _prune_marks(session: Session, now: datetime) -> None:
    """The change marks' old rows, so reading a mark stays one short index read: housekeeping that never
    stops the owners' passes (a locked database leaves it to the next tick)."""
    try:
        changes.prune(session, now)
        session.commit()
    except OperationalError:
        session.rollback()
        log.warning("tick: old change marks not pruned this time", exc_info=True)


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
    book = books.load_book(session, me.id, me.now.date(), batched=True)
    counts.update(follow_ups(session, me, book))
    counts.update(keep_warm(session, me, book))
    counts.update(interviews(session, me, book))
    # Last, as it sends no query once its pairs are read: on PostgreSQL the reminders of the whole pass are
    # stored while it drafts (books.streaming). Each part drafts its own kinds, so the order is free.
    counts.update(campaign_reminders(session, me, book, hook))
    books.insert_new(session, me.id, book)
    return counts


def _moved_pass(session: Session, me: Caller, since: datetime, hook: Hook | None) -> Counter[str]:
    """Nothing changed since the last tick today: only the contacts time moved, each part with the part
    of the book it drafts (follow-ups are tied to dates alone, so the day's first tick did them)."""
    counts: Counter[str] = Counter()
    moved = incremental.movers(session, me, since)
    today = me.now.date()
    if moved.contacts:
        book = books.load_book(session, me.id, today, kinds=("ask", "target"), contact_ids=moved.contacts, batched=True)
        counts.update(campaign_reminders(session, me, book, hook, contact_ids=moved.contacts))
        books.insert_new(session, me.id, book)
    if moved.keep_warm:
        book = books.load_book(session, me.id, today, kinds=("keep_warm",), batched=True)
        counts.update(keep_warm(session, me, book))
        books.insert_new(session, me.id, book)
    if moved.interviews:
        book = books.load_book(session, me.id, today, kinds=("interview",), batched=True)
        counts.update(interviews(session, me, book))
        books.insert_new(session, me.id, book)
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
