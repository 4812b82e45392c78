"""WebSocket sessions through the recording proxy, then from the replay: the same frames, in order.

The upstream is a small aiohttp venue written here, so every way a connection ends is scripted:
the venue closes mid-stream with its own code, the venue's transport drops without a close
frame, and the client closes. Its pings (control frames) and the client's ping op are replayed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import WSMsgType, web

from simulator.cassette import NoRecordedMatch, NoRecordedSession, load, validate_file
from simulator.server.cassette import CassetteServer

DEADLINE_S = 10.0
CONNECTIONS = web.AppKey("connections", list[int])


async def venue_ws(request: web.Request) -> web.WebSocketResponse:
    """Connection n of the scripted venue: ack the subscribe, then stream and end as scripted."""
    app = request.app
    app[CONNECTIONS].append(len(app[CONNECTIONS]) + 1)
    n = app[CONNECTIONS][-1]
    ws = web.WebSocketResponse(autoping=False)
    await ws.prepare(request)
    subscribe = orjson.loads(await ws.receive_str())
    await ws.send_str(
        orjson.dumps({"op": "subscribe", "success": True, "req_id": subscribe["req_id"]}).decode()
    )
    for seq in range(1, 6):
        if seq == 3:
            await ws.ping(b"venue-ping")
            assert (await ws.receive()).type is WSMsgType.PONG
        await ws.send_str(
            orjson.dumps({"topic": "trades.BTCUSDT", "type": "delta", "conn": n, "seq": seq}).decode()
        )
        if n == 1 and seq == 4:
            await ws.close(code=4001, message=b"venue restarts")  # mid-stream, before seq 5
            return ws
        if n == 2 and seq == 2:
            assert request.transport is not None
            request.transport.abort()  # no close frame at all
            return ws
    ping = orjson.loads(await ws.receive_str())
    await ws.send_str(orjson.dumps({"op": "pong", "req_id": ping["req_id"]}).decode())
    message = await ws.receive()
    assert message.type is WSMsgType.CLOSE
    await ws.close()
    return ws


@pytest.fixture
async def venue() -> AsyncIterator[str]:
    app = web.Application()
    app[CONNECTIONS] = []
    app.router.add_get("/ws/public", venue_ws)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"ws://127.0.0.1:{port}"
    await runner.cleanup()


async def read_until_end(ws: aiohttp.ClientWebSocketResponse, transcript: list[Any], stop_after: int) -> None:
    """Record every frame; answer pings; stop at the end of the connection or after ``stop_after`` texts."""
    texts = 0
    while texts < stop_after:
        message = await asyncio.wait_for(ws.receive(), DEADLINE_S)
        if message.type is WSMsgType.TEXT:
            transcript.append(orjson.loads(message.data))
            texts += 1
        elif message.type is WSMsgType.PING:
            transcript.append(("ping", message.data))
            # At full replay speed the venue's close can follow its ping at once: a pong that
            # finds the connection closing is dropped, as a venue client's would be.
            with contextlib.suppress(aiohttp.ClientConnectionResetError):
                await ws.pong(message.data)
        elif message.type is WSMsgType.CLOSE:
            transcript.append(("close", message.data, message.extra))
            return
        else:  # CLOSED / ERROR: the transport went away
            transcript.append(("dropped",))
            return


async def client_session(base: str, req_prefix: str) -> list[Any]:
    """Three connections, as a client that reconnects after each disconnect would make them."""
    transcript: list[Any] = []
    async with aiohttp.ClientSession() as http:
        for n in (1, 2, 3):
            ws = await http.ws_connect(f"{base}/ws/public", autoping=False, autoclose=True)
            await ws.send_str(
                orjson.dumps({"op": "subscribe", "req_id": f"{req_prefix}{n}", "args": ["trades"]}).decode()
            )
            if n < 3:
                await read_until_end(ws, transcript, stop_after=10)
                await ws.close()
                continue
            await read_until_end(ws, transcript, stop_after=6)  # ack + five messages
            await ws.send_str(orjson.dumps({"op": "ping", "req_id": f"{req_prefix}p"}).decode())
            await read_until_end(ws, transcript, stop_after=1)
            await ws.close()
            transcript.append(("closed by client", ws.close_code))
    return transcript


def without_req_ids(transcript: list[Any]) -> list[Any]:
    return [
        {k: v for k, v in item.items() if k != "req_id"} if isinstance(item, dict) else item
        for item in transcript
    ]


async def test_replay_reproduces_streams_pings_and_every_kind_of_disconnect(
    venue: str, tmp_path: Path
) -> None:
    path = tmp_path / "ws.jsonl"
    async with CassetteServer(path, mode="all", upstream_ws=venue) as proxy:
        recorded = await client_session(proxy.ws_url("").rstrip("/"), "rec-")
    assert ("close", 4001, "venue restarts") in recorded and ("dropped",) in recorded
    assert recorded.count(("ping", b"venue-ping")) == 2  # connections 1 and 3 reached seq 3
    validate_file(path)
    closes = load(path).of_type("ws_close")
    assert [(c["closed_by"], c["code"], c.get("aborted_side")) for c in closes] == [
        ("server", 4001, None),
        ("transport-abort", None, "server"),
        ("client", 1000, None),
    ]

    async with CassetteServer(path, mode="none", speed=None) as replay:
        replayed = await client_session(replay.ws_url("").rstrip("/"), "play-")
        assert replay.stats["ws_replayed"] == 3
    assert without_req_ids(replayed) == without_req_ids(recorded)
    # Replies carry the live client's request ids, not the recorded ones.
    acks = [item["req_id"] for item in replayed if isinstance(item, dict) and "req_id" in item]
    assert acks == ["play-1", "play-2", "play-3", "play-p"]


async def test_a_connection_beyond_the_recorded_ones_is_refused_with_the_reason(
    venue: str, tmp_path: Path
) -> None:
    path = tmp_path / "ws.jsonl"
    async with CassetteServer(path, mode="all", upstream_ws=venue) as proxy:
        await client_session(proxy.ws_url("").rstrip("/"), "r")
    replay = CassetteServer(path, mode="none")
    async with replay:
        await client_session(replay.ws_url("").rstrip("/"), "p")
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(replay.ws_url("/ws/public"))
        assert refused.value.status == 404
        with pytest.raises(NoRecordedSession, match="no recorded WebSocket session left for /ws/public"):
            replay.check()


async def test_an_unrecorded_client_frame_gets_an_error_frame(venue: str, tmp_path: Path) -> None:
    path = tmp_path / "ws.jsonl"
    async with CassetteServer(path, mode="all", upstream_ws=venue) as proxy:
        await client_session(proxy.ws_url("").rstrip("/"), "r")
    replay = CassetteServer(path, mode="none")
    async with replay, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(replay.ws_url("/ws/public"))
        await ws.send_str('{"op": "subscribe", "req_id": "x", "args": ["orders"]}')
        error = None
        while error is None:
            document = orjson.loads(await asyncio.wait_for(ws.receive_str(), DEADLINE_S))
            error = document.get("venuekit_replay_error")
        await ws.close()
        with pytest.raises(NoRecordedMatch) as caught:
            replay.check()
    assert "closest recorded" in error and '["orders"]' in error
    assert caught.value.closest is not None and '"trades"' in caught.value.closest
