"""pybit's stream clients pointed at a local simulator, shared by the pybit stream tests.

pybit builds its stream URL from ``testnet``/``domain``; these subclasses connect to the URL they
are given instead and change nothing else (reconnects go to the same local URL).
"""

from __future__ import annotations

from typing import Any

from pybit.unified_trading import WebSocket, WebSocketTrading

__all__ = ["LocalWebSocket", "LocalWebSocketTrading"]


class _LocalUrl:
    """Mixin: remember ``url`` and connect there whatever URL pybit computed."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        self._local_url = url
        super().__init__(**kwargs)

    def _connect(self, url: str) -> None:
        super()._connect(self._local_url)  # type: ignore[misc]


class LocalWebSocket(_LocalUrl, WebSocket):
    """pybit's public/private stream client, connecting to ``url`` (nothing else changed)."""


class LocalWebSocketTrading(_LocalUrl, WebSocketTrading):
    """pybit's trade-stream client, connecting to ``url`` (nothing else changed)."""
