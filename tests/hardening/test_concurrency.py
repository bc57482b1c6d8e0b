"""Sixteen writers at once through the app: nothing lost, no "database is locked", warmth exact."""

from __future__ import annotations

import math
import os
import threading
import time
from collections import Counter

import pytest

from outreach import create_app
from outreach.accounts import service as user_service
from outreach.asks.models import Ask
from outreach.contacts.models import Contact, Touch
from outreach.contacts.touches import point, touches_of
from outreach.domain import warmth
from outreach.extensions import db

SECONDS = float(os.environ.get("OUTREACH_SOAK_SECONDS", "30"))
WRITERS = 16


@pytest.mark.slow
def test_sixteen_writers_lose_nothing_and_keep_warmth_exact(app, database_url, make_user, make_contact, token_for):
    user = make_user("soak@example.com")
    contacts = [make_contact(user, f"Soak {i}").id for i in range(8)]
    token = token_for(user)
    params = user_service.user_settings(user).warmth_params()
    db.session.remove()
    served = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    accepted: Counter[str] = Counter()
    failures: list[str] = []
    deadline = time.monotonic() + SECONDS

    def writer(index: int) -> None:
        client = served.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        n = 0
        while time.monotonic() < deadline:
            contact_id = contacts[(index + n) % len(contacts)]
            if n % 5 == 4:
                response = client.post(
                    "/api/v1/asks", json={"contact_id": contact_id, "request": f"w{index}-{n}"}, headers=headers
                )
                kind = "ask"
            else:
                response = client.post(
                    f"/api/v1/contacts/{contact_id}/touches", json={"kind": "comment", "note": f"w{index}-{n}"}, headers=headers
                )
                kind = "touch"
            if response.status_code == 201:
                accepted[kind] += 1
            else:
                failures.append(f"{response.status_code} {response.get_data(as_text=True)[:200]}")
            n += 1

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with served.app_context():
        db.engine.dispose()

    print(
        f"\nsoak on {db.engine.dialect.name}: {WRITERS} writers for {SECONDS:.0f} s, accepted {accepted['touch']} touches "
        f"and {accepted['ask']} asks, {len(failures)} refused"
    )  # the figures, with pytest -s
    assert failures == []
    assert accepted["touch"] > 100
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Touch.id))) == accepted["touch"]
    assert db.session.scalar(db.select(db.func.count(Ask.id))) == accepted["ask"]
    for contact in db.session.scalars(db.select(Contact)):
        expected = warmth.key_of([point(t) for t in touches_of(db.session, contact)], params)
        assert math.isclose(contact.warmth_key, expected, rel_tol=1e-9), contact.name
