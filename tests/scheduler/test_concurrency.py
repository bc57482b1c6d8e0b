"""Two `outreach tick` processes at once — a second scheduler by mistake — make each reminder once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

from outreach.extensions import db
from outreach.reminders.models import Reminder

TICK = "from outreach.cli import main; main()"


def test_two_tick_processes_at_once_make_each_reminder_exactly_once(ready_pair, app, database_url, tmp_path):
    for i in range(4):
        ready_pair(name=f"Guest {i}")
    env = {**os.environ, "DATABASE_URL": database_url, "OUTREACH_INSTANCE": str(tmp_path)}
    procs = [
        subprocess.Popen([sys.executable, "-c", TICK, "tick"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs

    db.session.expire_all()
    reminders = db.session.scalars(db.select(Reminder)).all()
    per_subject = Counter((r.owner_id, r.kind, r.contact_id, r.campaign_id) for r in reminders)
    assert per_subject and max(per_subject.values()) == 1
    assert sum(1 for r in reminders if r.kind == "ask") == 4
    created = sum(int(part.split()[-1]) for out, _ in outputs for part in out.split(": ", 1)[1].split(", ") if "created" in part)
    assert created == len(reminders)
