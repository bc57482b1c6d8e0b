"""The pieces every feature's schemas share: bounded strings, dates, ids, pages, and PATCH models derived from IN models.

Each feature keeps its own ``schemas.py`` with one set per resource: ``…In`` (what the API, the web
forms and the imports accept), ``…Patch`` (derived: every field optional) and ``…Out`` (what the
API returns and documents, read from the records ``from_attributes``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Annotated, Any, Generic, Self, TypeVar
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from outreach.core.errors import Say
from outreach.core.types import MAX_ID, MAX_INT, utcnow
from outreach.domain import rules


class Multiline:
    """Marks a field people write over several lines: a textarea in forms; for a list, one item per line."""


MULTILINE = Multiline()

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Text = Annotated[str, StringConstraints(max_length=10_000), MULTILINE]


def _web_address(value: str) -> str:
    # The pattern lets "http://[" or "http://host:port" through; every later urlsplit would then raise.
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - reading it is the check
    except ValueError:
        raise ValueError("that is not a web address: check its brackets and port") from None
    if not parts.hostname:
        raise ValueError("a web address needs a host name after http:// or https://")
    return value


Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^https?://\S+$"),
    Say(pattern="A link starts with http:// or https:// and has no spaces, like https://example.com/page."),
    AfterValidator(_web_address),
]
Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=60, pattern=r"^[^|]+$"),
    Say(pattern="A label cannot contain the | character.", too_long="A label can be at most 60 characters long."),
]
LABELS_STORED = 2000  # a TagList column stores "|a|b|" in a VARCHAR(2000)


def _labels_fit(value: list[str]) -> list[str]:
    if sum(len(label) + 1 for label in value) + 1 > LABELS_STORED:
        raise ValueError(f"together the labels must stay under {LABELS_STORED:,} characters")
    return value


Labels = Annotated[list[Label], Field(max_length=50), AfterValidator(_labels_fit)]

# One set of bounds for every number and date that comes in (API, forms, CSV, JSON, CLI): a number
# fits the 32-bit INTEGER columns (PostgreSQL refuses more with an error), and a date lies between
# EARLIEST and LATEST, so that nothing later (a feed, a chart, a forecast) adds days past year 9999.
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Audience = Annotated[int, Field(ge=0, le=rules.MAX_AUDIENCE)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Field(ge=1, le=100_000)]
PerPage = Annotated[int, Field(ge=1, le=200)]
EARLIEST, LATEST = date(1970, 1, 1), date(2200, 12, 31)


def in_bounds(value: date) -> bool:
    """Whether a day (or a moment's day) lies within the bounds every date shares."""
    return EARLIEST <= (value.date() if isinstance(value, datetime) else value) <= LATEST


def _naive_utc(value: datetime) -> datetime:
    """Aware times are converted to UTC; naive ones are taken as UTC already."""
    try:
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    except OverflowError:  # 9999-12-31T23:30-05:00 is past the last moment Python can hold in UTC
        raise PydanticCustomError("bounds", "must be a date from 1970 to 2200") from None


def _bounded(value: date) -> date:
    if not in_bounds(value):
        raise PydanticCustomError("bounds", "must be a date from 1970 to 2200")
    return value


def _not_future(value: datetime) -> datetime:
    if value > utcnow() + timedelta(days=1):  # a day of slack: the time may have been typed on a clock ahead of UTC
        raise PydanticCustomError("future", "cannot be in the future")
    return value


Moment = Annotated[datetime, AfterValidator(_naive_utc), AfterValidator(_bounded)]
# Stored and returned as naive UTC ("2026-03-02T09:00:00"): not an RFC 3339 date-time, which needs an offset.
UtcTime = Annotated[
    datetime,
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$", "description": "UTC, no offset"},
        mode="serialization",
    ),
]
When = Annotated[Moment, AfterValidator(_not_future)]
Day = Annotated[date, AfterValidator(_bounded)]


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_zone(value: str) -> str:
    # Membership, not ZoneInfo(value): that would also open any path-like name it is given.
    if value not in _zones():
        raise ValueError(f"{value!r} is not a time zone of the IANA database, such as Europe/Berlin or UTC")
    return value


TimeZone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), AfterValidator(_known_zone)]


class Strict(BaseModel):
    """Input: unknown fields and NUL characters are refused."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL cannot store NUL characters; refuse them here rather than fail on insert.
        # Runs for every field of every record a restore reads: the common cases first, no generator.
        if isinstance(value, str):
            found = "\x00" in value
        elif isinstance(value, list):
            found = any(isinstance(text, str) and "\x00" in text for text in value)
        else:
            return value
        if found:
            raise PydanticCustomError("nul", "must not contain NUL characters")
        return value


def patch_of(model: type[Strict], name: str, exclude: Collection[str] = ()) -> type[Strict]:
    """The PATCH model of an IN model: the same fields and rules, all optional. An omitted field stays as
    it is; defaults of None are never validated, so only an explicit null is refused where the field
    cannot be empty. Rules across fields stay with the services, which see the record as changed."""
    fields: dict[str, Any] = {
        field: (info.rebuild_annotation(), Field(None, title=info.title))
        for field, info in model.model_fields.items()
        if field not in exclude
    }
    return create_model(name, __base__=Strict, __module__=model.__module__, **fields)


class PageQuery(Strict):
    page: PageNumber = 1
    per_page: PerPage = 50


class Out(BaseModel):
    """Output, read from records by attribute; what the API returns and its description documents."""

    model_config = ConfigDict(from_attributes=True)


class Extended:
    """A record seen with a few computed attributes more (warmth now, an ask window), for ``…Out.model_validate``."""

    def __init__(self, record: object, **extra: Any) -> None:
        self._record, self._extra = record, extra

    def __getattr__(self, name: str) -> Any:
        return self._extra[name] if name in self._extra else getattr(self._record, name)


Item = TypeVar("Item", bound=BaseModel)


class Listing(Out, Generic[Item]):
    items: list[Item]
    total: int

    @classmethod
    def of(cls, items: Sequence[Item]) -> Self:
        return cls(items=list(items), total=len(items))


class Page(Out, Generic[Item]):
    items: list[Item]
    total: int
    page: int
    per_page: int
    pages: int

    @classmethod
    def of(cls, items: Sequence[Item], total: int, query: PageQuery, **extra: Any) -> Self:
        return cls(
            items=list(items), total=total, page=query.page, per_page=query.per_page, pages=-(-total // query.per_page), **extra
        )


class Window(Out):
    opens: date
    closes: date
