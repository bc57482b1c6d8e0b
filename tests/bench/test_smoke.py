"""The benchmark code runs end to end at a tiny size, so it cannot rot (the benchmarks themselves are not tests)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bench import web_load
from bench.__main__ import SIZES, run
from bench.database import bench_database, postgres_url
from bench.report import print_table

PG_URL = os.environ.get("OUTREACH_TEST_DATABASE_URL")
# Every figure of the issue, the import figure and the board after a change; figure 6 (pages on gunicorn) is one per page.
EXPECTED = ["1", "10", "11", "2", "3a", "3b", "3c", "4", "4b", "5", "6", "6", "6", "7", "8", "9"]


def _backends() -> list[Any]:
    sqlite = pytest.param(None, 2, id="sqlite")  # with figure 6: gunicorn against the same file
    if not PG_URL:
        return [sqlite]
    return [sqlite, pytest.param(PG_URL, 0, id="postgresql")]  # figure 6 on SQLite is enough to keep it alive


@pytest.mark.parametrize(("database_url", "web_requests"), _backends())
def test_every_figure_is_measured(
    database_url: str | None, web_requests: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_load, "WORKERS", 1)  # boots fastest; the code path is the same
    with bench_database(database_url) as place:
        figures = run(place, *SIZES["smoke"], web_requests=web_requests)
        print_table(figures)
    expected = EXPECTED if web_requests else [n for n in EXPECTED if n != "6"]
    assert sorted(f.name.split(".")[0] for f in figures) == expected
    for figure in figures:
        assert figure.product > 0, figure
        assert figure.baseline is None or figure.baseline > 0, figure
    table = capsys.readouterr().out
    assert all(f"{f.target:10} {f.verdict}" in table for f in figures)
    assert {f.verdict for f in figures} <= {"PASS", "MISS", "—"}


@pytest.mark.skipif(not PG_URL, reason="set OUTREACH_TEST_DATABASE_URL to run on PostgreSQL")
def test_postgres_schema_is_dropped_afterwards() -> None:
    with bench_database(PG_URL) as place:
        assert place.schema and place.schema.startswith("outreach_bench_")
    engine = create_engine(postgres_url(PG_URL))  # type: ignore[arg-type]
    with engine.connect() as conn:
        left = conn.execute(text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"), {"s": place.schema}).all()
    engine.dispose()
    assert left == []
