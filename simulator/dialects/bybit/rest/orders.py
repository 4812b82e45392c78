"""Order-entry routes (§6.13-§6.17): create, amend, cancel, cancel-all and the three batches.

Single requests answer ``{orderId, orderLinkId}``; the order's state reaches clients on the
private WebSocket (rule 19). Batches run each item on its own, in order, and answer two
index-aligned lists: ``result.list[i]`` (a failed item has ``orderId:""`` and echoes its
``orderLinkId``) and ``retExtInfo.list[i]`` (``{code, msg}``). The envelope's ``retCode`` stays 0
however many items fail (§6.17); only a malformed batch as a whole (no ``request`` list, too many
items, a bad category) is refused with 10001. An item the request context lists in
``item_errors`` (a simulator fault) is answered with that refusal without reaching the core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from simulator.core import CancelAll, Exchange, OrderView
from simulator.dialects.bybit.codec import results
from simulator.dialects.bybit.errors import OK, BybitError, Operation, venue_message
from simulator.dialects.bybit.rest.context import Reply, RequestContext
from simulator.dialects.bybit.rest.order_entry import amend_order, cancel_order, create_order
from simulator.dialects.bybit.rest.params import Params, params_error

__all__ = [
    "BATCH_MAX_ITEMS",
    "BATCH_MAX_ITEMS_SPOT",
    "amend",
    "amend_batch",
    "cancel",
    "cancel_all",
    "cancel_batch",
    "create",
    "create_batch",
]

#: §6.17: at most 20 items a batch (option/linear/inverse), 10 on spot.
BATCH_MAX_ITEMS: Final = 20
BATCH_MAX_ITEMS_SPOT: Final = 10

# cancel-all ``orderFilter`` (spot) and ``stopOrderType`` (contracts): conditional orders or not.
_ORDER_FILTERS: Final = {"Order": False, "StopOrder": True, "tpslOrder": True}
_STOP_ORDER_TYPES: Final = {"Stop": True, "TakeProfit": True, "StopLoss": True, "tpslOrder": True}


def _ack(view: OrderView) -> dict[str, str]:
    return results.order_ack(view.order_id, view.client_order_id)


def create(ctx: RequestContext) -> Reply:
    """``POST /v5/order/create`` (§6.13)."""
    category = ctx.params.category()
    assert ctx.account_id is not None
    return Reply(_ack(create_order(ctx.exchange, ctx.account_id, category, ctx.params)))


def amend(ctx: RequestContext) -> Reply:
    """``POST /v5/order/amend`` (§6.14)."""
    category = ctx.params.category()
    assert ctx.account_id is not None
    return Reply(_ack(amend_order(ctx.exchange, ctx.account_id, category, ctx.params)))


def cancel(ctx: RequestContext) -> Reply:
    """``POST /v5/order/cancel`` (§6.15)."""
    category = ctx.params.category()
    assert ctx.account_id is not None
    return Reply(_ack(cancel_order(ctx.exchange, ctx.account_id, category, ctx.params)))


def cancel_all(ctx: RequestContext) -> Reply:
    """``POST /v5/order/cancel-all`` (§6.16): by ``symbol``, else ``baseCoin``, else
    ``settleCoin``; linear and inverse need one of them. ``orderFilter``/``stopOrderType`` pick
    conditional or plain orders."""
    params = ctx.params
    category = params.category()
    assert ctx.account_id is not None
    symbol = params.text("symbol")
    base = params.text("baseCoin")
    settle = params.text("settleCoin")
    if category in ("linear", "inverse") and symbol is None and base is None and settle is None:
        raise params_error(f"symbol, baseCoin or settleCoin is required for {category}")
    conditional = params.choice("orderFilter", _ORDER_FILTERS)
    if conditional is None:
        conditional = params.choice("stopOrderType", _STOP_ORDER_TYPES)
    if symbol is not None:
        cmd = CancelAll(ctx.account_id, ctx.market(category, symbol).instrument.id, conditional=conditional)
    else:
        cmd = CancelAll(
            ctx.account_id,
            market=category,
            base=base.upper() if base is not None else None,
            settle=settle.upper() if settle is not None and base is None else None,
            conditional=conditional,
        )
    cancelled = ctx.exchange.cancel_all(cmd).cancelled
    return Reply(results.cancel_all_result(cancelled))


# -- batches ------------------------------------------------------------------------------------

ItemAction = Callable[[Exchange, str, str, Params], OrderView]


#: The message of an injected item refusal whose code the dialect has no message for.
_INJECTED_MESSAGE: Final = "injected error"


def _refusal(ctx: RequestContext, position: int, operation: Operation) -> BybitError | None:
    """The injected refusal of item ``position`` (0-based), if a fault asks for one."""
    found = ctx.item_errors.get(position)
    if found is None:
        return None
    code, message = found
    if message is None:
        message = venue_message(code, operation=operation) or _INJECTED_MESSAGE
    return BybitError(code, message)


def _batch(ctx: RequestContext, action: ItemAction, operation: Operation, *, with_create_at: bool) -> Reply:
    params = ctx.params
    category = params.category()
    assert ctx.account_id is not None
    request = params.raw("request")
    if not isinstance(request, list) or not request:
        raise params_error("request must be a non-empty list of orders")
    most = BATCH_MAX_ITEMS_SPOT if category == "spot" else BATCH_MAX_ITEMS
    if len(request) > most:
        raise params_error(f"a {category} batch holds at most {most} items, got {len(request)}")
    items: list[dict[str, str]] = []
    outcomes: list[tuple[int, str]] = []
    for position, raw in enumerate(request):
        symbol = raw.get("symbol") if isinstance(raw, dict) else None
        link = raw.get("orderLinkId") if isinstance(raw, dict) else None
        view: OrderView | None = None
        try:
            refusal = _refusal(ctx, position, operation)
            if refusal is not None:
                raise refusal
            if not isinstance(raw, dict):
                raise params_error("each request item must be a JSON object")
            view = action(ctx.exchange, ctx.account_id, category, Params(raw))
        except BybitError as error:
            outcomes.append((error.code, error.message))
        else:
            outcomes.append((OK.code, OK.message))
        items.append(
            results.batch_item(
                view,
                category=category,
                symbol=view.instrument.symbol if view is not None else _text(symbol),
                order_link_id=_text(link),
                with_create_at=with_create_at,
            )
        )
    return Reply(results.batch_result(items), results.batch_ext_info(outcomes))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def create_batch(ctx: RequestContext) -> Reply:
    """``POST /v5/order/create-batch`` (§6.17)."""
    return _batch(ctx, create_order, Operation.CREATE, with_create_at=True)


def amend_batch(ctx: RequestContext) -> Reply:
    """``POST /v5/order/amend-batch`` (§6.17)."""
    return _batch(ctx, amend_order, Operation.AMEND, with_create_at=True)


def cancel_batch(ctx: RequestContext) -> Reply:
    """``POST /v5/order/cancel-batch`` (§6.17): items without ``createAt``."""
    return _batch(ctx, cancel_order, Operation.CANCEL, with_create_at=False)
