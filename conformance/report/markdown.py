"""report.md: the run's summary table by group, then every failure with its journal excerpt."""

from __future__ import annotations

from conformance.harness.outcome import Verdict
from conformance.report.model import Report

__all__ = ["render_markdown", "verdict_label"]

_LABELS = {Verdict.PASS: "pass", Verdict.FAIL: "FAIL", Verdict.NOT_APPLICABLE: "n/a"}


def verdict_label(verdict: Verdict) -> str:
    """The short label of a verdict in tables (``pass``, ``FAIL``, ``n/a``)."""
    return _LABELS[verdict]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """The Markdown report of ``report``."""
    counts = report.counts
    result = "PASS" if report.passed else "FAIL"
    lines = [
        f"# Conformance report: {report.adapter_name} {report.adapter_version}",
        "",
        f"**{result}**: {counts[Verdict.PASS]} passed, {counts[Verdict.FAIL]} failed, "
        f"{counts[Verdict.NOT_APPLICABLE]} not applicable, of {len(report.cases)} cases.",
        "",
        "| | |",
        "|---|---|",
        f"| adapter | `{report.adapter_spec}` ({report.adapter_name} {report.adapter_version}) |",
        f"| dialect | {report.dialect} |",
        f"| venuekit | {report.kit_version} |",
        f"| catalogue | `{report.catalogue_hash}` |",
        f"| Python | {report.python_version} |",
        f"| run | {report.started_at.isoformat(timespec='seconds')} ({report.duration_s:.1f} s) |",
        "",
        "## Summary by group",
        "",
        "| group | pass | fail | n/a |",
        "|---|---:|---:|---:|",
    ]
    for group, records in report.by_group().items():
        n = {v: sum(1 for r in records if r.verdict is v) for v in Verdict}
        lines.append(
            f"| {group.section}. {group.title} | {n[Verdict.PASS]} | {n[Verdict.FAIL]} | "
            f"{n[Verdict.NOT_APPLICABLE]} |"
        )
    lines += ["", "## Cases", "", "| id | name | verdict | time (s) | reason |", "|---|---|---|---:|---|"]
    for record in report.cases:
        reason = _cell(record.reason) if record.verdict is not Verdict.PASS and record.reason else ""
        lines.append(
            f"| {record.id} | {_cell(record.name)} | {verdict_label(record.verdict)} | "
            f"{record.duration_s:.2f} | {reason} |"
        )
    failures = report.failures()
    if failures:
        lines += ["", "## Failures"]
        for record in failures:
            lines += ["", f"### {record.id} {record.name}", ""]
            lines.append(f"- expected: {record.expected or '-'}")
            lines.append(f"- observed: {record.observed or record.reason or '-'}")
            if record.excerpt:
                lines += ["", "```text", record.excerpt.replace("```", "'''"), "```"]
    return "\n".join(lines) + "\n"
