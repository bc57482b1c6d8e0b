"""The warmth model's promises (PRODUCT.md), as properties over random touch histories."""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.domain import warmth
from outreach.domain.vocabulary import Direction, TouchKind
from outreach.domain.warmth import TouchPoint, WarmthParams

PARAMS = WarmthParams()
START, END = datetime(2020, 1, 1), datetime(2030, 1, 1)
moments = st.datetimes(min_value=START, max_value=END)
touches = st.builds(TouchPoint, st.sampled_from(TouchKind.values()), st.sampled_from(Direction.values()), moments)
histories = st.lists(touches, max_size=30)
FAST = settings(max_examples=150, deadline=None)


def _after(history: list[TouchPoint], extra_days: float) -> datetime:
    last = max((t.occurred_at for t in history), default=START)
    return last + timedelta(days=extra_days)


def _folded(history: list[TouchPoint]) -> float | None:
    key = None
    for touch in history:
        key = warmth.add_touch(key, touch, PARAMS)
    return key


@FAST
@given(histories, st.floats(min_value=0, max_value=2000))
def test_warmth_is_bounded(history, later):
    value = warmth.warmth(warmth.key_of(history, PARAMS), _after(history, later), PARAMS)
    assert 0.0 <= value <= 100.0


@FAST
@given(histories, touches, st.floats(min_value=0, max_value=500))
def test_adding_a_touch_never_lowers_warmth(history, extra, later):
    now = _after([*history, extra], later)
    before = warmth.warmth(warmth.key_of(history, PARAMS), now, PARAMS)
    after = warmth.warmth(warmth.key_of([*history, extra], PARAMS), now, PARAMS)
    assert after >= before - 1e-9


@FAST
@given(
    st.lists(touches, min_size=1, max_size=30), st.floats(min_value=0, max_value=500), st.floats(min_value=0.01, max_value=500)
)
def test_warmth_decays_with_time(history, start, gap):
    key = warmth.key_of(history, PARAMS)
    earlier = _after(history, start)
    first, second = warmth.warmth(key, earlier, PARAMS), warmth.warmth(key, earlier + timedelta(days=gap), PARAMS)
    assert second <= first
    if first > 1e-6 and first < 99.999:
        assert second < first


def test_the_decayed_sum_halves_every_half_life():
    key = warmth.key_of([TouchPoint("email", "outbound", datetime(2026, 1, 1))], PARAMS)
    at = datetime(2026, 1, 1)
    assert math.isclose(warmth.decayed_sum(key, at + timedelta(days=90), PARAMS), warmth.decayed_sum(key, at, PARAMS) / 2)


@FAST
@given(histories, st.randoms(use_true_random=False))
def test_incremental_key_equals_a_full_recompute_in_any_order(history, rng):
    shuffled = list(history)
    rng.shuffle(shuffled)
    folded, full = _folded(shuffled), warmth.key_of(history, PARAMS)
    assert (folded is None) == (full is None)
    if full is not None:
        assert math.isclose(folded, full, rel_tol=1e-9, abs_tol=1e-9)


@FAST
@given(st.lists(touches, min_size=1, max_size=30), st.data())
def test_key_after_edits_and_deletes_equals_recompute_of_what_remains(history, data):
    remaining = list(history)
    for _ in range(data.draw(st.integers(0, len(remaining)))):
        index = data.draw(st.integers(0, len(remaining) - 1))
        if data.draw(st.booleans()):
            remaining.pop(index)  # delete
        else:
            remaining[index] = data.draw(touches)  # edit
        if not remaining:
            break
    full = warmth.key_of(remaining, PARAMS)
    folded = _folded(remaining)
    assert (full is None and folded is None) or math.isclose(full, folded, rel_tol=1e-9, abs_tol=1e-9)


@FAST
@given(st.lists(st.lists(touches, max_size=8), min_size=2, max_size=8), st.floats(min_value=0, max_value=1000))
def test_ordering_by_key_is_ordering_by_warmth_at_any_moment(contacts, later):
    now = _after([t for c in contacts for t in c], later)
    keys = [warmth.key_of(c, PARAMS) for c in contacts]
    by_key = sorted(range(len(contacts)), key=lambda i: (keys[i] is not None, keys[i] or 0.0))
    values = [warmth.warmth(keys[i], now, PARAMS) for i in by_key]
    assert all(a <= b + 1e-9 for a, b in itertools.pairwise(values))


@FAST
@given(histories, st.floats(min_value=0.5, max_value=99.5), st.floats(min_value=0, max_value=400))
def test_range_bound_on_the_key_is_exactly_the_warmth_threshold(history, target, later):
    key = warmth.key_of(history, PARAMS)
    now = _after(history, later)
    value = warmth.warmth(key, now, PARAMS)
    if key is None or abs(value - target) < 1e-6:
        return
    assert (key >= warmth.min_key(target, now, PARAMS)) == (value >= target)


def test_keys_stay_finite_far_from_the_epoch():
    history = [TouchPoint("collaboration", "inbound", datetime(2200, 1, 1) + timedelta(days=i)) for i in range(100)]
    key = warmth.key_of(history, PARAMS)
    assert math.isfinite(key)
    assert 99 < warmth.warmth(key, datetime(2200, 4, 11), PARAMS) <= 100


def test_one_email_now_gives_the_documented_warmth():
    now = datetime(2026, 6, 1)
    key = warmth.key_of([TouchPoint("email", "outbound", now)], PARAMS)
    assert math.isclose(warmth.warmth(key, now, PARAMS), 100 * (1 - math.exp(-0.3)))


def test_reciprocity_counts_one_and_a_half_times():
    now = datetime(2026, 6, 1)
    out = warmth.decayed_sum(warmth.key_of([TouchPoint("share", "outbound", now)], PARAMS), now, PARAMS)
    back = warmth.decayed_sum(warmth.key_of([TouchPoint("share", "inbound", now)], PARAMS), now, PARAMS)
    assert math.isclose(back, 1.5 * out)


def test_a_zero_weight_touch_adds_nothing():
    params = WarmthParams(weights={**warmth.DEFAULT_WEIGHTS, "comment": 0.0})
    assert warmth.key_of([TouchPoint("comment", "outbound", datetime(2026, 1, 1))], params) is None


@FAST
@given(histories, st.floats(min_value=0, max_value=90))
def test_explanation_matches_the_key(history, later):
    now = _after(history, later)
    found = warmth.explain(history, now, PARAMS)
    key = warmth.key_of(history, PARAMS)
    assert math.isclose(found.warmth, warmth.warmth(key, now, PARAMS), abs_tol=1e-6)
    assert math.isclose(found.warmth_in_30_days, warmth.warmth(key, now + timedelta(days=30), PARAMS), abs_tol=1e-6)
    assert [c.current for c in found.top] == sorted((c.current for c in found.top), reverse=True)
    assert sum(c.share for c in found.top) <= 1 + 1e-9
    assert found.last_touch_at == max((t.occurred_at for t in history), default=None)
    if not history:
        assert found.sentence().startswith("No touches yet")


@FAST
@given(st.floats(min_value=0, max_value=95), st.floats(min_value=1, max_value=99), st.sampled_from([1.0, 2.0, 3.0, 8.0]))
def test_touches_needed_reaches_the_target(current, target, weight):
    n = warmth.touches_needed(current, target, weight, PARAMS)
    if current >= target:
        assert n == 0
    else:
        reached = warmth.sum_for_warmth(current, PARAMS) + n * weight
        assert warmth.warmth_from_sum(reached, PARAMS) >= target - 1e-9


def test_a_vanishingly_small_warmth_bound_admits_everyone():
    # Found by the API fuzzer: ?max_warmth=2.3e-184 took log2 of zero.
    assert warmth.min_key(2.2737028601105407e-184, datetime(2026, 1, 1), PARAMS) < -500
