"""One refusal rule: refused input rolls back and shows the form again or a flash; a missing record is a 404."""

from __future__ import annotations

from outreach.accounts import service as user_service
from outreach.asks import service as ask_service
from outreach.asks.models import Ask
from outreach.contacts.models import Contact
from outreach.core.errors import InvalidInput
from outreach.core.web import owned_or_404
from outreach.extensions import db
from outreach.learning.models import Win
from tests.conftest import csrf_from


def post(client, path, data, page=None, **kwargs):
    return client.post(path, data={"csrf_token": csrf_from(client, page or path), **data}, **kwargs)


def _pending_ask(user, contact, now):
    planner = user_service.user_settings(user).planner(None)
    ask = ask_service.create_ask(db.session, user.id, {"contact_id": contact.id}, planner, now)
    db.session.commit()
    return ask


def test_a_refused_web_edit_leaves_nothing_for_a_later_commit(client, make_user, make_contact, web_login, now):
    """The service changed the ask before its rule refused; the next request's commit must not save that."""
    user = make_user("edit@example.com")
    contact = make_contact(user, "Maya Chen")
    ask = _pending_ask(user, contact, now)
    web_login(user.email)
    refused = post(client, f"/asks/{ask.id}/edit", {"outcome": "pending", "reason": "full_plate", "lesson": "secret"})
    assert (
        refused.status_code == 200
        and "a reason belongs to a no, a not-now or a no-response" in refused.get_data(as_text=True).lower()
        and refused.get_data(as_text=True)
    )
    post(client, f"/contacts/{contact.id}/touches", {"kind": "email", "direction": "outbound"}, f"/contacts/{contact.id}")
    db.session.expire_all()
    assert db.session.get(Ask, ask.id).lesson == "" and db.session.get(Ask, ask.id).reason is None


def test_a_refused_api_patch_leaves_nothing_for_a_later_commit(api, make_contact, now):
    ask = _pending_ask(api.user, make_contact(api.user), now)
    refused = api("PATCH", f"/asks/{ask.id}", {"reason": "full_plate", "lesson": "secret"})
    assert refused.status_code == 422 and set(refused.json["fields"]) == {"reason"}
    assert api("PATCH", f"/asks/{ask.id}", {"channel": "email"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Ask, ask.id).lesson == ""


def test_an_inline_form_flashes_a_sentence_naming_the_field(client, make_user, make_contact, web_login):
    user = make_user("offer@example.com")
    contact = make_contact(user)
    web_login(user.email)
    page = f"/contacts/{contact.id}"
    shown = post(
        client, f"/contacts/{contact.id}/offers", {"kind": "free_call", "happened_on": "soon"}, page, follow_redirects=True
    )
    assert "Not saved. “When” takes a date, like 2026-12-31." in shown.get_data(as_text=True)


def test_another_users_ask_named_in_a_win_is_a_404_and_banks_nothing(client, make_user, make_contact, web_login, now):
    owner = make_user("owner@example.com")
    theirs = _pending_ask(owner, make_contact(owner), now)
    web_login(make_user("intruder@example.com").email)
    response = post(client, "/wins", {"kind": "yes", "text": "Not mine", "ask_id": str(theirs.id)})
    assert response.status_code == 404
    assert db.session.scalar(db.select(db.func.count(Win.id))) == 0


def test_a_refused_signup_shows_the_form_again_beside_the_field(client):
    page = post(client, "/signup", {"email": "no-at-sign", "password": "long enough", "confirm": "long enough"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Enter a valid email address, like name@example.com." in text and 'name="email"' in text
    assert user_service.find_user(db.session, "no-at-sign") is None


def test_a_view_that_declares_nothing_still_rolls_back_and_answers_in_a_sentence(app, client, make_user, make_contact, web_login):
    """The rule needs no try/except in the view: whatever it changed is undone, the user reads why."""

    @app.route("/rename/<int:contact_id>")
    def rename(contact_id: int) -> str:
        owned_or_404(Contact, contact_id).name = "Changed"
        db.session.flush()
        raise InvalidInput({"name": "that name is taken"})

    user = make_user("plain@example.com")
    contact = make_contact(user, "Kept")
    web_login(user.email)
    refused = client.get(f"/rename/{contact.id}")
    assert refused.status_code == 422 and "That name is taken." in refused.get_data(as_text=True)
    assert client.get("/rename/999999").status_code == 404
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).name == "Kept"
