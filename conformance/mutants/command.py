"""``venuekit mutants``: certify each mutant of an adapter and print the detection score.

Prints one line per mutant as it is judged, a table, and as the very last line of stdout one JSON
object (``mutants_total``, ``mutants_caught``, per-mutant results) for scripts and CI; after a
usage error too (then with ``error`` and ``mutants_caught`` 0). The exit
status is 0 when every mutant was caught, 1 when any survived (or could not be certified), 2 for
a usage error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Final, TextIO

from rich.console import Console
from rich.table import Table

from adapters.contract.mutants import MutantDeclarationError
from conformance.harness.registry import CaseRegistryError
from conformance.mutants.registry import load_mutants, select_mutants
from conformance.mutants.runner import Certifier, MutantResult, MutantRun, Scope, run_mutants
from conformance.report.model import Report
from conformance.run import CertificationError, run_certification

__all__ = ["EXIT_ALL_CAUGHT", "EXIT_SURVIVED", "EXIT_USAGE", "MutantsOptions", "mutants"]

EXIT_ALL_CAUGHT: Final = 0
EXIT_SURVIVED: Final = 1
EXIT_USAGE: Final = 2
_STYLE = {"caught": "green", "survived": "bold red", "error": "bold yellow"}


@dataclass(frozen=True)
class MutantsOptions:
    """What ``venuekit mutants`` was asked to do.

    Attributes:
        adapter: the mutant list: an entry point name of group ``venuekit.mutants`` or ``module:attr``.
        only: mutant names to run (all when empty).
        scope: ``groups`` (each mutant's whole groups) or ``expected`` (its expected cases only).
        reference: the unmutated adapter for the baseline; the adapter name by default, ``""`` for none.
    """

    adapter: str = "bybit"
    only: tuple[str, ...] = ()
    scope: Scope = "groups"
    reference: str | None = None


def mutants(
    options: MutantsOptions, *, out: TextIO | None = None, certifier: Certifier = run_certification
) -> int:
    """Run the mutants of ``options.adapter``; print progress, a table and the JSON line.

    ``certifier`` runs the suite (``run_certification``; tests pass a stand-in).

    Returns:
        The exit status: 0 all caught, 1 any survived or errored, 2 usage error.
    """
    stream = out or sys.stdout
    # Piped (CI logs), rich would assume 80 columns and fold the table into a ribbon.
    width = None if stream.isatty() else 160
    console = Console(file=stream, highlight=False, soft_wrap=True, width=width)
    try:
        chosen = select_mutants(load_mutants(options.adapter), options.only)
    except MutantDeclarationError as exc:  # MutantError too: a bad declaration or catalogue id
        return _usage_error(console, f"venuekit mutants: {exc}", total=0)
    if not chosen:
        return _usage_error(console, f"venuekit mutants: {options.adapter} has no mutants to run", total=0)
    reference = options.reference
    if reference is None:
        reference = options.adapter if ":" not in options.adapter else ""
    name = options.adapter
    console.print(f"[bold]mutants[/] {len(chosen)} of {name}, scope {options.scope}")

    def baseline(report: Report | None) -> None:
        if report is None:
            return
        failed = [r.id for r in report.failures()]
        note = f"[bold red]{len(failed)} failing: {', '.join(failed)}[/]" if failed else "all pass"
        console.print(f"baseline {reference}: {report.applicable} cases ran, {note}")

    def progress(result: MutantResult) -> None:
        style = _STYLE[result.status]
        by = ", ".join(result.failed_expected) or "-"
        console.print(
            f"[{style}]{result.status:>8}[/] {result.mutant.name} (by {by}; {result.duration_s:.1f} s)"
        )

    try:
        run = run_mutants(
            chosen,
            adapter=name,
            reference=reference or None,
            scope=options.scope,
            on_result=progress,
            on_baseline=baseline,
            certifier=certifier,
        )
    except (CertificationError, CaseRegistryError) as exc:
        return _usage_error(console, f"venuekit mutants: the baseline run failed: {exc}", total=len(chosen))
    _print_table(console, run)
    console.file.flush()
    # The last line is plain JSON (not through rich, which would wrap it).
    print(json.dumps(run.to_document(), separators=(",", ":")), file=stream, flush=True)
    return EXIT_ALL_CAUGHT if run.all_caught else EXIT_SURVIVED


def _usage_error(console: Console, message: str, *, total: int) -> int:
    """Print ``message``, then the JSON last line a script expects even when nothing ran."""
    console.print(message, markup=False)
    console.file.flush()
    document = {"mutants_total": total, "mutants_caught": 0, "error": message}
    print(json.dumps(document, separators=(",", ":")), file=console.file, flush=True)
    return EXIT_USAGE


def _print_table(console: Console, run: MutantRun) -> None:
    table = Table(title=f"{run.adapter} mutants ({run.scope})")
    for column in ("mutant", "fault", "groups", "expected", "status", "caught by", "also failed", "s"):
        table.add_column(column, overflow="fold")
    for result in run.results:
        m = result.mutant
        status = f"[{_STYLE[result.status]}]{result.status}[/]"
        if result.status != "caught":
            status += _why_not(result)
        table.add_row(
            m.name,
            m.description,
            ", ".join(g.value for g in m.groups),
            ", ".join(m.expected),
            status,
            ", ".join(result.failed_expected),
            ", ".join(result.other_failed),
            f"{result.duration_s:.1f}",
        )
    console.print(table)
    console.print(
        f"[bold]{run.adapter}: {run.caught}/{run.total} mutants caught[/] in {run.duration_s:.1f} s"
    )


def _why_not(result: MutantResult) -> str:
    parts = []
    if result.error:
        parts.append(result.error.splitlines()[0])
    for label, ids in (
        ("passed", result.passed_expected),
        ("n/a", result.not_applicable_expected),
        ("missing", result.missing_expected),
        ("fails on baseline", result.baseline_failed_expected),
    ):
        if ids:
            parts.append(f"{label}: {', '.join(ids)}")
    return f" ({'; '.join(parts)})" if parts else ""
