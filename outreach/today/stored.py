"""Today's board as JSON and back, so one computation is stored in the database and read by every worker.

The board is frozen dataclasses of plain values (text, numbers, flags, dates, lists, nested dataclasses).
Reading follows each field's declared type, so a date comes back a date and a nested pair its own class;
anything that does not fit its type raises ``StoredBoardError`` and the caller assesses the board again.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


class StoredBoardError(ValueError):
    """A stored board that does not read back as the board's classes (an older format, a damaged row)."""


def dumps(value: object) -> str:
    return json.dumps(_plain(value), separators=(",", ":"), allow_nan=False)


def loads(text: str, kind: type[T]) -> T:
    try:
        value: T = _reader(typing.cast(Any, kind))(json.loads(text))
    except (ValueError, TypeError, KeyError) as exc:
        raise StoredBoardError(f"a stored board does not read as {kind.__name__}: {exc}") from exc
    return value


def _plain(value: object) -> Any:
    kind: Any = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:  # most values: first
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, date):  # datetime too: both write their ISO form
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float)):  # bool is an int; a str enum is a str
        return value
    raise TypeError(f"a board holds plain values only, not {type(value).__name__}")


@cache
def _field_names(kind: Any) -> tuple[str, ...] | None:
    """A dataclass's field names (None for any other type), worked out once per class."""
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None


Reader = Callable[[Any], Any]


@cache
def _reader(kind: Any) -> Reader:
    """How to read a value of ``kind`` from its JSON form: worked out once per type, then only applied."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        read_inner = _reader(inner)
        return lambda value: None if value is None and type(None) in args else read_inner(value)
    if origin in (list, tuple, Sequence):
        read_item = _reader(args[0])
        if origin is tuple:
            return lambda value: tuple(read_item(item) for item in _of(value, list))
        return lambda value: [read_item(item) for item in _of(value, list)]
    if dataclasses.is_dataclass(kind):
        make, hints = typing.cast(Any, kind), typing.get_type_hints(kind)
        fields = [(f.name, _reader(hints[f.name])) for f in dataclasses.fields(kind) if f.init]
        return lambda value: make(**{name: read(_of(value, dict)[name]) for name, read in fields})
    return _scalar(kind)


def _scalar(kind: Any) -> Reader:
    readers: dict[Any, Reader] = {
        datetime: lambda value: datetime.fromisoformat(_of(value, str)),
        date: lambda value: date.fromisoformat(_of(value, str)),
        float: lambda value: float(_of(_number(value), (int, float))),
        bool: lambda value: _of(value, bool),
        int: lambda value: _of(_number(value), int),
        str: lambda value: _of(value, str),
    }
    if kind not in readers:
        raise TypeError(f"no reading for {kind}")
    return readers[kind]


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise TypeError("a flag where a number belongs")
    return value


def _of(value: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"{value!r} is not {kind}")
    return value
