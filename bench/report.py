"""Figures and their table: each product time against its baseline, the ratio, the target, PASS or MISS."""

from __future__ import annotations

import os
import platform
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple

from sqlalchemy import create_engine, text

from bench.database import is_postgres, postgres_url


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


def _cpu() -> str:
    """The processor's model name, where Linux tells it."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        return ""


def machine(database_url: str | None) -> str:
    """What the figures were measured on: cores, Python, SQLite, and the PostgreSQL server when one was used."""
    cpu = _cpu()
    parts = [f"{os.cpu_count()} cores" + (f" ({cpu})" if cpu else ""), f"Python {platform.python_version()}"]
    if not is_postgres(database_url):
        return "machine: " + ", ".join([*parts, f"SQLite {sqlite3.sqlite_version}"])
    engine = create_engine(postgres_url(database_url))  # type: ignore[arg-type]
    try:
        with engine.connect() as conn:
            parts.append(f"PostgreSQL {conn.execute(text('SHOW server_version')).scalar()}")
    finally:
        engine.dispose()
    return "machine: " + ", ".join(parts)


def print_table(figures: Iterable[Figure], measured_on: str | None = None) -> None:
    """The table, under the line that says what machine measured it."""
    print()
    if measured_on:
        print(measured_on)
    print(f"{'figure':70} {'product':>11} {'baseline':>11} {'ratio':>8}  {'target':10} result")
    for f in sorted(figures, key=lambda f: _number(f.name)):
        ratio = "—" if f.ratio is None else f"{f.ratio:.3g}"
        print(
            f"{f.name:70} {_amount(f.product, f.unit):>11} {_amount(f.baseline, f.unit):>11}"
            f" {ratio:>8}  {f.target:10} {f.verdict}"
        )
