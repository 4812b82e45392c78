"""``venuekit mutants`` for real: the suite must fail Bybit mutants on their expected cases.

The full run (every mutant, docs/mutants.md) takes minutes, too long for CI, so this certifies a
fixed set of representatives, one per catalogue layer, each chosen because its expected cases run
in about a second: one ``venuekit mutants --scope expected --only ...`` in a subprocess, exactly
as a user would run it, with its baseline run of the unmutated adapter. A cheap in-process test
checks the rest of the list: every mutant is declared on cases the suite has.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from typing import Final

import pytest

import conformance.cases
from conformance.harness.catalogue import Group
from conformance.harness.registry import CASES
from conformance.mutants.registry import load_mutants

MUTANTS = {m.name: m for m in load_mutants("bybit")}

#: One quick mutant per layer: HTTP, login, reconnection, routing, market data, products, order
#: flow, outcome policy, reconciliation, factories (heartbeat and subscription cases wait out real
#: intervals of several seconds; the full run covers them).
REPRESENTATIVES: Final = (
    "signs_the_wrong_bytes",
    "relogin_tight_loop",
    "books_kept_across_reconnect",
    "acks_emitted_as_data",
    "trade_aggressor_flipped",
    "inverse_loaded_as_linear",
    "post_only_rejection_not_flagged",
    "rejects_on_unknown_submit_outcome",
    "no_fill_history_on_connect",
    "load_ids_keeps_everything",
)


def _suite_case_ids() -> set[str]:
    """The case ids the suite has: every conformance.cases module imported, then the registry."""
    for module in pkgutil.iter_modules(conformance.cases.__path__):
        if module.name.startswith("test_"):
            importlib.import_module(f"conformance.cases.{module.name}")
    return set(CASES)


def test_every_mutant_has_an_expected_case_in_the_suite() -> None:
    have = _suite_case_ids()
    without = {name: m.expected for name, m in MUTANTS.items() if not set(m.expected) & have}
    assert not without, f"mutants whose expected cases the suite does not have: {without}"
    covered = {g for m in MUTANTS.values() for g in m.groups}
    assert covered == set(Group), f"groups without a mutant: {sorted(set(Group) - covered)}"


# About 40 s on this 2-core machine under the usual load (baseline of 12 cases, then 10 mutants);
# the margin is for a loaded CI runner, the subprocess's own timeout fires first.
@pytest.mark.timeout(100)
def test_the_suite_fails_each_representative_on_an_expected_case() -> None:
    assert set(REPRESENTATIVES) <= set(MUTANTS), set(REPRESENTATIVES) - set(MUTANTS)
    command = ["mutants", "--adapter", "bybit", "--scope", "expected", "--only", *REPRESENTATIVES]
    result = subprocess.run(
        [sys.executable, "-m", "venuekit", *command],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert lines, result.stderr
    document = json.loads(lines[-1])
    assert "error" not in document, document["error"]
    assert document["baseline_failed"] == [], f"the reference adapter fails {document['baseline_failed']}"
    entries = {entry["name"]: entry for entry in document["mutants"]}
    assert list(entries) == [name for name in MUTANTS if name in REPRESENTATIVES]
    survivors = {name: e for name, e in entries.items() if e["status"] != "caught"}
    assert not survivors, json.dumps(survivors, indent=1)
    for name, entry in entries.items():
        assert entry["caught_by"], name
        assert set(entry["caught_by"]) <= set(MUTANTS[name].expected), entry
    total = len(REPRESENTATIVES)
    assert (document["mutants_total"], document["mutants_caught"]) == (total, total)
    assert document["score"] == f"bybit: {total}/{total} mutants caught"
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
