"""Orders and executions: the REST objects (§6.18, §6.19) and the private WS push items (§7.6).

Spot and contract objects differ in which keys are present, and real clients tell them apart
that way (rule 18): contract orders carry ``tpslMode`` (even ``""``) and ``createType``, spot
orders neither; contract executions carry ``createType``, spot executions do not. The key sets
are listed below as constants, in the order of the reference examples.

``OrderView`` snapshots come from order events (the state at the event) or from
``Exchange.order()``/``open_orders()``/``order_history()``. An execution is built from a
``Fill`` and the view of its order: ``OrderFilled`` carries both at the moment of the fill;
for the REST execution list, pass the order's current view (``leavesQty`` is then current).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.core.enums import LiquiditySide, OrderType
from simulator.core.events import Fill
from simulator.core.instruments import Instrument
from simulator.core.orders import OrderView
from simulator.dialects.bybit.codec import mappings
from simulator.dialects.bybit.codec.numbers import (
    avg_price,
    money,
    ms_str,
    price,
    price_or,
    rate,
    reference_price_or,
    size,
)

__all__ = [
    "EXECUTION_FAST_KEYS",
    "EXECUTION_REST_KEYS_CONTRACT",
    "EXECUTION_REST_KEYS_SPOT",
    "EXECUTION_WS_KEYS_CONTRACT",
    "EXECUTION_WS_KEYS_SPOT",
    "ORDER_REST_KEYS_CONTRACT",
    "ORDER_REST_KEYS_SPOT",
    "ORDER_WS_KEYS_CONTRACT",
    "ORDER_WS_KEYS_SPOT",
    "SMP_TYPE",
    "execution_fast",
    "execution_rest",
    "execution_ws",
    "order_rest",
    "order_ws",
]

_ZERO = Decimal(0)

#: ``smpType``: the core has no self-match prevention (Appendix A: ``None``).
SMP_TYPE = "None"

ORDER_REST_KEYS_CONTRACT = (
    "orderId", "orderLinkId", "blockTradeId", "symbol", "price", "qty", "side", "isLeverage",
    "positionIdx", "orderStatus", "createType", "cancelType", "rejectReason", "avgPrice",
    "leavesQty", "leavesValue", "cumExecQty", "cumExecValue", "cumExecFee", "timeInForce",
    "orderType", "stopOrderType", "orderIv", "triggerPrice", "takeProfit", "stopLoss",
    "tpTriggerBy", "slTriggerBy", "triggerDirection", "triggerBy", "lastPriceOnCreated",
    "reduceOnly", "closeOnTrigger", "smpType", "smpGroup", "smpOrderId", "tpslMode",
    "tpLimitPrice", "slLimitPrice", "placeType", "createdTime", "updatedTime", "cumFeeDetail",
)  # fmt: skip
ORDER_REST_KEYS_SPOT = (
    "orderId", "orderLinkId", "blockTradeId", "symbol", "price", "qty", "side", "isLeverage",
    "positionIdx", "orderStatus", "cancelType", "rejectReason", "avgPrice", "leavesQty",
    "leavesValue", "cumExecQty", "cumExecValue", "cumExecFee", "timeInForce", "orderType",
    "stopOrderType", "orderIv", "triggerPrice", "takeProfit", "stopLoss", "tpTriggerBy",
    "slTriggerBy", "triggerDirection", "triggerBy", "lastPriceOnCreated", "reduceOnly",
    "closeOnTrigger", "smpType", "smpGroup", "smpOrderId", "tpLimitPrice", "slLimitPrice",
    "placeType", "basePrice", "createdTime", "updatedTime", "marketUnit", "cumFeeDetail",
)  # fmt: skip
ORDER_WS_KEYS_CONTRACT = (
    "category", "symbol", "orderId", "orderLinkId", "blockTradeId", "side", "positionIdx",
    "orderStatus", "cancelType", "rejectReason", "timeInForce", "isLeverage", "price", "qty",
    "avgPrice", "leavesQty", "leavesValue", "cumExecQty", "cumExecValue", "cumExecFee",
    "closedPnl", "orderType", "stopOrderType", "orderIv", "triggerPrice", "takeProfit",
    "stopLoss", "tpTriggerBy", "slTriggerBy", "tpLimitPrice", "slLimitPrice", "triggerDirection",
    "triggerBy", "lastPriceOnCreated", "reduceOnly", "closeOnTrigger", "placeType", "smpType",
    "smpGroup", "smpOrderId", "tpslMode", "createType", "feeCurrency", "createdTime",
    "updatedTime", "cumFeeDetail",
)  # fmt: skip
ORDER_WS_KEYS_SPOT = (
    "category", "symbol", "orderId", "orderLinkId", "blockTradeId", "side", "positionIdx",
    "orderStatus", "cancelType", "rejectReason", "timeInForce", "isLeverage", "price", "qty",
    "avgPrice", "leavesQty", "leavesValue", "cumExecQty", "cumExecValue", "cumExecFee",
    "closedPnl", "orderType", "stopOrderType", "orderIv", "triggerPrice", "takeProfit",
    "stopLoss", "tpTriggerBy", "slTriggerBy", "tpLimitPrice", "slLimitPrice", "triggerDirection",
    "triggerBy", "lastPriceOnCreated", "reduceOnly", "closeOnTrigger", "placeType", "smpType",
    "smpGroup", "smpOrderId", "feeCurrency", "createdTime", "updatedTime", "marketUnit",
    "cumFeeDetail",
)  # fmt: skip
EXECUTION_REST_KEYS_CONTRACT = (
    "symbol", "orderType", "underlyingPrice", "orderLinkId", "side", "indexPrice", "orderId",
    "stopOrderType", "leavesQty", "execTime", "feeCurrency", "isMaker", "execFee", "feeRate",
    "execId", "tradeIv", "blockTradeId", "markPrice", "execPrice", "markIv", "orderQty",
    "orderPrice", "execValue", "execType", "execQty", "closedSize", "extraFees", "execPnl",
    "createType", "seq",
)  # fmt: skip
EXECUTION_REST_KEYS_SPOT = tuple(k for k in EXECUTION_REST_KEYS_CONTRACT if k != "createType")
EXECUTION_WS_KEYS_CONTRACT = (
    "category", "symbol", "closedSize", "execFee", "execId", "execPrice", "execQty", "execType",
    "execValue", "feeRate", "tradeIv", "markIv", "blockTradeId", "markPrice", "indexPrice",
    "underlyingPrice", "leavesQty", "orderId", "orderLinkId", "orderPrice", "orderQty",
    "orderType", "stopOrderType", "side", "execTime", "isLeverage", "isMaker", "seq",
    "marketUnit", "execPnl", "createType", "extraFees", "feeCurrency",
)  # fmt: skip
EXECUTION_WS_KEYS_SPOT = tuple(k for k in EXECUTION_WS_KEYS_CONTRACT if k != "createType")
EXECUTION_FAST_KEYS = (
    "category", "symbol", "execId", "execPrice", "execQty", "orderId", "isMaker", "orderLinkId",
    "side", "execTime", "seq",
)  # fmt: skip


def _order_price(view: OrderView) -> str:
    # §6.18: "0" for market orders.
    return (
        "0"
        if view.price_ticks is None
        else price(view.instrument, view.instrument.price_of(view.price_ticks))
    )


def _leaves_value(view: OrderView) -> str:
    leaves = view.leaves_qty
    order_price = view.price
    if not leaves or order_price is None:
        return "0"
    return money(view.instrument.value(order_price, leaves))


def _avg_price(view: OrderView) -> str:
    average = view.avg_price
    return "" if average is None else avg_price(view.instrument, average)


def _market_unit(view: OrderView) -> str:
    """Spot market orders are sized in the base coin, or in the quote coin when asked to."""
    if view.order_type is not OrderType.MARKET:
        return ""
    return "quoteCoin" if view.quote_quantity else "baseCoin"


def _fee_detail(view: OrderView) -> dict[str, str]:
    return {mappings.fee_coin(view): money(view.cum_fee)} if view.cum_fee else {}


def _unused_price(inst: Instrument) -> str:
    """An unset price field: spot writes zero at tick decimals, contracts ``""`` (§6.18 examples)."""
    return price(inst, _ZERO) if inst.is_spot else ""


def _common(view: OrderView) -> dict[str, Any]:
    """Every order field REST and WS share, by name (key order is fixed by the callers)."""
    inst = view.instrument
    unused = _unused_price(inst)
    conditional = view.trigger_price is not None
    return {
        "orderId": view.order_id,
        "orderLinkId": view.client_order_id,
        "blockTradeId": "",
        "symbol": inst.symbol,
        "price": _order_price(view),
        "qty": size(inst, view.qty),
        "side": mappings.side(view.side),
        # Spot orders say whether they borrow ("0": never, the core has no spot margin);
        # contract orders leave it empty (§6.18 linear example).
        "isLeverage": "0" if inst.is_spot else "",
        "positionIdx": view.position_idx,
        "orderStatus": mappings.order_status(view),
        "cancelType": mappings.cancel_type(view),
        "rejectReason": mappings.reject_reason(view),
        "avgPrice": _avg_price(view),
        "leavesQty": size(inst, view.leaves_qty),
        "leavesValue": _leaves_value(view),
        "cumExecQty": size(inst, view.filled_qty),
        "cumExecValue": money(view.cum_value),
        "cumExecFee": money(view.cum_fee),
        "timeInForce": mappings.order_time_in_force(view),
        "orderType": mappings.order_type(view.order_type),
        "stopOrderType": mappings.stop_order_type(view.stop_kind),
        # The core prices options by premium only: no order IV.
        "orderIv": "",
        "triggerPrice": price(inst, view.trigger_price) if conditional else unused,
        # The core attaches TP/SL to positions (trading-stop), never to an order.
        "takeProfit": unused,
        "stopLoss": unused,
        "tpTriggerBy": "",
        "slTriggerBy": "",
        "triggerDirection": mappings.trigger_direction(view.trigger_direction),
        "triggerBy": mappings.trigger_by(view.trigger_by if conditional else None),
        "lastPriceOnCreated": price_or(inst, view.last_price_on_created),
        "reduceOnly": view.reduce_only,
        "closeOnTrigger": view.close_on_trigger,
        "smpType": SMP_TYPE,
        "smpGroup": 0,
        "smpOrderId": "",
        "tpLimitPrice": unused,
        "slLimitPrice": unused,
        "placeType": "",
        "createdTime": ms_str(view.created_ns),
        "updatedTime": ms_str(view.updated_ns),
        "cumFeeDetail": _fee_detail(view),
    }


def order_rest(view: OrderView) -> dict[str, Any]:
    """The REST order object (§6.18, ``/v5/order/realtime`` and ``/v5/order/history`` items).

    Contract orders carry ``createType`` and ``tpslMode``; spot orders carry neither, and add
    ``basePrice`` and ``marketUnit``.

    Raises:
        UnmappedValue: a core value of the order has no Bybit spelling (a GTD order).
    """
    fields = _common(view)
    if view.instrument.is_spot:
        # basePrice: the market price when the order was placed (what lastPriceOnCreated holds).
        fields["basePrice"] = fields["lastPriceOnCreated"]
        fields["marketUnit"] = _market_unit(view)
        return {key: fields[key] for key in ORDER_REST_KEYS_SPOT}
    fields["createType"] = mappings.create_type(view)
    fields["tpslMode"] = ""
    return {key: fields[key] for key in ORDER_REST_KEYS_CONTRACT}


def order_ws(view: OrderView, *, closed_pnl: Decimal = _ZERO) -> dict[str, Any]:
    """One item of a private ``order`` push (§7.6).

    Parameters:
        view: the order at the event.
        closed_pnl: PnL this order realized (``closedPnl``); the sum of its fills'
            ``realized_pnl``, which the order view does not carry.

    Raises:
        UnmappedValue: a core value of the order has no Bybit spelling (a GTD order).
    """
    inst = view.instrument
    fields = _common(view)
    fields["category"] = mappings.category(inst)
    fields["closedPnl"] = money(closed_pnl)
    if inst.is_spot:
        fields["feeCurrency"] = mappings.fee_coin(view)
        fields["marketUnit"] = _market_unit(view)
        return {key: fields[key] for key in ORDER_WS_KEYS_SPOT}
    # §7.6 linear example: contract order pushes leave feeCurrency empty.
    fields["feeCurrency"] = ""
    fields["tpslMode"] = ""
    fields["createType"] = mappings.create_type(view)
    return {key: fields[key] for key in ORDER_WS_KEYS_CONTRACT}


def _execution(fill: Fill, view: OrderView, seq: int) -> dict[str, Any]:
    inst = view.instrument
    if fill.order_id != view.order_id:
        raise ValueError(f"fill {fill.trade_id} belongs to order {fill.order_id}, not {view.order_id}")
    return {
        "category": mappings.category(inst),
        "symbol": inst.symbol,
        "orderType": mappings.order_type(view.order_type),
        "underlyingPrice": reference_price_or(inst, fill.index_price) if inst.is_option else "",
        "orderLinkId": fill.client_order_id,
        "side": mappings.side(fill.side),
        "indexPrice": reference_price_or(inst, fill.index_price),
        "orderId": fill.order_id,
        "stopOrderType": mappings.stop_order_type(view.stop_kind),
        "leavesQty": size(inst, view.leaves_qty),
        "execTime": ms_str(fill.ts_ns),
        "feeCurrency": fill.fee_coin,
        "isMaker": fill.liquidity is LiquiditySide.MAKER,
        "execFee": money(fill.fee),
        "feeRate": rate(fill.fee_rate),
        "execId": fill.trade_id,
        "tradeIv": "",
        "blockTradeId": "",
        "markPrice": reference_price_or(inst, fill.mark_price),
        "execPrice": price(inst, fill.price),
        "markIv": "",
        "orderQty": size(inst, view.qty),
        "orderPrice": _order_price(view),
        "execValue": money(fill.value),
        "execType": "Trade",
        "execQty": size(inst, fill.qty),
        # Spot fills close no position.
        "closedSize": "" if inst.is_spot else size(inst, fill.closed_qty),
        "execPnl": money(fill.realized_pnl),
        "createType": mappings.create_type(view),
        "seq": seq,
        "isLeverage": "0",
        "marketUnit": _market_unit(view) if inst.is_spot else "",
    }


def execution_rest(fill: Fill, view: OrderView, *, seq: int) -> dict[str, Any]:
    """One ``/v5/execution/list`` item (§6.19). Contract executions carry ``createType``.

    Parameters:
        fill: the execution (``Exchange.fills()`` or ``OrderFilled.fill``).
        view: the view of the fill's order (for order price, quantity, type, leaves).
        seq: the execution's sequence number (an int; the core event ``seq`` of its
            ``OrderFilled`` is a good choice).

    Raises:
        ValueError: ``view`` is not the fill's order.
    """
    fields = _execution(fill, view, seq)
    fields["extraFees"] = ""  # §6.19 example: a string on REST.
    keys = EXECUTION_REST_KEYS_SPOT if view.instrument.is_spot else EXECUTION_REST_KEYS_CONTRACT
    return {key: fields[key] for key in keys}


def execution_ws(fill: Fill, view: OrderView, *, seq: int) -> dict[str, Any]:
    """One item of a private ``execution`` push (§7.6); parameters as :func:`execution_rest`."""
    fields = _execution(fill, view, seq)
    fields["extraFees"] = []  # §7.6 example: an array on WS.
    keys = EXECUTION_WS_KEYS_SPOT if view.instrument.is_spot else EXECUTION_WS_KEYS_CONTRACT
    return {key: fields[key] for key in keys}


def execution_fast(fill: Fill, view: OrderView, *, seq: int) -> dict[str, Any]:
    """One item of an ``execution.fast`` push (§7.6): eleven keys only."""
    inst = view.instrument
    return {
        "category": mappings.category(inst),
        "symbol": inst.symbol,
        "execId": fill.trade_id,
        "execPrice": price(inst, fill.price),
        "execQty": size(inst, fill.qty),
        "orderId": fill.order_id,
        "isMaker": fill.liquidity is LiquiditySide.MAKER,
        "orderLinkId": fill.client_order_id,
        "side": mappings.side(fill.side),
        "execTime": ms_str(fill.ts_ns),
        "seq": seq,
    }
