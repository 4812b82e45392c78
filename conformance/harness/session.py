"""One certification run: the adapter under test, the options, and the verdict of every case so far.

The plugin makes one :class:`ConformanceSession` per pytest session when ``--adapter`` is given;
the runner records each case's :class:`CaseRecord` in it, and the report is built from those
records (never from pytest's own outcomes, which cannot tell not-applicable from skipped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.harness.adapter import AdapterUnderTest
from conformance.harness.catalogue import Group
from conformance.harness.outcome import Verdict

__all__ = ["CaseRecord", "ConformanceSession"]


@dataclass
class CaseRecord:
    """The verdict of one case and what explains it."""

    id: str
    name: str
    group: Group
    verdict: Verdict
    duration_s: float = 0.0
    #: Why the case failed or does not apply (required for those verdicts).
    reason: str | None = None
    expected: str | None = None
    observed: str | None = None
    #: The case's journal excerpt (frames and requests with times), for failures.
    excerpt: str | None = None

    def failure_text(self) -> str:
        """The text a failing case prints: id and name, expected, observed, journal excerpt."""
        lines = [f"{self.id} {self.name}: FAIL"]
        if self.expected is not None:
            lines.append(f"expected: {self.expected}")
        if self.observed is not None:
            lines.append(f"observed: {self.observed}")
        if self.expected is None and self.observed is None and self.reason:
            lines.append(self.reason)
        if self.excerpt:
            lines.extend(["", self.excerpt])
        return "\n".join(lines)


@dataclass
class ConformanceSession:
    """A certification run in progress.

    Parameters:
        adapter: the adapter under test.
        cert_dir: where the artifacts go when the run ends (None: nowhere).
        simulator_kwargs: keyword arguments for every case's simulator (before the case's own).
    """

    adapter: AdapterUnderTest
    cert_dir: Path | None = None
    simulator_kwargs: dict[str, Any] = field(default_factory=dict)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    finished_at: dt.datetime | None = None
    records: dict[str, CaseRecord] = field(default_factory=dict)

    def record(self, record: CaseRecord) -> None:
        """Keep the verdict of one case (a case run twice keeps its last verdict)."""
        self.records[record.id] = record

    def finish(self) -> None:
        """Stamp the end of the run."""
        self.finished_at = dt.datetime.now(dt.UTC)
