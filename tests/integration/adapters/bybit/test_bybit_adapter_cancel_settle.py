"""Cancel refusals against the running simulator (catalogue O-18, OP-02): a definite refusal is
OrderCancelRejected; Bybit's ambiguous "order not exists or too late to cancel" (110001) is settled
from the venue's state - Canceled once if the venue says canceled, a rejection only if it still
lists the order open, nothing for an order it never had.

``cancel_order`` awaits its settling query, so once it returns every event it causes is published
(the barrier); the journal shows the query happened.
"""

from __future__ import annotations

from adapters.model.commands import CancelOrder, SubmitOrder
from adapters.model.enums import OrderSide, OrderType
from adapters.model.events import OrderAccepted, OrderCanceled, OrderCancelRejected
from adapters.model.identifiers import ClientOrderId, InstrumentId
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order
from simulator.server import HttpMatch, ResetConnection, RetCode
from simulator.server.journal import HttpEntry

from .conftest import WAIT_S, Rig

LINEAR = InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")
NOT_FOUND = 110001
NOT_FOUND_MSG = "order not exists or too late to cancel"


def _order(cid: str) -> Order:
    return Order(
        instrument_id=LINEAR,
        client_order_id=ClientOrderId(cid),
        order_side=OrderSide.BUY,
        order_type=OrderType.LIMIT,
        quantity=Quantity("0.010", 3),
        price=Price("90000.00", 2),
        ts_init=1,
    )


def _cancel(cid: str) -> CancelOrder:
    return CancelOrder(
        instrument_id=LINEAR, client_order_id=ClientOrderId(cid), venue_order_id=None, ts_init=1
    )


def _events(rig: Rig, kind: type, cid: str, since: int = 0) -> list[object]:
    return [
        r.payload
        for r in rig.sink.records[since:]
        if isinstance(r.payload, kind) and r.payload.client_order_id == ClientOrderId(cid)
    ]


async def _resting(rig: Rig, cid: str) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    await execution.submit_order(SubmitOrder(order=_order(cid), ts_init=1))
    await rig.sink.wait_for(
        lambda r: isinstance(r.payload, OrderAccepted) and r.payload.client_order_id == ClientOrderId(cid),
        WAIT_S,
    )


def _ret_code(entry: HttpEntry) -> object:
    try:
        return entry.response_json().get("retCode")
    except ValueError:  # the answer the reset swallowed
        return None


def _queried(rig: Rig, mark: int) -> bool:
    return bool(rig.sim.journal.entries(HttpEntry, mark, HttpMatch("GET", "/v5/order/realtime")))


async def test_cancel_of_an_order_the_venue_never_had_is_not_a_rejection(rig: Rig) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await execution.connect()
    mark, since = rig.sim.journal.mark(), rig.sink.mark()
    await execution.cancel_order(_cancel("ghost-1"))
    refused = rig.sim.journal.entries(HttpEntry, mark, HttpMatch("POST", "/v5/order/cancel"))
    assert [e.response_json()["retCode"] for e in refused] == [NOT_FOUND]
    assert _queried(rig, mark)
    assert _events(rig, OrderCancelRejected, "ghost-1", since) == []


async def test_a_second_cancel_of_a_canceled_order_settles_to_one_canceled(rig: Rig) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await _resting(rig, "twice-1")
    await execution.cancel_order(_cancel("twice-1"))
    await rig.sink.wait_for(
        lambda r: (
            isinstance(r.payload, OrderCanceled) and r.payload.client_order_id == ClientOrderId("twice-1")
        ),
        WAIT_S,
    )
    mark = rig.sim.journal.mark()
    await execution.cancel_order(_cancel("twice-1"))
    assert _queried(rig, mark)
    assert _events(rig, OrderCancelRejected, "twice-1") == []
    assert len(_events(rig, OrderCanceled, "twice-1")) == 1


async def test_a_cancel_whose_answer_was_lost_is_settled_as_canceled(rig: Rig) -> None:
    # The venue cancels, the answer is lost: no blind resend (it would be told "not found"); the
    # order is queried, found cancelled, and that is what is published.
    execution = rig.clients.execution
    assert execution is not None
    await _resting(rig, "lost-1")
    rig.sim.faults.arm(ResetConnection(phase="response"), route="/v5/order/cancel", times=1)
    mark = rig.sim.journal.mark()
    await execution.cancel_order(_cancel("lost-1"))
    cancels = rig.sim.journal.entries(HttpEntry, mark, HttpMatch("POST", "/v5/order/cancel"))
    assert len(cancels) == 1 and _queried(rig, mark)
    await rig.sink.wait_for(
        lambda r: (
            isinstance(r.payload, OrderCanceled) and r.payload.client_order_id == ClientOrderId("lost-1")
        ),
        WAIT_S,
    )
    assert _events(rig, OrderCancelRejected, "lost-1") == []
    assert rig.sim.exchange.open_orders("trader") == []


async def test_a_not_found_for_an_order_still_open_is_a_rejection(rig: Rig) -> None:
    execution = rig.clients.execution
    assert execution is not None
    await _resting(rig, "open-1")
    rig.sim.faults.arm(RetCode(code=NOT_FOUND, message=NOT_FOUND_MSG), route="/v5/order/cancel")
    since = rig.sink.mark()
    await execution.cancel_order(_cancel("open-1"))
    (rejected,) = _events(rig, OrderCancelRejected, "open-1", since)
    assert NOT_FOUND_MSG in rejected.reason and "New" in rejected.reason  # type: ignore[attr-defined]
    assert [o.client_order_id for o in rig.sim.exchange.open_orders("trader")] == ["open-1"]
