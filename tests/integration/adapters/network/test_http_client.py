"""HttpClient against a small aiohttp server on a real socket: retries, Retry-After, error mapping,
pacing, signing and timeouts. Backoffs run on a virtual clock, so nothing sleeps for real."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

import orjson
import pytest
from aiohttp import web

from adapters.contract.errors import (
    AdapterError,
    RateLimited,
    RetryableTransportError,
    VenueError,
    is_resendable,
)
from adapters.network.clock import VirtualClock
from adapters.network.http import HttpClient, HttpResponse
from adapters.network.quota import Quota, RateLimiter
from adapters.network.retry import RetryManager, RetryPolicy, retry_after_from_reset_ms


@dataclass
class Venue:
    """Scripted answers: the next ``faults`` requests to /flaky get ``fault``; then 200."""

    clock: VirtualClock
    fault: str = "503"
    faults: int = 0
    hits: list[float] = field(default_factory=list)
    seen: list[web.Request] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    url: str = ""


VENUE: web.AppKey[Venue] = web.AppKey("venue", Venue)


async def _flaky(request: web.Request) -> web.StreamResponse:
    venue = request.app[VENUE]
    venue.hits.append(venue.clock.now())
    if venue.faults > 0:
        venue.faults -= 1
        if venue.fault == "503":
            return web.Response(status=503, text="Service Unavailable")
        if venue.fault == "429":
            return web.Response(status=429, text="slow down", headers={"Retry-After": "2"})
        if venue.fault == "reset":
            assert request.transport is not None
            request.transport.abort()
            return web.Response()
        if venue.fault == "10006":
            reset_ms = 1_700_000_000_000 + 1_500
            body = {"retCode": 10006, "retMsg": "Too many visits!", "result": {}, "time": 1}
            return web.json_response(body, headers={"X-Bapi-Limit-Reset-Timestamp": str(reset_ms)})
    return web.json_response({"retCode": 0, "retMsg": "OK", "result": {"n": len(venue.hits)}})


async def _bad(request: web.Request) -> web.Response:
    request.app[VENUE].hits.append(0.0)
    return web.Response(status=400, text='{"code":"10001","msg":"params error"}')


async def _stall(request: web.Request) -> web.Response:
    await asyncio.Event().wait()  # never answers; the client's timeout must fire
    raise AssertionError("unreachable")


async def _echo(request: web.Request) -> web.Response:
    venue = request.app[VENUE]
    venue.seen.append(request)
    venue.bodies.append(await request.read())
    return web.json_response({"retCode": 0})


@pytest.fixture
async def venue() -> AsyncIterator[Venue]:
    app = web.Application()
    state = Venue(clock=VirtualClock())
    app[VENUE] = state
    app.router.add_route("*", "/flaky", _flaky)
    app.router.add_get("/bad", _bad)
    app.router.add_get("/stall", _stall)
    app.router.add_route("*", "/echo", _echo)
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


def bybit_classify(response: HttpResponse) -> AdapterError | None:
    """What a Bybit adapter plugs in: HTTP 200 + retCode 10006 is a rate limit until the reset."""
    if response.status != 200:
        return None
    body = response.json()
    if body.get("retCode") == 10006:
        hint = retry_after_from_reset_ms(
            response.headers.get("X-Bapi-Limit-Reset-Timestamp"), now_ms=1_700_000_000_000
        )
        return RateLimited(body["retMsg"], retry_after_s=hint, code=10006)
    return None


def _client(venue: Venue, *, max_retries: int = 3, **kwargs: object) -> HttpClient:
    retry = RetryManager(
        RetryPolicy(max_retries=max_retries, initial_delay_s=0.5, max_delay_s=4.0, jitter=0.2),
        rng=random.Random(3),
        sleeper=venue.clock.sleep,
    )
    return HttpClient(venue.url, retry=retry, classify=bybit_classify, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("fault", ["503", "429", "reset", "10006"])
@pytest.mark.parametrize(("faults", "retries"), [(2, 3), (3, 3), (4, 3)])
async def test_retryable_faults_are_retried_min_k_r_plus_one_times(
    venue: Venue, fault: str, faults: int, retries: int
) -> None:
    venue.fault, venue.faults = fault, faults
    async with _client(venue, max_retries=retries) as client:
        if faults <= retries:
            response = await client.request("GET", "/flaky")
            assert response.json()["result"]["n"] == faults + 1
        else:
            with pytest.raises((RetryableTransportError, RateLimited)):
                await client.request("GET", "/flaky")
        assert len(venue.hits) == min(faults, retries) + 1
        assert client.retry is not None and client.retry.attempts == len(venue.hits)
        gaps = [b - a for a, b in zip(venue.hits, venue.hits[1:], strict=False)]
        # Spacing measured on the clock the client sleeps on: at least the exponential backoff...
        for gap, base in zip(gaps, [0.5, 1.0, 2.0], strict=False):
            assert gap >= base
        # ...and at least the venue's hint when it gave one (Retry-After: 2, reset in 1.5 s).
        hint = {"429": 2.0, "10006": 1.5}.get(fault, 0.0)
        assert all(gap >= hint for gap in gaps)


async def test_4xx_is_a_venue_error_and_not_retried(venue: Venue) -> None:
    async with _client(venue) as client:
        with pytest.raises(VenueError) as info:
            await client.request("GET", "/bad")
    assert info.value.http_status == 400 and "params error" in info.value.message
    assert len(venue.hits) == 1


async def test_non_idempotent_request_is_sent_once(venue: Venue) -> None:
    venue.faults = 2
    async with _client(venue) as client:
        with pytest.raises(RetryableTransportError) as info:
            await client.request("POST", "/flaky", json={"a": 1}, retry=False)
    assert info.value.http_status == 503 and len(venue.hits) == 1


async def test_stalled_answer_times_out_as_retryable(venue: Venue) -> None:
    async with HttpClient(venue.url, timeout_s=0.05) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(RetryableTransportError, match="timed out"):
            await client.request("GET", "/stall")
        assert loop.time() - started < 5.0


async def test_refused_port_is_a_transport_error() -> None:
    # Bind then close a socket: nothing listens on that port any more.
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    async with HttpClient(f"http://127.0.0.1:{port}") as client:
        with pytest.raises(RetryableTransportError, match="failed"):
            await client.request("GET", "/x")


async def test_requests_are_paced_by_their_quota_keys(venue: Venue) -> None:
    clock = venue.clock
    limiter = RateLimiter(
        {"bybit:global": Quota.per_second(4), "bybit:/flaky": Quota.per_second(2)},
        clock=clock.now,
        sleeper=clock.sleep,
    )
    async with HttpClient(venue.url, limiter=limiter, default_keys=["bybit:global"]) as client:
        # One after another, so the venue's reading of the virtual clock is each request's slot.
        for _ in range(6):
            await client.request("GET", "/flaky", keys=["bybit:/flaky"])
        for _ in range(4):
            await client.request("GET", "/echo")
    flaky = venue.hits
    assert len(flaky) == 6
    assert max(sum(1 for u in flaky if t <= u < t + 1.0) for t in flaky) == 2
    assert flaky[-1] - flaky[0] == pytest.approx(2.0)
    # /echo only counts against the global key (4/s), which the 6 earlier requests still fill.
    assert limiter.waited_s[6:] == [pytest.approx(0.0), 0.0, pytest.approx(1.0), 0.0]


async def test_signer_sees_the_exact_bytes_sent_and_runs_per_attempt(venue: Venue) -> None:
    signed: list[tuple[str, str, str, bytes]] = []

    def sign(method: str, path: str, query: str, body: bytes, headers: Mapping[str, str]) -> dict[str, str]:
        signed.append((method, path, query, body))
        return {**headers, "X-Sig": f"{len(signed)}:{query}:{body.decode()}"}

    async with _client(venue) as client:
        await client.request(
            "POST",
            "/echo",
            params={"category": "linear", "symbol": "BTCUSDT", "cursor": "a=b", "skip": None, "x": True},
            json={"side": "Buy", "qty": "0.01"},
            sign=sign,
        )
    request = venue.seen[0]
    assert request.query_string == "category=linear&symbol=BTCUSDT&cursor=a%3Db&x=true"
    assert venue.bodies[0] == orjson.dumps({"side": "Buy", "qty": "0.01"})
    assert request.headers["X-Sig"] == f"1:{request.query_string}:{venue.bodies[0].decode()}"
    assert request.headers["Content-Type"] == "application/json"
    assert signed == [("POST", "/echo", request.query_string, venue.bodies[0])]


async def test_each_retry_is_signed_afresh(venue: Venue) -> None:
    venue.faults = 2
    calls: list[int] = []

    def sign(method: str, path: str, query: str, body: bytes, headers: Mapping[str, str]) -> dict[str, str]:
        calls.append(len(calls))
        return dict(headers)

    async with _client(venue) as client:
        await client.request("GET", "/flaky", sign=sign)
    assert calls == [0, 1, 2]


async def test_closed_client_refuses_with_a_fix(venue: Venue) -> None:
    client = HttpClient(venue.url)
    await client.close()
    with pytest.raises(AdapterError, match="create a new client"):
        await client.request("GET", "/echo")


@pytest.mark.parametrize(("fault", "hits"), [("503", 1), ("reset", 1), ("429", 2), ("10006", 2)])
async def test_resendable_only_retries_what_provably_did_not_act(venue: Venue, fault: str, hits: int) -> None:
    # Order entry's rule: a 5xx or a reset may come after the venue acted (sent once, raised);
    # a rate limit is the venue refusing unprocessed (sent again).
    venue.fault, venue.faults = fault, 1
    async with _client(venue) as client:
        if hits == 1:
            with pytest.raises(RetryableTransportError) as info:
                await client.request("POST", "/flaky", json={"a": 1}, retry=is_resendable)
            assert not info.value.not_processed
        else:
            await client.request("POST", "/flaky", json={"a": 1}, retry=is_resendable)
    assert len(venue.hits) == hits


async def test_refused_connection_is_marked_not_processed_and_resent() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    clock = VirtualClock()
    retry = RetryManager(RetryPolicy(max_retries=2), rng=random.Random(1), sleeper=clock.sleep)
    async with HttpClient(f"http://127.0.0.1:{port}", retry=retry) as client:
        with pytest.raises(RetryableTransportError) as info:
            await client.request("POST", "/x", json={"a": 1}, retry=is_resendable)
    assert info.value.not_processed and retry.attempts == 3
