"""WebSocket topic messages: public market data (§7.5) and private pushes (§7.6).

Public messages carry ``topic``, ``type`` and an int ``ts`` (plus ``cts``/``cs``/``id`` where the
reference has them); private pushes carry a string ``id`` (rule 32; ``execution.fast`` has none),
``topic``, an int ``creationTime`` and a ``data`` array. Build the data items with
:mod:`~simulator.dialects.bybit.codec.orders` and :mod:`~simulator.dialects.bybit.codec.account`.

Session state (which levels a client holds, the ``u`` counter per subscription, the previous
ticker for deltas) belongs to the WS session; these functions only format what they are given.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from simulator.core.clock import NS_PER_MS
from simulator.core.enums import Side
from simulator.core.events import BookChanged
from simulator.core.instruments import Instrument
from simulator.core.market import MarketState
from simulator.core.queries import BookSnapshot
from simulator.dialects.bybit.codec import mappings
from simulator.dialects.bybit.codec.market import (
    FUNDING_CAP,
    GREEK_PLACEHOLDER,
    Candle,
    book_levels,
    contract_ticker_fields,
    interval_end_ms,
    option_ticker_fields,
    spot_ticker,
    ticker_stats,
    top_of_book,
)
from simulator.dialects.bybit.codec.numbers import money, price, reference_price_or, size

__all__ = [
    "BOOK_DEPTHS",
    "book_change_levels",
    "kline_item",
    "kline_message",
    "orderbook_message",
    "private_message",
    "public_trade_item",
    "public_trade_message",
    "public_trade_topic",
    "ticker_data",
    "ticker_delta",
    "ticker_message",
]

_ZERO = Decimal(0)

#: Order book depths per category (§7.5): the documented ones, plus 500 on linear/inverse that
#: real clients still use (rule 16).
BOOK_DEPTHS: dict[str, tuple[int, ...]] = {
    "spot": (1, 50, 200, 1000),
    "linear": (1, 50, 200, 500, 1000),
    "inverse": (1, 50, 200, 500, 1000),
    "option": (25, 100),
}


# -- order book -------------------------------------------------------------------------------------


def orderbook_message(
    inst: Instrument,
    depth: int,
    kind: str,
    bids: Iterable[tuple[Decimal, Decimal]],
    asks: Iterable[tuple[Decimal, Decimal]],
    *,
    u: int,
    seq: int,
    ts_ns: int,
    cts_ns: int | None = None,
) -> dict[str, Any]:
    """An ``orderbook.{depth}.{symbol}`` message (§7.5).

    Parameters:
        inst: the book's instrument.
        depth: the subscribed depth (it names the topic).
        kind: ``"snapshot"`` or ``"delta"``. Depth 1 is snapshot-only (rule 12).
        bids, asks: ``(price, size)`` levels, best first; in a delta, size 0 deletes the level
            (only send deletions of levels the client holds, rule 14).
        u: the subscription's update id, +1 per message; 1 after a (simulated) restart (rule 15).
        seq: the cross sequence (the book's sequence number).
        ts_ns, cts_ns: the message time and the matching-engine time (``ts`` by default).

    Raises:
        ValueError: ``kind`` is not snapshot/delta, or a delta at depth 1.
    """
    if kind not in ("snapshot", "delta"):
        raise ValueError(f"an orderbook message is a snapshot or a delta, not {kind!r}")
    if kind == "delta" and depth == 1:
        raise ValueError("orderbook.1 is snapshot-only (rule 12): send the new top as a snapshot")
    ts = ts_ns // NS_PER_MS
    return {
        "topic": f"orderbook.{depth}.{inst.symbol}",
        "type": kind,
        "ts": ts,
        "data": {
            "s": inst.symbol,
            "b": book_levels(inst, bids),
            "a": book_levels(inst, asks),
            "u": u,
            "seq": seq,
        },
        "cts": ts if cts_ns is None else cts_ns // NS_PER_MS,
    }


def book_change_levels(
    event: BookChanged,
) -> tuple[list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
    """The ``(price, size)`` bid and ask changes of a ``BookChanged`` event, best first.

    A removed level has size 0. The WS session filters them to the levels each subscription
    holds (rules 14 and 15) before calling :func:`orderbook_message`.
    """
    inst = event.instrument
    tick, lot = inst.tick_size, inst.lot_size
    bids = sorted(((ticks, lots) for side, ticks, lots in event.changes if side is Side.BUY), reverse=True)
    asks = sorted((ticks, lots) for side, ticks, lots in event.changes if side is Side.SELL)
    return [(tick * t, lot * q) for t, q in bids], [(tick * t, lot * q) for t, q in asks]


# -- public trades --------------------------------------------------------------------------------


def public_trade_topic(inst: Instrument) -> str:
    """``publicTrade.{symbol}``; options publish by base coin, ``publicTrade.{baseCoin}`` (§7.5)."""
    return f"publicTrade.{inst.base if inst.is_option else inst.symbol}"


def public_trade_item(
    inst: Instrument,
    *,
    trade_id: str,
    ts_ns: int,
    trade_price: Decimal,
    qty: Decimal,
    aggressor: Side,
    seq: int,
    tick_direction: str = "ZeroPlusTick",
    mark_price: Decimal | None = None,
    index_price: Decimal | None = None,
) -> dict[str, Any]:
    """One ``publicTrade`` data item (§7.5): ``T``/``seq`` ints, ``BT`` bool.

    Derivatives carry the tick direction ``L``; spot does not. Options add ``mP``, ``iP``,
    ``mIv`` and ``iv``.

    Parameters:
        inst: the instrument; ``trade_id``, ``ts_ns``, ``trade_price``, ``qty``, ``aggressor``:
            the trade (a ``TradeOccurred`` event or a ``TradeRecord``).
        seq: the trade's sequence number (the ``TradeOccurred`` event ``seq``).
        tick_direction: see :func:`~simulator.dialects.bybit.codec.market.tick_direction`.
        mark_price, index_price: options only.
    """
    item: dict[str, Any] = {
        "T": ts_ns // NS_PER_MS,
        "s": inst.symbol,
        "S": mappings.side(aggressor),
        "v": size(inst, qty),
        "p": price(inst, trade_price),
    }
    if not inst.is_spot:
        item["L"] = tick_direction
    item.update(i=trade_id, BT=False, RPI=False, seq=seq)
    if inst.is_option:
        item.update(
            mP=reference_price_or(inst, mark_price, "0"),
            iP=reference_price_or(inst, index_price, "0"),
            mIv=GREEK_PLACEHOLDER,
            iv=GREEK_PLACEHOLDER,
        )
    return item


def public_trade_message(
    inst: Instrument, items: list[dict[str, Any]], *, ts_ns: int, seq: int | None = None
) -> dict[str, Any]:
    """A ``publicTrade`` message: ``type:"snapshot"``, data an array (§7.5).

    Options carry a top-level ``id`` (``{topic}-{seq}-{ts}``; ``seq`` required for them).
    """
    topic = public_trade_topic(inst)
    ts = ts_ns // NS_PER_MS
    message: dict[str, Any] = {}
    if inst.is_option:
        if seq is None:
            raise ValueError("an option publicTrade message needs a seq for its id")
        message["id"] = f"{topic}-{seq}-{ts}"
    message.update(topic=topic, type="snapshot", ts=ts, data=items)
    return message


# -- tickers --------------------------------------------------------------------------------------

_LINEAR_WS_ORDER = (
    "symbol", "tickDirection", "price24hPcnt", "lastPrice", "prevPrice24h", "highPrice24h",
    "lowPrice24h", "prevPrice1h", "markPrice", "indexPrice", "openInterest", "openInterestValue",
    "turnover24h", "volume24h", "nextFundingTime", "fundingRate", "bid1Price", "bid1Size",
    "ask1Price", "ask1Size",
)  # fmt: skip
_FUTURES_WS_EXTRA = (
    "deliveryTime", "basisRate", "deliveryFeeRate", "predictedDeliveryPrice", "basis",
)  # fmt: skip
_OPTION_WS_RENAMES = {
    "bid1Price": "bidPrice",
    "bid1Size": "bidSize",
    "bid1Iv": "bidIv",
    "ask1Price": "askPrice",
    "ask1Size": "askSize",
    "ask1Iv": "askIv",
    "markIv": "markPriceIv",
}
_SPOT_WS_ORDER = (
    "symbol", "lastPrice", "highPrice24h", "lowPrice24h", "prevPrice24h", "volume24h",
    "turnover24h", "price24hPcnt", "usdIndexPrice",
)  # fmt: skip


def ticker_data(market: MarketState, book: BookSnapshot, now_ns: int) -> dict[str, str]:
    """The ``data`` object of a ``tickers.{symbol}`` snapshot in the market's category shape.

    * linear/inverse: the twenty §7.5 fields (dated futures add the delivery fields), plus the
      extras ``fundingIntervalHour``, ``fundingCap``, ``preOpenPrice``, ``preQty``,
      ``curPreListingPhase``; bid and ask sizes share decimals (rule 13);
    * spot: no bid/ask, ``usdIndexPrice`` never empty (rule 18);
    * option: the REST fields under their WS names (``bidPrice``, ``markPriceIv``…).
    """
    inst = market.instrument
    if inst.is_spot:
        rest = spot_ticker(market, book, now_ns)
        return {key: rest[key] for key in _SPOT_WS_ORDER}
    if inst.is_option:
        rest = option_ticker_fields(market, book, now_ns)
        return {_OPTION_WS_RENAMES.get(key, key): value for key, value in rest.items()}
    stats = ticker_stats(market, now_ns)
    fields = contract_ticker_fields(market, stats)
    bid_price, bid_size, ask_price, ask_size = top_of_book(inst, book, "")
    fields.update(
        symbol=inst.symbol,
        tickDirection=stats.tick_direction,
        bid1Price=bid_price,
        bid1Size=bid_size,
        ask1Price=ask_price,
        ask1Size=ask_size,
    )
    data = {key: fields[key] for key in _LINEAR_WS_ORDER}
    if not inst.is_perpetual:
        data.update({key: fields[key] for key in _FUTURES_WS_EXTRA})
        data["basisRateYear"] = ""
    data.update(
        fundingIntervalHour=str(inst.funding_interval_s // 3600) if inst.is_perpetual else "",
        fundingCap=FUNDING_CAP if inst.is_perpetual else "",
        preOpenPrice="",
        preQty="",
        curPreListingPhase="",
    )
    return data


def ticker_delta(previous: dict[str, str], current: dict[str, str]) -> dict[str, str] | None:
    """A linear/inverse ticker delta: ``symbol`` plus the keys whose value changed (§7.5).

    Both bid fields, or both ask fields, travel together whenever either changes, so that a
    quote built from the delta has matching price and size. ``None`` when nothing changed.
    """
    changed = {key: value for key, value in current.items() if previous.get(key) != value}
    changed.pop("symbol", None)
    if not changed:
        return None
    for pair in (("bid1Price", "bid1Size"), ("ask1Price", "ask1Size")):
        if any(key in changed for key in pair):
            changed.update({key: current[key] for key in pair if key in current})
    return {"symbol": current["symbol"], **changed}


def ticker_message(
    inst: Instrument, data: dict[str, str], *, kind: str = "snapshot", cs: int, ts_ns: int
) -> dict[str, Any]:
    """A ``tickers.{symbol}`` message around ``data`` (:func:`ticker_data`/:func:`ticker_delta`).

    linear/inverse/spot: ``{topic, type, data, cs, ts}`` (``cs`` and ``ts`` ints, required);
    option: ``{id, topic, ts, data, type}``. Spot and option tickers are snapshot-only.

    Raises:
        ValueError: a delta for spot or option.
    """
    topic = f"tickers.{inst.symbol}"
    ts = ts_ns // NS_PER_MS
    if kind != "snapshot" and (inst.is_spot or inst.is_option):
        raise ValueError("spot and option tickers are snapshot-only (§7.5)")
    if kind not in ("snapshot", "delta"):
        raise ValueError(f"a ticker message is a snapshot or a delta, not {kind!r}")
    if inst.is_option:
        return {"id": f"{topic}-{cs}-{ts}", "topic": topic, "ts": ts, "data": data, "type": kind}
    return {"topic": topic, "type": kind, "data": data, "cs": cs, "ts": ts}


# -- klines ---------------------------------------------------------------------------------------


def kline_item(
    inst: Instrument, interval: str, candle: Candle, *, confirm: bool, ts_ns: int
) -> dict[str, Any]:
    """One ``kline.{interval}.{symbol}`` data item (§7.5): ``start``/``end``/``timestamp`` ints,
    ``confirm`` true once the candle has closed."""
    return {
        "start": candle.start_ms,
        "end": interval_end_ms(candle.start_ms, interval),
        "interval": interval,
        "open": price(inst, candle.open),
        "close": price(inst, candle.close),
        "high": price(inst, candle.high),
        "low": price(inst, candle.low),
        "volume": size(inst, candle.volume),
        "turnover": money(candle.turnover),
        "confirm": confirm,
        "timestamp": ts_ns // NS_PER_MS,
    }


def kline_message(
    inst: Instrument, interval: str, items: list[dict[str, Any]], *, ts_ns: int
) -> dict[str, Any]:
    """A ``kline`` message: ``{topic, data, ts, type:"snapshot"}`` (§7.5)."""
    return {
        "topic": f"kline.{interval}.{inst.symbol}",
        "data": items,
        "ts": ts_ns // NS_PER_MS,
        "type": "snapshot",
    }


# -- private pushes -------------------------------------------------------------------------------


def private_message(
    topic: str, data: list[dict[str, Any]], *, message_id: str | None, creation_ns: int
) -> dict[str, Any]:
    """A private push (§7.6): ``{id, topic, creationTime, data}``.

    Parameters:
        topic: the topic string the client subscribed with (``order``, ``order.linear``…):
            pybit routes by the exact string (§7.6).
        data: the items (:func:`~simulator.dialects.bybit.codec.orders.order_ws`…).
        message_id: a string id, required on order/execution/position/wallet (rule 32);
            ``None`` only for ``execution.fast``, which has none.
        creation_ns: the push time (``creationTime``, int ms).

    Raises:
        ValueError: no ``message_id`` on a topic that requires one.
    """
    if message_id is None and not topic.startswith("execution.fast"):
        raise ValueError(f"a {topic!r} push needs a string id (rule 32)")
    message: dict[str, Any] = {}
    if message_id is not None:
        message["id"] = message_id
    message.update(topic=topic, creationTime=creation_ns // NS_PER_MS, data=data)
    return message
