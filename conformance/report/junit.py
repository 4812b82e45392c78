"""junit.xml: one testsuite per group, one testcase per case (fail -> failure, n/a -> skipped)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conformance.harness.outcome import Verdict
from conformance.report.model import Report

__all__ = ["render_junit"]


def render_junit(report: Report) -> str:
    """The JUnit XML of ``report`` (the schema Jenkins, GitLab and GitHub test reporters read)."""
    counts = report.counts
    root = ET.Element(
        "testsuites",
        name=f"venuekit conformance: {report.adapter_name}",
        tests=str(len(report.cases)),
        failures=str(counts[Verdict.FAIL]),
        skipped=str(counts[Verdict.NOT_APPLICABLE]),
        errors="0",
        time=f"{report.duration_s:.3f}",
    )
    for group, records in report.by_group().items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"conformance.{group.value}",
            tests=str(len(records)),
            failures=str(sum(r.verdict is Verdict.FAIL for r in records)),
            skipped=str(sum(r.verdict is Verdict.NOT_APPLICABLE for r in records)),
            errors="0",
            time=f"{sum(r.duration_s for r in records):.3f}",
            timestamp=report.started_at.isoformat(timespec="seconds"),
        )
        for record in records:
            testcase = ET.SubElement(
                suite,
                "testcase",
                classname=f"conformance.{group.value}",
                name=f"{record.id} {record.name}",
                time=f"{record.duration_s:.3f}",
            )
            if record.verdict is Verdict.FAIL:
                failure = ET.SubElement(testcase, "failure", message=record.reason or "failed")
                failure.text = record.failure_text()
            elif record.verdict is Verdict.NOT_APPLICABLE:
                ET.SubElement(testcase, "skipped", message=f"not applicable: {record.reason or ''}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
