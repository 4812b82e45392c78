"""Certifying mutants: does the suite fail each faulty variant on the cases expected to catch it?

For every mutant the runner certifies its variant with :func:`conformance.run.run_certification`,
limited to the mutant's groups (or, with ``scope="expected"``, to its expected cases only), and
judges the report:

- **caught**: at least one expected case failed, and that case passes on the reference adapter;
- **survived**: no expected case failed; the result says which expected cases passed, were not
  applicable, or are missing from the suite, which is exactly what a suite author must fix.

A baseline run of the reference (unmutated) adapter over the same selection comes first, so a
case that already fails without any fault can never be what "catches" a mutant.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from conformance.harness.catalogue import Group
from conformance.harness.outcome import Verdict
from conformance.mutants.model import Mutant
from conformance.report.model import Report
from conformance.run import CertificationError, run_certification

__all__ = ["Certifier", "MutantResult", "MutantRun", "Scope", "judge", "run_mutants", "run_one"]

Scope = Literal["groups", "expected"]
#: What a failing case's reason is cut to in results (the full text is in a certification report).
_REASON_CHARS: Final = 240

Certifier = Callable[..., Report]
"""``run_certification``'s signature: the runner's only way to run the suite (tests may pass a fake)."""


@dataclass(frozen=True)
class MutantResult:
    """What the suite did with one mutant."""

    mutant: Mutant
    caught: bool
    #: Expected cases that failed (and pass on the reference adapter): what caught the mutant.
    failed_expected: tuple[str, ...] = ()
    #: Other cases that failed too and pass on the reference adapter (not expected; they also see
    #: the fault, or its consequences).
    other_failed: tuple[str, ...] = ()
    #: Expected cases that ran and passed: each a case too weak for this fault.
    passed_expected: tuple[str, ...] = ()
    #: Expected cases reported not applicable (the variant declares less than the case needs).
    not_applicable_expected: tuple[str, ...] = ()
    #: Expected cases the suite does not have (yet): nothing ran them.
    missing_expected: tuple[str, ...] = ()
    #: Expected cases that failed but fail on the reference adapter as well (they prove nothing).
    baseline_failed_expected: tuple[str, ...] = ()
    #: Failure reasons of the cases in ``failed_expected``, by id.
    reasons: dict[str, str] = field(default_factory=dict)
    duration_s: float = 0.0
    #: Set when the variant could not be certified at all (unknown spec, nothing collected).
    error: str | None = None

    @property
    def status(self) -> str:
        """``caught``, ``survived`` or ``error``."""
        if self.error is not None:
            return "error"
        return "caught" if self.caught else "survived"

    def to_document(self) -> dict[str, Any]:
        """This result as a JSON-ready dict."""
        m = self.mutant
        return {
            "name": m.name,
            "description": m.description,
            "groups": [g.value for g in m.groups],
            "expected": list(m.expected),
            "status": self.status,
            "caught": self.caught,
            "caught_by": list(self.failed_expected),
            "other_failed": list(self.other_failed),
            "passed_expected": list(self.passed_expected),
            "not_applicable_expected": list(self.not_applicable_expected),
            "missing_expected": list(self.missing_expected),
            "baseline_failed_expected": list(self.baseline_failed_expected),
            "duration_s": round(self.duration_s, 3),
            "error": self.error,
        }


@dataclass(frozen=True)
class MutantRun:
    """A whole mutant run: the baseline and every mutant's result."""

    adapter: str
    scope: Scope
    results: tuple[MutantResult, ...]
    #: Cases that failed on the reference adapter (None: no baseline was run).
    baseline_failed: tuple[str, ...] | None
    duration_s: float

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def caught(self) -> int:
        return sum(1 for r in self.results if r.caught)

    @property
    def all_caught(self) -> bool:
        """True when every mutant was caught (and there was at least one)."""
        return self.total > 0 and self.caught == self.total

    def to_document(self) -> dict[str, Any]:
        """The run as one JSON-ready dict; ``mutants_total`` and ``mutants_caught`` lead."""
        return {
            "mutants_total": self.total,
            "mutants_caught": self.caught,
            "mutants_survived": sum(1 for r in self.results if r.status == "survived"),
            "mutants_error": sum(1 for r in self.results if r.status == "error"),
            "score": f"{self.adapter}: {self.caught}/{self.total} mutants caught",
            "adapter": self.adapter,
            "scope": self.scope,
            "baseline_failed": list(self.baseline_failed) if self.baseline_failed is not None else None,
            "duration_s": round(self.duration_s, 3),
            "mutants": [r.to_document() for r in self.results],
        }


def _verdicts(report: Report) -> dict[str, Verdict]:
    return {record.id: record.verdict for record in report.cases}


def judge(mutant: Mutant, report: Report, baseline_failed: Iterable[str] = ()) -> MutantResult:
    """Judge one mutant's certification report.

    Parameters:
        mutant: the mutant.
        report: the certification of its variant.
        baseline_failed: cases that fail on the reference adapter (never count as a catch).
    """
    verdicts = _verdicts(report)
    broken = set(baseline_failed)
    failed = [c for c in mutant.expected if verdicts.get(c) is Verdict.FAIL]
    catching = tuple(c for c in failed if c not in broken)
    reasons = {
        record.id: (record.reason or "")[:_REASON_CHARS] for record in report.cases if record.id in catching
    }
    expected = set(mutant.expected)
    return MutantResult(
        mutant=mutant,
        caught=bool(catching),
        failed_expected=catching,
        other_failed=tuple(
            r.id
            for r in report.cases
            if r.verdict is Verdict.FAIL and r.id not in expected and r.id not in broken
        ),
        passed_expected=tuple(c for c in mutant.expected if verdicts.get(c) is Verdict.PASS),
        not_applicable_expected=tuple(
            c for c in mutant.expected if verdicts.get(c) is Verdict.NOT_APPLICABLE
        ),
        missing_expected=tuple(c for c in mutant.expected if c not in verdicts),
        baseline_failed_expected=tuple(c for c in failed if c in broken),
        reasons=reasons,
    )


def _selection(mutants: Sequence[Mutant], scope: Scope) -> tuple[list[Group], str | None]:
    groups = sorted({g for m in mutants for g in m.groups}, key=list(Group).index)
    if scope == "expected":
        ids = sorted({c for m in mutants for c in m.expected})
        return groups, " or ".join(ids)
    return groups, None


def run_mutants(
    mutants: Sequence[Mutant],
    *,
    adapter: str,
    reference: str | None = None,
    scope: Scope = "groups",
    certifier: Certifier = run_certification,
    on_result: Callable[[MutantResult], None] | None = None,
    on_baseline: Callable[[Report | None], None] | None = None,
) -> MutantRun:
    """Certify every mutant and judge it.

    Parameters:
        mutants: the mutants to run, in order.
        adapter: the adapter's name (for the score line).
        reference: the unmutated adapter's spec for the baseline run (None: no baseline).
        scope: ``groups`` certifies each mutant's whole groups (other failing cases are
            recorded); ``expected`` runs only its expected cases (quicker).
        certifier: runs the suite (``run_certification``).
        on_result: called with each result as it is judged (progress display).
        on_baseline: called with the baseline report (None when it could not run).

    Raises:
        CertificationError: the baseline could not run at all (the reference adapter is broken).
    """
    started = time.perf_counter()
    baseline_failed: tuple[str, ...] | None = None
    if reference is not None and mutants:
        groups, keyword = _selection(mutants, scope)
        baseline = certifier(reference, groups=groups, keyword=keyword)
        baseline_failed = tuple(r.id for r in baseline.cases if r.verdict is Verdict.FAIL)
        if on_baseline is not None:
            on_baseline(baseline)
    results = []
    for mutant in mutants:
        result = run_one(mutant, scope=scope, certifier=certifier, baseline_failed=baseline_failed or ())
        results.append(result)
        if on_result is not None:
            on_result(result)
    return MutantRun(adapter, scope, tuple(results), baseline_failed, time.perf_counter() - started)


def run_one(
    mutant: Mutant,
    *,
    scope: Scope = "groups",
    certifier: Certifier = run_certification,
    baseline_failed: Iterable[str] = (),
) -> MutantResult:
    """Certify one mutant's variant (its groups, or its expected cases) and judge the report.

    A variant that cannot be certified at all gives a result with ``error`` set (not caught):
    the suite did not fail it on a case, something before the cases did.
    """
    started = time.perf_counter()
    keyword = mutant.keyword if scope == "expected" else None
    try:
        report = certifier(mutant.adapter_spec, groups=list(mutant.groups), keyword=keyword)
    except CertificationError as exc:
        return MutantResult(mutant, False, error=str(exc), duration_s=time.perf_counter() - started)
    return replace(judge(mutant, report, baseline_failed), duration_s=time.perf_counter() - started)
