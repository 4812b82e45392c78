"""The adapter's bars against the running simulator on its virtual clock.

The test writes the trades that make each minute's candle and moves venue time itself, so which
candles are closed is known exactly. Streamed bars (``kline`` pushes with ``confirm``) and
requested bars (``/v5/market/kline`` paged backwards) are checked against the trades written and
against the venue's own REST candles, fetched here without the adapter.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from adapters.bybit.factories import BybitAdapterFactory
from adapters.contract.sink import RecordingSink
from adapters.model.data import Bar, BarType
from simulator.core import Side
from simulator.scenario import parse_scenario
from simulator.server import HttpMatch, Simulator
from simulator.server.journal import HttpEntry
from simulator.server.journal.entries import WsFrame
from simulator.testing import SimulatorFactory, simulator  # noqa: F401  (the fixture)

from .conftest import WAIT_S, endpoints

#: One linear perpetual on the virtual clock; no generated flow, so every trade is the test's.
SCENARIO = """
version: 1
dialect: bybit
name: bybit-adapter-bars
clock: {mode: virtual}
seed: 11
instruments:
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", min_notional: "5",
     last_price: "100000.10", mark_price: "100000.50", index_price: "100001.20", funding_rate: "0.0001"}
"""

CORE = "linear:BTCUSDT"
BAR_TYPE = BarType.from_str("BTCUSDT-LINEAR.BYBIT-1-MINUTE-LAST-EXTERNAL")
MINUTE_S = 60
MINUTE_MS = 60_000
NS_PER_MS = 1_000_000
#: Open, high, low, close traded in each streamed minute: distinct, so a bar names its minute.
STREAMED = [
    ("100000.10", "100003.50", "99998.00", "100001.20"),
    ("100010.00", "100012.40", "100005.10", "100006.60"),
]
QTY = "0.010"


@dataclass
class BarsRig:
    """A simulator on the virtual clock and the adapter's data client for it."""

    sim: Simulator
    sink: RecordingSink
    data: Any

    def trade(self, price: str) -> None:
        """Print one public trade of ``QTY`` at ``price`` on the venue."""
        self.sim.exchange.record_trade(self.sim.instrument_id(CORE), price, QTY, Side.BUY)

    def into_next_minute(self) -> int:
        """Move venue time to 1 s into the next minute; return that minute's start (ms)."""
        now_ns = self.sim.clock.now_ns()
        self.sim.advance((MINUTE_MS * NS_PER_MS - now_ns % (MINUTE_MS * NS_PER_MS)) / 1e9 + 1)
        return self.sim.clock.now_ns() // NS_PER_MS // MINUTE_MS * MINUTE_MS


@pytest.fixture
async def bars_rig(simulator: SimulatorFactory) -> AsyncIterator[BarsRig]:  # noqa: F811
    async with simulator(parse_scenario(SCENARIO, name="bybit-adapter-bars.yaml")) as sim:
        sink = RecordingSink()
        clients = BybitAdapterFactory().create(endpoints(sim), None, sink, {"settle_coins": ("USDT",)})
        try:
            await clients.data.connect()
            yield BarsRig(sim, sink, clients.data)
        finally:
            await clients.data.disconnect()


async def venue_candles(sim: Simulator, start_ms: int, end_ms: int) -> dict[int, list[str]]:
    """The venue's 1-minute candles in ``[start_ms, end_ms]`` by start, straight from its REST
    kline route (pages of 1000, newest first), without the adapter."""
    rows: dict[int, list[str]] = {}
    cursor = end_ms
    async with aiohttp.ClientSession() as http:
        while cursor >= start_ms:
            query = {
                "category": "linear",
                "symbol": "BTCUSDT",
                "interval": "1",
                "start": str(start_ms),
                "end": str(cursor),
                "limit": "1000",
            }
            async with http.get(f"{sim.rest_url}/v5/market/kline", params=query) as reply:
                body = await reply.json()
            assert body["retCode"] == 0, body
            page = body["result"]["list"]
            if not page:
                break
            rows.update((int(row[0]), row) for row in page)
            cursor = min(int(row[0]) for row in page) - 1
    return rows


def same_candle(bar: Bar, row: list[str]) -> bool:
    """Whether ``bar`` is the venue's candle ``row`` (start, open, high, low, close, volume, ...)."""
    start, open_, high, low, close, volume = row[:6]
    return (
        bar.bar_type == BAR_TYPE
        and [p.as_decimal() for p in (bar.open, bar.high, bar.low, bar.close)]
        == [Decimal(open_), Decimal(high), Decimal(low), Decimal(close)]
        and bar.volume.as_decimal() == Decimal(volume)
        and bar.ts_event == (int(start) + MINUTE_MS) * NS_PER_MS
    )


async def test_closed_candles_stream_as_bars_equal_to_the_venue_candles(bars_rig: BarsRig) -> None:
    rig, sim = bars_rig, bars_rig.sim
    first_ms = rig.into_next_minute()
    mark = sim.journal.mark()
    await rig.data.subscribe_bars(BAR_TYPE)
    # The venue answers a kline subscription with the open candle: from then on it is subscribed.
    await sim.journal.wait_for(
        lambda e: isinstance(e, WsFrame) and e.direction == "out" and '"kline.1.BTCUSDT"' in e.text(),
        WAIT_S,
        since=mark,
    )
    for prices in STREAMED:
        for price in prices:
            rig.trade(price)
            sim.advance(1)  # the kline cadence pushes the still-open candle
        sim.advance(MINUTE_S - len(prices))  # past the close: the venue pushes it with confirm
    last_close_ns = (first_ms + len(STREAMED) * MINUTE_MS) * NS_PER_MS
    await rig.sink.wait_for(
        lambda r: isinstance(r.payload, Bar) and r.payload.ts_event == last_close_ns, WAIT_S
    )

    # Frames of one connection arrive in order, so every earlier kline push has been handled:
    # the open-candle pushes (confirm false) were sent, and none became a bar.
    pushes = [
        item
        for frame in sim.journal.ws_frames(direction="out", since_seq=mark)
        if '"kline.1.BTCUSDT"' in frame.text()
        for item in frame.json().get("data", [])
    ]
    assert any(not item["confirm"] for item in pushes), pushes
    assert sum(1 for item in pushes if item["confirm"]) == len(STREAMED)
    bars = rig.sink.of_type(Bar)
    assert [b.ts_event for b in bars] == [
        (first_ms + (i + 1) * MINUTE_MS) * NS_PER_MS for i in range(len(STREAMED))
    ]
    for bar, (open_, high, low, close) in zip(bars, STREAMED, strict=True):
        assert (str(bar.open), str(bar.high), str(bar.low), str(bar.close)) == (open_, high, low, close)
        assert bar.volume.as_decimal() == Decimal(QTY) * 4
        assert not bar.is_revision
    candles = await venue_candles(sim, first_ms, first_ms + len(STREAMED) * MINUTE_MS - 1)
    assert sorted(candles) == [first_ms + i * MINUTE_MS for i in range(len(STREAMED))]
    for bar, start in zip(bars, sorted(candles), strict=True):
        assert same_candle(bar, candles[start]), (bar, candles[start])


async def test_request_bars_pages_back_to_the_start_bound(bars_rig: BarsRig) -> None:
    rig, sim = bars_rig, bars_rig.sim
    first_ms = rig.into_next_minute()
    # 1,200 minutes of history: a trade every 100 minutes (distinct prices), flat candles between.
    for index in range(12):
        rig.trade(f"{100000 + 10 * index}.10")
        sim.advance(100 * MINUTE_S)
    rig.trade("100500.00")  # the still-open candle, above every closed one
    now_ms = sim.clock.now_ns() // NS_PER_MS
    # Bounds that cut both ends and hold more closed minutes than one page (1000) carries.
    start_ms, end_ms = first_ms + 30 * MINUTE_MS, first_ms + 1150 * MINUTE_MS - 1
    assert end_ms < now_ms
    correlation, mark = uuid.uuid4(), sim.journal.mark()
    await rig.data.request_bars(
        BAR_TYPE,
        correlation_id=correlation,
        start_ns=start_ms * NS_PER_MS,
        end_ns=end_ms * NS_PER_MS,
        limit=5000,
    )
    response = await rig.sink.wait_for_response(correlation, WAIT_S)

    gets = sim.journal.entries(HttpEntry, mark, HttpMatch("GET", "/v5/market/kline"))
    ends = [int(g.query_params()["end"]) for g in gets]
    assert len(gets) >= 2, "more than 1000 candles need a second page"
    assert ends[0] == end_ms and ends == sorted(ends, reverse=True) and len(set(ends)) == len(ends)
    assert all(int(g.query_params()["start"]) == start_ms for g in gets)
    assert all(int(g.query_params()["limit"]) <= 1000 for g in gets)

    assert response.correlation_id == correlation and response.data_type == "Bar"
    assert response.instrument_id == BAR_TYPE.instrument_id
    assert (response.start_ns, response.end_ns) == (start_ms * NS_PER_MS, end_ms * NS_PER_MS)
    bars: list[Bar] = list(response.data)
    expected_starts = list(range(start_ms, end_ms + 1 - MINUTE_MS + 1, MINUTE_MS))
    assert len(expected_starts) == 1120
    assert [b.ts_event // NS_PER_MS - MINUTE_MS for b in bars] == expected_starts
    candles = await venue_candles(sim, start_ms, end_ms)
    for bar in bars:
        start = bar.ts_event // NS_PER_MS - MINUTE_MS
        assert same_candle(bar, candles[start]), (bar, candles[start])
    # The traded minutes inside the bounds are there with their prices; the flat ones carry on.
    traded = {first_ms + 100 * i * MINUTE_MS: f"{100000 + 10 * i}.10" for i in range(12)}
    for bar in bars:
        start = bar.ts_event // NS_PER_MS - MINUTE_MS
        if start in traded:
            assert str(bar.open) == traded[start] and bar.volume.as_decimal() == Decimal(QTY)
    assert sum(1 for bar in bars if bar.volume) == sum(1 for s in traded if start_ms <= s <= end_ms)
