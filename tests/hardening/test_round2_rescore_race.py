"""Issue 15, item 9: a touch written while a settings rescore is in flight ends with a key of the new weights."""

from __future__ import annotations

import math
import threading
import time

from outreach.accounts.models import User
from outreach.accounts.service import user_settings
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact
from outreach.contacts.rescore import rescore_owner
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.domain.settings import UserSettings
from outreach.extensions import db

WRITERS = 4


def test_touches_logged_during_a_settings_rescore_keep_keys_of_the_new_weights(app, make_user, make_contact, log_touches):
    user = make_user()
    contact_ids = []
    for i in range(WRITERS * 2):
        contact = make_contact(user, f"Contact {i}")
        log_touches(contact, ("comment", "outbound", 10), ("call", "inbound", 40), ("meeting", "outbound", 200))
        contact_ids.append(contact.id)
    owner_id = user.id
    stale = user_settings(user).warmth_params()  # what requests that began before the change still hold
    changed = UserSettings(weights={**warmth.DEFAULT_WEIGHTS, "comment": 9.0, "call": 1.0}, half_life_days=20.0)
    db.session.close()

    rescored, writers_started = threading.Event(), threading.Barrier(WRITERS + 1)
    failures: list[str] = []

    def change_settings() -> None:
        """The Settings page: new weights saved and every key rescored, committed a moment later."""
        with app.app_context():
            owner = db.session.get_one(User, owner_id)
            owner.settings = changed.model_dump()
            rescore_owner(db.session, owner_id, changed.warmth_params())
            rescored.set()
            writers_started.wait(timeout=30)
            time.sleep(0.3)  # the writers are now waiting on the rescore's locks (or have read old settings)
            db.session.commit()

    def log(index: int) -> None:
        rescored.wait(timeout=30)
        writers_started.wait(timeout=30)
        try:
            with app.app_context():
                for contact_id in contact_ids[index::WRITERS]:
                    contact = db.session.get_one(Contact, contact_id)
                    data = {"kind": "comment", "direction": "outbound", "occurred_at": utcnow()}
                    touch_service.log_touch(db.session, contact, data, stale)
                    db.session.commit()
        except Exception as exc:
            failures.append(repr(exc))

    threads = [threading.Thread(target=change_settings)] + [threading.Thread(target=log, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    db.session.expire_all()
    new = changed.warmth_params()
    wrong = []
    for contact_id in contact_ids:
        contact = db.session.get_one(Contact, contact_id)
        expected = warmth.key_of([touch_service.point(t) for t in touch_service.touches_of(db.session, contact)], new)
        if not math.isclose(contact.warmth_key, expected, rel_tol=1e-9):
            wrong.append(contact.name)
    assert len(touch_service.touches_of(db.session, db.session.get_one(Contact, contact_ids[0]))) == 4
    assert wrong == [], f"{len(wrong)} of {len(contact_ids)} contacts keep a key of the old weights"
    assert stale != new
