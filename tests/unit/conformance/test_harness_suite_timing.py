"""The suite's short timings reach an adapter through its factory's conformance_config hook:
only the knobs the hook names, under whatever config a case gives, never replacing a non-mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from adapters import contract
from conformance.harness.adapter import SUITE_TIMING, AdapterUnderTest
from simulator import Simulator

WORLD = Path(__file__).resolve().parents[3] / "conformance" / "scenarios" / "world.yaml"


class _Factory:
    """A factory that records the config it is built with (its clients are not used)."""

    name = "recording"
    version = "0"
    capabilities = None

    def __init__(self) -> None:
        self.configs: list[Any] = []

    def create(self, endpoints: Any, credentials: Any, sink: Any, config: Any) -> Any:
        self.configs.append(config)
        return contract.AdapterClients(provider=None, data=None, execution=None)  # type: ignore[arg-type]


class _Narrow(_Factory):
    def conformance_config(self, heartbeat_interval_s: float | None = None) -> Mapping[str, Any]:
        return {"ping": heartbeat_interval_s} if heartbeat_interval_s is not None else {}


class _Retrying(_Factory):
    def conformance_config(self, retry_delay_s: float | None = None, **_: Any) -> Mapping[str, Any]:
        return {"backoff": retry_delay_s}


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(str(WORLD), dialect="bybit") as running:
        yield running


def _under_test(factory: _Factory) -> AdapterUnderTest:
    return AdapterUnderTest("x:y", factory, "bybit")  # type: ignore[arg-type]


async def test_the_hook_gets_only_the_knobs_it_names(sim: Simulator) -> None:
    narrow = _under_test(_Narrow())
    assert narrow.suite_config == {}
    narrow.build(sim, keys=False)
    assert narrow.factory.configs == [None]  # type: ignore[attr-defined]


async def test_suite_timing_lies_under_the_cases_own_config(sim: Simulator) -> None:
    factory = _Retrying()
    adapter = _under_test(factory)
    assert adapter.suite_config == {"backoff": SUITE_TIMING["retry_delay_s"]}
    adapter.build(sim, keys=False)
    adapter.build(sim, keys=False, config={"other": 1})
    adapter.build(sim, keys=False, config={"backoff": 0.2})
    opaque = object()
    adapter.build(sim, keys=False, config=opaque)
    fast = SUITE_TIMING["retry_delay_s"]
    assert factory.configs == [{"backoff": fast}, {"backoff": fast, "other": 1}, {"backoff": 0.2}, opaque]


async def test_a_factory_without_a_hook_gets_the_cases_config_as_is(sim: Simulator) -> None:
    factory = _Factory()
    adapter = _under_test(factory)
    adapter.build(sim, keys=False)
    adapter.build(sim, keys=False, config={"a": 1})
    assert factory.configs == [None, {"a": 1}]
