"""Replaying one recorded WebSocket session to a live client.

Two tasks share the connection. The reader answers each client frame with the recorded replies
of the first unanswered recorded request it matches (``op`` and ``args``; auth and heartbeats on
``op`` alone), rewriting the request id the reply echoes to the client's own. The pusher sends the
recorded stream in order: each push once the client has sent the gating requests recorded before
it and once the server has received the REST requests recorded before it (on any connection),
and, at a finite ``speed``, at its recorded distance from the step before divided by the
speed. Then it ends the connection as the recording did: a close with the recorded code, a
transport abort, or (the client closed) waiting for the client to close.

A client frame the session has no recording of is answered with a JSON error frame
(``{"venuekit_replay_error": ...}``) and reported through ``on_error``; a heartbeat beyond those
recorded is answered with the last recorded reply to one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import orjson
from aiohttp import WSMsgType, web

from simulator.cassette import DialectRules, NoRecordedMatch, Session
from simulator.cassette.sessions import Request, frame_key

__all__ = ["Progress", "play_session"]

_NS = 1_000_000_000


class Progress:
    """A count that only grows (requests seen), and a way to wait until it reaches a number.

    Attributes:
        count: how many have come.
        last_ts: the largest recorded ``ts`` among those that came (re-anchors replay timing).
    """

    def __init__(self) -> None:
        self.count = 0
        self.last_ts = 0
        self._grown = asyncio.Event()

    def add(self, ts: int = 0) -> None:
        """One more came (recorded at ``ts``, 0 when unknown)."""
        self.count += 1
        self.last_ts = max(self.last_ts, ts)
        # Wake every waiter, then give later waiters a fresh event to wait on.
        grown, self._grown = self._grown, asyncio.Event()
        grown.set()

    async def reach(self, count: int) -> bool:
        """Wait until ``count`` have come; True when it had to wait."""
        waited = False
        while self.count < count:
            await self._grown.wait()
            waited = True
        return waited


class _Gate(Progress):
    """The client's gating requests on one connection."""

    def __init__(self) -> None:
        super().__init__()
        #: Set once the pusher is ending the connection: it must then finish, not be cancelled.
        self.ending = False

    def passed(self, request: Request) -> None:
        self.add(request.ts)


def _rewrite_id(reply: bytes, recorded: str | None, live: str | None, rules: DialectRules) -> bytes:
    if recorded is None or live is None or recorded == live:
        return reply
    document = orjson.loads(reply)
    if isinstance(document, dict):
        for name in rules.id_fields:
            if name in document and str(document[name]) == recorded:
                document[name] = live
    return orjson.dumps(document)


def _live_id(text: str, rules: DialectRules) -> str | None:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if isinstance(document, dict):
        for name in rules.id_fields:
            value = document.get(name)
            if isinstance(value, str | int) and value != "":
                return str(value)
    return None


async def _answer(
    ws: web.WebSocketResponse,
    session: Session,
    used: list[bool],
    text: str,
    gate: _Gate,
    rules: DialectRules,
    on_error: Callable[[Exception], None],
) -> None:
    key = frame_key(text, rules)
    live = _live_id(text, rules)
    for index, request in enumerate(session.requests):
        if not used[index] and request.key == key:
            used[index] = True
            for reply in request.replies:
                await ws.send_frame(_rewrite_id(reply, request.request_id, live, rules), WSMsgType.TEXT)
            if request.gating:
                gate.passed(request)
            return
    if key[0].lower() in rules.heartbeat_ops:
        # Clients ping on their own timers: answer every extra ping with the last recorded pong.
        for request in reversed(session.requests):
            if request.key == key and request.replies:
                await ws.send_frame(
                    _rewrite_id(request.replies[-1], request.request_id, live, rules), WSMsgType.TEXT
                )
                return
        return
    recorded = [r.payload for r in session.requests]
    closest = min(recorded, key=lambda payload: _distance(payload, text), default=None)
    error = NoRecordedMatch(
        f"WebSocket frame {text!r} on {session.path} (recorded connection {session.conn})",
        closest,
        [f"op/args: got {key[0]} {key[1]}".rstrip()] if closest is not None else [],
    )
    on_error(error)
    await ws.send_str(orjson.dumps({"venuekit_replay_error": str(error)}).decode("utf-8"))


def _distance(a: str, b: str) -> int:
    # Cheap and good enough to point at the closest recorded frame: shared prefix length.
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return max(len(a), len(b)) - shared


async def _push_stream(
    ws: web.WebSocketResponse,
    request: web.Request,
    session: Session,
    speed: float | None,
    gate: _Gate,
    rest: Progress,
) -> None:
    loop = asyncio.get_running_loop()
    anchor_time, anchor_ts = loop.time(), session.ts
    send = ws.send_frame
    kinds = {opcode: WSMsgType(opcode) for opcode in (WSMsgType.TEXT, WSMsgType.BINARY)}
    for push in session.stream:
        if push.gate > gate.count and await gate.reach(push.gate):
            anchor_time, anchor_ts = loop.time(), max(anchor_ts, gate.last_ts)
        if push.rest_gate > rest.count and await rest.reach(push.rest_gate):
            anchor_time, anchor_ts = loop.time(), max(anchor_ts, rest.last_ts)
        if speed is not None:
            due = anchor_time + (push.ts - anchor_ts) / _NS / speed
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
        kind = kinds.get(push.opcode)
        if kind is None:  # the venue's own ping (control frames are pushed as recorded too)
            await ws.ping(push.payload)
        else:
            await send(push.payload, kind)
    end = session.end
    if end is None or end.closed_by == "client":
        return  # the client closes (or the recording stopped here): wait for it
    if end.gate > gate.count:
        await gate.reach(end.gate)
    if end.rest_gate > rest.count and await rest.reach(end.rest_gate):
        anchor_time, anchor_ts = loop.time(), max(anchor_ts, rest.last_ts)
    if speed is not None:
        delay = anchor_time + (end.ts - anchor_ts) / _NS / speed - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
    gate.ending = True
    if end.closed_by == "server" and end.code is not None:
        await ws.close(code=end.code, message=end.reason.encode("utf-8"))
    elif request.transport is not None:
        request.transport.abort()


async def play_session(
    request: web.Request,
    session: Session,
    *,
    speed: float | None,
    rules: DialectRules,
    on_error: Callable[[Exception], None],
    rest: Progress | None = None,
) -> web.WebSocketResponse:
    """Serve ``session`` to the client of ``request``; returns when the connection has ended.

    Parameters:
        speed: 1 for the recorded timing, 10 for ten times faster, None for no waiting at all.
        rules: the dialect's rules (request ids, heartbeats, auth ops).
        on_error: called with a :class:`NoRecordedMatch` for a client frame with no recording.
        rest: the REST requests the server has received (pushes wait for their REST gate);
            None: no REST gating.
    """
    ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
    await ws.prepare(request)
    gate = _Gate()
    used = [False] * len(session.requests)
    if rest is None:
        rest = Progress()
        rest.count = 1 << 62  # nothing to wait for
    pusher = asyncio.ensure_future(_push_stream(ws, request, session, speed, gate, rest))
    try:
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                await _answer(ws, session, used, message.data, gate, rules, on_error)
    finally:
        if not gate.ending:  # the client left: stop the stream; else let the close handshake finish
            pusher.cancel()
        await asyncio.wait([pusher])
    if not pusher.cancelled():
        error = pusher.exception()
        # A client gone while the stream was being sent is the client's choice, not a replay error.
        if error is not None and not isinstance(error, ConnectionError):
            on_error(error if isinstance(error, Exception) else RuntimeError(repr(error)))
    return ws
