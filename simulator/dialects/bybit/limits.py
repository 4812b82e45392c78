"""Bybit v5 rate limits: per-account per-endpoint rolling windows, the per-IP limit, and their headers.

§4.1 of the wire reference: limits are per UID and per endpoint over rolling 1-second windows. A
request over the limit is answered HTTP 200 ``retCode:10006 "Too many visits!"`` with
``X-Bapi-Limit`` (the limit), ``X-Bapi-Limit-Status`` (requests left) and
``X-Bapi-Limit-Reset-Timestamp`` (ms; on a 10006 always in the future, §0.6 rule 27, or pybit's
retry sleep goes negative and raises). The per-IP limit, 600 requests per 5 s, answers HTTP 403
"access too frequent". The trade WebSocket reports the same three values per op in its response
``header`` object (§7.7).

Time is passed in (``now_ms``, from the core's clock): nothing here reads the wall clock, so a
virtual clock rolls the windows deterministically.

Windows are keyed by :func:`endpoint_key`, which includes the request's category, because §4.1
gives spot its own quotas: ``order/create`` on spot and on linear are separate windows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Final

from simulator.dialects.bybit.errors import (
    HTTP_FORBIDDEN,
    IP_RATE_LIMITED,
    RATE_LIMITED,
    BybitError,
    DialectUsageError,
)

__all__ = [
    "BATCH_PER_S",
    "BATCH_SPOT_PER_S",
    "DEFAULT_QUOTAS",
    "HEADER_LIMIT",
    "HEADER_LIMIT_RESET",
    "HEADER_LIMIT_STATUS",
    "IP_LIMIT",
    "IP_WINDOW_MS",
    "ORDER_AMEND_PER_S",
    "ORDER_CANCEL_ALL_OPTION_PER_S",
    "ORDER_CANCEL_ALL_PER_S",
    "ORDER_CANCEL_ALL_SPOT_PER_S",
    "ORDER_CANCEL_PER_S",
    "ORDER_CANCEL_SPOT_PER_S",
    "ORDER_CREATE_PER_S",
    "ORDER_CREATE_SPOT_PER_S",
    "ORDER_QUERY_PER_S",
    "POSITION_LIST_PER_S",
    "POSITION_SETTING_PER_S",
    "SET_LEVERAGE_PER_S",
    "UNLISTED_ENDPOINT_PER_S",
    "WILDCARD",
    "WINDOW_MS",
    "WS_TRADE_OP_ENDPOINTS",
    "Decision",
    "IpRateLimiter",
    "LimitScope",
    "QuotaTable",
    "RateLimiter",
    "endpoint_key",
    "ws_op_key",
]

# -- §4.1 unified-account defaults, requests per rolling second ---------------------------

WINDOW_MS: Final = 1000  # §4.1: "rolling 1-second windows".
ORDER_CREATE_PER_S: Final = 10  # §4.1: order/create, linear/inverse/option.
ORDER_CREATE_SPOT_PER_S: Final = 20  # §4.1: order/create, spot.
ORDER_AMEND_PER_S: Final = 10  # §4.1: order/amend (every category).
ORDER_CANCEL_PER_S: Final = 10  # §4.1: order/cancel.
ORDER_CANCEL_SPOT_PER_S: Final = 20  # §4.1: order/cancel, spot.
ORDER_CANCEL_ALL_PER_S: Final = 10  # §4.1: order/cancel-all.
ORDER_CANCEL_ALL_OPTION_PER_S: Final = 1  # §4.1: order/cancel-all, option.
ORDER_CANCEL_ALL_SPOT_PER_S: Final = 20  # §4.1: order/cancel-all, spot.
BATCH_PER_S: Final = 10  # §4.1: batch endpoints.
BATCH_SPOT_PER_S: Final = 20  # §4.1: batch endpoints, spot.
ORDER_QUERY_PER_S: Final = 50  # §4.1: order/realtime, order/history, execution/list.
POSITION_LIST_PER_S: Final = 50  # §4.1: position/list.
SET_LEVERAGE_PER_S: Final = 10  # §4.1: position/set-leverage.
# Not in §4.1: venuekit gives the other position/account settings set-leverage's quota, and
# every other endpoint (market data, balances, fee rates, key info) the query quota.
POSITION_SETTING_PER_S: Final = SET_LEVERAGE_PER_S
UNLISTED_ENDPOINT_PER_S: Final = ORDER_QUERY_PER_S

IP_LIMIT: Final = 600  # §4.1: 600 requests per 5 s per IP, then HTTP 403.
IP_WINDOW_MS: Final = 5000  # §4.1.

# §2.4 / §4.1 response header names, spelled as the venue sends them.
HEADER_LIMIT: Final = "X-Bapi-Limit"
HEADER_LIMIT_STATUS: Final = "X-Bapi-Limit-Status"
HEADER_LIMIT_RESET: Final = "X-Bapi-Limit-Reset-Timestamp"

# An override for this key sets the quota of every endpoint without a more specific entry.
WILDCARD: Final = "*"

_BATCH = ("order/create-batch", "order/amend-batch", "order/cancel-batch")

DEFAULT_QUOTAS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "order/create": ORDER_CREATE_PER_S,
        "order/create:spot": ORDER_CREATE_SPOT_PER_S,
        "order/amend": ORDER_AMEND_PER_S,
        "order/cancel": ORDER_CANCEL_PER_S,
        "order/cancel:spot": ORDER_CANCEL_SPOT_PER_S,
        "order/cancel-all": ORDER_CANCEL_ALL_PER_S,
        "order/cancel-all:option": ORDER_CANCEL_ALL_OPTION_PER_S,
        "order/cancel-all:spot": ORDER_CANCEL_ALL_SPOT_PER_S,
        **{batch: BATCH_PER_S for batch in _BATCH},
        **{f"{batch}:spot": BATCH_SPOT_PER_S for batch in _BATCH},
        "order/realtime": ORDER_QUERY_PER_S,
        "order/history": ORDER_QUERY_PER_S,
        "execution/list": ORDER_QUERY_PER_S,
        "position/list": POSITION_LIST_PER_S,
        "position/set-leverage": SET_LEVERAGE_PER_S,
        "position/switch-mode": POSITION_SETTING_PER_S,
        "position/trading-stop": POSITION_SETTING_PER_S,
        "account/set-margin-mode": POSITION_SETTING_PER_S,
    }
)

# §7.7: trade-stream ops and the REST endpoint whose quota each one has.
WS_TRADE_OP_ENDPOINTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "order.create": "order/create",
        "order.amend": "order/amend",
        "order.cancel": "order/cancel",
        "order.create-batch": "order/create-batch",
        "order.amend-batch": "order/amend-batch",
        "order.cancel-batch": "order/cancel-batch",
    }
)

_V5_PREFIX = "/v5/"


def endpoint_key(path: str, category: str | None = None) -> str:
    """The quota key of a request: ``("/v5/order/create", "spot")`` → ``"order/create:spot"``.

    The ``/v5/`` prefix is dropped; an empty or missing category gives the bare endpoint.
    """
    endpoint = path[len(_V5_PREFIX) :] if path.startswith(_V5_PREFIX) else path.lstrip("/")
    endpoint = endpoint.rstrip("/")
    return f"{endpoint}:{category.lower()}" if category else endpoint


def ws_op_key(op: str, category: str | None = None) -> str | None:
    """The quota key of a trade-stream op (``"order.create"``, ``"linear"`` → ``"order/create:linear"``).

    ``None`` for an op the trade stream does not know (answered 10404, §7.8).
    """
    endpoint = WS_TRADE_OP_ENDPOINTS.get(op)
    if endpoint is None:
        return None
    return endpoint_key(endpoint, category)


class QuotaTable:
    """Requests per window for each endpoint key: §4.1 defaults under per-scenario overrides.

    Lookup order for ``"order/create:spot"``: override ``order/create:spot``, override
    ``order/create``, default ``order/create:spot``, default ``order/create``, override ``*``,
    then :data:`UNLISTED_ENDPOINT_PER_S`.

    Raises:
        DialectUsageError: an override that is not a non-negative int.
    """

    __slots__ = ("_cache", "_defaults", "_overrides")

    def __init__(
        self,
        overrides: Mapping[str, int] | None = None,
        *,
        defaults: Mapping[str, int] = DEFAULT_QUOTAS,
    ) -> None:
        self._overrides: dict[str, int] = {}
        for key, value in (overrides or {}).items():
            if type(value) is not int or value < 0:
                raise DialectUsageError(
                    f"rate-limit quota for {key!r} must be a whole number of requests >= 0, got {value!r}"
                )
            self._overrides[key] = value
        self._defaults = dict(defaults)
        self._cache: dict[str, int] = {}

    @property
    def overrides(self) -> Mapping[str, int]:
        return MappingProxyType(self._overrides)

    def limit_for(self, key: str) -> int:
        """The number of requests allowed per window for an endpoint key."""
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        endpoint = key.partition(":")[0]
        for table, name in (
            (self._overrides, key),
            (self._overrides, endpoint),
            (self._defaults, key),
            (self._defaults, endpoint),
            (self._overrides, WILDCARD),
        ):
            if name in table:
                limit = table[name]
                break
        else:
            limit = UNLISTED_ENDPOINT_PER_S
        self._cache[key] = limit
        return limit


class LimitScope(Enum):
    """Which limit a decision is about: an account's endpoint quota, or an IP's request rate."""

    ACCOUNT = "account"
    IP = "ip"


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether one request may go ahead, with the values of the ``X-Bapi-Limit*`` headers.

    ``reset_ts_ms`` is when the oldest counted request leaves the window; it is strictly after
    ``now_ms`` whenever ``allowed`` is false (§0.6 rule 27). When allowed it is ``now_ms``, as the
    venue sends (§4.1: "≈ now when not limited").
    """

    allowed: bool
    limit: int
    remaining: int
    reset_ts_ms: int
    now_ms: int
    scope: LimitScope = LimitScope.ACCOUNT

    @property
    def retry_after_ms(self) -> int:
        """How long until a request would be allowed again (0 when allowed)."""
        return 0 if self.allowed else self.reset_ts_ms - self.now_ms

    def headers(self) -> dict[str, str]:
        """The REST response headers (§2.4), values as decimal strings."""
        return {
            HEADER_LIMIT: str(self.limit),
            HEADER_LIMIT_STATUS: str(self.remaining),
            HEADER_LIMIT_RESET: str(self.reset_ts_ms),
        }

    def ws_header(self, trace_id: str) -> dict[str, str]:
        """The trade-stream response ``header`` object (§7.7), every value a string."""
        return {
            HEADER_LIMIT: str(self.limit),
            HEADER_LIMIT_STATUS: str(self.remaining),
            HEADER_LIMIT_RESET: str(self.reset_ts_ms),
            "Traceid": trace_id,
            "Timenow": str(self.now_ms),
        }

    def error(self) -> BybitError:
        """The answer to a refused request.

        Account scope: HTTP 200, retCode 10006 "Too many visits!" with the limit headers (§4.1).
        IP scope: HTTP 403 with the plain-text body "access too frequent" (§4.1).

        Raises:
            ValueError: the request was allowed (there is nothing to refuse).
        """
        if self.allowed:
            raise ValueError("this request is within its rate limit; only a refused request has an error")
        if self.scope is LimitScope.IP:
            return IP_RATE_LIMITED.error(
                http_status=HTTP_FORBIDDEN, retry_after_ms=self.retry_after_ms, plain_text=True
            )
        return BybitError(
            RATE_LIMITED.code,
            RATE_LIMITED.message,
            headers=self.headers(),
            retry_after_ms=self.retry_after_ms,
        )


class _RollingWindows:
    """Timestamps of the requests counted in each key's window, oldest first."""

    __slots__ = ("_windows", "window_ms")

    def __init__(self, window_ms: int) -> None:
        if type(window_ms) is not int or window_ms <= 0:
            raise DialectUsageError(f"a rate-limit window must be a positive number of ms, got {window_ms!r}")
        self.window_ms = window_ms
        self._windows: dict[Hashable, deque[int]] = {}

    def decide(self, key: Hashable, limit: int, now_ms: int, *, consume: bool, scope: LimitScope) -> Decision:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = deque()
        # A request at t counts during [t, t + window_ms): drop those at or before now - window.
        horizon = now_ms - self.window_ms
        while window and window[0] <= horizon:
            window.popleft()
        if len(window) < limit:
            if consume:
                window.append(now_ms)
            return Decision(True, limit, limit - len(window), now_ms, now_ms, scope)
        # Refused requests are not counted, so a storm of them cannot hold the window shut.
        # window[0] > horizon, hence reset > now_ms; with limit 0 the window is empty.
        reset = window[0] + self.window_ms if window else now_ms + self.window_ms
        if not window:
            del self._windows[key]
        return Decision(False, limit, 0, reset, now_ms, scope)

    def clear(self) -> None:
        self._windows.clear()


class RateLimiter:
    """Per-(account, endpoint key) rolling windows with the venue's quotas (§4.1).

    Parameters:
        quotas: a :class:`QuotaTable`, or a scenario's overrides as ``{endpoint_key: limit}``
            (see :meth:`QuotaTable.limit_for` for how keys are matched).
        window_ms: the window length; 1 s on the venue.
    """

    __slots__ = ("_windows", "quotas")

    def __init__(
        self, quotas: QuotaTable | Mapping[str, int] | None = None, *, window_ms: int = WINDOW_MS
    ) -> None:
        self.quotas = quotas if isinstance(quotas, QuotaTable) else QuotaTable(quotas)
        self._windows = _RollingWindows(window_ms)

    @property
    def window_ms(self) -> int:
        return self._windows.window_ms

    def check(self, account: str, key: str, now_ms: int) -> Decision:
        """Count one request of ``account`` on endpoint ``key`` at ``now_ms`` if it is within quota."""
        return self._windows.decide(
            (account, key), self.quotas.limit_for(key), now_ms, consume=True, scope=LimitScope.ACCOUNT
        )

    def peek(self, account: str, key: str, now_ms: int) -> Decision:
        """What :meth:`check` would decide, without counting a request (for headers on early errors)."""
        return self._windows.decide(
            (account, key), self.quotas.limit_for(key), now_ms, consume=False, scope=LimitScope.ACCOUNT
        )

    def reset(self) -> None:
        """Forget every counted request (a simulator reset)."""
        self._windows.clear()


class IpRateLimiter:
    """The per-IP limit (§4.1): ``limit`` requests per ``window_ms``, then HTTP 403."""

    __slots__ = ("_windows", "limit")

    def __init__(self, limit: int = IP_LIMIT, *, window_ms: int = IP_WINDOW_MS) -> None:
        if type(limit) is not int or limit < 0:
            raise DialectUsageError(f"the per-IP limit must be a whole number >= 0, got {limit!r}")
        self.limit = limit
        self._windows = _RollingWindows(window_ms)

    @property
    def window_ms(self) -> int:
        return self._windows.window_ms

    def check(self, ip: str, now_ms: int) -> Decision:
        """Count one request from ``ip`` at ``now_ms`` if it is within the limit."""
        return self._windows.decide(ip, self.limit, now_ms, consume=True, scope=LimitScope.IP)

    def reset(self) -> None:
        """Forget every counted request."""
        self._windows.clear()
