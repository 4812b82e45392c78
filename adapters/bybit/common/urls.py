"""Bybit base URLs per environment, and the local-venue override (§1.1, §1.2).

Every URL an adapter uses comes from :class:`BybitUrls`, so REST and WebSocket endpoints can never
disagree about which environment they point at. A local venue (the simulator, a recorder) serves
all paths at one origin: :meth:`BybitUrls.local` builds that shape from one base URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

from adapters.bybit.common.enums import BybitProductType

__all__ = ["BybitEnvironment", "BybitUrls"]


class BybitEnvironment(StrEnum):
    """Which Bybit deployment to talk to."""

    MAINNET = "mainnet"
    TESTNET = "testnet"
    DEMO = "demo"


_REST = {
    BybitEnvironment.MAINNET: "https://api.bybit.com",
    BybitEnvironment.TESTNET: "https://api-testnet.bybit.com",
    BybitEnvironment.DEMO: "https://api-demo.bybit.com",
}
_WS = {
    BybitEnvironment.MAINNET: "wss://stream.bybit.com",
    BybitEnvironment.TESTNET: "wss://stream-testnet.bybit.com",
    BybitEnvironment.DEMO: "wss://stream-demo.bybit.com",
}


@dataclass(frozen=True, slots=True)
class BybitUrls:
    """The REST base URL and the WebSocket origin; paths follow the venue's shapes."""

    rest_base: str
    ws_base: str
    #: Explicit stream URLs that win over ``ws_base`` (a factory given URLs per role).
    public_overrides: Mapping[BybitProductType, str] = field(default_factory=dict)
    private_override: str | None = None
    trade_override: str | None = None

    @classmethod
    def for_environment(cls, environment: BybitEnvironment | str) -> BybitUrls:
        """The real venue's URLs for ``environment`` (``mainnet``, ``testnet`` or ``demo``)."""
        env = BybitEnvironment(environment)
        return cls(rest_base=_REST[env], ws_base=_WS[env])

    @classmethod
    def local(cls, rest_base: str, ws_base: str | None = None) -> BybitUrls:
        """URLs of a local venue serving every path at one origin.

        Args:
            rest_base: e.g. ``http://127.0.0.1:8080``.
            ws_base: e.g. ``ws://127.0.0.1:8080``; derived from ``rest_base`` (http→ws) if omitted.
        """
        rest = rest_base.rstrip("/")
        if ws_base is None:
            parts = urlsplit(rest)
            scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
            ws_base = urlunsplit((scheme, parts.netloc, parts.path, "", ""))
        return cls(rest_base=rest, ws_base=ws_base.rstrip("/"))

    def public_ws(self, product: BybitProductType) -> str:
        """The public stream URL of ``product`` (``/v5/public/{spot|linear|inverse|option}``)."""
        override = self.public_overrides.get(product)
        return override if override is not None else f"{self.ws_base}/v5/public/{product.value}"

    @property
    def private_ws(self) -> str:
        """The private stream URL (order, execution, position, wallet)."""
        return self.private_override or f"{self.ws_base}/v5/private"

    @property
    def trade_ws(self) -> str:
        """The order-entry stream URL."""
        return self.trade_override or f"{self.ws_base}/v5/trade"
