"""A schema field's value to and from the text people type, in form inputs and CSV cells alike.

The schema then validates the result, so a form, an import and the API accept exactly the same.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from outreach.core.schemas import Multiline
from outreach.domain.vocabulary import Vocabulary

YES, NO = "yes", "no"
# People separate list items with commas or semicolons; Google's exports use " ::: ".
SEPARATORS = re.compile(r":::|[,;\n]")
THOUSANDS = re.compile(r"^\d{1,3}([, ]\d{3})+$")  # "30,000", "30 000"


@dataclass(frozen=True)
class Shape:
    """What kind of text a field takes."""

    many: bool = False  # a list
    words: type[Vocabulary] | None = None  # values from a word list
    flag: bool = False  # yes, no or unknown
    number: bool = False
    optional: bool = False  # a blank is None
    multiline: bool = False  # a textarea; a list one item per line


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        inner, more = _unwrap(base)
        return inner, metadata + more
    return annotation, []


def shape_of(info: FieldInfo) -> Shape:
    annotation, metadata = _unwrap(info.annotation)
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        optional = len(options) < len(get_args(annotation))
        annotation, more = _unwrap(options[0])
        metadata += more
    many = get_origin(annotation) is list
    if many:
        annotation, _ = _unwrap(get_args(annotation)[0])
    words = annotation if isinstance(annotation, type) and issubclass(annotation, Vocabulary) else None
    return Shape(
        many=many,
        words=words,
        flag=annotation is bool,
        number=annotation is int,
        optional=optional,
        multiline=any(isinstance(item, Multiline) for item in [*metadata, *info.metadata]),
    )


def _word(text: str) -> str:
    """'Alliance partner' → 'alliance_partner': a value typed the way it reads."""
    return "_".join(text.strip().lower().split())


def from_text(shape: Shape, text: str | None, by_line: bool = False) -> Any:
    """The input a schema expects from what was typed; ``by_line``: list items are lines (a textarea)."""
    text = text or ""
    if shape.many:
        parts = text.splitlines() if by_line else SEPARATORS.split(text)
        items = [part.strip() for part in parts if part.strip()]
        return [_word(item) for item in items] if shape.words else items
    if shape.flag:
        return {YES: True, "true": True, NO: False, "false": False}.get(text.strip().lower())
    if shape.words:
        return _word(text) if text.strip() else None
    if shape.number:
        text = text.strip()
        return (text.replace(",", "").replace(" ", "") if THOUSANDS.match(text) else text) or None
    if shape.optional:
        return text.strip() or None
    return text


def to_text(shape: Shape, value: Any, by_line: bool = False) -> str:
    """What a form shows or a CSV cell holds for a stored value; ``from_text`` reads it back."""
    if value is None:
        return ""
    if shape.many:
        return ("\n" if by_line else ", ").join(str(item) for item in value)
    if shape.flag:
        return YES if value else NO
    return str(value)
