"""Cursor pagination (§2.2, §2.3, §0.5 rules 22-23).

A list is sorted by a key (a tuple of ints and strings: ``(symbol,)`` for instruments,
``(created_ns, order_id)`` for orders, newest first). A page's ``nextPageCursor`` encodes the key
of its last item, and the next page starts right after that key, so items added or removed
between two calls neither repeat nor get skipped. The cursor is base64url without padding, so it
is made only of ``[A-Za-z0-9_-]``: clients that URL-encode the cursor and clients that send it
raw send the same text. The last page has ``nextPageCursor:""``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

import orjson

from simulator.dialects.bybit.errors import BybitError
from simulator.dialects.bybit.rest.params import params_error

__all__ = ["decode_cursor", "encode_cursor", "paginate"]

T = TypeVar("T")
Key = tuple[int | str, ...]

_CURSOR_CHARS: Final = re.compile(r"[A-Za-z0-9_-]+")
# A cursor names one item's sort key; anything longer is not one of ours.
_MAX_CURSOR_LENGTH: Final = 512


def encode_cursor(key: Key) -> str:
    """The cursor that continues after the item with sort key ``key``."""
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).rstrip(b"=").decode("ascii")


def _bad_cursor(cursor: str) -> BybitError:
    return params_error(f"cursor {cursor[:40]!r} is not a cursor of this list; pass a nextPageCursor back")


def _check_syntax(cursor: str) -> None:
    if len(cursor) > _MAX_CURSOR_LENGTH or not _CURSOR_CHARS.fullmatch(cursor):
        raise _bad_cursor(cursor)


def decode_cursor(cursor: str, like: Key) -> Key:
    """The sort key a cursor encodes; it must have the shape of ``like`` (same length and types).

    Raises:
        BybitError: 10001 for a cursor this venue did not hand out for this list.
    """
    problem = _bad_cursor(cursor)
    _check_syntax(cursor)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = orjson.loads(raw)
    except (binascii.Error, ValueError):
        raise problem from None
    if not isinstance(key, list) or len(key) != len(like):
        raise problem
    for value, model in zip(key, like, strict=True):
        if isinstance(value, bool) or type(value) is not type(model):
            raise problem
    return tuple(key)


def paginate(
    items: Sequence[T],
    key: Callable[[T], Key],
    *,
    limit: int,
    cursor: str | None,
    descending: bool = False,
) -> tuple[list[T], str]:
    """One page of ``items`` (sorted by ``key``, descending if asked) and the next page's cursor.

    Parameters:
        items: the whole list, already sorted.
        key: the sort key of an item (unique per item).
        limit: the page size (at least 1).
        cursor: a cursor from a previous page, or ``None`` for the first page.
        descending: whether ``items`` are sorted by descending key.

    Raises:
        BybitError: 10001 for a malformed cursor.
    """
    start = 0
    if cursor and items:
        after = decode_cursor(cursor, key(items[0]))
        start = len(items)
        for index, item in enumerate(items):
            current = key(item)
            if (current < after) if descending else (current > after):
                start = index
                break
    elif cursor:
        _check_syntax(cursor)  # an empty list: any well-formed cursor just ends it
    page = list(items[start : start + limit])
    more = start + limit < len(items)
    return page, encode_cursor(key(page[-1])) if more and page else ""
