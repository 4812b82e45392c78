"""Bybit v5's error vocabulary: codes and messages, the typed dialect error, and the REST envelope.

Every fact here comes from the wire reference (``shared/reference/bybit-v5.md``, cited as §n.m).
Messages the reference quotes as real strings are copied byte for byte; where it gives only a
meaning, the message is venuekit's wording of that meaning and the comment says so.

The dialect's one error hierarchy is :class:`BybitError` (an answer to send: code, message, HTTP
status, headers, retry-after) and :class:`DialectUsageError` (a set-up mistake by whoever
configures the dialect: credentials, quotas). Core rejections are translated with
:func:`reject_error`, never by matching on core message text.

    >>> encode(envelope(0, "OK", {"timeSecond": "1"}, time_ms=1672211918471))
    b'{"retCode":0,"retMsg":"OK","result":{"timeSecond":"1"},"retExtInfo":{},"time":1672211918471}'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

import orjson

from simulator.core import RejectReason

__all__ = [
    "API_KEY_INVALID",
    "AVAILABLE_BALANCE_INSUFFICIENT",
    "EMPTY_SIGN_PARAMS",
    "HTTP_FORBIDDEN",
    "HTTP_OK",
    "HTTP_TOO_MANY_REQUESTS",
    "HTTP_UNAUTHORIZED",
    "INVALID_TIMESTAMP",
    "IP_RATE_LIMITED",
    "ISOLATED_NOT_MODIFIED",
    "LEVERAGE_NOT_MODIFIED",
    "MARGIN_INSUFFICIENT",
    "MARGIN_MODE_NOT_MODIFIED",
    "NOT_SUPPORTED_SYMBOLS",
    "OK",
    "ORDER_AMOUNT_TOO_LOW",
    "ORDER_NOT_EXISTS_AMEND",
    "ORDER_NOT_EXISTS_CANCEL",
    "ORDER_UNCHANGED",
    "PARAMS_ERROR",
    "PERMISSION_DENIED",
    "POSITION_EXISTS_MODE_LOCKED",
    "POSITION_IDX_NOT_MATCH",
    "POSITION_MODE_NOT_MODIFIED",
    "POST_ONLY_REJECT_REASON",
    "POST_ONLY_WOULD_TAKE",
    "RATE_LIMITED",
    "REDUCE_ONLY_NOT_SATISFIED",
    "ROUTE_NOT_FOUND",
    "SERVER_ERROR",
    "SERVER_TIMEOUT",
    "SIGN_ERROR",
    "SPOT_DUPLICATE_ORDER_LINK_ID",
    "SPOT_INSUFFICIENT_BALANCE",
    "SPOT_ORDER_NOT_EXISTS",
    "SPOT_ORDER_VALUE_TOO_LOW",
    "SPOT_PRICE_PRECISION",
    "SPOT_QTY_PRECISION",
    "SPOT_QTY_TOO_LARGE",
    "SPOT_QTY_TOO_LOW",
    "TOO_MANY_ACTIVE_ORDERS",
    "UNIFIED_DUPLICATE_ORDER_LINK_ID",
    "USER_AUTHENTICATION_FAILED",
    "WS_DUPLICATE_REQ_ID",
    "WS_OP_NOT_FOUND",
    "WS_PARAMS_ERROR",
    "WS_PRIVATE_AUTH_PARAMS_ERROR",
    "WS_REPEATED_AUTH",
    "WS_SESSION_TOO_FREQUENT",
    "WS_SIGN_ERROR",
    "WS_SYSTEM_FREQUENCY_PROTECTION",
    "BybitError",
    "DialectUsageError",
    "Operation",
    "VenueError",
    "encode",
    "envelope",
    "reject_error",
    "reject_venue_error",
    "venue_message",
]

# -- HTTP statuses the dialect answers with --------------------------------------------------

HTTP_OK = 200  # §0.1 rule 1: every REST answer, business errors included, is HTTP 200.
HTTP_UNAUTHORIZED = 401  # §3.5: the optional switch for 10003/10004 (real status unverified).
HTTP_FORBIDDEN = 403  # §4.1: the per-IP limit ("access too frequent").
HTTP_TOO_MANY_REQUESTS = 429  # §4.1: system-level frequency protection (test-only injection).


@dataclass(frozen=True, slots=True)
class VenueError:
    """One Bybit error: its ``retCode`` and ``retMsg``. A value to answer with, not an exception.

    ``message`` may hold ``{name}`` fields for :meth:`format` (only the stale-timestamp, bad-sign
    and empty-sign-params messages do).
    """

    code: int
    message: str

    def format(self, **fields: object) -> VenueError:
        """This error with the ``{name}`` fields of its message filled in."""
        return VenueError(self.code, self.message.format(**fields))

    def error(
        self,
        *,
        http_status: int = HTTP_OK,
        headers: Mapping[str, str] | None = None,
        retry_after_ms: int | None = None,
        plain_text: bool = False,
    ) -> BybitError:
        """A :class:`BybitError` carrying this code and message (see :class:`BybitError`)."""
        return BybitError(
            self.code,
            self.message,
            http_status=http_status,
            headers=headers,
            retry_after_ms=retry_after_ms,
            plain_text=plain_text,
        )


# -- general codes (§5.1, §1.2) -------------------------------------------------------------

OK = VenueError(0, "OK")  # §2.1: "OK" is the success retMsg to use.
SERVER_TIMEOUT = VenueError(10000, "Server Timeout")  # §5.1 meaning; retryable.
# §5.1: 10001 is the generic request-parameter error; the dialect appends what was wrong.
PARAMS_ERROR = VenueError(10001, "params error: {detail}")
# §5.2: clients report a bad symbol when the body contains "Not supported symbols".
NOT_SUPPORTED_SYMBOLS = VenueError(10001, "Not supported symbols")
POSITION_IDX_NOT_MATCH = VenueError(10001, "position idx not match position mode")  # §5.5, real string.
# §5.1/§3.5 legacy real string for missing auth headers; clients match "openapi sign params error!".
EMPTY_SIGN_PARAMS = VenueError(
    10001,
    "empty value: apiTimestamp[{timestamp}] apiKey[{api_key}] apiSignature[{signature}]: "
    "openapi sign params error!",
)
# §3.4 real string (pybit #191, sieblyio/bybit-api #236).
INVALID_TIMESTAMP = VenueError(
    10002,
    "invalid request, please check your server timestamp or recv_window param. "
    "req_timestamp[{req_timestamp}],server_timestamp[{server_timestamp}],recv_window[{recv_window}]",
)
API_KEY_INVALID = VenueError(10003, "API key is invalid.")  # §3.5 real string (unknown or missing key).
SIGN_ERROR = VenueError(10004, "error sign! origin_string[{origin_string}]")  # §3.5 real string.
PERMISSION_DENIED = VenueError(10005, "Permission denied, please check your API key permissions.")  # §3.5.
RATE_LIMITED = VenueError(10006, "Too many visits!")  # §4.1 real string; needs a future reset header.
USER_AUTHENTICATION_FAILED = VenueError(10007, "User authentication failed.")  # §5.1 meaning.
SERVER_ERROR = VenueError(10016, "Server error.")  # §5.1 meaning; retryable.
ROUTE_NOT_FOUND = VenueError(10017, "Route not found")  # §1.2 / §5.1 real string: unknown REST path.
# §4.1: the per-IP limit answers HTTP 403 "access too frequent" (body may be plain text); 10018 is
# the (deprecated) IP-limit code of §5.1, kept so the journal has a code to show.
IP_RATE_LIMITED = VenueError(10018, "access too frequent")

# -- contract (linear / inverse / option) order codes (§5.1, §5.5) --------------------------

ORDER_NOT_EXISTS_CANCEL = VenueError(110001, "order not exists or too late to cancel")  # §5.5 real.
ORDER_NOT_EXISTS_AMEND = VenueError(110001, "order not exists or too late to replace")  # §5.5 real.
AVAILABLE_BALANCE_INSUFFICIENT = VenueError(110007, "ab not enough for new order")  # §5.5 real string.
REDUCE_ONLY_NOT_SATISFIED = VenueError(110017, "Reduce-only rule not satisfied")  # §5.1 meaning.
TOO_MANY_ACTIVE_ORDERS = VenueError(110020, "More than 500 active orders")  # §5.1 meaning.
# §5.4 lists 110024 as "bad request"; the wording is the documented meaning.
POSITION_EXISTS_MODE_LOCKED = VenueError(
    110024, "You have an existing position, so position mode cannot be switched"
)
POSITION_MODE_NOT_MODIFIED = VenueError(110025, "Position mode is not modified")  # §5.1 meaning, §5.3.
MARGIN_MODE_NOT_MODIFIED = VenueError(110026, "Cross/isolated margin mode is not modified")  # §5.1 meaning.
LEVERAGE_NOT_MODIFIED = VenueError(110043, "Set leverage not modified")  # §5.1 real string, §5.3.
MARGIN_INSUFFICIENT = VenueError(110044, "Available margin is insufficient")  # §5.1 meaning.
UNIFIED_DUPLICATE_ORDER_LINK_ID = VenueError(110072, "OrderLinkedID is duplicate")  # §5.1 meaning.
ORDER_AMOUNT_TOO_LOW = VenueError(110094, "Order does not meet minimum order value")  # §5.1 meaning.
ISOLATED_NOT_MODIFIED = VenueError(30084, "Isolated not modified")  # §5.1/§5.3: clients treat as success.

# -- spot order codes (§5.1, §5.4, §5.5) ----------------------------------------------------

SPOT_INSUFFICIENT_BALANCE = VenueError(170131, "Insufficient balance.")  # §5.5 real string.
SPOT_PRICE_PRECISION = VenueError(170134, "Order price decimal too long.")  # §5.1 meaning.
# 170135 and 170137 are in §5.4's "invalid order" list; the wording is the documented meaning.
SPOT_QTY_TOO_LARGE = VenueError(170135, "Order quantity too large.")
SPOT_QTY_TOO_LOW = VenueError(170136, "Order quantity lower than the minimum.")  # §5.1 meaning.
SPOT_QTY_PRECISION = VenueError(170137, "Order volume decimal too long.")
SPOT_ORDER_VALUE_TOO_LOW = VenueError(170140, "Order value exceeded lower limit.")  # §5.4 invalid order.
SPOT_DUPLICATE_ORDER_LINK_ID = VenueError(170141, "Duplicate clientOrderId.")  # §5.1 meaning.
SPOT_ORDER_NOT_EXISTS = VenueError(170213, "Order does not exist.")  # §5.5 real string.

# -- post-only (§0.4 rule 20, §5.3) ---------------------------------------------------------

# A post-only create that would cross is accepted (retCode 0) and then pushed cancelled with this
# rejectReason; clients recognise post-only rejections by the substring.
POST_ONLY_REJECT_REASON = "EC_PostOnlyWillTakeLiquidity"
# An *amend* that makes a post-only order cross cannot be accepted-then-cancelled (the order already
# rests), so it is refused; venuekit puts the substring clients look for in the message.
POST_ONLY_WOULD_TAKE = VenueError(10001, f"params error: {POST_ONLY_REJECT_REASON}")
# Amend with nothing to change: 10001 (bad request, §5.4); the wording is venuekit's (unverified).
ORDER_UNCHANGED = VenueError(
    10001, "The order remains unchanged as the parameters entered match the existing ones."
)

# -- WebSocket codes (§7.2, §7.8) -----------------------------------------------------------

# §7.2 real private-stream auth failure text for an expired ``expires`` (pybit #152, #300).
WS_PRIVATE_AUTH_PARAMS_ERROR = "Params Error"
WS_SIGN_ERROR = VenueError(10004, "Invalid sign")  # §7.2 real trade-stream auth failure.
WS_PARAMS_ERROR = VenueError(10001, "Params Error")  # §7.2: 10001 parameter error on trade auth.
WS_REPEATED_AUTH = VenueError(20001, "Repeat auth")  # §7.2/§7.8 code; wording venuekit's.
WS_OP_NOT_FOUND = VenueError(10404, "op not found")  # §7.8 code; wording venuekit's.
WS_SYSTEM_FREQUENCY_PROTECTION = VenueError(10429, "System level frequency protection")  # §7.8.
WS_SESSION_TOO_FREQUENT = VenueError(20003, "Too frequent requests under the same session")  # §7.8.
WS_DUPLICATE_REQ_ID = VenueError(20006, "reqId is duplicated")  # §7.8 / §7.7.


class DialectUsageError(ValueError):
    """A set-up mistake by whoever configures the dialect (credentials, quotas), not a venue answer."""


class BybitError(Exception):
    """A Bybit error answer, raised by dialect code and turned into a response at the route.

    Parameters:
        code: the ``retCode`` (a JSON int on the wire).
        message: the ``retMsg``.
        http_status: the HTTP status to answer with; Bybit answers business errors with 200.
        headers: extra response headers (e.g. the ``X-Bapi-Limit*`` headers of a 10006).
        retry_after_ms: how long a client should wait before retrying, when that is known.
        plain_text: answer with ``message`` as a plain-text body instead of the JSON envelope
            (the per-IP 403 of §4.1 does this).
    """

    def __init__(
        self,
        code: int,
        message: str,
        http_status: int = HTTP_OK,
        headers: Mapping[str, str] | None = None,
        retry_after_ms: int | None = None,
        *,
        plain_text: bool = False,
    ) -> None:
        super().__init__(f"{code}: {message}")
        if type(code) is not int:
            raise TypeError(f"a Bybit retCode is an int, got {code!r}")
        self.code = code
        self.message = message
        self.http_status = http_status
        self.headers: dict[str, str] = dict(headers or {})
        self.retry_after_ms = retry_after_ms
        self.plain_text = plain_text

    def __repr__(self) -> str:
        return f"BybitError(code={self.code}, message={self.message!r}, http_status={self.http_status})"

    @property
    def venue_error(self) -> VenueError:
        """The code and message of this error."""
        return VenueError(self.code, self.message)

    def envelope(self, *, time_ms: int) -> dict[str, Any]:
        """The REST envelope answering with this error (``result`` and ``retExtInfo`` are ``{}``)."""
        return envelope(self.code, self.message, time_ms=time_ms)

    def body(self, *, time_ms: int) -> bytes:
        """The response body: the compact envelope, or the bare message when ``plain_text``."""
        if self.plain_text:
            return self.message.encode()
        return encode(self.envelope(time_ms=time_ms))


def envelope(
    ret_code: int,
    ret_msg: str,
    result: Mapping[str, Any] | None = None,
    ret_ext_info: Mapping[str, Any] | None = None,
    *,
    time_ms: int,
) -> dict[str, Any]:
    """The exact Bybit REST envelope (§2.1, §0.1 rules 1-5).

    ``result`` and ``retExtInfo`` are always objects (``{}`` when ``None``); ``retCode`` and
    ``time`` are ints.

    Raises:
        TypeError: ``ret_code`` or ``time_ms`` is not an int, or ``result`` / ``ret_ext_info`` is
            not a mapping (a list or ``null`` result breaks strict clients, §0.1 rule 2).
    """
    if type(ret_code) is not int:
        raise TypeError(f"retCode must be an int (§0.1 rule 3), got {ret_code!r}")
    if type(time_ms) is not int:
        raise TypeError(f"time must be an int of server ms (§0.1 rule 4), got {time_ms!r}")
    if not isinstance(ret_msg, str):
        raise TypeError(f"retMsg must be a string, got {ret_msg!r}")
    for name, value in (("result", result), ("retExtInfo", ret_ext_info)):
        if value is not None and not isinstance(value, Mapping):
            raise TypeError(f"{name} must be an object (§0.1 rule 2), got {type(value).__name__}")
    return {
        "retCode": ret_code,
        "retMsg": ret_msg,
        "result": dict(result) if result is not None else {},
        "retExtInfo": dict(ret_ext_info) if ret_ext_info is not None else {},
        "time": time_ms,
    }


def encode(payload: Mapping[str, Any]) -> bytes:
    """Compact JSON bytes, no spaces after ``:`` or ``,``, as the venue sends (§0.2 rule 11).

    Raises:
        TypeError: the payload holds a value JSON cannot carry (e.g. a ``Decimal``: the codec
            must format numbers as strings at the instrument's decimals first, §0.3 rule 13).
    """
    try:
        return orjson.dumps(payload)
    except orjson.JSONEncodeError as exc:
        raise TypeError(f"cannot encode a Bybit payload: {exc}") from exc


# -- core rejections → Bybit codes ------------------------------------------------------------


class Operation(Enum):
    """What the client asked for when the core rejected it; some codes depend on it."""

    CREATE = "create"
    AMEND = "amend"
    CANCEL = "cancel"
    SET_LEVERAGE = "set_leverage"
    SWITCH_MODE = "switch_mode"
    SET_MARGIN_MODE = "set_margin_mode"


def _params(detail: str) -> VenueError:
    return PARAMS_ERROR.format(detail=detail)


# Reasons that mean the same on spot and contracts. Parameter problems are 10001 (§5.1), whose
# real messages vary; the detail names the parameter so a user can fix the request.
_COMMON: dict[RejectReason, VenueError] = {
    RejectReason.UNKNOWN_INSTRUMENT: NOT_SUPPORTED_SYMBOLS,
    # The key was valid but names no account the core knows: authentication failed (§5.1 10007).
    RejectReason.UNKNOWN_ACCOUNT: USER_AUTHENTICATION_FAILED,
    RejectReason.INSTRUMENT_NOT_TRADING: _params("symbol is not trading"),
    RejectReason.INVALID_QUANTITY: _params("qty invalid"),
    RejectReason.INVALID_PRICE: _params("price invalid"),
    RejectReason.PRICE_REQUIRED: _params("price is required for a limit order"),
    RejectReason.INVALID_TRIGGER: _params("triggerPrice invalid"),
    RejectReason.INVALID_EXPIRE_TIME: _params("expire time invalid"),
    RejectReason.INVALID_ORDER: _params("invalid order request"),
    RejectReason.POST_ONLY_WOULD_TAKE: POST_ONLY_WOULD_TAKE,
    RejectReason.REDUCE_ONLY_NOT_SUPPORTED: _params("reduceOnly is not supported for this category"),
    RejectReason.NOTHING_TO_AMEND: ORDER_UNCHANGED,
    RejectReason.TOO_MANY_OPEN_ORDERS: TOO_MANY_ACTIVE_ORDERS,
    RejectReason.POSITION_IDX_MISMATCH: POSITION_IDX_NOT_MATCH,
    RejectReason.INVALID_LEVERAGE: _params("leverage invalid"),
    RejectReason.LEVERAGE_NOT_MODIFIED: LEVERAGE_NOT_MODIFIED,
    RejectReason.POSITION_MODE_NOT_MODIFIED: POSITION_MODE_NOT_MODIFIED,
    RejectReason.POSITION_OR_ORDERS_EXIST: POSITION_EXISTS_MODE_LOCKED,
    RejectReason.MARGIN_MODE_NOT_MODIFIED: MARGIN_MODE_NOT_MODIFIED,
    RejectReason.REDUCE_ONLY_WOULD_INCREASE: REDUCE_ONLY_NOT_SATISFIED,
}

_SPOT: dict[RejectReason, VenueError] = {
    RejectReason.QUANTITY_BELOW_MIN: SPOT_QTY_TOO_LOW,
    RejectReason.QUANTITY_ABOVE_MAX: SPOT_QTY_TOO_LARGE,
    RejectReason.QUANTITY_OFF_LOT: SPOT_QTY_PRECISION,
    RejectReason.PRICE_OFF_TICK: SPOT_PRICE_PRECISION,
    RejectReason.NOTIONAL_BELOW_MIN: SPOT_ORDER_VALUE_TOO_LOW,
    RejectReason.INSUFFICIENT_BALANCE: SPOT_INSUFFICIENT_BALANCE,
    RejectReason.INSUFFICIENT_MARGIN: SPOT_INSUFFICIENT_BALANCE,
    RejectReason.DUPLICATE_CLIENT_ORDER_ID: SPOT_DUPLICATE_ORDER_LINK_ID,
    RejectReason.ORDER_NOT_FOUND: SPOT_ORDER_NOT_EXISTS,
    RejectReason.ORDER_CLOSED: SPOT_ORDER_NOT_EXISTS,
}

_CONTRACT: dict[RejectReason, VenueError] = {
    RejectReason.QUANTITY_BELOW_MIN: ORDER_AMOUNT_TOO_LOW,
    RejectReason.QUANTITY_ABOVE_MAX: _params("qty exceeds the maximum order qty"),
    RejectReason.QUANTITY_OFF_LOT: _params("qty is not a multiple of qtyStep"),
    RejectReason.PRICE_OFF_TICK: _params("price is not a multiple of tickSize"),
    RejectReason.NOTIONAL_BELOW_MIN: ORDER_AMOUNT_TOO_LOW,
    RejectReason.INSUFFICIENT_BALANCE: AVAILABLE_BALANCE_INSUFFICIENT,
    RejectReason.INSUFFICIENT_MARGIN: AVAILABLE_BALANCE_INSUFFICIENT,
    RejectReason.DUPLICATE_CLIENT_ORDER_ID: UNIFIED_DUPLICATE_ORDER_LINK_ID,
    RejectReason.ORDER_NOT_FOUND: ORDER_NOT_EXISTS_CANCEL,
    RejectReason.ORDER_CLOSED: ORDER_NOT_EXISTS_CANCEL,
}

_ORDER_GONE = (RejectReason.ORDER_NOT_FOUND, RejectReason.ORDER_CLOSED)


def reject_venue_error(
    reason: RejectReason, *, spot: bool, operation: Operation = Operation.CREATE
) -> VenueError:
    """The Bybit code and message for a core rejection.

    Parameters:
        reason: why the core refused the command.
        spot: whether the instrument is spot (spot has its own 170xxx codes, §5.1).
        operation: what was asked; 110001's message differs for cancel and amend (§5.5), and a
            margin shortfall on set-leverage is 110044 rather than the order-entry 110007.
    """
    if not spot:
        if reason in _ORDER_GONE and operation is Operation.AMEND:
            return ORDER_NOT_EXISTS_AMEND
        if reason is RejectReason.INSUFFICIENT_MARGIN and operation is Operation.SET_LEVERAGE:
            return MARGIN_INSUFFICIENT
    table = _SPOT if spot else _CONTRACT
    found = table.get(reason) or _COMMON.get(reason)
    if found is None:  # pragma: no cover - the completeness test iterates RejectReason
        raise KeyError(f"no Bybit code for core reject reason {reason!r}")
    return found


def reject_error(reason: RejectReason, *, spot: bool, operation: Operation = Operation.CREATE) -> BybitError:
    """:func:`reject_venue_error` as a raisable :class:`BybitError` (HTTP 200, §0.1 rule 1)."""
    return reject_venue_error(reason, spot=spot, operation=operation).error()


@cache
def _messages() -> dict[int, str]:
    """retCode -> the message of the first named error with that code (templates left out)."""
    # 10001's own message is a template; its stem says "parameter problem" better than the first
    # plain 10001 ("Not supported symbols"), which names one particular problem.
    found: dict[int, str] = {PARAMS_ERROR.code: PARAMS_ERROR.message.partition(":")[0]}
    for value in globals().values():
        if isinstance(value, VenueError) and "{" not in value.message:
            found.setdefault(value.code, value.message)
    return found


def venue_message(code: int, *, operation: Operation | None = None) -> str | None:
    """The venue's message for ``code`` (an injected error names only the code), or None.

    ``operation`` picks between messages that depend on it (110001: "... too late to replace"
    for an amend, "... too late to cancel" otherwise, §5.5).
    """
    if code == ORDER_NOT_EXISTS_AMEND.code and operation is Operation.AMEND:
        return ORDER_NOT_EXISTS_AMEND.message
    return _messages().get(code)
