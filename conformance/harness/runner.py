"""Running one case: verdict first, then the pytest outcome that mirrors it.

Each case gets its own event loop and its own simulator (measured: a start and stop costs about
0.1 s on the default scenario, 5 ms on the conformance world, a ``reset()`` as much, so a fresh
simulator buys full isolation, including of sockets and faults, for little). The scenario file is
parsed once per run (:mod:`conformance.harness.scenarios`), not once per case.

The capability check comes before anything starts: a case the adapter does not claim is
``not_applicable``, reported as a pytest skip whose reason says so, and recorded as such in the
session (never a silent skip). Every failure carries the case's journal excerpt.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from typing import Final

import pytest

from conformance.harness.context import CaseContext
from conformance.harness.outcome import CaseFailed, NotApplicable, Verdict
from conformance.harness.registry import Case
from conformance.harness.scenarios import with_parsed_scenario
from conformance.harness.session import CaseRecord, ConformanceSession
from simulator import Simulator

__all__ = ["EXCERPT_LINES", "NOT_APPLICABLE_PREFIX", "run_case", "run_case_item"]

#: Journal lines a failure shows (the middle of a longer case is elided).
EXCERPT_LINES: Final = 80
#: Closing the adapter's clients gets this long before the case fails for it.
CLOSE_TIMEOUT_S: Final = 5.0
#: The pytest skip reason of a not-applicable case starts with this.
NOT_APPLICABLE_PREFIX: Final = "not applicable: "


def run_case_item(case: Case, session: ConformanceSession) -> None:
    """Run ``case`` as a pytest test: record its verdict, then pass, skip (n/a) or fail.

    Raises:
        pytest.skip.Exception: the case is not applicable (the reason says why).
        pytest.fail.Exception: the case failed (id, name, expected, observed, journal excerpt).
    """
    record = asyncio.run(run_case(case, session))
    session.record(record)
    if record.verdict is Verdict.NOT_APPLICABLE:
        pytest.skip(NOT_APPLICABLE_PREFIX + (record.reason or ""))
    if record.verdict is Verdict.FAIL:
        pytest.fail(record.failure_text(), pytrace=False)


async def run_case(case: Case, session: ConformanceSession) -> CaseRecord:
    """Run ``case`` against a fresh simulator and return its verdict (never raises for the case)."""
    started = time.perf_counter()
    record = CaseRecord(case.id, case.name, case.group, Verdict.PASS)
    reason = case.not_applicable_reason(session.adapter.capabilities)
    if reason is not None:
        record.verdict, record.reason = Verdict.NOT_APPLICABLE, reason
        return record
    kwargs = {"dialect": session.adapter.dialect, **session.simulator_kwargs, **case.simulator}
    sim = Simulator(**with_parsed_scenario(kwargs))
    try:
        await sim.start()
        ctx = CaseContext(case, sim, session.adapter)
        try:
            async with asyncio.timeout(case.timeout_s):
                await case.body(ctx)
        except NotApplicable as exc:
            record.verdict, record.reason = Verdict.NOT_APPLICABLE, exc.reason
        except CaseFailed as exc:
            _fail(record, exc.expected, exc.observed)
        except TimeoutError:
            _fail(record, f"the case finishes within {case.timeout_s:g} s", "it was still running")
        except Exception as exc:
            _fail(record, "the adapter behaves as the case states", _raised(exc))
        problems = await _close(ctx)
        if problems and record.verdict is Verdict.PASS:
            _fail(record, "the adapter's clients close cleanly", "; ".join(_raised(p) for p in problems))
        if record.verdict is Verdict.FAIL:
            record.excerpt = "\n".join([*ctx.notes, sim.journal.format_excerpt(limit=EXCERPT_LINES)])
    except Exception as exc:  # the simulator could not start: the verdict cannot be trusted
        _fail(record, "the simulator serves the case", _raised(exc))
    finally:
        await sim.stop()
    try:
        sim.check()
    except BaseException as exc:  # a group too: the venue itself went wrong
        _fail(record, "the simulator raises nothing while it serves the case", _raised(exc))
    record.duration_s = time.perf_counter() - started
    return record


async def _close(ctx: CaseContext) -> list[BaseException]:
    try:
        async with asyncio.timeout(CLOSE_TIMEOUT_S):
            return await ctx.close_all()
    except TimeoutError as exc:
        return [exc]


def _fail(record: CaseRecord, expected: str, observed: str) -> None:
    if record.verdict is Verdict.FAIL:  # keep the first failure; later ones are consequences
        return
    record.verdict = Verdict.FAIL
    record.expected, record.observed = expected, observed
    record.reason = f"expected {expected}; observed {observed}"


def _raised(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" (at {where[0].filename}:{where[0].lineno})" if where else ""
    return f"raised {type(exc).__qualname__}: {exc}{at}"
