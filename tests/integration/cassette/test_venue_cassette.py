"""The ``venue_cassette`` fixture: the first use records from the upstream, the next replays without it."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from simulator.scenario import parse_scenario
from simulator.server.cassette.plugin import CassetteFactory, venue_cassette  # noqa: F401  (the fixture)
from simulator.testing import SimulatorFactory, simulator  # noqa: F401  (the fixture)

SCENARIO = """
version: 1
dialect: bybit
name: fixture
clock: {mode: real}
seed: 3
instruments:
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", min_notional: "5", last_price: "100000.10"}
"""


async def get(url: str) -> bytes:
    async with aiohttp.ClientSession() as client, client.get(url) as answer:
        assert answer.status == 200
        return await answer.read()


async def test_records_on_first_use_and_replays_after(
    venue_cassette: CassetteFactory,  # noqa: F811
    simulator: SimulatorFactory,  # noqa: F811
    tmp_path: Path,
) -> None:
    query = "/v5/market/tickers?category=linear&symbol=BTCUSDT"
    async with simulator(parse_scenario(SCENARIO, name="fixture.yaml")) as sim:
        first = venue_cassette("tickers", directory=tmp_path, upstream_rest=sim.rest_url)
        assert first.mode == "all"
        async with first:
            recorded = await get(first.rest_url + query)
        assert len(sim.journal.http()) == 1
        again = venue_cassette("tickers", directory=tmp_path, upstream_rest=sim.rest_url)
        assert again.mode == "none"
        async with again:
            assert await get(again.rest_url + query) == recorded
        assert len(sim.journal.http()) == 1  # the second run never reached the venue
    assert (tmp_path / "tickers.jsonl").exists()
