"""An HTTP client over aiohttp with quotas, retries and the adapter error taxonomy built in.

One :class:`HttpClient` per venue base URL. Each request names its quota keys (it waits for all
of them, and holds its place in their windows until its answer arrives, see
:mod:`adapters.network.quota`), may be signed by an adapter callback (called per attempt, so a
retry carries a fresh timestamp), and comes back as an :class:`HttpResponse` or one of the taxonomy's errors:

- transport failures, timeouts and 5xx -> :class:`RetryableTransportError` (retried; marked
  ``not_processed`` when no connection could be made, so the request never reached the venue);
- 429 -> :class:`RateLimited` with the ``Retry-After`` hint (retried after the hint);
- whatever the adapter's ``classify`` hook says about a response (e.g. Bybit's HTTP 200 with
  ``retCode`` 10006 -> ``RateLimited`` until ``X-Bapi-Limit-Reset-Timestamp``);
- other 4xx -> :class:`VenueError` with the status and body (never retried).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import orjson
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from adapters.contract.errors import (
    AdapterError,
    FatalAdapterError,
    RateLimited,
    RetryableTransportError,
    VenueError,
)
from adapters.network.quota import RateLimiter
from adapters.network.retry import RetryManager, retry_after_from_header

__all__ = ["Classifier", "HttpClient", "HttpResponse", "Signer", "encode_query"]

Signer = Callable[[str, str, str, bytes, Mapping[str, str]], Mapping[str, str]]
"""``sign(method, path, query, body, headers) -> headers``: returns the headers to send.

``query`` is the exact encoded query string sent (no ``?``), ``body`` the exact bytes sent.
"""


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A venue's answer: status, headers (case-insensitive) and the raw body."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    method: str
    url: str

    def json(self) -> Any:
        """Decode the body as JSON.

        Raises:
            FatalAdapterError: when the body is not JSON (the message quotes its start).
        """
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError as exc:
            raise FatalAdapterError(
                f"{self.method} {self.url} answered {self.status} with a non-JSON body: {self.body[:200]!r}"
            ) from exc


Classifier = Callable[[HttpResponse], AdapterError | None]
"""Looks at a response before the default status mapping; returns the error to raise, or None."""


def encode_query(params: Mapping[str, Any] | Iterable[tuple[str, Any]] | str | None) -> str:
    """Encode query parameters in the given order, dropping ``None`` values.

    A ``str`` is taken as already encoded. Booleans become ``true``/``false`` (what venues expect).
    """
    if params is None:
        return ""
    if isinstance(params, str):
        return params.lstrip("?")
    items = params.items() if isinstance(params, Mapping) else params
    pairs = [(k, _query_value(v)) for k, v in items if v is not None]
    return urlencode(pairs)


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class HttpClient:
    """An aiohttp-based client for one venue base URL; use ``async with`` or call :meth:`close`."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout_s: float = 10.0,
        limiter: RateLimiter | None = None,
        default_keys: Iterable[str] = (),
        retry: RetryManager | None = None,
        classify: Classifier | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        """Create a client (the aiohttp session is opened lazily, inside the running loop).

        Args:
            base_url: scheme and host (and optional path prefix), e.g. ``https://api.bybit.com``.
            headers: headers sent with every request.
            timeout_s: default whole-request timeout per attempt.
            limiter: the quotas requests wait for; ``None`` for no client-side pacing.
            default_keys: quota keys every request counts against (e.g. the global key).
            retry: the retry manager; ``None`` makes exactly one attempt per request.
            classify: the adapter's hook to turn a venue answer into a taxonomy error.
            session: an existing session to use (then :meth:`close` leaves it open; aiohttp's own
                silent retry on a dropped kept-alive connection is switched off for it too).
        """
        self.base_url = base_url.rstrip("/")
        self._headers = dict(headers or {})
        self._timeout_s = timeout_s
        self._limiter = limiter
        self._default_keys = tuple(default_keys)
        self.retry = retry
        self._classify = classify
        self._session = session
        self._owns_session = session is None
        if session is not None:
            _no_hidden_retries(session)
        self._closed = False

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this client opened it. Requests after close raise ``FatalAdapterError``."""
        self._closed = True
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | Iterable[tuple[str, Any]] | str | None = None,
        body: bytes | str | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        keys: Iterable[str] = (),
        timeout_s: float | None = None,
        sign: Signer | None = None,
        retry: bool | Callable[[BaseException], bool] = True,
    ) -> HttpResponse:
        """Send one request (with retries when a retry manager is set and ``retry`` is true).

        Args:
            method: ``GET``, ``POST``, ``DELETE``...
            path: the path under the base URL, e.g. ``/v5/market/time``.
            params: query parameters (encoded in order) or an encoded query string.
            body: raw body bytes/text, sent as is.
            json: a value to send as a compact JSON body (``Content-Type: application/json``).
            headers: extra headers for this request.
            keys: quota keys for this request, besides the client's default keys.
            timeout_s: this request's per-attempt timeout (the client default otherwise).
            sign: the adapter's signer, called before every attempt with the exact bytes sent.
            retry: ``False`` for one attempt only; or a predicate deciding which errors this
                request is retried on (non-idempotent requests pass
                :func:`adapters.contract.errors.is_resendable`).

        Returns:
            The response, when the venue answered and nothing classified it as an error.

        Raises:
            RetryableTransportError: transport failure, timeout or 5xx (after the retries).
            RateLimited: HTTP 429 or a venue rate-limit answer (after the retries).
            VenueError: another 4xx, or what ``classify`` returned.
            FatalAdapterError: the client is closed, or both ``body`` and ``json`` were given.
        """
        if body is not None and json is not None:
            raise FatalAdapterError("HttpClient.request takes body= or json=, not both")
        query = encode_query(params)
        payload = orjson.dumps(json) if json is not None else _as_bytes(body)
        base_headers = dict(self._headers)
        if json is not None:
            base_headers.setdefault("Content-Type", "application/json")
        base_headers.update(headers or {})
        all_keys = (*self._default_keys, *keys)

        async def attempt() -> HttpResponse:
            return await self._attempt(
                method.upper(), path, query, payload, base_headers, all_keys, timeout_s, sign
            )

        if self.retry is None:
            return await attempt()
        return await self.retry.run(attempt, retry=retry)

    async def _attempt(
        self,
        method: str,
        path: str,
        query: str,
        payload: bytes,
        headers: dict[str, str],
        keys: tuple[str, ...],
        timeout_s: float | None,
        sign: Signer | None,
    ) -> HttpResponse:
        """One attempt: wait for the quotas, sign, send, map the answer."""
        session = self._ensure_session()
        ticket = await self._limiter.acquire_ticket(keys) if self._limiter is not None and keys else None
        try:
            sent_headers = dict(sign(method, path, query, payload, headers)) if sign else headers
            url_text = f"{self.base_url}{path}" + (f"?{query}" if query else "")
            # encoded=True: the bytes signed are the bytes sent; yarl must not re-quote the query.
            url = URL(url_text, encoded=True)
            timeout = aiohttp.ClientTimeout(total=timeout_s if timeout_s is not None else self._timeout_s)
            try:
                async with session.request(
                    method, url, data=payload or None, headers=sent_headers, timeout=timeout
                ) as resp:
                    # The answer is here, so the request reached the venue by now: this is the
                    # latest time it can count in the venue's windows (see adapters.network.quota).
                    if ticket is not None:
                        ticket.complete()
                    raw = await resp.read()
                    response = HttpResponse(
                        resp.status, CIMultiDictProxy(CIMultiDict(resp.headers)), raw, method, url_text
                    )
            except TimeoutError as exc:  # asyncio.TimeoutError is TimeoutError on 3.11+
                raise RetryableTransportError(f"{method} {url_text} timed out: {exc!r}") from exc
            except aiohttp.ClientConnectorError as exc:
                # No connection was made, so no byte of the request reached the venue.
                raise RetryableTransportError(
                    f"{method} {url_text} failed: could not connect: {exc!r}", not_processed=True
                ) from exc
            except aiohttp.ClientError as exc:
                raise RetryableTransportError(f"{method} {url_text} failed: {exc!r}") from exc
        finally:
            # No answer (error, timeout, cancellation): the attempt is over, so its place in the
            # windows is now. (A request that timed out could in principle still be on the wire:
            # the one case this cannot bound.)
            if ticket is not None:
                ticket.complete()
        error = self._map(response)
        if error is not None:
            raise error
        return response

    def _map(self, response: HttpResponse) -> AdapterError | None:
        """Turn a response into the error it stands for, or ``None`` when it is a success."""
        if self._classify is not None:
            error = self._classify(response)
            if error is not None:
                return error
        status = response.status
        where = f"{response.method} {response.url}"
        text = response.body[:500].decode("utf-8", "replace")
        if status == 429:
            hint = retry_after_from_header(response.headers.get("Retry-After"), now_s=time.time())
            return RateLimited(f"{where} answered 429: {text}", retry_after_s=hint, code=429)
        if status >= 500:
            return RetryableTransportError(f"{where} answered {status}: {text}", http_status=status)
        if status >= 400:
            return VenueError(text, code=status, http_status=status)
        return None

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise FatalAdapterError("HttpClient is closed; create a new client to send requests")
        if self._session is None:
            self._session = aiohttp.ClientSession()
            _no_hidden_retries(self._session)
        return self._session


def _no_hidden_retries(session: aiohttp.ClientSession) -> None:
    """Stop aiohttp re-sending an idempotent request by itself when a kept-alive connection drops.

    Every attempt must go through the retry manager, so attempts are counted, spaced and bounded
    by the policy (conformance H-08 counts them at the venue). aiohttp has no public switch for
    this (3.14), hence the private attribute; if it disappears the worst case is one extra attempt.
    """
    if hasattr(session, "_retry_connection"):
        session._retry_connection = False


def _as_bytes(body: bytes | str | None) -> bytes:
    if body is None:
        return b""
    return body.encode() if isinstance(body, str) else body
