"""Who is acting, with the planner built from their settings: shared by the API, the web and jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from outreach.accounts.models import User
from outreach.core.types import utcnow
from outreach.domain import readiness, warmth
from outreach.domain.settings import UserSettings, settings_of


@dataclass(frozen=True)
class Caller:
    user: User
    settings: UserSettings
    planner: readiness.Planner
    now: datetime

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def params(self) -> warmth.WarmthParams:
        return self.planner.warmth

    @property
    def zone(self) -> ZoneInfo:
        """The user's time zone; an unknown one (say, from an old archive) counts as UTC."""
        try:
            return ZoneInfo(self.user.timezone or "UTC")
        except (KeyError, ValueError):
            return ZoneInfo("UTC")

    @property
    def local_now(self) -> datetime:
        """``now`` on the user's own clock (aware)."""
        return self.now.replace(tzinfo=UTC).astimezone(self.zone)

    @property
    def today(self) -> date:
        """The user's own calendar day: what Today, the digest and the week's asking count from."""
        return self.local_now.date()


def caller_for(user: User, now: datetime | None = None) -> Caller:
    found = settings_of(user.settings)
    return Caller(user, found, found.planner(user.audience_size), now or utcnow())
