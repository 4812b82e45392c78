"""Loading a scenario file: YAML -> version check -> JSON Schema -> typed model -> semantic checks.

Nothing is half-loaded: :func:`load_scenario` returns a complete :class:`Scenario` or raises one
:class:`ScenarioError` listing every problem found, each as ``FILE:LINE:COL: PATH: WHAT``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import Any

from simulator.scenario.errors import Location, Problem, ScenarioError
from simulator.scenario.model import ClockMode, ClockSpec, Scenario
from simulator.scenario.read_accounts import AccountReading
from simulator.scenario.read_instruments import InstrumentReading
from simulator.scenario.read_market import MarketReading
from simulator.scenario.source import SourceMap, parse_yaml
from simulator.scenario.times import TimeSpec, parse_time
from simulator.scenario.validate import SCHEMA_FILES, describe, schema_problems

__all__ = ["SUPPORTED_VERSIONS", "load_scenario", "parse_scenario"]

#: Scenario format versions this venuekit reads.
SUPPORTED_VERSIONS = tuple(sorted(SCHEMA_FILES))


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load and validate the scenario file at ``path``.

    Raises:
        ScenarioError: the file cannot be read, or is not a valid scenario; the message names the
            file, line, column and field of each problem and what was expected there.
    """
    name = os.fspath(path)
    try:
        text = FilePath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(
            [Problem(_top(name), "no such scenario file: check the path (scenarios live under scenarios/)")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(_top(name), f"cannot read this file ({exc})")]) from None
    return parse_scenario(text, name=name)


def parse_scenario(text: str, *, name: str = "<scenario>") -> Scenario:
    """Validate scenario YAML given as text; ``name`` is used as the file name in errors.

    Raises:
        ScenarioError: as :func:`load_scenario`.
    """
    data, source = parse_yaml(text, name)
    if not isinstance(data, dict):
        got = "an empty file" if data is None else "a single value or a list"
        raise source.error((), f"a scenario is a mapping that starts with `version: 1`, got {got}")
    version = _check_version(data, source)
    problems = schema_problems(data, version, source)
    if problems:
        raise ScenarioError(problems)
    reader = _Reader(source)
    scenario = reader.scenario(data, version)
    if reader.problems:
        reader.problems.sort(key=lambda p: (p.location.line, p.location.column))
        raise ScenarioError(reader.problems)
    return scenario


def _top(name: str) -> Location:
    return SourceMap(name).at(())


def _check_version(data: Mapping[str, Any], source: SourceMap) -> int:
    newest = max(SUPPORTED_VERSIONS)
    if "version" not in data:
        raise source.error((), f"missing `version`: add `version: {newest}` as the first line")
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise source.error(("version",), f"expected a whole number like {newest}, got {describe(version)}")
    if version not in SUPPORTED_VERSIONS:
        reads = ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        advice = (
            "upgrade venuekit or rewrite the file for version " + str(newest)
            if version > newest
            else f"rewrite the file for version {newest} (see docs/scenarios.md)"
        )
        raise source.error(
            ("version",),
            f"this file is scenario version {version}; this venuekit reads version {reads}: {advice}",
        )
    return version


class _Reader(InstrumentReading, AccountReading, MarketReading):
    """Turns schema-valid data into the model, collecting semantic problems as it goes."""

    def scenario(self, data: dict[str, Any], version: int) -> Scenario:
        clock = self.clock(data.get("clock", {}))
        instruments = self.items(data, "instruments", self.instrument)
        accounts = self.items(data, "accounts", self.account)
        self.check_api_keys(accounts)
        return Scenario(
            version=version,
            dialect=data["dialect"],
            name=data.get("name", ""),
            description=data.get("description", ""),
            clock=clock,
            seed=data.get("seed", 0),
            instruments=instruments,
            accounts=accounts,
            orders=self.items(data, "orders", self.order),
            books=self.books(data),
            script=self.items(data, "script", self.event),
            flow=self.flow(data["flow"]) if "flow" in data else None,
            limits=dict(data.get("limits", {})),
            faults=self.items(data, "faults", self.fault),
            source=self.source,
        )

    def clock(self, data: dict[str, Any]) -> ClockSpec:
        mode = ClockMode(data.get("mode", "virtual"))
        start_ns = None
        if "start" in data:
            if mode is ClockMode.REAL:
                self.problem(
                    ("clock", "start"),
                    "a real clock starts when the venue starts: remove clock.start, or use mode: virtual",
                    key=True,
                )
            else:
                spec = parse_time(data["start"], relative=False)
                assert isinstance(spec, TimeSpec) and spec.absolute_ns is not None  # schema-checked
                start_ns = spec.absolute_ns
        return ClockSpec(mode=mode, start_ns=start_ns)
