"""APScheduler wiring: one scheduler process runs the tick; web workers never start one."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

TICK_JOB = "outreach.reminders.tick:scheduled_tick"
CAPTURE_JOB = "outreach.capture.jobs:scheduled_sync"  # mail and calendar capture, beside the tick
_embedded_lock = threading.Lock()
_embedded: BackgroundScheduler | None = None


def configure(scheduler: BaseScheduler, interval_minutes: int) -> BaseScheduler:
    """The tick by textual reference with a fixed id, so restarts replace it instead of adding one."""
    scheduler.add_job(
        TICK_JOB,
        trigger="interval",
        minutes=interval_minutes,
        id="tick",
        name="outreach tick",
        replace_existing=True,
        next_run_time=datetime.now(UTC),  # catch up at start: a laptop that slept runs the tick once
        coalesce=True,
        max_instances=1,
        misfire_grace_time=12 * 3600,
    )
    scheduler.add_job(
        CAPTURE_JOB,
        trigger="interval",
        minutes=int(os.environ.get("OUTREACH_MAIL_SYNC_MINUTES", "15") or 15),
        id="capture",
        name="outreach mail and calendar capture",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
    )
    return scheduler


def blocking(interval_minutes: int) -> BlockingScheduler:
    return configure(BlockingScheduler(timezone=UTC), interval_minutes)  # type: ignore[return-value]


def start_embedded(interval_minutes: int) -> bool:
    """For the single-user `outreach serve --with-scheduler`: at most one per process."""
    global _embedded
    with _embedded_lock:
        if _embedded is not None:
            return False
        _embedded = configure(BackgroundScheduler(timezone=UTC, daemon=True), interval_minutes)  # type: ignore[assignment]
        _embedded.start()
        return True
