"""The Bybit dialect served for real: aiohttp client → simulator → BybitRestApi → core, and back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import ClientSession

from simulator.dialects.bybit.auth import rest_auth_headers
from simulator.scenario import parse_scenario
from simulator.server import ClockSkew, HttpMatch, RateLimit, RetCode, Simulator
from simulator.server.journal import AuthVerdict

MINIMAL = Path(__file__).resolve().parents[3] / "scenarios" / "examples" / "minimal.yaml"


@pytest.fixture
async def bybit() -> AsyncIterator[Simulator]:
    async with Simulator(MINIMAL, validate_responses=True) as simulator:
        yield simulator


def _signed(sim: Simulator, payload: str | bytes, timestamp_ms: int | None = None) -> dict[str, str]:
    creds = sim.credentials
    assert creds is not None
    stamp = sim.now_ms() if timestamp_ms is None else timestamp_ms
    return rest_auth_headers(creds.api_key, creds.api_secret, stamp, payload)


async def _get(
    client: ClientSession, sim: Simulator, path: str, query: str = "", signed: bool = False
) -> Any:
    headers = _signed(sim, query) if signed else None
    url = f"{sim.rest_url}{path}" + (f"?{query}" if query else "")
    async with client.get(url, headers=headers) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        return await response.json()


async def test_market_time(bybit: Simulator, client: ClientSession) -> None:
    answer = await _get(client, bybit, "/v5/market/time")
    assert answer["retCode"] == 0 and answer["time"] == bybit.now_ms()
    assert answer["result"]["timeSecond"] == str(bybit.now_ms() // 1000)


async def test_instruments_info(bybit: Simulator, client: ClientSession) -> None:
    answer = await _get(client, bybit, "/v5/market/instruments-info", "category=linear")
    assert answer["retCode"] == 0
    assert [item["symbol"] for item in answer["result"]["list"]] == ["BTCUSDT"]


async def test_signed_wallet_balance_is_journalled_with_the_account(
    bybit: Simulator, client: ClientSession
) -> None:
    answer = await _get(client, bybit, "/v5/account/wallet-balance", "accountType=UNIFIED", signed=True)
    assert answer["retCode"] == 0
    coins = {c["coin"]: c for c in answer["result"]["list"][0]["coin"]}
    assert coins["USDT"]["walletBalance"].startswith("10000")
    (entry,) = bybit.journal.http("/v5/account/wallet-balance")
    assert (entry.auth, entry.account_id) == (AuthVerdict.OK, "alice")
    assert entry.quota_keys == ("account/wallet-balance",)
    assert entry.response_header("X-Bapi-Limit") is not None


async def test_order_create_rests_the_order_in_the_venue(bybit: Simulator, client: ClientSession) -> None:
    body = orjson.dumps(
        {
            "category": "linear",
            "symbol": "BTCUSDT",
            "side": "Buy",
            "orderType": "Limit",
            "qty": "0.01",
            "price": "28000",
        }
    )
    async with client.post(
        f"{bybit.rest_url}/v5/order/create", data=body, headers=_signed(bybit, body)
    ) as response:
        answer = await response.json()
    assert answer["retCode"] == 0, answer
    order_id = answer["result"]["orderId"]
    assert order_id in {view.order_id for view in bybit.exchange.open_orders("alice")}
    entry = bybit.journal.assert_http("POST", "/v5/order/create", auth="ok", account_id="alice", count=1)[0]
    assert entry.body == body and entry.quota_keys == ("order/create:linear",)


async def test_a_bad_signature_and_an_unknown_route(bybit: Simulator, client: ClientSession) -> None:
    headers = _signed(bybit, "accountType=UNIFIED")
    headers["X-BAPI-SIGN"] = "0" * 64
    async with client.get(
        f"{bybit.rest_url}/v5/account/wallet-balance?accountType=UNIFIED", headers=headers
    ) as r:
        assert (await r.json())["retCode"] == 10004
    assert bybit.journal.http("/v5/account/wallet-balance")[0].auth == AuthVerdict.BAD_SIGNATURE
    assert (await _get(client, bybit, "/v5/nowhere"))["retCode"] == 10017


async def test_faults_answer_in_the_venue_s_words(bybit: Simulator, client: ClientSession) -> None:
    bybit.faults.arm(RetCode(10016), route="/v5/market/time")
    answer = await _get(client, bybit, "/v5/market/time")
    assert (answer["retCode"], answer["retMsg"], answer["result"]) == (10016, "Server error.", {})
    bybit.faults.arm(RateLimit(reset_ms=2000), route="/v5/market/tickers")
    async with client.get(f"{bybit.rest_url}/v5/market/tickers?category=linear") as response:
        answer = await response.json()
        reset = int(response.headers["X-Bapi-Limit-Reset-Timestamp"])
    assert answer["retCode"] == 10006 and reset == bybit.now_ms() + 2000
    assert response.headers["X-Bapi-Limit-Status"] == "0"


async def test_clock_skew_moves_server_time_and_the_recv_window(
    bybit: Simulator, client: ClientSession
) -> None:
    honest = bybit.now_ms()
    bybit.faults.arm(ClockSkew(10))
    assert (await _get(client, bybit, "/v5/market/time"))["time"] == honest + 10_000
    # A client that signs with its own (unskewed) clock is now 10 s behind the venue: stale.
    headers = _signed(bybit, "accountType=UNIFIED", timestamp_ms=honest)
    async with client.get(
        f"{bybit.rest_url}/v5/account/wallet-balance?accountType=UNIFIED", headers=headers
    ) as r:
        assert (await r.json())["retCode"] == 10002
    await bybit.journal.wait_for(
        HttpMatch(path="/v5/account/wallet-balance", auth="stale_timestamp"), timeout=1
    )


async def test_the_default_scenario_serves(client: ClientSession) -> None:
    async with Simulator(validate_responses=True) as sim:
        assert sim.credentials is not None and sim.credentials.api_key == "VENUEKITDEMOKEY001"
        assert not sim.is_virtual
        answer = await _get(client, sim, "/v5/account/wallet-balance", "accountType=UNIFIED", signed=True)
        assert answer["retCode"] == 0
        assert sim.journal.http()[0].account_id == "demo"


async def test_api_key_override_replaces_the_demo_key(client: ClientSession) -> None:
    async with Simulator(MINIMAL, api_key="mine", api_secret="shh", validate_responses=True) as sim:
        assert (sim.credentials.api_key, sim.credentials.account_id) == ("mine", "alice")  # type: ignore[union-attr]
        answer = await _get(client, sim, "/v5/account/wallet-balance", "accountType=UNIFIED", signed=True)
        assert answer["retCode"] == 0
        old = rest_auth_headers("alice-key", "alice-secret", sim.now_ms(), "accountType=UNIFIED")
        async with client.get(
            f"{sim.rest_url}/v5/account/wallet-balance?accountType=UNIFIED", headers=old
        ) as r:
            assert (await r.json())["retCode"] == 10003


async def test_the_per_ip_limit_answers_403_when_a_scenario_turns_it_on(client: ClientSession) -> None:
    text = MINIMAL.read_text().replace("seed: 7", "seed: 7\nlimits: {ip: 3}")
    async with Simulator(parse_scenario(text, name="ip-limit"), validate_responses=True) as sim:
        statuses = []
        for _ in range(4):
            async with client.get(f"{sim.rest_url}/v5/market/time") as response:
                statuses.append(response.status)
                body = await response.read()
        # Three requests fit in the 5 s window; the fourth from the same address is refused as Bybit
        # refuses it: HTTP 403 with a plain-text body.
        assert statuses == [200, 200, 200, 403]
        assert b"access too frequent" in body.lower()
        assert [e.status for e in sim.journal.http(path="/v5/market/time")] == statuses
