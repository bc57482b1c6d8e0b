"""Each rule across fields is written once: the API, the web forms, the PATCH paths and the CLI say the same sentence."""

from __future__ import annotations

from datetime import date
from html import escape

import pytest

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.campaigns import service as campaign_service
from outreach.campaigns.models import Campaign
from outreach.contacts.models import BusyPeriod
from outreach.core.errors import InvalidInput
from outreach.domain import rules
from outreach.episodes.models import Episode
from outreach.extensions import db
from tests.conftest import csrf_from

WINDOW = "The ask window must close after it opens: make it close fewer weeks before the date than it opens."
BUSY = "A busy period ends on or after its first day."
BOOKED = "A booked episode needs its recording date."
SHORT = "Use at least 8 characters for the password."


def post(client, path, data, page=None, **kwargs):
    return client.post(path, data={"csrf_token": csrf_from(client, page or path), **data}, **kwargs)


def sentence(call, *args) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        call(*args)
    return refused.value.fields


@pytest.fixture
def logged_in(client, make_user, web_login):
    user = make_user("rules@example.com")
    web_login(user.email)
    return user


def test_the_ask_window_rule_reads_the_same_from_the_api_its_patch_and_the_form(api, client, make_campaign, web_login):
    created = api("POST", "/campaigns", {"name": "S", "date": "2027-05-01", "window_start_weeks": 3, "window_end_weeks": 5})
    assert created.status_code == 422 and created.json["fields"] == {"window_end_weeks": WINDOW}
    # PATCH sends one end only: the service checks the window the patch would leave with the stored other end.
    campaign = make_campaign(api.user, window_start_weeks=12, window_end_weeks=3)
    patched = api("PATCH", f"/campaigns/{campaign.id}", {"window_end_weeks": 12})
    assert patched.status_code == 422 and patched.json["fields"] == {"window_end_weeks": WINDOW}
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).window_end_weeks == 3
    web_login(api.user.email)
    data = {"name": "S", "kind": "launch", "date": "2027-05-01", "yes_target": "3", "window_start_weeks": "3"}
    page = post(client, "/campaigns/new", {**data, "window_end_weeks": "5"}).get_data(as_text=True)
    assert escape(WINDOW) in page


def test_the_busy_period_rule_reads_the_same_from_the_api_the_form_and_the_service(api, client, make_contact, web_login):
    contact = make_contact(api.user)
    refused = api("POST", f"/contacts/{contact.id}/busy-periods", {"start": "2027-01-05", "end": "2027-01-01"})
    assert refused.status_code == 422 and refused.json["fields"] == {"end": BUSY}
    assert sentence(campaign_service.add_busy_period, db.session, contact, date(2027, 1, 5), date(2027, 1, 1)) == {"end": BUSY}
    web_login(api.user.email)
    page = post(client, f"/contacts/{contact.id}/busy", {"start": "2027-01-05", "end": "2027-01-01"}, f"/contacts/{contact.id}")
    assert page.status_code == 422 and BUSY in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(BusyPeriod.id))) == 0


def test_the_booked_episode_rule_reads_the_same_from_the_api_its_patch_and_the_page(
    api, client, make_contact, make_campaign, web_login
):
    contact, campaign = make_contact(api.user), make_campaign(api.user)
    created = api("POST", f"/campaigns/{campaign.id}/episodes", {"contact_id": contact.id, "stage": "booked"})
    assert created.status_code == 422 and created.json["fields"] == {"recording_at": BOOKED}
    episode = api("POST", f"/campaigns/{campaign.id}/episodes", {"contact_id": contact.id}).json
    patched = api("PATCH", f"/episodes/{episode['id']}", {"stage": "booked"})
    assert patched.status_code == 422 and patched.json["fields"] == {"recording_at": BOOKED}
    web_login(api.user.email)
    shown = post(
        client, f"/campaigns/episodes/{episode['id']}", {"stage": "booked"}, f"/campaigns/{campaign.id}", follow_redirects=True
    )
    assert f"Not saved. {BOOKED}" in shown.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Episode, episode["id"]).stage == "invited"


def test_the_password_rule_reads_the_same_on_signup_password_change_and_the_cli(client, runner, make_user, web_login):
    signup = post(client, "/signup", {"email": "new@example.com", "password": "short", "confirm": "short"})
    assert SHORT in signup.get_data(as_text=True) and user_service.find_user(db.session, "new@example.com") is None
    long = "x" * (rules.MAX_PASSWORD + 1)
    too_long = post(client, "/signup", {"email": "new@example.com", "password": long, "confirm": long})
    assert "Use at most 200 characters for the password." in too_long.get_data(as_text=True)
    web_login(make_user("has@example.com").email)
    change = {"current": "correct horse", "password": "short", "confirm": "short"}
    assert SHORT in post(client, "/account/password", change).get_data(as_text=True)
    result = runner.invoke(args=["user", "create", "--email", "cli@example.com", "--password", "short"])
    assert result.exit_code != 0 and SHORT in result.output


@pytest.mark.parametrize("audience", ["-1", str(rules.MAX_AUDIENCE + 1), "99999999999999999999"])
def test_your_audience_size_is_checked_once_for_signup_settings_and_the_cli(client, runner, logged_in, audience):
    expected = f"“Your audience size” takes a number from 0 to {rules.MAX_AUDIENCE:,}."
    page = client.get("/settings/").get_data(as_text=True)
    import re

    values = dict(re.findall(r'name="(\w+)" [^>]*value="([^"]*)"', page))
    refused = post(client, "/settings/", {**values, "audience_size": audience})
    assert refused.status_code == 422 and expected in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, logged_in.id).audience_size is None
    client.post("/logout", data={"csrf_token": csrf_from(client, "/settings/")})
    signup = {"email": "big@example.com", "password": "long enough", "confirm": "long enough", "audience_size": audience}
    assert expected in post(client, "/signup", signup).get_data(as_text=True)
    result = runner.invoke(
        args=["user", "create", "--email", "c@example.com", "--password", "long enough", "--audience", audience]
    )
    assert result.exit_code != 0 and expected in result.output


def test_a_contact_audience_beyond_the_column_is_refused_not_a_500(api):
    response = api("POST", "/contacts", {"name": "Huge", "audience_size": rules.MAX_AUDIENCE + 1})
    assert response.status_code == 422 and "audience_size" in response.json["fields"]


def test_a_validators_own_words_reach_the_user_without_pydantics_prefix(api):
    refused = api("POST", "/contacts", {"name": "Nul\x00"})
    assert refused.json["fields"] == {"name": "“Name” cannot contain NUL characters."}  # not "Value error, must not ..."
