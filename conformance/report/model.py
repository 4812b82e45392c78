"""The certification report: one run's verdicts as a versioned document with a self-digest.

``report.json`` is the single source of truth of a run; every other artifact (Markdown, HTML,
JUnit, badges) is drawn from the same :class:`Report`. The document's ``digest`` is the sha256 of
its canonical JSON (sorted keys, no whitespace, UTF-8) *without* the ``digest`` key, so anyone can
recompute it (:func:`verify_digest`) and notice an edited report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections import Counter
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Final

import jsonschema

from conformance.harness.catalogue import Group, catalogue_hash
from conformance.harness.outcome import Verdict
from conformance.harness.session import CaseRecord, ConformanceSession

__all__ = [
    "REPORT_FORMAT_VERSION",
    "Report",
    "ReportError",
    "canonical_digest",
    "report_schema",
    "validate_report",
    "verify_digest",
]

#: Version of the report.json format; bump on any incompatible change (house rule 6).
REPORT_FORMAT_VERSION: Final = 1
_SCHEMA_RESOURCE = "report.schema.json"


class ReportError(ValueError):
    """A report document is invalid (schema, version or digest); the message says which part."""


def _kit_version() -> str:
    from venuekit import __version__  # the top package only holds the version: no layer inversion

    return __version__


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Report:
    """One certification run.

    Build one with :meth:`from_session`; write it with :mod:`conformance.report.writers`.
    """

    adapter_name: str
    adapter_version: str
    adapter_spec: str
    dialect: str
    started_at: dt.datetime
    finished_at: dt.datetime
    cases: list[CaseRecord]
    kit_version: str = field(default_factory=_kit_version)
    catalogue_hash: str = field(default_factory=catalogue_hash)
    python_version: str = field(default_factory=platform.python_version)

    @classmethod
    def from_session(cls, session: ConformanceSession) -> Report:
        """The report of a (finished) run, its cases in catalogue order."""
        finished = session.finished_at or dt.datetime.now(dt.UTC)
        order = {group: index for index, group in enumerate(Group)}
        cases = sorted(session.records.values(), key=lambda r: (order[r.group], _id_key(r.id)))
        adapter = session.adapter
        return cls(
            adapter.name, adapter.version, adapter.spec, adapter.dialect, session.started_at, finished, cases
        )

    # -- figures -------------------------------------------------------------------------------

    @property
    def counts(self) -> Counter[Verdict]:
        """How many cases got each verdict."""
        return Counter(record.verdict for record in self.cases)

    @property
    def passed(self) -> bool:
        """True when no case failed and at least one ran."""
        counts = self.counts
        return counts[Verdict.FAIL] == 0 and counts[Verdict.PASS] > 0

    @property
    def applicable(self) -> int:
        """Cases that ran (pass or fail)."""
        counts = self.counts
        return counts[Verdict.PASS] + counts[Verdict.FAIL]

    @property
    def duration_s(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def by_group(self) -> dict[Group, list[CaseRecord]]:
        """The cases of each group that has any, in catalogue order."""
        groups: dict[Group, list[CaseRecord]] = {}
        for record in self.cases:
            groups.setdefault(record.group, []).append(record)
        return groups

    def failures(self) -> list[CaseRecord]:
        return [record for record in self.cases if record.verdict is Verdict.FAIL]

    # -- the document --------------------------------------------------------------------------

    def to_document(self) -> dict[str, Any]:
        """The report.json document, digest included."""
        counts = self.counts
        document: dict[str, Any] = {
            "format_version": REPORT_FORMAT_VERSION,
            "kit_version": self.kit_version,
            "catalogue_hash": self.catalogue_hash,
            "adapter": {
                "name": self.adapter_name,
                "version": self.adapter_version,
                "spec": self.adapter_spec,
            },
            "dialect": self.dialect,
            "python_version": self.python_version,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "duration_s": round(self.duration_s, 3),
            "summary": {
                "total": len(self.cases),
                "pass": counts[Verdict.PASS],
                "fail": counts[Verdict.FAIL],
                "not_applicable": counts[Verdict.NOT_APPLICABLE],
                "result": "pass" if self.passed else "fail",
            },
            "cases": [_case_document(record) for record in self.cases],
        }
        document["digest"] = canonical_digest(document)
        return document


def _id_key(case_id: str) -> tuple[str, int]:
    prefix, _, number = case_id.rpartition("-")
    return prefix, int(number) if number.isdigit() else 0


def _case_document(record: CaseRecord) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": record.id,
        "name": record.name,
        "group": record.group.value,
        "verdict": record.verdict.value,
        "duration_s": round(record.duration_s, 4),
    }
    if record.verdict is not Verdict.PASS:
        document["reason"] = record.reason or "(no reason given)"
    for key in ("expected", "observed", "excerpt"):
        value = getattr(record, key)
        if value is not None and record.verdict is Verdict.FAIL:
            document[key] = value
    return document


def canonical_digest(document: dict[str, Any]) -> str:
    """``sha256:<hex>`` over the canonical JSON of ``document`` without its ``digest`` key."""
    body = {key: value for key, value in document.items() if key != "digest"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify_digest(document: dict[str, Any]) -> bool:
    """Whether ``document["digest"]`` matches its content."""
    return document.get("digest") == canonical_digest(document)


def report_schema() -> dict[str, Any]:
    """The JSON Schema of report.json shipped with the package."""
    text = files("conformance.report").joinpath(_SCHEMA_RESOURCE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_report(document: dict[str, Any]) -> None:
    """Check a report.json document: its version, its schema and its digest.

    Raises:
        ReportError: an unknown format version, a schema violation (the path is named), or a digest
            that does not match the content.
    """
    version = document.get("format_version")
    if version != REPORT_FORMAT_VERSION:
        raise ReportError(
            f"report format_version {version!r} is not {REPORT_FORMAT_VERSION}: read it with the "
            "venuekit version that wrote it (see its kit_version)"
        )
    try:
        jsonschema.validate(document, report_schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "(top level)"
        raise ReportError(f"report.json is invalid at {where}: {exc.message}") from None
    if not verify_digest(document):
        raise ReportError("report.json's digest does not match its content: it was edited after the run")
