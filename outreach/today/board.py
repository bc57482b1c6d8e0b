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

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from outreach.campaigns.readiness import AssessedPair, active_campaigns, assess_fits, by_campaign, campaign_facts
from outreach.contacts.models import Touch
from outreach.core import changes
from outreach.core.caller import Caller
from outreach.core.database import may_write, write_intent
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.domain import readiness
from outreach.domain.advice import Advice, Ranked, rank_key
from outreach.domain.advice import warm_up as advise
from outreach.today import stored
from outreach.today.models import StoredBoard

BOARD_MINUTES = 5  # an unchanged board is reused this long as it is: warmth moves by hundredths meanwhile
BOARD_HOURS = 1  # and this long while no contact crossed a bar; the warmth its sentences quote drifts < 0.05
FLIGHT_KEY = 0x0B0A_0000  # + owner id: the advisory lock of an owner's board assessment (the tick's is 0x0A5C_0000)
KEPT = 100  # per list: enough for "show all", never the whole pipeline of a team
RECENT_TOUCHES = 10  # the last outbound touches that vary a contact's suggested gesture


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
BOARD_FORMAT = 1  # part of the fingerprint: a change to the classes above makes every stored board stale


def board(session: Session, me: Caller) -> Board:
    """Every live contact against every upcoming campaign, assessed once and stored in the database, so
    every web worker (and the digest) reads the same computation while nothing that readiness reads has
    changed: one index read per view, one assessment per change (0.28 s at 10,000 contacts), made by one
    worker while the others wait for it."""
    fingerprint = _fingerprint(session, me)
    found = _kept(session, me, fingerprint)
    if found is not None:
        return found
    with _one_at_a_time(session, me.id) as waited:
        if waited:  # assessed meanwhile by the one that did not wait: read it on a fresh snapshot
            _end_stale_read(session)
        found = _kept(session, me, fingerprint) if waited else None
        if found is not None:
            return found
        fresh = _assess_board(session, me)
        _store(session, me, fingerprint, fresh)
    return fresh


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
    if age >= timedelta(minutes=BOARD_MINUTES) and _moved_since(session, me, assessed_at):
        return None
    return _read(session, me.id, fingerprint, assessed_at)


def _moved_since(session: Session, me: Caller, since: datetime) -> bool:
    from outreach.reminders.incremental import movers  # the tick's own test of what the clock moved

    return bool(movers(session, me, since).contacts)


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
BOARD_TABLES = frozenset({"users", "contacts", "touches", "asks", "busy_periods", "campaigns", "feeds"})


def _fingerprint(session: Session, me: Caller) -> str:
    """What the board depends on but the clock: the change mark of the tables it reads (one index read,
    whatever the owner's size) and the day, the user's and the real one (feeds' facts are judged as of
    it); as a SHA-256 digest. The clock within a day is _kept's to judge."""
    seen = json.dumps([BOARD_FORMAT, changes.mark(session, me.id, BOARD_TABLES), str(me.today), str(utcnow().date())])
    return hashlib.sha256(seen.encode()).hexdigest()


def _store(session: Session, me: Caller, fingerprint: str, fresh: Board) -> None:
    """Replace the owner's stored board, best effort: a page never fails for want of it, the next view
    stores it. A transaction that may write (the digest's) stores it with its own work; a read (a GET page)
    in a short transaction of its own, so the page stays a read and never waits on its own lock."""
    owner_id = me.id
    values = {"owner_id": owner_id, "fingerprint": fingerprint, "board": stored.dumps(fresh), "assessed_at": me.now}
    bind = session.get_bind()
    insert = (postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert)(StoredBoard)
    new = insert.values(values)
    upsert = new.on_conflict_do_update(
        index_elements=[StoredBoard.owner_id], set_={k: new.excluded[k] for k in values if k != "owner_id"}
    )
    try:
        if may_write(session.connection()):
            with session.begin_nested():
                session.execute(upsert)
            return
        token = write_intent.set(True)  # SQLite: BEGIN IMMEDIATE, so it waits its turn behind another writer
        try:
            with bind.engine.begin() as conn:
                conn.execute(upsert)
        finally:
            write_intent.reset(token)
        _end_stale_read(session)
    except (OperationalError, IntegrityError) as exc:  # locked past the busy timeout; the user just deleted
        log.warning("Today's board for user %s not stored: %s", owner_id, exc)


def _end_stale_read(session: Session) -> None:
    """On SQLite, a read transaction whose snapshot predates another connection's commit can no longer
    write ("database is locked" at once): a read that has changed nothing ends here, so whatever the same
    session does next (a test client's next request) starts on a snapshot that includes the stored board."""
    if session.get_bind().dialect.name == "sqlite" and not (session.new or session.dirty or session.deleted):
        session.rollback()


def _assess_board(session: Session, me: Caller) -> Board:
    # Both lists show good fits only (ready, or warming), so pairs that fail fit are never assessed; read as
    # plain rows, as the tick reads them (assess_fits).
    campaigns = active_campaigns(session, me.id, me.now)
    boards = by_campaign(campaigns, assess_fits(session, me.id, campaigns, me.planner, me.now))
    pairs = [pair for found in boards.values() for pair in found]
    ready = ask_now(pairs)
    warming, warming_total = warm_up(session, me, pairs, {campaign.id: campaign_facts(campaign) for campaign in campaigns})
    return Board([_plain(p) for p in ready[:KEPT]], len(ready), warming, warming_total)


def _plain(pair: AssessedPair) -> BoardPair:
    campaign = pair.campaign
    return BoardPair(
        Named(pair.contact_id, pair.contact_name), CampaignNamed(campaign.id, campaign.name, campaign.date), pair.result
    )


def ask_now(pairs: list[AssessedPair]) -> list[AssessedPair]:
    """Ask-ready pairs, the soonest campaign first, then the strongest case."""
    ready = [p for p in pairs if p.result.ask_ready]
    ready.sort(key=lambda p: (p.campaign.date, -(p.result.fit.score + p.result.trust.score), p.contact_name))
    return ready


def warm_up(
    session: Session, me: Caller, pairs: list[AssessedPair], targets: dict[int, readiness.CampaignFacts]
) -> tuple[list[WarmUpPair], int]:
    """The pairs a touch (or only time) brings to an ask inside their campaign's window, ranked, the first
    KEPT of them with a gesture varied against their recent touches (read in one query); and how many.
    ``targets``: each campaign's facts, by id."""
    found: list[tuple[Ranked, AssessedPair]] = []
    for pair in pairs:
        target = targets[pair.campaign.id]
        said = advise(pair.facts, target, pair.result, me.now, me.planner)
        if said is not None:
            found.append((Ranked(target.window[1], pair.campaign.id, said, pair.contact_name), pair))
    found.sort(key=lambda item: rank_key(item[0]))
    kept = found[:KEPT]
    recent = recent_kinds(session, me.id, [pair.contact_id for item, pair in kept if not item.advice.waiting])
    ranked: list[WarmUpPair] = []
    for item, pair in kept:
        said = item.advice
        if not said.waiting:
            said = advise(pair.facts, targets[pair.campaign.id], pair.result, me.now, me.planner, recent[pair.contact_id]) or said
        plain = _plain(pair)
        ranked.append(WarmUpPair(plain.contact, plain.campaign, plain.result, said))
    return ranked, len(found)


def recent_kinds(session: Session, owner_id: int, contact_ids: list[int]) -> dict[int, list[str]]:
    """The kinds of each contact's last outbound touches, newest first, for many contacts in one query."""
    kinds: dict[int, list[str]] = defaultdict(list)
    if not contact_ids:
        return kinds
    # occurred_s orders as occurred_at does, and is in the index that holds every column read here: no row is read.
    order = func.row_number().over(partition_by=Touch.contact_id, order_by=(Touch.occurred_s.desc(), Touch.id.desc()))
    latest = (
        owned(Touch, owner_id)
        .where(Touch.contact_id.in_(sorted(set(contact_ids))), Touch.direction == "outbound")
        .with_only_columns(Touch.contact_id, Touch.kind, order.label("n"))
        .subquery()
    )
    for contact_id, kind in session.execute(select(latest.c.contact_id, latest.c.kind).where(latest.c.n <= RECENT_TOUCHES)):
        kinds[contact_id].append(kind)
    return kinds
