"""Ticker-derived streams, historical trades, order lists and batch/bulk cancels against the simulator."""

from __future__ import annotations

import uuid
from decimal import Decimal

from adapters.model.commands import (
    BatchCancelOrders,
    CancelAllOrders,
    CancelOrder,
    SubmitOrder,
    SubmitOrderList,
)
from adapters.model.data import (
    FundingRateUpdate,
    IndexPriceUpdate,
    MarkPriceUpdate,
    OrderBookDeltas,
    QuoteTick,
    TradeTick,
)
from adapters.model.enums import OrderSide, OrderType
from adapters.model.events import OrderAccepted, OrderCanceled, OrderFilled, OrderRejected
from adapters.model.identifiers import ClientOrderId, InstrumentId, OrderListId
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order, OrderList

from .conftest import WAIT_S, Rig

LINEAR = InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")
INVERSE = InstrumentId.from_str("BTCUSD-INVERSE.BYBIT")


def _limit(cid: str, price: str, side: OrderSide = OrderSide.BUY, qty: str = "0.010") -> Order:
    return Order(
        instrument_id=LINEAR,
        client_order_id=ClientOrderId(cid),
        order_side=side,
        order_type=OrderType.LIMIT,
        quantity=Quantity(qty, 3),
        price=Price(price, 2),
        ts_init=1,
    )


async def test_mark_index_and_funding_come_from_the_venue_ticker(rig: Rig) -> None:
    data, sink, sim = rig.clients.data, rig.sink, rig.sim
    await data.connect()
    await data.subscribe_mark_prices(INVERSE)
    await data.subscribe_index_prices(INVERSE)
    await data.subscribe_funding_rates(LINEAR)
    mark = (await sink.wait_for(lambda r: isinstance(r.payload, MarkPriceUpdate), WAIT_S)).payload
    index = (await sink.wait_for(lambda r: isinstance(r.payload, IndexPriceUpdate), WAIT_S)).payload
    funding = (await sink.wait_for(lambda r: isinstance(r.payload, FundingRateUpdate), WAIT_S)).payload
    inverse_market = sim.exchange.market(sim.instrument_id("inverse:BTCUSD"))
    assert mark.instrument_id == INVERSE and mark.value.value == inverse_market.mark_price
    assert index.value.value == inverse_market.index_price
    assert funding.instrument_id == LINEAR and funding.rate == Decimal("0.0001")
    assert funding.next_funding_ns is not None and funding.next_funding_ns > funding.ts_event


async def test_historical_trades_are_the_venue_trades_ascending(rig: Rig) -> None:
    data, execution, sink, sim = rig.clients.data, rig.clients.execution, rig.sink, rig.sim
    assert execution is not None
    await data.connect()
    await execution.connect()
    for i in range(2):
        order = Order(
            instrument_id=LINEAR,
            client_order_id=ClientOrderId(f"t-{i}"),
            order_side=OrderSide.BUY,
            order_type=OrderType.MARKET,
            quantity=Quantity("0.010", 3),
            ts_init=1,
        )
        await execution.submit_order(SubmitOrder(order=order, ts_init=1))
        await sink.wait_for(
            lambda r, i=i: isinstance(r.payload, OrderFilled) and r.payload.client_order_id.value == f"t-{i}",
            WAIT_S,
        )
    correlation = uuid.uuid4()
    await data.request_trade_ticks(LINEAR, correlation_id=correlation, limit=10)
    response = sink.response(correlation)
    assert response is not None and response.data_type == "TradeTick"
    ticks: list[TradeTick] = list(response.data)
    venue_ids = {f.trade_id for f in sim.exchange.fills("trader")}
    assert {t.trade_id.value for t in ticks} >= venue_ids
    assert [t.ts_event for t in ticks] == sorted(t.ts_event for t in ticks)


async def test_order_list_goes_out_as_one_batch_and_each_order_is_accepted(rig: Rig) -> None:
    execution, sink, sim = rig.clients.execution, rig.sink, rig.sim
    assert execution is not None
    await execution.connect()
    orders = (
        _limit("list-1", "90000.00"),
        _limit("list-2", "90010.00"),
        _limit("list-3", "90020.00"),
    )
    order_list = OrderList(order_list_id=OrderListId("OL-1"), instrument_id=LINEAR, orders=orders, ts_init=1)
    batches_before = len(sim.journal.http("/v5/order/create-batch"))
    await execution.submit_order_list(SubmitOrderList(order_list=order_list, ts_init=1))
    assert len(sim.journal.http("/v5/order/create-batch")) == batches_before + 1
    for cid in ("list-1", "list-2", "list-3"):
        await sink.wait_for(
            lambda r, cid=cid: (
                isinstance(r.payload, OrderAccepted) and r.payload.client_order_id.value == cid
            ),
            WAIT_S,
        )
    open_ids = {o.client_order_id for o in sim.exchange.open_orders("trader")}
    assert {"list-1", "list-2", "list-3"} <= open_ids

    # Cancel one by batch, then the rest with cancel-all.
    await execution.batch_cancel_orders(
        BatchCancelOrders(
            instrument_id=LINEAR,
            cancels=(
                CancelOrder(
                    instrument_id=LINEAR,
                    client_order_id=ClientOrderId("list-1"),
                    venue_order_id=None,
                    ts_init=1,
                ),
            ),
            ts_init=1,
        )
    )
    await sink.wait_for(
        lambda r: isinstance(r.payload, OrderCanceled) and r.payload.client_order_id.value == "list-1", WAIT_S
    )
    await execution.cancel_all_orders(CancelAllOrders(instrument_id=LINEAR, ts_init=1))
    await sink.wait_for(
        lambda r: isinstance(r.payload, OrderCanceled) and r.payload.client_order_id.value == "list-2", WAIT_S
    )
    assert [o for o in sim.exchange.open_orders("trader") if o.client_order_id.startswith("list-")] == []
    assert not [e for e in sink.of_type(OrderRejected) if e.client_order_id.value.startswith("list-")]


async def test_option_and_spot_books_and_full_snapshots(rig: Rig) -> None:
    data, sink, sim = rig.clients.data, rig.sink, rig.sim
    await data.connect()
    option = next(i for i in rig.clients.provider.list_all() if type(i).__name__ == "CryptoOption")
    await data.subscribe_order_book_deltas(option.instrument_id)  # options default to depth 25
    book = (
        await sink.wait_for(
            lambda r: (
                isinstance(r.payload, OrderBookDeltas) and r.payload.instrument_id == option.instrument_id
            ),
            WAIT_S,
        )
    ).payload
    venue = sim.exchange.book(sim.instrument_id("option:C95"))
    assert book.is_snapshot
    assert [d.order.price.value for d in book.deltas if d.order and d.order.side is OrderSide.SELL] == [
        p for p, _ in venue.asks[:25]
    ]
    spot = InstrumentId.from_str("BTCUSDT-SPOT.BYBIT")
    await data.subscribe_order_book_snapshots(spot, depth=50)
    await data.subscribe_quote_ticks(spot)  # spot quotes come from orderbook.1
    snap = (
        await sink.wait_for(
            lambda r: isinstance(r.payload, OrderBookDeltas) and r.payload.instrument_id == spot, WAIT_S
        )
    ).payload
    spot_venue = sim.exchange.book(sim.instrument_id("spot:BTCUSDT"))
    assert [d.order.price.value for d in snap.deltas if d.order and d.order.side is OrderSide.BUY] == [
        p for p, _ in spot_venue.bids[:50]
    ]
    quote = (
        await sink.wait_for(
            lambda r: isinstance(r.payload, QuoteTick) and r.payload.instrument_id == spot, WAIT_S
        )
    ).payload
    assert (quote.bid_price.value, quote.ask_price.value) == (spot_venue.bids[0][0], spot_venue.asks[0][0])
