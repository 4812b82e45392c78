"""Certify an adapter programmatically: ``run_certification("bybit") -> Report``.

It runs the suite in-process with ``pytest.main`` and the plugin, exactly as
``pytest --pyargs conformance.cases --adapter=SPEC`` would, and returns the run's
:class:`~conformance.report.Report` (also written to ``cert_dir`` when given). ``venuekit certify``
and the mutant runner are built on it; ``groups`` limits a run to some catalogue groups.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import pytest

from conformance.harness.catalogue import Group
from conformance.harness.registry import CaseRegistryError
from conformance.harness.session import CaseRecord
from conformance.plugin import REPORT_KEY, SESSION_KEY
from conformance.report.model import Report

__all__ = ["CertificationError", "run_certification"]

_PLUGIN_ENTRY_POINT: Final = "venuekit_conformance"
_CASES_PACKAGE: Final = "conformance.cases"
#: The suite's own pytest configuration (see the file for why the host's is not used).
_CERTIFY_INI: Final = Path(__file__).with_name("certify.ini")


class CertificationError(Exception):
    """The run could not produce a report (bad arguments, no adapter, nothing collected)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class _Observer:
    """A pytest plugin object: keeps the config, reports collection and each finished case."""

    def __init__(
        self,
        on_collected: Callable[[int], None] | None,
        on_case: Callable[[CaseRecord], None] | None,
    ) -> None:
        self.config: pytest.Config | None = None
        self._on_collected = on_collected
        self._on_case = on_case
        self._seen: set[str] = set()

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self._on_collected is not None:
            self._on_collected(len(session.items))

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        if self._on_case is None or self.config is None:
            return
        run = self.config.stash.get(SESSION_KEY, None)
        if run is None:
            return
        for case_id, record in run.records.items():
            if case_id not in self._seen:
                self._seen.add(case_id)
                self._on_case(record)


def _plugin_installed() -> bool:
    return any(ep.name == _PLUGIN_ENTRY_POINT for ep in importlib.metadata.entry_points(group="pytest11"))


def run_certification(
    adapter_spec: str,
    groups: Iterable[Group | str] | None = None,
    cert_dir: str | Path | None = None,
    *,
    keyword: str | None = None,
    dialect: str | None = None,
    pytest_args: Sequence[str] = (),
    quiet: bool = True,
    on_collected: Callable[[int], None] | None = None,
    on_case: Callable[[CaseRecord], None] | None = None,
) -> Report:
    """Run the conformance suite against an adapter and return the report.

    Parameters:
        adapter_spec: entry point name (group ``venuekit.adapters``) or ``module:factory``.
        groups: only these catalogue groups (all when None).
        cert_dir: write the artifacts here.
        keyword: a pytest ``-k`` expression over case ids and names (``"H-07 or RC-03"``).
        dialect: the simulator dialect (the adapter's own by default).
        pytest_args: more pytest arguments, appended as given.
        quiet: silence pytest's own terminal output (the caller shows progress).
        on_collected: called with the number of cases collected.
        on_case: called with each case's record as it finishes.

    Raises:
        CertificationError: pytest stopped before any case ran (usage error, unknown adapter or
            group, nothing selected); ``exit_code`` is pytest's.
    """
    args = ["--pyargs", _CASES_PACKAGE, f"--adapter={adapter_spec}", "-p", "no:cacheprovider"]
    args += ["-c", str(_CERTIFY_INI), "--rootdir", str(Path.cwd())]
    # The cases run their own event loops; pytest-asyncio, when installed, would only warn about
    # its unset options on every run.
    args += ["-p", "no:asyncio"]
    # The kit is imported already (we are running), so pytest cannot rewrite its asserts; the cases
    # judge with ctx.expect, not bare asserts, and a host's filterwarnings=error must not stop the run.
    args += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    # Nor rewrite any: pytest would otherwise re-parse and rewrite every module of the kit (it is
    # a pytest11 plugin's distribution), ~1.5 s a run where bytecode is not cached. Hypothesis'
    # plugin (no case uses it) would import hypothesis just to print its summary (~1 s).
    args += ["--assert=plain", "-p", "no:hypothesispytest"]
    if not _plugin_installed():
        args += ["-p", "conformance.plugin"]
    if groups is not None:
        names = []
        for group in groups:
            try:
                names.append(Group(group).value)
            except ValueError:
                known = ", ".join(g.value for g in Group)
                raise CaseRegistryError(f"unknown group {group!r}: use one of {known}") from None
        args += ["-m", " or ".join(names) or "conformance"]
    if keyword:
        args += ["-k", keyword]
    if dialect:
        args += [f"--dialect={dialect}"]
    if cert_dir is not None:
        args += [f"--cert-dir={cert_dir}"]
    if quiet:
        args += ["-qq", "--no-header"]
    args += list(pytest_args)
    observer = _Observer(on_collected, on_case)
    # Quiet: pytest's terminal output goes to a buffer (not -p no:terminal: a host's addopts may
    # carry terminal options such as -ra); it is shown only when the run could not start.
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured) if quiet else contextlib.nullcontext():
        code = pytest.main(args, plugins=[observer])
    config = observer.config
    report = config.stash.get(REPORT_KEY, None) if config is not None else None
    if report is None or not report.cases:
        tail = "\n".join(captured.getvalue().strip().splitlines()[-15:])
        raise CertificationError(
            f"the conformance run stopped before any case ran (pytest exit code {int(code)})"
            + (f":\n{tail}" if tail else ""),
            int(code),
        )
    return report
