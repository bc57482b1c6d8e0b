"""The calendar feed's token, as the API hands it out (once)."""

from __future__ import annotations

from outreach.core.schemas import Out


class CalendarTokenOut(Out):
    token: str
    url: str
