"""The reference Bybit adapter recorded through the proxy in front of the simulator, then replayed
with the simulator gone: the same instruments, account, reports, order events and book, record by
record, including the book socket closed by the venue mid-stream (code 1011) and restored.

The adapter is built by its factory, as the conformance suite builds it, with the proxy's (then
the replay's) URLs. What differs between two runs of the same client is left out of the
comparison: the time a record was made (``ts_init``, and ``ts_event`` where the adapter stamps it
with its own clock: instruments, account states from REST, submitted orders) and
generated ids (UUIDs). The adapter's own volatile wire fields (``req_id``, the auth ``expires``
and signature, REST timestamps and signatures, reconciliation windows) are what the replay must
ignore to match its requests at all.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.factories import BybitAdapterFactory
from adapters.contract.capabilities import Product
from adapters.contract.factory import Credentials, Endpoints
from adapters.contract.sink import RecordingSink
from adapters.model.account import AccountState
from adapters.model.commands import SubmitOrder
from adapters.model.data import OrderBookDeltas
from adapters.model.enums import OrderSide, OrderType
from adapters.model.events import OrderAccepted, OrderSubmitted
from adapters.model.identifiers import ClientOrderId, InstrumentId
from adapters.model.instruments import Instrument
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order
from simulator.cassette import load
from tests.integration.cassette.simulator_rig import DEADLINE_S, Hooks, Venue, record_then_replay

SCENARIO = """
version: 1
dialect: bybit
name: record-replay-adapter
clock: {mode: real}
seed: 13
instruments:
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", min_notional: "5",
     last_price: "100000.10", mark_price: "100000.50", index_price: "100001.20", funding_rate: "0.0001"}
accounts:
  - id: trader
    balances: {USDT: "100000"}
    api_keys: [{key: RRADAPTERKEY0001, secret: RRADAPTERSECRET00000000000000001}]
    positions:
      - {instrument: linear:BTCUSDT, size: "0.5", entry_price: "99000"}
books:
  - {instrument: linear:BTCUSDT, generate: {levels: 10, qty: "0.05", qty_max: "1.5"}}
"""
KEY, SECRET = "RRADAPTERKEY0001", "RRADAPTERSECRET00000000000000001"
LINEAR = InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")
#: Records whose ``ts_event`` the adapter stamps with its own clock (the venue sends no time).
LOCAL_EVENT_TIME = (Instrument, AccountState, OrderSubmitted)


def endpoints(venue: Venue) -> Endpoints:
    return Endpoints(
        rest_base_url=venue.rest_url,
        ws_public={Product.LINEAR: venue.ws_url("/v5/public/linear")},
        ws_private=venue.ws_url("/v5/private"),
        ws_trade=venue.ws_url("/v5/trade"),
    )


def order(cid: str, price: str) -> Order:
    return Order(
        instrument_id=LINEAR,
        client_order_id=ClientOrderId(cid),
        order_side=OrderSide.BUY,
        order_type=OrderType.LIMIT,
        quantity=Quantity("0.010", 3),
        price=Price(price, 2),
        ts_init=1,
    )


def is_snapshot(record: Any) -> bool:
    return isinstance(record.payload, OrderBookDeltas) and record.payload.is_snapshot


def has_bid(price: str) -> Any:
    def check(record: Any) -> bool:
        payload = record.payload
        return isinstance(payload, OrderBookDeltas) and any(
            d.order is not None and d.order.side is OrderSide.BUY and d.order.price.value == Decimal(price)
            for d in payload.deltas
        )

    return check


def accepted(cid: str) -> Any:
    return lambda r: isinstance(r.payload, OrderAccepted) and r.payload.client_order_id == ClientOrderId(cid)


async def adapter_flow(venue: Venue, hooks: Hooks) -> RecordingSink:
    """Book deltas and the private stream; two orders; the book socket closed by the venue."""
    sink = RecordingSink()
    options = {"settle_coins": ("USDT",), "product_types": (BybitProductType.LINEAR,)}
    clients = BybitAdapterFactory().create(endpoints(venue), Credentials(KEY, SECRET), sink, options)
    data, execution = clients.data, clients.execution
    assert execution is not None
    try:
        await data.connect()
        await data.subscribe_order_book_deltas(LINEAR, depth=50)
        await sink.wait_for(is_snapshot, DEADLINE_S)
        await execution.connect()

        await execution.submit_order(SubmitOrder(order=order("rr-1", "99000.00"), ts_init=1))
        await sink.wait_for(accepted("rr-1"), DEADLINE_S)
        await sink.wait_for(has_bid("99000.00"), DEADLINE_S)

        # The next book push closes the public socket (1011): the adapter reconnects, subscribes
        # again and publishes a fresh snapshot.
        hooks.arm({"kind": "drop_connection", "code": 1011}, channel="ws", op="push", topic="orderbook.50.*")
        mark = sink.mark()
        await execution.submit_order(SubmitOrder(order=order("rr-2", "98000.00"), ts_init=1))
        await sink.wait_for(accepted("rr-2"), DEADLINE_S, since=mark)
        await sink.wait_for(
            lambda r: is_snapshot(r) and has_bid("98000.00")(r) and has_bid("99000.00")(r),
            DEADLINE_S,
            since=mark,
        )
    finally:
        await data.disconnect()
        await execution.disconnect()
    return sink


def comparable(value: Any) -> Any:
    """``value`` without what differs between two runs of one client: local times and UUIDs."""
    if isinstance(value, UUID):
        return "<uuid>"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        local = {"ts_init"} | ({"ts_event"} if isinstance(value, LOCAL_EVENT_TIME) else set())
        return (
            type(value).__name__,
            {
                f.name: comparable(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.name not in local
            },
        )
    if isinstance(value, tuple | list):
        return [comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    return value


def stream(sink: RecordingSink, kind: str) -> list[Any]:
    return [comparable(record.payload) for record in sink.records if record.kind == kind]


async def test_the_adapter_sees_the_same_records_on_replay_across_a_venue_close(tmp_path: Path) -> None:
    path = tmp_path / "adapter.jsonl"
    recorded, replayed, sim, stats = await record_then_replay(SCENARIO, path, adapter_flow)

    # The record run reached the simulator, and the venue closed the book socket once.
    closes = [(c["closed_by"], c["code"]) for c in load(path).of_type("ws_close")]
    assert ("server", 1011) in closes
    assert [e["path"] for e in load(path).of_type("ws_open")].count("/v5/public/linear") == 2
    assert {o.client_order_id for o in sim.exchange.open_orders("trader")} == {"rr-1", "rr-2"}

    # Two book sockets and the private one, all from the cassette; every REST call answered.
    assert stats["ws_replayed"] == 3 and stats["rest_replayed"] == len(sim.journal.http())
    assert not recorded.errors and not replayed.errors
    book = stream(recorded, "data")
    assert sum(1 for item in book if item[0] == "OrderBookDeltas") >= 3
    assert stream(replayed, "data") == book
    events = stream(recorded, "event")
    assert [item[0] for item in events].count("OrderAccepted") == 2
    assert stream(replayed, "event") == events

    data = path.read_bytes()
    assert KEY.encode() not in data and SECRET.encode() not in data
