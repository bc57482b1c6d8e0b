"""Figures and their table: each product time against its baseline, the ratio, the target, PASS or MISS."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import NamedTuple


class Figure(NamedTuple):
    name: str
    product: float  # seconds, or MB when unit is "MB"
    baseline: float | None
    target: str  # as the issue words it: "≤ 0.01", "≤ 150 MB"
    ok: bool | None  # None: reported, no target
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        return self.product / self.baseline if self.baseline else None

    @property
    def verdict(self) -> str:
        return "—" if self.ok is None else "PASS" if self.ok else "MISS"


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of ``runs`` timings: the least disturbed by a noisy machine."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.1f} MB" if unit == "MB" else f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"


def _number(name: str) -> tuple[int, str]:
    """The issue's order: "3b. full rescore…" sorts as (3, "b")."""
    label = name.split(".", 1)[0]
    digits = "".join(c for c in label if c.isdigit())
    return int(digits or 0), label[len(digits) :]


def print_table(figures: Iterable[Figure]) -> None:
    print(f"\n{'figure':70} {'product':>11} {'baseline':>11} {'ratio':>8}  {'target':10} result")
    for f in sorted(figures, key=lambda f: _number(f.name)):
        ratio = "—" if f.ratio is None else f"{f.ratio:.3g}"
        print(
            f"{f.name:70} {_amount(f.product, f.unit):>11} {_amount(f.baseline, f.unit):>11}"
            f" {ratio:>8}  {f.target:10} {f.verdict}"
        )
