"""simulator.dialects.bybit: Bybit v5 as the simulator speaks it.

The wire facts come from ``shared/reference/bybit-v5.md``. Modules so far, all pure and
synchronous (time is passed in as server milliseconds):

- :mod:`~simulator.dialects.bybit.errors`: error codes and messages as named constants, the
  :class:`BybitError` dialect exception, the REST envelope and its compact encoding, and the
  mapping from core rejections to Bybit codes.
- :mod:`~simulator.dialects.bybit.auth`: REST HMAC verification over the raw request bytes with the
  recv-window rule, the API-key registry, and WebSocket ``op:auth`` with its acks.
- :mod:`~simulator.dialects.bybit.limits`: per-account per-endpoint rolling windows with the
  venue's quotas and ``X-Bapi-Limit*`` headers, and the per-IP limit.
- :mod:`~simulator.dialects.bybit.codec`: core views to Bybit JSON, and a JSON Schema per payload.
- :mod:`~simulator.dialects.bybit.rest`: the v5 REST routes over the core, as a socket-free
  ``BybitRestApi.handle(...) -> RestResponse`` (docs/bybit-rest.md).
"""

from __future__ import annotations

from simulator.dialects.bybit.auth import (
    READ,
    TRADE,
    ApiKey,
    AuthResult,
    AuthVerdict,
    Credentials,
    WsAuthResult,
    verify_rest,
    verify_ws_auth,
)
from simulator.dialects.bybit.errors import (
    BybitError,
    DialectUsageError,
    Operation,
    VenueError,
    encode,
    envelope,
    reject_error,
    reject_venue_error,
)
from simulator.dialects.bybit.limits import (
    Decision,
    IpRateLimiter,
    QuotaTable,
    RateLimiter,
    endpoint_key,
    ws_op_key,
)

__all__ = [
    "READ",
    "TRADE",
    "ApiKey",
    "AuthResult",
    "AuthVerdict",
    "BybitError",
    "Credentials",
    "Decision",
    "DialectUsageError",
    "IpRateLimiter",
    "Operation",
    "QuotaTable",
    "RateLimiter",
    "VenueError",
    "WsAuthResult",
    "encode",
    "endpoint_key",
    "envelope",
    "reject_error",
    "reject_venue_error",
    "verify_rest",
    "verify_ws_auth",
    "ws_op_key",
]
