"""How an adapter is built: endpoints, credentials, and the AdapterFactory protocol.

The conformance suite (or an application) finds a factory (see ``discovery``), points it at
URLs - the simulator's or the real venue's - and gets back the three clients, all publishing to
the one sink it passes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

from adapters.contract.capabilities import Capabilities, Product
from adapters.contract.clients import ExecutionClient, InstrumentProvider, MarketDataClient
from adapters.contract.errors import FatalAdapterError, MissingCredentials
from adapters.contract.sink import EventSink

__all__ = ["AdapterClients", "AdapterFactory", "Credentials", "Endpoints"]


def _check_url(name: str, url: object, schemes: tuple[str, ...]) -> None:
    if not isinstance(url, str) or not url.startswith(schemes):
        raise FatalAdapterError(
            f"Endpoints.{name} must be a URL starting with {' or '.join(schemes)}, got {url!r}"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoints:
    """Where the venue is: REST base URL and WebSocket URLs by role.

    ``ws_public`` maps each product to its public stream URL (Bybit has one per category);
    ``ws_private`` is the authenticated stream (orders, fills, positions, wallet); ``ws_trade`` the
    order-entry stream, when the venue has one.
    """

    rest_base_url: str
    ws_public: Mapping[Product, str] = field(default_factory=dict)
    ws_private: str | None = None
    ws_trade: str | None = None

    def __post_init__(self) -> None:
        """Check URL schemes and freeze ``ws_public``.

        Raises:
            FatalAdapterError: a URL with the wrong scheme or a key that is not a Product.
        """
        _check_url("rest_base_url", self.rest_base_url, ("http://", "https://"))
        public = dict(self.ws_public)
        for product, url in public.items():
            if not isinstance(product, Product):
                raise FatalAdapterError(f"Endpoints.ws_public keys must be Product members, got {product!r}")
            _check_url(f"ws_public[{product.name}]", url, ("ws://", "wss://"))
        for name in ("ws_private", "ws_trade"):
            if getattr(self, name) is not None:
                _check_url(name, getattr(self, name), ("ws://", "wss://"))
        object.__setattr__(self, "rest_base_url", self.rest_base_url.rstrip("/"))
        object.__setattr__(self, "ws_public", MappingProxyType(public))

    def __hash__(self) -> int:
        return hash((self.rest_base_url, tuple(sorted((p.name, u) for p, u in self.ws_public.items()))))

    def public_url(self, product: Product) -> str:
        """The public stream URL for ``product``.

        Raises:
            FatalAdapterError: no URL configured for it.
        """
        try:
            return self.ws_public[product]
        except KeyError:
            raise FatalAdapterError(
                f"no public WebSocket URL for {product.name}; add it to Endpoints.ws_public "
                f"(configured: {sorted(p.name for p in self.ws_public)})"
            ) from None


@dataclass(frozen=True, slots=True)
class Credentials:
    """API key and secret (and passphrase, for venues that use one). ``repr`` never shows secrets."""

    api_key: str
    api_secret: str = field(repr=False)
    passphrase: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        """Raises: MissingCredentials when the key or secret is empty."""
        if not self.api_key or not self.api_secret:
            raise MissingCredentials("Credentials need a non-empty api_key and api_secret", field="api_key")

    def __repr__(self) -> str:
        shown = f"{self.api_key[:4]}..." if len(self.api_key) > 8 else "***"
        extra = ", passphrase='***'" if self.passphrase is not None else ""
        return f"Credentials(api_key={shown!r}, api_secret='***'{extra})"

    @classmethod
    def from_env(cls, prefix: str, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read ``<PREFIX>_API_KEY``, ``<PREFIX>_API_SECRET`` and optional ``<PREFIX>_API_PASSPHRASE``.

        Args:
            prefix: e.g. ``"BYBIT"``.
            environ: the environment to read (``os.environ`` by default).

        Raises:
            MissingCredentials: naming the variable that is missing or empty.
        """
        env = os.environ if environ is None else environ
        values = {}
        for part in ("API_KEY", "API_SECRET"):
            name = f"{prefix}_{part}"
            value = env.get(name, "")
            if not value:
                raise MissingCredentials(
                    f"set the environment variable {name} (or pass Credentials(...) explicitly)", env_var=name
                )
            values[part] = value
        return cls(values["API_KEY"], values["API_SECRET"], env.get(f"{prefix}_API_PASSPHRASE") or None)


@dataclass(frozen=True, slots=True)
class AdapterClients:
    """What a factory builds. ``execution`` is None when built without credentials."""

    provider: InstrumentProvider
    data: MarketDataClient
    execution: ExecutionClient | None


@runtime_checkable
class AdapterFactory(Protocol):
    """Builds an adapter's clients.

    ``name`` is the entry-point name (e.g. ``"bybit"``), ``version`` the adapter's version, and
    ``capabilities`` what it claims (it decides which conformance scenarios apply).
    """

    name: str
    version: str
    capabilities: Capabilities

    def create(
        self,
        endpoints: Endpoints,
        credentials: Credentials | None,
        sink: EventSink,
        config: Mapping[str, Any] | None = None,
    ) -> AdapterClients:
        """Build the clients for ``endpoints``, publishing to ``sink``.

        Args:
            endpoints: where the venue is.
            credentials: keys for private endpoints; None builds no execution client.
            sink: where every client publishes.
            config: adapter-specific options (unknown keys raise FatalAdapterError).

        Raises:
            FatalAdapterError: bad config.
        """
        ...
