"""``OrderBookDepth10`` from a Bybit book (Bybit has no depth-10 channel).

A depth-10 subscription rides on the most compact channel that covers ten levels (50 on spot,
linear and inverse; 25 on options, §7.5); the data client keeps that book locally and publishes
its best ten levels a side after every push. Bybit levels are aggregated, so each real level
counts as one order (the venue publishes no per-level order count).
"""

from __future__ import annotations

from typing import Any, Final

from adapters.model.data import BookOrder
from adapters.model.depth import DEPTH10_LEVELS, OrderBookDepth10
from adapters.model.enums import OrderSide, RecordFlag
from adapters.model.instruments import Instrument
from adapters.model.objects import Price, Quantity

__all__ = ["compact_depth", "parse_depth10"]

_FLAGS: Final = int(RecordFlag.F_SNAPSHOT | RecordFlag.F_LAST)


def compact_depth(depths: tuple[int, ...], wanted: int = DEPTH10_LEVELS) -> int:
    """The smallest channel depth of ``depths`` holding at least ``wanted`` levels.

    Raises:
        ValueError: no channel is deep enough.
    """
    deep_enough = [d for d in depths if d >= wanted]
    if not deep_enough:
        raise ValueError(f"no book channel of {depths} holds {wanted} levels")
    return min(deep_enough)


def parse_depth10(snapshot: dict[str, Any], instrument: Instrument, ts_init: int) -> OrderBookDepth10:
    """A local book snapshot (``LocalBook.as_snapshot``: levels best first) → OrderBookDepth10.

    Raises:
        KeyError, ValueError: a malformed message (the caller reports and drops it).
    """
    data = snapshot["data"]
    pp, sp = instrument.price_precision, instrument.size_precision
    sides = []
    for side, levels in ((OrderSide.BUY, data["b"]), (OrderSide.SELL, data["a"])):
        sides.append([BookOrder(side, Price(p, pp), Quantity(s, sp)) for p, s in levels[:DEPTH10_LEVELS]])
    return OrderBookDepth10.from_levels(
        instrument.instrument_id,
        sides[0],
        sides[1],
        price_precision=pp,
        size_precision=sp,
        flags=_FLAGS,
        sequence=int(data["u"]),
        ts_event=int(snapshot["ts"]) * 1_000_000,
        ts_init=ts_init,
    )
