"""The REST request path: raw request → faults → the dialect's REST API → journal → response.

Every request the catch-all route receives (``/v5/...`` and any unknown path: the dialect answers
those with its own "route not found") goes through :class:`RestHandler`:

1. read the raw body, at most ``max_body_bytes + 1`` bytes (the dialect refuses oversized bodies
   in its own words; nothing unbounded is ever read);
2. pick the fault to apply, if any (:meth:`Faults.select_http`);
3. request-phase faults: answer instead of the venue (``http_status``, ``ret_code``,
   ``rate_limit``), hold the request (``delay``, ``stall``) or reset the connection;
4. ``api.handle(...)``, the venue's answer (with ``item_errors`` when a ``batch_item_error``
   fault refuses one item of a batch); exceptions it caught are taken from ``api.errors``;
5. response-phase faults: delay, reset, malformed or truncated body;
6. record the request in the journal (before the answer leaves, so a client that has the answer
   always finds the entry), then send it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from aiohttp import web

from simulator.server.dialect import Dialect, Reply, RestReply
from simulator.server.failures import ServerErrors
from simulator.server.faults import (
    BatchItemError,
    Delay,
    DelayClock,
    Fault,
    Faults,
    HttpStatus,
    MalformedBody,
    Phase,
    RateLimit,
    ResetConnection,
    RetCode,
    Stall,
    TruncatedBody,
)
from simulator.server.journal import AuthVerdict, Journal
from simulator.server.venue import LiveVenue, VenueTime

__all__ = ["RestHandler", "read_body"]

#: Status recorded for a request that got no answer (connection reset, or closed on shutdown).
NO_RESPONSE = 0


async def read_body(request: web.BaseRequest, limit: int) -> bytes:
    """The raw request body, cut at ``limit + 1`` bytes (enough to tell it is too large)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = await request.content.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


@dataclass(slots=True)
class _Outcome:
    """What is recorded for one request, and how its answer leaves; filled in as it goes."""

    status: int = NO_RESPONSE
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    auth: AuthVerdict = AuthVerdict.NONE
    account_id: str | None = None
    quota_keys: tuple[str, ...] = ()
    #: Reset the connection instead of answering.
    abort: bool = False
    #: Announce the whole body but send only this many bytes, then close.
    truncate_at: int | None = None


class _Abort(Exception):
    """End the request without an answer (a reset fault, or a held request at shutdown)."""


class RestHandler:
    """The aiohttp handler of the catch-all REST route.

    Parameters:
        dialect: the venue dialect (answers made up by the server are worded by it).
        live: the live venue, looked up per request (``reset()`` replaces it).
        faults, journal, time, errors: the simulator's fault engine, journal, venue time and
            error sink.
        max_body_bytes: the largest body handed to the dialect whole.
        stopping: set when the simulator stops; held requests then end unanswered.
        after_request: called after every request (pokes the timer driver).
    """

    def __init__(
        self,
        *,
        dialect: Dialect,
        live: Callable[[], LiveVenue],
        faults: Faults,
        journal: Journal,
        time: VenueTime,
        errors: ServerErrors,
        max_body_bytes: int,
        stopping: asyncio.Event,
        after_request: Callable[[], None],
    ) -> None:
        self._dialect = dialect
        self._live = live
        self._faults = faults
        self._journal = journal
        self._time = time
        self._errors = errors
        self._max_body = max_body_bytes
        self._stopping = stopping
        self._after = after_request
        #: Requests answered (or ended) so far.
        self.requests = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter_ns()
        body = await read_body(request, self._max_body)
        outcome = _Outcome()
        fault: Fault | None = None
        try:
            if len(self._faults):  # only then is the request's account worth looking up
                account = self._dialect.account_of(self._live().credentials, request.headers)
                fault = self._faults.select_http(request.method, request.path, account)
                if fault is not None:
                    outcome.account_id = account  # as far as the key tells, until the venue says
            await self._serve(request, body, fault, outcome)
        except _Abort:
            outcome.abort = True
        except Exception as exc:  # a bug in the server: answer like the venue's 500, re-raise later
            self._errors.record(exc, "http")
            _fill(outcome, self._dialect.server_error_reply(now_ms=self._time.wire_now_ms()))
        self._record(request, body, outcome, fault, started)
        self.requests += 1
        self._after()
        return await self._send(request, outcome, oversized=len(body) > self._max_body)

    async def _serve(self, request: web.Request, body: bytes, fault: Fault | None, outcome: _Outcome) -> None:
        action = fault.action if fault is not None else None
        # -- on the way in -----------------------------------------------------------------------
        made_up = self._made_up(request, action, outcome.account_id)
        if made_up is not None:
            _fill(outcome, made_up)
            return
        live = self._live()
        if isinstance(action, Delay) and action.phase is Phase.REQUEST:
            await self._delay(action)
        elif isinstance(action, Stall):
            assert fault is not None
            await fault.released().wait()
            if self._faults.stopping:
                raise _Abort
        elif isinstance(action, ResetConnection) and action.phase is Phase.REQUEST:
            raise _Abort
        if self._live() is not live:  # the venue was reset while this request was held
            raise _Abort
        # -- the venue ---------------------------------------------------------------------------
        api = live.api
        # Passed only when a fault asks for it, so dialects without per-item refusals keep working.
        extra = {"item_errors": action.item_errors} if isinstance(action, BatchItemError) else {}
        reply = api.handle(
            request.method,
            request.path,
            request.rel_url.raw_query_string,
            request.headers,
            body,
            request.remote or "",
            **extra,
        )
        self._errors.take(api.errors, "dialect")
        _fill(outcome, reply)
        outcome.auth = AuthVerdict(reply.auth)
        outcome.account_id = reply.account_id
        outcome.quota_keys = tuple(reply.quota_keys)
        # -- on the way out ----------------------------------------------------------------------
        if isinstance(action, Delay) and action.phase is Phase.RESPONSE:
            await self._delay(action)
        elif isinstance(action, ResetConnection):
            raise _Abort
        elif isinstance(action, MalformedBody):
            outcome.body = action.body.encode() if action.body is not None else outcome.body[:-1]
        elif isinstance(action, TruncatedBody):
            full = len(outcome.body)
            outcome.truncate_at = full // 2 if action.keep is None else min(action.keep, full)

    def _made_up(self, request: web.Request, action: object, account: str | None) -> Reply | None:
        """The answer to send instead of the venue's, for the faults that make one up."""
        if action is None:
            return None
        if isinstance(action, HttpStatus):
            text = action.body or HTTPStatus(action.status).phrase
            return Reply(action.status, (("Content-Type", action.content_type),), text.encode())
        now_ms = self._time.wire_now_ms()
        if isinstance(action, RetCode):
            return self._dialect.error_reply(
                action.code, action.message, now_ms=now_ms, http_status=action.http_status
            )
        if isinstance(action, RateLimit):
            return self._dialect.rate_limit_reply(
                request.path, account, now_ms=now_ms, reset_ms=action.reset_ms
            )
        return None

    async def _delay(self, action: Delay) -> None:
        venue = action.clock is DelayClock.VENUE
        if not await self._time.sleep(action.seconds, venue=venue, stopping=self._stopping):
            raise _Abort

    def _record(
        self, request: web.Request, body: bytes, outcome: _Outcome, fault: Fault | None, started: int
    ) -> None:
        peer = request.transport.get_extra_info("peername") if request.transport is not None else None
        remote = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else request.remote
        sent = outcome.body if outcome.truncate_at is None else outcome.body[: outcome.truncate_at]
        self._journal.record_http(
            request.method,
            request.path,
            status=NO_RESPONSE if outcome.abort else outcome.status,
            query=request.rel_url.raw_query_string,
            headers=tuple(request.headers.items()),
            body=body,
            remote=remote,
            auth=outcome.auth,
            account_id=outcome.account_id,
            quota_keys=outcome.quota_keys,
            response_headers=() if outcome.abort else outcome.headers,
            response_body=b"" if outcome.abort else sent,
            duration_ns=time.perf_counter_ns() - started,
            fault=fault.name if fault is not None else None,
        )

    async def _send(self, request: web.Request, outcome: _Outcome, *, oversized: bool) -> web.StreamResponse:
        if outcome.abort:
            _reset(request)
            return web.Response()  # never sent: the connection is gone
        if outcome.truncate_at is None:
            response = web.Response(status=outcome.status, body=outcome.body, headers=outcome.headers)
            if oversized:
                response.force_close()  # the rest of the body was never read
            return response
        stream = web.StreamResponse(status=outcome.status, headers=outcome.headers)
        stream.content_length = len(outcome.body)
        await stream.prepare(request)
        await stream.write(outcome.body[: outcome.truncate_at])
        # close(), not abort(): what was written goes out first, then the connection ends short.
        if request.transport is not None:
            request.transport.close()
        return stream


def _fill(outcome: _Outcome, reply: Reply | RestReply) -> None:
    outcome.status = reply.status
    outcome.headers = tuple(reply.headers)
    outcome.body = reply.body


def _reset(request: web.BaseRequest) -> None:
    """Abort the connection with a TCP reset (SO_LINGER 0), so the client sees ECONNRESET."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed by the peer
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
