"""Counted words read as a person writes them: "1 ask", "2 asks", "1 yes", "3 yeses"."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string

from outreach.domain.plan import MessageResult
from outreach.domain.warmth import Explanation
from outreach.domain.words import plural


@pytest.mark.parametrize(
    ("count", "noun", "said"),
    [
        (1, "ask", "1 ask"),
        (0, "ask", "0 asks"),
        (2, "ask", "2 asks"),
        (1, "yes", "1 yes"),
        (3, "yes", "3 yeses"),
        (1, "no", "1 no"),
        (5, "no", "5 nos"),
        (1, "touch", "1 touch"),
        (2, "more touch", "2 more touches"),
        (1.5, "touch", "1.5 touches"),
        (2, "reply", "2 replies"),
        (4, "day", "4 days"),
        (3, "person", "3 people"),
        (1_000_000, "contact", "1000000 contacts"),
        (2, "busy period", "2 busy periods"),
    ],
)
def test_plural_says_one_thing_or_many(count: float, noun: str, said: str) -> None:
    assert plural(count, noun) == said


def test_the_template_filter_counts_like_the_sentences(app: Flask) -> None:
    with app.test_request_context():
        shown = render_template_string(
            "{{ 1|plural('ask') }}, {{ 2|plural('ask') }}, {{ 1|plural('yes') }}, {{ 0|plural('no') }}"
        )
    assert shown == "1 ask, 2 asks, 1 yes, 0 nos"


def test_sentences_built_in_the_domain_say_one_in_the_singular() -> None:
    assert Explanation(12.0, [], None, 10.0, 1).sentence().startswith("Warmth 12 from 1 touch;")
    assert MessageResult(None, "Warm invite", 1, 0, 0).verdict().startswith("1 send:")
