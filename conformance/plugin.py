"""The pytest plugin of the conformance suite (``pytest11`` entry point ``venuekit_conformance``).

::

    pytest conformance --adapter=bybit --cert-dir=cert      # from a venuekit checkout
    pytest --pyargs conformance --adapter=mypkg.factories:create
    pytest conformance --adapter=bybit -m reconnect -k "RC-03 or RC-04"

It is loaded in every pytest run where venuekit is installed, so it stays inert unless asked:
without ``--adapter`` it only registers its options and markers (``--strict-markers`` needs them),
and imports nothing heavy. Collecting a conformance case without ``--adapter`` is a usage error.

With ``--adapter`` it loads the adapter once, marks each case with its group (``-m http``) and
its id as a keyword (``-k H-07``), records every verdict, and when the run ends builds the report
and, with ``--cert-dir``, writes the artifacts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

if TYPE_CHECKING:
    from conformance.harness.session import ConformanceSession

__all__ = ["GROUP_MARKERS", "REPORT_KEY", "SESSION_KEY", "conformance_session"]

#: The catalogue groups, each a marker (kept literal so the plugin imports nothing to register them).
GROUP_MARKERS: Final = (
    "http",
    "ws_login",
    "heartbeat",
    "subscription",
    "reconnect",
    "routing",
    "market_data",
    "products",
    "order_flow",
    "outcome",
    "reconciliation",
    "factories",
)

SESSION_KEY: Final = pytest.StashKey["ConformanceSession"]()
REPORT_KEY: Final = pytest.StashKey["Report"]()
_USAGE: Final = (
    "the venuekit conformance suite needs the adapter to certify: pass --adapter=NAME (an entry point "
    "of group 'venuekit.adapters', e.g. --adapter=bybit) or --adapter=package.module:factory"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("venuekit-conformance", "venuekit conformance suite")
    group.addoption(
        "--adapter",
        metavar="SPEC",
        help="adapter to certify: entry point name (group venuekit.adapters) or module:factory",
    )
    group.addoption("--dialect", metavar="NAME", help="simulator dialect, when the adapter speaks several")
    group.addoption("--cert-dir", metavar="DIR", type=Path, help="write the certification artifacts here")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: a case of the venuekit conformance suite")
    for name in GROUP_MARKERS:
        config.addinivalue_line("markers", f"{name}: conformance cases of the {name} group")
    spec = config.getoption("--adapter", default=None)
    if not spec:
        return
    from conformance.harness.adapter import AdapterLoadError, load
    from conformance.harness.session import ConformanceSession

    try:
        adapter = load(spec, config.getoption("--dialect"))
    except AdapterLoadError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[SESSION_KEY] = ConformanceSession(adapter, cert_dir=config.getoption("--cert-dir"))


def _case_of(item: pytest.Item) -> Any:
    return getattr(getattr(item, "obj", None), "conformance_case", None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    cases = [item for item in items if _case_of(item) is not None]
    if cases and SESSION_KEY not in config.stash:
        raise pytest.UsageError(_USAGE)
    for item in cases:
        registered = _case_of(item)
        item.add_marker("conformance")
        item.add_marker(registered.group.value)
        item.extra_keyword_matches.update({registered.id, registered.marker_id})
        item.user_properties.append(("case_id", registered.id))


@pytest.fixture
def conformance_session(request: pytest.FixtureRequest) -> ConformanceSession:
    """The run in progress: the adapter under test and the verdicts so far."""
    session = request.config.stash.get(SESSION_KEY, None)
    if session is None:
        raise pytest.UsageError(_USAGE)
    return session


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    run = config.stash.get(SESSION_KEY, None)
    if run is None:
        return
    from conformance.report.model import Report
    from conformance.report.writers import write_artifacts

    run.finish()
    report = Report.from_session(run)
    config.stash[REPORT_KEY] = report
    if run.cert_dir is not None and report.cases:
        write_artifacts(report, run.cert_dir)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    report = config.stash.get(REPORT_KEY, None)
    if report is None:
        return
    counts = report.counts
    line = (
        f"venuekit conformance: {report.adapter_name} {counts['pass']}/{report.applicable} passed, "
        f"{counts['fail']} failed, {counts['not_applicable']} not applicable"
    )
    terminalreporter.write_sep("=", line, red=not report.passed, green=report.passed)
    run = config.stash.get(SESSION_KEY, None)
    if run is not None and run.cert_dir is not None and report.cases:
        terminalreporter.write_line(f"certification artifacts written to {run.cert_dir}")
