"""A user-data stream named by its listen key (``/ws/<listenKey>``) through the recording proxy:
the key never reaches the cassette, and the replay serves the session to tomorrow's key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import orjson
import pytest
from aiohttp import WSMsgType, web

from simulator.cassette import SCRUBBED, load
from simulator.server.cassette import CassetteServer

TODAY = "Tq1" + "a" * 61
TOMORROW = "Tm9" + "b" * 61
DEADLINE_S = 10.0


async def user_stream(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    key = request.match_info["key"]
    await ws.send_str(orjson.dumps({"e": "outboundAccountPosition", "stream": key}).decode())
    await ws.send_bytes(orjson.dumps({"e": "balanceUpdate", "stream": key}))
    await ws.receive()  # the client's close
    return ws


@pytest.fixture
async def venue() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_get("/ws/{key}", user_stream)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"ws://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    await runner.cleanup()


async def two_frames(url: str) -> list[tuple[WSMsgType, object]]:
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        frames = []
        for _ in range(2):
            message = await ws.receive(timeout=DEADLINE_S)
            frames.append((message.type, orjson.loads(message.data)))
        return frames


async def test_a_listen_key_path_is_scrubbed_and_replayed_to_another_key(venue: str, tmp_path: Path) -> None:
    path = tmp_path / "user.jsonl"
    async with CassetteServer(path, mode="all", upstream_ws=venue) as proxy:
        recorded = await two_frames(proxy.ws_url(f"/ws/{TODAY}"))
    assert recorded[0][1] == {"e": "outboundAccountPosition", "stream": TODAY}  # the client saw it all
    assert TODAY.encode() not in path.read_bytes()
    (opened,) = load(path).of_type("ws_open")
    assert opened["path"] == f"/ws/{SCRUBBED}"

    async with CassetteServer(path, mode="none", speed=None) as replay:
        replayed = await two_frames(replay.ws_url(f"/ws/{TOMORROW}"))
    assert replayed == [
        (WSMsgType.TEXT, {"e": "outboundAccountPosition", "stream": SCRUBBED}),
        (WSMsgType.BINARY, {"e": "balanceUpdate", "stream": SCRUBBED}),  # binary, scrubbed too
    ]
