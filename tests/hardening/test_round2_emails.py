"""Issue 15, item 5: one spelling of an email for the login, its limit, sign-up and `outreach user create`."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from outreach.accounts.emails import normalize_email
from outreach.accounts.models import User
from outreach.extensions import db
from tests.conftest import csrf_from
from tests.hardening.test_security import attempt

SPELLINGS = [
    "maya@exam\x00ple.com",
    "\x00maya@example.com",
    "MAYA@example.com\x00",
    "ma\x00ya@example.com",
    "maya@\x00example.com",
    "maya@example.co\x00m",
]


def test_nul_spellings_of_an_account_share_its_login_limit(client, make_user):
    make_user("maya@example.com")
    for i, spelling in enumerate(SPELLINGS[:5]):
        assert attempt(client, spelling, ip=f"10.0.0.{i}").status_code == 200
    throttled = attempt(client, SPELLINGS[5], password="correct horse", ip="10.0.1.1")
    assert throttled.status_code == 429
    assert attempt(client, "maya@example.com", password="correct horse", ip="10.0.1.2").status_code == 429


def test_the_lookup_and_the_limit_spell_alike():
    assert {normalize_email(s) for s in SPELLINGS} == {"maya@example.com"}


BAD_ADDRESSES = [
    ("maya\r\n@example.com", "control characters"),
    ("maya@example.com\r\nBcc: all@example.com", "control characters"),
    ("maya@exam\x00ple.com", "control characters"),
    ("ma\tya@example.com", "control characters"),
    ("<svg>@", "valid email address"),
    ("<svg>@example.com", "valid email address"),
    ("maya@", "valid email address"),
    ("@example.com", "valid email address"),
    ("maya example.com", "valid email address"),
]


@pytest.mark.parametrize(("email", "message"), BAD_ADDRESSES)
def test_signup_refuses_an_address_that_cannot_be_one(client, email, message):
    data = {"csrf_token": csrf_from(client, "/signup"), "email": email, "password": "long enough", "confirm": "long enough"}
    response = client.post("/signup", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0


@pytest.mark.parametrize(("email", "message"), BAD_ADDRESSES)
def test_user_create_refuses_an_address_that_cannot_be_one(runner, email, message):
    result = runner.invoke(args=["user", "create", "--email", email, "--password", "long enough"])
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_signup_still_takes_an_ordinary_address_in_any_case(client):
    data = {"csrf_token": csrf_from(client, "/signup"), "email": " Maya@Example.COM ", "password": "long enough"}
    data["confirm"] = data["password"]
    assert client.post("/signup", data=data).status_code == 302
    assert db.session.scalars(select(User.email)).all() == ["maya@example.com"]
