"""Order and execution queries (§6.18, §6.19): open orders, order history, executions.

Lists are newest first and paged with cursors. ``orderId``/``orderLinkId`` pick one order and
override the other filters. Time windows (``startTime``/``endTime``, and the misspelled
``endtime`` real clients send, §0.2 rule 11b) are at most 7 days and default to the last 7 days
of the venue clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from simulator.core import NS_PER_MS, CoreUsageError, Fill, Instrument, OrderView
from simulator.dialects.bybit.codec import orders as order_codec
from simulator.dialects.bybit.codec import results
from simulator.dialects.bybit.codec.mappings import CATEGORY, ORDER_STATUS, order_status
from simulator.dialects.bybit.rest.context import Reply, RequestContext
from simulator.dialects.bybit.rest.paging import paginate
from simulator.dialects.bybit.rest.params import params_error

__all__ = ["execution_list", "order_history", "order_realtime"]

# §6.18: order pages.
ORDER_LIMIT_DEFAULT: Final = 20
ORDER_LIMIT_MAX: Final = 50
# §6.18: openOnly=1 lists up to 500 recent closed orders.
RECENT_CLOSED_MAX: Final = 500
# §6.19: execution pages.
EXECUTION_LIMIT_DEFAULT: Final = 50
EXECUTION_LIMIT_MAX: Final = 100
# §6.18, §6.19: the longest time window, and the default one back from now.
WINDOW_MS: Final = 7 * 24 * 3600 * 1000

_ORDER_FILTERS: Final = {"Order": False, "StopOrder": True, "tpslOrder": True}
#: Appendix A ``orderStatus``.
_ORDER_STATUSES: Final = {
    name: name
    for name in (*ORDER_STATUS.values(), "Created", "Rejected", "PartiallyFilledCanceled", "Cancelled")
}
#: Appendix A ``execType``; the core's executions are all trades.
_EXEC_TYPES: Final = {
    name: name
    for name in (
        "Trade", "AdlTrade", "Funding", "BustTrade", "Delivery", "Settle", "BlockTrade", "MovePosition",
    )
}  # fmt: skip


class _InstrumentFilter:
    """``category`` plus ``symbol`` / ``baseCoin`` / ``settleCoin`` (each optional)."""

    __slots__ = ("base", "category", "settle", "symbol")

    def __init__(self, ctx: RequestContext, category: str) -> None:
        params = ctx.params
        self.category = category
        symbol = params.text("symbol")
        self.symbol = ctx.market(category, symbol).instrument.symbol if symbol is not None else None
        base = params.text("baseCoin")
        settle = params.text("settleCoin")
        self.base = base.upper() if base is not None else None
        # §6.18: spot has no settleCoin, yet clients send settleCoin=USDT on spot; ignore it there.
        self.settle = settle.upper() if settle is not None and category != "spot" else None

    @property
    def narrowed(self) -> bool:
        return self.symbol is not None or self.base is not None or self.settle is not None

    def __call__(self, inst: Instrument) -> bool:
        return (
            CATEGORY[inst.kind] == self.category
            and (self.symbol is None or inst.symbol == self.symbol)
            and (self.base is None or inst.base == self.base)
            and (self.settle is None or inst.settle == self.settle)
        )


def _window(ctx: RequestContext) -> tuple[int, int]:
    """``(start_ms, end_ms)`` of a history query (§6.18: 7-day windows, default the last 7 days)."""
    params = ctx.params
    start = params.integer("startTime")
    end = params.integer("endTime")
    if end is None:
        end = params.integer("endtime")  # §0.2 rule 11b: the misspelling real clients send
    if start is None and end is None:
        end = max(ctx.now_ms, ctx.clock_ms)
        return end - WINDOW_MS, end
    if start is None:
        assert end is not None
        return end - WINDOW_MS, end
    if end is None:
        return start, start + WINDOW_MS
    if end < start:
        raise params_error(f"endTime {end} is before startTime {start}")
    if end - start > WINDOW_MS:
        raise params_error("the window between startTime and endTime cannot exceed 7 days")
    return start, end


def _order_key(view: OrderView) -> tuple[int, str]:
    return (view.created_ns, view.order_id)


def _one_order(ctx: RequestContext) -> list[OrderView] | None:
    """The order ``orderId`` or ``orderLinkId`` names (``[]`` if none), or ``None`` if neither
    was given."""
    params = ctx.params
    order_id = params.text("orderId")
    link_id = params.text("orderLinkId")
    if order_id is None and link_id is None:
        return None
    if order_id is None:
        order_id = ctx.account.client_ids.get(link_id or "", "")
    try:
        return [ctx.exchange.order(ctx.account_id or "", order_id)] if order_id else []
    except CoreUsageError:
        return []


def _orders_page(ctx: RequestContext, category: str, views: Iterable[OrderView]) -> Reply:
    params = ctx.params
    limit = params.limit(default=ORDER_LIMIT_DEFAULT, maximum=ORDER_LIMIT_MAX)
    ordered = sorted(views, key=_order_key, reverse=True)
    page, cursor = paginate(ordered, _order_key, limit=limit, cursor=params.text("cursor"), descending=True)
    items = [order_codec.order_rest(v) for v in page]
    return Reply(results.list_result(category, items, cursor=cursor))


def _conditional_filter(ctx: RequestContext) -> Callable[[OrderView], bool]:
    conditional = ctx.params.choice("orderFilter", _ORDER_FILTERS)
    if conditional is None:
        return lambda _view: True
    return lambda view: view.is_conditional == conditional


def order_realtime(ctx: RequestContext) -> Reply:
    """``GET /v5/order/realtime`` (§6.18): open orders (``openOnly=0``, the default), or up to
    500 recently closed ones (``openOnly=1``); linear needs ``symbol``, ``baseCoin`` or
    ``settleCoin`` unless an order id is given."""
    params = ctx.params
    category = params.category()
    matches = _InstrumentFilter(ctx, category)
    picked = _one_order(ctx)
    if picked is None and category == "linear" and not matches.narrowed:
        raise params_error("symbol, baseCoin or settleCoin is required for linear")
    keep = _conditional_filter(ctx)
    if picked is not None:
        views = [v for v in picked if matches(v.instrument)]
    elif params.integer("openOnly", default=0) == 0:
        live = ctx.exchange.open_orders(ctx.account_id or "")
        views = [v for v in live if matches(v.instrument) and keep(v)]
    else:
        closed = (v for v in ctx.exchange.order_history(ctx.account_id or "") if matches(v.instrument))
        views = [v for v in closed if keep(v)][:RECENT_CLOSED_MAX]
    return _orders_page(ctx, category, views)


def order_history(ctx: RequestContext) -> Reply:
    """``GET /v5/order/history`` (§6.18): orders of every status created in the time window
    (open and closed), filtered by ``orderStatus`` when given."""
    params = ctx.params
    category = params.category()
    matches = _InstrumentFilter(ctx, category)
    status = params.choice("orderStatus", _ORDER_STATUSES)
    keep = _conditional_filter(ctx)
    picked = _one_order(ctx)
    if picked is not None:
        views = [v for v in picked if matches(v.instrument)]
    else:
        start, end = _window(ctx)
        account = ctx.account_id or ""
        candidates = [*ctx.exchange.open_orders(account), *ctx.exchange.order_history(account)]
        views = [
            v
            for v in candidates
            if matches(v.instrument) and keep(v) and start <= v.created_ns // NS_PER_MS <= end
        ]
    if status is not None:
        views = [v for v in views if order_status(v) == status]
    return _orders_page(ctx, category, views)


def execution_list(ctx: RequestContext) -> Reply:
    """``GET /v5/execution/list`` (§6.19): the account's fills in the time window, newest first."""
    params = ctx.params
    category = params.category()
    matches = _InstrumentFilter(ctx, category)
    exec_type = params.choice("execType", _EXEC_TYPES)
    order_id = params.text("orderId")
    link_id = params.text("orderLinkId")
    start, end = _window(ctx)
    limit = params.limit(default=EXECUTION_LIMIT_DEFAULT, maximum=EXECUTION_LIMIT_MAX)
    exchange, history = ctx.exchange, ctx.history
    account = ctx.account_id or ""
    fills: list[tuple[Fill, int]] = []
    if exec_type in (None, "Trade"):
        for fill in exchange.fills(account):
            market = exchange.markets.get(fill.instrument_id)
            if (
                market is None
                or not matches(market.instrument)
                or (order_id is not None and fill.order_id != order_id)
                or (link_id is not None and fill.client_order_id != link_id)
                or not start <= fill.ts_ns // NS_PER_MS <= end
            ):
                continue
            fills.append((fill, history.fill_seq(fill.trade_id, fill.order_id) or 0))

    def key(item: tuple[Fill, int]) -> tuple[int, int, str, str]:
        # A self-trade gives the account two fills of one trade: the order id tells them apart.
        return (item[0].ts_ns, item[1], item[0].trade_id, item[0].order_id)

    fills.sort(key=key, reverse=True)
    page, cursor = paginate(fills, key, limit=limit, cursor=params.text("cursor"), descending=True)
    items = []
    for fill, seq in page:
        try:
            view = exchange.order(account, fill.order_id)
        except CoreUsageError:  # the order fell out of the account's bounded history
            continue
        items.append(order_codec.execution_rest(fill, view, seq=seq))
    return Reply(results.list_result(category, items, cursor=cursor))
