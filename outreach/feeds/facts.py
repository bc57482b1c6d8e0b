"""What contacts' podcast feeds say, for readiness's fit: one query for many contacts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from outreach.core.ownership import owned
from outreach.domain.shows import ShowFacts
from outreach.feeds.models import Feed


def shows_of(session: Session, owner_id: int, contact_ids: Iterable[int] | None, as_of: date) -> dict[int, ShowFacts]:
    """Each contact's show, from the podcast feed with the latest episode when they have several;
    ``None`` for every contact of the owner's (one statement, not one per 500 ids)."""
    podcasts = owned(Feed, owner_id).where(Feed.podcast_episodes_counted.is_not(None))
    if contact_ids is None:
        queries = [podcasts]
    else:
        ids = list(contact_ids)
        queries = [podcasts.where(Feed.contact_id.in_(ids[start : start + 500])) for start in range(0, len(ids), 500)]
    shows: dict[int, ShowFacts] = {}
    for query in queries:
        for feed in session.scalars(query):
            show = feed.show(as_of)
            current = shows.get(feed.contact_id)
            if show is not None and (
                current is None or (show.last_episode_on or date.min) > (current.last_episode_on or date.min)
            ):
                shows[feed.contact_id] = show
    return shows
