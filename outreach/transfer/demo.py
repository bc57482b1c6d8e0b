"""Demo data: a podcaster with a year of warming, a season to book and a launch to plan."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from outreach.accounts import service as user_service
from outreach.asks import service as ask_service
from outreach.campaigns import service as campaign_service
from outreach.campaigns.schemas import CampaignIn
from outreach.contacts import service as contact_service
from outreach.contacts import touches as touch_service
from outreach.contacts.schemas import ContactIn, TouchIn
from outreach.core.types import utcnow
from outreach.feeds.demo import load_demo_feeds
from outreach.learning.models import Message, Win

# name, kind, topics, audience, promotes others, how, warmth profile
PEOPLE = [
    ("Maya Chen", "podcast_guest", ["podcasting", "marketing"], 12_000, True, ["interview"], "hot"),
    (
        "Daniel Okafor",
        "alliance_partner",
        ["email marketing", "copywriting"],
        45_000,
        True,
        ["affiliate", "recommendation"],
        "hot",
    ),
    ("Priya Raman", "podcast_guest", ["productivity", "podcasting"], 8_000, True, ["interview", "guest_post"], "hot"),
    ("Tom Becker", "peer", ["podcasting", "audio"], 3_000, True, ["interview"], "warm"),
    ("Lena Vogel", "influencer", ["marketing", "social media"], 250_000, True, ["recommendation"], "warm"),
    ("Carlos Mendes", "alliance_partner", ["online courses", "marketing"], 30_000, True, ["affiliate"], "warm"),
    ("Aisha Bello", "podcast_guest", ["entrepreneurship", "podcasting"], 15_000, None, [], "warm"),
    ("Ruth Klein", "alliance_partner", ["copywriting", "online courses"], 22_000, True, ["guest_post", "affiliate"], "warm"),
    ("Jonas Lindqvist", "influencer", ["productivity"], 900_000, True, ["recommendation"], "cool"),
    ("Grace Park", "podcast_guest", ["marketing", "storytelling"], 18_000, True, ["interview"], "cool"),
    ("Omar Haddad", "peer", ["podcasting"], 2_500, True, ["interview"], "cool"),
    ("Sofia Rossi", "alliance_partner", ["marketing", "launches"], 60_000, True, ["affiliate", "free_call"], "cool"),
    ("Ben Adler", "influencer", ["fitness", "nutrition"], 400_000, False, [], "cool"),
    ("Hannah Weiss", "podcast_guest", ["storytelling", "podcasting"], 5_500, True, ["interview"], "new"),
    ("Kofi Mensah", "alliance_partner", ["entrepreneurship", "launches"], 40_000, None, [], "new"),
    ("Elena Petrova", "influencer", ["marketing"], 1_200_000, True, ["recommendation"], "new"),
    ("Sam Whitfield", "peer", ["audio", "podcasting"], 1_500, True, ["interview"], "cold"),
    ("Noor Aziz", "podcast_guest", ["productivity", "writing"], 9_000, True, ["interview"], "cold"),
    ("Felix Wagner", "alliance_partner", ["online courses"], 25_000, True, ["affiliate"], "cold"),
    ("Isabel Cruz", "influencer", ["cooking"], 80_000, True, ["recommendation"], "cold"),
]
TOUCHES_BY_PROFILE = {
    "hot": (18, 360, 0.35),
    "warm": (10, 300, 0.25),
    "cool": (5, 330, 0.15),
    "new": (3, 30, 0.0),
    "cold": (2, 360, 0.0),
}
OUTBOUND_KINDS = ["comment", "comment", "share", "share", "email", "purchase", "dm"]
INBOUND_KINDS = ["email", "comment", "share", "call"]
# What a real log says beside a touch, by kind and direction.
NOTES = {
    ("comment", "outbound"): "On their latest post",
    ("share", "outbound"): "Shared their episode with my list",
    ("email", "outbound"): "Thank-you note about their talk",
    ("purchase", "outbound"): "Bought their book",
    ("dm", "outbound"): "Congratulated them on the launch",
    ("email", "inbound"): "Replied to my thank-you",
    ("comment", "inbound"): "Commented on my episode",
    ("share", "inbound"): "Shared my episode",
    ("call", "inbound"): "They called to swap ideas",
}
PERSONAL_INVITE = (
    "Hi {name}, I keep coming back to {recent_work}. For {campaign} I would love one conversation on it: "
    "40 minutes, recorded remotely, any week that suits you in the next two months."
)
NEWSLETTER_ASK = "Know someone our listeners should hear on {campaign}? Hit reply with a name."


def _valid(schema: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """The demo's records pass the same rules as anyone's input."""
    return schema.model_validate(data).model_dump()


def load_demo(session: Session, email: str, password: str, now: datetime | None = None) -> str:
    """Create the demo user and everything they own; flushes, the caller commits."""
    now = now or utcnow()
    rng = random.Random(7)
    user = user_service.create_user(session, email, password, audience_size=6_000)
    settings = user_service.user_settings(user)
    params, planner = settings.warmth_params(), settings.planner(user.audience_size)

    contacts = {}
    touch_count = 0
    for name, kind, topics, audience, promotes, methods, profile in PEOPLE:
        slug = name.lower().replace(" ", ".")
        contact = contact_service.create_contact(
            session,
            user.id,
            _valid(
                ContactIn,
                {
                    "name": name,
                    "email": f"{slug}@example.com",
                    "kind": kind,
                    "topics": topics,
                    "audience_size": audience,
                    "promotes_others": promotes,
                    "promotion_methods": methods,
                    "links": [f"https://example.com/{slug.replace('.', '-')}"],
                    "tags": ["demo", profile],
                },
            ),
        )
        contacts[name] = contact
        count, span_days, inbound_share = TOUCHES_BY_PROFILE[profile]
        for _ in range(count):
            inbound = rng.random() < inbound_share
            touch_kind = rng.choice(INBOUND_KINDS if inbound else OUTBOUND_KINDS)
            direction = "inbound" if inbound else "outbound"
            touch_service.log_touch(
                session,
                contact,
                _valid(
                    TouchIn,
                    {
                        "kind": touch_kind,
                        "direction": direction,
                        "occurred_at": now - timedelta(days=rng.uniform(1, span_days)),
                        "note": NOTES.get((touch_kind, direction), ""),
                    },
                ),
                params,
            )
            touch_count += 1

    season = campaign_service.create_campaign(
        session,
        user.id,
        _valid(
            CampaignIn,
            {
                "name": "The Growth Hour — Season 4",
                "kind": "podcast_season",
                "date": (now + timedelta(weeks=9)).date(),
                "topics": ["podcasting", "marketing", "productivity", "storytelling"],
                "yes_target": 8,
                "description": "Eight interviews with people our listeners already follow.",
            },
        ),
    )
    launch = campaign_service.create_campaign(
        session,
        user.id,
        _valid(
            CampaignIn,
            {
                "name": "Warm Outreach course launch",
                "kind": "launch",
                "date": (now + timedelta(weeks=22)).date(),
                "topics": ["online courses", "email marketing", "copywriting", "launches"],
                "yes_target": 5,
                "description": "Alliance partners to mail their lists for the launch week.",
            },
        ),
    )
    campaign_service.add_busy_period(
        session, contacts["Priya Raman"], (now + timedelta(days=3)).date(), (now + timedelta(days=17)).date(), "Her book launch"
    )
    personal = Message(owner_id=user.id, name="Personal invite with an episode idea", body=PERSONAL_INVITE)
    newsletter = Message(owner_id=user.id, name="Newsletter: know a guest?", body=NEWSLETTER_ASK)
    session.add_all([personal, newsletter])
    session.flush()
    ledger = [
        ("Tom Becker", season, 40, "yes", None, "Offer a specific episode idea, not a generic invite."),
        ("Omar Haddad", season, 35, "no", "full_plate", "Ask earlier in their year: January is calmer."),
        (
            "Jonas Lindqvist",
            season,
            30,
            "no",
            "audience_too_small",
            "Start with accessible guests; come back with download numbers.",
        ),
        ("Ben Adler", season, 28, "no", "audience_mismatch", "Check their topics first: fitness is not our show."),
        ("Grace Park", season, 20, "not_now", "timing", "She is writing a book; follow up after her deadline."),
        ("Sam Whitfield", season, 25, "no_response", None, "A cold DM to someone I'd never talked to: warm up first."),
        ("Aisha Bello", season, 5, "pending", None, ""),
        ("Elena Petrova", launch, 60, "no", "connection_too_shallow", "A follow is not a relationship."),
    ]
    for name, campaign, days_ago, outcome, reason, lesson in ledger:
        data = {
            "contact_id": contacts[name].id,
            "campaign_id": campaign.id,
            "asked_at": now - timedelta(days=days_ago),
            "channel": "email",
            "request": f"Would you join {campaign.name}?",
            "outcome": outcome,
            "reason": reason,
            "lesson": lesson,
            "message_id": personal.id,
        }
        if outcome == "not_now":
            data["follow_up_on"] = (now + timedelta(days=30)).date()
        ask = ask_service.create_ask(session, user.id, data, planner, now)
        if outcome == "yes":
            text = f"{name} said yes to {campaign.name}: \u201cWhat a specific idea \u2014 count me in.\u201d"
            session.add(Win(owner_id=user.id, kind="yes", text=text, contact_id=contacts[name].id, ask_id=ask.id))
    session.add(
        Win(
            owner_id=user.id,
            kind="kind_reply",
            contact_id=contacts["Omar Haddad"].id,
            text="Omar said no for now, and added: \u201cI listen to every episode \u2014 keep going.\u201d",
        )
    )
    bulk = ask_service.create_ask(
        session,
        user.id,
        {
            "asked_at": now - timedelta(days=45),
            "channel": "newsletter",
            "request": "Know a guest for Season 4? Reply with a name.",
            "recipients": 100,
            "outcome": "yes",
            "lesson": "One reply in a hundred: bulk asks are for volume, not for guests.",
            "message_id": newsletter.id,
        },
        planner,
        now,
    )
    session.add(
        Win(
            owner_id=user.id,
            kind="result",
            ask_id=bulk.id,
            text="A listener introduced us to Hannah Weiss after the newsletter ask.",
        )
    )
    session.flush()
    posts = load_demo_feeds(session, contacts, now)
    return (
        f"Demo user {email}: {len(contacts)} contacts, {touch_count} touches over a year, "
        f"campaigns '{season.name}' and '{launch.name}', {len(ledger) + 1} asks, {posts} posts from demo feeds."
    )
