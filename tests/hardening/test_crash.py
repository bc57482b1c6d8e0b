"""A tick SIGKILLed at random points, twenty times, then run to the end: no duplicate, no gap."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import insert

from outreach.accounts import service as user_service
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact, Touch
from outreach.contacts.rescore import rescore_owner
from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.reminders import tick as jobs
from outreach.reminders.models import Reminder

TICK = "from outreach.cli import main; main()"


def _populate(user, now) -> None:
    rng = random.Random(5)
    rows = [
        {
            "owner_id": user.id,
            "name": f"Guest {i}",
            "kind": "podcast_guest",
            "topics": ["podcasting"],
            "promotion_methods": [],
            "links": [],
            "tags": [],
            "notes": "",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(400)
    ]
    db.session.execute(insert(Contact), rows)
    ids = [c for (c,) in db.session.execute(db.select(Contact.id).where(Contact.owner_id == user.id))]
    touches = []
    for cid in ids:
        for _ in range(rng.randint(1, 6)):
            touches.append(
                {
                    "owner_id": user.id,
                    "contact_id": cid,
                    "kind": rng.choice(["email", "call", "collaboration", "share"]),
                    "direction": rng.choice(["inbound", "outbound"]),
                    "occurred_at": now - timedelta(days=rng.uniform(1, 200)),
                    "note": "",
                    "created_at": now,
                }
            )
    db.session.execute(insert(Touch), touches)
    for weeks in (6, 10, 16):
        db.session.add(
            Campaign(
                owner_id=user.id,
                name=f"Season {weeks}",
                kind="podcast_season",
                date=(now + timedelta(weeks=weeks)).date(),
                topics=["podcasting"],
            )
        )
    rescore_owner(db.session, user.id, user_service.user_settings(user).warmth_params())
    db.session.commit()


def _snapshot():
    db.session.expire_all()
    return sorted((r.kind, r.contact_id, r.campaign_id, r.due_on, r.state) for r in db.session.scalars(db.select(Reminder)))


@pytest.mark.slow
def test_a_tick_killed_twenty_times_then_finished_equals_a_clean_tick(app, database_url, make_user, tmp_path):
    user = make_user("crash@example.com")
    now = utcnow()
    _populate(user, now)
    db.session.remove()
    env = {**os.environ, "DATABASE_URL": database_url, "OUTREACH_INSTANCE": str(tmp_path)}
    day = now.date().isoformat()
    started = time.monotonic()
    clean = subprocess.run(
        [sys.executable, "-c", TICK, "tick", "--date", day], env={**env, "DATABASE_URL": database_url}, capture_output=True
    )
    full = time.monotonic() - started
    assert clean.returncode == 0
    db.session.execute(db.delete(Reminder))
    db.session.commit()
    db.session.remove()
    rng = random.Random(11)
    killed = 0
    for _ in range(20):
        proc = subprocess.Popen(
            [sys.executable, "-c", TICK, "tick", "--date", day], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.1, full * 0.75))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
    finish = subprocess.run([sys.executable, "-c", TICK, "tick", "--date", day], env=env, capture_output=True, text=True)
    assert finish.returncode == 0, finish.stderr
    after_crashes = _snapshot()
    assert killed >= 10  # most runs really were killed midway

    per_subject = Counter((k, c, cam) for k, c, cam, _, state in after_crashes if state in ("open", "snoozed"))
    assert max(per_subject.values()) == 1

    db.session.execute(db.delete(Reminder))
    db.session.commit()
    jobs.tick(db.session, jobs.moment(now.date()))
    assert _snapshot() == after_crashes
