"""The warmth chart as SVG geometry: drawn on the server, so it needs no JavaScript and no CDN."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from outreach.domain import warmth

WIDTH, HEIGHT, PAD = 640, 190, 24
# Room under the plot for the month labels, which the stylesheet enlarges on a phone (the SVG shrinks there).
PAD_BOTTOM = 38


class Tick(NamedTuple):
    """A month label under the chart; minor ones are left out on a phone, where labels are drawn larger."""

    x: float
    label: str
    anchor: str  # text-anchor: the first and last are held inside the frame
    minor: bool


@dataclass(frozen=True)
class WarmthChart:
    past: str
    future: str
    threshold_y: float
    now_x: float
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD
    pad_bottom: int = PAD_BOTTOM
    ticks: tuple[Tick, ...] = ()
    summary: str = ""


def warmth_chart(
    touches: Iterable[warmth.TouchPoint],
    key: float | None,
    now: datetime,
    params: warmth.WarmthParams,
    threshold: float,
    past_days: int = 365,
    future_days: int = 60,
) -> WarmthChart:
    start, end = now - timedelta(days=past_days), now + timedelta(days=future_days)
    span = (end - start).total_seconds()

    def x(moment: datetime) -> float:
        return PAD + (WIDTH - 2 * PAD) * (moment - start).total_seconds() / span

    def y(value: float) -> float:
        return HEIGHT - PAD_BOTTOM - (HEIGHT - PAD - PAD_BOTTOM) * value / 100.0

    def line(points: list[tuple[datetime, float]]) -> str:
        return " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in points)

    past = [*warmth.history(touches, start, now, 7, params), (now, warmth.warmth(key, now, params))]
    future = [
        (now + timedelta(days=d), warmth.warmth(key, now + timedelta(days=d), params)) for d in range(0, future_days + 1, 5)
    ]
    days = range(0, past_days + 1, 91)
    ticks = tuple(
        Tick(x(start + timedelta(days=d)), (start + timedelta(days=d)).strftime("%b %Y"), _anchor(i, len(days)), i % 2 == 1)
        for i, d in enumerate(days)
    )
    summary = (
        f"Warmth a year ago {past[0][1]:.0f}, now {past[-1][1]:.0f}, in {future_days} days with no new touch {future[-1][1]:.0f}."
    )
    return WarmthChart(line(past), line(future), y(threshold), x(now), ticks=ticks, summary=summary)


def _anchor(index: int, count: int) -> str:
    return "start" if index == 0 else "end" if index == count - 1 else "middle"
