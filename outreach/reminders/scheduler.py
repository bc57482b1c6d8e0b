"""APScheduler wiring: one scheduler process runs the tick; web workers never start one."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import TypeVar

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

TICK_JOB = "outreach.reminders.tick:scheduled_tick"
FEEDS_JOB = "outreach.feeds.poll:scheduled_poll"
FEEDS_EVERY_MINUTES = 15  # how often due feeds are looked for; each feed has its own back-off
CAPTURE_JOB = "outreach.capture.jobs:scheduled_sync"  # mail and calendar capture
CAPTURE_EVERY_MINUTES = 5  # how often due accounts are looked for; each is synced every MAIL_SYNC_MINUTES
_embedded_lock = threading.Lock()
_embedded: BackgroundScheduler | None = None
Scheduler = TypeVar("Scheduler", bound=BaseScheduler)


def configure(scheduler: Scheduler, interval_minutes: int) -> Scheduler:
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
    # Feeds beside the tick, likewise by reference with a fixed id; polling claims each feed, so a
    # second scheduler by mistake reads nothing twice.
    scheduler.add_job(
        FEEDS_JOB,
        trigger="interval",
        minutes=FEEDS_EVERY_MINUTES,
        id="feeds",
        name="outreach feeds",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
    )
    # Capture likewise: each account is claimed before it is synced, so two schedulers never sync one twice.
    scheduler.add_job(
        CAPTURE_JOB,
        trigger="interval",
        minutes=CAPTURE_EVERY_MINUTES,
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
    return configure(BlockingScheduler(timezone=UTC), interval_minutes)


def start_embedded(interval_minutes: int) -> bool:
    """For the single-user `outreach serve --with-scheduler`: at most one per process."""
    global _embedded
    with _embedded_lock:
        if _embedded is not None:
            return False
        _embedded = configure(BackgroundScheduler(timezone=UTC, daemon=True), interval_minutes)
        _embedded.start()
        return True
