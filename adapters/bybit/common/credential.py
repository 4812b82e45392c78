"""Bybit API credentials and the two signatures the venue asks for.

REST (§3.2): ``hex(HMAC_SHA256(secret, timestamp + api_key + recv_window + payload))`` where the
payload is the raw query string (GET) or the raw JSON body (POST), exactly the bytes sent.
WebSocket auth (§7.2): ``hex(HMAC_SHA256(secret, "GET/realtime" + expires))``.

The secret never appears in ``repr``/``str`` so that logging a client or a config cannot leak it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

__all__ = ["Credential"]


@dataclass(frozen=True, slots=True)
class Credential:
    """An API key and its secret, able to sign REST requests and WebSocket auth messages."""

    api_key: str
    api_secret: str = field(repr=False)

    def __post_init__(self) -> None:
        """Refuse empty values: an empty key signs requests the venue can only reject with 10003."""
        if not self.api_key or not self.api_secret:
            raise ValueError("Bybit credentials need a non-empty api_key and api_secret")

    def _hmac(self, message: str) -> str:
        return hmac.new(self.api_secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    def sign_rest(self, timestamp_ms: int, recv_window_ms: int, payload: str) -> str:
        """Sign one REST request.

        Args:
            timestamp_ms: the ``X-BAPI-TIMESTAMP`` value sent with it.
            recv_window_ms: the ``X-BAPI-RECV-WINDOW`` value sent with it.
            payload: the raw query string without ``?`` (GET) or the raw JSON body (POST).

        Returns:
            The lowercase hex signature for ``X-BAPI-SIGN``.
        """
        return self._hmac(f"{timestamp_ms}{self.api_key}{recv_window_ms}{payload}")

    def rest_headers(self, timestamp_ms: int, recv_window_ms: int, payload: str) -> dict[str, str]:
        """The four authentication headers of a signed REST request (§3.1)."""
        return {
            "X-BAPI-API-KEY": self.api_key,
            "X-BAPI-TIMESTAMP": str(timestamp_ms),
            "X-BAPI-RECV-WINDOW": str(recv_window_ms),
            "X-BAPI-SIGN": self.sign_rest(timestamp_ms, recv_window_ms, payload),
        }

    def sign_ws(self, expires_ms: int) -> str:
        """Sign a WebSocket ``auth`` op whose ``expires`` is ``expires_ms`` (§7.2)."""
        return self._hmac(f"GET/realtime{expires_ms}")

    def ws_auth_message(self, expires_ms: int) -> dict[str, object]:
        """The ``{"op":"auth","args":[key, expires, signature]}`` message for ``expires_ms``."""
        return {"op": "auth", "args": [self.api_key, expires_ms, self.sign_ws(expires_ms)]}
