"""The Bybit v5 REST API over a core :class:`~simulator.core.Exchange`, without sockets.

:class:`BybitRestApi` is the seam between the dialect and any HTTP server: the server hands it
the request as received (method, path, raw query string, headers, raw body, peer address) and
sends back the :class:`~simulator.dialects.bybit.rest.response.RestResponse` it returns. It is
synchronous, has no aiohttp in it, and never raises.

One request goes through these steps; the first that refuses answers:

1. the per-IP limit, when one is configured (HTTP 403, plain text, §4.1);
2. the route (unknown method and path: 10017 ``Route not found``, §1.2);
3. the body size (over ``max_body_bytes``: 10001);
4. for signed routes, the signature over the raw query (GET) or raw body (POST), the recv
   window and the key's permission (10001/10002/10003/10004/10005, §3), then the key's account
   (10007 when the key names no account of the venue);
5. the parameters (a POST body that is not a JSON object: 10001);
6. for signed routes, the account's per-endpoint quota (10006 with a future reset, §4.1);
7. the route's handler (its venue errors, or its result).

Every answer carries ``Content-Type`` and the ``X-Bapi-Limit*`` headers (§2.4). A bug anywhere in
this package is answered with 10016 (``Server error``, retryable for clients, §5.1) and the
exception is kept in :attr:`BybitRestApi.errors`, so that the server can re-raise it into the
test that was running (house rule 10).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import orjson

from simulator.core import Exchange
from simulator.dialects.bybit.auth import AuthVerdict, Credentials, verify_rest
from simulator.dialects.bybit.codec.schemas import PayloadInvalid, rest_schema_name, validate
from simulator.dialects.bybit.errors import (
    HTTP_OK,
    ROUTE_NOT_FOUND,
    SERVER_ERROR,
    USER_AUTHENTICATION_FAILED,
    BybitError,
)
from simulator.dialects.bybit.limits import Decision, IpRateLimiter, RateLimiter, endpoint_key
from simulator.dialects.bybit.rest.context import RequestContext
from simulator.dialects.bybit.rest.history import MarketHistory
from simulator.dialects.bybit.rest.params import CATEGORIES, Params, params_error
from simulator.dialects.bybit.rest.response import (
    CONTENT_TYPE_JSON,
    HEADER_CONTENT_TYPE,
    RestResponse,
    error_response,
    success_response,
)
from simulator.dialects.bybit.rest.routes import GET, ROUTES

__all__ = ["DEFAULT_MAX_BODY_BYTES", "IP_QUOTA_KEY", "BybitRestApi"]

logger = logging.getLogger(__name__)

#: The largest request body answered normally (issue 3: "oversized body (>1 MiB)").
DEFAULT_MAX_BODY_BYTES: Final = 1 << 20
#: The quota key recorded for requests the per-IP limit counted.
IP_QUOTA_KEY: Final = "ip"

# The journal's verdicts (simulator.server.journal.AuthVerdict values). Missing auth headers
# other than the key (timestamp, signature, a malformed recv window) have no verdict of their
# own there: they are journalled as a missing key, the closest ("the request was not signed").
_VERDICTS: Final = {
    AuthVerdict.OK: "ok",
    AuthVerdict.MISSING_KEY: "missing_key",
    AuthVerdict.MISSING_PARAMS: "missing_key",
    AuthVerdict.UNKNOWN_KEY: "unknown_key",
    AuthVerdict.BAD_SIGNATURE: "bad_signature",
    AuthVerdict.STALE_TIMESTAMP: "stale_timestamp",
    AuthVerdict.PERMISSION_DENIED: "permission_denied",
}
_NONE = "none"


class _Progress:
    """What is known about the request so far (for the 10016 answer to a bug)."""

    __slots__ = ("account_id", "auth", "limit", "quota_keys")

    def __init__(self) -> None:
        self.auth = _NONE
        self.account_id: str | None = None
        self.quota_keys: tuple[str, ...] = ()
        self.limit: Decision | None = None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return ""


def _bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return b""


def _header_map(headers: Iterable[Any] | Mapping[str, str]) -> dict[str, str]:
    """The headers as a dict, from ``(name, value)`` pairs or a mapping (aiohttp's multidict
    included). For a name sent twice (same spelling) the first value wins, as
    :func:`~simulator.dialects.bybit.auth.verify_rest` does across spellings."""
    found: dict[str, str] = {}
    try:
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        for pair in pairs:
            if isinstance(pair, (tuple, list)) and len(pair) == 2:
                name, value = _text(pair[0]), _text(pair[1])
                if name and name not in found:
                    found[name] = value
    except TypeError:  # not iterable: no headers
        return {}
    return found


class BybitRestApi:
    """Bybit v5 REST over an exchange (see the module docstring).

    Parameters:
        exchange: the venue.
        credentials: the API keys and the accounts they trade for.
        now_ms: the server time in ms (the envelope ``time``, the recv-window rule, rate-limit
            windows); the server may skew it (a clock-skew fault).
        limiter: per-account per-endpoint quotas; the venue's defaults (§4.1) when ``None``.
        ip_limiter: the per-IP limit; none when ``None`` (the reference recommends the 403 as a
            test-only injection, §4.1).
        max_body_bytes: larger request bodies are refused with 10001.
        history: the sequence numbers and price history the codec needs; a new one over
            ``exchange`` when ``None``. The API subscribes :meth:`on_event` to the exchange
            itself; subscribing it again (or feeding the history from elsewhere) is harmless,
            since the history records each event ``seq`` once.
        auth_error_status: HTTP status of 10003/10004 answers: 200 (default) or 401 (§3.5).
        validate_responses: check every answer against its JSON Schema as it is produced and
            record a mismatch in :attr:`errors` (slow; for test runs).

    Attributes:
        errors: exceptions raised inside the dialect while answering (answered 10016), and
            schema mismatches when ``validate_responses``; for the server to re-raise.
    """

    def __init__(
        self,
        exchange: Exchange,
        credentials: Credentials,
        *,
        now_ms: Callable[[], int],
        limiter: RateLimiter | None = None,
        ip_limiter: IpRateLimiter | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        history: MarketHistory | None = None,
        auth_error_status: int = HTTP_OK,
        validate_responses: bool = False,
    ) -> None:
        self.exchange = exchange
        self.credentials = credentials
        self.now_ms = now_ms
        self.limiter = limiter if limiter is not None else RateLimiter()
        self.ip_limiter = ip_limiter
        self.max_body_bytes = max_body_bytes
        self.history = history if history is not None else MarketHistory(exchange)
        self.auth_error_status = auth_error_status
        self.validate_responses = validate_responses
        self.errors: list[BaseException] = []
        self._unsubscribe: Callable[[], None] | None = exchange.subscribe(self.on_event)

    # -- events -----------------------------------------------------------------------------------

    def on_event(self, event: Any) -> None:
        """Record an exchange event in the history (the API subscribes this to the exchange).

        Never raises: a listener's exception would unwind into the core command that emitted it.
        """
        try:
            self.history.on_event(event)
        except Exception as exc:
            self._record(exc, "recording an exchange event")

    def close(self) -> None:
        """Stop listening to the exchange (idempotent)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _record(self, exc: BaseException, doing: str) -> None:
        self.errors.append(exc)
        logger.error("venuekit Bybit REST: %s raised %r", doing, exc, exc_info=exc)

    # -- requests ---------------------------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        raw_query: str,
        headers: Sequence[tuple[str, str]] | Mapping[str, str],
        body: bytes,
        remote: str = "127.0.0.1",
        *,
        item_errors: Mapping[int, tuple[int, str | None]] | None = None,
    ) -> RestResponse:
        """Answer one request.

        Parameters:
            method: the HTTP method (``GET``, ``POST``; any case).
            path: the URL path, ``/v5/...``.
            raw_query: the query string exactly as received, without ``?`` (signed as is).
            headers: the request headers as ``(name, value)`` pairs in order, or a mapping
                (aiohttp's ``request.headers``).
            body: the raw request body (signed as is).
            remote: the peer's address (the per-IP limit's key).
            item_errors: items of a batch request to refuse (a simulator fault): 0-based item
                position -> (code, message; None: the venue's message for the code). A refused
                item is answered in ``retExtInfo.list[i]`` and never reaches the core; the other
                items are handled as usual. Ignored by other routes.

        Returns:
            The answer; never raises, whatever the input.
        """
        progress = _Progress()
        try:
            response = self._handle(
                _text(method).upper(),
                _text(path),
                _text(raw_query),
                headers,
                _bytes(body),
                _text(remote),
                progress,
                dict(item_errors or {}),
            )
        except Exception as exc:
            self._record(exc, f"answering {_text(method)} {_text(path)}")
            return self._server_error(exc, progress)
        if self.validate_responses:
            self._validate(response, _text(method).upper(), _text(path))
        return response

    def _handle(
        self,
        method: str,
        path: str,
        raw_query: str,
        headers: Sequence[tuple[str, str]] | Mapping[str, str],
        body: bytes,
        remote: str,
        progress: _Progress,
        item_errors: Mapping[int, tuple[int, str | None]],
    ) -> RestResponse:
        now = self.now_ms()
        if type(now) is not int:
            raise TypeError(f"now_ms() must return an int of milliseconds, got {now!r}")

        def answer_error(error: BybitError) -> RestResponse:
            return error_response(
                error,
                time_ms=now,
                limit=progress.limit,
                auth=progress.auth,
                account_id=progress.account_id,
                quota_keys=progress.quota_keys,
            )

        ip_decision = None
        if self.ip_limiter is not None:
            ip_decision = self.ip_limiter.check(remote, now)
            progress.quota_keys = (IP_QUOTA_KEY,)
            if not ip_decision.allowed:
                progress.limit = ip_decision  # the 403 tells the IP limit and when it resets
                return answer_error(ip_decision.error())
        route = ROUTES.get((method, path))
        bare_key = endpoint_key(path)
        progress.limit = ip_decision or self._open_decision(bare_key, now)
        if route is None:
            return answer_error(ROUTE_NOT_FOUND.error())
        if len(body) > self.max_body_bytes:
            return answer_error(
                params_error(
                    f"the request body is {len(body)} bytes; at most {self.max_body_bytes} bytes are accepted"
                )
            )

        api_key = None
        if route.signed:
            payload: str | bytes = raw_query if route.method == GET else body
            verified = verify_rest(
                self.credentials,
                _header_map(headers),
                payload,
                now,
                permission=route.permission,
                auth_error_status=self.auth_error_status,
            )
            progress.auth = _VERDICTS[verified.verdict]
            progress.account_id = verified.account_id
            if progress.account_id is not None:
                progress.limit = self.limiter.peek(progress.account_id, bare_key, now)
            if not verified.ok:
                assert verified.error is not None
                return answer_error(verified.error)
            if verified.account_id not in self.exchange.accounts:
                return answer_error(USER_AUTHENTICATION_FAILED.error())
            api_key = verified.key

        try:
            params = Params.from_query(raw_query) if route.method == GET else Params.from_body(body)
            params_problem = None
        except BybitError as problem:
            params, params_problem = Params({}), problem
        category = params.raw("category")
        key = endpoint_key(path, category if category in CATEGORIES else None)
        if route.signed:
            assert progress.account_id is not None
            decision = self.limiter.check(progress.account_id, key, now)
            progress.quota_keys = (*progress.quota_keys, key)
            progress.limit = decision
            if not decision.allowed:
                return answer_error(decision.error())
        if params_problem is not None:
            return answer_error(params_problem)

        ctx = RequestContext(
            self.exchange,
            self.history,
            params,
            now,
            account_id=progress.account_id,
            api_key=api_key,
            item_errors=item_errors,
        )
        try:
            reply = route.handler(ctx)
        except BybitError as error:
            return answer_error(error)
        return success_response(
            reply.result,
            time_ms=now,
            limit=progress.limit,
            auth=progress.auth,
            account_id=progress.account_id,
            quota_keys=progress.quota_keys,
            ret_msg=reply.ret_msg,
            ret_ext_info=reply.ret_ext_info,
        )

    def _open_decision(self, key: str, now: int) -> Decision:
        """Headers for a request no account quota counts (public routes, early refusals): the
        endpoint's quota, all of it left, resetting now (§4.1: "≈ now when not limited")."""
        limit = self.limiter.quotas.limit_for(key)
        return Decision(True, limit, limit, now, now)

    def _server_error(self, exc: Exception, progress: _Progress) -> RestResponse:
        """10016 for a bug in the dialect; built with nothing that could fail again."""
        try:
            now = self.now_ms()
            now = now if type(now) is int else 0
        except Exception:
            now = 0
        message = f"{SERVER_ERROR.message} venuekit failed with {type(exc).__name__}; the error is recorded"
        body = orjson.dumps(
            {"retCode": SERVER_ERROR.code, "retMsg": message, "result": {}, "retExtInfo": {}, "time": now}
        )
        headers: list[tuple[str, str]] = [(HEADER_CONTENT_TYPE, CONTENT_TYPE_JSON)]
        if progress.limit is not None:
            headers.extend(progress.limit.headers().items())
        return RestResponse(
            HTTP_OK, tuple(headers), body, progress.auth, progress.account_id, progress.quota_keys
        )

    def _validate(self, response: RestResponse, method: str, path: str) -> None:
        """Check an answer against its schema; record a mismatch (validate_responses)."""
        if response.header(HEADER_CONTENT_TYPE) != CONTENT_TYPE_JSON:
            return
        try:
            payload = orjson.loads(response.body)
            code = payload.get("retCode", 0) if isinstance(payload, dict) else 0
            name = rest_schema_name(method, path, ret_code=code if isinstance(code, int) else 1)
        except (KeyError, ValueError):
            return  # an unknown route's 10017 has no route schema; errors use http_error
        try:
            validate(name, payload)
        except PayloadInvalid as exc:
            self._record(exc, f"validating the answer to {method} {path}")
