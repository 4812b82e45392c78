"""Bybit public stream pushes → the normalized model (the hot path of the data client).

Book and trade messages are parsed straight from the orjson-decoded dict; tickers reuse the
REST ticker struct and parse functions (after the data client merged a delta into its last
snapshot, since linear/inverse ticker deltas carry changed fields only, §7.5). Private pushes
(order, execution, position, wallet) reuse :mod:`adapters.bybit.http.parse_execution`.
"""

from __future__ import annotations

from typing import Any

from adapters.bybit.common.enums import BybitOrderSide
from adapters.bybit.common.mappings import aggressor_from_bybit, bar_spec_from_interval
from adapters.bybit.http.models import BybitKline
from adapters.bybit.http.parse import parse_bar
from adapters.model.data import (
    Bar,
    BarType,
    BookOrder,
    OrderBookDelta,
    OrderBookDeltas,
    QuoteTick,
    TradeTick,
)
from adapters.model.enums import BookAction, OrderSide, RecordFlag
from adapters.model.identifiers import TradeId
from adapters.model.instruments import Instrument
from adapters.model.objects import MAX_PRECISION, Price, Quantity

__all__ = [
    "interval_ms",
    "parse_orderbook_deltas",
    "parse_orderbook_quote",
    "parse_ws_bars",
    "parse_ws_trades",
]

_SNAPSHOT = int(RecordFlag.F_SNAPSHOT)
_LAST = int(RecordFlag.F_LAST)
_MINUTE_MS = 60_000
# aggressor_from_bybit's answers looked up by the wire string: building the enum and matching
# it per trade cost a fifth of the trade parse. An unknown side is a KeyError.
_AGGRESSOR = {side.value: aggressor_from_bybit(side) for side in BybitOrderSide}
# Enum members bound once: the book loop reads them per level.
_CLEAR, _ADD, _UPDATE, _DELETE = BookAction.CLEAR, BookAction.ADD, BookAction.UPDATE, BookAction.DELETE
_BUY, _SELL = OrderSide.BUY, OrderSide.SELL
# Zero at each size precision, for the book's delete levels.
_ZERO_QTY = [Quantity.zero(precision) for precision in range(MAX_PRECISION + 1)]


def _ns(value: object, name: str) -> int:
    """``value`` (a wire timestamp or sequence, or the caller's ``ts_init``) if a non-negative int.

    The model's ``unchecked`` constructors used below trust their arguments, so the wire's
    numbers are checked here instead (a str ``ts`` would otherwise be repeated a million times).

    Raises:
        ValueError: not an int, a bool, or negative.
    """
    if type(value) is not int or value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    return value


def parse_orderbook_deltas(message: dict[str, Any], instrument: Instrument, ts_init: int) -> OrderBookDeltas:
    """An ``orderbook.*`` push → OrderBookDeltas.

    A ``snapshot`` becomes CLEAR then ADD per level, all flagged F_SNAPSHOT; a ``delta`` becomes
    DELETE for a zero size (``"0"``, ``"0.000"``) and UPDATE otherwise (the venue's delta inserts or
    replaces a level).
    The last record carries F_LAST; every record's sequence is the message's ``u``.

    Raises:
        KeyError, ValueError: a malformed message (the caller counts and drops it).
    """
    data = message["data"]
    iid = instrument.instrument_id
    pp, sp = instrument.price_precision, instrument.size_precision
    # Every field below is checked here (ints) or built by a checking constructor (Price and
    # Quantity ``from_wire`` refuse text off the instrument's precision), so records are built with
    # the model's ``unchecked`` constructors: this loop is the adapter's hottest path.
    seq = _ns(data["u"], "orderbook u")
    ts_event = _ns(message["ts"], "orderbook ts") * 1_000_000
    _ns(ts_init, "ts_init")
    snapshot = message["type"] == "snapshot"
    flags = _SNAPSHOT if snapshot else 0
    bids, asks = data["b"], data["a"]
    last = len(bids) + len(asks) - 1  # the level whose record carries F_LAST (-1: the CLEAR's)
    if last < 0 and not snapshot:
        # A delta with no levels changes nothing but still advances ``u``: the data client checks
        # the sequence before calling this and skips such messages.
        raise ValueError(f"empty order book delta for {iid} (u={seq})")
    new_delta, new_order = OrderBookDelta.unchecked, BookOrder.unchecked
    price_of, qty_of = Price.from_wire, Quantity.from_wire
    deltas: list[OrderBookDelta] = []
    if snapshot:
        deltas.append(
            new_delta(iid, _CLEAR, None, flags if last >= 0 else flags | _LAST, seq, ts_event, ts_init)
        )
    index = 0
    for side, levels in ((_BUY, bids), (_SELL, asks)):
        for price, size in levels:
            # A delete's "0" is not written at the size precision, which would cost the full check.
            qty = _ZERO_QTY[sp] if size == "0" else qty_of(size, sp)
            action = _ADD if snapshot else (_UPDATE if qty else _DELETE)
            order = new_order(side, price_of(price, pp), qty, 0)
            record_flags = flags | _LAST if index == last else flags
            deltas.append(new_delta(iid, action, order, record_flags, seq, ts_event, ts_init))
            index += 1
    return OrderBookDeltas.unchecked(iid, tuple(deltas))


def parse_orderbook_quote(message: dict[str, Any], instrument: Instrument, ts_init: int) -> QuoteTick | None:
    """An ``orderbook.1.*`` push (snapshot-only, one level a side, §0.3) → QuoteTick, if both sides."""
    data = message["data"]
    if not data["b"] or not data["a"]:
        return None
    (bid, bid_size), (ask, ask_size) = data["b"][0], data["a"][0]
    pp, sp = instrument.price_precision, instrument.size_precision
    return QuoteTick(
        instrument.instrument_id,
        Price(bid, pp),
        Price(ask, pp),
        Quantity(bid_size, sp),
        Quantity(ask_size, sp),
        message["ts"] * 1_000_000,
        ts_init,
    )


def parse_ws_trades(message: dict[str, Any], instrument: Instrument, ts_init: int) -> list[TradeTick]:
    """A ``publicTrade.*`` push → one TradeTick per trade (``S`` is the taker side).

    Raises:
        KeyError, ValueError: a malformed trade (price/size off precision, unknown side, bad ``T``).
    """
    iid = instrument.instrument_id
    pp, sp = instrument.price_precision, instrument.size_precision
    _ns(ts_init, "ts_init")
    # Each field is checked or built by a checked constructor, hence TradeTick.unchecked.
    new_tick, new_id = TradeTick.unchecked, TradeId.unchecked
    price_of, qty_of = Price.from_wire, Quantity.from_wire
    ticks = []
    for item in message["data"]:
        ts, trade_id = item["T"], item["i"]
        if type(ts) is not int or ts < 0:
            raise ValueError(f"publicTrade T must be a non-negative int, got {ts!r}")
        if type(trade_id) is not str or not trade_id or trade_id != trade_id.strip():
            raise ValueError(f"publicTrade i must be a non-empty trade id, got {trade_id!r}")
        price, size = price_of(item["p"], pp), qty_of(item["v"], sp)
        ticks.append(
            new_tick(iid, price, size, _AGGRESSOR[item["S"]], new_id(trade_id), ts * 1_000_000, ts_init)
        )
    return ticks


def interval_ms(interval: str) -> int:
    """Length of a kline interval in ms (months count as 30 days: only used for stamping)."""
    step, aggregation = bar_spec_from_interval(interval)
    minutes = {"MINUTE": 1, "HOUR": 60, "DAY": 1440, "WEEK": 10080, "MONTH": 43200}[aggregation.name]
    return step * minutes * _MINUTE_MS


def parse_ws_bars(
    message: dict[str, Any], bar_type: BarType, instrument: Instrument, ts_init: int
) -> list[Bar]:
    """A ``kline.*`` push → Bars for the candles marked ``confirm:true`` only (closed bars)."""
    bars = []
    for item in message["data"]:
        if not item.get("confirm"):
            continue
        kline = BybitKline(
            str(item["start"]), item["open"], item["high"], item["low"], item["close"], item["volume"]
        )
        bars.append(
            parse_bar(kline, bar_type, instrument, int(item["end"]) + 1 - int(item["start"]), ts_init)
        )
    return bars
