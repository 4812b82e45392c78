"""The book and trade parsers' fast paths: same records as the checked model constructors, and
malformed wire fields refused before the model's ``unchecked`` constructors could take them."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.mappings import aggressor_from_bybit
from adapters.bybit.common.testing import load_instruments, load_payload
from adapters.bybit.websocket.parse import parse_orderbook_deltas, parse_ws_trades
from adapters.model.data import BookOrder, OrderBookDelta, OrderBookDeltas, TradeTick
from adapters.model.enums import BookAction, OrderSide, RecordFlag
from adapters.model.identifiers import TradeId
from adapters.model.instruments import Instrument
from adapters.model.objects import Price, Quantity

SEEDED = settings(derandomize=True, max_examples=150, deadline=None)
LINEAR = load_instruments()[("BTCUSDT", BybitProductType.LINEAR)]


def text_at(units: int, places: int) -> str:
    return f"{Decimal(units).scaleb(-places):f}"


def size_texts(places: int) -> st.SearchStrategy[str]:
    """Sizes as the venue writes them, including both spellings of a deleted level."""
    return st.one_of(
        st.integers(0, 10**6).map(lambda n: text_at(n, places)),
        st.sampled_from(["0", text_at(0, places)]),
    )


def levels(instrument: Instrument) -> st.SearchStrategy[list[list[str]]]:
    prices = st.integers(1, 10**8).map(lambda n: text_at(n, instrument.price_precision))
    return st.lists(st.tuples(prices, size_texts(instrument.size_precision)).map(list), max_size=6)


def reference_deltas(message: dict[str, Any], instrument: Instrument, ts_init: int) -> OrderBookDeltas:
    """The parse done with the model's checked constructors only."""
    data, iid = message["data"], instrument.instrument_id
    snapshot = message["type"] == "snapshot"
    flags = int(RecordFlag.F_SNAPSHOT) if snapshot else 0
    ts = message["ts"] * 1_000_000
    records = [(BookAction.CLEAR, None)] if snapshot else []
    for side, rows in ((OrderSide.BUY, data["b"]), (OrderSide.SELL, data["a"])):
        for price, size in rows:
            deleted = Decimal(size) == 0
            action = BookAction.ADD if snapshot else BookAction.DELETE if deleted else BookAction.UPDATE
            qty = Quantity(size, instrument.size_precision)
            records.append((action, BookOrder(side, Price(price, instrument.price_precision), qty)))
    deltas = [
        OrderBookDelta(
            iid,
            action,
            order,
            flags | (int(RecordFlag.F_LAST) if i == len(records) - 1 else 0),
            data["u"],
            ts,
            ts_init,
        )
        for i, (action, order) in enumerate(records)
    ]
    return OrderBookDeltas(iid, deltas)


@SEEDED
@given(
    snapshot=st.booleans(),
    bids=levels(LINEAR),
    asks=levels(LINEAR),
    u=st.integers(1, 2**40),
    ts=st.integers(0, 2**41),
)
def test_book_parse_equals_the_checked_construction(
    snapshot: bool, bids: list[list[str]], asks: list[list[str]], u: int, ts: int
) -> None:
    message = {"type": "snapshot" if snapshot else "delta", "ts": ts, "data": {"b": bids, "a": asks, "u": u}}
    if not snapshot and not bids and not asks:
        with pytest.raises(ValueError, match="empty"):
            parse_orderbook_deltas(message, LINEAR, 5)
        return
    parsed = parse_orderbook_deltas(message, LINEAR, 5)
    expected = reference_deltas(message, LINEAR, 5)
    assert parsed == expected
    assert hash(parsed) == hash(expected)
    assert repr(parsed) == repr(expected)


@SEEDED
@given(
    trades=st.lists(
        st.fixed_dictionaries(
            {
                "T": st.integers(0, 2**41),
                "S": st.sampled_from(["Buy", "Sell", ""]),
                "p": st.integers(1, 10**8).map(lambda n: text_at(n, LINEAR.price_precision)),
                "v": st.integers(0, 10**6).map(lambda n: text_at(n, LINEAR.size_precision)),
                "i": st.uuids().map(str),
            }
        ),
        max_size=5,
    )
)
def test_trade_parse_equals_the_checked_construction(trades: list[dict[str, Any]]) -> None:
    parsed = parse_ws_trades({"data": trades}, LINEAR, 7)
    expected = [
        TradeTick(
            LINEAR.instrument_id,
            Price(t["p"], LINEAR.price_precision),
            Quantity(t["v"], LINEAR.size_precision),
            aggressor_from_bybit(t["S"]),
            TradeId(t["i"]),
            t["T"] * 1_000_000,
            7,
        )
        for t in trades
    ]
    assert parsed == expected
    assert [repr(t) for t in parsed] == [repr(t) for t in expected]


def book_with(path: tuple[str, ...], value: object) -> dict[str, Any]:
    message = copy.deepcopy(load_payload("ws_orderbook_delta"))
    target = message
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return message


@pytest.mark.parametrize(
    ("path", "value", "match"),
    [
        (("ts",), "1767226450000", "orderbook ts"),
        (("ts",), 1.5, "orderbook ts"),
        (("ts",), -1, "orderbook ts"),
        (("data", "u"), True, "orderbook u"),
        (("data", "u"), "15", "orderbook u"),
        (("data", "b"), [["87480.105", "0.030"]], "decimal places"),
        (("data", "b"), [["87480.10", "-0.030"]], "negative"),
        (("data", "b"), [["87480.10", "0.0305"]], "decimal places"),
        (("data", "b"), [["87480.10"]], "unpack"),
    ],
)
def test_malformed_book_fields_are_refused(path: tuple[str, ...], value: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_orderbook_deltas(book_with(path, value), LINEAR, 1)


def test_bad_ts_init_is_refused() -> None:
    with pytest.raises(ValueError, match="ts_init"):
        parse_orderbook_deltas(load_payload("ws_orderbook_delta"), LINEAR, -1)
    with pytest.raises(ValueError, match="ts_init"):
        parse_ws_trades(load_payload("ws_public_trade"), LINEAR, "0")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("T", "1767226450000", ValueError),
        ("T", True, ValueError),
        ("T", -5, ValueError),
        ("i", "", ValueError),
        ("i", " 42", ValueError),
        ("i", 42, ValueError),
        ("S", "Hold", KeyError),
        ("p", "87480.105", ValueError),
        ("v", "-0.050", ValueError),
    ],
)
def test_malformed_trade_fields_are_refused(field: str, value: object, error: type[Exception]) -> None:
    message = copy.deepcopy(load_payload("ws_public_trade"))
    message["data"][1][field] = value
    with pytest.raises(error):
        parse_ws_trades(message, LINEAR, 1)
