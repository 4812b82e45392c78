"""The adapter's instrument loading and market data against the running simulator."""

from __future__ import annotations

import uuid
from decimal import Decimal

from adapters.contract.sink import DataResponse
from adapters.model.commands import SubmitOrder
from adapters.model.data import OrderBookDeltas, QuoteTick, TradeTick
from adapters.model.enums import BookAction, OrderSide, OrderType
from adapters.model.identifiers import ClientOrderId, InstrumentId
from adapters.model.instruments import CryptoFuture, CryptoOption, CryptoPerpetual, CurrencyPair
from adapters.model.objects import Quantity
from adapters.model.orders import Order

from .conftest import WAIT_S, Rig

LINEAR = InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")


async def test_connect_loads_every_category_with_the_venue_increments(rig: Rig) -> None:
    await rig.clients.data.connect()
    loaded = {i.instrument_id: i for i in rig.sink.payloads("data")}
    venue = rig.sim.exchange
    by_class = {
        cls: [i for i in loaded.values() if type(i) is cls]
        for cls in (CurrencyPair, CryptoPerpetual, CryptoFuture, CryptoOption)
    }
    assert all(by_class.values()), {cls.__name__: len(v) for cls, v in by_class.items()}
    assert len(loaded) == len(venue.markets)
    for instrument in loaded.values():
        core = venue.instrument(_core_id(rig, instrument.instrument_id))
        assert instrument.price_increment.value == core.tick_size
        assert instrument.size_increment.value == core.lot_size
    inverse = loaded[InstrumentId.from_str("BTCUSD-INVERSE.BYBIT")]
    assert isinstance(inverse, CryptoPerpetual) and inverse.is_inverse
    option = next(iter(by_class[CryptoOption]))
    assert option.strike_price.value == Decimal(95000)


def _core_id(rig: Rig, instrument_id: InstrumentId) -> str:
    raw, _, product = instrument_id.symbol.value.rpartition("-")
    return rig.sim.instrument_id(f"{product.lower()}:{raw}")


async def test_book_stream_matches_the_venue_book_and_trades_follow_a_fill(rig: Rig) -> None:
    data, sink = rig.clients.data, rig.sink
    await data.connect()
    await data.subscribe_order_book_deltas(LINEAR, depth=50)
    record = await sink.wait_for(
        lambda r: isinstance(r.payload, OrderBookDeltas) and r.payload.is_snapshot, WAIT_S
    )
    snapshot = record.payload
    venue_book = rig.sim.exchange.book(_core_id(rig, LINEAR))
    bids = [
        (d.order.price.value, d.order.size.value)
        for d in snapshot.deltas
        if d.order and d.order.side is OrderSide.BUY
    ]
    asks = [
        (d.order.price.value, d.order.size.value)
        for d in snapshot.deltas
        if d.order and d.order.side is OrderSide.SELL
    ]
    assert bids == [(p, q) for p, q in venue_book.bids[: len(bids)]] and len(bids) == min(
        50, len(venue_book.bids)
    )
    assert asks == [(p, q) for p, q in venue_book.asks[: len(asks)]]
    await data.subscribe_trade_ticks(LINEAR)
    await data.subscribe_quote_ticks(LINEAR)

    # A marketable buy from the trader makes a public trade and moves the book.
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    mark = sink.mark()
    order = Order(
        instrument_id=LINEAR,
        client_order_id=ClientOrderId("mkt-1"),
        order_side=OrderSide.BUY,
        order_type=OrderType.MARKET,
        quantity=Quantity("0.010", 3),
        ts_init=1,
    )
    await execution.submit_order(SubmitOrder(order=order, ts_init=1))
    trade = (await sink.wait_for(lambda r: isinstance(r.payload, TradeTick), WAIT_S, since=mark)).payload
    assert trade.price.value == venue_book.asks[0][0] and trade.instrument_id == LINEAR
    delta = (
        await sink.wait_for(
            lambda r: isinstance(r.payload, OrderBookDeltas) and not r.payload.is_snapshot, WAIT_S, since=mark
        )
    ).payload
    best_ask = rig.sim.exchange.book(_core_id(rig, LINEAR)).asks[0]
    changed = {(d.order.price.value, d.action) for d in delta.deltas if d.order is not None}
    assert (venue_book.asks[0][0], BookAction.DELETE) in changed or any(p == best_ask[0] for p, _ in changed)
    assert delta.sequence > snapshot.sequence
    assert data.books.gaps == 0 and data.resyncs == 0  # type: ignore[attr-defined]
    quote = (await sink.wait_for(lambda r: isinstance(r.payload, QuoteTick), WAIT_S, since=mark)).payload
    assert quote.bid_price < quote.ask_price


async def test_history_requests_answer_with_the_correlation_id(rig: Rig) -> None:
    data, sink = rig.clients.data, rig.sink
    await data.connect()
    correlation = uuid.uuid4()
    await data.request_order_book_snapshot(LINEAR, correlation_id=correlation, limit=5)
    response = sink.response(correlation)
    assert isinstance(response, DataResponse) and response.data_type == "OrderBookDeltas"
    (book,) = response.data
    venue_book = rig.sim.exchange.book(_core_id(rig, LINEAR), depth=5)
    assert [d.order.price.value for d in book.deltas if d.order and d.order.side is OrderSide.BUY] == [
        p for p, _ in venue_book.bids
    ]
    correlation = uuid.uuid4()
    await data.request_instruments(correlation_id=correlation)
    response = sink.response(correlation)
    assert response is not None and len(response.data) == len(rig.sim.exchange.markets)
