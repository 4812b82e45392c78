"""Bybit v5 authentication: REST HMAC-SHA256 over the raw request bytes, and WebSocket ``op:auth``.

Everything here is pure and synchronous; the caller passes the server time in ms (from the core's
clock, so a skewed or virtual clock is honoured).

REST (§3): the client sends ``X-BAPI-API-KEY``, ``X-BAPI-TIMESTAMP``, ``X-BAPI-SIGN`` and
optionally ``X-BAPI-RECV-WINDOW``, and signs ``timestamp + api_key + recv_window + payload`` where
the payload is the raw query string exactly as received (GET) or the raw body bytes (POST). The
server never re-sorts or re-encodes (§0.2 rule 7, §3.3). Only HMAC-SHA256 with a lowercase hex
signature is implemented: the reference marks RSA keys (base64 RSA-SHA256 signatures) out of scope
(§3.1), so such a signature is answered like any other mismatch (10004).

Checks run in this order, the first failure answering: no key header (10003), missing timestamp or
signature (10001 "... openapi sign params error!"), unknown key (10003), timestamp outside the
recv window (10002), signature mismatch (10004), missing permission (10005).

WebSocket (§7.2): ``{"op":"auth","args":[api_key, expires, signature]}`` with
``signature = hex(HMAC_SHA256(secret, "GET/realtime" + expires))``; ``expires`` arrives as a JSON
int or a numeric string. :func:`private_auth_ack` and :func:`trade_auth_ack` build the two
streams' acks, which differ in shape (``success``/``ret_msg``/``conn_id`` vs
``retCode``/``retMsg``/``connId``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

# One sentinel for 'the client sent no req_id/reqId' across acks, pongs and subscribe answers.
from simulator.dialects.bybit.codec.ws_control import NO_REQ_ID
from simulator.dialects.bybit.errors import (
    API_KEY_INVALID,
    EMPTY_SIGN_PARAMS,
    HTTP_OK,
    INVALID_TIMESTAMP,
    OK,
    PARAMS_ERROR,
    PERMISSION_DENIED,
    SIGN_ERROR,
    WS_PARAMS_ERROR,
    WS_PRIVATE_AUTH_PARAMS_ERROR,
    WS_SIGN_ERROR,
    BybitError,
    DialectUsageError,
    VenueError,
)

__all__ = [
    "DEFAULT_PERMISSIONS",
    "DEFAULT_RECV_WINDOW_MS",
    "HEADER_API_KEY",
    "HEADER_RECV_WINDOW",
    "HEADER_SIGN",
    "HEADER_TIMESTAMP",
    "KNOWN_PERMISSIONS",
    "NO_REQ_ID",
    "READ",
    "TIMESTAMP_FUTURE_TOLERANCE_MS",
    "TRADE",
    "WS_AUTH_SIGN_PREFIX",
    "WS_EXPIRES_SLACK_MS",
    "ApiKey",
    "AuthResult",
    "AuthVerdict",
    "Credentials",
    "WsAuthResult",
    "private_auth_ack",
    "rest_auth_headers",
    "rest_origin_string",
    "sign_rest",
    "sign_ws",
    "trade_auth_ack",
    "verify_rest",
    "verify_ws_auth",
    "ws_auth_args",
]

# §3.1 request headers (matched case-insensitively: HTTP header names are).
HEADER_API_KEY: Final = "X-BAPI-API-KEY"
HEADER_TIMESTAMP: Final = "X-BAPI-TIMESTAMP"
HEADER_SIGN: Final = "X-BAPI-SIGN"
HEADER_RECV_WINDOW: Final = "X-BAPI-RECV-WINDOW"
_AUTH_HEADERS = frozenset({HEADER_API_KEY, HEADER_TIMESTAMP, HEADER_SIGN, HEADER_RECV_WINDOW})

DEFAULT_RECV_WINDOW_MS: Final = 5000  # §3.1: X-BAPI-RECV-WINDOW defaults to "5000".
# §3.4 / §0.2 rule 8: accept iff server - recv_window <= timestamp < server + 1000.
TIMESTAMP_FUTURE_TOLERANCE_MS: Final = 1000

WS_AUTH_SIGN_PREFIX: Final = "GET/realtime"  # §7.2: the signed text is this + str(expires).
# §7.2: "allow at least ~1 s of slack, since pybit only adds 1000 ms" to now for ``expires``.
WS_EXPIRES_SLACK_MS: Final = 1000

# API-key permissions as venuekit models them: ``read`` for queries, ``trade`` for order entry and
# position settings. A key without the permission a route needs gets 10005 (§3.5).
READ: Final = "read"
TRADE: Final = "trade"
KNOWN_PERMISSIONS: Final = frozenset({READ, TRADE})
DEFAULT_PERMISSIONS: Final = KNOWN_PERMISSIONS


class AuthVerdict(Enum):
    """The outcome of an authentication check (recorded in the journal)."""

    OK = "ok"
    MISSING_KEY = "missing_key"
    MISSING_PARAMS = "missing_params"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    STALE_TIMESTAMP = "stale_timestamp"
    PERMISSION_DENIED = "permission_denied"


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One API key: its secret, the core account it trades for, and its permissions."""

    api_key: str
    secret: str
    account_id: str
    permissions: frozenset[str] = DEFAULT_PERMISSIONS

    def allows(self, permission: str | None) -> bool:
        """Whether this key may use a route needing ``permission`` (``None``: no permission needed)."""
        return permission is None or permission in self.permissions

    def __repr__(self) -> str:  # never print the secret
        perms = sorted(self.permissions)
        return f"ApiKey(api_key={self.api_key!r}, account_id={self.account_id!r}, permissions={perms})"


class Credentials:
    """The venue's API keys: api key → (secret, account id, permissions). Several accounts allowed."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Iterable[ApiKey] = ()) -> None:
        self._keys: dict[str, ApiKey] = {}
        for key in keys:
            self.add(key.api_key, key.secret, key.account_id, key.permissions)

    def add(
        self,
        api_key: str,
        secret: str,
        account_id: str,
        permissions: Iterable[str] = DEFAULT_PERMISSIONS,
    ) -> ApiKey:
        """Register a key.

        Raises:
            DialectUsageError: an empty key, secret or account id, a key registered twice, or a
                permission other than ``read`` / ``trade``.
        """
        for name, value in (("api key", api_key), ("secret", secret), ("account id", account_id)):
            if not isinstance(value, str) or not value:
                raise DialectUsageError(f"an API key needs a non-empty {name}, got {value!r}")
        if api_key in self._keys:
            raise DialectUsageError(f"API key {api_key!r} is already registered; give each key once")
        perms = frozenset(permissions)
        unknown = perms - KNOWN_PERMISSIONS
        if unknown:
            raise DialectUsageError(
                f"unknown API-key permission(s) {sorted(unknown)} for {api_key!r}; "
                f"use any of {sorted(KNOWN_PERMISSIONS)}"
            )
        key = ApiKey(api_key, secret, account_id, perms)
        self._keys[api_key] = key
        return key

    def remove(self, api_key: str) -> None:
        """Forget a key (its requests then get 10003). Unknown keys are ignored."""
        self._keys.pop(api_key, None)

    def get(self, api_key: str) -> ApiKey | None:
        """The key, or ``None`` if it is not registered."""
        return self._keys.get(api_key)

    def for_account(self, account_id: str) -> list[ApiKey]:
        """Every key that trades for ``account_id``, in registration order."""
        return [key for key in self._keys.values() if key.account_id == account_id]

    def __contains__(self, api_key: object) -> bool:
        return api_key in self._keys

    def __iter__(self) -> Iterator[ApiKey]:
        return iter(self._keys.values())

    def __len__(self) -> int:
        return len(self._keys)


@dataclass(frozen=True, slots=True)
class AuthResult:
    """The verdict on one signed REST request.

    ``error`` is the :class:`BybitError` to answer with (``None`` when ``ok``). ``origin_string``
    is the text the server signed (what a 10004 quotes), once the parameters were present.
    """

    verdict: AuthVerdict
    key: ApiKey | None = None
    error: BybitError | None = None
    origin_string: str | None = None
    timestamp_ms: int | None = None
    recv_window_ms: int | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is AuthVerdict.OK

    @property
    def account_id(self) -> str | None:
        """The account of the key, when the key was known."""
        return self.key.account_id if self.key is not None else None


def rest_origin_string(timestamp: str, api_key: str, recv_window: str, payload: str | bytes) -> str:
    """The REST string to sign (§3.2): ``timestamp + api_key + recv_window + payload``.

    ``payload`` is the raw query string without ``?`` (GET) or the raw body (POST); bytes are
    decoded as UTF-8 (undecodable bytes become U+FFFD, which can then never verify).
    """
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    return f"{timestamp}{api_key}{recv_window}{text}"


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _rest_message(timestamp: str, api_key: str, recv_window: str, payload: str | bytes) -> bytes:
    # Sign the bytes as received: a POST body is never decoded and re-encoded.
    body = payload if isinstance(payload, bytes) else payload.encode()
    return f"{timestamp}{api_key}{recv_window}".encode() + body


def sign_rest(
    secret: str,
    api_key: str,
    timestamp_ms: int | str,
    payload: str | bytes,
    recv_window: int | str | None = DEFAULT_RECV_WINDOW_MS,
) -> str:
    """The lowercase hex HMAC-SHA256 a client sends as ``X-BAPI-SIGN`` (§3.2). For tests.

    ``recv_window=None`` signs with ``""`` in its place, as for a request without the header.
    """
    window = "" if recv_window is None else str(recv_window)
    return _hmac_hex(secret, _rest_message(str(timestamp_ms), api_key, window, payload))


def rest_auth_headers(
    api_key: str,
    secret: str,
    timestamp_ms: int | str,
    payload: str | bytes,
    recv_window: int | str | None = DEFAULT_RECV_WINDOW_MS,
) -> dict[str, str]:
    """The four auth headers of a signed request, as a client builds them. For tests."""
    headers = {
        HEADER_API_KEY: api_key,
        HEADER_TIMESTAMP: str(timestamp_ms),
        HEADER_SIGN: sign_rest(secret, api_key, timestamp_ms, payload, recv_window),
    }
    if recv_window is not None:
        headers[HEADER_RECV_WINDOW] = str(recv_window)
    return headers


def _auth_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The auth headers by canonical name, matched case-insensitively; the first of duplicates wins."""
    found: dict[str, str] = {}
    for name, value in headers.items():
        canonical = name.upper()
        if canonical in _AUTH_HEADERS and canonical not in found:
            found[canonical] = value
    return found


# Longer digit strings are no millisecond time (and int() refuses very long ones outright).
_MAX_DIGITS = 20


def _decimal(text: str) -> int | None:
    """A non-negative int from ASCII decimal digits, or ``None`` (no signs, spaces or exponents)."""
    if text and len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None


def verify_rest(
    credentials: Credentials,
    headers: Mapping[str, str],
    payload: str | bytes,
    now_ms: int,
    *,
    permission: str | None = None,
    auth_error_status: int = HTTP_OK,
) -> AuthResult:
    """Verify a signed REST request (§3).

    Parameters:
        credentials: the venue's keys.
        headers: the request headers (any mapping; names are matched case-insensitively).
        payload: ``request.rel_url.raw_query_string`` for GET, ``await request.read()`` for POST.
        now_ms: the server time in ms.
        permission: what the route needs (:data:`READ`, :data:`TRADE` or ``None``).
        auth_error_status: HTTP status for 10003/10004; 200 by default, 401 as the switch §3.5
            offers (real Bybit's status is unverified).

    Returns:
        An :class:`AuthResult`; never raises for anything a client sends.
    """
    found = _auth_headers(headers)
    api_key = found.get(HEADER_API_KEY, "")
    timestamp = found.get(HEADER_TIMESTAMP, "")
    signature = found.get(HEADER_SIGN, "")
    window_text = found.get(HEADER_RECV_WINDOW)

    if not api_key:
        # §3.5: "Key unknown or missing" → 10003.
        return AuthResult(AuthVerdict.MISSING_KEY, error=API_KEY_INVALID.error(http_status=auth_error_status))
    if not timestamp or not signature:
        error = EMPTY_SIGN_PARAMS.format(timestamp=timestamp, api_key=api_key, signature=signature).error()
        return AuthResult(AuthVerdict.MISSING_PARAMS, error=error)
    if window_text is None:
        recv_window = DEFAULT_RECV_WINDOW_MS
    else:
        parsed = _decimal(window_text)
        if parsed is None or parsed == 0:
            error = PARAMS_ERROR.format(detail=f"recv_window[{window_text}] must be a positive integer")
            return AuthResult(AuthVerdict.MISSING_PARAMS, error=error.error())
        recv_window = parsed

    key = credentials.get(api_key)
    if key is None:
        return AuthResult(AuthVerdict.UNKNOWN_KEY, error=API_KEY_INVALID.error(http_status=auth_error_status))

    timestamp_ms = _decimal(timestamp)
    if timestamp_ms is None or not (
        now_ms - recv_window <= timestamp_ms < now_ms + TIMESTAMP_FUTURE_TOLERANCE_MS
    ):
        error = INVALID_TIMESTAMP.format(
            req_timestamp=timestamp, server_timestamp=now_ms, recv_window=recv_window
        ).error()
        return AuthResult(
            AuthVerdict.STALE_TIMESTAMP,
            key=key,
            error=error,
            timestamp_ms=timestamp_ms,
            recv_window_ms=recv_window,
        )

    # §3.2: the header's own string goes into the signed text, "" when the header is absent.
    signed_window = "" if window_text is None else window_text
    origin = rest_origin_string(timestamp, api_key, signed_window, payload)
    expected = _hmac_hex(key.secret, _rest_message(timestamp, api_key, signed_window, payload))
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        error = SIGN_ERROR.format(origin_string=origin).error(http_status=auth_error_status)
        return AuthResult(
            AuthVerdict.BAD_SIGNATURE,
            key=key,
            error=error,
            origin_string=origin,
            timestamp_ms=timestamp_ms,
            recv_window_ms=recv_window,
        )
    if not key.allows(permission):
        return AuthResult(
            AuthVerdict.PERMISSION_DENIED,
            key=key,
            error=PERMISSION_DENIED.error(),
            origin_string=origin,
            timestamp_ms=timestamp_ms,
            recv_window_ms=recv_window,
        )
    return AuthResult(
        AuthVerdict.OK, key=key, origin_string=origin, timestamp_ms=timestamp_ms, recv_window_ms=recv_window
    )


# -- WebSocket ---------------------------------------------------------------------------------


def sign_ws(secret: str, expires: int | str) -> str:
    """The hex HMAC-SHA256 of ``"GET/realtime" + expires`` a client sends in ``op:auth`` (§7.2)."""
    return _hmac_hex(secret, f"{WS_AUTH_SIGN_PREFIX}{expires}".encode())


def ws_auth_args(api_key: str, secret: str, expires: int | str) -> list[Any]:
    """The ``args`` of an ``op:auth`` message, as a client builds them. For tests."""
    return [api_key, expires, sign_ws(secret, expires)]


@dataclass(frozen=True, slots=True)
class WsAuthResult:
    """The verdict on one WebSocket ``op:auth``, with the ack each stream answers with."""

    verdict: AuthVerdict
    key: ApiKey | None = None
    expires_ms: int | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is AuthVerdict.OK

    @property
    def account_id(self) -> str | None:
        return self.key.account_id if self.key is not None else None

    @property
    def private_reason(self) -> str:
        """The ``ret_msg`` of the ``/v5/private`` ack (``""`` on success)."""
        return _PRIVATE_REASONS[self.verdict]

    @property
    def trade_error(self) -> VenueError:
        """The ``retCode``/``retMsg`` of the ``/v5/trade`` ack (0 "OK" on success)."""
        return _TRADE_ERRORS[self.verdict]

    def private_ack(self, conn_id: str, req_id: object = NO_REQ_ID) -> dict[str, Any]:
        """The ``/v5/private`` auth ack for this verdict."""
        return private_auth_ack(conn_id, success=self.ok, ret_msg=self.private_reason, req_id=req_id)

    def trade_ack(self, conn_id: str, req_id: object = NO_REQ_ID) -> dict[str, Any]:
        """The ``/v5/trade`` auth ack for this verdict."""
        return trade_auth_ack(conn_id, error=self.trade_error, req_id=req_id)


# §7.2: an expired ``expires`` is answered "Params Error" on /v5/private (real). The other failure
# texts are venuekit's (the reference gives no real private-stream strings for them).
_PRIVATE_REASONS: dict[AuthVerdict, str] = {
    AuthVerdict.OK: "",
    AuthVerdict.MISSING_KEY: WS_PRIVATE_AUTH_PARAMS_ERROR,
    AuthVerdict.MISSING_PARAMS: WS_PRIVATE_AUTH_PARAMS_ERROR,
    AuthVerdict.STALE_TIMESTAMP: WS_PRIVATE_AUTH_PARAMS_ERROR,
    AuthVerdict.UNKNOWN_KEY: API_KEY_INVALID.message,
    AuthVerdict.BAD_SIGNATURE: WS_SIGN_ERROR.message,
    AuthVerdict.PERMISSION_DENIED: PERMISSION_DENIED.message,
}
# §7.2: trade-stream failures carry 10004 "Invalid sign" or 10001 (parameter error).
_TRADE_ERRORS: dict[AuthVerdict, VenueError] = {
    AuthVerdict.OK: OK,
    AuthVerdict.MISSING_KEY: WS_PARAMS_ERROR,
    AuthVerdict.MISSING_PARAMS: WS_PARAMS_ERROR,
    AuthVerdict.STALE_TIMESTAMP: WS_PARAMS_ERROR,
    AuthVerdict.UNKNOWN_KEY: API_KEY_INVALID,
    AuthVerdict.BAD_SIGNATURE: WS_SIGN_ERROR,
    AuthVerdict.PERMISSION_DENIED: PERMISSION_DENIED,
}


def _parse_expires(value: object) -> tuple[int, str] | None:
    """``expires`` as (ms, the digits the client signed); a JSON int or a numeric string (§7.2)."""
    if type(value) is int:
        return value, str(value)
    if isinstance(value, str):
        parsed = _decimal(value)
        if parsed is not None:
            return parsed, value
    return None


def verify_ws_auth(
    credentials: Credentials,
    args: object,
    now_ms: int,
    *,
    permission: str | None = None,
    slack_ms: int = WS_EXPIRES_SLACK_MS,
) -> WsAuthResult:
    """Verify the ``args`` of an ``op:auth`` message (§7.2).

    Parameters:
        credentials: the venue's keys.
        args: the message's ``args`` as decoded: ``[api_key, expires, signature]``.
        now_ms: the server time in ms.
        permission: what the stream needs (e.g. :data:`TRADE` on ``/v5/trade``).
        slack_ms: ``expires`` is accepted iff ``expires >= now_ms - slack_ms``.

    Returns:
        A :class:`WsAuthResult`; never raises for anything a client sends.
    """
    if not isinstance(args, Sequence) or isinstance(args, str | bytes) or len(args) != 3:
        return WsAuthResult(AuthVerdict.MISSING_PARAMS)
    api_key, raw_expires, signature = args
    if not isinstance(api_key, str) or not api_key:
        return WsAuthResult(AuthVerdict.MISSING_KEY)
    expires = _parse_expires(raw_expires)
    if expires is None or not isinstance(signature, str) or not signature:
        return WsAuthResult(AuthVerdict.MISSING_PARAMS)
    expires_ms, digits = expires
    key = credentials.get(api_key)
    if key is None:
        return WsAuthResult(AuthVerdict.UNKNOWN_KEY, expires_ms=expires_ms)
    if expires_ms < now_ms - slack_ms:
        return WsAuthResult(AuthVerdict.STALE_TIMESTAMP, key=key, expires_ms=expires_ms)
    expected = sign_ws(key.secret, digits)
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return WsAuthResult(AuthVerdict.BAD_SIGNATURE, key=key, expires_ms=expires_ms)
    if not key.allows(permission):
        return WsAuthResult(AuthVerdict.PERMISSION_DENIED, key=key, expires_ms=expires_ms)
    return WsAuthResult(AuthVerdict.OK, key=key, expires_ms=expires_ms)


def private_auth_ack(
    conn_id: str, *, success: bool = True, ret_msg: str = "", req_id: object = NO_REQ_ID
) -> dict[str, Any]:
    """The ``/v5/private`` auth ack (§7.2): ``{"success","ret_msg","op":"auth","conn_id"[,"req_id"]}``.

    ``conn_id`` is required by strict clients (§0.7 rule 31); ``req_id`` is echoed only if sent.
    """
    ack: dict[str, Any] = {"success": success, "ret_msg": ret_msg, "op": "auth", "conn_id": conn_id}
    if req_id is not NO_REQ_ID:
        ack["req_id"] = req_id
    return ack


def trade_auth_ack(conn_id: str, *, error: VenueError = OK, req_id: object = NO_REQ_ID) -> dict[str, Any]:
    """The ``/v5/trade`` auth ack (§7.2): ``{"retCode","retMsg","op":"auth","connId"[,"reqId"]}``.

    ``error`` is ``OK`` on success, else e.g. ``WS_SIGN_ERROR`` (10004), ``WS_PARAMS_ERROR``
    (10001) or ``WS_REPEATED_AUTH`` (20001). ``connId`` is required (§0.7 rule 31).
    """
    ack: dict[str, Any] = {"retCode": error.code, "retMsg": error.message, "op": "auth", "connId": conn_id}
    if req_id is not NO_REQ_ID:
        ack["reqId"] = req_id
    return ack
