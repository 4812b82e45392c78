"""Bybit ``retCode`` → the contract's error taxonomy (§5 of the wire reference).

Bybit answers business errors with HTTP 200 and a non-zero ``retCode`` (§0.1), so the mapping
looks at the envelope, not the status. Codes are grouped as real clients group them (§5.4):
authentication, rate limits (with the reset hint from ``X-Bapi-Limit-Reset-Timestamp``), server
errors worth retrying, and everything else as a non-retryable :class:`VenueError` carrying the
venue's code and message verbatim.
"""

from __future__ import annotations

import time
from typing import Any, Final

import orjson

from adapters.contract.errors import (
    AdapterError,
    AuthenticationError,
    RateLimited,
    RetryableTransportError,
    VenueError,
)
from adapters.network.http import HttpResponse
from adapters.network.retry import retry_after_from_reset_ms

__all__ = [
    "AUTH_CODES",
    "ORDER_NOT_FOUND_CODES",
    "RATE_LIMIT_CODES",
    "RETRYABLE_SERVER_CODES",
    "UNPROCESSED_CODES",
    "classify_response",
    "error_from_ret_code",
]

#: §5.4 "authentication" plus 10005 permission denied (a key problem the user must fix).
AUTH_CODES: Final = frozenset({10003, 10004, 10005, 10007, 10009, 10010})
#: §5.4 "rate limited".
RATE_LIMIT_CODES: Final = frozenset({10006, 10018, 170222})
#: §5.1: server timeout / server error / recv-window rejection (a fresh timestamp fixes it).
RETRYABLE_SERVER_CODES: Final = frozenset({10000, 10002, 10016, 170007})
#: Retryable codes that mean the venue refused the request before acting on it (§5.1: 10002,
#: "request timestamp outside the recv window"); the others (server timeout/error) may follow a
#: request the venue did act on.
UNPROCESSED_CODES: Final = frozenset({10002})
#: §5.4 "order not found": cancel/amend of an unknown or closed order.
ORDER_NOT_FOUND_CODES: Final = frozenset({110001, 170213, 20001})
#: Without a reset header, pybit waits 2 s (§4.2); we do the same.
_DEFAULT_RATE_LIMIT_WAIT_S: Final = 2.0


def error_from_ret_code(
    code: int, message: str, *, reset_ms: str | None = None, http_status: int | None = None
) -> AdapterError:
    """The taxonomy error for a non-zero ``retCode``.

    Args:
        code: the venue's ``retCode``.
        message: its ``retMsg``, kept verbatim.
        reset_ms: the ``X-Bapi-Limit-Reset-Timestamp`` header, for 10006.
        http_status: the HTTP status the envelope came with.
    """
    if code in AUTH_CODES:
        return AuthenticationError(f"Bybit refused the credentials ({code}): {message}", code=code)
    if code in RATE_LIMIT_CODES:
        hint = retry_after_from_reset_ms(reset_ms, now_ms=int(time.time() * 1000))
        return RateLimited(
            f"Bybit rate limit ({code}): {message}",
            retry_after_s=_DEFAULT_RATE_LIMIT_WAIT_S if hint is None else hint,
            code=code,
        )
    if code in RETRYABLE_SERVER_CODES:
        return RetryableTransportError(
            f"Bybit server error ({code}): {message}",
            http_status=http_status,
            # 10002 refuses the timestamp before anything else happens: the request did nothing.
            not_processed=code in UNPROCESSED_CODES,
        )
    return VenueError(message, code=code, http_status=http_status)


def _envelope(response: HttpResponse) -> dict[str, Any] | None:
    try:
        data = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        return None
    return data if isinstance(data, dict) and "retCode" in data else None


def classify_response(response: HttpResponse) -> AdapterError | None:
    """The :class:`~adapters.network.http.HttpClient` ``classify`` hook for Bybit.

    A JSON envelope with ``retCode`` 0 is a success; any other ``retCode`` maps through
    :func:`error_from_ret_code` (whatever the HTTP status, since the envelope is more precise).
    HTTP 403 is the IP limit (§4.1) and is rate limiting, not a refusal. Anything else falls
    through to the HTTP client's status mapping.
    """
    envelope = _envelope(response)
    if envelope is not None:
        code = envelope["retCode"]
        if code == 0:
            return None
        return error_from_ret_code(
            int(code),
            str(envelope.get("retMsg", "")),
            reset_ms=response.headers.get("X-Bapi-Limit-Reset-Timestamp"),
            http_status=response.status,
        )
    if response.status == 403:
        return RateLimited(
            f"{response.method} {response.url}: HTTP 403, Bybit's IP rate limit (600 requests / 5 s)",
            retry_after_s=5.0,
            code=403,
        )
    return None
