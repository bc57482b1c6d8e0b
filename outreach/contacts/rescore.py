"""Full rescore after the weights or half-life change: one SQL aggregate (or, where the database has
no log2/power, one streaming pass), never a query per contact."""

from __future__ import annotations

import math
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import String, bindparam, select, text, type_coerce, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from outreach.accounts.models import User
from outreach.contacts.models import Contact, Touch
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.domain.vocabulary import Direction, TouchKind

BATCH = 2000


def rescore_owner(session: Session, owner_id: int, params: warmth.WarmthParams) -> int:
    """Recompute every key of one owner from the touches; returns contacts scored (those with live touches,
    and any whose stored key or times outlived their touches and were emptied). A rescore is not an edit
    (each contact's updated_at keeps its value): the owner's rescored_at says every contact changed at once."""
    session.flush()
    session.execute(update(User).where(User.id == owner_id).values(rescored_at=utcnow()))
    if _has_sql_maths(session):
        return _aggregate(session, owner_id, params)
    _clear(session, owner_id)
    return _stream(session, owner_id, params)


def _clear(session: Session, owner_id: int) -> None:
    """Every key and time of the owner emptied, for the streaming pass to refill those that have touches."""
    session.execute(
        update(Contact)
        .where(Contact.owner_id == owner_id)
        # A rescore is not an edit: updated_at keeps its value (it would fire onupdate otherwise).
        .values(warmth_key=None, first_touch_at=None, last_touch_at=None, last_inbound_at=None, updated_at=Contact.updated_at)
    )


GREATEST = {"sqlite": "max", "postgresql": "GREATEST"}
LOG2 = {"sqlite": "log2({})", "postgresql": "(ln({}) / ln(CAST(2.0 AS DOUBLE PRECISION)))"}
# The first, last and last inbound moments. PostgreSQL reads occurred_at (a binary timestamp) from the
# row it reads anyway. SQLite reads the seconds from the index and writes them back in the text form
# SQLAlchemy stores, to the microsecond: the whole seconds (rounded down; not floor(), which SQLAlchemy
# replaces with Python's) through strftime, exact for integers, then the microseconds (occurred_s is
# within half a microsecond of the moment, see warmth.seconds). NULL stays NULL (NULL || anything).
TIMES = {
    "sqlite": {"first": "min(occurred_s)", "last": "max(occurred_s)", "inbound": "occurred_s"},
    "postgresql": {"first": "min(occurred_at)", "last": "max(occurred_at)", "inbound": "occurred_at"},
}
UNIX_EPOCH = int((warmth.EPOCH - datetime(1970, 1, 1)).total_seconds())
_WHOLE = "(CAST({0} AS INTEGER) - ({0} < CAST({0} AS INTEGER)))"
MOMENT = {
    "sqlite": f"(strftime('%Y-%m-%d %H:%M:%S', {_WHOLE} + {UNIX_EPOCH}, 'unixepoch')"
    f" || printf('.%06d', CAST(round(({{0}} - {_WHOLE}) * 1000000.0) AS INTEGER)))",
    "postgresql": "{0}",
}
# A contact whose decayed sum is below 2^-FAINT (every touch hundreds of half-lives old) may have had
# terms raised to the floor 2^-1000 (PostgreSQL refuses to underflow): its key is recomputed exactly.
FAINT = 900.0
_maths: dict[str, bool] = {}


def _has_sql_maths(session: Session) -> bool:
    """PostgreSQL always; SQLite when built with its maths functions (most builds since 3.35)."""
    bind = session.get_bind()
    dialect = bind.dialect.name
    if dialect not in GREATEST:
        return False
    if dialect == "postgresql":
        return True
    url = bind.engine.url.render_as_string()
    if url not in _maths:
        try:
            session.execute(text("SELECT log2(2.0), power(2.0, 1.0)")).all()
            _maths[url] = True
        except OperationalError:  # "no such function": SQLite leaves the transaction as it was
            _maths[url] = False
    return _maths[url]


def _aggregate(session: Session, owner_id: int, params: warmth.WarmthParams) -> int:
    """One UPDATE from one GROUP BY over the owner's touches (from the covering index on SQLite): per contact
    the database sums weight · 2^(t/h − now/h), t the stored seconds (occurred_s), so nothing overflows, and
    the key is now/h + log2(sum). Nothing comes back to Python but the few contacts too faint for that.

    Each contact row is written once: the aggregate is left-joined to the owner's contacts, so one without
    live touches gets NULLs in the same statement (and is skipped when it has them already). Emptying every
    row first, then filling it, wrote each row and its three indexed columns twice: half the rescore's time
    on PostgreSQL at team size."""
    dialect = session.get_bind().dialect.name
    weights, case = _weight_case(params)
    if not case:
        _clear(session, owner_id)
        return _stream(session, owner_id, params)  # every weight zero: only the times to fill
    per_second = 1.0 / (86400.0 * params.half_life_days)
    shift = warmth.seconds(utcnow()) * per_second
    times, moment = TIMES[dialect], MOMENT[dialect]
    query = text(
        f"UPDATE contacts SET warmth_key = CASE WHEN t.total >= :faint THEN :shift + {LOG2[dialect].format('t.total')} END,"
        f" first_touch_at = {moment.format('t.first')}, last_touch_at = {moment.format('t.last')},"
        f" last_inbound_at = {moment.format('t.inbound')}"
        f" FROM contacts AS c LEFT JOIN (SELECT contact_id, sum(({case}) * power(CAST(2.0 AS DOUBLE PRECISION),"
        f" {GREATEST[dialect]}(occurred_s * :per_second - :shift, -1000.0))) AS total,"
        f" {times['first']} AS first, {times['last']} AS last,"
        f" max(CASE WHEN direction = 'inbound' THEN {times['inbound']} END) AS inbound"
        " FROM touches WHERE owner_id = :owner AND deleted_at IS NULL GROUP BY contact_id) AS t"
        " ON t.contact_id = c.id"
        " WHERE contacts.id = c.id AND c.owner_id = :owner AND (t.contact_id IS NOT NULL OR c.warmth_key IS NOT NULL"
        " OR c.first_touch_at IS NOT NULL OR c.last_touch_at IS NOT NULL OR c.last_inbound_at IS NOT NULL)"
    )
    values = {"owner": owner_id, "per_second": per_second, "shift": shift, "faint": 2.0**-FAINT, **weights}
    scored = session.connection().execute(query, values).rowcount
    _rescore_faint(session, owner_id, params)
    return scored


def _weight_case(params: warmth.WarmthParams) -> tuple[dict[str, Any], str]:
    """Each (kind, direction)'s weight as one CASE over the kind, then the direction, in bound values;
    NULL for a weightless touch, so it adds nothing to the sum. Empty when no touch has a weight."""
    weights: dict[str, Any] = {}
    kinds = []
    for i, kind in enumerate(TouchKind):
        directions = []
        for direction in Direction:
            if params.weight(kind, direction) > 0:
                name = f"w{i}{direction.value[0]}"
                weights.update({name: params.weight(kind, direction), f"{name}_d": direction.value})
                directions.append(f"WHEN :{name}_d THEN :{name}")
        if directions:
            weights[f"k{i}"] = kind.value
            kinds.append(f"WHEN :k{i} THEN CASE direction {' '.join(directions)} END")
    return weights, f"CASE kind {' '.join(kinds)} END" if kinds else ""


def _rescore_faint(session: Session, owner_id: int, params: warmth.WarmthParams) -> None:
    """The exact keys, from their terms in Python, of the contacts the aggregate left without one though
    they have touches: too faint for the floor (or, rightly, with weightless touches only)."""
    faint = select(Contact.id).where(
        Contact.owner_id == owner_id, Contact.warmth_key.is_(None), Contact.last_touch_at.is_not(None)
    )
    rows = session.execute(
        select(Touch.contact_id, type_coerce(Touch.kind, String), type_coerce(Touch.direction, String), Touch.occurred_s)
        .where(Touch.owner_id == owner_id, Touch.deleted_at.is_(None), Touch.contact_id.in_(faint))
        .order_by(Touch.contact_id)
    )
    log_weight = _log_weights(params)
    per_second = 1.0 / (86400.0 * params.half_life_days)
    keys = []
    for contact_id, group in groupby(rows, key=itemgetter(0)):
        weighted = ((log_weight.get((kind, direction)), at) for _, kind, direction, at in group)
        key = _log_sum([base + at * per_second for base, at in weighted if base is not None])
        if key is not None:
            keys.append({"b_id": contact_id, "b_key": key})
    if keys:
        session.connection().execute(
            update(Contact.__table__)
            .where(Contact.__table__.c.id == bindparam("b_id"))
            .values(warmth_key=bindparam("b_key"), updated_at=Contact.__table__.c.updated_at),
            keys,
        )


def _log_weights(params: warmth.WarmthParams) -> dict[tuple[str, str], float]:
    return {
        (kind.value, direction.value): math.log2(params.weight(kind, direction))
        for kind in TouchKind
        for direction in Direction
        if params.weight(kind, direction) > 0
    }


def _log_sum(terms: list[float]) -> float | None:
    """log2(Σ 2^term), shifted by the largest term so nothing overflows or underflows."""
    if not terms:
        return None
    top = max(terms)
    return top + math.log2(math.fsum(2.0 ** (term - top) for term in terms))


def _stream(session: Session, owner_id: int, params: warmth.WarmthParams) -> int:
    """The same recompute in Python, streamed in contact order."""
    rows = session.execute(
        # Kind and direction as plain text: turning each into its enum member costs a call per row.
        select(Touch.contact_id, type_coerce(Touch.kind, String), type_coerce(Touch.direction, String), Touch.occurred_at)
        .where(Touch.owner_id == owner_id, Touch.deleted_at.is_(None))
        .order_by(Touch.contact_id)
        .execution_options(yield_per=BATCH)
    )
    # Hot loop: per row only a dict lookup, a little arithmetic and comparisons; the log-sum-exp
    # is done once per contact, shifted by its largest term so nothing overflows.
    log_weight = _log_weights(params)
    per_second = 1.0 / (86400.0 * params.half_life_days)
    epoch = warmth.EPOCH
    pending: list[dict[str, Any]] = []
    scored = 0
    for contact_id, group in groupby(rows, key=itemgetter(0)):
        terms: list[float] = []
        first = last = inbound = None
        for _, kind, direction, at in group:
            base = log_weight.get((kind, direction))
            if base is not None:
                terms.append(base + (at - epoch).total_seconds() * per_second)
            if first is None or at < first:
                first = at
            if last is None or at > last:
                last = at
            if direction == "inbound" and (inbound is None or at > inbound):
                inbound = at
        pending.append(
            {
                "id": contact_id,
                "warmth_key": _log_sum(terms),
                "first_touch_at": first,
                "last_touch_at": last,
                "last_inbound_at": inbound,
            }
        )
        if len(pending) >= BATCH:
            scored += _write(session, pending)
    scored += _write(session, pending)
    return scored


def _write(session: Session, pending: list[dict[str, Any]]) -> int:
    if not pending:
        return 0
    session.connection().execute(
        update(Contact.__table__)
        .where(Contact.__table__.c.id == _bind("id"))
        .values(
            warmth_key=_bind("warmth_key"),
            first_touch_at=_bind("first_touch_at"),
            last_touch_at=_bind("last_touch_at"),
            last_inbound_at=_bind("last_inbound_at"),
            updated_at=Contact.__table__.c.updated_at,
        ),
        [{f"b_{k}": v for k, v in row.items()} for row in pending],
    )
    count = len(pending)
    pending.clear()
    return count


def _bind(name: str) -> Any:
    # Bind names must differ from column names in an executemany UPDATE.
    return bindparam(f"b_{name}")
