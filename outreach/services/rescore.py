"""Full rescore after the weights or half-life change: one streaming pass, never a query per contact."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from outreach import warmth
from outreach.models import Contact, Touch

BATCH = 2000
Progress = Callable[[int], None]


def rescore_owner(
    session: Session, owner_id: int, params: warmth.WarmthParams, progress: Progress | None = None
) -> int:
    """Recompute every key of one owner from the touches, streamed in contact order; returns contacts scored."""
    session.flush()
    session.execute(
        update(Contact)
        .where(Contact.owner_id == owner_id)
        # A rescore is not an edit: updated_at keeps its value (it would fire onupdate otherwise).
        .values(warmth_key=None, first_touch_at=None, last_touch_at=None, last_inbound_at=None, updated_at=Contact.updated_at)
    )
    rows = session.execute(
        select(Touch.contact_id, Touch.kind, Touch.direction, Touch.occurred_at)
        .where(Touch.owner_id == owner_id)
        .order_by(Touch.contact_id)
        .execution_options(yield_per=BATCH)
    )
    # Hot loop: per row only a dict lookup, a little arithmetic and comparisons; the log-sum-exp
    # is done once per contact, shifted by its largest term so nothing overflows.
    log_weight = {
        (kind, direction): math.log2(params.weight(kind, direction))
        for kind in warmth.TOUCH_KINDS
        for direction in warmth.DIRECTIONS
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
