"""A user's planner settings: validated, with the defaults of PRODUCT.md, turned into a Planner."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from outreach.core.errors import InvalidInput, sentence
from outreach.domain import readiness, warmth
from outreach.domain.vocabulary import TouchKind

MAX_WEIGHT = 1000


class UserSettings(BaseModel):
    # Titles are the Settings page's labels: the page is built from them and refusals name them.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    weights: dict[str, float] = Field(default_factory=lambda: dict(warmth.DEFAULT_WEIGHTS), title="Touch weights")
    inbound_multiplier: float = Field(1.5, ge=1, le=10, title="Touch from them counts ×")
    half_life_days: float = Field(90.0, ge=1, le=3650, title="Half-life (days)")
    k: float = Field(10.0, gt=0, le=1000, title="Saturation k")
    fit_threshold: float = Field(60.0, ge=0, le=100, title="Fit needs")
    trust_warmth: float = Field(60.0, ge=0, lt=100, title="Trust needs warmth")
    moonshot_warmth: float = Field(75.0, ge=0, lt=100, title="Moonshots need warmth")
    moonshot_factor: float = Field(10.0, ge=1, le=1_000_000, title="Moonshot: audience over × yours")
    relationship_days: int = Field(60, ge=0, le=3650, title="Relationship at least (days)")
    decline_cooldown_days: int = Field(90, ge=0, le=3650, title="Wait after a no (days)")
    cadence_per_week: float = Field(1.0, ge=0, le=50, title="Planned touches per week")
    cadence_touch_weight: float = Field(2.0, gt=0, le=100, title="Weight of a typical touch")
    implicit_no_days: int = Field(14, ge=1, le=365, title="No answer becomes a no after (days)")
    weekly_no_goal: int = Field(5, ge=0, le=1000, title="Weekly no-goal")
    daily_digest: bool = Field(True, title="Email me a morning digest (when this server can send mail)")

    @field_validator("weights")
    @classmethod
    def _known_kinds(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(TouchKind)
        if unknown:
            raise InvalidInput({"weights": f"Outreach knows no touch kind {', '.join(sorted(unknown))}."})
        # Each weight's sentence under that kind's own key, so a form puts it beside that kind's field.
        limits = f"from 0 to {MAX_WEIGHT:,}"
        wrong = {kind: sentence("range", _weight(kind), limits=limits) for kind, w in value.items() if not 0 <= w <= MAX_WEIGHT}
        if wrong:
            raise InvalidInput(wrong)
        return {**warmth.DEFAULT_WEIGHTS, **value}

    def warmth_params(self) -> warmth.WarmthParams:
        return warmth.WarmthParams(
            weights=self.weights,
            inbound_multiplier=self.inbound_multiplier,
            half_life_days=self.half_life_days,
            k=self.k,
        )

    def planner(self, own_audience: int | None) -> readiness.Planner:
        return readiness.Planner(
            warmth=self.warmth_params(),
            thresholds=readiness.Thresholds(
                fit=self.fit_threshold,
                trust_warmth=self.trust_warmth,
                moonshot_warmth=self.moonshot_warmth,
                moonshot_factor=self.moonshot_factor,
                relationship_days=self.relationship_days,
                decline_cooldown_days=self.decline_cooldown_days,
            ),
            own_audience=own_audience,
            cadence_per_week=self.cadence_per_week,
            cadence_touch_weight=self.cadence_touch_weight,
        )

    def rescore_needed(self, other: UserSettings) -> bool:
        """Keys depend on the weights and the half-life only (k maps a key to warmth on read)."""
        return (self.weights, self.inbound_multiplier, self.half_life_days) != (
            other.weights,
            other.inbound_multiplier,
            other.half_life_days,
        )


def _weight(kind: str) -> str:
    """A touch kind's weight as the Settings page labels it."""
    text = TouchKind(kind).label
    return text[0].upper() + text[1:]


def settings_of(stored: dict[str, Any] | None) -> UserSettings:
    return UserSettings.model_validate(stored or {})
