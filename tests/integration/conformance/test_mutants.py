"""``venuekit mutants`` for real: the suite must fail Bybit mutants on their expected cases.

A full run (every mutant, each certified on its whole groups) takes minutes, too long for CI, so
this runs a representative per catalogue group: the first mutant of the group whose expected
cases the suite has. Each is certified in a subprocess exactly as a user would run it, only its
expected cases (``--scope expected``), after a baseline run of the unmutated adapter. The full
run is ``venuekit mutants --adapter bybit`` (docs/mutants.md).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import conformance.cases
from conformance.harness.catalogue import Group
from conformance.harness.registry import CASES
from conformance.mutants import Mutant
from conformance.mutants.registry import load_mutants

MUTANTS = load_mutants("bybit")


def _suite_case_ids() -> set[str]:
    """The case ids the suite has: every conformance.cases module imported, then the registry."""
    for module in pkgutil.iter_modules(conformance.cases.__path__):
        if module.name.startswith("test_"):
            importlib.import_module(f"conformance.cases.{module.name}")
    return set(CASES)


def _representatives() -> list[Mutant]:
    have = _suite_case_ids()
    chosen: dict[Group, Mutant] = {}
    for mutant in MUTANTS:
        group = mutant.groups[0]
        if group not in chosen and any(case_id in have for case_id in mutant.expected):
            chosen[group] = mutant
    return [chosen[g] for g in Group if g in chosen]


REPRESENTATIVES = _representatives()


def test_there_is_a_representative_to_run() -> None:
    assert REPRESENTATIVES, "no Bybit mutant has an expected case the suite has"


@pytest.mark.parametrize("mutant", REPRESENTATIVES, ids=[m.name for m in REPRESENTATIVES])
def test_the_suite_fails_the_mutant_on_an_expected_case(mutant: Mutant) -> None:
    command = ["mutants", "--adapter", "bybit", "--scope", "expected", "--only", mutant.name]
    result = subprocess.run(
        [sys.executable, "-m", "venuekit", *command],
        capture_output=True,
        text=True,
        timeout=55,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert lines, result.stderr
    document = json.loads(lines[-1])
    assert (document["mutants_total"], document["mutants_caught"]) == (1, 1), result.stdout
    (entry,) = document["mutants"]
    assert entry["name"] == mutant.name
    assert entry["caught_by"] and set(entry["caught_by"]) <= set(mutant.expected)
    assert document["baseline_failed"] == []
    assert result.returncode == 0, result.stdout + result.stderr
