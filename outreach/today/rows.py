"""Today's board as rows: each good-fit pair's list and its place in it, stored so a change to a few contacts
rewrites their rows alone, and the first page of a list is an index range and its total an index count.

A place is bytes that sort as the list does (``order_key``): both databases compare bytes as memcmp does,
so one ORDER BY serves every dialect and Python sorts the same bytes the same way.
"""

from __future__ import annotations

import struct
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, delete, func, select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.readiness import AssessedPair
from outreach.contacts.models import Contact, Touch
from outreach.core.database import insert_rows, may_write, write_intent
from outreach.core.ownership import owned
from outreach.domain import readiness
from outreach.domain.advice import Ranked, rank_key
from outreach.domain.advice import warm_up as advise
from outreach.today.models import BoardRow, StoredBoard

ASK_NOW, WARM_UP = "ask_now", "warm_up"
LISTS = (ASK_NOW, WARM_UP)
COLUMNS = ("owner_id", "contact_id", "campaign_id", "board_list", "sort_key")
CHUNK = 500  # contact ids to a statement
RECENT_TOUCHES = 10  # the last outbound touches that vary a contact's suggested gesture
_TABLE = BoardRow.__table__


class Row(NamedTuple):
    contact_id: int
    campaign_id: int
    board_list: str
    sort_key: bytes


def order_key(*parts: object) -> bytes:
    """Bytes that compare as the tuple of ``parts`` does in Python, where each position holds one type (or
    None, first): dates by day, integers and flags as offset 64-bit, floats by their IEEE bits (sign
    folded), text as UTF-8 (code point order) with NUL escaped and a terminator, so a prefix sorts first."""
    out = []
    for part in parts:
        kind = type(part)
        if kind is int or kind is bool:
            out.append(_INT.pack(1, part + _OFFSET))  # type: ignore[operator]
        elif kind is str:
            out.append(b"\x01" + part.encode().replace(b"\x00", b"\x00\xff") + b"\x00\x00")  # type: ignore[attr-defined]
        elif kind is date:
            out.append(_DAY.pack(1, part.toordinal()))  # type: ignore[attr-defined]
        elif kind is float:
            (bits,) = _BITS.unpack(_FLOAT.pack(part + 0.0))  # type: ignore[operator]  # + 0.0: -0.0 sorts as 0.0
            out.append(_INT.pack(1, bits ^ _ALL if bits >> 63 else bits | _SIGN))
        elif part is None:
            out.append(b"\x00")
        else:
            raise TypeError(f"a place holds dates, numbers and text, not {kind.__name__}")
    return b"".join(out)


_INT, _DAY, _FLOAT, _BITS = struct.Struct(">BQ"), struct.Struct(">BI"), struct.Struct(">d"), struct.Struct(">Q")
_OFFSET, _SIGN, _ALL = 1 << 63, 1 << 63, (1 << 64) - 1


def rows_of(
    pairs: Iterable[AssessedPair], targets: dict[int, readiness.CampaignFacts], now: datetime, planner: readiness.Planner
) -> list[Row]:
    """Each pair's row, if it belongs on a list: ask-ready pairs by the soonest campaign, then the strongest
    case; pairs a touch (or only time) brings to an ask by advice.rank_key. Ties: by campaign, then the
    readiness order the campaign page shows (rank), then contact id."""
    found: list[Row] = []
    for pair in pairs:
        result, campaign_id = pair.result, pair.campaign.id
        if result.ask_ready:
            strength = -(result.fit.score + result.trust.score)
            key = order_key(pair.campaign.date, strength, pair.contact_name, campaign_id, pair.rank, pair.contact_id)
            found.append(Row(pair.contact_id, campaign_id, ASK_NOW, key))
            continue
        target = targets[campaign_id]
        said = advise(pair.facts, target, result, now, planner)
        if said is not None:
            ranked = rank_key(Ranked(target.window[1], campaign_id, said, pair.contact_name))
            found.append(Row(pair.contact_id, campaign_id, WARM_UP, order_key(*ranked, pair.rank, pair.contact_id)))
    return found


def changed_contacts(session: Session, owner_id: int, since: datetime) -> set[int]:
    """The contacts written since (deleted ones too: their rows go), and those whose asks were, by updated_at,
    which every write of a contact or an ask moves (a touch moves its contact's). The asks by an index; the
    contacts by a scan of the owner's (30 ms at 100,000), as an index of theirs would cost every touch and
    every rescore an entry more (a rescore 7% at 100,000)."""
    edited = select(Contact.id).where(Contact.owner_id == owner_id, Contact.updated_at >= since)
    asked = select(Ask.contact_id).where(Ask.owner_id == owner_id, Ask.updated_at >= since, Ask.contact_id.is_not(None))
    return set(session.scalars(union(edited, asked)))


def rewrite(connection: Connection, owner_id: int, rows: list[Row], contact_ids: Collection[int] | None) -> None:
    """Replace the owner's rows (``contact_ids`` None), or those of the contacts given, by ``rows``."""
    mine = _TABLE.c.owner_id == owner_id
    if contact_ids is None:
        connection.execute(delete(_TABLE).where(mine))
    else:
        chosen = sorted(contact_ids)
        for start in range(0, len(chosen), CHUNK):
            connection.execute(delete(_TABLE).where(mine, _TABLE.c.contact_id.in_(chosen[start : start + CHUNK])))
    insert_rows(connection, _TABLE, COLUMNS, [(owner_id, *row) for row in rows])


def first_pages(connection: Connection, owner_id: int, kept: int) -> tuple[dict[str, list[tuple[int, int]]], dict[str, int]]:
    """Each list's first ``kept`` pairs (contact id, campaign id) in order, and its total."""
    totals = dict.fromkeys(LISTS, 0)
    counted = select(_TABLE.c.board_list, func.count()).where(_TABLE.c.owner_id == owner_id).group_by(_TABLE.c.board_list)
    totals.update({name: int(n) for name, n in connection.execute(counted)})
    pages: dict[str, list[tuple[int, int]]] = {}
    for name in LISTS:
        page = (
            select(_TABLE.c.contact_id, _TABLE.c.campaign_id)
            .where(_TABLE.c.owner_id == owner_id, _TABLE.c.board_list == name)
            .order_by(_TABLE.c.sort_key)
            .limit(kept)
        )
        pages[name] = [(contact_id, campaign_id) for contact_id, campaign_id in connection.execute(page)]
    return pages, totals


def first_pages_of(rows: list[Row], kept: int) -> tuple[dict[str, list[tuple[int, int]]], dict[str, int]]:
    """first_pages for rows not stored (a board that could not be written): the same order, from the same bytes."""
    pages: dict[str, list[tuple[int, int]]] = {}
    totals: dict[str, int] = {}
    for name in LISTS:
        mine = sorted((row for row in rows if row.board_list == name), key=lambda row: row.sort_key)
        pages[name], totals[name] = [(row.contact_id, row.campaign_id) for row in mine[:kept]], len(mine)
    return pages, totals


@contextmanager
def writing(session: Session) -> Iterator[Connection]:
    """Where the board's rows and the board are written, in one transaction: a transaction that may write
    (the digest's) writes them with its own work; a read (a GET page) in a short transaction of its own, so
    the page stays a read and never waits on its own lock."""
    if may_write(session.connection()):
        with session.begin_nested():
            yield session.connection()
        return
    token = write_intent.set(True)  # SQLite: BEGIN IMMEDIATE, so it waits its turn behind another writer
    try:
        with session.get_bind().engine.begin() as connection:
            yield connection
    finally:
        write_intent.reset(token)
    end_stale_read(session)


def store_board(connection: Connection, owner_id: int, values: dict[str, Any]) -> None:
    """Insert or replace the owner's stored board."""
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(StoredBoard)
    new = insert.values({"owner_id": owner_id, **values})
    replace = {name: new.excluded[name] for name in values}
    connection.execute(new.on_conflict_do_update(index_elements=[StoredBoard.owner_id], set_=replace))


def end_stale_read(session: Session) -> None:
    """On SQLite, a read transaction whose snapshot predates another connection's commit can no longer
    write ("database is locked" at once): a read that has changed nothing ends here, so whatever the same
    session does next (a test client's next request) starts on a snapshot that includes the stored board."""
    if session.get_bind().dialect.name == "sqlite" and not (session.new or session.dirty or session.deleted):
        session.rollback()


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
