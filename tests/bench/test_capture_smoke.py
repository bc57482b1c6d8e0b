"""The capture benchmarks run end to end at a tiny size against the local Dovecot, so they cannot rot."""

from __future__ import annotations

import pytest

from bench import capture
from bench.database import bench_database
from bench.dovecot import Unavailable, running


def test_every_capture_figure_is_measured():
    try:
        with running():
            pass
    except Unavailable as exc:
        pytest.skip(str(exc))
    with bench_database(None) as place:
        figures = capture.measure(place, 120, runs=1)
    assert [f.name.split(".")[0] for f in figures] == ["9", "10", "11"]
    assert all(f.product > 0 and f.baseline and f.baseline > 0 for f in figures)
    assert {f.verdict for f in figures} <= {"PASS", "MISS"}
