"""The plugin end to end: ``pytest --pyargs conformance.cases --adapter=...`` on a toy adapter, in a
subprocess from an empty directory (no host pytest config), proving each verdict reaches
report.json: pass, fail (with the journal excerpt) and not applicable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.report import validate_report

HERE = Path(__file__).parent
SELECTION = "H-01 or H-06 or H-07 or H-10"


def _run(tmp_path: Path, *args: str, module: str | None = "pytest") -> subprocess.CompletedProcess[str]:
    """Run ``python -m MODULE ARGS`` (``python ARGS`` when module is None) in ``tmp_path``."""
    path = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path, "COLUMNS": "400"}  # short-summary lines are not cropped
    return subprocess.run(
        [sys.executable, *(["-m", module] if module else []), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _report(cert: Path) -> dict:
    document = json.loads((cert / "report.json").read_text(encoding="utf-8"))
    validate_report(document)
    return document


def test_a_good_adapter_passes_and_private_cases_are_not_applicable(tmp_path: Path) -> None:
    cert = tmp_path / "cert"
    result = _run(
        tmp_path,
        "--pyargs",
        "conformance.cases",
        "--adapter=toy_adapter:good",
        f"--cert-dir={cert}",
        "-k",
        SELECTION,
        "-p",
        "no:cacheprovider",
        "-rs",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    document = _report(cert)
    verdicts = {c["id"]: c["verdict"] for c in document["cases"]}
    assert verdicts == {"H-01": "pass", "H-06": "not_applicable", "H-07": "pass", "H-10": "pass"}
    h06 = next(c for c in document["cases"] if c["id"] == "H-06")
    assert "claims order entry" in h06["reason"]
    assert document["adapter"] == {"name": "toy", "version": "0.0.1", "spec": "toy_adapter:good"}
    assert json.loads((cert / "badge.json").read_text())["message"] == "toy 3/3"
    assert "not applicable: the adapter does not claim what H-06 needs" in result.stdout


def test_a_bad_adapter_fails_with_expected_observed_and_the_journal_excerpt(tmp_path: Path) -> None:
    cert = tmp_path / "cert"
    result = _run(
        tmp_path,
        "--pyargs",
        "conformance.cases",
        "--adapter=toy_adapter:bad",
        f"--cert-dir={cert}",
        "-k",
        "H-01",
        "-p",
        "no:cacheprovider",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    # What the author sees on the terminal: id and name, expected, observed, the requests with times.
    assert "H-01 Public happy path: instruments: FAIL" in result.stdout
    assert "expected: no auth headers on public instrument requests" in result.stdout
    assert "GET /v5/market/instruments-info?category=linear" in result.stdout
    case = _report(cert)["cases"][0]
    assert (case["id"], case["verdict"]) == ("H-01", "fail")
    assert "X-BAPI-API-KEY" in case["observed"]
    assert "journal excerpt" in case["excerpt"] and "/v5/market/instruments-info" in case["excerpt"]
    junit = ET.parse(cert / "junit.xml").getroot()
    assert junit.get("failures") == "1"


def test_group_markers_and_case_ids_select(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        "--pyargs",
        "conformance.cases",
        "--adapter=toy_adapter:good",
        "-m",
        "http",
        "-k",
        "H-07",
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_h07_rate_limit_mapping" in result.stdout
    assert "test_h01" not in result.stdout
    none = _run(
        tmp_path,
        "--pyargs",
        "conformance.cases",
        "--adapter=toy_adapter:good",
        "-m",
        "reconnect and http",
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
    )
    assert "no tests collected" in none.stdout or "deselected" in none.stdout


def test_without_adapter_the_suite_is_a_usage_error(tmp_path: Path) -> None:
    result = _run(tmp_path, "--pyargs", "conformance.cases", "-p", "no:cacheprovider")
    assert result.returncode == 4  # pytest's usage-error status
    assert "needs the adapter to certify: pass --adapter=NAME" in result.stderr


def test_an_unknown_adapter_is_a_usage_error_naming_the_spec(tmp_path: Path) -> None:
    result = _run(tmp_path, "--pyargs", "conformance.cases", "--adapter=no_such_module:factory")
    assert result.returncode == 4
    assert "cannot load adapter 'no_such_module:factory'" in result.stderr


def test_venuekit_certify_exits_by_verdict_and_writes_artifacts(tmp_path: Path) -> None:
    cert = tmp_path / "cert"
    passed = _run(
        tmp_path,
        "certify",
        "--adapter",
        "toy_adapter:good",
        "--group",
        "http",
        "-k",
        SELECTION,
        "--cert-dir",
        str(cert),
        module="venuekit",
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "3/3 passed, 0 failed, 1 not applicable" in passed.stdout
    assert sorted(p.name for p in cert.iterdir()) == sorted(
        ["report.json", "report.md", "report.html", "junit.xml", "badge.svg", "badge.json"]
    )
    failed = _run(tmp_path, "certify", "--adapter", "toy_adapter:bad", "-k", "H-01", module="venuekit")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "FAIL H-01" in failed.stdout
    unknown = _run(tmp_path, "certify", "--adapter", "toy_adapter:good", "--group", "nope", module="venuekit")
    assert unknown.returncode == 2
    assert "unknown group 'nope'" in unknown.stdout


def test_venuekit_certify_ignores_the_host_directorys_pytest_config(tmp_path: Path) -> None:
    """A repository's strict pytest config (options of plugins that are not loaded, warnings as
    errors) must not stop a certification run from inside it."""
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = --strict-config --strict-markers\nno_such_plugin_option = 1\n"
        "filterwarnings = error\n",
        encoding="utf-8",
    )
    run = _run(tmp_path, "certify", "--adapter", "toy_adapter:good", "-k", "H-07", module="venuekit")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1/1 passed, 0 failed" in run.stdout


def test_run_certification_returns_the_report_and_limits_groups(tmp_path: Path) -> None:
    code = (
        "import json\n"
        "from conformance.run import run_certification\n"
        "r = run_certification('toy_adapter:good', groups=['http'], keyword='H-07 or H-06')\n"
        "print(json.dumps({c.id: c.verdict.value for c in r.cases}))\n"
    )
    result = _run(tmp_path, "-c", code, module=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"H-06": "not_applicable", "H-07": "pass"}
