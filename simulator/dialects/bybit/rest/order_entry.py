"""Order entry: a Bybit create, amend or cancel request as a core command, and its outcome.

Shared by the single and batch REST routes (and meant for the ``/v5/trade`` WebSocket ops, which
carry the same bodies, §7.7). Each function takes the request's parameters, runs one core command
and returns the order's view, or raises :class:`~simulator.dialects.bybit.errors.BybitError`
with the code the venue answers:

* request problems the dialect sees itself (a missing or mistyped field, a bad ``orderLinkId``)
  are ``10001 params error: ...`` and reach no core command;
* core rejections go through :func:`~simulator.dialects.bybit.errors.reject_venue_error`
  (spot and contract codes differ, §5.1), with the core's reason appended to ``10001`` messages;
* a post-only order that would take liquidity is **not** an error (rule 20): the core rejects it
  with an order id, and the route answers ``retCode 0`` with that id.

How Bybit's fields map to the core (§6.13-§6.15):

* ``timeInForce`` ``GTC``/``IOC``/``FOK``; ``PostOnly`` (and ``RPI``, a maker-only order) are
  post-only GTC. Market orders are always IOC; their ``price`` and ``timeInForce`` are ignored.
* ``marketUnit`` (spot market orders): ``quoteCoin`` sizes ``qty`` in the quote coin. As on
  Bybit, a spot market **buy** defaults to ``quoteCoin`` and a sell to ``baseCoin``.
* ``triggerPrice`` makes a conditional order (``triggerBy`` ``LastPrice``/``MarkPrice``/
  ``IndexPrice``, ``triggerDirection`` 1 rise / 2 fall, inferred when absent).
* ``closeOnTrigger: true`` makes the order reduce-only (Bybit's meaning: it only closes).
* ``takeProfit``/``stopLoss`` attached to an order, ``isLeverage:1`` (spot margin) and
  ``tpslMode:Partial`` are not modelled by the core: they are refused with a 10001 that says so,
  rather than silently ignored.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from simulator.core import (
    AmendOrder,
    CancelOrder,
    Exchange,
    NewOrder,
    OrderResult,
    OrderType,
    OrderView,
    RejectReason,
    Side,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
)
from simulator.core.market import MarketState
from simulator.dialects.bybit.errors import PARAMS_ERROR, BybitError, Operation, reject_venue_error
from simulator.dialects.bybit.rest.context import find_market
from simulator.dialects.bybit.rest.params import Params, params_error, unsupported_symbol

__all__ = [
    "ORDER_LINK_ID_MAX_LENGTH",
    "TRIGGER_BY",
    "amend_order",
    "cancel_order",
    "core_error",
    "create_order",
    "order_link_id",
]

#: §6.13: orderLinkId is at most 36 characters of [A-Za-z0-9_-].
ORDER_LINK_ID_MAX_LENGTH: Final = 36
_ORDER_LINK_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,36}")

_SIDES: Final = {"Buy": Side.BUY, "Sell": Side.SELL}
_ORDER_TYPES: Final = {"Market": OrderType.MARKET, "Limit": OrderType.LIMIT}
# (time in force, post-only) per §6.13 timeInForce.
_TIME_IN_FORCE: Final = {
    "GTC": (TimeInForce.GTC, False),
    "IOC": (TimeInForce.IOC, False),
    "FOK": (TimeInForce.FOK, False),
    "PostOnly": (TimeInForce.GTC, True),
    "RPI": (TimeInForce.GTC, True),
}
#: Appendix A ``triggerBy`` (order) and the trading-stop ``tpTriggerBy``/``slTriggerBy``.
TRIGGER_BY: Final = {"LastPrice": TriggerBy.LAST, "MarkPrice": TriggerBy.MARK, "IndexPrice": TriggerBy.INDEX}
_TRIGGER_DIRECTION: Final = {1: TriggerDirection.RISE, 2: TriggerDirection.FALL}
_MARKET_UNITS: Final = {"baseCoin": False, "quoteCoin": True}
_ZERO = Decimal(0)


def core_error(reason: RejectReason, message: str, *, spot: bool, operation: Operation) -> BybitError:
    """The venue's answer to a core rejection; a ``10001``'s message also says why (house rule 8)."""
    venue = reject_venue_error(reason, spot=spot, operation=operation)
    text = venue.message
    if venue.code == PARAMS_ERROR.code and message:
        text = f"{text} ({message})"
    return BybitError(venue.code, text)


def order_link_id(params: Params) -> str:
    """The request's ``orderLinkId`` (``""`` when none).

    Raises:
        BybitError: 10001 when it is not 1-36 characters of ``[A-Za-z0-9_-]``.
    """
    value = params.text("orderLinkId")
    if value is None:
        return ""
    if not _ORDER_LINK_ID.fullmatch(value):
        raise params_error(
            f"orderLinkId must be 1-{ORDER_LINK_ID_MAX_LENGTH} characters of A-Z, a-z, 0-9, '_' and '-'"
        )
    return value


def _market(exchange: Exchange, category: str, params: Params) -> MarketState:
    symbol = params.required_text("symbol")
    market = find_market(exchange, category, symbol)
    if market is None:
        raise unsupported_symbol(symbol, category)
    return market


def _unsupported(params: Params, *names: str) -> None:
    for name in names:
        value = params.raw(name)
        if value is None:
            continue
        number = params.decimal(name)
        if number:
            raise params_error(
                f"{name} is not supported by venuekit on this request; "
                "set take-profit and stop-loss with /v5/position/trading-stop"
            )


def new_order(exchange: Exchange, account_id: str, category: str, params: Params) -> NewOrder:
    """The core command for a create request (see the module docstring).

    Raises:
        BybitError: 10001 for a request the venue refuses before matching.
    """
    market = _market(exchange, category, params)
    inst = market.instrument
    side = params.choice("side", _SIDES)
    if side is None:
        raise params_error("side is required; Buy or Sell")
    order_type = params.choice("orderType", _ORDER_TYPES)
    if order_type is None:
        raise params_error("orderType is required; Market or Limit")
    qty = params.decimal("qty", required=True)
    link_id = order_link_id(params)
    if inst.is_option and not link_id:
        raise params_error("orderLinkId is required for options")
    tif, post_only = params.choice("timeInForce", _TIME_IN_FORCE) or (TimeInForce.GTC, False)
    price = params.decimal("price")
    quote_quantity = False
    if order_type is OrderType.MARKET:
        # §6.13: market orders are always IOC; a price is ignored.
        tif, post_only, price = TimeInForce.IOC, False, None
        if inst.is_spot:
            quote_quantity = bool(params.choice("marketUnit", _MARKET_UNITS, default=side is Side.BUY))
    if inst.is_spot and params.integer("isLeverage", default=0) != 0:
        raise params_error("isLeverage must be 0: venuekit has no spot margin trading")
    _unsupported(params, "takeProfit", "stopLoss")
    trigger_price = params.decimal("triggerPrice")
    trigger_by = params.choice("triggerBy", TRIGGER_BY, default=TriggerBy.LAST)
    direction_code = params.integer("triggerDirection", default=0)
    if direction_code not in (0, 1, 2):
        raise params_error(f"triggerDirection must be 1 (rise) or 2 (fall), got {direction_code}")
    position_idx = params.integer("positionIdx", default=0)
    assert qty is not None and position_idx is not None
    conditional = trigger_price is not None and trigger_price != 0
    reduce_only = params.boolean("reduceOnly") or params.boolean("closeOnTrigger")
    return NewOrder(
        account_id=account_id,
        instrument_id=inst.id,
        side=side,
        order_type=order_type,
        qty=qty,
        price=price,
        time_in_force=tif,
        post_only=post_only,
        reduce_only=reduce_only,
        quote_quantity=quote_quantity,
        client_order_id=link_id,
        position_idx=position_idx,
        trigger_price=trigger_price if conditional else None,
        trigger_by=(trigger_by or TriggerBy.LAST) if conditional else TriggerBy.LAST,
        trigger_direction=_TRIGGER_DIRECTION.get(direction_code or 0) if conditional else None,
    )


def _outcome(result: OrderResult, *, spot: bool, operation: Operation) -> OrderView:
    if result.order is not None and (result.ok or result.reason is RejectReason.POST_ONLY_WOULD_TAKE):
        return result.order
    assert result.reason is not None
    raise core_error(result.reason, result.message, spot=spot, operation=operation)


def create_order(exchange: Exchange, account_id: str, category: str, params: Params) -> OrderView:
    """Place the order a create request asks for; returns its view (a post-only order that would
    take liquidity included: it has an id and reads ``Cancelled``, rule 20).

    Raises:
        BybitError: the venue's refusal.
    """
    cmd = new_order(exchange, account_id, category, params)
    spot = exchange.markets[cmd.instrument_id].instrument.is_spot
    return _outcome(exchange.place_order(cmd), spot=spot, operation=Operation.CREATE)


def _ids(params: Params) -> tuple[str, str]:
    order_id = params.text("orderId") or ""
    link_id = params.text("orderLinkId") or ""
    if not order_id and not link_id:
        raise params_error("orderId or orderLinkId is required")
    return order_id, link_id


def amend_order(exchange: Exchange, account_id: str, category: str, params: Params) -> OrderView:
    """Amend price, quantity or trigger price of an open order (§6.14).

    Raises:
        BybitError: the venue's refusal (110001 "... too late to replace" when it is not open).
    """
    market = _market(exchange, category, params)
    order_id, link_id = _ids(params)
    _unsupported(params, "takeProfit", "stopLoss")
    cmd = AmendOrder(
        account_id,
        market.instrument.id,
        order_id,
        link_id,
        qty=params.decimal("qty"),
        price=params.decimal("price"),
        trigger_price=params.decimal("triggerPrice"),
    )
    return _outcome(exchange.amend_order(cmd), spot=market.instrument.is_spot, operation=Operation.AMEND)


def cancel_order(exchange: Exchange, account_id: str, category: str, params: Params) -> OrderView:
    """Cancel an open order by ``orderId`` (wins when both are given) or ``orderLinkId`` (§6.15).

    Raises:
        BybitError: the venue's refusal (110001, spot 170213, when it is not open).
    """
    market = _market(exchange, category, params)
    order_id, link_id = _ids(params)
    cmd = CancelOrder(account_id, market.instrument.id, order_id, link_id)
    return _outcome(exchange.cancel_order(cmd), spot=market.instrument.is_spot, operation=Operation.CANCEL)
