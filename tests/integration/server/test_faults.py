"""Every REST fault kind, seen both by a client over a real socket and in the journal."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp
import orjson
import pytest
from aiohttp import ClientSession

from simulator.scenario import Scenario
from simulator.server import (
    ClockSkew,
    Delay,
    FaultState,
    HttpMatch,
    HttpStatus,
    MalformedBody,
    RateLimit,
    ResetConnection,
    RetCode,
    Simulator,
    Stall,
    TruncatedBody,
)
from simulator.server.journal import FaultEntry, FaultPhase

ALICE = {"X-Fake-Key": "alice-key"}
BOB = {"X-Fake-Key": "bob-key"}
ORDER = {"side": "buy", "qty": "0.01", "price": "29000"}


async def _get(client: ClientSession, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    async with client.get(url, headers=headers) as response:
        return response.status, await response.read()


async def _order(client: ClientSession, sim: Simulator) -> tuple[int, bytes]:
    async with client.post(f"{sim.rest_url}/fake/private/order", json=ORDER, headers=ALICE) as response:
        return response.status, await response.read()


async def test_http_status_answers_instead_of_the_venue(sim: Simulator, client: ClientSession) -> None:
    fault = sim.faults.arm(HttpStatus(503), route="/fake/private/order", name="gateway")
    assert await _order(client, sim) == (503, b"Service Unavailable")
    assert sim.exchange.open_orders("alice") == []  # the venue never saw it
    entry = sim.journal.assert_http("POST", "/fake/private/order", status=503, fault="gateway", count=1)[0]
    assert entry.auth == "none" and entry.response_body == b"Service Unavailable"
    assert entry.account_id == "alice"  # the key's account (unverified: auth never ran)
    assert [e.phase for e in sim.journal.faults("gateway")] == [FaultPhase.ARMED, FaultPhase.FIRED]
    assert (fault.fired, fault.state) == (1, FaultState.EXHAUSTED)
    status, _ = await _order(client, sim)  # one-shot: the next one reaches the venue
    assert status == 200 and len(sim.exchange.open_orders("alice")) == 1


async def test_ret_code_answers_with_the_venue_error(sim: Simulator, client: ClientSession) -> None:
    sim.faults.arm(RetCode(10016, "Server error."), route="/fake/time")
    status, body = await _get(client, f"{sim.rest_url}/fake/time")
    assert status == 200
    assert orjson.loads(body)["code"] == 10016 and orjson.loads(body)["msg"] == "Server error."
    sim.journal.assert_http("GET", "/fake/time", json=None, status=200, where=lambda e: e.fault is not None)


async def test_rate_limit_storm_for_n_calls_with_a_future_reset(
    sim: Simulator, client: ClientSession
) -> None:
    fault = sim.faults.arm(RateLimit(reset_ms=1500), route="/fake/time", times=3)
    now = sim.now_ms()
    for _ in range(3):
        async with client.get(f"{sim.rest_url}/fake/time") as response:
            assert (await response.json())["code"] == 429
            assert int(response.headers["X-Reset"]) >= now + 1500
    status, body = await _get(client, f"{sim.rest_url}/fake/time")
    assert status == 200 and orjson.loads(body)["code"] == 0
    assert fault.fired == 3 and fault.state is FaultState.EXHAUSTED
    assert len(sim.journal.faults(fault.name, phase=FaultPhase.FIRED)) == 3


async def test_nth_times_route_pattern_and_account_select_requests(
    sim: Simulator, client: ClientSession
) -> None:
    sim.faults.arm(HttpStatus(502), route="/fake/private/*", account="alice", method="get", nth=2, times=2)
    url = f"{sim.rest_url}/fake/private/balance"
    statuses = [(await _get(client, url, ALICE))[0] for _ in range(4)]
    assert statuses == [200, 502, 502, 200]
    assert (await _get(client, url, BOB))[0] == 200  # bob's requests do not match
    async with client.post(url, headers=ALICE) as response:  # nor do POSTs
        assert response.status == 200


async def test_persistent_fires_until_cleared(sim: Simulator, client: ClientSession) -> None:
    fault = sim.faults.arm(HttpStatus(500), route="/fake/time", persistent=True)
    for _ in range(3):
        assert (await _get(client, f"{sim.rest_url}/fake/time"))[0] == 500
    sim.faults.clear(fault.name)
    assert (await _get(client, f"{sim.rest_url}/fake/time"))[0] == 200
    assert fault.state is FaultState.CLEARED and fault.fired == 3
    assert sim.journal.faults(fault.name, phase=FaultPhase.CLEARED)


async def test_delay_holds_the_request_in_wall_time(sim: Simulator, client: ClientSession) -> None:
    sim.faults.arm(Delay(0.2), route="/fake/time", name="slow")
    assert (await _get(client, f"{sim.rest_url}/fake/time"))[0] == 200
    (entry,) = sim.journal.http("/fake/time")
    assert entry.fault == "slow" and entry.duration_ns >= 200_000_000


async def test_delay_in_venue_time_waits_for_the_virtual_clock(sim: Simulator, client: ClientSession) -> None:
    sim.faults.arm(Delay(5, clock="venue"), route="/fake/private/order", name="late")  # type: ignore[arg-type]
    held = asyncio.create_task(_order(client, sim))
    await sim.journal.wait_for(lambda e: isinstance(e, FaultEntry) and e.phase == "fired", timeout=5)
    assert (await _get(client, f"{sim.rest_url}/fake/time"))[0] == 200  # a barrier: others are served
    sim.advance(4)
    assert (await _get(client, f"{sim.rest_url}/fake/time"))[0] == 200
    assert not held.done() and sim.exchange.open_orders("alice") == []
    sim.advance(1)
    assert (await asyncio.wait_for(held, 5))[0] == 200
    assert len(sim.exchange.open_orders("alice")) == 1


async def test_delay_of_the_response_lets_the_venue_act_first(sim: Simulator, client: ClientSession) -> None:
    sim.faults.arm(Delay(60, phase="response", clock="venue"), route="/fake/private/order")  # type: ignore[arg-type]
    held = asyncio.create_task(_order(client, sim))
    await sim.journal.wait_for(lambda e: isinstance(e, FaultEntry) and e.phase == "fired", timeout=5)
    assert (await _get(client, f"{sim.rest_url}/fake/time"))[0] == 200
    assert len(sim.exchange.open_orders("alice")) == 1 and not held.done()
    sim.advance(60)
    assert (await asyncio.wait_for(held, 5))[0] == 200


async def test_stall_beyond_the_client_timeout_then_released(sim: Simulator, client: ClientSession) -> None:
    fault = sim.faults.arm(Stall(), route="/fake/private/order", name="stuck")
    timeout = aiohttp.ClientTimeout(total=0.3)
    with pytest.raises(asyncio.TimeoutError):
        async with client.post(
            f"{sim.rest_url}/fake/private/order", json=ORDER, headers=ALICE, timeout=timeout
        ) as response:
            await response.read()
    assert sim.exchange.open_orders("alice") == []  # still held: the venue has not seen it
    mark = sim.journal.mark()
    fault.clear()
    # Released: the venue acts on it although the client gave up (the "unknown outcome" case).
    entry = await sim.journal.wait_for(HttpMatch("POST", "/fake/private/order"), timeout=5, since=mark)
    assert entry.fault == "stuck" and entry.status == 200
    assert len(sim.exchange.open_orders("alice")) == 1


async def test_a_stalled_request_ends_unanswered_when_the_simulator_stops(
    dialect: object, make_scenario: Callable[..., Scenario], client: ClientSession
) -> None:
    async with Simulator(make_scenario(), dialect=dialect) as sim:  # type: ignore[arg-type]
        sim.faults.arm(Stall(), route="/fake/time", name="stuck")
        held = asyncio.create_task(_get(client, f"{sim.rest_url}/fake/time"))
        await sim.journal.wait_for(lambda e: isinstance(e, FaultEntry) and e.phase == "fired", timeout=5)
    with pytest.raises(aiohttp.ClientError):
        await asyncio.wait_for(held, 5)
    (entry,) = sim.journal.http("/fake/time")
    assert entry.status == 0 and entry.fault == "stuck"


async def test_reset_connection_before_the_venue(sim: Simulator, client: ClientSession) -> None:
    sim.faults.arm(ResetConnection(), route="/fake/private/order", name="rst")
    with pytest.raises(aiohttp.ClientOSError):
        await _order(client, sim)
    assert sim.exchange.open_orders("alice") == []
    (entry,) = sim.journal.http("/fake/private/order")
    assert (entry.status, entry.response_body, entry.fault) == (0, b"", "rst")


async def test_reset_connection_after_the_venue_acted(sim: Simulator, client: ClientSession) -> None:
    sim.faults.arm(ResetConnection(phase="response"), route="/fake/private/order")  # type: ignore[arg-type]
    with pytest.raises(aiohttp.ClientOSError):
        await _order(client, sim)
    assert len(sim.exchange.open_orders("alice")) == 1
    (entry,) = sim.journal.http("/fake/private/order")
    assert entry.status == 0 and entry.auth == "ok"


async def test_malformed_body(sim: Simulator, client: ClientSession) -> None:
    sim.faults.arm(MalformedBody(), route="/fake/time")
    status, body = await _get(client, f"{sim.rest_url}/fake/time")
    assert status == 200
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(body)
    assert sim.journal.http("/fake/time")[0].response_body == body
    sim.faults.arm(MalformedBody("<html>oops</html>"), route="/fake/time")
    assert (await _get(client, f"{sim.rest_url}/fake/time"))[1] == b"<html>oops</html>"


async def test_truncated_body(sim: Simulator, client: ClientSession) -> None:
    sim.faults.arm(TruncatedBody(keep=5), route="/fake/time", name="cut")
    with pytest.raises(aiohttp.ClientPayloadError):
        await _get(client, f"{sim.rest_url}/fake/time")
    (entry,) = sim.journal.http("/fake/time")
    assert entry.response_body == b'{"cod' and entry.fault == "cut"
    assert (await _get(client, f"{sim.rest_url}/fake/time"))[0] == 200  # the server keeps serving


async def test_clock_skew_moves_the_time_clients_see(sim: Simulator, client: ClientSession) -> None:
    before = orjson.loads((await _get(client, f"{sim.rest_url}/fake/time"))[1])["time"]
    fault = sim.faults.arm(ClockSkew(-30))
    skewed = orjson.loads((await _get(client, f"{sim.rest_url}/fake/time"))[1])["time"]
    assert skewed == before - 30_000  # a virtual clock: exact
    assert sim.journal.faults(fault.name, phase=FaultPhase.FIRED)
    fault.clear()
    assert orjson.loads((await _get(client, f"{sim.rest_url}/fake/time"))[1])["time"] == before
    assert sim.exchange.clock.now_ns() // 1_000_000 == before  # the venue clock itself never moved


async def test_scenario_faults_are_armed_at_start_and_after(
    dialect: object, make_scenario: Callable[..., Scenario], client: ClientSession
) -> None:
    extra = """
faults:
  - name: later
    match: {channel: http, route: /fake/time, after: 10s}
    action: {kind: http_status, status: 504}
  - match: {channel: ws, role: public, topic: orderbook.50.BTCUSDT, persistent: true}
    action: {kind: delay, seconds: 0.25}
"""
    async with Simulator(make_scenario(extra=extra), dialect=dialect) as sim:  # type: ignore[arg-type]
        armed = sim.journal.faults(phase=FaultPhase.ARMED)
        assert [e.name for e in armed] == ["later", "delay-1"]
        assert "(by scenario)" in armed[0].description
        assert (await _get(client, f"{sim.rest_url}/fake/time"))[0] == 200
        sim.advance(10)
        assert (await _get(client, f"{sim.rest_url}/fake/time"))[0] == 504
        ws_rule = sim.faults.get("delay-1")
        assert ws_rule.match.channel == "ws" and ws_rule.fired == 0  # kept for the WebSocket side


async def test_a_request_held_across_a_reset_never_reaches_the_new_venue(
    sim: Simulator, client: ClientSession
) -> None:
    sim.faults.arm(Stall(), route="/fake/private/order")
    held = asyncio.create_task(_order(client, sim))
    await sim.journal.wait_for(lambda e: isinstance(e, FaultEntry) and e.phase == "fired", timeout=5)
    sim.reset()  # clears the fault, which releases the request: it must not land on the fresh venue
    with pytest.raises(aiohttp.ClientError):
        await asyncio.wait_for(held, 5)
    assert sim.exchange.open_orders("alice") == []
    (entry,) = sim.journal.http("/fake/private/order")
    assert entry.status == 0
