"""Bybit v5 REST: the routes of §6 over a core exchange, callable without sockets.

This package is the seam between the Bybit dialect and the HTTP server. It imports no aiohttp;
the server turns each HTTP request into one call and sends back what it returns::

    api = BybitRestApi(exchange, credentials, now_ms=lambda: time.time_ns() // 1_000_000)
    response = api.handle("GET", "/v5/market/time", "", [], b"")
    response.status, response.headers, response.body          # what to send
    response.auth, response.account_id, response.quota_keys   # what to journal
    api.errors                                                # dialect bugs, to re-raise

The interface:

.. code-block:: python

    @dataclass(frozen=True, slots=True)
    class RestResponse:
        status: int                              # 200 (venue answers, errors included); 403 IP limit
        headers: tuple[tuple[str, str], ...]     # Content-Type, X-Bapi-Limit, -Status, -Reset-Timestamp
        body: bytes                              # compact JSON envelope (plain text for the 403)
        auth: str                                # none|ok|missing_key|unknown_key|bad_signature|
                                                 # stale_timestamp|permission_denied
        account_id: str | None
        quota_keys: tuple[str, ...]

    class BybitRestApi:
        def __init__(self, exchange, credentials, *, now_ms, limiter=None, ip_limiter=None,
                     max_body_bytes=1 << 20, history=None, auth_error_status=200,
                     validate_responses=False): ...
        def handle(self, method, path, raw_query, headers, body, remote="127.0.0.1") -> RestResponse
            # headers: (name, value) pairs or a mapping (aiohttp's request.headers); never raises
        def on_event(self, event) -> None        # subscribed to the exchange by __init__ (a second
                                                 # subscription is harmless: events count once)
        def close(self) -> None                  # unsubscribe
        errors: list[BaseException]

Modules, one concept each:

- :mod:`.api`: :class:`BybitRestApi`, the request pipeline (IP limit, route, size, auth, params,
  quota, handler, catch-all);
- :mod:`.response`: :class:`RestResponse` and how answers are built;
- :mod:`.routes`: the route table (method, path, handler, signed, permission);
- :mod:`.params`: query and JSON body parsing with typed accessors (10001 on bad values);
- :mod:`.paging`: cursors made of ``[A-Za-z0-9_-]``;
- :mod:`.context`: what handlers get and return;
- :mod:`.market`, :mod:`.account`, :mod:`.orders`, :mod:`.order_queries`: the handlers;
- :mod:`.order_entry`: create/amend/cancel request → core command → outcome (shared with batches,
  and meant for the trade WebSocket);
- :mod:`.history`: :class:`MarketHistory`, the event sequence numbers and minute bars the core
  does not keep;
- :mod:`.keys`: a scenario's API keys as :class:`~simulator.dialects.bybit.auth.Credentials`.
"""

from __future__ import annotations

from simulator.dialects.bybit.rest.api import DEFAULT_MAX_BODY_BYTES, IP_QUOTA_KEY, BybitRestApi
from simulator.dialects.bybit.rest.history import MarketHistory
from simulator.dialects.bybit.rest.keys import credentials_from
from simulator.dialects.bybit.rest.response import RestResponse
from simulator.dialects.bybit.rest.routes import ROUTES, Route

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "IP_QUOTA_KEY",
    "ROUTES",
    "BybitRestApi",
    "MarketHistory",
    "RestResponse",
    "Route",
    "credentials_from",
]
