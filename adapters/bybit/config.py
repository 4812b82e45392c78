"""User-facing configuration of the Bybit data and execution clients.

Credentials come from the config fields or, when those are empty, from the environment
(``BYBIT_API_KEY`` / ``BYBIT_API_SECRET``). URLs come from the environment name (mainnet,
testnet, demo) unless ``base_url_http`` / ``base_url_ws`` point elsewhere (a local venue, a
recording proxy).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from adapters.bybit.common.consts import (
    BYBIT_API_KEY_ENV,
    BYBIT_API_SECRET_ENV,
    DEFAULT_RECV_WINDOW_MS,
    DEFAULT_WS_AUTH_TIMEOUT_S,
    DEFAULT_WS_PING_INTERVAL_S,
    DEFAULT_WS_RECONNECT_DELAY_S,
)
from adapters.bybit.common.credential import Credential
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.urls import BybitEnvironment, BybitUrls
from adapters.contract.errors import MissingCredentials

__all__ = ["MAX_RETRY_DELAY_S", "BybitConfig", "BybitDataClientConfig", "BybitExecClientConfig"]

#: The longest wait between two REST attempts (the retry backoff's cap).
MAX_RETRY_DELAY_S = 10.0

_ALL_PRODUCTS = (
    BybitProductType.SPOT,
    BybitProductType.LINEAR,
    BybitProductType.INVERSE,
    BybitProductType.OPTION,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class BybitConfig:
    """Settings shared by the data and execution clients.

    Attributes:
        api_key: the API key; empty means "read ``BYBIT_API_KEY``".
        api_secret: the secret; empty means "read ``BYBIT_API_SECRET``".
        environment: ``mainnet``, ``testnet`` or ``demo``.
        product_types: the categories to load and trade.
        base_url_http: override of the REST base URL (e.g. ``http://127.0.0.1:8080``).
        base_url_ws: override of the WebSocket origin (derived from ``base_url_http`` if unset).
        recv_window_ms: ``X-BAPI-RECV-WINDOW`` of signed requests.
        http_timeout_s: per-attempt REST timeout.
        ws_ping_interval_s: text ping period on every socket.
        ws_heartbeat_timeout_s: silence after which a socket counts as dead and is reconnected
            (``None``: 1.5 ping intervals).
        max_retries: REST retries of retryable errors.
        retry_delay_s: the wait before the first REST retry (doubling for each further one,
            and never shorter than a rate limit's reset time).
        ws_reconnect_delay_s: the wait before a dropped socket's first reconnect attempt
            (doubling for each further failed one, up to 30 s).
    """

    api_key: str = ""
    api_secret: str = field(default="", repr=False)
    environment: BybitEnvironment = BybitEnvironment.MAINNET
    product_types: tuple[BybitProductType, ...] = _ALL_PRODUCTS
    base_url_http: str | None = None
    base_url_ws: str | None = None
    recv_window_ms: int = DEFAULT_RECV_WINDOW_MS
    http_timeout_s: float = 10.0
    ws_ping_interval_s: float = DEFAULT_WS_PING_INTERVAL_S
    ws_heartbeat_timeout_s: float | None = None
    max_retries: int = 3
    retry_delay_s: float = 0.2
    ws_reconnect_delay_s: float = DEFAULT_WS_RECONNECT_DELAY_S

    def __post_init__(self) -> None:
        """Normalise enums given as strings and check the numbers.

        Raises:
            ValueError: an unknown environment or product type, or a non-positive setting.
        """
        object.__setattr__(self, "environment", BybitEnvironment(self.environment))
        object.__setattr__(self, "product_types", tuple(BybitProductType(p) for p in self.product_types))
        if not self.product_types:
            raise ValueError("product_types is empty: name at least one of spot, linear, inverse, option")
        if self.recv_window_ms <= 0 or self.http_timeout_s <= 0 or self.ws_ping_interval_s <= 0:
            raise ValueError("recv_window_ms, http_timeout_s and ws_ping_interval_s must be positive")
        if self.ws_heartbeat_timeout_s is not None and self.ws_heartbeat_timeout_s <= 0:
            raise ValueError("ws_heartbeat_timeout_s must be positive (or None for 1.5 ping intervals)")
        if (
            isinstance(self.max_retries, bool)
            or not isinstance(self.max_retries, int)
            or self.max_retries < 0
        ):
            raise ValueError(f"max_retries must be an int >= 0 (0: no retries), got {self.max_retries!r}")
        if isinstance(self.retry_delay_s, bool) or not 0 <= self.retry_delay_s <= MAX_RETRY_DELAY_S:
            raise ValueError(
                f"retry_delay_s must be seconds from 0 to {MAX_RETRY_DELAY_S:g}, got {self.retry_delay_s!r}"
            )
        if isinstance(self.ws_reconnect_delay_s, bool) or not 0 <= self.ws_reconnect_delay_s <= 30:
            raise ValueError(
                f"ws_reconnect_delay_s must be seconds from 0 to 30, got {self.ws_reconnect_delay_s!r}"
            )

    def urls(self) -> BybitUrls:
        """The URLs to use: the overrides when set, else the environment's."""
        if self.base_url_http is not None:
            return BybitUrls.local(self.base_url_http, self.base_url_ws)
        real = BybitUrls.for_environment(self.environment)
        if self.base_url_ws is not None:
            return BybitUrls(rest_base=real.rest_base, ws_base=self.base_url_ws.rstrip("/"))
        return real

    def credential(self) -> Credential | None:
        """The credential from the fields, else the environment, else ``None``."""
        key = self.api_key or os.environ.get(BYBIT_API_KEY_ENV, "")
        secret = self.api_secret or os.environ.get(BYBIT_API_SECRET_ENV, "")
        return Credential(key, secret) if key and secret else None

    def require_credential(self, what: str) -> Credential:
        """The credential, or :class:`MissingCredentials` naming the variables to set.

        Args:
            what: what needs it, for the message (e.g. "the execution client").
        """
        credential = self.credential()
        if credential is None:
            raise MissingCredentials(
                f"{what} needs Bybit API credentials: pass api_key and api_secret, or set "
                f"{BYBIT_API_KEY_ENV} and {BYBIT_API_SECRET_ENV}",
                env_var=BYBIT_API_KEY_ENV,
                field="api_key",
            )
        return credential


@dataclass(frozen=True, slots=True, kw_only=True)
class BybitDataClientConfig(BybitConfig):
    """Data client settings.

    Attributes:
        default_book_depth: the depth used when a subscription names none (50, or 25 on options).
        instrument_refresh_interval_s: reload instruments this often while connected and publish
            new or changed ones (``None``, the default: load once on connect).
    """

    default_book_depth: int = 50
    instrument_refresh_interval_s: float | None = None

    def __post_init__(self) -> None:
        """Check the shared settings, then the book depth and the refresh interval.

        Raises:
            ValueError: as :class:`BybitConfig`, a non-positive depth, or a non-positive interval.
        """
        BybitConfig.__post_init__(self)
        if isinstance(self.default_book_depth, bool) or self.default_book_depth <= 0:
            raise ValueError(f"default_book_depth must be a positive int, got {self.default_book_depth!r}")
        if self.instrument_refresh_interval_s is not None and not self.instrument_refresh_interval_s > 0:
            raise ValueError(
                "instrument_refresh_interval_s must be positive (or None: no refresh), "
                f"got {self.instrument_refresh_interval_s!r}"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class BybitExecClientConfig(BybitConfig):
    """Execution client settings.

    Attributes:
        account_id: the AccountId string events and reports carry.
        settle_coins: the settle coins to reconcile linear positions and orders for.
        reconcile_lookback_ms: how far back fills and closed orders are fetched on connect.
        ws_auth_timeout_s: how long the private stream's login waits for its ack.
    """

    account_id: str = "BYBIT-UNIFIED"
    settle_coins: tuple[str, ...] = ("USDT", "USDC")
    reconcile_lookback_ms: int = 3 * 24 * 3600 * 1000
    ws_auth_timeout_s: float = DEFAULT_WS_AUTH_TIMEOUT_S

    def __post_init__(self) -> None:
        """Check the shared settings, then the login timeout.

        Raises:
            ValueError: as :class:`BybitConfig`, or a non-positive ``ws_auth_timeout_s``.
        """
        BybitConfig.__post_init__(self)
        if self.ws_auth_timeout_s <= 0:
            raise ValueError("ws_auth_timeout_s must be positive")
        if isinstance(self.reconcile_lookback_ms, bool) or self.reconcile_lookback_ms <= 0:
            raise ValueError(
                f"reconcile_lookback_ms must be a positive int, got {self.reconcile_lookback_ms!r}"
            )
