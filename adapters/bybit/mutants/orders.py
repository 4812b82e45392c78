"""Bybit mutants of the market-data, product and order-flow groups (catalogue 7-9).

Most change what the adapter *publishes* (one field of one event kind, rewritten on its way to the
sink) or one step of the execution client; each description says which behaviour is broken. The
outcome, reconciliation and factory groups (10-12) are in :mod:`adapters.bybit.mutants.policy`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from adapters.bybit.capabilities import BYBIT_CAPABILITIES
from adapters.bybit.mutants._kit import Target, mutant, unchanged
from adapters.model.data import OrderBookDeltas, TradeTick
from adapters.model.enums import AggressorSide, BookAction, LiquiditySide, TimeInForce
from adapters.model.events import (
    OrderCancelRejected,
    OrderFilled,
    OrderModifyRejected,
    OrderRejected,
)
from adapters.model.identifiers import ClientOrderId, VenueOrderId
from adapters.model.reports import OrderStatusReport

__all__ = [
    "accepted_after_terminal",
    "avg_px_is_the_limit_price",
    "book_snapshot_without_clear",
    "cancel_rejection_dropped",
    "cancel_sends_both_ids",
    "fills_not_deduplicated",
    "inverse_loaded_as_linear",
    "liquidity_side_flipped",
    "modify_rejection_dropped",
    "not_found_cancel_rejected",
    "post_only_rejection_not_flagged",
    "trade_aggressor_flipped",
    "trades_first_of_frame_only",
    "trigger_direction_inverted",
    "unsupported_tif_sent_as_gtc",
    "zero_commission",
]

# ------------------------------------------------------------------------------ 7. market data


def _flip_aggressor(data: Any) -> Any:
    if isinstance(data, TradeTick) and data.aggressor_side is not AggressorSide.NO_AGGRESSOR:
        flipped = AggressorSide.SELLER if data.aggressor_side is AggressorSide.BUYER else AggressorSide.BUYER
        return dataclasses.replace(data, aggressor_side=flipped)
    return data


@mutant(
    "trade aggressor side inverted (reads the maker's side)",
    groups=["market_data", "routing"],
    expected=["D-02", "M-01"],
    rewrite_data=_flip_aggressor,
)
def trade_aggressor_flipped(t: Target) -> None:
    unchanged(t)


@mutant(
    "a multi-trade frame yields only its first trade",
    groups=["market_data", "routing"],
    expected=["M-01", "D-02"],
)
def trades_first_of_frame_only(t: Target) -> None:
    data: Any = t.clients.data
    original = data._on_trades

    def first_only(message: dict[str, Any], instruments: Any, ts_init: int) -> None:
        original({**message, "data": message["data"][:1]}, instruments, ts_init)

    data._on_trades = first_only


def _drop_clear(data: Any) -> Any:
    if isinstance(data, OrderBookDeltas) and len(data.deltas) > 1:
        kept = tuple(d for d in data.deltas if d.action is not BookAction.CLEAR)
        if kept and len(kept) != len(data.deltas):
            return dataclasses.replace(data, deltas=kept)
    return data


@mutant(
    "book snapshots start without the CLEAR delta",
    groups=["market_data", "reconnect"],
    expected=["D-04", "RC-10"],
    rewrite_data=_drop_clear,
)
def book_snapshot_without_clear(t: Target) -> None:
    unchanged(t)


# -------------------------------------------------------------------------------- 8. products


@mutant(
    "inverse contracts load as linear (PnL computed with the linear formula)",
    groups=["products", "reconciliation"],
    expected=["PC-03", "RS-03"],
)
def inverse_loaded_as_linear(t: Target) -> None:
    provider: Any = t.clients.provider
    table = provider._instruments
    original = provider.load_all_async

    async def load_all_async(*args: Any, **kwargs: Any) -> Any:
        result = await original(*args, **kwargs)
        for key, instrument in list(table.items()):
            if getattr(instrument, "is_inverse", False):
                table[key] = dataclasses.replace(instrument, is_inverse=False)
        return result

    provider.load_all_async = load_all_async


# ------------------------------------------------------------------------------ 9. order flow


def _zero_commission(event: Any) -> Any:
    if isinstance(event, OrderFilled):
        return dataclasses.replace(event, commission=type(event.commission)(0, event.commission.currency))
    return event


@mutant(
    "fills carry zero commission",
    groups=["order_flow"],
    expected=["O-01", "O-03"],
    rewrite_event=_zero_commission,
)
def zero_commission(t: Target) -> None:
    unchanged(t)


def _flip_liquidity(event: Any) -> Any:
    if isinstance(event, OrderFilled) and event.liquidity_side is not LiquiditySide.NO_LIQUIDITY_SIDE:
        side = LiquiditySide.MAKER if event.liquidity_side is LiquiditySide.TAKER else LiquiditySide.TAKER
        return dataclasses.replace(event, liquidity_side=side)
    return event


@mutant(
    "maker and taker swapped on fills",
    groups=["order_flow"],
    expected=["O-01", "O-06", "O-10"],
    rewrite_event=_flip_liquidity,
)
def liquidity_side_flipped(t: Target) -> None:
    unchanged(t)


def _avg_is_price(event: Any) -> Any:
    if isinstance(event, OrderStatusReport) and event.price is not None and event.avg_px is not None:
        return dataclasses.replace(event, avg_px=event.price.as_decimal())
    return event


@mutant(
    "an order report's average price is the order's limit price, not its fills' weighted average",
    groups=["order_flow", "reconciliation"],
    expected=["O-06", "RS-01"],
    rewrite_event=_avg_is_price,
    notes=(
        "Only an order filled at a better price than its limit tells: O-06's BUY 1 @ 100.5 that "
        "takes 0.4 @ 100.0, RS-01's partly filled LIMIT SELL."
    ),
)
def avg_px_is_the_limit_price(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is None:
        return
    # Published reports go through rewrite_event; the ones a caller asks for are returned.
    one, many = execution.generate_order_status_report, execution.generate_order_status_reports

    async def generate_order_status_report(*args: Any, **kwargs: Any) -> Any:
        report = await one(*args, **kwargs)
        return None if report is None else _avg_is_price(report)

    async def generate_order_status_reports(*args: Any, **kwargs: Any) -> Any:
        return [_avg_is_price(r) for r in await many(*args, **kwargs)]

    execution.generate_order_status_report = generate_order_status_report
    execution.generate_order_status_reports = generate_order_status_reports


def _post_only_unflagged(event: Any) -> Any:
    if isinstance(event, OrderRejected) and event.due_post_only:
        return dataclasses.replace(event, due_post_only=False)
    return event


@mutant(
    "a crossing post-only rejection is not flagged due_post_only",
    groups=["order_flow"],
    expected=["O-10"],
    rewrite_event=_post_only_unflagged,
)
def post_only_rejection_not_flagged(t: Target) -> None:
    unchanged(t)


@mutant(
    "an unsupported time in force is sent to the venue as GTC instead of denied",
    groups=["order_flow"],
    expected=["O-09", "O-15"],
)
def unsupported_tif_sent_as_gtc(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is None:
        return
    original = execution.submit_order
    supported = t.clients.execution and BYBIT_CAPABILITIES.time_in_force

    async def submit_order(command: Any) -> None:
        order = command.order
        if order.time_in_force not in supported:
            order = dataclasses.replace(order, time_in_force=TimeInForce.GTC, expire_time_ns=None)
            command = dataclasses.replace(command, order=order)
        await original(command)

    execution.submit_order = submit_order


@mutant(
    "stop orders sent with the trigger direction inverted",
    groups=["order_flow"],
    expected=["O-12", "O-13", "O-14"],
)
def trigger_direction_inverted(t: Target) -> None:
    http = t.http
    original = http.http_place_order

    async def place(params: Any) -> Any:
        if params.trigger_direction in (1, 2):
            params = dataclasses.replace(params, trigger_direction=3 - params.trigger_direction)
        return await original(params)

    http.http_place_order = place


@mutant("a cancel carries both the venue id and the client id", groups=["order_flow"], expected=["O-07"])
def cancel_sends_both_ids(t: Target) -> None:
    execution: Any = t.clients.execution
    http = t.http
    original = http.http_cancel_order

    async def cancel(params: Any) -> Any:
        if execution is not None and (params.order_id is None) != (params.order_link_id is None):
            tracked = execution.stream.find(_cid(params.order_link_id), _vid(params.order_id))
            if tracked is not None and tracked.venue_order_id is not None:
                params = dataclasses.replace(
                    params,
                    order_id=tracked.venue_order_id.value,
                    order_link_id=tracked.client_order_id.value,
                )
        return await original(params)

    http.http_cancel_order = cancel


def _cid(value: str | None) -> ClientOrderId | None:
    return ClientOrderId(value) if value else None


def _vid(value: str | None) -> VenueOrderId | None:
    return VenueOrderId(value) if value else None


def _drop(kind: type) -> Any:
    return lambda event: None if isinstance(event, kind) else event


@mutant(
    "a venue's amend rejection is swallowed (no OrderModifyRejected)",
    groups=["order_flow"],
    expected=["O-17"],
    rewrite_event=_drop(OrderModifyRejected),
)
def modify_rejection_dropped(t: Target) -> None:
    unchanged(t)


@mutant(
    "a venue's cancel rejection is swallowed (no OrderCancelRejected)",
    groups=["order_flow", "outcome"],
    expected=["O-18", "OP-03"],
    rewrite_event=_drop(OrderCancelRejected),
    notes="OP-03 (b): a batch item the venue refuses must give exactly one OrderCancelRejected.",
)
def cancel_rejection_dropped(t: Target) -> None:
    unchanged(t)


@mutant(
    "an ambiguous cancel not-found (110001) becomes OrderCancelRejected instead of being settled",
    groups=["order_flow"],
    expected=["O-18"],
    notes="110001 also answers a cancel that lost the race with a fill: rejecting it leaves it open.",
)
def not_found_cancel_rejected(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is None:
        return

    async def settle_cancel(command: Any, refusal: Any) -> None:
        execution._cancel_rejected(command, f"{refusal.code}: {refusal.message}")

    execution._settle_cancel = settle_cancel


@mutant(
    "fills are not deduplicated by trade id (WS and REST both publish)",
    groups=["order_flow", "reconnect"],
    expected=["O-24", "RC-11"],
)
def fills_not_deduplicated(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is not None:
        execution.stream.mark_seen = lambda trade_id: True


@mutant(
    "stale lifecycle frames after a terminal state still become events",
    groups=["order_flow"],
    expected=["O-25"],
)
def accepted_after_terminal(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is None:
        return
    stream = execution.stream
    original = stream.on_order

    def on_order(item: Any, instrument_for: Any) -> None:
        tracked = stream._lookup(item.order_link_id, item.order_id)
        if tracked is not None and tracked.closed:
            tracked.closed, tracked.accepted = False, False
        original(item, instrument_for)

    stream.on_order = on_order
