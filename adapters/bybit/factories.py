"""BybitAdapterFactory: builds the provider, data client and execution client for given endpoints.

Registered under the ``venuekit.adapters`` entry point as ``bybit``. The conformance suite (or
an application) passes the venue's URLs - real Bybit's or a local venue's - and a sink; nothing
here knows which one it is talking to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from adapters.bybit.capabilities import BYBIT_CAPABILITIES
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.urls import BybitUrls
from adapters.bybit.config import MAX_RETRY_DELAY_S, BybitDataClientConfig, BybitExecClientConfig
from adapters.bybit.data import BybitDataClient
from adapters.bybit.execution import BybitExecutionClient
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.providers import BybitInstrumentProvider
from adapters.bybit.websocket.client import WebSocketCreated
from adapters.contract.capabilities import Capabilities, Product
from adapters.contract.errors import FatalAdapterError
from adapters.contract.factory import AdapterClients, Credentials, Endpoints
from adapters.contract.sink import EventSink
from adapters.network.retry import RetryPolicy

__all__ = ["BybitAdapterFactory"]

_PRODUCT_SOCKETS = {
    Product.SPOT: BybitProductType.SPOT,
    Product.LINEAR: BybitProductType.LINEAR,
    Product.INVERSE: BybitProductType.INVERSE,
    Product.OPTION: BybitProductType.OPTION,
}
_CONFIG_KEYS = frozenset(
    {f.name for f in dataclasses.fields(BybitDataClientConfig)}
    | {f.name for f in dataclasses.fields(BybitExecClientConfig)}
) - {"api_key", "api_secret", "base_url_http", "base_url_ws"}


class BybitAdapterFactory:
    """The Bybit reference adapter's factory (the contract's AdapterFactory)."""

    name: str = "bybit"
    version: str = "0.1.0"
    capabilities: Capabilities = BYBIT_CAPABILITIES
    _on_websocket_created: WebSocketCreated | None = None

    def __init__(self, *, on_websocket_created: WebSocketCreated | None = None) -> None:
        """Create the factory.

        Args:
            on_websocket_created: passed to every data and execution client built: called with
                each socket client (public or private, see ``is_private``) right after it is
                created, before it connects.
        """
        self._on_websocket_created = on_websocket_created

    def config_defaults(self) -> Mapping[str, Any]:
        """Every option :meth:`create` accepts, with its documented default (see the config classes).

        Returns:
            ``{name: default}``; credentials and URL overrides are left out (they come from the
            ``credentials`` and ``endpoints`` arguments).
        """
        defaults: dict[str, Any] = {}
        for cls in (BybitDataClientConfig, BybitExecClientConfig):
            for f in dataclasses.fields(cls):
                if f.name in _CONFIG_KEYS:
                    default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
                    defaults[f.name] = default
        return defaults

    def conformance_config(
        self,
        heartbeat_interval_s: float | None = None,
        auth_timeout_s: float | None = None,
        instrument_refresh_s: float | None = None,
        retry_delay_s: float | None = None,
        reconnect_delay_s: float | None = None,
    ) -> Mapping[str, Any]:
        """The config :meth:`create` accepts for the conformance suite's short timing cases.

        Args:
            heartbeat_interval_s: the client ping period on every socket (``ws_ping_interval_s``).
                The loss deadline is set to three intervals rather than the default 1.5: at a
                0.2 s interval, one late pong on a busy event loop would otherwise read as a
                dead connection.
            auth_timeout_s: how long the private login waits for its ack (``ws_auth_timeout_s``).
            instrument_refresh_s: the instrument reload period (``instrument_refresh_interval_s``).
            retry_delay_s: the wait before the first REST retry (``retry_delay_s``); the suite
                shortens it so cases that exhaust retries do not wait through the default backoff.
            reconnect_delay_s: the wait before a socket's first reconnect (``ws_reconnect_delay_s``).

        Returns:
            Only the keys for the arguments given (an empty mapping when none is).
        """
        config: dict[str, Any] = {}
        if heartbeat_interval_s is not None:
            config["ws_ping_interval_s"] = heartbeat_interval_s
            config["ws_heartbeat_timeout_s"] = 3 * heartbeat_interval_s
        if auth_timeout_s is not None:
            config["ws_auth_timeout_s"] = auth_timeout_s
        if instrument_refresh_s is not None:
            config["instrument_refresh_interval_s"] = instrument_refresh_s
        if retry_delay_s is not None:
            config["retry_delay_s"] = retry_delay_s
        if reconnect_delay_s is not None:
            config["ws_reconnect_delay_s"] = reconnect_delay_s
        return config

    def create(
        self,
        endpoints: Endpoints,
        credentials: Credentials | None,
        sink: EventSink,
        config: Mapping[str, Any] | None = None,
    ) -> AdapterClients:
        """Build the clients for ``endpoints``, publishing to ``sink``.

        Args:
            endpoints: REST base URL and stream URLs (public per product, private).
            credentials: keys; ``None`` builds no execution client.
            sink: where every client publishes.
            config: options of :class:`~adapters.bybit.config.BybitExecClientConfig` /
                :class:`~adapters.bybit.config.BybitDataClientConfig` (``product_types``,
                ``settle_coins``, ``recv_window_ms``, ``ws_ping_interval_s``...).

        Raises:
            FatalAdapterError: an unknown config key or a bad value.
        """
        hook = self._on_websocket_created
        return self.build(endpoints, credentials, sink, config, on_websocket_created=hook)

    def build(
        self,
        endpoints: Endpoints,
        credentials: Credentials | None,
        sink: EventSink,
        config: Mapping[str, Any] | None = None,
        *,
        on_websocket_created: WebSocketCreated | None = None,
    ) -> AdapterClients:
        """:meth:`create` with an explicit socket hook (see :meth:`__init__`) for this build only.

        Raises:
            FatalAdapterError: an unknown config key or a bad value.
        """
        options = dict(config or {})
        unknown = sorted(set(options) - _CONFIG_KEYS)
        if unknown:
            raise FatalAdapterError(f"unknown Bybit config keys {unknown}; known: {sorted(_CONFIG_KEYS)}")
        keys = {"api_key": credentials.api_key, "api_secret": credentials.api_secret} if credentials else {}
        data_fields = {f.name for f in dataclasses.fields(BybitDataClientConfig)}
        exec_fields = {f.name for f in dataclasses.fields(BybitExecClientConfig)}
        try:
            data_config = BybitDataClientConfig(
                **keys,
                base_url_http=endpoints.rest_base_url,
                **{k: v for k, v in options.items() if k in data_fields},
            )
            exec_config = BybitExecClientConfig(
                **keys,
                base_url_http=endpoints.rest_base_url,
                **{k: v for k, v in options.items() if k in exec_fields},
            )
        except (TypeError, ValueError) as exc:
            raise FatalAdapterError(f"bad Bybit config: {exc}") from exc
        urls = _urls(endpoints)
        credential = data_config.credential()
        http = BybitHttpClient(
            urls.rest_base,
            credential,
            recv_window_ms=data_config.recv_window_ms,
            timeout_s=data_config.http_timeout_s,
            retry_policy=RetryPolicy(
                max_retries=data_config.max_retries,
                initial_delay_s=data_config.retry_delay_s,
                max_delay_s=MAX_RETRY_DELAY_S,
            ),
        )
        provider = BybitInstrumentProvider(http, data_config.product_types)
        hook = on_websocket_created
        data = BybitDataClient(http, provider, urls, sink, data_config, on_websocket_created=hook)
        execution = (
            BybitExecutionClient(http, provider, urls, sink, exec_config, on_websocket_created=hook)
            if credential
            else None
        )
        return AdapterClients(provider=provider, data=data, execution=execution)


def _urls(endpoints: Endpoints) -> BybitUrls:
    base = BybitUrls.local(endpoints.rest_base_url)
    public = {_PRODUCT_SOCKETS[p]: url for p, url in endpoints.ws_public.items() if p in _PRODUCT_SOCKETS}
    # Dated futures stream on the linear/inverse sockets; a FUTURE entry alone stands for linear.
    if Product.FUTURE in endpoints.ws_public and BybitProductType.LINEAR not in public:
        public[BybitProductType.LINEAR] = endpoints.ws_public[Product.FUTURE]
    return dataclasses.replace(
        base,
        public_overrides=public,
        private_override=endpoints.ws_private,
        trade_override=endpoints.ws_trade,
    )
