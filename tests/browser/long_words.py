"""One record of each kind whose every text field holds a single unbroken word: 3,000 characters, or the
most the field accepts (names 200, URLs 2,000, labels 60), each value checked by the app's own schemas."""

from __future__ import annotations

from datetime import timedelta

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.asks import service as ask_service
from outreach.asks.schemas import AskIn
from outreach.campaigns import service as campaign_service
from outreach.campaigns.schemas import CampaignIn
from outreach.contacts import service as contact_service
from outreach.contacts import touches as touch_service
from outreach.contacts.schemas import BusyPeriodIn, ContactIn, TouchIn
from outreach.core.types import utcnow
from outreach.episodes import service as episode_service
from outreach.episodes.schemas import EpisodeIn, OfferIn
from outreach.extensions import db
from outreach.learning.models import Message, Win
from outreach.learning.schemas import MessageIn, WinIn

WORD = 3000


def word(letter: str, length: int = WORD) -> str:
    return letter * length


def url(letter: str) -> str:
    return "https://example.com/" + letter * (2000 - len("https://example.com/"))


def give_long_words(owner_id: int) -> dict[str, int]:
    """Create the records for the demo user; returns their ids (contact, campaign, ask)."""
    user = db.session.get_one(User, owner_id)
    settings = user_service.user_settings(user)
    now = utcnow()
    contact = contact_service.create_contact(
        db.session,
        owner_id,
        ContactIn.model_validate(
            {
                "name": word("N", 200),
                "email": "e" * 64 + "@" + "d" * 63 + ".example.com",
                "kind": "podcast_guest",
                "topics": [word("t", 60), "podcasting"],
                "audience_size": 2_000_000_000,
                "links": [url("l"), url("m")],
                "tags": [word("g", 60)],
                "notes": word("o"),
                "preferred_contact": word("p", 100),
                "promotions_url": url("u"),
                "upcoming_events": word("v"),
            }
        ).model_dump(),
    )
    touch = TouchIn.model_validate(
        {"kind": "email", "direction": "inbound", "occurred_at": now - timedelta(days=20), "channel": word("c", 100)}
        | {"url": url("r"), "note": word("n")}
    )
    touch_service.log_touch(db.session, contact, touch.model_dump(), settings.warmth_params())
    busy = BusyPeriodIn.model_validate(
        {"start": now.date() + timedelta(days=30), "end": now.date() + timedelta(days=31), "summary": word("b", 500)}
    )
    campaign_service.add_busy_period(db.session, contact, busy.start, busy.end, busy.summary)
    offer = OfferIn.model_validate({"kind": "guest_post", "happened_on": now.date(), "note": word("f")})
    episode_service.add_offer(db.session, contact, offer.model_dump())
    campaign = campaign_service.create_campaign(
        db.session,
        owner_id,
        CampaignIn.model_validate(
            {
                "name": word("C", 200),
                "kind": "podcast_season",
                "date": now.date() + timedelta(weeks=8),
                "topics": [word("k", 60), "podcasting"],
                "yes_target": 100_000,
                "description": word("d"),
            }
        ).model_dump(),
    )
    episode = EpisodeIn.model_validate({"contact_id": contact.id, "title": word("e", 300), "notes": word("x")})
    episode_service.add_episode(db.session, campaign, episode.model_dump())
    message = MessageIn.model_validate({"name": word("M", 200), "body": word("y")})
    db.session.add(Message(owner_id=owner_id, **message.model_dump()))
    db.session.flush()
    ask = AskIn.model_validate(
        {
            "contact_id": contact.id,
            "campaign_id": campaign.id,
            "asked_at": now - timedelta(days=2),
            "channel": word("h", 100),
            "request": word("q"),
            "reason_detail": word("z"),
            "lesson": word("s"),
        }
    )
    recorded = ask_service.create_ask(db.session, owner_id, ask.model_dump(), settings.planner(user.audience_size), now)
    win = WinIn.model_validate({"text": word("W"), "contact_id": contact.id})
    db.session.add(Win(owner_id=owner_id, **win.model_dump(exclude={"ask_id"})))
    db.session.commit()
    ids = {"contact": contact.id, "campaign": campaign.id, "ask": recorded.id}
    db.session.close()
    return ids
