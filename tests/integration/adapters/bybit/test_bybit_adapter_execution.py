"""Order entry, the private stream and reconciliation against the running simulator.

Every event is checked against the venue's own state (``sim.exchange``). "Nothing was sent" is
proven with a barrier: after the denied command the client makes one more request, and the
journal shows that one and no order/create.
"""

from __future__ import annotations

from decimal import Decimal

from adapters.bybit.common.credential import Credential
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.http.query import PlaceOrderParams
from adapters.model.account import AccountState
from adapters.model.commands import CancelOrder, ModifyOrder, SubmitOrder
from adapters.model.enums import OrderSide, OrderType, PositionSide, TimeInForce
from adapters.model.events import (
    OrderAccepted,
    OrderCanceled,
    OrderDenied,
    OrderFilled,
    OrderRejected,
    OrderSubmitted,
    OrderUpdated,
)
from adapters.model.identifiers import ClientOrderId, InstrumentId
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order
from adapters.model.reports import OrderStatusReport, PositionStatusReport

from .conftest import WAIT_S, Rig

LINEAR = InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")
INVERSE = InstrumentId.from_str("BTCUSD-INVERSE.BYBIT")


def _order(cid: str, **kwargs: object) -> Order:
    fields: dict[str, object] = {
        "instrument_id": LINEAR,
        "client_order_id": ClientOrderId(cid),
        "order_side": OrderSide.BUY,
        "order_type": OrderType.LIMIT,
        "quantity": Quantity("0.010", 3),
        "price": Price("90000.00", 2),
        "ts_init": 1,
    }
    fields.update(kwargs)
    return Order(**fields)  # type: ignore[arg-type]


def _of(event_type: type, cid: str):
    return lambda r: isinstance(r.payload, event_type) and r.payload.client_order_id == ClientOrderId(cid)


async def test_connect_publishes_account_state_and_reconciles_positions(rig: Rig) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    state = next(p for p in rig.sink.payloads("event") if isinstance(p, AccountState))
    usdt = next(b for b in state.balances if str(b.currency) == "USDT")
    assert usdt.total.value == rig.sim.exchange.balance("trader", "USDT").total
    positions = {
        p.instrument_id: p for p in rig.sink.payloads("event") if isinstance(p, PositionStatusReport)
    }
    assert positions[LINEAR].position_side is PositionSide.LONG and positions[
        LINEAR
    ].quantity.value == Decimal("0.5")
    assert (
        positions[INVERSE].position_side is PositionSide.SHORT and positions[INVERSE].quantity.value == 1000
    )


async def test_place_amend_cancel_round_trip(rig: Rig) -> None:
    execution, sink, venue = rig.clients.execution, rig.sink, rig.sim.exchange
    assert execution is not None
    await execution.connect()
    await execution.submit_order(SubmitOrder(order=_order("life-1"), ts_init=1))
    accepted = (await sink.wait_for(_of(OrderAccepted, "life-1"), WAIT_S)).payload
    assert sink.of_type(OrderSubmitted)[0].client_order_id == ClientOrderId("life-1")
    (open_order,) = venue.open_orders("trader")
    assert open_order.order_id == accepted.venue_order_id.value and open_order.client_order_id == "life-1"

    await execution.modify_order(
        ModifyOrder(
            instrument_id=LINEAR,
            client_order_id=ClientOrderId("life-1"),
            venue_order_id=None,
            price=Price("90100.00", 2),
            ts_init=1,
        )
    )
    updated = (await sink.wait_for(_of(OrderUpdated, "life-1"), WAIT_S)).payload
    assert updated.price == Price("90100.00", 2)
    assert venue.order("trader", open_order.order_id).price == Decimal("90100.00")

    await execution.cancel_order(
        CancelOrder(
            instrument_id=LINEAR, client_order_id=None, venue_order_id=accepted.venue_order_id, ts_init=1
        )
    )
    await sink.wait_for(_of(OrderCanceled, "life-1"), WAIT_S)
    assert venue.open_orders("trader") == []


async def test_market_fill_is_published_once_and_matches_the_venue_fill(rig: Rig) -> None:
    execution, sink, venue = rig.clients.execution, rig.sink, rig.sim.exchange
    assert execution is not None
    await execution.connect()
    await execution.submit_order(
        SubmitOrder(order=_order("mkt-2", order_type=OrderType.MARKET, price=None), ts_init=1)
    )
    filled = (await sink.wait_for(_of(OrderFilled, "mkt-2"), WAIT_S)).payload
    venue_fill = venue.fills("trader")[0]
    assert filled.trade_id.value == venue_fill.trade_id
    assert filled.last_qty.value == Decimal("0.010")
    # The same fill read back over REST is the same trade id, and the stream does not repeat it.
    reports = await execution.generate_fill_reports(LINEAR)
    assert [r.trade_id for r in reports] == [filled.trade_id]
    barrier = await execution.generate_order_status_report(LINEAR, client_order_id=ClientOrderId("mkt-2"))
    assert barrier is not None
    assert len(sink.of_type(OrderFilled)) == len(venue.fills("trader"))


async def test_post_only_that_would_cross_is_rejected_due_post_only(rig: Rig) -> None:
    execution, sink = rig.clients.execution, rig.sink
    assert execution is not None
    await execution.connect()
    crossing = Price("200000.00", 2)
    await execution.submit_order(SubmitOrder(order=_order("po-1", price=crossing, post_only=True), ts_init=1))
    rejected = (await sink.wait_for(_of(OrderRejected, "po-1"), WAIT_S)).payload
    assert rejected.due_post_only
    assert rig.sim.exchange.open_orders("trader") == []


async def test_unsupported_orders_are_denied_without_wire_traffic(rig: Rig) -> None:
    execution, sink, sim = rig.clients.execution, rig.sink, rig.sim
    assert execution is not None
    await execution.connect()
    creates_before = len(sim.journal.http("/v5/order/create"))
    for cid, kwargs in (
        ("gtd-1", {"time_in_force": TimeInForce.GTD, "expire_time_ns": 2**62}),
        (
            "trail-1",
            {"order_type": OrderType.TRAILING_STOP_MARKET, "price": None, "trigger_price": Price("1.00", 2)},
        ),
    ):
        try:
            order = _order(cid, **kwargs)
        except ValueError:
            continue  # the model itself refuses this shape; nothing to deny
        await execution.submit_order(SubmitOrder(order=order, ts_init=1))
        denied = (await sink.wait_for(_of(OrderDenied, cid), WAIT_S)).payload
        assert "Bybit" in denied.reason or "expiry" in denied.reason
    assert sink.of_type(OrderDenied)
    # Barrier: one more request reaches the venue; no order/create did.
    await execution.generate_order_status_reports(LINEAR, open_only=True)
    assert sim.journal.http("/v5/order/realtime")
    assert len(sim.journal.http("/v5/order/create")) == creates_before
    assert not sink.of_type(OrderSubmitted)


async def test_pre_existing_orders_are_reconciled_and_adopted(rig: Rig) -> None:
    creds = rig.sim.credentials
    assert creds is not None
    async with BybitHttpClient(rig.sim.rest_url, Credential(creds.api_key, creds.api_secret)) as http:
        placed = await http.http_place_order(
            PlaceOrderParams(
                BybitProductType.LINEAR,
                "BTCUSDT",
                "Sell",
                "Limit",
                "0.020",
                price="120000.00",
                order_link_id="old-1",
            )
        )
    execution, sink = rig.clients.execution, rig.sink
    assert execution is not None
    await execution.connect()
    report = next(p for p in sink.payloads("event") if isinstance(p, OrderStatusReport))
    assert report.venue_order_id.value == placed.order_id and report.client_order_id == ClientOrderId("old-1")
    assert report.quantity.value == Decimal("0.020") and report.price == Price("120000.00", 2)
    await execution.cancel_order(
        CancelOrder(
            instrument_id=LINEAR, client_order_id=ClientOrderId("old-1"), venue_order_id=None, ts_init=1
        )
    )
    await sink.wait_for(_of(OrderCanceled, "old-1"), WAIT_S)
    assert rig.sim.exchange.open_orders("trader") == []
