"""The private stream → order events: the Bybit order lifecycle as the execution client sees it.

Bybit's REST and WS order entry only answer ``{orderId, orderLinkId}``; the order's fate arrives
on the private ``order`` topic and its fills on ``execution`` (§0.4 rule 19). This module turns
those pushes into the model's events for orders this client placed (or adopted at
reconciliation), and into reports for orders it does not know:

- ``New``/``Untriggered``: OrderAccepted the first time; OrderUpdated after an amend;
- ``Triggered``: OrderTriggered;
- ``Cancelled``/``Deactivated``/``PartiallyFilledCanceled``: OrderCanceled (after OrderAccepted
  when an IOC/FOK was cancelled before any "New"), except a post-only that would have crossed
  (``EC_PostOnlyWillTakeLiquidity``), which is OrderRejected with ``due_post_only``;
- ``Rejected``: OrderModifyRejected while an amend is pending, else OrderRejected;
- executions: OrderFilled, **deduplicated by trade id** against every fill already seen (from
  the stream or from REST fill reports), so a fill reported twice is published once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from adapters.bybit.common.enums import BybitOrderStatus
from adapters.bybit.common.mappings import order_side_from_bybit
from adapters.bybit.common.parse import decimal_or_none, str_ms_to_ns
from adapters.bybit.http.models import BybitExecution, BybitOrder
from adapters.bybit.http.parse_execution import (
    POST_ONLY_REJECT_REASON,
    is_trade_execution,
    parse_fill_report,
    parse_order_status_report,
)
from adapters.contract.sink import EventSink
from adapters.model.enums import OrderSide, OrderType
from adapters.model.events import (
    OrderAccepted,
    OrderCanceled,
    OrderFilled,
    OrderModifyRejected,
    OrderRejected,
    OrderTriggered,
    OrderUpdated,
)
from adapters.model.identifiers import (
    AccountId,
    ClientOrderId,
    StrategyId,
    TradeId,
    TraderId,
    VenueOrderId,
)
from adapters.model.instruments import Instrument
from adapters.model.objects import Price, Quantity

__all__ = ["OrderStreamHandler", "TrackedOrder"]

_SEEN_TRADES_MAX = 100_000
_CLOSED = frozenset(
    {BybitOrderStatus.CANCELED, BybitOrderStatus.DEACTIVATED, BybitOrderStatus.PARTIALLY_FILLED_CANCELED}
)


@dataclass(slots=True)
class TrackedOrder:
    """What the client remembers about one of its orders."""

    instrument: Instrument
    client_order_id: ClientOrderId
    order_side: OrderSide
    order_type: OrderType
    trader_id: TraderId
    strategy_id: StrategyId
    venue_order_id: VenueOrderId | None = None
    accepted: bool = False
    pending_modify: bool = False
    closed: bool = False
    #: The submit's venue params (``SubmitOrder.params``): a resent create carries them too.
    venue_params: Mapping[str, Any] | None = None


class OrderStreamHandler:
    """Applies private-stream order and execution items to the tracked orders, publishing events."""

    def __init__(self, sink: EventSink, account_id: AccountId, clock_ns: Callable[[], int]) -> None:
        """Publish to ``sink`` for ``account_id``, stamping ``ts_init`` from ``clock_ns``."""
        self._sink = sink
        self._account_id = account_id
        self._clock_ns = clock_ns
        self.orders: dict[ClientOrderId, TrackedOrder] = {}
        self._by_venue_id: dict[VenueOrderId, TrackedOrder] = {}
        self._seen_trades: OrderedDict[TradeId, None] = OrderedDict()
        self.duplicate_fills = 0

    # ------------------------------------------------------------------ registry

    def track(self, tracked: TrackedOrder) -> None:
        """Remember an order placed (or adopted) by this client."""
        self.orders[tracked.client_order_id] = tracked
        if tracked.venue_order_id is not None:
            self._by_venue_id[tracked.venue_order_id] = tracked

    def set_venue_id(self, tracked: TrackedOrder, venue_order_id: VenueOrderId) -> None:
        """Record the venue's id of a tracked order (from the create answer)."""
        tracked.venue_order_id = venue_order_id
        self._by_venue_id[venue_order_id] = tracked

    def find(
        self, client_order_id: ClientOrderId | None, venue_order_id: VenueOrderId | None
    ) -> TrackedOrder | None:
        """The tracked order with either id, if any."""
        if client_order_id is not None and client_order_id in self.orders:
            return self.orders[client_order_id]
        if venue_order_id is not None:
            return self._by_venue_id.get(venue_order_id)
        return None

    def mark_seen(self, trade_id: TradeId) -> bool:
        """Remember a trade id; ``False`` when it was already seen (a duplicate)."""
        if trade_id in self._seen_trades:
            return False
        self._seen_trades[trade_id] = None
        if len(self._seen_trades) > _SEEN_TRADES_MAX:
            self._seen_trades.popitem(last=False)
        return True

    def _lookup(self, order_link_id: str, order_id: str) -> TrackedOrder | None:
        return self.find(
            ClientOrderId(order_link_id) if order_link_id else None,
            VenueOrderId(order_id) if order_id else None,
        )

    def _base(self, tracked: TrackedOrder, ts_event: int) -> dict[str, Any]:
        return {
            "instrument_id": tracked.instrument.instrument_id,
            "client_order_id": tracked.client_order_id,
            "trader_id": tracked.trader_id,
            "strategy_id": tracked.strategy_id,
            "ts_event": ts_event,
            "ts_init": self._clock_ns(),
        }

    # ------------------------------------------------------------------ order pushes

    def on_order(self, item: BybitOrder, instrument_for: Callable[[str, str], Instrument | None]) -> None:
        """Apply one ``order`` push item."""
        tracked = self._lookup(item.order_link_id, item.order_id)
        if tracked is None:
            instrument = instrument_for(item.category, item.symbol)
            if instrument is not None:
                report = parse_order_status_report(item, instrument, self._account_id, self._clock_ns())
                self._sink.on_event(report)
            return
        if tracked.venue_order_id is None:
            self.set_venue_id(tracked, VenueOrderId(item.order_id))
        status = BybitOrderStatus(item.order_status)
        ts_event = str_ms_to_ns(item.updated_time)
        base = self._base(tracked, ts_event)
        venue_id = tracked.venue_order_id
        account = self._account_id
        if status in (BybitOrderStatus.NEW, BybitOrderStatus.UNTRIGGERED, BybitOrderStatus.PARTIALLY_FILLED):
            if not tracked.accepted:
                tracked.accepted = True
                self._sink.on_event(OrderAccepted(**base, venue_order_id=venue_id, account_id=account))
            elif tracked.pending_modify and status is not BybitOrderStatus.PARTIALLY_FILLED:
                tracked.pending_modify = False
                self._sink.on_event(self._updated(tracked, item, base))
        elif status is BybitOrderStatus.TRIGGERED:
            self._sink.on_event(OrderTriggered(**base, venue_order_id=venue_id, account_id=account))
        elif status in _CLOSED:
            if tracked.closed:
                return
            tracked.closed = True
            if item.reject_reason == POST_ONLY_REJECT_REASON:
                self._sink.on_event(
                    OrderRejected(**base, account_id=account, reason=item.reject_reason, due_post_only=True)
                )
                return
            if not tracked.accepted:
                # An IOC/FOK that could not trade is pushed straight as Cancelled: the venue took it
                # (refusals are "Rejected"), so it is accepted, then canceled.
                tracked.accepted = True
                self._sink.on_event(OrderAccepted(**base, venue_order_id=venue_id, account_id=account))
            self._sink.on_event(OrderCanceled(**base, venue_order_id=venue_id, account_id=account))
        elif status is BybitOrderStatus.REJECTED:
            if tracked.pending_modify:
                tracked.pending_modify = False
                self._sink.on_event(
                    OrderModifyRejected(
                        **base, venue_order_id=venue_id, account_id=account, reason=item.reject_reason
                    )
                )
            else:
                tracked.closed = True
                self._sink.on_event(OrderRejected(**base, account_id=account, reason=item.reject_reason))
        elif status is BybitOrderStatus.FILLED:
            tracked.closed = True  # the fills themselves come from the execution topic

    def _updated(self, tracked: TrackedOrder, item: BybitOrder, base: dict[str, Any]) -> OrderUpdated:
        pp, sp = tracked.instrument.price_precision, tracked.instrument.size_precision
        price = decimal_or_none(item.price)
        trigger = decimal_or_none(item.trigger_price)
        return OrderUpdated(
            **base,
            venue_order_id=tracked.venue_order_id,
            account_id=self._account_id,
            quantity=Quantity(item.qty, sp),
            price=Price(price, pp) if price else None,
            trigger_price=Price(trigger, pp) if trigger else None,
        )

    # ------------------------------------------------------------------ execution pushes

    def on_execution(
        self, item: BybitExecution, instrument_for: Callable[[str, str], Instrument | None]
    ) -> None:
        """Apply one ``execution`` push item (non-trade executions such as funding are ignored)."""
        if not is_trade_execution(item):
            return
        trade_id = TradeId(item.exec_id)
        if not self.mark_seen(trade_id):
            self.duplicate_fills += 1
            return
        tracked = self._lookup(item.order_link_id, item.order_id)
        instrument = tracked.instrument if tracked else instrument_for(item.category, item.symbol)
        if instrument is None:
            return
        report = parse_fill_report(item, instrument, self._account_id, self._clock_ns())
        if tracked is None:
            self._sink.on_event(report)
            return
        if tracked.venue_order_id is None:
            self.set_venue_id(tracked, report.venue_order_id)
        base = self._base(tracked, report.ts_event)
        if not tracked.accepted:
            # A marketable order can fill before its "New" push arrives: accept it first.
            tracked.accepted = True
            self._sink.on_event(
                OrderAccepted(**base, venue_order_id=report.venue_order_id, account_id=self._account_id)
            )
        self._sink.on_event(
            OrderFilled(
                **base,
                venue_order_id=report.venue_order_id,
                account_id=self._account_id,
                trade_id=trade_id,
                order_side=order_side_from_bybit(item.side),
                order_type=tracked.order_type,
                last_qty=report.last_qty,
                last_px=report.last_px,
                currency=instrument.quote_currency,
                commission=report.commission,
                liquidity_side=report.liquidity_side,
                position_id=report.venue_position_id,
            )
        )
