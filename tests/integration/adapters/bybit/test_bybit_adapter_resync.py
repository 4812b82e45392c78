"""Book integrity under the simulator's stream faults: a sequence gap, and a dropped connection.

Each test waits for the adapter's reaction (a fresh snapshot) on the sink, then checks the book
it carries against the venue's own book.
"""

from __future__ import annotations

from adapters.bybit.common.credential import Credential
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.http.query import PlaceOrderParams
from adapters.model.data import OrderBookDeltas
from adapters.model.enums import OrderSide
from adapters.model.identifiers import InstrumentId

from .conftest import WAIT_S, Rig

LINEAR = InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")


def _snapshot(r: object) -> bool:
    payload = getattr(r, "payload", None)
    return isinstance(payload, OrderBookDeltas) and payload.is_snapshot


def _bids(deltas: OrderBookDeltas) -> list[tuple[object, object]]:
    return [
        (d.order.price.value, d.order.size.value)
        for d in deltas.deltas
        if d.order and d.order.side is OrderSide.BUY
    ]


async def _rest_order(rig: Rig, price: str, link_id: str) -> None:
    creds = rig.sim.credentials
    assert creds is not None
    async with BybitHttpClient(rig.sim.rest_url, Credential(creds.api_key, creds.api_secret)) as http:
        await http.http_place_order(
            PlaceOrderParams(
                BybitProductType.LINEAR,
                "BTCUSDT",
                "Buy",
                "Limit",
                "0.010",
                price=price,
                order_link_id=link_id,
            )
        )


async def test_a_sequence_gap_resyncs_the_book_from_a_fresh_snapshot(rig: Rig) -> None:
    data, sink, sim = rig.clients.data, rig.sink, rig.sim
    await data.connect()
    await data.subscribe_order_book_deltas(LINEAR, depth=50)
    await sink.wait_for(_snapshot, WAIT_S)
    mark = sink.mark()
    sim.faults.arm({"kind": "skip_sequence"}, channel="ws", op="push", topic="orderbook.50.*")
    await _rest_order(rig, "99000.00", "gap-1")  # changes the book: the delta arrives with a gap
    resynced = (await sink.wait_for(_snapshot, WAIT_S, since=mark)).payload
    assert data.books.gaps == 1 and data.resyncs == 1  # type: ignore[attr-defined]
    # Nothing from the broken sequence was published before the fresh snapshot.
    assert all(_snapshot(r) for r in sink.records[mark:] if isinstance(r.payload, OrderBookDeltas))
    venue_book = sim.exchange.book(sim.instrument_id("linear:BTCUSDT"))
    bids = _bids(resynced)
    assert bids == list(venue_book.bids[: len(bids)])
    assert any(p == 99000 for p, _ in bids)


async def test_a_dropped_connection_restores_the_book_subscription(rig: Rig) -> None:
    data, sink, sim = rig.clients.data, rig.sink, rig.sim
    await data.connect()
    await data.subscribe_order_book_deltas(LINEAR, depth=50)
    await sink.wait_for(_snapshot, WAIT_S)
    mark = sink.mark()
    sim.faults.arm({"kind": "drop_connection", "code": 1011}, channel="ws", op="push", topic="orderbook.50.*")
    await _rest_order(rig, "98000.00", "drop-1")  # its push trips the fault: the socket closes
    restored = (await sink.wait_for(_snapshot, WAIT_S, since=mark)).payload
    socket = data._sockets[BybitProductType.LINEAR]  # type: ignore[attr-defined]
    assert socket.inner.reconnects == 1
    bids = _bids(restored)
    venue_book = sim.exchange.book(sim.instrument_id("linear:BTCUSDT"))
    assert bids == list(venue_book.bids[: len(bids)]) and any(p == 98000 for p, _ in bids)
