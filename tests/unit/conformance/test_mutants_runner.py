"""The mutant runner and ``venuekit mutants``' output, judged on fabricated certification reports.

The certifier is the runner's only way to run the suite, so a stand-in that returns chosen
verdicts tests the judgement (caught, survived, baseline, missing cases) and the JSON last line
without running a simulator; tests/integration/conformance/test_mutants.py runs the real thing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest

from conformance.harness.catalogue import Group, catalogue_entries
from conformance.harness.outcome import Verdict
from conformance.harness.session import CaseRecord
from conformance.mutants import Mutant
from conformance.mutants.command import EXIT_ALL_CAUGHT, EXIT_SURVIVED, EXIT_USAGE, MutantsOptions, mutants
from conformance.mutants.runner import judge, run_mutants
from conformance.report.model import Report
from conformance.run import CertificationError

NOW = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)


def _report(spec: str, verdicts: dict[str, Verdict]) -> Report:
    entries = catalogue_entries()
    cases = [
        CaseRecord(case_id, entries[case_id].name, entries[case_id].group, verdict, reason=f"{case_id} no")
        for case_id, verdict in verdicts.items()
    ]
    return Report(spec, "0", spec, "bybit", NOW, NOW, cases)


class FakeCertifier:
    """Answers run_certification calls from a table: spec -> {case id: verdict}; records the calls."""

    def __init__(self, table: dict[str, dict[str, Verdict] | Exception]) -> None:
        self.table = table
        self.calls: list[tuple[str, list[str], str | None]] = []

    def __call__(self, spec: str, groups: Any = None, keyword: str | None = None, **_: Any) -> Report:
        self.calls.append((spec, [Group(g).value for g in groups], keyword))
        answer = self.table[spec]
        if isinstance(answer, Exception):
            raise answer
        return _report(spec, answer)


PASS, FAIL, NA = Verdict.PASS, Verdict.FAIL, Verdict.NOT_APPLICABLE
RETRY = Mutant("ignores_retry_after", "ignores Retry-After", ("http",), ("H-08",), "m:retry")
RELOGIN = Mutant("no_relogin", "no login on reconnect", ("reconnect",), ("RC-03", "RC-07"), "m:relogin")


def test_a_mutant_is_caught_when_an_expected_case_fails_and_other_failures_are_recorded() -> None:
    result = judge(RETRY, _report("m:retry", {"H-07": FAIL, "H-08": FAIL, "H-10": PASS}))
    assert result.caught and result.status == "caught"
    assert result.failed_expected == ("H-08",)
    assert result.other_failed == ("H-07",)
    assert result.reasons == {"H-08": "H-08 no"}


def test_a_mutant_survives_when_its_expected_cases_pass_are_missing_or_not_applicable() -> None:
    result = judge(RELOGIN, _report("m:relogin", {"RC-03": PASS, "RC-01": FAIL}))
    assert not result.caught and result.status == "survived"
    assert result.passed_expected == ("RC-03",)
    assert result.missing_expected == ("RC-07",)
    assert result.other_failed == ("RC-01",)
    na = judge(RELOGIN, _report("m:relogin", {"RC-03": NA, "RC-07": NA}))
    assert not na.caught and na.not_applicable_expected == ("RC-03", "RC-07")


def test_a_case_failing_on_the_reference_adapter_catches_nothing() -> None:
    result = judge(RETRY, _report("m:retry", {"H-08": FAIL}), baseline_failed=["H-08"])
    assert not result.caught
    assert result.baseline_failed_expected == ("H-08",)
    failing = {"H-08": FAIL, "H-07": FAIL, "H-10": FAIL}
    also = judge(RETRY, _report("m:retry", failing), baseline_failed=["H-07"])
    assert also.caught and also.other_failed == ("H-10",)  # H-07 fails without the fault too


def test_run_mutants_runs_one_baseline_over_the_union_of_groups_then_each_mutant() -> None:
    certifier = FakeCertifier(
        {
            "bybit": {"H-08": PASS, "RC-03": PASS, "RC-07": FAIL},
            "m:retry": {"H-08": FAIL},
            "m:relogin": {"RC-03": PASS, "RC-07": FAIL},
        }
    )
    seen: list[str] = []
    run = run_mutants(
        [RETRY, RELOGIN],
        adapter="bybit",
        reference="bybit",
        certifier=certifier,
        on_result=lambda r: seen.append(r.mutant.name),
    )
    assert certifier.calls == [
        ("bybit", ["http", "reconnect"], None),
        ("m:retry", ["http"], None),
        ("m:relogin", ["reconnect"], None),
    ]
    assert seen == ["ignores_retry_after", "no_relogin"]
    assert run.baseline_failed == ("RC-07",)
    # RC-07 fails on the reference too, so the relogin mutant is not caught by it.
    assert [r.caught for r in run.results] == [True, False]
    assert (run.total, run.caught, run.all_caught) == (2, 1, False)


def test_scope_expected_runs_only_the_expected_cases() -> None:
    certifier = FakeCertifier({"bybit": {"H-08": PASS}, "m:retry": {"H-08": FAIL}})
    run_mutants([RETRY], adapter="bybit", reference="bybit", scope="expected", certifier=certifier)
    assert certifier.calls == [("bybit", ["http"], "H-08"), ("m:retry", ["http"], "H-08")]


def test_a_variant_that_cannot_be_certified_is_an_error_not_a_catch() -> None:
    certifier = FakeCertifier({"m:retry": CertificationError("no adapter", 4)})
    run = run_mutants([RETRY], adapter="bybit", certifier=certifier)
    (result,) = run.results
    assert (result.status, result.caught, result.error) == ("error", False, "no adapter")
    assert run.to_document()["mutants_error"] == 1


def _run_command(table: dict[str, Any], **options: Any) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = mutants(
        MutantsOptions(adapter="tests_mutants_list", **options), out=out, certifier=FakeCertifier(table)
    )
    return code, out.getvalue().splitlines()


@pytest.fixture
def two_mutants(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``load_mutants("tests_mutants_list")`` return RETRY and RELOGIN."""
    from conformance.mutants import command

    def load(adapter: str) -> list[Mutant]:
        assert adapter == "tests_mutants_list"
        return [RETRY, RELOGIN]

    monkeypatch.setattr(command, "load_mutants", load)


@pytest.mark.usefixtures("two_mutants")
def test_the_command_ends_with_one_json_line_and_exits_0_when_all_are_caught() -> None:
    table = {
        "tests_mutants_list": {"H-08": PASS, "RC-03": PASS},
        "m:retry": {"H-08": FAIL},
        "m:relogin": {"RC-03": FAIL},
    }
    code, lines = _run_command(table)
    assert code == EXIT_ALL_CAUGHT
    document = json.loads(lines[-1])
    assert (document["mutants_total"], document["mutants_caught"]) == (2, 2)
    assert document["score"] == "tests_mutants_list: 2/2 mutants caught"
    assert [m["caught_by"] for m in document["mutants"]] == [["H-08"], ["RC-03"]]
    text = "\n".join(lines[:-1])
    assert "tests_mutants_list: 2/2 mutants caught" in text
    assert "ignores_retry_after" in text and "no_relogin" in text


@pytest.mark.usefixtures("two_mutants")
def test_the_command_exits_1_when_a_mutant_survives_and_says_why() -> None:
    table = {"tests_mutants_list": {"H-08": PASS}, "m:retry": {"H-08": PASS}, "m:relogin": {"RC-03": FAIL}}
    code, lines = _run_command(table, reference="", only=("ignores_retry_after", "no_relogin"))
    assert code == EXIT_SURVIVED
    document = json.loads(lines[-1])
    assert (document["mutants_total"], document["mutants_caught"], document["mutants_survived"]) == (2, 1, 1)
    assert document["baseline_failed"] is None  # reference "" means no baseline
    assert "survived (passed: H-08)" in "\n".join(lines)


@pytest.mark.usefixtures("two_mutants")
def test_the_command_reports_usage_errors_with_exit_2() -> None:
    code, lines = _run_command({}, only=("nope",))
    assert code == EXIT_USAGE
    assert "no mutant named nope" in lines[-2]
    document = json.loads(lines[-1])
    assert (document["mutants_total"], document["mutants_caught"]) == (0, 0)
    assert "no mutant named nope" in document["error"]
    broken_baseline = {"tests_mutants_list": CertificationError("stopped", 4)}
    code, lines = _run_command(broken_baseline)
    assert code == EXIT_USAGE
    assert "the baseline run failed: stopped" in lines[-2]
    document = json.loads(lines[-1])
    assert (document["mutants_total"], document["mutants_caught"]) == (2, 0)
    assert "the baseline run failed: stopped" in document["error"]
