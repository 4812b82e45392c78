"""Reusable mutation operators any adapter can build its mutants with: one generic fault each.

A mutant is a deliberately faulty variant of an adapter, declared with
:class:`adapters.contract.mutants.MutantDeclaration`; the conformance suite must fail it
(``venuekit mutants``). Every venue adapter built on :mod:`adapters.network` shares the objects
below, so the transport faults are written once, here, and an adapter's mutant factory applies
them to its own clients (``adapters/bybit/mutants`` does). Each operator patches *one instance*
(never a class, so the unmutated adapter in the same process is untouched) and changes exactly one
behaviour; its docstring says which, and which catalogue case should notice.

Test and mutant tooling only: nothing on an adapter's production path imports this module.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from adapters.contract.errors import (
    AuthenticationError,
    FatalAdapterError,
    RateLimited,
    RetryableTransportError,
    VenueError,
    is_retryable,
)
from adapters.network.auth import AuthSpec, AuthState
from adapters.network.http import HttpClient, HttpResponse
from adapters.network.lanes import Tag
from adapters.network.retry import RetryManager
from adapters.network.subscriptions import SubscriptionState
from adapters.network.websocket import WebSocketClient

__all__ = [
    "acks_and_pongs_as_data",
    "auth_refusal_as_venue_error",
    "forget_topics_on_drop",
    "ignore_retry_after",
    "no_control_pong",
    "no_heartbeat",
    "no_reconnect",
    "no_relogin_on_reconnect",
    "plain_5xx_as_fatal",
    "rate_limit_as_venue_error",
    "relogin_tight_loop",
    "restore_unsubscribed_topics",
    "retry_client_errors",
    "sign_path_and_query",
    "status_as_error_code",
    "subscribe_before_login_ack",
    "unsubscribe_locally_only",
]

# ---------------------------------------------------------------------------------------- HTTP


def ignore_retry_after(retry: RetryManager) -> None:
    """Rate-limit errors lose their Retry-After hint: the retry comes after the plain backoff (H-08)."""
    original = retry.run

    async def run(operation: Callable[[], Any], *, retry: bool = True) -> Any:
        async def attempt() -> Any:
            try:
                return await operation()
            except RateLimited as exc:
                exc.retry_after_s = None
                raise

        return await original(attempt, retry=retry)

    retry.run = run  # type: ignore[method-assign]


def retry_client_errors(retry: RetryManager) -> None:
    """A 4xx (a ``VenueError`` that is not a rate limit) is retried like a 5xx (H-08)."""
    retry._retryable = lambda exc: is_retryable(exc) or isinstance(exc, VenueError)


def _wrap_map(client: HttpClient, change: Callable[[Any, HttpResponse], Any]) -> None:
    original = client._map

    def mapped(response: HttpResponse) -> Any:
        return change(original(response), response)

    client._map = mapped  # type: ignore[method-assign]



def rate_limit_as_venue_error(client: HttpClient) -> None:
    """A venue rate limit becomes a generic, non-retried ``VenueError`` (H-07, H-08)."""

    def change(error: Any, response: HttpResponse) -> Any:
        if isinstance(error, RateLimited):
            return VenueError(str(error), code=error.code, http_status=response.status)
        return error

    _wrap_map(client, change)


def status_as_error_code(client: HttpClient) -> None:
    """A venue error carries the HTTP status as its code and the raw body as its message (H-10)."""

    def change(error: Any, response: HttpResponse) -> Any:
        if type(error) is VenueError:
            text = response.body[:200].decode("utf-8", "replace")
            return VenueError(text, code=response.status, http_status=response.status)
        return error

    _wrap_map(client, change)


def auth_refusal_as_venue_error(client: HttpClient) -> None:
    """A refused signature becomes a plain ``VenueError`` with no code (H-05)."""

    def change(error: Any, response: HttpResponse) -> Any:
        if isinstance(error, AuthenticationError):
            return VenueError(str(error), code=None, http_status=response.status)
        return error

    _wrap_map(client, change)


def plain_5xx_as_fatal(client: HttpClient) -> None:
    """A 5xx whose body is not JSON is parsed anyway and fails as a non-retried parse error (H-12)."""

    def change(error: Any, response: HttpResponse) -> Any:
        if isinstance(error, RetryableTransportError) and response.status >= 500:
            try:
                orjson.loads(response.body)
            except orjson.JSONDecodeError:
                return FatalAdapterError(f"cannot parse the answer of {response.url}: {response.body[:80]!r}")
        return error

    _wrap_map(client, change)


def sign_path_and_query(client: HttpClient) -> None:
    """The signer is fed ``path?query`` instead of the raw query (another venue's convention) (H-06)."""
    original = client.request

    async def request(method: str, path: str, **kwargs: Any) -> HttpResponse:
        sign = kwargs.get("sign")
        if sign is not None:

            def wrong(m: str, p: str, query: str, body: bytes, headers: Mapping[str, str]) -> Any:
                return sign(m, p, f"{p}?{query}" if query else query, body, headers)

            kwargs["sign"] = wrong
        return await original(method, path, **kwargs)

    client.request = request  # type: ignore[method-assign]


# ------------------------------------------------------------------------------------ WebSocket


def _with_config(ws: WebSocketClient, **changes: Any) -> None:
    ws.config = dataclasses.replace(ws.config, **changes)


def no_heartbeat(ws: WebSocketClient) -> None:
    """No client pings and no silence deadline (PP-03, PP-04)."""
    _with_config(ws, heartbeat=None)


def no_reconnect(ws: WebSocketClient) -> None:
    """A dropped connection is not replaced: the stream just ends (RC-01, RC-02)."""
    _with_config(ws, reconnect=False)


def _after_open(ws: WebSocketClient, change: Callable[[Any], None]) -> None:
    original = ws._open

    async def opened() -> Any:
        conn = await original()
        change(conn)
        return conn

    ws._open = opened  # type: ignore[method-assign]


def no_control_pong(ws: WebSocketClient) -> None:
    """Control-frame PINGs are read and counted but never answered with a PONG (PP-01)."""

    async def silent(message: bytes = b"") -> None:
        return None

    _after_open(ws, lambda conn: setattr(conn.ws, "pong", silent))


def subscribe_before_login_ack(ws: WebSocketClient) -> None:
    """The login is sent and the client carries on at once: subscribes race the ack (W-03, S-02, RC-03)."""

    async def login(conn: Any, auth: AuthSpec) -> None:
        ws.auth.move(AuthState.AUTHENTICATING)
        conn.auth_future = asyncio.get_running_loop().create_future()
        await conn.lanes.send(await auth.build(), Tag.CONTROL)
        ws.auth.move(AuthState.AUTHENTICATED)

    ws._login = login  # type: ignore[method-assign]


def no_relogin_on_reconnect(ws: WebSocketClient) -> None:
    """Only the first connection logs in; a reconnect restores private topics unauthenticated (RC-03)."""
    original = ws._open

    async def opened() -> Any:
        if ws.connections == 0:
            return await original()
        saved, ws._auth = ws._auth, None
        try:
            return await original()
        finally:
            ws._auth = saved

    ws._open = opened  # type: ignore[method-assign]


def relogin_tight_loop(ws: WebSocketClient, attempts: int = 5) -> None:
    """A refused login is re-sent at once, ``attempts`` times, with no backoff (W-04)."""
    original = ws._login

    async def login(conn: Any, auth: AuthSpec) -> None:
        for attempt in range(attempts):
            try:
                return await original(conn, auth)
            except AuthenticationError:
                if attempt == attempts - 1:
                    raise

    ws._login = login  # type: ignore[method-assign]


class _RestoresUnsubscribed(SubscriptionState):
    def to_restore(self) -> list[str]:
        wanted = super().to_restore()
        return wanted + sorted(self.unsubscribed - set(wanted))


def restore_unsubscribed_topics(ws: WebSocketClient) -> None:
    """A reconnect re-subscribes topics that were unsubscribed before the drop (RC-05)."""
    ws.subscriptions = _RestoresUnsubscribed()


class _ForgetsOnDrop(SubscriptionState):
    def connection_lost(self) -> None:
        for topic in list(self._topics):
            self._drop(topic)


def forget_topics_on_drop(ws: WebSocketClient) -> None:
    """A dropped connection forgets every topic: nothing is restored on the new one (RC-04)."""
    ws.subscriptions = _ForgetsOnDrop()


def unsubscribe_locally_only(ws: WebSocketClient) -> None:
    """``unsubscribe`` forgets the topic locally and sends nothing to the venue (S-04)."""

    def unsubscribe(topic: str) -> None:
        ws.subscriptions.remove(topic, connected=False)

    ws.unsubscribe = unsubscribe  # type: ignore[method-assign]


def acks_and_pongs_as_data(ws: WebSocketClient, publish: Callable[[Any], None]) -> None:
    """Subscription acks and pongs are also handed downstream as data via ``publish`` (M-02)."""
    original = ws._on_text
    codec = ws._codec
    is_pong = ws.config.is_pong

    async def on_text(conn: Any, text: str) -> None:
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            value = text
        if (codec is not None and codec.parse_ack(value) is not None) or (is_pong and is_pong(value)):
            publish(value)
        await original(conn, text)

    ws._on_text = on_text  # type: ignore[method-assign]
