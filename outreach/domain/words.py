"""Counting words: "1 ask", "2 asks", "1 yes", "3 yeses" — one helper for sentences and templates alike."""

from __future__ import annotations

from functools import lru_cache

# The product's own words whose plural is not the noun plus "s".
IRREGULAR = {"yes": "yeses", "no": "nos", "person": "people", "reply": "replies"}


def plural_of(noun: str) -> str:
    """The plural of a noun or of a phrase ending in one ("more touch" → "more touches")."""
    head, _, last = noun.rpartition(" ")
    if last in IRREGULAR:
        word = IRREGULAR[last]
    elif last.endswith(("s", "x", "ch", "sh")):
        word = last + "es"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def number(count: float) -> str:
    """Whole numbers as digits, fractions as few digits as they need (1.5, never 1.5000)."""
    if float(count).is_integer():
        return str(int(count))
    return f"{count:.2f}".rstrip("0").rstrip(".")


@lru_cache(maxsize=4096)
def plural(count: float, noun: str, many: str | None = None) -> str:
    """``count`` and the noun, singular for exactly one: ``plural(1, "ask")`` is "1 ask". Remembered: the
    planner words the same few counts in every one of thousands of pairs' sentences."""
    return f"{number(count)} {noun if count == 1 else (many or plural_of(noun))}"
