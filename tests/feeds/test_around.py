"""Feeds around the app: the contact page, the CLI, the scheduler, the demo, the JSON export."""

from __future__ import annotations

import json
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.feeds import service
from outreach.feeds.models import Feed, FeedStatus, Opening, Post
from outreach.reminders.scheduler import configure
from outreach.transfer import archive, restore
from outreach.transfer.demo import load_demo
from tests.conftest import csrf_from
from tests.feeds.conftest import fresh


def test_the_contact_page_shows_the_show_and_the_fit_flag(make_user, make_contact, make_campaign, serve, web_login) -> None:
    user = make_user()
    contact = make_contact(user, "Omar Haddad", topics=["podcasting"], promotes_others=True, promotion_methods=["interview"])
    make_campaign(user)
    service.add_feed(db.session, contact, serve("/omar.xml", fresh("podcast.xml", timedelta(days=150))), utcnow())
    db.session.commit()
    page = web_login(user.email).get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Their show: weekly, last episode 5 months ago, 4 of the last 6 with a guest." in page
    assert "Their show may have stopped: last episode 5 months ago." in page
    assert "; their show may have stopped: last episode 5 months ago." in page  # in the fit sentence


def test_the_contact_page_form_adds_a_feed_or_says_why_not(make_user, make_contact, serve, web_login) -> None:
    user = make_user()
    contact = make_contact(user, "Tom Becker")
    client = web_login(user.email)
    token = csrf_from(client, f"/contacts/{contact.id}")
    ok = client.post(
        f"/contacts/{contact.id}/feeds",
        data={"url": serve("/tom.rss", fresh("mastodon.xml")), "csrf_token": token},
        follow_redirects=True,
    )
    assert "Following Tom Becker: fresh posts will show on Today." in ok.get_data(as_text=True)
    bad = client.post(
        f"/contacts/{contact.id}/feeds", data={"url": serve("/e.xml", b""), "csrf_token": token}, follow_redirects=True
    )
    assert "Feed not added. The feed is empty: the server sent nothing." in bad.get_data(as_text=True)


def test_outreach_feeds_poll_reports_the_run(make_user, make_contact, serve, runner, app) -> None:
    user = make_user("poller@example.com")
    for name in ("A", "B"):
        service.add_feed(
            db.session, make_contact(user, name), serve(f"/{name}.xml", fresh("substack.xml")), utcnow() - timedelta(days=3)
        )
    db.session.commit()
    db.session.execute(Feed.__table__.update().values(next_poll_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    result = runner.invoke(args=["feeds", "poll", "--email", "poller@example.com"])
    assert result.exit_code == 0, result.output
    assert "2 requests: 2 unchanged (304), 0 changed, 0 new posts, 0 openings; 0 failed (0 stopped)" in result.output
    assert runner.invoke(args=["feeds", "poll", "--email", "nobody@example.com"]).exit_code != 0


def test_the_scheduler_runs_feeds_beside_the_tick_once_however_often_configured() -> None:
    scheduler = BackgroundScheduler()
    configure(scheduler, 60)
    configure(scheduler, 60)  # a restart: replaced, not doubled
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert sorted(jobs) == ["capture", "feeds", "tick"]
    assert jobs["feeds"].func_ref == "outreach.feeds.poll:scheduled_poll" and jobs["feeds"].coalesce


def test_the_demo_shows_openings_on_day_one_without_a_network(app, web_login) -> None:
    load_demo(db.session, "demo@example.com", "demo-password")
    db.session.commit()
    assert {f.status for f in db.session.scalars(select(Feed))} == {FeedStatus.DEMO}
    page = web_login("demo@example.com", "demo-password").get("/").get_data(as_text=True)
    assert "Maya Chen</a> published" in page and "Ep. 212: The newsletter that pays for the show" in page
    assert "3 hours ago — comment on it" in page


def test_the_json_export_carries_feeds_posts_and_openings(make_user, make_contact, serve) -> None:
    user = make_user()
    service.add_feed(db.session, make_contact(user, "Maya Chen"), serve("/p.xml", fresh("podcast.xml")), utcnow())
    db.session.commit()
    document = json.loads(json.dumps(archive.export_account(db.session, user)))
    assert (len(document["feeds"]), len(document["posts"]), len(document["openings"])) == (1, 6, 1)
    other = make_user()
    counts = restore.import_account(db.session, other, document)
    db.session.commit()
    assert (counts["feeds"], counts["posts"], counts["openings"]) == (1, 6, 1)
    restored = db.session.scalars(select(Opening).where(Opening.owner_id == other.id)).one()
    assert restored.title.startswith("Ep. 212") and db.session.scalars(select(Post).where(Post.owner_id == other.id)).all()
