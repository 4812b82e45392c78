"""Bybit v5 as the server hosts it: its REST API, key registry, injected-error wording and WS paths.

The REST API itself is :class:`simulator.dialects.bybit.rest.BybitRestApi` (pure, synchronous);
this binding builds it for a venue and words the answers the server makes up on its own (a
``ret_code`` or ``rate_limit`` fault) exactly as the venue would: the compact envelope with
``retCode``/``retMsg``, HTTP 200, and the ``X-Bapi-Limit*`` headers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from simulator.dialects.bybit import auth, errors, limits
from simulator.server.dialect import ApiKeySpec, Reply, RestApi
from simulator.server.errors import SimulatorUsageError

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.scenario import BuiltVenue
    from simulator.server.simulator import Simulator

__all__ = ["JSON_CONTENT_TYPE", "BybitDialect"]

#: §2.4 of the wire reference: every REST answer's content type.
JSON_CONTENT_TYPE: Final = "application/json; charset=utf-8"
_INJECTED_MESSAGE: Final = "injected error"
#: The scenario `limits` key that turns on the per-IP limit (Bybit's own: 600 per 5 s, §4.1).
IP_LIMIT_KEY: Final = "ip"


def _rest() -> Any:
    """``simulator.dialects.bybit.rest``, imported when a venue is first served (it is large)."""
    return importlib.import_module("simulator.dialects.bybit.rest")


class BybitDialect:
    """The Bybit v5 dialect binding (one per simulator: it remembers the venue's quota overrides).

    Parameters:
        validate_responses: check every REST answer against its JSON Schema as it is produced
            (slow; for test suites); a mismatch is recorded and re-raised into the test.
    """

    name = "bybit"
    ws_paths: Mapping[str, str] = {
        "public spot": "/v5/public/spot",
        "public linear": "/v5/public/linear",
        "public inverse": "/v5/public/inverse",
        "public option": "/v5/public/option",
        "private": "/v5/private",
        "trade": "/v5/trade",
    }

    def __init__(self, *, validate_responses: bool = False) -> None:
        #: Check every REST answer against its JSON Schema; a mismatch is re-raised into the test.
        self.validate_responses = validate_responses
        self._quotas = limits.QuotaTable()
        #: WsHost keyword arguments (``idle_timeout_s``, ``max_queue_bytes`` ...), read at start.
        self.ws_options: dict[str, Any] = {}
        #: The WebSocket host and the Bybit WS service, once the simulator has started.
        self.ws_host: Any = None
        self.ws: Any = None

    # -- keys ----------------------------------------------------------------------------------------

    def credentials(self, keys: Sequence[ApiKeySpec]) -> auth.Credentials:
        try:
            return _rest().credentials_from(keys)
        except errors.DialectUsageError as exc:
            raise SimulatorUsageError(str(exc)) from exc

    def add_api_key(self, credentials: auth.Credentials, key: ApiKeySpec) -> None:
        if key.key in credentials:
            raise SimulatorUsageError(f"API key {key.key!r} is already registered; give each key once")
        for mapped in self.credentials([key]):
            credentials.add(mapped.api_key, mapped.secret, mapped.account_id, mapped.permissions)

    def account_of(self, credentials: auth.Credentials, headers: Mapping[str, str]) -> str | None:
        api_key = headers.get(auth.HEADER_API_KEY)
        if api_key is None:  # a plain dict: header names in any case
            wanted = auth.HEADER_API_KEY.lower()
            api_key = next((v for k, v in headers.items() if k.lower() == wanted), None)
        key = credentials.get(api_key) if api_key else None
        return key.account_id if key is not None else None

    # -- the REST API --------------------------------------------------------------------------------

    def build_rest_api(
        self,
        venue: BuiltVenue,
        credentials: auth.Credentials,
        *,
        now_ms: Callable[[], int],
        max_body_bytes: int,
    ) -> RestApi:
        quotas = dict(venue.limits)
        # `ip` is not an endpoint: it turns on the per-IP limit (requests per 5 s from one address,
        # answered HTTP 403). Off unless a scenario asks, since every local client shares 127.0.0.1.
        ip_limit = quotas.pop(IP_LIMIT_KEY, None)
        self._quotas = limits.QuotaTable(quotas)
        # The API subscribes itself to the exchange's events (and close() unsubscribes it).
        api: RestApi = _rest().BybitRestApi(
            venue.exchange,
            credentials,
            now_ms=now_ms,
            limiter=limits.RateLimiter(self._quotas),
            ip_limiter=None if ip_limit is None else limits.IpRateLimiter(ip_limit),
            max_body_bytes=max_body_bytes,
            validate_responses=self.validate_responses,
        )
        return api

    # -- answers the server makes up -----------------------------------------------------------------

    def error_reply(self, code: int, message: str | None, *, now_ms: int, http_status: int = 200) -> Reply:
        text = message if message is not None else errors.venue_message(code) or _INJECTED_MESSAGE
        body = errors.BybitError(code, text, http_status).body(time_ms=now_ms)
        return Reply(http_status, (("Content-Type", JSON_CONTENT_TYPE),), body)

    def rate_limit_reply(self, path: str, account_id: str | None, *, now_ms: int, reset_ms: int) -> Reply:
        limit = self._quotas.limit_for(limits.endpoint_key(path))
        decision = limits.Decision(False, limit, 0, now_ms + reset_ms, now_ms)
        error = decision.error()
        headers = (("Content-Type", JSON_CONTENT_TYPE), *error.headers.items())
        return Reply(error.http_status, headers, error.body(time_ms=now_ms))

    def server_error_reply(self, *, now_ms: int) -> Reply:
        """The answer to a request the server itself failed on: HTTP 500 with retCode 10016."""
        return self.error_reply(
            errors.SERVER_ERROR.code, errors.SERVER_ERROR.message, now_ms=now_ms, http_status=500
        )

    # -- WebSocket -----------------------------------------------------------------------------------

    def add_ws_routes(self, app: web.Application, sim: Simulator) -> None:
        """Serve the six Bybit sockets (§7.1): the sessions of :mod:`simulator.dialects.bybit.ws`
        on the venue-neutral :class:`~simulator.server.ws.WsHost` (kept as :attr:`ws_host`)."""
        from simulator.server.bindings.bybit_ws import install

        self.ws_host, self.ws = install(app, sim, **self.ws_options)
