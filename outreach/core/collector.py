"""Cyclic garbage collection held off during one large computation (a tick's pass, Today's board in full)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile. Such a computation holds tens of thousands of objects to its
    end (rows, assessments, new reminders or board rows), and each time they outlived a generation the
    collector walked every object in the process again, finding nothing to free: a seventh of a first tick
    at 10,000 contacts, a fifth of a full board. What it frees it frees by reference counting; cycles wait
    until it is over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
