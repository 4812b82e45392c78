"""The private-stream lifecycle: order pushes → events, executions → fills deduplicated by trade id.

Drives :class:`OrderStreamHandler` with the ``ws_order``/``ws_execution`` fixtures into a
RecordingSink; the live path against the simulator is covered by the integration tests.
"""

from __future__ import annotations

import pytest

from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.testing import load_instruments, load_payload
from adapters.bybit.execution_stream import OrderStreamHandler, TrackedOrder
from adapters.bybit.http.models import BybitExecution, BybitOrder
from adapters.contract.sink import RecordingSink
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
from adapters.model.identifiers import AccountId, ClientOrderId, StrategyId, TraderId
from adapters.model.instruments import Instrument
from adapters.model.reports import FillReport, OrderStatusReport

LINEAR = load_instruments()[("BTCUSDT", BybitProductType.LINEAR)]
ORDERS = {item["orderLinkId"]: item for item in load_payload("ws_order")["data"]}
EXECUTIONS = load_payload("ws_execution")["data"]


def _instrument_for(category: str, symbol: str) -> Instrument | None:
    return load_instruments().get((symbol, BybitProductType(category or "linear")))


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def handler(sink: RecordingSink) -> OrderStreamHandler:
    return OrderStreamHandler(sink, AccountId("BYBIT-UNIFIED"), clock_ns=lambda: 1)


def _track(
    handler: OrderStreamHandler, link_id: str, order_type: OrderType = OrderType.LIMIT
) -> TrackedOrder:
    tracked = TrackedOrder(
        instrument=LINEAR,
        client_order_id=ClientOrderId(link_id),
        order_side=OrderSide.BUY,
        order_type=order_type,
        trader_id=TraderId("TRADER-001"),
        strategy_id=StrategyId("S-001"),
    )
    handler.track(tracked)
    return tracked


def _push(handler: OrderStreamHandler, link_id: str, **changes: object) -> None:
    handler.on_order(BybitOrder.from_wire({**ORDERS[link_id], **changes}), _instrument_for)


def test_new_is_accepted_once_then_an_amend_is_an_update(
    handler: OrderStreamHandler, sink: RecordingSink
) -> None:
    tracked = _track(handler, "lin-new")
    _push(handler, "lin-new")
    _push(handler, "lin-new")  # a repeated New without a pending amend changes nothing
    tracked.pending_modify = True
    _push(handler, "lin-new", price="29100.00")
    events = sink.payloads("event")
    assert [type(e) for e in events] == [OrderAccepted, OrderUpdated]
    accepted, updated = events
    assert accepted.venue_order_id.value == ORDERS["lin-new"]["orderId"]
    assert accepted.strategy_id == StrategyId("S-001")
    assert str(updated.price) == "29100.00" and not tracked.pending_modify


def test_cancel_after_accept_is_canceled_once(handler: OrderStreamHandler, sink: RecordingSink) -> None:
    _track(handler, "lin-cancel")
    _push(handler, "lin-cancel", orderStatus="New", rejectReason="EC_NoError")
    _push(handler, "lin-cancel")
    _push(handler, "lin-cancel")
    assert [type(e) for e in sink.payloads("event")] == [OrderAccepted, OrderCanceled]


def test_post_only_that_would_cross_is_rejected_due_post_only(
    handler: OrderStreamHandler, sink: RecordingSink
) -> None:
    _track(handler, "lin-postonly")
    _push(handler, "lin-postonly")
    (event,) = sink.payloads("event")
    assert isinstance(event, OrderRejected) and event.due_post_only
    assert event.reason == "EC_PostOnlyWillTakeLiquidity"


def test_an_ioc_cancelled_before_new_is_accepted_then_canceled(
    handler: OrderStreamHandler, sink: RecordingSink
) -> None:
    _track(handler, "lin-cancel")
    _push(handler, "lin-cancel", timeInForce="IOC", rejectReason="EC_NoImmediateQtyToFill")
    assert [type(e) for e in sink.payloads("event")] == [OrderAccepted, OrderCanceled]


def test_conditional_untriggered_then_triggered(handler: OrderStreamHandler, sink: RecordingSink) -> None:
    _track(handler, "lin-stop", OrderType.STOP_MARKET)
    _push(handler, "lin-stop")
    _push(handler, "lin-stop", orderStatus="Triggered")
    assert [type(e) for e in sink.payloads("event")] == [OrderAccepted, OrderTriggered]


def test_rejected_while_amending_is_a_modify_rejection(
    handler: OrderStreamHandler, sink: RecordingSink
) -> None:
    tracked = _track(handler, "lin-new")
    _push(handler, "lin-new")
    tracked.pending_modify = True
    _push(handler, "lin-new", orderStatus="Rejected", rejectReason="EC_InvalidPrice")
    _push(handler, "lin-new", orderStatus="Rejected", rejectReason="EC_Other")
    assert [type(e) for e in sink.payloads("event")] == [OrderAccepted, OrderModifyRejected, OrderRejected]


def test_unknown_orders_become_reports(handler: OrderStreamHandler, sink: RecordingSink) -> None:
    _push(handler, "lin-new")
    (report,) = sink.payloads("event")
    assert isinstance(report, OrderStatusReport) and report.client_order_id == ClientOrderId("lin-new")


def test_fills_accept_first_and_are_deduplicated_by_trade_id(
    handler: OrderStreamHandler, sink: RecordingSink
) -> None:
    _track(handler, "lin-partial")
    item = next(e for e in EXECUTIONS if e["orderLinkId"] == "lin-partial")
    execution = BybitExecution.from_wire(item)
    handler.on_execution(execution, _instrument_for)
    handler.on_execution(execution, _instrument_for)
    accepted, filled = sink.payloads("event")
    assert isinstance(accepted, OrderAccepted) and isinstance(filled, OrderFilled)
    assert filled.trade_id.value == item["execId"] and str(filled.last_qty) == item["execQty"]
    assert filled.order_type is OrderType.LIMIT and handler.duplicate_fills == 1


def test_a_fill_seen_over_rest_is_not_published_again(
    handler: OrderStreamHandler, sink: RecordingSink
) -> None:
    from adapters.model.identifiers import TradeId

    _track(handler, "lin-partial")
    item = next(e for e in EXECUTIONS if e["orderLinkId"] == "lin-partial")
    assert handler.mark_seen(TradeId(item["execId"]))
    handler.on_execution(BybitExecution.from_wire(item), _instrument_for)
    assert sink.payloads("event") == [] and handler.duplicate_fills == 1


def test_fills_of_unknown_orders_are_reports_and_funding_is_ignored(
    handler: OrderStreamHandler, sink: RecordingSink
) -> None:
    item = next(e for e in EXECUTIONS if e["orderLinkId"] == "lin-maker")
    handler.on_execution(
        BybitExecution.from_wire({**item, "execType": "Funding", "execId": "f-1"}), _instrument_for
    )
    handler.on_execution(BybitExecution.from_wire(item), _instrument_for)
    (report,) = sink.payloads("event")
    assert isinstance(report, FillReport) and report.trade_id.value == item["execId"]
