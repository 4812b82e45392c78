"""Order commands whose answer is lost, local refusals, contained report failures, and the private
stream's resync after a reconnect - against the running simulator and its fault injection.

A lost answer is staged two ways: a reset *after* the venue acted (``ResetConnection(phase=
"response")``) and a 503 answered *instead of* acting. Either way the adapter must end with what
the venue holds - one live order, the amended values - and never report a rejection.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from adapters.bybit.common.credential import Credential
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.http.query import PlaceOrderParams
from adapters.model.commands import ModifyOrder, SubmitOrder, SubmitOrderList
from adapters.model.enums import OrderSide, OrderType, TimeInForce
from adapters.model.events import (
    OrderAccepted,
    OrderDenied,
    OrderModifyRejected,
    OrderUpdated,
)
from adapters.model.identifiers import ClientOrderId, InstrumentId, OrderListId
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order, OrderList
from adapters.model.reports import FillReport
from simulator.server import HttpMatch, HttpStatus, ResetConnection, SubscriptionMatch
from simulator.server.journal import HttpEntry
from simulator.server.journal.entries import SubscriptionEntry, WsClose

from .conftest import WAIT_S, Rig

LINEAR = InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")
CREATE, AMEND = "/v5/order/create", "/v5/order/amend"


def _order(cid: str, price: str = "90000.00", **kwargs: Any) -> Order:
    fields: dict[str, Any] = {
        "instrument_id": LINEAR,
        "client_order_id": ClientOrderId(cid),
        "order_side": OrderSide.BUY,
        "order_type": OrderType.LIMIT,
        "quantity": Quantity("0.010", 3),
        "price": Price(price, 2),
        "ts_init": 1,
    }
    fields.update(kwargs)
    return Order(**fields)


def _names(rig: Rig, cid: str, since: int = 0) -> list[str]:
    return [
        type(r.payload).__name__
        for r in rig.sink.records[since:]
        if getattr(r.payload, "client_order_id", None) == ClientOrderId(cid)
    ]


def _posts(rig: Rig, path: str, mark: int) -> list[HttpEntry]:
    return rig.sim.journal.entries(HttpEntry, mark, HttpMatch("POST", path))


def _live(rig: Rig, cid: str) -> list[Any]:
    return [o for o in rig.sim.exchange.open_orders("trader") if o.client_order_id == cid]


async def _event(rig: Rig, kind: type, cid: str, since: int) -> Any:
    record = await rig.sink.wait_for(
        lambda r: isinstance(r.payload, kind) and r.payload.client_order_id == ClientOrderId(cid),
        WAIT_S,
        since=since,
    )
    return record.payload


async def _barrier(rig: Rig) -> None:
    # One more REST round trip on the same client: whatever the command triggered has returned.
    execution = rig.clients.execution
    assert execution is not None
    await execution.generate_order_status_reports(LINEAR, open_only=True)


async def test_a_create_answered_by_a_reset_after_the_venue_acted_is_accepted_not_resent(rig: Rig) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    rig.sim.faults.arm(ResetConnection(phase="response"), route=CREATE, times=1)
    mark, since = rig.sim.journal.mark(), rig.sink.mark()
    await execution.submit_order(SubmitOrder(order=_order("lost-create"), ts_init=1))
    await _event(rig, OrderAccepted, "lost-create", since)
    await _barrier(rig)
    assert len(_posts(rig, CREATE, mark)) == 1  # queried, not resent
    assert rig.sim.journal.entries(HttpEntry, mark, HttpMatch("GET", "/v5/order/realtime"))
    assert len(_live(rig, "lost-create")) == 1
    assert _names(rig, "lost-create", since) == ["OrderSubmitted", "OrderAccepted"]


async def test_a_create_answered_503_without_acting_is_sent_again_once(rig: Rig) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    rig.sim.faults.arm(HttpStatus(503, body="gateway down"), route=CREATE, times=1)
    mark, since = rig.sim.journal.mark(), rig.sink.mark()
    await execution.submit_order(SubmitOrder(order=_order("gw-create"), ts_init=1))
    await _event(rig, OrderAccepted, "gw-create", since)
    await _barrier(rig)
    statuses = [e.status for e in _posts(rig, CREATE, mark)]
    assert statuses == [503, 200]
    assert len(_live(rig, "gw-create")) == 1
    assert "OrderRejected" not in _names(rig, "gw-create", since)


async def test_an_amend_whose_answer_was_lost_is_updated_once_and_never_rejected(rig: Rig) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    for cid, fault, amends in (
        ("amend-reset", ResetConnection(phase="response"), 1),
        ("amend-503", HttpStatus(503), 2),
    ):
        since = rig.sink.mark()
        await execution.submit_order(SubmitOrder(order=_order(cid), ts_init=1))
        accepted = await _event(rig, OrderAccepted, cid, since)
        rig.sim.faults.arm(fault, route=AMEND, times=1)
        mark = rig.sim.journal.mark()
        modify = ModifyOrder(
            instrument_id=LINEAR,
            client_order_id=ClientOrderId(cid),
            venue_order_id=accepted.venue_order_id,
            price=Price("90500.00", 2),
            ts_init=1,
        )
        await execution.modify_order(modify)
        updated = await _event(rig, OrderUpdated, cid, since)
        await _barrier(rig)
        assert updated.price == Price("90500.00", 2)
        assert len(_posts(rig, AMEND, mark)) == amends
        (venue_order,) = _live(rig, cid)
        assert venue_order.price == Decimal("90500.00")
        names = _names(rig, cid, since)
        assert names.count("OrderUpdated") == 1 and "OrderModifyRejected" not in names


async def test_an_order_list_with_one_invalid_leg_denies_every_leg_and_sends_nothing(rig: Rig) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    good = _order("list-good")
    bad = _order("list-bad", price="89000.00", time_in_force=TimeInForce.AT_THE_OPEN)
    command = SubmitOrderList(
        order_list=OrderList(
            order_list_id=OrderListId("OL-9"), instrument_id=LINEAR, orders=(good, bad), ts_init=1
        ),
        ts_init=1,
    )
    mark, since = rig.sim.journal.mark(), rig.sink.mark()
    await execution.submit_order_list(command)
    await _barrier(rig)
    assert _names(rig, "list-good", since) == ["OrderDenied"]
    assert _names(rig, "list-bad", since) == ["OrderDenied"]
    denied = {e.client_order_id.value: e.reason for e in rig.sink.of_type(OrderDenied, since)}
    assert denied["list-good"].startswith("ORDER_LIST_DENIED") and "list-bad" in denied["list-good"]
    assert "opening auction" in denied["list-bad"]  # the capability's own reason
    assert not _posts(rig, CREATE, mark) and not _posts(rig, "/v5/order/create-batch", mark)


async def test_a_modify_for_an_unloaded_instrument_is_rejected_locally(rig: Rig) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    unknown = InstrumentId.from_str("NOPEUSDT-LINEAR.BYBIT")
    mark, since = rig.sim.journal.mark(), rig.sink.mark()
    modify = ModifyOrder(
        instrument_id=unknown,
        client_order_id=ClientOrderId("nope-1"),
        venue_order_id=None,
        price=Price("1.0", 1),
        ts_init=1,
    )
    await execution.modify_order(modify)
    await _barrier(rig)
    (rejected,) = rig.sink.of_type(OrderModifyRejected, since)
    assert "not loaded" in rejected.reason
    assert not _posts(rig, AMEND, mark)


async def test_a_failing_positions_route_returns_empty_and_reports_the_error(rig: Rig) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    fault = rig.sim.faults.arm(
        HttpStatus(500, body="internal error"), route="/v5/position/list", persistent=True
    )
    errors_before = len(rig.sink.errors)
    assert await execution.generate_position_status_reports() == []
    assert await execution.generate_mass_status() is None
    assert len(rig.sink.errors) == errors_before + 2
    rig.sim.faults.clear(fault.name)
    assert await execution.generate_position_status_reports()  # the scenario's open positions


async def test_after_a_reconnect_fills_are_read_only_once_the_private_topics_are_back(rig: Rig) -> None:
    # A fill made between the REST read and the resubscribe would be in neither: the read must
    # come after the venue acked the restored execution topic. The fill made while the stream
    # was down is then reported once.
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    fault = rig.sim.faults.arm(
        {"kind": "drop_connection", "code": None}, channel="ws", op="push", role="private", times=1
    )
    mark = rig.sim.journal.mark()
    creds = rig.sim.credentials
    assert creds is not None
    async with BybitHttpClient(rig.sim.rest_url, Credential(creds.api_key, creds.api_secret)) as http:
        placed = await http.http_place_order(
            PlaceOrderParams(
                BybitProductType.LINEAR, "BTCUSDT", "Buy", "Market", "0.010", order_link_id="away-1"
            )
        )
    await rig.sim.journal.wait_for(
        lambda e: isinstance(e, WsClose) and e.fault == fault.name, WAIT_S, since=mark
    )
    fill = (
        await rig.sink.wait_for(
            lambda r: isinstance(r.payload, FillReport) and r.payload.venue_order_id.value == placed.order_id,
            WAIT_S,
            since=0,
        )
    ).payload
    restored = rig.sim.journal.entries(
        SubscriptionEntry, mark, SubscriptionMatch(topic="execution", outcome="ok")
    )
    reads = rig.sim.journal.entries(HttpEntry, mark, HttpMatch("GET", "/v5/execution/list"))
    assert restored and reads and restored[0].seq < reads[0].seq
    await _barrier(rig)
    same = [r for r in rig.sink.of_type(FillReport) if r.trade_id == fill.trade_id]
    assert len(same) == 1
