"""Openings: fresh posts on Today and in the API, one click logs the touch, suggestions name the post."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from outreach.contacts.models import Touch
from outreach.core.caller import caller_for
from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.feeds import service
from outreach.feeds.models import Opening, OpeningState, Post
from outreach.feeds.openings import fresh_openings
from outreach.reminders.digest import compose
from outreach.today.service import suggest_touch
from tests.conftest import csrf_from
from tests.feeds.conftest import DATA, fresh

EP_212 = "Ep. 212: The newsletter that pays for the show, with Daniel Okafor"


@pytest.fixture
def maya(make_user, make_contact, serve):
    """A user following Maya's podcast, whose newest episode came out 3 hours ago."""
    user = make_user()
    contact = make_contact(user, "Maya Chen", topics=["podcasting"])
    service.add_feed(db.session, contact, serve("/podcast.xml", fresh("podcast.xml")), utcnow())
    db.session.commit()
    return user, contact


def test_the_api_adds_a_feed_from_a_page_that_names_it(api, make_contact, serve) -> None:
    serve("/feed/", fresh("wordpress-feed.xml"))
    home = serve("/", (DATA / "wordpress.html").read_bytes(), content_type="text/html")
    contact = make_contact(api.user, "Ruth Klein")
    created = api("POST", f"/contacts/{contact.id}/feeds", {"url": home})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["feed_url"], body["title"], body["status"], body["podcast"]) == (home + "feed/", "Ruth Klein", "ok", None)
    assert set(body) >= {"id", "url", "feed_url", "title", "status", "last_polled_at", "podcast"}
    listed = api("GET", f"/contacts/{contact.id}/feeds").get_json()
    assert ([f["id"] for f in listed["items"]], listed["total"]) == ([body["id"]], 1)
    again = api("POST", f"/contacts/{contact.id}/feeds", {"url": home})
    assert again.status_code == 422 and "already has this feed" in again.get_json()["fields"]["url"]
    assert api("DELETE", f"/feeds/{body['id']}").status_code == 204
    assert db.session.scalars(select(Post)).all() == []


def test_a_podcast_feed_reports_its_show(api, make_contact, serve) -> None:
    contact = make_contact(api.user, "Maya Chen")
    body = api(
        "POST", f"/contacts/{contact.id}/feeds", {"url": serve("/p.xml", fresh("podcast.xml", timedelta(days=4)))}
    ).get_json()
    # Six episodes over 32 days, four of them with a guest (two tagged, two named in the title).
    last = (utcnow() - timedelta(days=4)).date().isoformat()
    assert body["podcast"] == {"last_episode_on": last, "episodes_per_month": 4.76, "guest_share": 0.667}


@pytest.mark.parametrize(
    ("path", "body", "content_type", "reason"),
    [
        (
            "/page",
            b"<!doctype html><html><head><title>x</title></head><body>hi</body></html>",
            "text/html",
            "That page names no feed",
        ),
        ("/empty.xml", b"", "application/rss+xml", "The feed is empty"),
        ("/missing.xml", None, "", "The address is gone (404"),
    ],
)
def test_adding_what_is_no_feed_is_refused_with_the_reason(
    api, make_contact, serve, httpserver, path, body, content_type, reason
) -> None:
    url = serve(path, body, content_type=content_type) if body is not None else httpserver.url_for(path)
    if body is None:
        httpserver.expect_request(path).respond_with_data("no", status=404)
    answer = api("POST", f"/contacts/{make_contact(api.user).id}/feeds", {"url": url})
    assert answer.status_code == 422 and answer.get_json()["fields"]["url"].startswith(reason)


def test_another_users_contact_and_feed_look_missing(api, maya) -> None:
    _, contact = maya
    feed = service.feeds_of(db.session, contact.owner_id, contact.id)[0]
    assert api("GET", f"/contacts/{contact.id}/feeds").status_code == 404
    assert api("DELETE", f"/feeds/{feed.id}").status_code == 404
    assert api("GET", "/openings").get_json()["items"] == []


def test_the_api_lists_openings_and_acting_logs_the_touch_once(client, token_for, maya) -> None:
    user, contact = maya
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    items = client.get("/api/v1/openings", headers=headers).get_json()["items"]
    assert [(o["contact_name"], o["title"], o["kind"], o["state"]) for o in items] == [("Maya Chen", EP_212, "episode", "open")]
    assert set(items[0]) == {"id", "contact_id", "contact_name", "title", "url", "published_at", "kind", "state"}
    warmth_before = contact.warmth_key
    acted = client.patch(f"/api/v1/openings/{items[0]['id']}", json={"state": "acted", "touch_kind": "share"}, headers=headers)
    assert acted.status_code == 200 and acted.get_json()["state"] == "acted"
    touch = db.session.scalars(select(Touch)).one()
    assert (touch.kind, touch.url, touch.direction) == ("share", "https://audiencelab.example.com/212", "outbound")
    listed = client.get(f"/api/v1/contacts/{contact.id}/touches", headers=headers).get_json()["items"]
    assert [t["source"] for t in listed] == ["feed"]  # the API says the touch came from their feed
    db.session.refresh(contact)
    assert contact.warmth_key is not None and contact.warmth_key != warmth_before
    twice = client.patch(f"/api/v1/openings/{items[0]['id']}", json={"state": "dismissed"}, headers=headers)
    assert twice.status_code == 422 and twice.get_json()["fields"]["state"] == "This opening is already acted on."
    assert client.get("/api/v1/openings", headers=headers).get_json()["items"] == []
    assert len(client.get("/api/v1/openings?state=acted", headers=headers).get_json()["items"]) == 1
    refused = client.patch(f"/api/v1/openings/{items[0]['id']}", json={"state": "open"}, headers=headers)
    assert refused.status_code == 422


def test_today_shows_the_opening_and_one_click_logs_the_comment(maya, web_login) -> None:
    user, _contact = maya
    client = web_login(user.email)
    page = client.get("/").get_data(as_text=True)
    assert "Fresh from people you're warming" in page
    assert f"<em>{EP_212}</em></a>\n      3 hours ago — comment on it" in page
    opening = db.session.scalars(select(Opening)).one()
    done = client.post(
        f"/openings/{opening.id}", data={"action": "comment", "csrf_token": csrf_from(client, "/")}, follow_redirects=True
    )
    text = done.get_data(as_text=True)
    assert f"Logged a comment on “{EP_212}” for Maya Chen." in text
    assert "Fresh from people you're warming" not in text
    touch = db.session.scalars(select(Touch)).one()
    assert (touch.kind, touch.url) == ("comment", "https://audiencelab.example.com/212")


def test_dismiss_closes_without_a_touch(maya, web_login) -> None:
    user, _ = maya
    client = web_login(user.email)
    opening = db.session.scalars(select(Opening)).one()
    client.post(f"/openings/{opening.id}", data={"action": "dismiss", "csrf_token": csrf_from(client, "/")})
    db.session.refresh(opening)
    assert opening.state == OpeningState.DISMISSED and db.session.scalars(select(Touch)).all() == []


def test_a_post_already_touched_is_not_an_opening_again(maya, serve) -> None:
    user, contact = maya
    opening = db.session.scalars(select(Opening)).one()
    from outreach.feeds.openings import act

    act(db.session, opening, caller_for(user), "acted")
    feed = service.feeds_of(db.session, user.id, contact.id)[0]
    service.delete_feed(db.session, feed)
    service.add_feed(db.session, contact, serve("/again.xml", fresh("podcast.xml")), utcnow())
    db.session.commit()
    assert fresh_openings(db.session, caller_for(user)) == []


def test_old_posts_and_undated_posts_on_a_first_read_are_no_openings(make_user, make_contact, serve) -> None:
    user = make_user()
    service.add_feed(db.session, make_contact(user, "Old"), serve("/old.xml", fresh("podcast.xml", timedelta(days=10))), utcnow())
    undated = fresh("mastodon.xml").replace(b"<pubDate>", b"<!--").replace(b"</pubDate>", b"-->")
    service.add_feed(db.session, make_contact(user, "Undated"), serve("/undated.xml", undated), utcnow())
    db.session.commit()
    assert db.session.scalars(select(Opening)).all() == []


def test_openings_are_ranked_like_warm_up(make_user, make_contact, make_campaign, serve) -> None:
    user = make_user(audience_size=1_000)
    soon = make_campaign(user, "Soon", topics=["podcasting"], date=utcnow().date() + timedelta(weeks=6))
    make_campaign(user, "Later", topics=["launches"], date=utcnow().date() + timedelta(weeks=20))
    people: list[tuple[str, dict[str, Any], timedelta]] = [
        ("No fit", {"topics": ["cooking"]}, timedelta(hours=1)),
        ("Later fit", {"topics": ["launches"], "promotes_others": True}, timedelta(hours=2)),
        ("Moonshot", {"topics": ["podcasting"], "promotes_others": True, "audience_size": 900_000}, timedelta(hours=3)),
        ("Accessible", {"topics": ["podcasting"], "promotes_others": True, "audience_size": 2_000}, timedelta(hours=4)),
    ]
    for name, fields, age in people:
        service.add_feed(
            db.session, make_contact(user, name, **fields), serve(f"/{name[0]}.xml", fresh("substack.xml", age)), utcnow()
        )
    db.session.commit()
    ranked = fresh_openings(db.session, caller_for(user))
    assert [(f.opening.contact_name, f.campaign) for f in ranked] == [
        ("Accessible", soon.name),
        ("Moonshot", soon.name),
        ("Later fit", "Later"),
        ("No fit", None),
    ]


def test_the_warm_up_suggestion_names_the_fresh_post_else_falls_back(maya, make_contact) -> None:
    user, contact = maya
    assert suggest_touch(db.session, user.id, contact.id) == f"comment on “{EP_212}”"
    other = make_contact(user, "No Feed")
    assert suggest_touch(db.session, user.id, other.id) == "comment on their latest post"


def test_the_keep_warm_reminder_names_the_post(maya, log_touches, now) -> None:
    from outreach.reminders.models import Reminder
    from outreach.reminders.tick import tick

    _user, contact = maya
    # Warmth just above the trust bar today, below it within 14 days: a keep-warm reminder is due.
    log_touches(contact, ("collaboration", "outbound", 10), ("share", "outbound", 5), now=now)
    tick(db.session, now)
    titles = db.session.scalars(select(Reminder.title).where(Reminder.kind == "keep_warm")).all()
    assert titles == [f"Touch Maya Chen: suggested comment on “{EP_212}”"]


def test_the_morning_digest_lists_the_days_openings(maya, app) -> None:
    user, _ = maya
    digest = compose(db.session, caller_for(user), "https://outreach.example.com")
    assert digest is not None
    assert f"Fresh from people you're warming\n- Maya Chen published “{EP_212}” 3 hours ago — comment on it" in digest.text
    assert f"<em>{EP_212}</em>" in digest.html


@pytest.mark.parametrize("url", ["http://[", "https://example.com:port/feed", "http://[::1"])
def test_an_address_that_cannot_be_parsed_is_refused_in_a_sentence(api, make_contact, url) -> None:
    answer = api("POST", f"/contacts/{make_contact(api.user).id}/feeds", {"url": url})
    assert answer.status_code == 422 and "web address" in answer.get_json()["fields"]["url"]
