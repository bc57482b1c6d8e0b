"""Every page shows the product's words as people read them ("full plate", "DM"), never the stored values."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from outreach.accounts.auth import PUBLIC_ENDPOINTS
from outreach.asks import service as ask_service
from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.domain.vocabulary import VOCABULARIES, TouchKind, label
from outreach.domain.warmth import WarmthParams
from outreach.extensions import db
from outreach.reminders.tick import tick
from outreach.transfer.demo import load_demo

# A value is raw on a page when it has an underscore, or differs from its label only by case ("dm").
RAW = sorted(
    {
        word.value
        for vocabulary in VOCABULARIES.values()
        for word in vocabulary
        if "_" in word.value or (word.label != word.value and word.label.lower() == word.value.lower())
    }
)
RAW_WORD = re.compile(r"(?<![\w@./-])(" + "|".join(map(re.escape, RAW)) + r")(?![\w@./-])")


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles. ``<code>`` is skipped too: it
    marks machine values shown on purpose, such as the touch kinds a CSV file must contain."""

    HIDDEN = frozenset({"script", "style", "code"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def test_labels_come_from_the_vocabulary():
    assert TouchKind.DM.label == "DM" and label("full_plate", "NoReason") == "full plate"
    assert label("track_record", "NoReason") == "wants a track record first"
    assert {"full_plate", "dm", "keep_warm", "podcast_season", "not_now"} <= set(RAW)


@pytest.fixture
def demo(app, client, web_login):
    now = utcnow()
    load_demo(db.session, "demo@example.com", "demo-password", now=now)
    db.session.commit()
    tick(db.session, now)  # reminders for Today: ask, target, keep warm, follow up
    user_id = db.session.scalars(db.select(Contact.owner_id)).first()
    # An edited ask, so its page shows a history of outcomes and reasons.
    asked = db.session.scalars(owned(Ask, user_id).where(Ask.outcome == "pending")).first()
    ask_service.update_ask(db.session, asked, {"outcome": "no", "reason": "full_plate"})
    # A fresh DM to a cold contact: their warmth sentence names it as the touch that counts most.
    cold = db.session.scalars(owned(Contact, user_id).where(Contact.name == "Sam Whitfield")).one()
    touch_service.log_touch(db.session, cold, {"kind": "dm", "direction": "inbound", "occurred_at": now}, WarmthParams())
    db.session.commit()
    web_login("demo@example.com", "demo-password")
    return user_id


def _pages(app, user_id: int) -> list[str]:
    ids = {
        "contact_id": [c.id for c in db.session.scalars(owned(Contact, user_id))],
        "campaign_id": [c.id for c in db.session.scalars(owned(Campaign, user_id))],
        "ask_id": [a.id for a in db.session.scalars(owned(Ask, user_id))],
    }
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.startswith(("api.", "static")) or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        names = set(rule.arguments)
        if not names:
            pages.append(rule.rule)
        elif len(names) == 1 and (name := names.pop()) in ids:
            pages += [re.sub(r"<(?:int:)?\w+>", str(id_), rule.rule) for id_ in ids[name]]
    return pages


def test_no_page_of_the_demo_shows_a_raw_stored_value(app, client, demo):
    pages = _pages(app, demo)
    found = {}
    for path in pages:
        response = client.get(path)
        if response.mimetype != "text/html":
            continue  # exports: CSV and JSON carry the stored values by design
        assert response.status_code == 200, path
        raw = set(RAW_WORD.findall(visible_text(response.get_data(as_text=True))))
        if raw:
            found[path] = sorted(raw)
    assert len(pages) > 40 and "/go-for-no" in pages
    assert found == {}
    sam = client.get(f"/contacts/{db.session.scalars(db.select(Contact.id).where(Contact.name == 'Sam Whitfield')).one()}")
    assert "mostly their DM on" in sam.get_data(as_text=True)
