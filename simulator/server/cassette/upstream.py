"""Forwarding to the upstream venue, recording what passes: one REST exchange, one WebSocket bridge.

REST: the request goes upstream as received (method, raw path and query, headers but the
hop-by-hop ones, body); the answer comes back decompressed. A connection the upstream reset is
recorded as status 0 and reset towards the client too; an upstream that cannot be reached is
answered ``502`` and not recorded (it is not the venue's behaviour).

WebSocket: both sides are opened without automatic ping answers or closing, and two pumps copy
every frame, control frames included, recording each. The first close frame decides who closed
with which code; the other side is closed with it and its answer's code is passed back. A side
whose transport drops without a close frame is recorded as an abort, and the other side's
transport is aborted in turn (a client then sees what it would have seen from the venue).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Final

import aiohttp
from aiohttp import WSMsgType, web
from yarl import URL

from simulator.server.cassette.events import Recording

__all__ = ["HOP_BY_HOP", "bridge_ws", "forward_http", "reset_connection"]

#: Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1), plus those the
#: proxy recomputes (length, encoding: bodies are forwarded decompressed).
HOP_BY_HOP: Final = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "content-encoding",
        "accept-encoding",
    }
)
_WS_HANDSHAKE: Final = frozenset(
    {"sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol"}
)


def _forwardable(headers: Any, extra: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers.items() if name.lower() not in HOP_BY_HOP | extra]


def reset_connection(request: web.BaseRequest) -> None:
    """Abort the client's connection (it sees the connection reset, as the upstream did)."""
    if request.transport is not None:
        request.transport.abort()


async def forward_http(
    session: aiohttp.ClientSession,
    base_url: str,
    request: web.Request,
    body: bytes,
    recording: Recording | None,
) -> web.StreamResponse:
    """Send ``request`` upstream, record the exchange, and answer the client with the upstream's answer."""
    url = URL(base_url.rstrip("/") + request.rel_url.raw_path_qs, encoded=True)
    started = time.perf_counter_ns()
    ts = time.time_ns()
    headers = _forwardable(request.headers)
    try:
        async with session.request(
            request.method, url, headers=headers, data=body or None, allow_redirects=False
        ) as upstream:
            answer = await upstream.read()
            status = upstream.status
            answer_headers = _forwardable(upstream.headers)
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, ConnectionResetError):
        if recording is not None:
            recording.http(
                request.method, request.path, request.rel_url.raw_query_string, request.headers.items(),
                body, 0, (), b"", time.perf_counter_ns() - started, ts,
            )  # fmt: skip
        reset_connection(request)
        return web.Response()  # never sent: the connection is gone
    except (aiohttp.ClientError, OSError) as exc:
        return web.Response(
            status=502, text=f"venuekit proxy: the upstream {base_url} cannot be reached: {exc}"
        )
    if recording is not None:
        recording.http(
            request.method, request.path, request.rel_url.raw_query_string, request.headers.items(), body,
            status, answer_headers, answer, time.perf_counter_ns() - started, ts,
        )  # fmt: skip
    return web.Response(status=status, headers=answer_headers, body=answer)


@dataclass
class _Ending:
    """Who ended the connection first, and how."""

    closed_by: str | None = None
    code: int | None = None
    reason: str = ""
    aborted_side: str | None = None


async def bridge_ws(
    session: aiohttp.ClientSession, base_url: str, request: web.Request, recording: Recording | None
) -> web.StreamResponse:
    """Open the same WebSocket upstream and copy frames both ways until either side ends it."""
    url = URL(base_url.rstrip("/") + request.rel_url.raw_path_qs, encoded=True)
    protocols = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
    try:
        upstream = await session.ws_connect(
            url,
            autoping=False,
            autoclose=False,
            max_msg_size=0,
            protocols=protocols,
            headers=_forwardable(request.headers, _WS_HANDSHAKE),
        )
    except aiohttp.WSServerHandshakeError as exc:
        return web.Response(
            status=exc.status, text=f"venuekit proxy: the upstream refused the WebSocket: {exc}"
        )
    except (aiohttp.ClientError, OSError) as exc:
        return web.Response(
            status=502, text=f"venuekit proxy: the upstream {base_url} cannot be reached: {exc}"
        )
    client = web.WebSocketResponse(autoping=False, autoclose=False, max_msg_size=0, protocols=protocols)
    try:
        await client.prepare(request)
    except BaseException:
        await upstream.close()
        raise
    conn = recording.new_conn() if recording is not None else ""
    if recording is not None:
        recording.ws_open(conn, request.path, request.rel_url.raw_query_string, request.headers.items())
    ending = _Ending()
    pumps = [
        asyncio.ensure_future(_pump(client, upstream, "in", "client", conn, recording, ending, request)),
        asyncio.ensure_future(_pump(upstream, client, "out", "server", conn, recording, ending, request)),
    ]
    try:
        await asyncio.gather(*pumps)
    finally:
        for pump in pumps:
            pump.cancel()
        if not upstream.closed:
            await upstream.close()
    if recording is not None and ending.closed_by is not None:
        recording.ws_close(conn, ending.code, ending.reason, ending.closed_by, ending.aborted_side)
    return client


async def _pump(
    source: Any,
    target: Any,
    direction: str,
    side: str,
    conn: str,
    recording: Recording | None,
    ending: _Ending,
    request: web.Request,
) -> None:
    """Copy frames from ``source`` (the ``side`` end) to ``target`` until the connection ends."""
    while True:
        message = await source.receive()
        kind = message.type
        try:
            if kind is WSMsgType.TEXT or kind is WSMsgType.BINARY:
                if recording is not None:
                    recording.ws_frame(
                        conn, direction, "text" if kind is WSMsgType.TEXT else "binary", message.data
                    )
                if kind is WSMsgType.TEXT:
                    await target.send_str(message.data)
                else:
                    await target.send_bytes(message.data)
            elif kind is WSMsgType.PING or kind is WSMsgType.PONG:
                name = "ping" if kind is WSMsgType.PING else "pong"
                if recording is not None:
                    recording.ws_frame(conn, direction, name, message.data)
                await (target.ping(message.data) if kind is WSMsgType.PING else target.pong(message.data))
            elif kind is WSMsgType.CLOSE:
                if ending.closed_by is None:
                    ending.closed_by, ending.code, ending.reason = side, message.data, message.extra or ""
                # Close the other side with the same code, then answer this side with its reply.
                await target.close(code=message.data, message=(message.extra or "").encode("utf-8"))
                await source.close(code=target.close_code or message.data)
                return
            elif kind is WSMsgType.CLOSING:
                return  # the other pump is closing this side
            else:  # CLOSED or ERROR: the transport went away without a close frame
                if ending.closed_by is None:
                    ending.closed_by, ending.aborted_side = "transport-abort", side
                    _abort(target, request)
                return
        except (ConnectionError, aiohttp.ClientConnectionResetError, RuntimeError):
            # The other side went away while this frame was on its way: the other pump records it.
            _abort(source, request)
            return


def _abort(ws: Any, request: web.Request) -> None:
    if isinstance(ws, web.WebSocketResponse):
        reset_connection(request)
        return
    # The upstream side: drop its connection without a close frame. aiohttp's client WebSocket
    # has no public abort; without its connection, the bridge's final close() ends it instead.
    connection = getattr(getattr(ws, "_response", None), "connection", None)
    if connection is not None and connection.transport is not None:
        connection.transport.abort()
