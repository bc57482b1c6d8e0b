"""The bookmarklet page: the contact whose links match the site comes first; saving is a normal form post."""

from __future__ import annotations

from outreach.contacts.models import Touch
from outreach.extensions import db
from tests.conftest import csrf_from


def test_log_page_offers_the_matching_contact_first(client, web_login, make_user, make_contact):
    user = make_user("b@example.com")
    make_contact(user, "Aaron Other", links=["https://other.example"])
    make_contact(user, "Maya Chen", links=["https://www.mayachen.example/"])
    web_login("b@example.com")
    page = client.get("/log?url=https://mayachen.example/ep-12&title=Episode%2012").get_data(as_text=True)
    matched = page.split('label="Their links match this site"')[1].split("</optgroup>")[0]
    assert "Maya Chen" in matched and "Aaron Other" not in matched
    assert 'value="Episode 12"' in page


def test_posting_the_form_logs_the_touch(client, web_login, make_user, make_contact):
    user = make_user("p@example.com")
    contact = make_contact(user, "Maya Chen")
    web_login("p@example.com")
    token = csrf_from(client, "/log?url=https://x.example/post")
    response = client.post(
        "/log",
        data={
            "csrf_token": token,
            "contact_id": contact.id,
            "kind": "comment",
            "url": "https://x.example/post",
            "note": "Great post",
        },
    )
    assert response.status_code == 302
    touch = db.session.scalars(db.select(Touch)).one()
    assert (touch.kind, touch.url, touch.note) == ("comment", "https://x.example/post", "Great post")


def test_posting_without_csrf_or_for_another_users_contact_fails(client, web_login, make_user, make_contact):
    other = make_contact(make_user(), "Not Yours")
    make_user("q@example.com")
    web_login("q@example.com")
    assert client.post("/log", data={"contact_id": other.id, "kind": "comment"}).status_code == 400
    token = csrf_from(client, "/log")
    assert client.post("/log", data={"csrf_token": token, "contact_id": other.id, "kind": "comment"}).status_code == 404
    assert client.post("/log", data={"csrf_token": token, "contact_id": "abc", "kind": "comment"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Touch.id))) == 0


def test_non_http_urls_are_dropped(client, web_login, make_user):
    make_user("j@example.com")
    web_login("j@example.com")
    page = client.get("/log?url=javascript:alert(1)").get_data(as_text=True)
    assert "javascript:alert" not in page
