"""Order commands → Bybit request bodies, and the local checks that deny before anything is sent.

:func:`deny_reason` asks the adapter's Capabilities (order type, TIF, trigger, flags, each also
per product) plus the rules capabilities cannot express (post-only needs a limit price, quote
quantity only on spot market orders, no expiry times, the venue's ``orderLinkId`` rules). A
non-None reason becomes ``OrderDenied`` with zero wire traffic; so does a ``SubmitOrder.params``
entry :mod:`adapters.bybit.order_params` cannot map. :func:`place_params` then builds the
``order/create`` body, venue params included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.bybit.capabilities import BYBIT_CAPABILITIES, product_of_instrument_kind
from adapters.bybit.common.consts import ORDER_LINK_ID_CHARSET, ORDER_LINK_ID_MAX_LEN
from adapters.bybit.common.enums import BybitProductType, BybitTriggerDirection
from adapters.bybit.common.mappings import (
    UnsupportedByVenue,
    order_side_to_bybit,
    order_type_to_bybit,
    split_instrument_id,
    time_in_force_to_bybit,
    trigger_type_to_bybit,
)
from adapters.bybit.http.query import AmendOrderParams, CancelOrderParams, PlaceOrderParams
from adapters.bybit.order_params import params_fields, params_problem
from adapters.contract.capabilities import Flag
from adapters.model.commands import CancelOrder, ModifyOrder
from adapters.model.enums import OrderType, TriggerType
from adapters.model.identifiers import ClientOrderId
from adapters.model.instruments import Instrument
from adapters.model.orders import Order

__all__ = [
    "amend_params",
    "cancel_params",
    "client_order_id_problem",
    "deny_reason",
    "event_client_order_id",
    "place_params",
]

_LIMIT_PRICED = frozenset({OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED})


def _flags(order: Order) -> list[Flag]:
    flags = []
    if order.post_only:
        flags.append(Flag.POST_ONLY)
    if order.reduce_only:
        flags.append(Flag.REDUCE_ONLY)
    if order.quote_quantity:
        flags.append(Flag.QUOTE_QUANTITY)
    if order.display_qty is not None:
        flags.append(Flag.DISPLAY_QTY)
    return flags


def client_order_id_problem(client_order_id: ClientOrderId) -> str | None:
    """Why ``client_order_id`` cannot be Bybit's ``orderLinkId`` (§6.13), or ``None`` when it can."""
    value = client_order_id.value
    if len(value) > ORDER_LINK_ID_MAX_LEN:
        return (
            f"INVALID_CLIENT_ORDER_ID: {value!r} has {len(value)} characters; Bybit's orderLinkId "
            f"takes at most {ORDER_LINK_ID_MAX_LEN}"
        )
    bad = sorted(set(value) - ORDER_LINK_ID_CHARSET)
    if bad:
        return (
            f"INVALID_CLIENT_ORDER_ID: {value!r} contains {''.join(bad)!r}; Bybit's orderLinkId takes "
            "letters, digits, '-' and '_' only"
        )
    return None


def deny_reason(
    order: Order, instrument: Instrument, params: Mapping[str, Any] | None = None
) -> str | None:
    """Why Bybit cannot take ``order`` (with ``SubmitOrder.params`` ``params``) as given, or ``None``."""
    problem = client_order_id_problem(order.client_order_id)
    if problem is not None:
        return problem
    product = product_of_instrument_kind(type(instrument).__name__, instrument.is_inverse)
    reason = BYBIT_CAPABILITIES.why_not(
        product=product,
        order_type=order.order_type,
        time_in_force=order.time_in_force,
        trigger_type=order.trigger_type
        if order.order_type not in (OrderType.MARKET, OrderType.LIMIT)
        else None,
        flags=_flags(order),
    )
    if reason is not None:
        return reason
    if order.expire_time_ns is not None:
        return "Bybit orders have no expiry time; drop expire_time_ns"
    if order.post_only and order.order_type not in _LIMIT_PRICED:
        return f"post-only needs a limit order, got {order.order_type.name}"
    if order.quote_quantity and (product.name != "SPOT" or order.order_type is not OrderType.MARKET):
        return "UNSUPPORTED_QUOTE_QUANTITY: Bybit takes quote quantity on spot market orders only"
    try:
        time_in_force_to_bybit(order.time_in_force, order.post_only)
        if order.order_type not in (OrderType.MARKET, OrderType.LIMIT):
            trigger_type_to_bybit(order.trigger_type)
    except UnsupportedByVenue as exc:
        return str(exc)
    if product.name == "SPOT" and order.trigger_type in (TriggerType.MARK_PRICE, TriggerType.INDEX_PRICE):
        return "Bybit spot conditional orders trigger on the last price only"
    return params_problem(params, product, order.order_type)


def place_params(
    order: Order, instrument: Instrument, params: Mapping[str, Any] | None = None
) -> PlaceOrderParams:
    """The ``order/create`` body of an order (and its venue ``params``) :func:`deny_reason` accepted."""
    symbol, product = split_instrument_id(instrument.instrument_id)
    wire_type, direction = order_type_to_bybit(order.order_type, order.order_side)
    conditional = direction is not BybitTriggerDirection.NONE
    spot = product is BybitProductType.SPOT
    market = order.order_type in (OrderType.MARKET, OrderType.STOP_MARKET, OrderType.MARKET_IF_TOUCHED)
    return PlaceOrderParams(
        category=product,
        symbol=symbol,
        side=order_side_to_bybit(order.order_side).value,
        order_type=wire_type.value,
        qty=str(order.quantity),
        price=str(order.price) if order.price is not None and not market else None,
        time_in_force=time_in_force_to_bybit(order.time_in_force, order.post_only).value,
        order_link_id=order.client_order_id.value,
        market_unit=("quoteCoin" if order.quote_quantity else "baseCoin") if spot and market else None,
        reduce_only=True if order.reduce_only else None,
        trigger_price=str(order.trigger_price) if conditional and order.trigger_price is not None else None,
        trigger_direction=direction.value if conditional else None,
        trigger_by=trigger_type_to_bybit(order.trigger_type).value if conditional else None,
        order_filter="StopOrder" if spot and conditional else None,
        **params_fields(params),
    )


def amend_params(command: ModifyOrder) -> AmendOrderParams:
    """The ``order/amend`` body of a modify command (venue id preferred, as the venue does)."""
    symbol, product = split_instrument_id(command.instrument_id)
    return AmendOrderParams(
        category=product,
        symbol=symbol,
        order_id=command.venue_order_id.value if command.venue_order_id else None,
        order_link_id=command.client_order_id.value
        if command.client_order_id and not command.venue_order_id
        else None,
        qty=str(command.quantity) if command.quantity is not None else None,
        price=str(command.price) if command.price is not None else None,
        trigger_price=str(command.trigger_price) if command.trigger_price is not None else None,
    )


def cancel_params(command: CancelOrder, *, with_category: bool = True) -> CancelOrderParams:
    """The ``order/cancel`` body (or a cancel-batch item with ``with_category=False``)."""
    symbol, product = split_instrument_id(command.instrument_id)
    return CancelOrderParams(
        category=product if with_category else None,
        symbol=symbol,
        order_id=command.venue_order_id.value if command.venue_order_id else None,
        order_link_id=command.client_order_id.value
        if command.client_order_id and not command.venue_order_id
        else None,
    )


def event_client_order_id(command: ModifyOrder | CancelOrder, tracked: Any) -> ClientOrderId:
    """The client id a refusal event of ``command`` carries: the command's, else the tracked
    order's (``tracked``, a ``TrackedOrder`` or ``None``), else the venue id (an order placed
    elsewhere)."""
    if command.client_order_id is not None:
        return command.client_order_id
    if tracked is not None:
        return ClientOrderId(str(tracked.client_order_id))
    assert command.venue_order_id is not None
    return ClientOrderId(command.venue_order_id.value)
