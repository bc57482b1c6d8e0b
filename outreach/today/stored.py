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
from collections.abc import Sequence
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
        value: T = _read(json.loads(text), kind)
    except (ValueError, TypeError, KeyError) as exc:
        raise StoredBoardError(f"a stored board does not read as {kind.__name__}: {exc}") from exc
    return value


def _plain(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):  # datetime too: both write their ISO form
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float)):  # bool is an int; a str enum is a str
        return value
    raise TypeError(f"a board holds plain values only, not {type(value).__name__}")


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _read(value: Any, kind: Any) -> Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _read(value, inner)
    if origin in (list, tuple, Sequence) or kind in (list, tuple):
        items = [_read(item, args[0] if args else Any) for item in _of(value, list)]
        return tuple(items) if origin is tuple else items
    if dataclasses.is_dataclass(kind):
        fields = _of(value, dict)
        make = typing.cast(Any, kind)
        hints = _hints(make)
        return make(**{f.name: _read(fields[f.name], hints[f.name]) for f in dataclasses.fields(kind) if f.init})
    return _scalar(value, kind)


def _scalar(value: Any, kind: Any) -> Any:
    if kind is datetime:
        return datetime.fromisoformat(_of(value, str))
    if kind is date:
        return date.fromisoformat(_of(value, str))
    if kind is float:
        return float(_of(value, (int, float)))
    if kind is bool:
        return _of(value, bool)
    if kind is int:
        if isinstance(value, bool):
            raise TypeError("a flag where a number belongs")
        return _of(value, int)
    if kind is str or kind is Any:
        return _of(value, str) if kind is str else value
    raise TypeError(f"no reading for {kind}")


def _of(value: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"{value!r} is not {kind}")
    return value
