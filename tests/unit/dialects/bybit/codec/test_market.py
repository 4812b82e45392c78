"""Public REST market data: tickers per category, order book, trades, candles, funding, time."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from simulator.core import NS_PER_MS, NS_PER_S, NewOrder, OrderType, Side
from simulator.core.market import TradeRecord
from simulator.dialects.bybit.codec import market
from simulator.dialects.bybit.codec.mappings import UnmappedValue

D = Decimal
HOUR = 3600

# Key sets of the reference's ticker examples (§6.3), verbatim.
LINEAR_TICKER_KEYS = set(
    json.loads(
        '{"symbol":"BTCUSDT","lastPrice":"30000.10","indexPrice":"30001.22","markPrice":"30000.55",'
        '"prevPrice24h":"29000.00","price24hPcnt":"0.034486","highPrice24h":"31000.00","lowPrice24h":"28900.00",'
        '"prevPrice1h":"29950.00","openInterest":"50123.456","openInterestValue":"1503731360.80",'
        '"turnover24h":"4936790807.6521","volume24h":"73191.387","fundingRate":"0.0001",'
        '"nextFundingTime":"1760371200000","predictedDeliveryPrice":"","basisRate":"","deliveryFeeRate":"",'
        '"deliveryTime":"0","ask1Size":"2.000","bid1Price":"30000.00","ask1Price":"30000.10","bid1Size":"1.500",'
        '"basis":"","preOpenPrice":"","preQty":"","curPreListingPhase":"","fundingIntervalHour":"8",'
        '"fundingCap":"0.005","basisRateYear":""}'
    )
)
SPOT_TICKER_KEYS = {
    "symbol",
    "bid1Price",
    "bid1Size",
    "ask1Price",
    "ask1Size",
    "lastPrice",
    "prevPrice24h",
    "price24hPcnt",
    "highPrice24h",
    "lowPrice24h",
    "turnover24h",
    "volume24h",
    "usdIndexPrice",
}
OPTION_TICKER_KEYS = {
    "symbol",
    "bid1Price",
    "bid1Size",
    "bid1Iv",
    "ask1Price",
    "ask1Size",
    "ask1Iv",
    "lastPrice",
    "highPrice24h",
    "lowPrice24h",
    "markPrice",
    "indexPrice",
    "markIv",
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


def now(venue) -> int:
    return venue.clock.now_ns()


def ticker(venue, instrument_id: str) -> dict[str, str]:
    return market.ticker(venue.market(instrument_id), venue.book(instrument_id, 1), now(venue))


def test_server_time() -> None:
    assert market.server_time(1_688_639_403_423_213_947) == {
        "timeSecond": "1688639403",
        "timeNano": "1688639403423213947",
    }


@pytest.mark.parametrize(
    ("instrument_id", "keys"),
    [
        ("linear:BTCUSDT", LINEAR_TICKER_KEYS),
        ("linear:BTC-27MAR26", LINEAR_TICKER_KEYS),
        ("inverse:BTCUSD", LINEAR_TICKER_KEYS),
        ("spot:BTCUSDT", SPOT_TICKER_KEYS),
        ("option:BTC-27MAR26-70000-P-USDT", OPTION_TICKER_KEYS),
    ],
)
def test_ticker_key_sets_and_string_values(venue, instrument_id, keys) -> None:
    payload = ticker(venue, instrument_id)
    assert set(payload) == keys
    assert all(type(v) is str for v in payload.values())
    # Rule 18: openInterestValue marks a linear/inverse contract (options have no such field).
    assert ("openInterestValue" in payload) == instrument_id.startswith(("linear", "inverse"))


def test_linear_ticker_values(venue) -> None:
    venue.place_order(NewOrder("alice", "linear:BTCUSDT", Side.BUY, OrderType.MARKET, "0.5"))
    payload = ticker(venue, "linear:BTCUSDT")
    assert (payload["bid1Price"], payload["bid1Size"], payload["ask1Price"], payload["ask1Size"]) == (
        "30000.00",
        "1.500",
        "30000.10",
        "1.000",
    )
    assert (payload["markPrice"], payload["indexPrice"]) == ("30000.10", "30001.22")
    assert payload["fundingRate"] == "0.0001"
    assert payload["nextFundingTime"] == str(venue.market("linear:BTCUSDT").next_funding_ns // NS_PER_MS)
    assert payload["openInterest"] == "0.500"
    assert payload["openInterestValue"] == "15000.05"
    assert payload["deliveryTime"] == "0" and payload["fundingIntervalHour"] == "8"


def test_bid_and_ask_sizes_share_decimals(venue) -> None:
    payload = ticker(venue, "linear:BTCUSDT")
    assert len(payload["bid1Size"].split(".")[1]) == len(payload["ask1Size"].split(".")[1])


def test_future_ticker(venue) -> None:
    payload = ticker(venue, "linear:BTC-27MAR26")
    assert payload["deliveryTime"] == "1774598400000"
    assert (payload["fundingRate"], payload["nextFundingTime"]) == ("", "0")
    assert payload["basis"] == "98.78"  # last 30100.0 - index 30001.22, at two decimals
    assert payload["predictedDeliveryPrice"] == "30001.22"


def test_spot_usd_index_price_is_never_empty(venue) -> None:
    assert ticker(venue, "spot:BTCUSDT")["usdIndexPrice"] == "30001.22"
    bare = venue.market("spot:BTCUSDT")
    bare.index_price = bare.last_price = None
    assert market.usd_index_price(bare, venue.book("spot:BTCUSDT", 1)) == "30000.00"  # the mid


def test_option_ticker_empty_side_reads_zero(venue) -> None:
    venue.market("option:BTC-27MAR26-70000-P-USDT").book.bids.clear()
    payload = ticker(venue, "option:BTC-27MAR26-70000-P-USDT")
    assert (payload["bid1Price"], payload["bid1Size"]) == ("0", "0")
    assert payload["underlyingPrice"] == "30001.22"


def test_24h_statistics_come_from_remembered_trades(venue) -> None:
    instrument_id = "linear:BTCUSDT"
    venue.record_trade(instrument_id, "29000.0", "1.000", Side.SELL)  # older than a day at the end
    venue.advance(2 * HOUR)
    for price, qty in (("29500.0", "0.100"), ("31000.0", "0.200"), ("28900.0", "0.300")):
        venue.record_trade(instrument_id, price, qty)
        venue.advance(HOUR)
    venue.record_trade(instrument_id, "30000.1", "0.400")
    venue.advance(21 * HOUR)  # 24 hours ago is the moment of the 29500 trade
    payload = ticker(venue, instrument_id)
    assert payload["prevPrice24h"] == "29500.00"  # the last trade at or before 24h ago
    assert payload["highPrice24h"] == "31000.00" and payload["lowPrice24h"] == "28900.00"
    assert payload["volume24h"] == "0.900"  # the 1.000 at 29000 fell out of the window
    assert payload["turnover24h"] == str(
        D("31000") * D("0.2") + D("28900") * D("0.3") + D("30000.1") * D("0.4")
    )
    assert payload["price24hPcnt"] == "0.016953"
    assert payload["prevPrice1h"] == "30000.10"


def test_ticker_without_any_price(venue) -> None:
    state = venue.market("linear:BTCUSDT")
    state.trades.clear()
    state.last_price = state.mark_price = state.index_price = None
    payload = ticker(venue, "linear:BTCUSDT")
    assert payload["lastPrice"] == payload["markPrice"] == payload["prevPrice24h"] == ""
    assert payload["price24hPcnt"] == "0"


@pytest.mark.parametrize(
    ("prices", "expected"),
    [
        ([], "ZeroPlusTick"),
        (["1"], "ZeroPlusTick"),
        (["1", "2"], "PlusTick"),
        (["2", "1"], "MinusTick"),
        (["1", "2", "2"], "ZeroPlusTick"),
        (["2", "1", "1"], "ZeroMinusTick"),
        (["2", "1", "1", "1"], "ZeroMinusTick"),
        (["1", "2", "1", "1", "3"], "PlusTick"),
    ],
)
def test_tick_direction(prices, expected) -> None:
    assert market.tick_direction([D(p) for p in prices]) == expected


def test_orderbook_result(venue) -> None:
    book = venue.book("linear:BTCUSDT", 25)
    payload = market.orderbook_result(book)
    assert payload["s"] == "BTCUSDT"
    assert payload["b"] == [["30000.00", "1.500"], ["29999.90", "2.000"]]  # descending
    assert payload["a"] == [["30000.10", "1.500"], ["30000.20", "2.000"]]  # ascending
    for key in ("ts", "u", "seq", "cts"):
        assert type(payload[key]) is int
    assert payload["u"] == payload["seq"] == book.seq
    assert market.orderbook_result(book, u=7, seq=9, cts_ns=5 * NS_PER_MS)["cts"] == 5


def test_recent_trade_item(inst) -> None:
    trade = TradeRecord(
        "2100000000007764263", 1_672_052_955_758 * NS_PER_MS, D("30000.1"), D("0.012"), Side.BUY
    )
    assert market.recent_trade_item(inst["linear"], trade, seq=123456) == {
        "execId": "2100000000007764263",
        "symbol": "BTCUSDT",
        "price": "30000.10",
        "size": "0.012",
        "side": "Buy",
        "time": "1672052955758",
        "isBlockTrade": False,
        "isRPITrade": False,
        "seq": "123456",
    }


def test_option_recent_trade_extras(inst) -> None:
    trade = TradeRecord("t1", 0, D("1190"), D("0.10"), Side.SELL)
    item = market.recent_trade_item(
        inst["option"], trade, seq=1, mark_price=D("1193.157"), index_price=D("87512.34")
    )
    assert (item["mP"], item["iP"], item["mIv"], item["iv"]) == ("1193.157", "87512.34", "0", "0")


def test_funding_history_item(inst) -> None:
    assert market.funding_history_item(inst["linear"], 1_672_041_600 * NS_PER_S, D("0.000100")) == {
        "symbol": "BTCUSDT",
        "fundingRate": "0.0001",
        "fundingRateTimestamp": "1672041600000",
    }


# -- candles ---------------------------------------------------------------------------------------

T = 1_767_225_600_000  # 2026-01-01T00:00:00Z, a Thursday


def trade(ms: int, price: str, qty: str) -> TradeRecord:
    return TradeRecord("t", ms * NS_PER_MS, D(price), D(qty), Side.BUY)


def test_trade_candles_aggregate_and_fill_gaps(inst) -> None:
    trades = [
        trade(T + 1_000, "30000.0", "0.010"),
        trade(T + 30_000, "30010.0", "0.020"),
        trade(T + 59_999, "29990.0", "0.001"),
        trade(T + 180_500, "30005.0", "0.005"),
    ]
    candles = market.trade_candles(inst["linear"], trades, "1")
    assert [c.start_ms for c in candles] == [T + 180_000, T + 120_000, T + 60_000, T]  # newest first
    first = candles[-1]
    assert (first.open, first.high, first.low, first.close) == (
        D("30000.0"),
        D("30010.0"),
        D("29990.0"),
        D("29990.0"),
    )
    assert first.volume == D("0.031")
    assert first.turnover == D("300.000") + D("600.200") + D("29.990")
    gap = candles[1]
    assert (gap.open, gap.close, gap.volume) == (D("29990.0"), D("29990.0"), 0)
    assert market.kline_row(inst["linear"], first) == [
        str(T),
        "30000.00",
        "30010.00",
        "29990.00",
        "29990.00",
        "0.031",
        "930.19",
    ]
    assert len(market.kline_row(inst["linear"], gap)) == 7


def test_candle_filters_and_limit(inst) -> None:
    trades = [trade(T + n * 60_000, "30000.0", "0.001") for n in range(10)]
    candles = market.trade_candles(
        inst["linear"], trades, "1", start_ms=T + 120_000, end_ms=T + 300_000, limit=2
    )
    assert [c.start_ms for c in candles] == [T + 300_000, T + 240_000]


def test_inverse_turnover_is_in_the_base_coin(inst) -> None:
    candles = market.trade_candles(inst["inverse"], [trade(T, "30000", "3000")], "5")
    assert candles[0].turnover == D("0.1")


@pytest.mark.parametrize(
    ("interval", "ts", "start", "end"),
    [
        ("1", T + 61_000, T + 60_000, T + 119_999),
        ("15", T + 16 * 60_000, T + 15 * 60_000, T + 30 * 60_000 - 1),
        ("D", T + 5 * 3_600_000, T, T + 86_400_000 - 1),
        # Weekly bars open on Monday: 2026-01-01 is a Thursday, so its week began on 2025-12-29.
        ("W", T, T - 3 * 86_400_000, T + 4 * 86_400_000 - 1),
        # Monthly bars run from the 1st to the last millisecond of the month.
        ("M", T + 20 * 86_400_000, T, T + 31 * 86_400_000 - 1),
        ("M", T - 1, T - 31 * 86_400_000, T - 1),  # December 2025 ends where January begins
    ],
)
def test_interval_bounds(interval, ts, start, end) -> None:
    assert market.interval_start_ms(ts, interval) == start
    assert market.interval_end_ms(start, interval) == end


def test_unknown_interval_fails_loudly(inst) -> None:
    with pytest.raises(UnmappedValue, match="kline interval"):
        market.trade_candles(inst["linear"], [], "2")
    with pytest.raises(UnmappedValue):
        market.interval_start_ms(T, "H")


def test_price_candles_and_rows(inst) -> None:
    points = [(T * NS_PER_MS, D("17164.16")), ((T + 120_000) * NS_PER_MS, D("17121.5"))]
    candles = market.price_candles(points, "5")
    assert len(candles) == 1
    row = market.price_kline_row(inst["linear"], candles[0])
    assert row == [str(T), "17164.16", "17164.16", "17121.50", "17121.50"]
