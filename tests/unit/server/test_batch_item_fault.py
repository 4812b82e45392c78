"""The ``batch_item_error`` fault action without sockets: reading it, its bad parameters, arming it.

The dialect's side (a refused item answered without reaching the core) is tested in
``tests/unit/dialects/bybit/rest/test_batch_item_errors.py``; over real sockets in
``tests/integration/server/test_batch_item_fault.py``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from simulator.server.errors import FaultSpecError
from simulator.server.faults import HTTP_ACTIONS, BatchItemError, Faults, parse_action
from simulator.server.journal import FaultPhase, Journal


def test_it_is_read_from_a_mapping_and_written_back() -> None:
    action = parse_action({"kind": "batch_item_error", "index": 2, "code": 110001}, "http")
    assert action == BatchItemError(2, 110001)
    assert isinstance(action, BatchItemError) and action.item_errors == {1: (110001, None)}
    assert action.params() == {"kind": "batch_item_error", "index": 2, "code": 110001, "message": None}
    assert parse_action(action.params(), "http") == action  # the control plane's round trip
    assert HTTP_ACTIONS["batch_item_error"] is BatchItemError
    assert BatchItemError(Decimal(3), 10001.0, "no").item_errors == {2: (10001, "no")}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mapping", "field", "words"),
    [
        ({"kind": "batch_item_error", "code": 10001}, "action.index", "needs index"),
        ({"kind": "batch_item_error", "index": 2}, "action.code", "needs code"),
        ({"kind": "batch_item_error", "index": 0, "code": 10001}, "action.index", ">= 1"),
        ({"kind": "batch_item_error", "index": 1.5, "code": 10001}, "action.index", "whole number"),
        ({"kind": "batch_item_error", "index": "2", "code": 10001}, "action.index", "whole number"),
        ({"kind": "batch_item_error", "index": 2, "code": 0}, "action.code", "0 means success"),
        ({"kind": "batch_item_error", "index": 2, "code": True}, "action.code", "whole number"),
        ({"kind": "batch_item_error", "index": 2, "code": 1, "message": ""}, "action.message", "non-empty"),
        (
            {"kind": "batch_item_error", "index": 2, "code": 1, "item": 3},
            "action.item",
            "index, code, message",
        ),
    ],
)
def test_bad_parameters_name_the_field(mapping: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(FaultSpecError) as caught:
        parse_action(mapping, "http")
    assert caught.value.field == field and words in caught.value.problem


def test_a_python_built_action_is_checked_too() -> None:
    with pytest.raises(FaultSpecError, match=r"action\.index"):
        BatchItemError(-1, 10001)
    with pytest.raises(FaultSpecError, match=r"action\.code"):
        BatchItemError(1, 0)


def test_armed_it_is_a_typed_http_action_journalled_with_its_parameters() -> None:
    journal = Journal()
    faults = Faults(journal, lambda: 0, lambda: 0)
    rule = {"kind": "batch_item_error", "index": 2, "code": 10001}
    fault = faults.arm(rule, route="/v5/order/cancel-batch", name="item2")
    assert fault.action == BatchItemError(2, 10001)
    (armed,) = journal.faults("item2", phase=FaultPhase.ARMED)
    assert "batch_item_error index=2 code=10001" in armed.description
    assert faults.select_http("POST", "/v5/order/cancel-batch", None) is fault
    with pytest.raises(FaultSpecError, match="channel='http'"):
        faults.arm(BatchItemError(2, 10001), channel="ws")
