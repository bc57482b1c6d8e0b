"""Today's readiness board: every live contact against every upcoming campaign, assessed once, stored in
the database and reused by every worker while nothing it reads has changed; it yields the ask-now list and
the ranked warm-up list."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import AssessedPair, active_campaigns, assess_fits, campaign_facts
from outreach.core import changes, collector
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.domain import readiness
from outreach.domain.advice import Advice
from outreach.domain.advice import warm_up as advise
from outreach.today import rows, stored
from outreach.today.models import StoredBoard

BOARD_MINUTES = 5  # an unchanged board is reused this long as it is: warmth moves by hundredths meanwhile
BOARD_HOURS = 1  # and this long while no contact crossed a bar; the warmth its sentences quote drifts < 0.05
FLIGHT_KEY = 0x0B0A_0000  # + owner id: the advisory lock of an owner's board assessment (the tick's is 0x0A5C_0000)
LOOK_BACK = changes.PRUNE_AFTER  # before the last read: a write that committed after it, made before it
KEPT = 100  # per list: enough for "show all", never the whole pipeline of a team


@dataclass(frozen=True)
class Named:
    id: int
    name: str


@dataclass(frozen=True)
class CampaignNamed(Named):
    date: date


@dataclass(frozen=True)
class BoardPair:
    """A pair as Today shows it: plain values, so a board outlives the request that assessed it."""

    contact: Named
    campaign: CampaignNamed
    result: readiness.Readiness


@dataclass(frozen=True)
class WarmUpPair(BoardPair):
    advice: Advice


@dataclass(frozen=True)
class Board:
    ask_now: list[BoardPair]  # the soonest campaign first, then the strongest case
    ask_now_total: int
    warm_up: list[WarmUpPair]  # ranked by advice.rank_key: urgent window, accessible, closest first
    warm_up_total: int


log = logging.getLogger(__name__)
# Decoding a stored board takes ~10 ms at 200 pairs: each process keeps what it decoded, by stored row.
_decoded: OrderedDict[tuple[str, int, str, datetime], Board] = OrderedDict()
_decoded_lock = threading.Lock()
DECODED_KEPT = 64
BOARD_FORMAT = 2  # part of the fingerprint: a change to the classes above makes every stored board stale


def board(session: Session, me: Caller) -> Board:
    """Every live contact against every upcoming campaign, assessed once and stored in the database, so
    every web worker (and the digest) reads the same computation while nothing that readiness reads has
    changed: one index read per view. After a change, the contacts it touched are assessed again (27 ms at
    10,000 contacts, against 0.24 s in full), by one worker while the others wait for it."""
    fingerprint = _fingerprint(session, me)
    found = _kept(session, me, fingerprint)
    if found is not None:
        return found
    with _one_at_a_time(session, me.id) as waited:
        if waited:  # assessed meanwhile by the one that did not wait: read it on a fresh snapshot
            rows.end_stale_read(session)
        found = _kept(session, me, fingerprint) if waited else None
        if found is not None:
            return found
        with collector.paused():
            return _assess_board(session, me, fingerprint)


def _kept(session: Session, me: Caller, fingerprint: str) -> Board | None:
    """The stored board while it still holds: same records, same day, and either assessed within
    BOARD_MINUTES or no contact's warmth or relationship age crossed a bar of readiness since (the clock's
    only other way in), for at most BOARD_HOURS."""
    kept = session.execute(
        owned(StoredBoard, me.id).with_only_columns(StoredBoard.assessed_at).where(StoredBoard.fingerprint == fingerprint)
    ).first()
    if kept is None:
        return None
    assessed_at: datetime = kept.assessed_at
    age = me.now - assessed_at
    if age < timedelta(0) or age >= timedelta(hours=BOARD_HOURS):
        return None
    if age >= timedelta(minutes=BOARD_MINUTES) and _movers(session, me, assessed_at):
        return None
    return _read(session, me.id, fingerprint, assessed_at)


def _movers(session: Session, me: Caller, since: datetime) -> set[int]:
    from outreach.reminders.incremental import movers  # the tick's own test of what the clock moved

    return movers(session, me, since).contacts


_flights: dict[tuple[str, int], threading.Lock] = defaultdict(threading.Lock)


@contextmanager
def _one_at_a_time(session: Session, owner_id: int) -> Iterator[bool]:
    """One assessment of an owner's board at a time: the first view after a change assesses it, the views
    that arrive meanwhile wait and read what it stored (yields whether this one waited). Across processes
    on PostgreSQL (an advisory lock of the session's transaction); within a process on SQLite."""
    url = session.get_bind().engine.url.render_as_string()
    local = _flights[(url, owner_id)]
    waited = not local.acquire(blocking=False)
    if waited:
        local.acquire()
    try:
        if session.get_bind().dialect.name != "postgresql":
            yield waited
            return
        # Held until the transaction ends (a page's, at the end of its request), so an error can never
        # leave it held on a pooled connection.
        key = {"key": FLIGHT_KEY + owner_id}
        if not session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), key):
            waited = True
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), key)
        yield waited
    finally:
        local.release()


def _read(session: Session, owner_id: int, fingerprint: str, assessed_at: datetime) -> Board | None:
    """The stored board, decoded once per process for each stored row (its fingerprint and time name it);
    None for a row that does not read back (a damaged one): it is assessed again and replaced."""
    slot = (session.get_bind().engine.url.render_as_string(), owner_id, fingerprint, assessed_at)
    with _decoded_lock:
        if slot in _decoded:
            _decoded.move_to_end(slot)
            return _decoded[slot]
    text = session.scalar(owned(StoredBoard, owner_id).with_only_columns(StoredBoard.board))
    try:
        found = stored.loads(text or "", Board)
    except stored.StoredBoardError:
        return None
    with _decoded_lock:
        _decoded[slot] = found
        while len(_decoded) > DECODED_KEPT:
            _decoded.popitem(last=False)
    return found


# What the board reads, as the tables whose change marks it follows: contacts (edits, touches, rescores),
# their touches (the suggested gesture), asks, busy periods, campaigns, podcast feeds (show facts) and the
# user (settings). A reminder done or a post read moves none of them, so the board is not assessed again.
# Of those, the rows follow contacts, touches and asks contact by contact (rows.changed_contacts); a change to
# the others assesses the board in full.
WHOLE_TABLES = frozenset({"users", "busy_periods", "campaigns", "feeds"})
BOARD_TABLES = WHOLE_TABLES | {"contacts", "touches", "asks"}


def _fingerprint(session: Session, me: Caller, tables: frozenset[str] = BOARD_TABLES) -> str:
    """What the board depends on but the clock: the change mark of the tables it reads (one index read,
    whatever the owner's size) and the day, the user's and the real one (feeds' facts are judged as of
    it); as a SHA-256 digest. The clock within a day is _kept's to judge."""
    seen = json.dumps([BOARD_FORMAT, changes.mark(session, me.id, tables), str(me.today), str(utcnow().date())])
    return hashlib.sha256(seen.encode()).hexdigest()


class _Stale(Exception):
    """A row's pair no longer reads as its list says (a change the rows missed): assess in full."""


def _assess_board(session: Session, me: Caller, fingerprint: str) -> Board:
    """Bring the board's rows up to date, for the contacts that changed alone while nothing that only a
    full assessment follows has (WHOLE_TABLES), and store the board they give; in full otherwise. Best
    effort: a board that cannot be stored is assessed in full and shown, and the next view stores it."""
    campaigns = active_campaigns(session, me.id, me.now)
    targets = {campaign.id: campaign_facts(campaign) for campaign in campaigns}
    # What only a full assessment follows: settings (and a rescore of every contact), campaigns, busy
    # periods (a deleted one leaves no trace), feeds (shows), the days and the board's format.
    base = _fingerprint(session, me, WHOLE_TABLES)
    stamp: dict[str, Any] = {"fingerprint": fingerprint, "base": base, "read_at": utcnow()}
    kept = (StoredBoard.base, StoredBoard.full_at, StoredBoard.assessed_at, StoredBoard.read_at)
    before = session.execute(owned(StoredBoard, me.id).with_only_columns(*kept)).first()
    changed = _changed(session, me, base, before)
    try:
        try:
            return _refresh(session, me, campaigns, targets, changed, {**stamp, "full_at": before and before.full_at})
        except _Stale:
            log.warning("Today's board for user %s: its rows missed a change, assessed in full", me.id)
            return _refresh(session, me, campaigns, targets, None, stamp)
    except (OperationalError, IntegrityError) as exc:  # locked past the busy timeout; the user just deleted
        log.warning("Today's board for user %s not stored: %s", me.id, exc)
        assessed = list(assess_fits(session, me.id, campaigns, me.planner, me.now))
        pages, totals = rows.first_pages_of(rows.rows_of(assessed, targets, me.now, me.planner), KEPT)
        return _assemble(session, me, campaigns, targets, pages, totals, assessed)


def _changed(session: Session, me: Caller, base: str, before: Any) -> set[int] | None:
    """The contacts whose rows may read differently since the board was stored (None: every contact): those
    written since it read the records (less LOOK_BACK, for a transaction that wrote before and committed
    after), and those the clock moved across a bar (the tick's own test, reminders.incremental). Every
    contact when ``base`` moved, or the last full assessment is BOARD_HOURS old (the order of the pairs
    nothing changed for is as of their last assessment)."""
    if before is None or before.base != base or before.full_at is None or before.read_at is None:
        return None
    if not timedelta(0) <= me.now - before.full_at < timedelta(hours=BOARD_HOURS) or before.assessed_at > me.now:
        return None
    since = before.read_at - LOOK_BACK
    return rows.changed_contacts(session, me.id, since) | _movers(session, me, before.assessed_at)


def _refresh(
    session: Session,
    me: Caller,
    campaigns: list[Campaign],
    targets: dict[int, readiness.CampaignFacts],
    changed: set[int] | None,
    stamp: dict[str, Any],
) -> Board:
    """The rows of the contacts changed (``changed``; None: all of them) written anew, the board they give
    stored with ``stamp`` (what it read, and when), in one transaction."""
    assessed = list(assess_fits(session, me.id, campaigns, me.planner, me.now, contact_ids=changed)) if changed != set() else []
    fresh_rows = rows.rows_of(assessed, targets, me.now, me.planner)
    with rows.writing(session) as connection:
        rows.rewrite(connection, me.id, fresh_rows, changed)
        pages, totals = rows.first_pages(connection, me.id, KEPT)
        fresh = _assemble(session, me, campaigns, targets, pages, totals, assessed)
        values = {**stamp, "board": stored.dumps(fresh), "assessed_at": me.now}
        rows.store_board(connection, me.id, values if changed is not None else {**values, "full_at": me.now})
    return fresh


def _assemble(
    session: Session,
    me: Caller,
    campaigns: list[Campaign],
    targets: dict[int, readiness.CampaignFacts],
    pages: dict[str, list[tuple[int, int]]],
    totals: dict[str, int],
    assessed: list[AssessedPair],
) -> Board:
    """The board from each list's first page of (contact, campaign): the pairs assessed now, and those of
    the page that were not (their contacts did not change) assessed again, a few contacts' worth. The
    warm-up gestures are varied against each contact's recent touches (read in one query)."""
    wanted = {key for page in pages.values() for key in page}
    pairs = {key: pair for pair in assessed if (key := (pair.contact_id, pair.campaign.id)) in wanted}
    missing = {contact_id for contact_id, campaign_id in wanted if (contact_id, campaign_id) not in pairs}
    if missing:
        for pair in assess_fits(session, me.id, campaigns, me.planner, me.now, contact_ids=missing):
            if (key := (pair.contact_id, pair.campaign.id)) in wanted:
                pairs[key] = pair

    def take(key: tuple[int, int]) -> AssessedPair:
        if key not in pairs:
            raise _Stale
        return pairs[key]

    ready = [_plain(take(key)) for key in pages[rows.ASK_NOW]]
    if not all(pair.result.ask_ready for pair in ready):
        raise _Stale
    recent = rows.recent_kinds(session, me.id, [contact_id for contact_id, _ in pages[rows.WARM_UP]])
    warming: list[WarmUpPair] = []
    for contact_id, campaign_id in pages[rows.WARM_UP]:
        found = take((contact_id, campaign_id))
        said = advise(found.facts, targets[campaign_id], found.result, me.now, me.planner, recent[contact_id])
        if said is None:
            raise _Stale
        plain = _plain(found)
        warming.append(WarmUpPair(plain.contact, plain.campaign, plain.result, said))
    return Board(ready, totals[rows.ASK_NOW], warming, totals[rows.WARM_UP])


def _plain(pair: AssessedPair) -> BoardPair:
    campaign = pair.campaign
    return BoardPair(
        Named(pair.contact_id, pair.contact_name), CampaignNamed(campaign.id, campaign.name, campaign.date), pair.result
    )
