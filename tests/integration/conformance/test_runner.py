"""The runner over a real simulator: verdicts from case bodies, the journal excerpt of a failure,
deadlines, and the barrier helper proving that nothing happened (no sleeps)."""

from __future__ import annotations

from typing import Any

import aiohttp

from adapters.contract import AdapterClients, Capabilities, Product
from conformance.harness.adapter import AdapterUnderTest
from conformance.harness.barrier import assert_nothing, barrier
from conformance.harness.catalogue import Group
from conformance.harness.context import CaseContext
from conformance.harness.outcome import CaseFailed, Verdict
from conformance.harness.registry import Case
from conformance.harness.runner import run_case
from conformance.harness.session import ConformanceSession
from simulator.server import HttpMatch


class _Data:
    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        self.closed = True


class _Factory:
    name = "bare"
    version = "1"
    capabilities = Capabilities(products=frozenset({Product.LINEAR}))

    def create(self, endpoints: Any, credentials: Any, sink: Any, config: Any = None) -> AdapterClients:
        return AdapterClients(provider=None, data=_Data(), execution=None)  # type: ignore[arg-type]


def _session() -> ConformanceSession:
    return ConformanceSession(AdapterUnderTest("tests:bare", _Factory(), "bybit"))  # type: ignore[arg-type]


async def _get(ctx: CaseContext, path: str) -> None:
    async with aiohttp.ClientSession() as http, http.get(ctx.sim.rest_url + path) as response:
        await response.read()


def _case(body: Any, timeout_s: float = 5.0) -> Case:
    return Case("H-03", "public endpoints", Group.HTTP, body, timeout_s=timeout_s)


async def test_a_returning_body_passes_and_built_clients_are_closed() -> None:
    built: list[Any] = []

    async def body(ctx: CaseContext) -> None:
        built.append(ctx.build(keys=False))
        await _get(ctx, "/v5/market/time")

    record = await run_case(_case(body), _session())
    assert (record.verdict, record.reason, record.excerpt) == (Verdict.PASS, None, None)
    assert built[0].data.closed is True
    assert record.duration_s > 0


async def test_a_failure_carries_expected_observed_and_the_case_journal() -> None:
    async def body(ctx: CaseContext) -> None:
        await _get(ctx, "/v5/market/time")
        raise CaseFailed("no request at all", "one request")

    record = await run_case(_case(body), _session())
    assert record.verdict is Verdict.FAIL
    assert (record.expected, record.observed) == ("no request at all", "one request")
    assert record.excerpt is not None and "GET /v5/market/time" in record.excerpt
    assert "H-03 public endpoints: FAIL" in record.failure_text()


async def test_an_unexpected_exception_and_a_deadline_are_failures() -> None:
    async def raises(ctx: CaseContext) -> None:
        raise KeyError("boom")

    async def hangs(ctx: CaseContext) -> None:
        await ctx.wait_journal(HttpMatch("GET", "/never"), "a request that never comes", timeout=60)

    record = await run_case(_case(raises), _session())
    assert record.verdict is Verdict.FAIL and "raised KeyError: 'boom'" in (record.observed or "")
    record = await run_case(_case(hangs, timeout_s=0.2), _session())
    assert record.verdict is Verdict.FAIL
    assert record.expected == "the case finishes within 0.2 s"


async def test_barrier_proves_nothing_happened_and_catches_what_did() -> None:
    async def clean(ctx: CaseContext) -> None:
        mark = ctx.journal.mark()
        await _get(ctx, "/v5/market/time")
        until = await barrier(
            ctx,
            lambda: _get(ctx, "/v5/market/tickers?category=linear"),
            HttpMatch("GET", "/v5/market/tickers"),
            "a sentinel GET",
        )
        assert_nothing(
            ctx, HttpMatch("GET", "/v5/market/orderbook"), since=mark, until=until, expected="no book request"
        )

    async def dirty(ctx: CaseContext) -> None:
        mark = ctx.journal.mark()
        await _get(ctx, "/v5/market/orderbook?category=linear&symbol=BTCUSDT")
        until = await barrier(
            ctx,
            lambda: _get(ctx, "/v5/market/tickers?category=linear"),
            HttpMatch("GET", "/v5/market/tickers"),
            "a sentinel GET",
        )
        assert_nothing(
            ctx, HttpMatch("GET", "/v5/market/orderbook"), since=mark, until=until, expected="no book request"
        )

    assert (await run_case(_case(clean), _session())).verdict is Verdict.PASS
    record = await run_case(_case(dirty), _session())
    assert record.verdict is Verdict.FAIL and record.expected == "no book request"
    assert "1 forbidden entries before the barrier" in (record.observed or "")
    assert "/v5/market/orderbook" in (record.observed or "")
