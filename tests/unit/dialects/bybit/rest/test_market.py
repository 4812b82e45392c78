"""Public market-data routes against the default scenario: contents checked against the exchange."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from simulator.core import NS_PER_MS, InstrumentStatus, Side, TradeOccurred
from simulator.dialects.bybit.codec.numbers import price, size

D = Decimal
CURSOR = re.compile(r"[A-Za-z0-9_-]*")


def _symbols(ex, category: str) -> list[str]:
    return sorted(m.instrument.symbol for m in ex.markets.values() if m.instrument.market == category)


def test_time_is_the_server_time(client, api):
    answer = client.public("/v5/market/time")
    result = answer.ok()
    now = api.now_ms()
    assert answer.json["time"] == now
    assert result == {"timeSecond": str(now // 1000), "timeNano": str(now * 1_000_000)}


@pytest.mark.parametrize("category", ["linear", "inverse", "option", "spot"])
def test_instruments_list_every_trading_instrument_of_the_category(client, ex, category):
    result = client.public("/v5/market/instruments-info", f"category={category}&limit=1000").ok()
    assert result["category"] == category
    assert sorted(i["symbol"] for i in result["list"]) == _symbols(ex, category)
    if category == "spot":
        assert "nextPageCursor" not in result  # §2.2: spot has no pagination
    else:
        assert result["nextPageCursor"] == ""


def test_instruments_pages_with_cursors_until_an_empty_cursor(client, ex):
    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        query = "category=option&limit=3" + (f"&cursor={cursor}" if cursor else "")
        result = client.public("/v5/market/instruments-info", query).ok()
        seen += [i["symbol"] for i in result["list"]]
        cursor = result["nextPageCursor"]
        assert CURSOR.fullmatch(cursor)
        if not cursor:
            break
    assert seen == _symbols(ex, "option")
    assert len(seen) == 8  # more than two pages of three


def test_instruments_hide_a_halted_contract_unless_asked(client, ex):
    ex.set_instrument_status("linear:ETHUSDT", InstrumentStatus.HALTED)
    listed = client.public("/v5/market/instruments-info", "category=linear").ok()["list"]
    assert "ETHUSDT" not in {i["symbol"] for i in listed}
    closed = client.public("/v5/market/instruments-info", "category=linear&status=Closed").ok()["list"]
    assert [i["symbol"] for i in closed] == ["ETHUSDT"]
    one = client.public("/v5/market/instruments-info", "category=linear&symbol=ETHUSDT").ok()["list"]
    assert [(i["symbol"], i["status"]) for i in one] == [("ETHUSDT", "Closed")]
    assert client.public("/v5/market/instruments-info", "category=linear&status=PreLaunch").ok()["list"] == []


def test_instruments_of_options_default_to_btc(client):
    assert len(client.public("/v5/market/instruments-info", "category=option").ok()["list"]) == 8
    assert client.public("/v5/market/instruments-info", "category=option&baseCoin=ETH").ok()["list"] == []


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("", "category is required"),
        ("category=futures", "category 'futures' is not supported"),
        ("category=linear&symbol=DOGEUSDT", "Not supported symbols"),
        ("category=linear&cursor=%25%25", "cursor"),
        ("category=linear&cursor=WzFd", "cursor"),  # a well-formed cursor of another shape
        ("category=linear&limit=0", "limit must be at least 1"),
        ("category=linear&limit=ten", "limit must be an integer"),
        ("category=linear&status=Halted", "status must be one of"),
    ],
)
def test_instruments_refuse_bad_parameters_with_10001(client, query, fragment):
    answer = client.public("/v5/market/instruments-info", query)
    assert answer.status == 200
    assert answer.code == 10001
    assert fragment in answer.msg
    assert answer.result == {}


def test_empty_query_segments_and_unknown_parameters_are_tolerated(client):
    result = client.public("/v5/market/instruments-info", "&category=linear&&foo=bar&limit=1000").ok()
    assert {i["symbol"] for i in result["list"]} == {"BTCUSDT", "ETHUSDT"} | {
        i["symbol"] for i in result["list"] if i["symbol"].startswith("BTCUSDT-")
    }


def test_a_public_call_carrying_a_key_header_is_answered(client):
    headers = [("X-BAPI-API-KEY", "not-a-key-at-all"), ("X-BAPI-SIGN", "junk")]
    answer = client.send("GET", "/v5/market/time", "", headers)
    answer.ok()
    assert answer.response.auth == "none"


def test_tickers_follow_the_book_and_mark_spot_by_the_missing_open_interest(client, ex):
    linear = client.public("/v5/market/tickers", "category=linear&symbol=BTCUSDT").ok()["list"]
    assert len(linear) == 1
    book = ex.book("linear:BTCUSDT", 1)
    inst = book.instrument
    assert linear[0]["bid1Price"] == price(inst, book.bids[0][0])
    assert linear[0]["ask1Size"] == size(inst, book.asks[0][1])
    assert "openInterestValue" in linear[0]
    spot = client.public("/v5/market/tickers", "category=spot").ok()["list"]
    assert sorted(t["symbol"] for t in spot) == ["BTCUSDT", "ETHUSDT"]
    assert all("openInterestValue" not in t and t["usdIndexPrice"] for t in spot)
    options = client.public("/v5/market/tickers", "category=option&baseCoin=BTC").ok()["list"]
    assert len(options) == 8
    assert client.public("/v5/market/tickers", "category=option&baseCoin=SOL").ok()["list"] == []


def test_orderbook_depth_per_category(client, ex):
    result = client.public("/v5/market/orderbook", "category=linear&symbol=BTCUSDT").ok()
    assert len(result["b"]) == len(result["a"]) == 25  # linear default
    book = ex.book("linear:BTCUSDT", 25)
    inst = book.instrument
    assert result["b"] == [[price(inst, p), size(inst, q)] for p, q in book.bids]
    assert result["a"] == [[price(inst, p), size(inst, q)] for p, q in book.asks]
    assert result["u"] == result["seq"] == book.seq
    assert isinstance(result["ts"], int)
    deep = client.public("/v5/market/orderbook", "category=linear&symbol=BTCUSDT&limit=500").ok()
    assert len(deep["b"]) == 50  # 500 is accepted (rule 16); the book holds 50 levels
    spot = client.public("/v5/market/orderbook", "category=spot&symbol=BTCUSDT").ok()
    assert len(spot["b"]) == 1  # spot default
    option_symbol = next(m.instrument.symbol for m in ex.markets.values() if m.instrument.is_option)
    option = client.public("/v5/market/orderbook", f"category=option&symbol={option_symbol}&limit=100").ok()
    assert len(option["b"]) == 25  # capped at the option maximum


def test_orderbook_needs_a_symbol(client):
    answer = client.public("/v5/market/orderbook", "category=linear")
    assert (answer.code, answer.msg) == (10001, "params error: symbol is required")


def test_recent_trades_are_newest_first_with_their_event_seq(client, ex):
    events = []
    for n, px in enumerate(("100000.00", "100010.00", "99990.00")):
        ex.advance(1)
        events += ex.record_trade("linear:BTCUSDT", px, "0.010", Side.BUY if n % 2 == 0 else Side.SELL)
    trades = [e for e in events if isinstance(e, TradeOccurred)]
    listed = client.public("/v5/market/recent-trade", "category=linear&symbol=BTCUSDT&limit=2").ok()["list"]
    assert [t["execId"] for t in listed] == [trades[2].trade_id, trades[1].trade_id]
    assert [t["seq"] for t in listed] == [str(trades[2].seq), str(trades[1].seq)]
    assert listed[0]["price"] == "99990.00"
    assert listed[0]["side"] == "Buy"
    assert listed[0]["time"] == str(trades[2].ts_ns // NS_PER_MS)


def test_recent_trades_of_options_by_base_coin(client, ex):
    option = sorted(m.instrument.id for m in ex.markets.values() if m.instrument.is_option)[0]
    ex.record_trade(option, "5000", "0.10")
    listed = client.public("/v5/market/recent-trade", "category=option").ok()["list"]
    assert [t["symbol"] for t in listed] == [ex.instrument(option).symbol]
    assert "mP" in listed[0]
    assert client.public("/v5/market/recent-trade", "category=linear").code == 10001  # symbol needed


def test_klines_aggregate_trades_newest_first_with_flat_quiet_intervals(client, ex):
    # Trades at 00:00:10, 00:00:50 and 00:03:20 (no trade in minutes 1 and 2).
    ex.advance(10)
    ex.record_trade("linear:BTCUSDT", "100000.00", "0.010")
    ex.advance(40)
    ex.record_trade("linear:BTCUSDT", "100100.00", "0.020", Side.SELL)
    ex.advance(150)
    ex.record_trade("linear:BTCUSDT", "99900.00", "0.005")
    rows = client.public("/v5/market/kline", "category=linear&symbol=BTCUSDT&interval=1").ok()["list"]
    t0 = ex.clock.now_ns() // NS_PER_MS - 200_000
    assert [r[0] for r in rows] == [str(t0 + m * 60_000) for m in (3, 2, 1, 0)]
    assert rows[3] == [str(t0), "100000.00", "100100.00", "100000.00", "100100.00", "0.030", "3002"]
    assert rows[2][1:] == ["100100.00"] * 4 + ["0.000", "0"]  # quiet minute: flat at the close
    assert rows[0][1:5] == ["99900.00"] * 4
    fives = client.public("/v5/market/kline", "category=linear&symbol=BTCUSDT&interval=5").ok()["list"]
    assert len(fives) == 1
    assert fives[0][1:6] == ["100000.00", "100100.00", "99900.00", "99900.00", "0.035"]
    window = client.public(
        "/v5/market/kline", f"category=linear&symbol=BTCUSDT&interval=1&start={t0}&end={t0 + 60_000}&limit=1"
    ).ok()["list"]
    assert [r[0] for r in window] == [str(t0 + 60_000)]


def test_mark_and_index_klines_follow_price_moves(client, ex):
    ex.advance(61)
    ex.set_mark_price("linear:BTCUSDT", "101000.00")
    ex.advance(1)
    ex.set_mark_price("linear:BTCUSDT", "99000.00")
    ex.set_index_price("linear:BTCUSDT", "99500.00")
    # No category: linear by default (§6.6).
    marks = client.public("/v5/market/mark-price-kline", "symbol=BTCUSDT&interval=1").ok()
    assert marks["category"] == "linear"
    assert [r[1:] for r in marks["list"]] == [
        # A price holds between moves: the minute opens at the previous close.
        ["100000.55", "101000.00", "99000.00", "99000.00"],
        ["100000.55", "100000.55", "100000.55", "100000.55"],  # the scenario's mark at the start
    ]
    index = client.public("/v5/market/index-price-kline", "category=linear&symbol=BTCUSDT&interval=1").ok()
    assert index["list"][0][1:] == ["100001.22", "100001.22", "99500.00", "99500.00"]
    assert client.public("/v5/market/index-price-kline", "category=option&symbol=X&interval=1").code == 10001


def test_kline_needs_a_bybit_interval(client):
    answer = client.public("/v5/market/kline", "category=linear&symbol=BTCUSDT&interval=2")
    assert answer.code == 10001 and "interval must be one of" in answer.msg
    assert client.public("/v5/market/kline", "category=linear&symbol=BTCUSDT").code == 10001


def test_funding_history_lists_applied_fundings_newest_first(client, ex):
    ex.advance(8 * 3600)
    ex.set_funding_rate("linear:BTCUSDT", "-0.0002")
    ex.advance(8 * 3600)
    listed = client.public("/v5/market/funding/history", "category=linear&symbol=BTCUSDT").ok()["list"]
    history = ex.market("linear:BTCUSDT").funding_history
    assert len(listed) == len(history) == 2
    assert [i["fundingRate"] for i in listed] == ["-0.0002", "0.0001"]
    assert listed[0]["fundingRateTimestamp"] == str(history[-1][0] // NS_PER_MS)
    only_start = client.public("/v5/market/funding/history", "category=linear&symbol=BTCUSDT&startTime=1")
    assert only_start.code == 10001
    newest = history[-1][0] // NS_PER_MS
    ranged = client.public(
        "/v5/market/funding/history", f"category=linear&symbol=BTCUSDT&startTime={newest}&endTime={newest}"
    ).ok()["list"]
    assert [i["fundingRate"] for i in ranged] == ["-0.0002"]
