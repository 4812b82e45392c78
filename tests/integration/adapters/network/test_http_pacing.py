"""HttpClient pacing by answer time, against a real aiohttp server: a request holds its quota place
until its answer arrives (or the attempt fails), so the next one waits a window after the answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from adapters.contract.errors import RetryableTransportError
from adapters.network.clock import VirtualClock
from adapters.network.http import HttpClient
from adapters.network.quota import Quota, RateLimiter

DEADLINE = 10.0


@dataclass
class SlowVenue:
    """``/slow`` answers when ``gate`` opens; ``/fast`` at once; ``/boom`` with a 503."""

    clock: VirtualClock
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    hits: list[tuple[str, float]] = field(default_factory=list)
    url: str = ""


SLOW: web.AppKey[SlowVenue] = web.AppKey("slow", SlowVenue)


async def _handle(request: web.Request) -> web.Response:
    venue = request.app[SLOW]
    venue.hits.append((request.path, venue.clock.now()))
    if request.path == "/slow":
        venue.arrived.set()
        await venue.gate.wait()
    if request.path == "/boom":
        return web.Response(status=503, text="down")
    return web.json_response({"ok": True})


@pytest.fixture
async def slow_venue() -> AsyncIterator[SlowVenue]:
    venue = SlowVenue(VirtualClock())
    app = web.Application()
    app[SLOW] = venue
    app.router.add_get("/{name}", _handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    venue.url = f"http://127.0.0.1:{port}"
    yield venue
    venue.gate.set()
    await runner.cleanup()


def _limiter(clock: VirtualClock) -> RateLimiter:
    return RateLimiter({"orders": Quota(1, 1.0)}, clock=clock.now, sleeper=clock.sleep)


async def test_next_request_waits_a_window_after_the_answer_not_the_send(slow_venue: SlowVenue) -> None:
    clock = slow_venue.clock
    limiter = _limiter(clock)
    async with HttpClient(slow_venue.url, limiter=limiter) as client:
        first = asyncio.create_task(client.request("GET", "/slow", keys=["orders"]))
        await asyncio.wait_for(slow_venue.arrived.wait(), DEADLINE)
        second = asyncio.create_task(client.request("GET", "/fast", keys=["orders"]))
        # Barrier: an unpaced request makes the round trip while the paced one must not leave.
        await client.request("GET", "/fast")
        assert [path for path, _ in slow_venue.hits] == ["/slow", "/fast"]
        assert not second.done()
        assert limiter.in_flight("orders") == 1
        clock.advance(0.5)  # the answer to the first comes back half a second after its send
        slow_venue.gate.set()
        await asyncio.wait_for(asyncio.gather(first, second), DEADLINE)
    assert slow_venue.hits == [("/slow", 1000.0), ("/fast", 1000.0), ("/fast", 1001.5)]
    assert limiter.in_flight("orders") == 0


async def test_an_error_answer_counts_from_when_it_arrived(slow_venue: SlowVenue) -> None:
    clock = slow_venue.clock
    limiter = _limiter(clock)
    async with HttpClient(slow_venue.url, limiter=limiter) as client:
        with pytest.raises(RetryableTransportError, match="503"):
            await client.request("GET", "/boom", keys=["orders"])
        assert limiter.in_flight("orders") == 0
        clock.advance(0.25)
        await client.request("GET", "/fast", keys=["orders"])
    assert slow_venue.hits == [("/boom", 1000.0), ("/fast", 1001.0)]


async def test_a_refused_connection_completes_its_ticket() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    clock = VirtualClock()
    limiter = _limiter(clock)
    async with HttpClient(f"http://127.0.0.1:{port}", limiter=limiter) as client:
        with pytest.raises(RetryableTransportError, match="could not connect"):
            await client.request("GET", "/x", keys=["orders"])
    assert limiter.in_flight("orders") == 0
    assert limiter.next_slot(["orders"]) == pytest.approx(1001.0)


async def test_a_cancelled_request_completes_its_ticket(slow_venue: SlowVenue) -> None:
    limiter = _limiter(slow_venue.clock)
    async with HttpClient(slow_venue.url, limiter=limiter) as client:
        pending = asyncio.create_task(client.request("GET", "/slow", keys=["orders"]))
        await asyncio.wait_for(slow_venue.arrived.wait(), DEADLINE)
        assert limiter.in_flight("orders") == 1
        pending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await pending
    assert limiter.in_flight("orders") == 0
