"""pybit's HTTP client through the recording proxy (the simulator upstream), then against the replay.

The same calls must get the same answers on replay as on record, and the cassette must hold no
API key, no secret and no signature the client sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pybit.unified_trading import HTTP

from simulator.cassette import NoRecordedMatch, load, validate_file
from simulator.scenario import parse_scenario
from simulator.server import Simulator
from simulator.server.cassette import CassetteServer
from simulator.testing import SimulatorFactory, simulator  # noqa: F401  (the fixture)

SCENARIO = """
version: 1
dialect: bybit
name: cassette
clock: {mode: real}
seed: 5
instruments:
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", min_notional: "5",
     last_price: "100000.10", mark_price: "100000.50", index_price: "100001.20", funding_rate: "0.0001"}
accounts:
  - id: trader
    balances: {USDT: "100000"}
    api_keys: [{key: CASSETTEKEY0001, secret: CASSETTESECRET000000000000000001}]
books:
  - {instrument: linear:BTCUSDT, generate: {levels: 5, qty: "0.05", qty_max: "1.5"}}
"""
DEADLINE_S = 10.0


async def call(method: Callable[..., Any], **params: Any) -> Any:
    return await asyncio.wait_for(asyncio.to_thread(method, **params), DEADLINE_S)


def pybit_session(url: str, key: str, secret: str) -> HTTP:
    http = HTTP(api_key=key, api_secret=secret, timeout=5)
    http.endpoint = url
    return http


async def session_calls(http: HTTP) -> list[Any]:
    """A signed session: market data, balance, an order placed, queried and cancelled."""
    answers = [
        await call(http.get_tickers, category="linear", symbol="BTCUSDT"),
        await call(http.get_wallet_balance, accountType="UNIFIED"),
    ]
    placed = await call(
        http.place_order,
        category="linear",
        symbol="BTCUSDT",
        side="Buy",
        orderType="Limit",
        qty="0.01",
        price="90000",
    )
    answers.append(placed)
    order_id = placed["result"]["orderId"]
    answers.append(await call(http.get_open_orders, category="linear", symbol="BTCUSDT"))
    answers.append(await call(http.cancel_order, category="linear", symbol="BTCUSDT", orderId=order_id))
    answers.append(await call(http.get_open_orders, category="linear", symbol="BTCUSDT"))
    return answers


async def record(sim: Simulator, path: Path) -> list[Any]:
    creds = sim.credentials
    assert creds is not None
    async with CassetteServer(path, mode="all", upstream_rest=sim.rest_url) as proxy:
        http = pybit_session(proxy.rest_url, creds.api_key, creds.api_secret)
        try:
            return await session_calls(http)
        finally:
            http.client.close()


async def test_pybit_sees_the_same_answers_on_replay(simulator: SimulatorFactory, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "pybit.jsonl"
    async with simulator(parse_scenario(SCENARIO, name="cassette.yaml")) as sim:
        recorded = await record(sim, path)
        assert len(sim.journal.http()) == len(recorded)  # every call reached the venue
    assert validate_file(path) == len(recorded) + 1
    async with CassetteServer(path, mode="none") as replay:
        # Another key: the replay ignores credentials, timestamps and signatures.
        http = pybit_session(replay.rest_url, "OTHERKEY0002", "OTHERSECRET0000000000000000000002")
        try:
            replayed = await session_calls(http)
        finally:
            http.client.close()
        assert replay.stats["rest_replayed"] == len(recorded)
    for got, want in zip(replayed, recorded, strict=True):
        assert got == want
    assert recorded[3]["result"]["list"] and not recorded[5]["result"]["list"]  # the state moved


async def test_no_key_secret_or_signature_reaches_the_cassette(
    simulator: SimulatorFactory,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "signed.jsonl"
    async with simulator(parse_scenario(SCENARIO, name="cassette.yaml")) as sim:
        await record(sim, path)
        signatures = [entry.header("X-BAPI-SIGN") for entry in sim.journal.http()]
        keys = {entry.header("X-BAPI-API-KEY") for entry in sim.journal.http()}
    signatures = [sign for sign in signatures if sign]
    assert len(signatures) == 5 and keys >= {"CASSETTEKEY0001"}
    data = path.read_bytes()
    assert b"CASSETTEKEY0001" not in data
    assert b"CASSETTESECRET000000000000000001" not in data
    for sign in signatures:
        assert sign.encode() not in data
    assert b"SCRUBBED" in data  # the headers are still there, their values replaced


async def test_an_unmatched_request_names_the_closest_recording(
    simulator: SimulatorFactory,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "one.jsonl"
    async with simulator(parse_scenario(SCENARIO, name="cassette.yaml")) as sim:
        await record(sim, path)
    replay = CassetteServer(path, mode="none")
    async with replay, aiohttp.ClientSession() as client:
        url = f"{replay.rest_url}/v5/market/tickers?category=linear&symbol=ETHUSDT"
        async with client.get(url) as answer:
            assert answer.status == 500
            body = await answer.json()
        with pytest.raises(NoRecordedMatch) as caught:
            replay.check()
    assert "symbol: got 'ETHUSDT', recorded 'BTCUSDT'" in body["venuekit_replay_error"]
    assert caught.value.closest == "GET /v5/market/tickers (category=linear&symbol=BTCUSDT)"


async def test_new_episodes_forwards_and_appends_only_what_is_new(
    simulator: SimulatorFactory,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "episodes.jsonl"
    async with simulator(parse_scenario(SCENARIO, name="cassette.yaml")) as sim:
        await record(sim, path)
        before = len(load(path).events)
        seen = len(sim.journal.http())
        server = CassetteServer(path, mode="new_episodes", upstream_rest=sim.rest_url)
        async with server, aiohttp.ClientSession() as client:
            for query in ("category=linear&symbol=BTCUSDT", "category=linear"):
                async with client.get(f"{server.rest_url}/v5/market/tickers?{query}") as answer:
                    assert answer.status == 200
            # Asked again, the new episode is now answered from the cassette.
            async with client.get(f"{server.rest_url}/v5/market/tickers?category=linear") as answer:
                assert answer.status == 200
        assert server.stats == {"rest_replayed": 2, "rest_forwarded": 1, "ws_replayed": 0, "ws_forwarded": 0}
        assert len(sim.journal.http()) == seen + 1
    assert len(load(path).events) == before + 1


async def test_simulator_records_its_own_sessions(tmp_path: Path) -> None:
    path = tmp_path / "sim.jsonl"
    async with Simulator(parse_scenario(SCENARIO, name="cassette.yaml"), record=path) as sim:
        creds = sim.credentials
        assert creds is not None
        http = pybit_session(sim.rest_url, creds.api_key, creds.api_secret)
        try:
            answer = await call(http.get_wallet_balance, accountType="UNIFIED")
        finally:
            http.client.close()
    cassette = load(path)
    assert cassette.header["source"] == "simulator"
    (event,) = cassette.of_type("http")
    assert event["path"] == "/v5/account/wallet-balance"
    assert b"CASSETTEKEY0001" not in path.read_bytes()
    async with CassetteServer(path, mode="none") as replay:
        http = pybit_session(replay.rest_url, "K0000000001", "S0000000001")
        try:
            assert await call(http.get_wallet_balance, accountType="UNIFIED") == answer
        finally:
            http.client.close()
