"""The building blocks on their own: parameters, cursors, minute bars and candles, the history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.core import NS_PER_MS, Side, TradeOccurred
from simulator.dialects.bybit.errors import BybitError
from simulator.dialects.bybit.rest.history import Bar, MarketHistory, PriceKind, aggregate
from simulator.dialects.bybit.rest.paging import decode_cursor, encode_cursor, paginate
from simulator.dialects.bybit.rest.params import Params

D = Decimal
MINUTE = 60_000
#: 2026-01-05T00:00:00Z, a Monday.
MONDAY = 1_767_571_200_000


# -- params -----------------------------------------------------------------------------------------


def test_query_parsing_keeps_the_first_value_and_drops_empty_segments():
    params = Params.from_query("&a=1&&a=2&b=&c=x%20y&flag")
    assert (params.raw("a"), params.raw("b"), params.raw("c"), params.raw("flag")) == ("1", None, "x y", None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.010", D("0.010")), (" 5 ", D(5)), (7, D(7)), (0.25, D("0.25")), ("1e3", D("1E+3"))],
)
def test_decimals_come_as_strings_or_json_numbers(value, expected):
    assert Params({"qty": value}).decimal("qty") == expected


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", True, [], {}, "1.2.3"])
def test_bad_decimals_are_10001(value):
    with pytest.raises(BybitError) as caught:
        Params({"qty": value}).decimal("qty")
    assert caught.value.code == 10001 and "qty" in caught.value.message


def test_integers_booleans_and_limits():
    params = Params({"n": "42", "m": -3, "b": "TRUE", "big": "9" * 30, "f": 1.5})
    assert (params.integer("n"), params.integer("m"), params.boolean("b")) == (42, -3, True)
    assert params.integer("absent", default=7) == 7
    for name in ("big", "f", "b"):
        with pytest.raises(BybitError):
            params.integer(name)
    assert Params({"limit": "5000"}).limit(default=20, maximum=50) == 50
    assert Params({}).limit(default=20, maximum=50) == 20
    with pytest.raises(BybitError, match="at least 1"):
        Params({"limit": "0"}).limit(default=20, maximum=50)


# -- cursors ----------------------------------------------------------------------------------------


def test_cursors_are_url_safe_and_round_trip():
    key = (1_767_571_200_000_000_000, "656df212-e8df-4cee-b6a6-5d9b27d8c20f/+=")
    cursor = encode_cursor(key)
    assert cursor.replace("-", "").replace("_", "").isalnum()
    assert decode_cursor(cursor, (0, "")) == key


@pytest.mark.parametrize(
    "cursor", ["a b", "%3D", "x" * 600, "!!!", encode_cursor(("a",)), encode_cursor((1, 2))]
)
def test_foreign_cursors_are_10001(cursor):
    with pytest.raises(BybitError) as caught:
        decode_cursor(cursor, (0, ""))
    assert caught.value.code == 10001


def test_paginate_walks_both_directions_and_survives_removals():
    items = list(range(10))
    page, cursor = paginate(items, lambda i: (i,), limit=4, cursor=None)
    assert page == [0, 1, 2, 3] and cursor
    shrunk = [i for i in items if i != 4]  # the next item disappeared between two calls
    page, cursor = paginate(shrunk, lambda i: (i,), limit=4, cursor=cursor)
    assert page == [5, 6, 7, 8] and cursor
    page, cursor = paginate(shrunk, lambda i: (i,), limit=4, cursor=cursor)
    assert (page, cursor) == ([9], "")
    down = items[::-1]
    page, cursor = paginate(down, lambda i: (i,), limit=3, cursor=None, descending=True)
    page, cursor = paginate(down, lambda i: (i,), limit=3, cursor=cursor, descending=True)
    assert page == [6, 5, 4]
    assert paginate([], lambda i: (i,), limit=3, cursor=cursor) == ([], "")
    assert paginate(items, lambda i: (i,), limit=10, cursor=None) == (items, "")


# -- candles ----------------------------------------------------------------------------------------


def _bar(start: int, price: str, volume: str = "0") -> Bar:
    p = D(price)
    return Bar(start, p, p, p, p, D(volume), p * D(volume))


def test_weekly_candles_open_on_monday_and_monthly_on_the_first():
    bars = [_bar(MONDAY - MINUTE, "1", "1"), _bar(MONDAY, "2", "1"), _bar(MONDAY + 6 * 86_400_000, "3", "1")]
    weeks = aggregate(bars, "W", now_ms=MONDAY + 7 * 86_400_000 - 1)
    assert [(c.start_ms, c.open, c.close, c.volume) for c in weeks] == [
        (MONDAY, D(2), D(3), D(2)),
        (MONDAY - 7 * 86_400_000, D(1), D(1), D(1)),
    ]
    new_year = 1_767_225_600_000
    months = aggregate([_bar(new_year - MINUTE, "1"), *bars], "M", now_ms=MONDAY + MINUTE)
    assert [c.start_ms for c in months] == [new_year, 1_764_547_200_000]  # Jan 1, Dec 1


def test_candles_fill_quiet_intervals_up_to_now_and_honour_the_window():
    bars = [_bar(MONDAY, "10", "1"), _bar(MONDAY + 3 * MINUTE, "13", "2")]
    candles = aggregate(bars, "1", now_ms=MONDAY + 5 * MINUTE + 5)
    assert [(c.start_ms - MONDAY) // MINUTE for c in candles] == [5, 4, 3, 2, 1, 0]
    assert [str(c.close) for c in candles] == ["13", "13", "13", "10", "10", "10"]
    assert [str(c.volume) for c in candles] == ["0", "0", "2", "0", "0", "1"]
    window = aggregate(
        bars, "1", now_ms=MONDAY + 5 * MINUTE, start_ms=MONDAY + MINUTE, end_ms=MONDAY + 2 * MINUTE
    )
    assert [(c.start_ms - MONDAY) // MINUTE for c in window] == [2, 1]
    assert aggregate(bars, "1", now_ms=MONDAY + 5 * MINUTE, limit=2)[-1].start_ms == MONDAY + 4 * MINUTE
    assert aggregate(bars, "1", now_ms=MONDAY + 5 * MINUTE, end_ms=MONDAY - 1) == []
    assert aggregate(bars, "M", now_ms=MONDAY + 5 * MINUTE, start_ms=10**18) == []
    assert aggregate([], "1", now_ms=MONDAY) == []


def test_continuous_series_open_at_the_previous_close():
    bars = [_bar(MONDAY, "10"), _bar(MONDAY + MINUTE, "12")]
    trades = aggregate(bars, "1", now_ms=MONDAY + MINUTE)
    marks = aggregate(bars, "1", now_ms=MONDAY + MINUTE, continuous=True)
    assert (trades[0].open, trades[0].low) == (D(12), D(12))
    assert (marks[0].open, marks[0].low, marks[0].high) == (D(10), D(10), D(12))


# -- the history ------------------------------------------------------------------------------------


def test_the_history_records_each_event_once_and_forgets_the_oldest_ids(ex):
    history = MarketHistory(ex, max_ids=2)
    events = []
    for px in ("100000.00", "100001.00", "100002.00"):
        events += ex.record_trade("linear:BTCUSDT", px, "0.010", Side.SELL)
    trades = [e for e in events if isinstance(e, TradeOccurred)]
    for event in events + events:  # delivered twice (two listeners): recorded once
        history.on_event(event)
    assert history.trade_seq(trades[0].trade_id) is None  # forgotten (max_ids=2)
    assert [history.trade_seq(t.trade_id) for t in trades[1:]] == [t.seq for t in trades[1:]]
    bars = history.bars("linear:BTCUSDT", PriceKind.TRADE)
    assert len(bars) == 1 and bars[0].volume == D("0.030")
    assert bars[0].turnover == D("3000.03")


def test_the_history_starts_from_what_the_exchange_already_knows(ex):
    ex.record_trade("linear:BTCUSDT", "100000.00", "0.010")
    history = MarketHistory(ex)
    now_ms = ex.clock.now_ns() // NS_PER_MS
    assert [b.close for b in history.bars("linear:BTCUSDT", PriceKind.TRADE)] == [D("100000.00")]
    assert [b.close for b in history.bars("linear:BTCUSDT", PriceKind.MARK)] == [D("100000.55")]
    # An instrument listed after the history started: one flat candle at the price now.
    assert history.bars("linear:LATER", PriceKind.MARK) == []
    late = history.candles("linear:LATER", PriceKind.MARK, "1", now_ms=now_ms, current=D("5"))
    assert [c.close for c in late] == [D(5)]
