"""Domain errors raised by services and mapped to HTTP answers at the edges; refused input said in sentences.

Every refusal a person reads is a sentence about the field as the page names it (the schema field's
title), written here once: ``field_errors`` turns pydantic's errors into those sentences for the API,
the web forms, the CSV import reports and the CLI alike. A field may word its own sentence for a kind
of refusal with ``Say`` in its annotation (``Annotated[Name, Say(missing="Give the contact a name.")]``).
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from outreach.domain.vocabulary import VOCABULARIES, Vocabulary

B = TypeVar("B", bound=BaseModel)


class NotFoundError(LookupError):
    """The record does not exist or belongs to someone else: both look the same from outside."""


class InvalidInput(ValueError):
    """Input that a schema or a rule refused; ``fields`` holds one sentence per bad field."""

    def __init__(self, fields: dict[str, str], status: int = 422) -> None:
        self.fields = {name: as_sentence(message) for name, message in fields.items()}
        super().__init__(" ".join(self.fields.values()))  # the sentences, as the CLI and the import reports print them
        self.status = status  # 400 when there is no usable body at all


def as_sentence(text: str) -> str:
    """``text`` starting with a capital and ending with a full stop, as every message a person reads does."""
    text = text.strip()
    if not text:
        return text
    first = text[0] if PATH.match(text) else text[0].upper()  # a backup's path ("contacts[0].links[0]: …") keeps its case
    return first + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


PATH = re.compile(r"^[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*: ")


# The sentence for each kind of refusal; {field} is the field's title as the page shows it, in quotes.
SENTENCES = {
    "missing": "Fill in {field}.",
    "too_long": "{field} can be at most {max_length:,} characters long.",
    "too_many": "{field} can hold at most {max_length:,} items.",
    "too_short": "{field} needs at least {min_length:,} characters.",
    "pattern": "{field} holds characters Outreach cannot take.",
    "whole_number": "{field} takes a whole number, like 12.",
    "number": "{field} takes a number, like 12 or 2.5.",
    "range": "{field} takes a number {limits}.",
    "date": "{field} takes a date, like 2026-12-31.",
    "moment": "{field} takes a date and a time, like 2026-12-31 09:30.",
    "bounds": "{field} must be a date from 1970 to 2200.",
    "future": "{field} cannot be in the future.",
    "choice": "Choose {field} from: {options}.",
    "flag": "Answer {field} with yes or no.",
    "email": "Enter a valid email address, like name@example.com.",
    "text": "{field} takes text.",
    "list": "{field} takes a list.",
    "nul": "{field} cannot contain NUL characters.",
    "unknown": "Outreach has no field by this name: leave it out.",
    "invalid": "{field} holds a value Outreach cannot use.",
}

# pydantic's error types, grouped into the kinds above.
KINDS = {
    **dict.fromkeys(("missing", "none_required"), "missing"),
    "string_too_long": "too_long",
    "too_long": "too_many",
    "string_too_short": "too_short",
    "string_pattern_mismatch": "pattern",
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float", "int_parsing_size"), "whole_number"),
    **dict.fromkeys(("float_parsing", "float_type", "finite_number"), "number"),
    **dict.fromkeys(("greater_than", "greater_than_equal", "less_than", "less_than_equal"), "range"),
    **dict.fromkeys(("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"), "date"),
    **dict.fromkeys(
        ("datetime_parsing", "datetime_type", "datetime_from_date_parsing", "datetime_object_invalid", "time_parsing"),
        "moment",
    ),
    **dict.fromkeys(("enum", "literal_error"), "choice"),
    **dict.fromkeys(("bool_parsing", "bool_type"), "flag"),
    **dict.fromkeys(("string_type", "string_unicode", "bytes_type"), "text"),
    **dict.fromkeys(("list_type", "set_type", "tuple_type"), "list"),
    "extra_forbidden": "unknown",
    **{kind: kind for kind in ("bounds", "future", "nul")},  # raised by core.schemas as PydanticCustomError
}


class Say:
    """A field's own sentences for some kinds of refusal (the keys of SENTENCES), in its annotation."""

    def __init__(self, **sentences: str) -> None:
        unknown = set(sentences) - set(SENTENCES)
        if unknown:
            raise TypeError(f"no such kind of refusal: {', '.join(sorted(unknown))}")
        self.sentences = sentences


def sentence(kind: str, field: str, item: int | None = None, **context: Any) -> str:
    """The sentence for one kind of refusal of the field titled ``field`` (of its ``item``-th item, for a list)."""
    named = f"item {item} of “{field}”" if item is not None else f"“{field}”"
    return as_sentence(SENTENCES[kind].format(field=named, **context))


def field_errors(exc: ValidationError, schema: type[BaseModel] | None = None) -> dict[str, str]:
    """Pydantic's errors as {"field.path": "A sentence."}, the first per field; ``schema`` gives the titles.

    A rule of ``outreach.domain.rules`` raised inside a validator names its own field and keeps its
    own sentence, so a schema and a service enforcing it report the same words."""
    fields: dict[str, str] = {}
    for err in exc.errors():
        loc = tuple(str(part) for part in err["loc"])
        raised = err.get("ctx", {}).get("error")
        if isinstance(raised, InvalidInput):
            # A model-level rule has no loc; a field-level one has its own field as the last part.
            parent = loc[:-1] if loc and loc[-1] in raised.fields else loc
            for name, message in raised.fields.items():
                fields.setdefault(".".join((*parent, name)), message)
            continue
        fields.setdefault(".".join(loc) or "input", _said(err, schema))
    return fields


def gathered(*checks: Callable[[], object]) -> dict[str, str]:
    """Every check run, the fields each refused gathered: for a page that shows every refusal at once."""
    refusals: dict[str, str] = {}
    for check in checks:
        try:
            check()
        except InvalidInput as exc:
            refusals = exc.fields | refusals
    return refusals


def validated(schema: type[B], data: Any) -> B:
    """``data`` checked by ``schema``; what is wrong is raised as InvalidInput, as every edge reports it."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(field_errors(exc, schema)) from None


def _said(err: Any, schema: type[BaseModel] | None) -> str:
    """One pydantic error as a sentence about its field."""
    loc, ctx = err["loc"], err.get("ctx", {})
    info = schema.model_fields.get(str(loc[0])) if schema is not None and loc else None
    title = (info.title if info is not None else None) or _humane(str(loc[0]) if loc else "this")
    if len(loc) > 1 and isinstance(loc[1], str):  # a key of a mapping (a touch kind's weight): named by the key
        title = _key_title(loc[1])
    item = loc[1] + 1 if len(loc) > 1 and isinstance(loc[1], int) else None  # one item of a list: say which
    metadata, annotation = _metadata(info)
    kind = _kind(err)
    said = next((say.sentences[kind] for say in metadata if isinstance(say, Say) and kind in say.sentences), None)
    if said is None:
        return _default(kind, title, item, ctx, metadata, annotation)
    return f"In “{title}”, item {item}: {said[0].lower()}{said[1:]}" if item is not None else said


def _kind(err: Any) -> str:
    kind = KINDS.get(err["type"])
    ctx = err.get("ctx", {})
    if kind == "unknown":
        return kind
    if isinstance(err.get("input"), (str, type(None))) and not err.get("input"):
        return "missing"  # an empty input or a null where a value is needed: the same to a person
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "missing"  # blank after stripping spaces
    if err["type"] == "value_error":
        return "email" if "email address" in err["msg"] else "value"
    return kind or "invalid"


def _default(kind: str, title: str, item: int | None, ctx: Mapping[str, Any], metadata: list[Any], annotation: Any) -> str:
    if kind == "value":  # a validator's own ValueError: its words, as a sentence
        raised = str(ctx.get("error") or "")
        return as_sentence(raised) if raised else sentence("invalid", title, item)
    if kind == "range":
        return sentence("range", title, item, limits=_limits(metadata, ctx))
    if kind == "choice":
        return sentence("choice", title, item, options=_options(annotation, ctx))
    if kind in ("too_long", "too_many", "too_short"):
        return sentence(kind, title, item, **ctx)
    return sentence(kind, title, item)


def _humane(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _key_title(key: str) -> str:
    """A mapping's key as people read it: a word list's label where the key is one of its words."""
    for words in VOCABULARIES.values():
        if key in words.values():
            text = words(key).label
            return text[0].upper() + text[1:]
    return _humane(key)


def _metadata(info: FieldInfo | None) -> tuple[list[Any], Any]:
    """Everything annotated on a field, its list items' and its optional value's included, and the innermost type."""
    if info is None:
        return [], None
    found: list[Any] = []

    def walk(annotation: Any) -> Any:
        if get_origin(annotation) is Annotated:
            base, *more = get_args(annotation)
            for item in more:
                found.extend(item.metadata if isinstance(item, FieldInfo) else [item])
            return walk(base)
        if get_origin(annotation) in (Union, types.UnionType, list):
            inner = [walk(arg) for arg in get_args(annotation) if arg is not type(None)]
            return inner[0] if inner else None
        return annotation

    found.extend(info.metadata)
    return found, walk(info.annotation)


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _limits(metadata: Iterable[Any], ctx: Mapping[str, Any]) -> str:
    """The field's whole range in words ("from 0 to 100"), whichever end was crossed."""
    limits = [item for item in metadata if isinstance(item, (Ge, Gt, Le, Lt))]
    bounds = {name: _number(getattr(item, name)) for item in limits for name in [type(item).__name__.lower()]}
    bounds = bounds or {name: _number(value) for name, value in ctx.items()}
    if "ge" in bounds and "le" in bounds:
        return f"from {bounds['ge']} to {bounds['le']}"
    low = f"of at least {bounds['ge']}" if "ge" in bounds else f"above {bounds['gt']}" if "gt" in bounds else ""
    high = f"at most {bounds['le']}" if "le" in bounds else f"below {bounds['lt']}" if "lt" in bounds else ""
    return f"{low} and {high}" if low and high else low or (f"of {high}" if "le" in bounds else high)


def _options(annotation: Any, ctx: Mapping[str, Any]) -> str:
    """A word list's labels ("influencer, alliance partner or peer"), else the literal values allowed."""
    if isinstance(annotation, type) and issubclass(annotation, Vocabulary):
        labels = [member.label for member in annotation]
    else:
        labels = [part.strip(" '") for part in str(ctx.get("expected", "")).replace(" or ", ", ").split(",") if part.strip()]
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else "".join(labels)
