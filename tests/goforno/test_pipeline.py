"""The podcast guest pipeline and partners' give-and-take, through the API and the tick."""

from __future__ import annotations

from datetime import timedelta

from outreach.extensions import db
from outreach.reminders import tick as jobs
from outreach.reminders.models import Reminder


def test_booked_recording_becomes_a_prepare_reminder_on_its_day(api, make_contact, make_campaign, now):
    contact = make_contact(api.user, "Tom Becker")
    campaign = make_campaign(api.user)
    when = now + timedelta(days=5)
    episode = api("POST", f"/campaigns/{campaign.id}/episodes", {"contact_id": contact.id, "title": "Ep 1", "stage": "invited"})
    assert episode.status_code == 201
    booked = api("PATCH", f"/episodes/{episode.json['id']}", {"stage": "booked", "recording_at": when.isoformat()})
    assert booked.json["stage"] == "booked"
    jobs.tick(db.session, now)
    reminder = db.session.scalars(db.select(Reminder).where(Reminder.kind == "interview")).one()
    assert reminder.due_on == when.date() and reminder.title.startswith("Prepare for the interview with Tom Becker")
    # Moving the recording moves the reminder, same UID.
    moved = when + timedelta(days=2)
    api("PATCH", f"/episodes/{episode.json['id']}", {"recording_at": moved.isoformat()})
    jobs.tick(db.session, now)
    again = db.session.scalars(db.select(Reminder).where(Reminder.kind == "interview")).one()
    assert again.uid == reminder.uid and again.due_on == moved.date()


def test_booked_without_a_date_is_refused(api, make_contact, make_campaign):
    campaign = make_campaign(api.user)
    response = api("POST", f"/campaigns/{campaign.id}/episodes", {"contact_id": make_contact(api.user).id, "stage": "booked"})
    assert response.status_code == 422


def test_episodes_only_in_a_podcast_season(api, make_contact, make_campaign):
    launch = make_campaign(api.user, kind="launch")
    response = api("POST", f"/campaigns/{launch.id}/episodes", {"contact_id": make_contact(api.user).id})
    assert response.status_code == 422 and "podcast season" in response.json["fields"]["campaign"]


def test_offers_record_the_give_and_take(api, make_contact):
    contact = make_contact(api.user, "Daniel Okafor", kind="alliance_partner")
    gave = api(
        "POST", f"/contacts/{contact.id}/offers", {"kind": "free_call", "happened_on": "2026-09-01", "note": "strategy call"}
    )
    got = api(
        "POST", f"/contacts/{contact.id}/offers", {"direction": "received", "kind": "recommendation", "happened_on": "2026-10-01"}
    )
    assert gave.status_code == got.status_code == 201
    listed = api("GET", f"/contacts/{contact.id}/offers").json["items"]
    assert [(o["direction"], o["kind"]) for o in listed] == [("gave", "free_call"), ("received", "recommendation")]
    assert api("DELETE", f"/offers/{gave.json['id']}").status_code == 204


def test_another_users_episodes_and_offers_are_404(api, make_user, make_contact, make_campaign):

    other = make_user()
    campaign = make_campaign(other)
    contact = make_contact(other)
    assert api("GET", f"/campaigns/{campaign.id}/episodes").status_code == 404
    assert api("GET", f"/contacts/{contact.id}/offers").status_code == 404
    mine = make_campaign(api.user)
    assert api("POST", f"/campaigns/{mine.id}/episodes", {"contact_id": contact.id}).status_code == 404
