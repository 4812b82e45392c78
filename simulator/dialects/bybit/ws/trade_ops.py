"""Order entry over ``/v5/trade`` (§7.7): ``order.create``, ``order.amend``, ``order.cancel`` and
their batch forms, answered in the trade stream's response shape.

One :class:`TradeOps` serves one authenticated trade connection. The session decodes each text
frame and hands every request whose ``op`` is in :attr:`TradeOps.OPS` to :meth:`TradeOps.handle`,
which answers the full response message. The order logic is the REST dialect's own
(:mod:`simulator.dialects.bybit.rest.orders`): ``args[0]`` is exactly the REST body of the op, so
a request refused on REST is refused here with the same code and message, and batches keep the
REST semantics (``retCode`` 0, per-item outcomes in ``retExtInfo.list``).

A request goes through these checks; the first that refuses answers (``data`` ``{}``, or
``{"list": []}`` for a batch op, so that the answer keeps the batch shape clients parse):

1. ``reqId``: a string of at most 36 characters or a number; one this connection already used
   is answered 20006 (§7.8);
2. the key the connection authenticated with is still registered (10003), may trade (10005)
   and names an account of the venue (10007);
3. ``header["X-BAPI-TIMESTAMP"]`` (an int or a numeric string, required) within
   ``X-BAPI-RECV-WINDOW`` (default 5000) of the server time, as on REST (§3.4, 10002);
4. ``args`` holds exactly one JSON object (10001);
5. the op's quota for the account, keyed like the REST endpoint and category
   (``order.create`` on linear shares ``order/create:linear``'s window when the session passes
   the REST API's limiter): 10006 "Too many visits!" when spent;
6. the op itself.

Every answer to a known op carries ``header`` with ``X-Bapi-Limit``, ``X-Bapi-Limit-Status``,
``X-Bapi-Limit-Reset-Timestamp``, ``Traceid`` and ``Timenow``. ``connId`` is ``""``: the session
knows the connection's id and sets ``message["connId"]`` before sending.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Final

from simulator.core import Exchange
from simulator.dialects.bybit.auth import (
    DEFAULT_RECV_WINDOW_MS,
    HEADER_RECV_WINDOW,
    HEADER_TIMESTAMP,
    TIMESTAMP_FUTURE_TOLERANCE_MS,
    TRADE,
    Credentials,
)
from simulator.dialects.bybit.codec.ws_control import NO_REQ_ID, TRADE_OPS, trade_response
from simulator.dialects.bybit.errors import (
    API_KEY_INVALID,
    INVALID_TIMESTAMP,
    PERMISSION_DENIED,
    USER_AUTHENTICATION_FAILED,
    WS_DUPLICATE_REQ_ID,
    WS_OP_NOT_FOUND,
    BybitError,
)
from simulator.dialects.bybit.limits import Decision, RateLimiter, ws_op_key
from simulator.dialects.bybit.rest import orders as rest_orders
from simulator.dialects.bybit.rest.context import Handler, RequestContext
from simulator.dialects.bybit.rest.history import MarketHistory
from simulator.dialects.bybit.rest.params import CATEGORIES, Params, params_error

__all__ = ["CONN_ID_PLACEHOLDER", "REQ_IDS_REMEMBERED", "REQ_ID_MAX_LENGTH", "TradeOps"]

#: §7.7: ``reqId`` is at most 36 characters.
REQ_ID_MAX_LENGTH: Final = 36
#: How many ``reqId``s of one connection are remembered for the duplicate check (20006). Real
#: clients send UUIDs or a counter, so a bounded memory catches every realistic repeat.
REQ_IDS_REMEMBERED: Final = 10_000
#: ``connId`` of every answer: the session replaces it with the connection's id.
CONN_ID_PLACEHOLDER: Final = ""

_HANDLERS: Final[Mapping[str, Handler]] = {
    "order.create": rest_orders.create,
    "order.amend": rest_orders.amend,
    "order.cancel": rest_orders.cancel,
    "order.create-batch": rest_orders.create_batch,
    "order.amend-batch": rest_orders.amend_batch,
    "order.cancel-batch": rest_orders.cancel_batch,
}
assert frozenset(_HANDLERS) == frozenset(TRADE_OPS)


class TradeOps:
    """The order-entry ops of one authenticated trade connection (see the module docstring).

    Parameters:
        exchange: the venue.
        credentials: the venue's keys (looked up on every request, so a removed key stops
            trading at once).
        api_key: the key the connection authenticated with.
        now_ms: the server time in ms (recv window, rate-limit windows, ``Timenow``).
        limiter: the per-account per-endpoint quotas; pass the REST API's to share its windows.
        history: the REST dialect's market history (order entry does not read it; a private one
            is made when ``None``).

    Attributes:
        OPS: the ops :meth:`handle` serves.
    """

    OPS: Final[frozenset[str]] = frozenset(TRADE_OPS)

    def __init__(
        self,
        exchange: Exchange,
        credentials: Credentials,
        api_key: str,
        *,
        now_ms: Callable[[], int],
        limiter: RateLimiter,
        history: MarketHistory | None = None,
    ) -> None:
        self.exchange = exchange
        self.credentials = credentials
        self.api_key = api_key
        self.now_ms = now_ms
        self.limiter = limiter
        self._history = history
        self._req_ids: OrderedDict[tuple[str, Any], None] = OrderedDict()
        self._traces = 0

    def handle(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """Answer one decoded trade request (``{"reqId"?, "header", "op", "args"}``).

        Returns:
            The response message (§7.7): ``reqId`` echoed with its JSON type (absent when the
            request had none), ``retCode``, ``retMsg``, ``op``, ``data``, ``retExtInfo``,
            ``header`` and ``connId`` (``""``, for the session to fill). An op outside
            :attr:`OPS` is answered 10404 with no ``header``. Never raises for anything a client
            sends.
        """
        now = self.now_ms()
        op = request.get("op")
        req_id = request.get("reqId", NO_REQ_ID)
        if op not in self.OPS:
            return _unknown_op(op, req_id)
        batch = op.endswith("-batch")
        args = request.get("args")
        body = args[0] if isinstance(args, list) and len(args) == 1 and isinstance(args[0], dict) else None
        raw_category = body.get("category") if body is not None else None
        category = raw_category if raw_category in CATEGORIES else None
        key = ws_op_key(op, category)
        assert key is not None
        decision: Decision | None = None
        try:
            self._check_req_id(req_id)
            account_id = self._account()
            decision = self.limiter.peek(account_id, key, now)
            self._check_timestamp(request.get("header"), now)
            if body is None:
                raise params_error("args must hold exactly one JSON object: the order request")
            decision = self.limiter.check(account_id, key, now)
            if not decision.allowed:
                raise decision.error()
            ctx = RequestContext(self.exchange, self.history, Params(body), now, account_id=account_id)
            reply = _HANDLERS[op](ctx)
        except BybitError as error:
            empty: dict[str, Any] = {"list": []} if batch else {}
            return trade_response(
                op,
                conn_id=CONN_ID_PLACEHOLDER,
                data=empty,
                header=self._header(decision, key, now),
                req_id=req_id,
                ret_code=error.code,
                ret_msg=error.message,
                ret_ext_info=empty,
            )
        return trade_response(
            op,
            conn_id=CONN_ID_PLACEHOLDER,
            data=reply.result,
            header=self._header(decision, key, now),
            req_id=req_id,
            ret_msg=reply.ret_msg,
            ret_ext_info=reply.ret_ext_info,
        )

    @property
    def history(self) -> MarketHistory:
        if self._history is None:
            self._history = MarketHistory(self.exchange)
        return self._history

    # -- checks -----------------------------------------------------------------------------------

    def _check_req_id(self, req_id: object) -> None:
        if req_id is NO_REQ_ID:
            return
        if isinstance(req_id, bool) or not isinstance(req_id, str | int | float):
            raise params_error(f"reqId must be a string of at most {REQ_ID_MAX_LENGTH} characters")
        if isinstance(req_id, str) and len(req_id) > REQ_ID_MAX_LENGTH:
            raise params_error(f"reqId must be at most {REQ_ID_MAX_LENGTH} characters, got {len(req_id)}")
        # By type and value: the string "7" and the number 7 are different ids as sent.
        seen = (type(req_id).__name__, req_id)
        if seen in self._req_ids:
            raise WS_DUPLICATE_REQ_ID.error()
        self._req_ids[seen] = None
        if len(self._req_ids) > REQ_IDS_REMEMBERED:
            self._req_ids.popitem(last=False)

    def _account(self) -> str:
        key = self.credentials.get(self.api_key)
        if key is None:
            raise API_KEY_INVALID.error()
        if not key.allows(TRADE):
            raise PERMISSION_DENIED.error()
        if key.account_id not in self.exchange.accounts:
            raise USER_AUTHENTICATION_FAILED.error()
        return key.account_id

    @staticmethod
    def _check_timestamp(header: object, now: int) -> None:
        """§7.7: ``X-BAPI-TIMESTAMP`` is required and obeys the REST recv-window rule (§3.4)."""
        if not isinstance(header, Mapping):
            raise params_error(f"header with {HEADER_TIMESTAMP} is required")
        found = {str(name).upper(): value for name, value in header.items()}
        raw_ts = found.get(HEADER_TIMESTAMP)
        if raw_ts is None:
            raise params_error(f"header {HEADER_TIMESTAMP} is required")
        raw_window = found.get(HEADER_RECV_WINDOW)
        window = DEFAULT_RECV_WINDOW_MS if raw_window is None else _millis(raw_window)
        if window is None or window <= 0:
            raise params_error(f"{HEADER_RECV_WINDOW} must be a positive integer, got {raw_window!r}")
        timestamp = _millis(raw_ts)
        if timestamp is None or not (now - window <= timestamp < now + TIMESTAMP_FUTURE_TOLERANCE_MS):
            raise INVALID_TIMESTAMP.format(
                req_timestamp=raw_ts, server_timestamp=now, recv_window=window
            ).error()

    # -- answers ----------------------------------------------------------------------------------

    def _header(self, decision: Decision | None, key: str, now: int) -> dict[str, str]:
        if decision is None:
            # Refused before the account was known: the op's quota, untouched (§4.1 "≈ now").
            limit = self.limiter.quotas.limit_for(key)
            decision = Decision(True, limit, limit, now, now)
        self._traces += 1
        trace = hashlib.blake2b(f"{self.api_key}:{self._traces}".encode(), digest_size=16).hexdigest()
        return decision.ws_header(trace)


def _millis(value: object) -> int | None:
    """A non-negative whole number of ms from a JSON int or a string of digits."""
    if type(value) is int:
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return int(value)
    return None


def _unknown_op(op: object, req_id: object) -> dict[str, Any]:
    """10404 (§7.8) for an op the trade stream does not serve."""
    message: dict[str, Any] = {}
    if req_id is not NO_REQ_ID:
        message["reqId"] = req_id
    message.update(
        retCode=WS_OP_NOT_FOUND.code,
        retMsg=WS_OP_NOT_FOUND.message,
        op=op if isinstance(op, str) else "",
        data={},
        retExtInfo={},
        connId=CONN_ID_PLACEHOLDER,
    )
    return message
