"""Replies to open asks, noticed in captured mail: from the contact after the ask, or in its thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.capture.models import CapturedMessage, CaptureLink
from outreach.core.caller import Caller
from outreach.core.ownership import owned

if TYPE_CHECKING:
    from outreach.capture.store import Item


def notice_replies(session: Session, me: Caller, inbound: list[Item], threads: dict[int, list[str | None]]) -> int:
    """Open asks answered by these messages: from the contact after the ask, or naming the ask's mail."""
    if not inbound:
        return 0
    by_ref = {item.ref: item for item in inbound}
    senders = session.execute(
        select(CaptureLink.message_id, CaptureLink.contact_id).where(
            CaptureLink.owner_id == me.id, CaptureLink.message_id.in_(list(by_ref))
        )
    ).all()
    replies: list[tuple[int, Item]] = [(contact_id, by_ref[ref]) for ref, contact_id in senders]  # type: ignore[index]
    replies += _threaded(session, me, by_ref, threads)
    if not replies:
        return 0
    # Most mail answers no ask: one query finds the open asks of everyone who wrote, usually none.
    open_asks = session.scalars(
        owned(Ask, me.id).where(
            Ask.contact_id.in_({contact_id for contact_id, _ in replies}), Ask.outcome == "pending", Ask.replied_at.is_(None)
        )
    ).all()
    marked = 0
    for ask in open_asks:
        answers = [item for contact_id, item in replies if contact_id == ask.contact_id and item.at >= ask.asked_at]
        if answers:
            first = min(answers, key=lambda item: item.at)
            ask.replied_at, ask.reply_subject, ask.updated_at = first.at, first.note[:300], me.now
            marked += 1
    session.flush()
    return marked


def _threaded(
    session: Session, me: Caller, inbound: dict[int, Item], threads: dict[int, list[str | None]]
) -> list[tuple[int, Item]]:
    """Replies from an address we do not know (an assistant, a new address), found by In-Reply-To/References
    naming a message the user sent to a contact."""
    named: dict[str, Item] = {}
    for ref, item in inbound.items():
        for key in threads.get(ref, []):
            if key:
                named.setdefault(key, item)
    if not named:
        return []
    asked = session.execute(
        select(CapturedMessage.message_key, CaptureLink.contact_id)
        .join(CaptureLink, CaptureLink.message_id == CapturedMessage.id)
        .where(
            CapturedMessage.owner_id == me.id,
            CapturedMessage.direction == "outbound",
            CapturedMessage.message_key.in_(list(named)),
        )
    ).all()
    return [(contact_id, named[key]) for key, contact_id in asked]
