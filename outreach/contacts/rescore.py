"""Full rescore after the weights or half-life change: one SQL aggregate (or, where the database has
no log2/power, one streaming pass), never a query per contact."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import String, bindparam, select, text, type_coerce, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from outreach.contacts.models import Contact, Touch
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.domain.vocabulary import Direction, TouchKind

BATCH = 2000
Progress = Callable[[int], None]


def rescore_owner(session: Session, owner_id: int, params: warmth.WarmthParams, progress: Progress | None = None) -> int:
    """Recompute every key of one owner from the touches; returns contacts scored."""
    session.flush()
    session.execute(
        update(Contact)
        .where(Contact.owner_id == owner_id)
        # A rescore is not an edit: updated_at keeps its value (it would fire onupdate otherwise).
        .values(warmth_key=None, first_touch_at=None, last_touch_at=None, last_inbound_at=None, updated_at=Contact.updated_at)
    )
    if _has_sql_maths(session):
        return _aggregate(session, owner_id, params, progress)
    return _stream(session, owner_id, params, progress)


# The seconds from the warmth epoch to a touch, in each database's own date arithmetic.
SECONDS = {
    "sqlite": "(julianday(occurred_at) - julianday(:epoch)) * 86400.0",
    "postgresql": "CAST(EXTRACT(EPOCH FROM (occurred_at - CAST(:epoch AS TIMESTAMP))) AS DOUBLE PRECISION)",
}
GREATEST = {"sqlite": "max", "postgresql": "GREATEST"}
_maths: dict[str, bool] = {}


def _has_sql_maths(session: Session) -> bool:
    """PostgreSQL always; SQLite when built with its maths functions (most builds since 3.35)."""
    bind = session.get_bind()
    dialect = bind.dialect.name
    if dialect not in SECONDS:
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


def _aggregate(session: Session, owner_id: int, params: warmth.WarmthParams, progress: Progress | None) -> int:
    """One GROUP BY over the owner's touches: the database sums 2^(term - shift) per contact, where
    term = log2(weight) + t/h, and shift is the largest term any past touch can have, so nothing
    overflows (and a floor keeps PostgreSQL's power() from refusing underflow)."""
    dialect = session.get_bind().dialect.name
    weights: dict[str, Any] = {}
    cases = []
    for i, (kind, direction) in enumerate((k.value, d.value) for k in TouchKind for d in Direction):
        if params.weight(kind, direction) > 0:
            weights.update({f"k{i}": kind, f"d{i}": direction, f"w{i}": math.log2(params.weight(kind, direction))})
            cases.append(f"WHEN kind = :k{i} AND direction = :d{i} THEN :w{i}")
    if not cases:
        return _stream(session, owner_id, params, progress)  # every weight zero: only the times to fill
    per_second = 1.0 / (86400.0 * params.half_life_days)
    shift = max(v for k, v in weights.items() if k.startswith("w")) + ((utcnow() - warmth.EPOCH).total_seconds() * per_second)
    term = f"(CASE {' '.join(cases)} END) + {SECONDS[dialect]} * :per_second"
    query = text(
        f"SELECT contact_id, max(term), sum(power(CAST(2.0 AS DOUBLE PRECISION), {GREATEST[dialect]}(term - :shift, -1000.0))),"
        " min(occurred_at), max(occurred_at), max(CASE WHEN direction = 'inbound' THEN occurred_at END)"
        f" FROM (SELECT contact_id, occurred_at, direction, {term} AS term FROM touches WHERE owner_id = :owner) AS t"
        " GROUP BY contact_id"
    )
    rows = session.execute(query.bindparams(owner=owner_id, epoch=warmth.EPOCH, per_second=per_second, shift=shift, **weights))
    pending: list[dict[str, Any]] = []
    scored = 0
    for contact_id, top, total, first, last, inbound in rows:
        key = None if top is None else (shift + math.log2(total) if total and total > 0 else top)
        pending.append(
            {
                "id": contact_id,
                "warmth_key": key,
                "first_touch_at": _moment(first),
                "last_touch_at": _moment(last),
                "last_inbound_at": _moment(inbound),
            }
        )
        if len(pending) >= BATCH:
            scored += _write(session, pending, progress)
    scored += _write(session, pending, progress)
    return scored


def _moment(value: Any) -> datetime | None:
    """Aggregates of a timestamp come back as text from SQLite."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _stream(session: Session, owner_id: int, params: warmth.WarmthParams, progress: Progress | None) -> int:
    """The same recompute in Python, streamed in contact order."""
    rows = session.execute(
        # Kind and direction as plain text: turning each into its enum member costs a call per row.
        select(Touch.contact_id, type_coerce(Touch.kind, String), type_coerce(Touch.direction, String), Touch.occurred_at)
        .where(Touch.owner_id == owner_id)
        .order_by(Touch.contact_id)
        .execution_options(yield_per=BATCH)
    )
    # Hot loop: per row only a dict lookup, a little arithmetic and comparisons; the log-sum-exp
    # is done once per contact, shifted by its largest term so nothing overflows.
    log_weight = {
        (kind.value, direction.value): math.log2(params.weight(kind, direction))
        for kind in TouchKind
        for direction in Direction
        if params.weight(kind, direction) > 0
    }
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
        key = None
        if terms:
            top = max(terms)
            key = top + math.log2(math.fsum(2.0 ** (term - top) for term in terms))
        pending.append(
            {"id": contact_id, "warmth_key": key, "first_touch_at": first, "last_touch_at": last, "last_inbound_at": inbound}
        )
        if len(pending) >= BATCH:
            scored += _write(session, pending, progress)
    scored += _write(session, pending, progress)
    return scored


def _write(session: Session, pending: list[dict[str, Any]], progress: Progress | None) -> int:
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
    if progress:
        progress(count)
    return count


def _bind(name: str) -> Any:
    # Bind names must differ from column names in an executemany UPDATE.
    return bindparam(f"b_{name}")
