"""WebSocket topic messages: order book, trades, tickers, klines, private push envelopes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.core import NS_PER_MS, BookChanged, NewOrder, OrderType, Side
from simulator.dialects.bybit.codec import market, ws

D = Decimal
TS = 1_672_304_484_978 * NS_PER_MS


def test_orderbook_snapshot_shape(inst) -> None:
    message = ws.orderbook_message(
        inst["linear"],
        50,
        "snapshot",
        [(D("16493.5"), D("0.006"))],
        [(D("16611"), D("0.029"))],
        u=18521288,
        seq=7961638724,
        ts_ns=TS,
        cts_ns=TS - 2 * NS_PER_MS,
    )
    assert message == {
        "topic": "orderbook.50.BTCUSDT",
        "type": "snapshot",
        "ts": 1672304484978,
        "data": {
            "s": "BTCUSDT",
            "b": [["16493.50", "0.006"]],
            "a": [["16611.00", "0.029"]],
            "u": 18521288,
            "seq": 7961638724,
        },
        "cts": 1672304484976,
    }


def test_delta_deletion_is_exactly_zero(inst) -> None:
    """§7.5: size "0" deletes a level (not "0.000")."""
    message = ws.orderbook_message(
        inst["linear"],
        50,
        "delta",
        [(D("16493.5"), D("0")), (D("16492.5"), D("1.5"))],
        [],
        u=2,
        seq=2,
        ts_ns=TS,
    )
    assert message["data"]["b"] == [["16493.50", "0"], ["16492.50", "1.500"]]
    assert message["cts"] == message["ts"]


def test_depth_one_is_snapshot_only(inst) -> None:
    with pytest.raises(ValueError, match="snapshot-only"):
        ws.orderbook_message(inst["linear"], 1, "delta", [], [], u=2, seq=2, ts_ns=TS)
    with pytest.raises(ValueError, match="snapshot or a delta"):
        ws.orderbook_message(inst["linear"], 50, "partial", [], [], u=2, seq=2, ts_ns=TS)


def test_book_change_levels_from_a_real_trade(venue) -> None:
    result = venue.place_order(
        NewOrder("alice", "linear:BTCUSDT", Side.BUY, OrderType.LIMIT, "2.000", "30000.1")
    )
    change = next(e for e in result.events if isinstance(e, BookChanged))
    bids, asks = ws.book_change_levels(change)
    assert asks == [(D("30000.1"), D("0"))]  # the ask level it took is gone
    assert bids == [(D("30000.1"), D("0.500"))]  # the remainder rests


def test_book_change_levels_are_best_first(inst) -> None:
    change = BookChanged(
        1,
        TS,
        inst["linear"],
        9,
        ((Side.BUY, 1, 5), (Side.BUY, 3, 5), (Side.SELL, 9, 0), (Side.SELL, 7, 2), (Side.BUY, 2, 0)),
    )
    bids, asks = ws.book_change_levels(change)
    assert [p for p, _ in bids] == [D("0.3"), D("0.2"), D("0.1")]
    assert [p for p, _ in asks] == [D("0.7"), D("0.9")]


@pytest.mark.parametrize(
    ("kind", "has_tick_direction", "extras"),
    [("linear", True, False), ("inverse", True, False), ("spot", False, False), ("option", True, True)],
)
def test_public_trade_items(inst, kind, has_tick_direction, extras) -> None:
    item = ws.public_trade_item(
        inst[kind],
        trade_id="t-1",
        ts_ns=TS,
        trade_price=D("16578.5") if kind != "option" else D("1190"),
        qty=D("1"),
        aggressor=Side.BUY,
        seq=1783284617,
        tick_direction="PlusTick",
        mark_price=D("1193.157"),
        index_price=D("16823.73"),
    )
    assert ("L" in item) == has_tick_direction
    assert all(k in item for k in ("mP", "iP", "mIv", "iv")) == extras
    assert type(item["T"]) is int and type(item["seq"]) is int
    assert item["BT"] is False and item["RPI"] is False
    assert item["S"] == "Buy"


def test_public_trade_message(inst) -> None:
    item = {"T": 1}
    linear = ws.public_trade_message(inst["linear"], [item], ts_ns=TS)
    assert linear == {"topic": "publicTrade.BTCUSDT", "type": "snapshot", "ts": 1672304484978, "data": [item]}
    option = ws.public_trade_message(inst["option"], [item], ts_ns=TS, seq=5)
    assert option["topic"] == "publicTrade.BTC"  # options publish by base coin
    assert option["id"] == "publicTrade.BTC-5-1672304484978"
    with pytest.raises(ValueError, match="needs a seq"):
        ws.public_trade_message(inst["option"], [item], ts_ns=TS)


LINEAR_WS_TICKER = {
    "symbol",
    "tickDirection",
    "price24hPcnt",
    "lastPrice",
    "prevPrice24h",
    "highPrice24h",
    "lowPrice24h",
    "prevPrice1h",
    "markPrice",
    "indexPrice",
    "openInterest",
    "openInterestValue",
    "turnover24h",
    "volume24h",
    "nextFundingTime",
    "fundingRate",
    "bid1Price",
    "bid1Size",
    "ask1Price",
    "ask1Size",
}
EXTRAS = {"fundingIntervalHour", "fundingCap", "preOpenPrice", "preQty", "curPreListingPhase"}
FUTURES = {"deliveryTime", "basisRate", "deliveryFeeRate", "predictedDeliveryPrice", "basis", "basisRateYear"}
SPOT_WS_TICKER = {
    "symbol",
    "lastPrice",
    "highPrice24h",
    "lowPrice24h",
    "prevPrice24h",
    "volume24h",
    "turnover24h",
    "price24hPcnt",
    "usdIndexPrice",
}
OPTION_WS_TICKER = {
    "symbol",
    "bidPrice",
    "bidSize",
    "bidIv",
    "askPrice",
    "askSize",
    "askIv",
    "lastPrice",
    "highPrice24h",
    "lowPrice24h",
    "markPrice",
    "indexPrice",
    "markPriceIv",
    "underlyingPrice",
    "openInterest",
    "turnover24h",
    "volume24h",
    "totalVolume",
    "totalTurnover",
    "delta",
    "gamma",
    "vega",
    "theta",
    "predictedDeliveryPrice",
    "change24h",
}


@pytest.mark.parametrize(
    ("instrument_id", "keys"),
    [
        ("linear:BTCUSDT", LINEAR_WS_TICKER | EXTRAS),
        ("inverse:BTCUSD", LINEAR_WS_TICKER | EXTRAS),
        ("linear:BTC-27MAR26", LINEAR_WS_TICKER | EXTRAS | FUTURES),
        ("spot:BTCUSDT", SPOT_WS_TICKER),
        ("option:BTC-27MAR26-70000-P-USDT", OPTION_WS_TICKER),
    ],
)
def test_ws_ticker_data_per_category(venue, instrument_id, keys) -> None:
    data = ws.ticker_data(venue.market(instrument_id), venue.book(instrument_id, 1), venue.clock.now_ns())
    assert set(data) == keys
    assert all(type(v) is str for v in data.values())
    if instrument_id.startswith("spot"):
        assert data["usdIndexPrice"]  # never empty (rule 18)


def test_ticker_delta_carries_changed_keys_and_whole_sides() -> None:
    before = {
        "symbol": "BTCUSDT",
        "lastPrice": "1.00",
        "bid1Price": "1.00",
        "bid1Size": "2.000",
        "ask1Price": "2.00",
        "ask1Size": "1.000",
        "markPrice": "1.50",
    }
    after = {**before, "bid1Size": "3.000", "markPrice": "1.60"}
    assert ws.ticker_delta(before, after) == {
        "symbol": "BTCUSDT",
        "bid1Size": "3.000",
        "markPrice": "1.60",
        "bid1Price": "1.00",  # travels with its size so a quote from the delta is whole
    }
    assert ws.ticker_delta(after, after) is None


def test_ticker_message_shapes(inst) -> None:
    data = {"symbol": "x"}
    linear = ws.ticker_message(inst["linear"], data, cs=24987956059, ts_ns=TS)
    assert linear == {
        "topic": "tickers.BTCUSDT",
        "type": "snapshot",
        "data": data,
        "cs": 24987956059,
        "ts": 1672304484978,
    }
    delta = ws.ticker_message(inst["inverse"], data, kind="delta", cs=1, ts_ns=TS)
    assert delta["type"] == "delta"
    option = ws.ticker_message(inst["option"], data, cs=2480334983, ts_ns=TS)
    assert list(option) == ["id", "topic", "ts", "data", "type"]
    assert option["id"] == "tickers.BTC-27MAR26-70000-P-USDT-2480334983-1672304484978"
    for kind in ("spot", "option"):
        with pytest.raises(ValueError, match="snapshot-only"):
            ws.ticker_message(inst[kind], data, kind="delta", cs=1, ts_ns=TS)
    with pytest.raises(ValueError, match="snapshot or a delta"):
        ws.ticker_message(inst["linear"], data, kind="full", cs=1, ts_ns=TS)


def test_kline_item_and_message(inst) -> None:
    candle = market.Candle(
        1672324800000, D("16649.5"), D("16677"), D("16608"), D("16677"), D("2.081"), D("34666.4005")
    )
    item = ws.kline_item(inst["linear"], "5", candle, confirm=False, ts_ns=1672324988882 * NS_PER_MS)
    assert item == {
        "start": 1672324800000,
        "end": 1672325099999,
        "interval": "5",
        "open": "16649.50",
        "close": "16677.00",
        "high": "16677.00",
        "low": "16608.00",
        "volume": "2.081",
        "turnover": "34666.4005",
        "confirm": False,
        "timestamp": 1672324988882,
    }
    message = ws.kline_message(inst["linear"], "5", [item], ts_ns=1672324988882 * NS_PER_MS)
    assert message == {"topic": "kline.5.BTCUSDT", "data": [item], "ts": 1672324988882, "type": "snapshot"}


def test_private_message_needs_a_string_id() -> None:
    message = ws.private_message("order", [{"a": 1}], message_id="abc", creation_ns=TS)
    assert message == {"id": "abc", "topic": "order", "creationTime": 1672304484978, "data": [{"a": 1}]}
    for topic in ("order", "execution", "position", "wallet", "order.linear"):
        with pytest.raises(ValueError, match="rule 32"):
            ws.private_message(topic, [], message_id=None, creation_ns=TS)
    fast = ws.private_message("execution.fast", [], message_id=None, creation_ns=TS)
    assert "id" not in fast


def test_book_depths_accept_500_on_derivatives() -> None:
    assert 500 in ws.BOOK_DEPTHS["linear"] and 500 in ws.BOOK_DEPTHS["inverse"]
    assert ws.BOOK_DEPTHS["option"] == (25, 100)
