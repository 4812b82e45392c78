"""Spot and linear BTCUSDT subscribed together: one symbol, two instruments, two sockets.

Bybit's spot and linear streams use the same topic names (``publicTrade.BTCUSDT``,
``orderbook.50.BTCUSDT``, ``orderbook.1.BTCUSDT``). Each test subscribes both twins, makes the
venue change each market, and checks that every push reaches the sink under the instrument of the
socket it came on, and that unsubscribing one twin leaves the other streaming. "Nothing was
published" is proven up to a barrier: a later push on the same socket that was published.
"""

from __future__ import annotations

from decimal import Decimal

from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.websocket.client import BybitWebSocketClient
from adapters.contract.sink import Record
from adapters.model.data import MarkPriceUpdate, OrderBookDeltas, QuoteTick, TradeTick
from adapters.model.enums import OrderSide
from adapters.model.identifiers import InstrumentId
from adapters.network.subscriptions import TopicStatus
from simulator.core.commands import NewOrder
from simulator.core.enums import OrderType, Side, TimeInForce

from .conftest import WAIT_S, Rig

SPOT = InstrumentId.from_str("BTCUSDT-SPOT.BYBIT")
LINEAR = InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")
TRADES = "publicTrade.BTCUSDT"
BOOK_50 = "orderbook.50.BTCUSDT"
BOOK_1 = "orderbook.1.BTCUSDT"
#: The venue account that trades against and adds to the seeded books.
PARTICIPANT = "twins-participant"
#: A quantity both markets accept (spot lot 0.000001, linear lot 0.001).
QTY = Decimal("0.001")


def _ref(instrument_id: InstrumentId) -> str:
    raw, _, product = instrument_id.symbol.value.rpartition("-")
    return f"{product.lower()}:{raw}"


def _socket(rig: Rig, product: BybitProductType) -> BybitWebSocketClient:
    return rig.clients.data._sockets[product]  # type: ignore[attr-defined, no-any-return]


async def _wait_dropped(rig: Rig, dropped: BybitProductType, kept: BybitProductType, topic: str) -> None:
    """Wait for the venue's unsubscribe ack of ``topic`` on ``dropped``; ``kept`` still has it."""
    inner = _socket(rig, dropped).inner
    await inner.wait_until(lambda: inner.subscriptions.status(topic) is None, WAIT_S)
    assert _socket(rig, kept).inner.subscriptions.status(topic) is TopicStatus.ACTIVE


def _trade(rig: Rig, instrument_id: InstrumentId) -> str:
    """Lift the best ask of ``instrument_id`` at the venue; returns the venue's trade id."""
    exchange = rig.sim.exchange
    exchange.participant(PARTICIPANT)
    ref = rig.sim.instrument_id(_ref(instrument_id))
    best_ask = exchange.book(ref, 1).asks[0][0]
    result = exchange.place_order(
        NewOrder(PARTICIPANT, ref, Side.BUY, OrderType.LIMIT, QTY, best_ask, time_in_force=TimeInForce.IOC)
    )
    (trade,) = [e for e in result.events if type(e).__name__ == "TradeOccurred"]
    return str(trade.trade_id)


def _add_bid(rig: Rig, instrument_id: InstrumentId) -> tuple[Decimal, Decimal]:
    """Rest a bid at the best bid of ``instrument_id`` (the top level grows); the level's price and size.

    The seeded books are one tick wide, so adding to the top is the change every book depth sees.
    """
    exchange = rig.sim.exchange
    exchange.participant(PARTICIPANT)
    ref = rig.sim.instrument_id(_ref(instrument_id))
    price, size = exchange.book(ref, 1).bids[0]
    result = exchange.place_order(NewOrder(PARTICIPANT, ref, Side.BUY, OrderType.LIMIT, QTY, price))
    assert result.ok, result.message
    return price, size + QTY


def _trades_since(rig: Rig, mark: int) -> set[tuple[InstrumentId, str]]:
    return {(t.instrument_id, t.trade_id.value) for t in rig.sink.of_type(TradeTick, since=mark)}


async def _wait_trade(rig: Rig, instrument_id: InstrumentId, trade_id: str, since: int) -> None:
    def match(r: Record) -> bool:
        p = r.payload
        return isinstance(p, TradeTick) and p.instrument_id == instrument_id and p.trade_id.value == trade_id

    await rig.sink.wait_for(match, WAIT_S, since=since)


async def _wait_book(
    rig: Rig,
    instrument_id: InstrumentId,
    since: int,
    *,
    snapshot: bool | None = None,
    bid: tuple[Decimal, Decimal] | None = None,
) -> OrderBookDeltas:
    """The first book of ``instrument_id`` since ``since`` (of that kind, carrying that bid level)."""

    def match(r: Record) -> bool:
        p = r.payload
        return (
            isinstance(p, OrderBookDeltas)
            and p.instrument_id == instrument_id
            and (snapshot is None or p.is_snapshot == snapshot)
            and (bid is None or bid in _bids(p))
        )

    return (await rig.sink.wait_for(match, WAIT_S, since=since)).payload  # type: ignore[no-any-return]


async def _wait_quote(
    rig: Rig, instrument_id: InstrumentId, since: int, bid: tuple[Decimal, Decimal] | None = None
) -> QuoteTick:
    """The first quote of ``instrument_id`` since ``since`` (with that best bid price and size)."""

    def match(r: Record) -> bool:
        p = r.payload
        return (
            isinstance(p, QuoteTick)
            and p.instrument_id == instrument_id
            and (bid is None or (p.bid_price.value, p.bid_size.value) == bid)
        )

    return (await rig.sink.wait_for(match, WAIT_S, since=since)).payload  # type: ignore[no-any-return]


def _bids(deltas: OrderBookDeltas) -> list[tuple[Decimal, Decimal]]:
    return [
        (d.order.price.value, d.order.size.value)
        for d in deltas.deltas
        if d.order and d.order.side is OrderSide.BUY
    ]


async def test_spot_and_linear_trades_each_reach_the_sink_under_their_own_instrument(rig: Rig) -> None:
    data, sink = rig.clients.data, rig.sink
    await data.connect()
    await data.subscribe_trade_ticks(LINEAR)
    await data.subscribe_trade_ticks(SPOT)  # the same topic, on the spot socket
    await data.subscribe_quote_ticks(SPOT)  # orderbook.1 on spot: the spot barrier below
    spot_ws, linear_ws = _socket(rig, BybitProductType.SPOT), _socket(rig, BybitProductType.LINEAR)
    assert spot_ws.is_subscribed(TRADES) and linear_ws.is_subscribed(TRADES)

    mark = sink.mark()
    made = {(SPOT, _trade(rig, SPOT)), (LINEAR, _trade(rig, LINEAR))}
    for instrument_id, trade_id in made:
        await _wait_trade(rig, instrument_id, trade_id, mark)
    assert _trades_since(rig, mark) == made  # each once, none under its twin's id

    await data.unsubscribe_trade_ticks(SPOT)
    await _wait_dropped(rig, BybitProductType.SPOT, BybitProductType.LINEAR, TRADES)
    mark = sink.mark()
    _trade(rig, SPOT)
    linear_trade = _trade(rig, LINEAR)
    # Barrier: a spot book change made after the spot trade; its quote comes later on that socket.
    barrier_bid = _add_bid(rig, SPOT)
    await _wait_quote(rig, SPOT, mark, bid=barrier_bid)
    await _wait_trade(rig, LINEAR, linear_trade, mark)
    assert _trades_since(rig, mark) == {(LINEAR, linear_trade)}
    assert sink.errors == []


async def test_spot_and_linear_books_of_one_topic_are_sequenced_and_published_apart(rig: Rig) -> None:
    data, sink, sim = rig.clients.data, rig.sink, rig.sim
    await data.connect()
    mark = sink.mark()
    await data.subscribe_order_book_deltas(LINEAR, depth=50)
    await data.subscribe_order_book_deltas(SPOT, depth=50)
    await data.subscribe_trade_ticks(SPOT)  # the spot barrier below
    for instrument_id in (SPOT, LINEAR):
        snapshot = await _wait_book(rig, instrument_id, mark, snapshot=True)
        venue = sim.exchange.book(sim.instrument_id(_ref(instrument_id)))
        bids = _bids(snapshot)
        assert bids and bids == list(venue.bids[: len(bids)]), instrument_id

    # Interleaved deltas of both books: each is in sequence on its own socket.
    mark = sink.mark()
    spot_bid, linear_bid = _add_bid(rig, SPOT), _add_bid(rig, LINEAR)
    await _wait_book(rig, SPOT, mark, snapshot=False, bid=spot_bid)
    await _wait_book(rig, LINEAR, mark, snapshot=False, bid=linear_bid)
    assert data.books.gaps == 0 and data.resyncs == 0  # type: ignore[attr-defined]

    await data.unsubscribe_order_book_deltas(SPOT)
    await _wait_dropped(rig, BybitProductType.SPOT, BybitProductType.LINEAR, BOOK_50)
    mark = sink.mark()
    _add_bid(rig, SPOT)
    linear_bid = _add_bid(rig, LINEAR)
    await _wait_book(rig, LINEAR, mark, snapshot=False, bid=linear_bid)
    barrier = _trade(rig, SPOT)  # made after the spot book change: published after any push of it
    await _wait_trade(rig, SPOT, barrier, mark)
    books = sink.of_type(OrderBookDeltas, since=mark)
    assert books and {b.instrument_id for b in books} == {LINEAR}
    assert data.books.gaps == 0 and sink.errors == []  # type: ignore[attr-defined]


async def test_spot_quotes_and_a_linear_depth_one_book_share_a_topic_name_not_a_stream(rig: Rig) -> None:
    data, sink, sim = rig.clients.data, rig.sink, rig.sim
    await data.connect()
    mark = sink.mark()
    await data.subscribe_order_book_deltas(LINEAR, depth=1)  # orderbook.1 on linear
    await data.subscribe_quote_ticks(SPOT)  # orderbook.1 on spot
    await data.subscribe_quote_ticks(LINEAR)  # tickers on linear
    await data.subscribe_mark_prices(LINEAR)
    spot_top = sim.exchange.book(sim.instrument_id("spot:BTCUSDT"), 1)
    linear_top = sim.exchange.book(sim.instrument_id("linear:BTCUSDT"), 1)
    spot_quote = await _wait_quote(rig, SPOT, mark)
    assert (spot_quote.bid_price.value, spot_quote.ask_price.value) == (
        spot_top.bids[0][0],
        spot_top.asks[0][0],
    )
    linear_quote = await _wait_quote(rig, LINEAR, mark)
    assert (linear_quote.bid_price.value, linear_quote.ask_price.value) == (
        linear_top.bids[0][0],
        linear_top.asks[0][0],
    )
    book = await _wait_book(rig, LINEAR, mark, snapshot=True)
    assert _bids(book) == list(linear_top.bids)
    mark_price = await sink.wait_for_type(MarkPriceUpdate, WAIT_S, since=mark)
    assert mark_price.instrument_id == LINEAR

    await data.unsubscribe_quote_ticks(SPOT)
    await _wait_dropped(rig, BybitProductType.SPOT, BybitProductType.LINEAR, BOOK_1)
    mark = sink.mark()
    linear_bid = _add_bid(rig, LINEAR)
    await _wait_book(rig, LINEAR, mark, bid=linear_bid)
    await _wait_quote(rig, LINEAR, mark, bid=linear_bid)
    # Every depth-1 book published came from the linear socket; no spot book was ever published.
    assert {b.instrument_id for b in sink.of_type(OrderBookDeltas)} == {LINEAR}
    assert data.books.gaps == 0 and sink.errors == []  # type: ignore[attr-defined]


async def test_a_spot_reconnect_leaves_the_linear_book_in_sequence(rig: Rig) -> None:
    data, sink, sim = rig.clients.data, rig.sink, rig.sim
    await data.connect()
    mark = sink.mark()
    await data.subscribe_order_book_deltas(LINEAR, depth=50)
    await data.subscribe_order_book_deltas(SPOT, depth=50)
    await data.subscribe_quote_ticks(SPOT)  # orderbook.1: on the spot socket only
    await _wait_book(rig, LINEAR, mark, snapshot=True)
    await _wait_book(rig, SPOT, mark, snapshot=True)

    mark = sink.mark()
    sim.faults.arm({"kind": "drop_connection", "code": 1011}, channel="ws", op="push", topic=BOOK_1)
    _add_bid(rig, SPOT)  # its orderbook.1 push trips the fault: the spot socket closes
    await _wait_book(rig, SPOT, mark, snapshot=True)  # restored: a fresh spot snapshot
    assert _socket(rig, BybitProductType.SPOT).inner.reconnects == 1
    assert _socket(rig, BybitProductType.LINEAR).inner.reconnects == 0

    # The linear book never left its sequence: its next delta is published without a new snapshot.
    linear_bid = _add_bid(rig, LINEAR)
    await _wait_book(rig, LINEAR, mark, snapshot=False, bid=linear_bid)
    assert [
        b for b in sink.of_type(OrderBookDeltas, since=mark) if b.instrument_id == LINEAR and b.is_snapshot
    ] == []
    assert data.books.gaps == 0 and data.resyncs == 0  # type: ignore[attr-defined]
