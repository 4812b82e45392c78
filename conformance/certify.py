"""``venuekit certify``: run the suite against an adapter with a live progress bar and a final table.

The exit status is 0 when every applicable case passed, 1 when any failed, 2 for a usage error
(unknown adapter or group, nothing selected).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from conformance.harness.catalogue import Group
from conformance.harness.outcome import Verdict
from conformance.harness.registry import CaseRegistryError
from conformance.harness.session import CaseRecord
from conformance.report.model import Report
from conformance.report.writers import ARTIFACTS
from conformance.run import CertificationError, run_certification

__all__ = ["EXIT_FAILED", "EXIT_PASSED", "EXIT_USAGE", "CertifyOptions", "certify"]

EXIT_PASSED: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
_STYLE = {Verdict.PASS: "green", Verdict.FAIL: "bold red", Verdict.NOT_APPLICABLE: "dim"}
_LABEL = {Verdict.PASS: "pass", Verdict.FAIL: "FAIL", Verdict.NOT_APPLICABLE: "n/a"}


@dataclass(frozen=True)
class CertifyOptions:
    """What ``venuekit certify`` was asked to do."""

    adapter: str
    cert_dir: Path | None = None
    keyword: str | None = None
    groups: tuple[str, ...] = ()
    dialect: str | None = None
    verbose: bool = False


def certify(options: CertifyOptions, *, out: TextIO | None = None, pytest_args: Sequence[str] = ()) -> int:
    """Certify ``options.adapter``; print progress, the case table and where the artifacts are.

    Returns:
        The exit status (0 all applicable cases passed, 1 a case failed, 2 usage error).
    """
    console = Console(file=out or sys.stdout, highlight=False, soft_wrap=True)
    progress = Progress(
        TextColumn("[bold]certify[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task(options.adapter, total=None)

    def collected(count: int) -> None:
        progress.update(task, total=count)

    def finished(record: CaseRecord) -> None:
        progress.update(task, advance=1, description=f"{options.adapter}: {record.id}")
        if record.verdict is Verdict.FAIL:
            progress.console.print(f"[bold red]FAIL[/] {record.id} {record.name}: {record.reason}")

    try:
        with progress:
            report = run_certification(
                options.adapter,
                groups=options.groups or None,
                cert_dir=options.cert_dir,
                keyword=options.keyword,
                dialect=options.dialect,
                pytest_args=pytest_args,
                quiet=not options.verbose,
                on_collected=collected,
                on_case=finished,
            )
    except (CertificationError, CaseRegistryError) as exc:
        console.print(f"venuekit certify: {exc}")
        return EXIT_USAGE
    _print_summary(console, report, options.cert_dir)
    return EXIT_PASSED if report.counts[Verdict.FAIL] == 0 else EXIT_FAILED


def _print_summary(console: Console, report: Report, cert_dir: Path | None) -> None:
    table = Table(title=f"{report.adapter_name} {report.adapter_version} against {report.dialect}")
    for column in ("id", "name", "group", "verdict", "s", "reason"):
        table.add_column(column, overflow="fold")
    for record in report.cases:
        reason = record.reason if record.verdict is not Verdict.PASS and record.reason else ""
        verdict = f"[{_STYLE[record.verdict]}]{_LABEL[record.verdict]}[/]"
        table.add_row(record.id, record.name, record.group.value, verdict, f"{record.duration_s:.2f}", reason)
    console.print(table)
    counts = report.counts
    groups = sorted({r.group for r in report.cases}, key=list(Group).index)
    console.print(
        f"{counts[Verdict.PASS]}/{report.applicable} passed, {counts[Verdict.FAIL]} failed, "
        f"{counts[Verdict.NOT_APPLICABLE]} not applicable; groups {', '.join(g.value for g in groups)}; "
        f"{report.duration_s:.1f} s"
    )
    if cert_dir is not None:
        console.print(f"artifacts in {cert_dir}: {', '.join(ARTIFACTS)}")
