"""A small Bybit-flavoured WebSocket venue on a real socket, and a client wired for it.

The venue journals every frame per connection (``Frame``) and has fault switches: refuse, swallow
or hold the login, refuse topics, stop answering pings, drop a connection gracefully or abruptly.
Tests wait on the journal with deadlines (``wait_until``), never by sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from aiohttp import WSMsgType, web

from adapters.network import (
    AuthResult,
    AuthSpec,
    HeartbeatConfig,
    RateLimiter,
    RetryPolicy,
    SubscriptionAck,
    SubscriptionCodec,
    WebSocketClient,
    WebSocketConfig,
)

DEADLINE = 5.0


@dataclass(frozen=True)
class Frame:
    """One journal line: connection id, what happened, the op (for text frames) and the payload."""

    conn: int
    kind: str  # open, text, ping, pong, ack-sent, closed
    op: str = ""
    data: Any = None


@dataclass
class FakeVenue:
    url: str = ""
    journal: list[Frame] = field(default_factory=list)
    sockets: dict[int, web.WebSocketResponse] = field(default_factory=dict)
    transports: dict[int, asyncio.Transport] = field(default_factory=dict)
    refuse_login: bool = False
    swallow_login: bool = False
    login_gate: asyncio.Event | None = None
    refuse_topics: set[str] = field(default_factory=set)
    mute: set[int] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def record(self, frame: Frame) -> None:
        self.journal.append(frame)
        self._changed.set()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = DEADLINE) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    def frames(self, conn: int | None = None, op: str | None = None, kind: str | None = None) -> list[Frame]:
        return [
            f
            for f in self.journal
            if (conn is None or f.conn == conn)
            and (op is None or f.op == op)
            and (kind is None or f.kind == kind)
        ]

    def topics_subscribed(self, conn: int) -> list[str]:
        return [t for f in self.frames(conn, op="subscribe") for t in f.data["args"]]

    @property
    def connections(self) -> int:
        return len(self.frames(kind="open"))

    async def send(self, conn: int, message: Any) -> None:
        await self.sockets[conn].send_str(
            message if isinstance(message, str) else orjson.dumps(message).decode()
        )

    async def drop(self, conn: int, *, graceful: bool) -> None:
        if graceful:
            await self.sockets[conn].close()
        else:
            self.transports[conn].abort()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        cid = next(self._ids)
        self.sockets[cid] = ws
        assert request.transport is not None
        self.transports[cid] = request.transport  # type: ignore[assignment]
        self.record(Frame(cid, "open"))
        try:
            async for msg in ws:
                if msg.type is WSMsgType.PING:
                    self.record(Frame(cid, "ping", data=msg.data))
                    if cid not in self.mute:
                        await ws.pong(msg.data)
                elif msg.type is WSMsgType.PONG:
                    self.record(Frame(cid, "pong", data=msg.data))
                elif msg.type is WSMsgType.TEXT:
                    await self._on_text(ws, cid, orjson.loads(msg.data))
        finally:
            self.record(Frame(cid, "closed"))
        return ws

    async def _ack_login(self, ws: web.WebSocketResponse, cid: int, gate: asyncio.Event | None) -> None:
        if gate is not None:
            await gate.wait()
        ok = not self.refuse_login
        self.record(Frame(cid, "ack-sent", "ack:auth", ok))
        with contextlib.suppress(ConnectionError):
            await ws.send_str(
                orjson.dumps({"op": "auth", "success": ok, "ret_msg": "" if ok else "Invalid sign"}).decode()
            )

    async def _on_text(self, ws: web.WebSocketResponse, cid: int, data: dict[str, Any]) -> None:
        op = data.get("op", "")
        self.record(Frame(cid, "text", op, data))
        if cid in self.mute:
            return
        if op == "ping":
            await ws.send_str(orjson.dumps({"op": "pong", "args": ["1"]}).decode())
        elif op == "auth":
            if self.swallow_login:
                return
            # Acked from a task of its own, so a held login does not stop this connection's reader.
            task = asyncio.create_task(self._ack_login(ws, cid, self.login_gate))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif op in ("subscribe", "unsubscribe"):
            refused = [t for t in data["args"] if t in self.refuse_topics] if op == "subscribe" else []
            ack = {"op": op, "success": not refused, "req_id": data.get("req_id", ""), "conn_id": str(cid)}
            ack["ret_msg"] = f"error:handler not found,topic:{refused[0]}" if refused else ""
            self.record(Frame(cid, "ack-sent", f"ack:{op}", data.get("req_id")))
            await ws.send_str(orjson.dumps(ack).decode())


@pytest.fixture
async def venue() -> AsyncIterator[FakeVenue]:
    state = FakeVenue()
    app = web.Application()
    app.router.add_get("/v5/private", state.handle)
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"ws://127.0.0.1:{port}/v5/private"
    yield state
    for task in list(state._tasks):
        task.cancel()
    await asyncio.gather(*state._tasks, return_exceptions=True)
    await runner.cleanup()


# ---------------------------------------------------------------------- the client side


def bybit_codec() -> SubscriptionCodec:
    def parse_ack(msg: Any) -> SubscriptionAck | None:
        if isinstance(msg, dict) and msg.get("op") in ("subscribe", "unsubscribe") and "success" in msg:
            return SubscriptionAck(
                msg["op"], msg["success"], req_id=msg.get("req_id"), message=msg.get("ret_msg", "")
            )
        return None

    return SubscriptionCodec(
        subscribe=lambda topics, req_id: {"op": "subscribe", "req_id": req_id, "args": list(topics)},
        unsubscribe=lambda topics, req_id: {"op": "unsubscribe", "req_id": req_id, "args": list(topics)},
        parse_ack=parse_ack,
    )


def bybit_auth(timeout_s: float = 2.0) -> AuthSpec:
    async def build() -> dict[str, Any]:
        return {"op": "auth", "args": ["key", 1_700_000_000_000, "signature"]}

    def parse(msg: Any) -> AuthResult | None:
        if isinstance(msg, dict) and msg.get("op") == "auth":
            return AuthResult(
                bool(msg.get("success")), msg.get("ret_msg", ""), None if msg.get("success") else 10004
            )
        return None

    return AuthSpec(build=build, parse_ack=parse, timeout_s=timeout_s)


@dataclass
class Consumer:
    """What the adapter would do with the client's output: collect messages and signals."""

    messages: list[Any] = field(default_factory=list)
    reconnected: list[int] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def on_message(self, msg: Any) -> None:
        self.messages.append(msg)
        self._changed.set()

    def on_refused(self, topic: str, message: str) -> None:
        self.refused.append((topic, message))
        self._changed.set()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = DEADLINE) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()


MakeClient = Callable[..., Awaitable[tuple[WebSocketClient, Consumer]]]


@pytest.fixture
async def make_client(venue: FakeVenue) -> AsyncIterator[MakeClient]:
    """Build a client for the venue; every client made is closed at the end of the test."""
    made: list[WebSocketClient] = []

    async def make(
        *,
        auth: bool = True,
        heartbeat: HeartbeatConfig | None = None,
        limiter: RateLimiter | None = None,
        on_reconnected: Callable[[], Any] | None = None,
        connect: bool = True,
        **config: Any,
    ) -> tuple[WebSocketClient, Consumer]:
        consumer = Consumer()

        def reconnected() -> Any:
            consumer.reconnected.append(venue.connections)
            consumer._changed.set()
            return on_reconnected() if on_reconnected else None

        cfg = WebSocketConfig(
            url=config.pop("url", venue.url),
            heartbeat=heartbeat,
            reconnect_policy=RetryPolicy(initial_delay_s=0.001, max_delay_s=0.01, jitter=0.5),
            connect_timeout_s=config.pop("connect_timeout_s", 2.0),
            is_pong=lambda m: isinstance(m, dict) and m.get("op") == "pong",
            text_ping_reply=lambda m: (
                {"op": "pong"} if m == "ping" or (isinstance(m, dict) and m.get("op") == "ping") else None
            ),
            **config,
        )
        client = WebSocketClient(
            cfg,
            handler=consumer.on_message,
            auth=bybit_auth() if auth else None,
            codec=bybit_codec(),
            limiter=limiter,
            on_reconnected=reconnected,
            on_subscription_error=consumer.on_refused,
        )
        made.append(client)
        if connect:
            await client.connect()
        return client, consumer

    yield make
    for client in made:
        await client.close()
