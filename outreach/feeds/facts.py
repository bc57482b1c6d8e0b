"""What contacts' podcast feeds say, for readiness's fit: one query for many contacts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from outreach.core.ownership import owned
from outreach.domain.shows import ShowFacts
from outreach.feeds.models import Feed


def shows_of(session: Session, owner_id: int, contact_ids: Iterable[int], as_of: date) -> dict[int, ShowFacts]:
    """Each contact's show, from the podcast feed with the latest episode when they have several."""
    ids = list(contact_ids)
    shows: dict[int, ShowFacts] = {}
    for start in range(0, len(ids), 500):
        query = owned(Feed, owner_id).where(
            Feed.contact_id.in_(ids[start : start + 500]), Feed.podcast_episodes_counted.is_not(None)
        )
        for feed in session.scalars(query):
            show = feed.show(as_of)
            current = shows.get(feed.contact_id)
            if show is not None and (
                current is None or (show.last_episode_on or date.min) > (current.last_episode_on or date.min)
            ):
                shows[feed.contact_id] = show
    return shows
