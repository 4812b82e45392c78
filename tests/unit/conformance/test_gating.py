"""Capability gating: a case the adapter does not claim is not_applicable, decided before any
simulator starts, with the requirement as its reason (never silently skipped)."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.contract import Capabilities, Product
from conformance.harness.adapter import AdapterUnderTest
from conformance.harness.catalogue import Group
from conformance.harness.outcome import Verdict
from conformance.harness.registry import Case
from conformance.harness.requirements import any_data, execution, product
from conformance.harness.runner import NOT_APPLICABLE_PREFIX, run_case, run_case_item
from conformance.harness.session import ConformanceSession


class _Factory:
    name = "gated"
    version = "1"
    capabilities = Capabilities(products=frozenset({Product.SPOT}), order_types=frozenset())

    def create(self, *args: Any) -> Any:
        raise AssertionError("a not-applicable case must not build the adapter")


async def _must_not_run(ctx: Any) -> None:
    raise AssertionError("a not-applicable case must not run")


def _session() -> ConformanceSession:
    return ConformanceSession(AdapterUnderTest("tests:gated", _Factory(), "bybit"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("requirement", "reason"),
    [
        # A product or data requirement carries the adapter's reason (the contract's default text
        # here: the adapter wrote none for LINEAR).
        (product(Product.LINEAR), "claims product LINEAR): product:LINEAR is not supported"),
        # Order entry and "any data" have no single feature key, so no stated reason.
        (execution(), "claims order entry)"),
        (any_data(), "claims a market-data subscription)"),
    ],
)
async def test_unclaimed_capability_is_not_applicable_with_its_reason(requirement: Any, reason: str) -> None:
    gated = Case("H-01", "instruments", Group.HTTP, _must_not_run, requirement)
    record = await run_case(gated, _session())
    assert record.verdict is Verdict.NOT_APPLICABLE
    assert record.reason == f"the adapter does not claim what H-01 needs ({reason}"


async def test_not_applicable_carries_the_adapters_own_not_supported_text() -> None:
    factory = _Factory()
    factory.capabilities = Capabilities(
        products=frozenset({Product.SPOT}),
        order_types=frozenset(),
        not_supported={"product:OPTION": "options are on another venue"},
    )
    session = ConformanceSession(AdapterUnderTest("tests:gated", factory, "bybit"))  # type: ignore[arg-type]
    gated = Case("H-01", "instruments", Group.HTTP, _must_not_run, product(Product.OPTION) & execution())
    record = await run_case(gated, session)
    assert record.verdict is Verdict.NOT_APPLICABLE
    assert record.reason == (
        "the adapter does not claim what H-01 needs (claims product OPTION and claims order entry): "
        "options are on another venue"
    )


def test_the_pytest_outcome_of_not_applicable_is_a_skip_that_says_so_and_is_recorded() -> None:
    session = _session()
    gated = Case("W-03", "login", Group.WS_LOGIN, _must_not_run, execution())
    with pytest.raises(pytest.skip.Exception, match=f"^{NOT_APPLICABLE_PREFIX}the adapter does not claim"):
        run_case_item(gated, session)
    assert session.records["W-03"].verdict is Verdict.NOT_APPLICABLE


def test_a_claimed_capability_is_applicable() -> None:
    assert product(Product.SPOT).holds(_Factory.capabilities)
    assert not execution().holds(_Factory.capabilities)
