"""RecordingSink: ordered records, waiting with a deadline and no polling, DataResponse."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest

from adapters.contract import DataResponse, EventSink, RecordingSink, WaitTimeout


def test_records_everything_in_order_with_a_monotonic_index() -> None:
    sink = RecordingSink()
    assert isinstance(sink, EventSink)
    cid = uuid4()
    response = DataResponse(correlation_id=cid, data_type="TradeTick", data=[1, 2], ts_init=0, limit=2)
    error = RuntimeError("ws closed")
    sink.on_data("quote")
    sink.on_event("accepted")
    sink.on_response(cid, response)
    sink.on_error(error, "ws public linear")
    assert [r.index for r in sink.records] == [0, 1, 2, 3]
    assert [r.kind for r in sink.records] == ["data", "event", "response", "error"]
    assert sink.response(cid) is response and sink.response(uuid4()) is None
    assert sink.errors[0].payload is error and sink.errors[0].context == "ws public linear"
    assert sink.payloads("data") == ["quote"] and sink.of_type(str, since=1) == ["accepted"]
    assert sink.mark() == 4
    assert response.data == (1, 2)


async def test_wait_for_returns_an_existing_match_at_once() -> None:
    sink = RecordingSink()
    sink.on_data(1)
    record = await sink.wait_for(lambda r: r.payload == 1, timeout=0.001)
    assert record.index == 0


async def test_wait_for_wakes_on_a_later_record_and_respects_since() -> None:
    sink = RecordingSink()
    sink.on_data("old")
    mark = sink.mark()
    waiting = asyncio.ensure_future(sink.wait_for(lambda r: r.payload in ("old", "new"), 5, since=mark))
    seen: list[bool] = []

    def publish() -> None:
        # call_soon runs after the task's first step (FIFO), so the waiter is registered by now.
        seen.append(waiting.done())
        sink.on_data("other")
        sink.on_data("new")

    asyncio.get_running_loop().call_soon(publish)
    record = await waiting
    assert seen == [False]
    assert (record.index, record.payload) == (2, "new")
    assert sink._waiters == []


async def test_wait_for_response_and_type() -> None:
    sink = RecordingSink()
    cid = uuid4()
    task = asyncio.ensure_future(sink.wait_for_response(cid, 5))
    typed = asyncio.ensure_future(sink.wait_for_type(int, 5))
    mine = DataResponse(correlation_id=cid, data_type="Bar", data=(), ts_init=0)

    def publish() -> None:
        sink.on_response(uuid4(), DataResponse(correlation_id=uuid4(), data_type="Bar", data=(), ts_init=0))
        sink.on_data(7)
        sink.on_response(cid, mine)

    asyncio.get_running_loop().call_soon(publish)
    assert await task is mine
    assert await typed == 7


async def test_wait_for_times_out_with_the_latest_records_in_the_message() -> None:
    sink = RecordingSink()
    sink.on_event("OrderSubmitted")
    with pytest.raises(WaitTimeout, match=r"(?s)within 0.01s.*OrderSubmitted"):
        await sink.wait_for(lambda r: r.payload == "OrderAccepted", 0.01)
    assert sink._waiters == []


async def test_a_raising_predicate_fails_its_wait_not_the_publisher() -> None:
    sink = RecordingSink()
    task = asyncio.ensure_future(sink.wait_for(lambda r: r.payload == 1 / 0, 5))
    asyncio.get_running_loop().call_soon(sink.on_data, "x")  # must not raise in the publisher
    with pytest.raises(ZeroDivisionError):
        await task
    assert len(sink.records) == 1


def test_data_response_requires_a_uuid_and_freezes_params() -> None:
    with pytest.raises(TypeError, match="UUID"):
        DataResponse(correlation_id="abc", data_type="Bar", data=(), ts_init=0)  # type: ignore[arg-type]
    response = DataResponse(correlation_id=uuid4(), data_type="Bar", data=(), ts_init=0, params={"a": 1})
    with pytest.raises(TypeError):
        response.params["a"] = 2  # type: ignore[index]
