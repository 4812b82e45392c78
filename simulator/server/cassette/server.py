"""The cassette server: replays a cassette, forwards to the upstream venue, or both, by VCR mode.

::

    async with CassetteServer("session.jsonl", mode="none") as venue:     # replay only
        client.endpoint = venue.rest_url
        ws_url = venue.ws_url("/v5/public/linear")

Modes (as VCR's):

- ``none``: replay only; a request with no recording is answered with an error naming the
  closest recorded request (and reported by :meth:`check`);
- ``once``: replay an existing cassette as ``none`` does; without one, record a new one;
- ``new_episodes``: replay what is recorded, forward what is not and append it to the cassette;
- ``all``: forward everything and record the cassette afresh (``venuekit record`` is this mode).

A request is a WebSocket connection when it asks for an upgrade; every other request is REST.
WebSocket connections are served the recorded sessions of their path in recorded order.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal

import aiohttp
import orjson
from aiohttp import web

from simulator.cassette import (
    CassetteUsageError,
    CassetteWriter,
    EventReader,
    NoRecordedMatch,
    NoRecordedSession,
    RestIndex,
    Scrubber,
    Session,
    build_sessions,
    get_bytes,
    make_header,
    mask_path,
    put_bytes,
    rules_for,
)
from simulator.server.cassette.events import Recording
from simulator.server.cassette.player import Progress, play_session
from simulator.server.cassette.upstream import HOP_BY_HOP, bridge_ws, forward_http, reset_connection

__all__ = ["MODES", "CassetteServer", "Mode"]

Mode = Literal["none", "once", "new_episodes", "all"]
#: The record modes, as VCR names them.
MODES: Final = ("none", "once", "new_episodes", "all")


def _url_host(host: str) -> str:
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"[{host}]" if ":" in host else host


class CassetteServer:
    """Serves the venue side of a cassette over HTTP and WebSocket, recording as its mode says.

    Parameters:
        cassette: the cassette file.
        mode: ``none``, ``once``, ``new_episodes`` or ``all`` (see the module docstring).
        upstream_rest, upstream_ws: the venue's base URLs (``https://api.bybit.com``,
            ``wss://stream.bybit.com``), needed by the modes that record.
        host, port: where to listen (port 0: any free port; read :attr:`port`).
        speed: replay timing: 1 as recorded, 10 ten times faster, None as fast as possible.
        dialect: the dialect whose scrub and match rules apply (a loaded cassette's header wins).
        account_ids: also scrub account ids from what is recorded.
        secrets: values to scrub wherever they appear (an API key and secret).

    Raises:
        CassetteUsageError: a bad mode or speed, no upstream for a recording mode, or no
            cassette to replay in ``none`` mode.
    """

    def __init__(
        self,
        cassette: str | os.PathLike[str],
        *,
        mode: Mode = "once",
        upstream_rest: str | None = None,
        upstream_ws: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float | None = None,
        dialect: str | None = "bybit",
        account_ids: bool = False,
        secrets: tuple[str, ...] = (),
    ) -> None:
        if mode not in MODES:
            raise CassetteUsageError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if speed is not None and not speed > 0:
            raise CassetteUsageError(
                f"speed must be a positive number (or None for as fast as possible), got {speed!r}"
            )
        self.path = Path(cassette)
        exists = self.path.exists() and self.path.stat().st_size > 0
        if mode == "once":
            mode = "none" if exists else "all"
        self.mode: Mode = mode
        if mode == "none" and not exists:
            raise CassetteUsageError(
                f"no cassette at {self.path} to replay: record one first "
                "(venuekit record ... --out FILE, or mode 'once' with an upstream)"
            )
        if mode in ("new_episodes", "all") and upstream_rest is None and upstream_ws is None:
            raise CassetteUsageError(
                f"mode {mode!r} records from the venue: give its URLs (--upstream-rest URL --upstream-ws URL)"
            )
        self.upstream_rest = upstream_rest
        self.upstream_ws = upstream_ws
        self.host = host
        self._requested_port = port
        self.speed = speed
        reader = EventReader(self.path) if mode in ("none", "new_episodes") and exists else None
        if reader is not None and reader.header.get("dialect") is not None:
            dialect = reader.header["dialect"]
        self.rules = rules_for(dialect)
        # One pass over the file: REST exchanges are kept for the index, WebSocket frames become
        # replay scripts as they are read (a cassette's events are never all in memory at once).
        http_events: list[dict[str, Any]] = []
        taken: set[str] = set()

        def scan() -> Iterator[dict[str, Any]]:
            assert reader is not None
            for event in reader:
                kind = event["type"]
                if kind == "http":
                    http_events.append(event)
                elif kind == "ws_open":
                    taken.add(event["conn"])
                yield event

        sessions = build_sessions(scan(), self.rules) if reader is not None else []
        self._index = RestIndex(http_events, self.rules)
        self._sessions: dict[str, deque[Session]] = {}
        for session in sessions:
            self._sessions.setdefault(session.path, deque()).append(session)
        #: REST requests received: a recorded push waits for those recorded before it.
        self._rest_seen = Progress()
        self._recording: Recording | None = None
        if mode in ("new_episodes", "all"):
            writer = CassetteWriter(
                self.path,
                make_header(
                    "proxy",
                    dialect=dialect,
                    scrub=self.rules.name,
                    upstream_rest=upstream_rest,
                    upstream_ws=upstream_ws,
                ),
                append=mode == "new_episodes",
                scrub=Scrubber(self.rules, account_ids=account_ids, secrets=secrets),
            )
            self._recording = Recording(writer, taken=taken)
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._port: int | None = None
        #: Errors met while serving (unmatched requests, replay failures): :meth:`check` raises them.
        self.errors: list[Exception] = []
        #: Counters: REST answers replayed and forwarded, WS sessions replayed and forwarded.
        self.stats = {"rest_replayed": 0, "rest_forwarded": 0, "ws_replayed": 0, "ws_forwarded": 0}

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> CassetteServer:
        """Start listening.

        Raises:
            OSError: the address cannot be bound.
        """
        app = web.Application(client_max_size=1 << 24)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        try:
            await site.start()
        except BaseException:
            await self._runner.cleanup()
            raise
        server = site._server  # the bound socket tells the port the OS picked for port 0
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        if self._needs_client:
            self._client = aiohttp.ClientSession(auto_decompress=True)
        return self

    @property
    def _needs_client(self) -> bool:
        return self._recording is not None

    async def stop(self) -> None:
        """Stop serving, close every connection, and close the cassette file."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._recording is not None:
            self._recording.close()

    async def __aenter__(self) -> CassetteServer:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
        if exc is None:
            self.check()

    def check(self) -> None:
        """Raise the errors met while serving (one, or an ExceptionGroup), then forget them."""
        errors, self.errors = self.errors, []
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise ExceptionGroup(f"{len(errors)} errors while serving {self.path}", errors)

    # -- addresses ---------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise CassetteUsageError("the port is known once the server has started")
        return self._port

    @property
    def rest_url(self) -> str:
        return f"http://{_url_host(self.host)}:{self.port}"

    def ws_url(self, path: str) -> str:
        """``ws://HOST:PORT/path`` for a WebSocket path."""
        return f"ws://{_url_host(self.host)}:{self.port}/{path.lstrip('/')}"

    @property
    def recorded_ws_paths(self) -> list[str]:
        """The paths with recorded WebSocket sessions not replayed yet."""
        return sorted(path for path, sessions in self._sessions.items() if sessions)

    # -- serving -----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._websocket(request)
        return await self._rest(request)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if self.mode != "all":
            try:
                event = self._index.find(request.method, request.path, request.rel_url.raw_query_string, body)
            except NoRecordedMatch as miss:
                self._rest_seen.add()
                if self.mode == "none" or self.upstream_rest is None:
                    return self._unmatched(miss)
            else:
                self._rest_seen.add(event["ts"])
                self.stats["rest_replayed"] += 1
                return _replayed(request, event)
        if self.upstream_rest is None:
            return self._unmatched(
                NoRecordedMatch(
                    f"{request.method} {request.path}", None, ["no --upstream-rest to forward to"]
                )
            )
        assert self._client is not None
        before = self._recording.writer.events_written if self._recording is not None else 0
        response = await forward_http(self._client, self.upstream_rest, request, body, self._recording)
        self.stats["rest_forwarded"] += 1
        recorded = self._recording is not None and self._recording.writer.events_written > before
        if self.mode == "new_episodes" and recorded:
            self._index.add(self._last_http(request, body, response))
        return response

    def _last_http(self, request: web.Request, body: bytes, response: web.StreamResponse) -> dict[str, Any]:
        # What was just forwarded, as an event the index can answer from (the file has it scrubbed).
        event: dict[str, Any] = {
            "type": "http",
            "ts": time.time_ns(),
            "method": request.method,
            "path": request.path,
            "query": request.rel_url.raw_query_string,
            "status": response.status,
            "response_headers": list(response.headers.items()),
        }
        put_bytes(event, "body", body)
        answer = response.body if isinstance(response, web.Response) else None
        put_bytes(event, "response_body", answer if isinstance(answer, bytes) else b"")
        return event

    def _unmatched(self, miss: NoRecordedMatch) -> web.Response:
        self.errors.append(miss)
        return web.Response(
            status=500,
            headers={"X-Venuekit-Replay": "unmatched"},
            body=orjson.dumps(
                {"venuekit_replay_error": str(miss), "closest": miss.closest, "differing": miss.differences}
            ),
            content_type="application/json",
        )

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        queue = self._sessions.get(request.path) or self._sessions.get(mask_path(request.path, self.rules)[0])
        if self.mode != "all" and queue:
            self.stats["ws_replayed"] += 1
            return await play_session(
                request,
                queue.popleft(),
                speed=self.speed,
                rules=self.rules,
                on_error=self.errors.append,
                rest=self._rest_seen,
            )
        if self.mode != "none" and self.upstream_ws is not None:
            assert self._client is not None
            self.stats["ws_forwarded"] += 1
            return await bridge_ws(self._client, self.upstream_ws, request, self._recording)
        miss = NoRecordedSession(request.path, self.recorded_ws_paths)
        self.errors.append(miss)
        return web.Response(status=404, text=str(miss))


def _replayed(request: web.Request, event: dict[str, Any]) -> web.StreamResponse:
    status = event.get("status", 0)
    if not status:
        reset_connection(request)  # recorded as reset: reset again
        return web.Response()
    headers = [
        (name, value) for name, value in event.get("response_headers", []) if name.lower() not in HOP_BY_HOP
    ]
    return web.Response(status=status, headers=headers, body=get_bytes(event, "response_body"))
