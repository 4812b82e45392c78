"""Certification artifacts of one run: report.json (the source of truth), Markdown, HTML, JUnit, badges."""

from __future__ import annotations

from conformance.report.model import (
    REPORT_FORMAT_VERSION,
    Report,
    ReportError,
    canonical_digest,
    report_schema,
    validate_report,
    verify_digest,
)
from conformance.report.writers import ARTIFACTS, write_artifacts

__all__ = [
    "ARTIFACTS",
    "REPORT_FORMAT_VERSION",
    "Report",
    "ReportError",
    "canonical_digest",
    "report_schema",
    "validate_report",
    "verify_digest",
    "write_artifacts",
]
