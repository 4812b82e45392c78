"""Scenarios: declarative venue states (``scenarios/*.yaml``), validated and built into a venue.

::

    from simulator.scenario import load_scenario, build_exchange

    scenario = load_scenario("scenarios/bybit/default.yaml")    # validated, typed, exact Decimals
    venue = build_exchange(scenario, now_ns=time.time_ns)     # or clock=VirtualClock(...)
    venue.exchange, venue.flow, venue.credentials, venue.limits, venue.faults

A scenario file is versioned (``version: 1``) and checked against the JSON Schema shipped in this
package (``schema_v1.json``). Every problem is reported as ``FILE:LINE:COL: PATH: WHAT`` in one
:class:`ScenarioError`. The format is described in docs/scenarios.md.
"""

from __future__ import annotations

from pathlib import Path as _FilePath

from simulator.scenario.build import BuiltVenue, Credential, build_exchange
from simulator.scenario.errors import Location, Problem, ScenarioError
from simulator.scenario.loader import SUPPORTED_VERSIONS, load_scenario, parse_scenario
from simulator.scenario.model import (
    AccountSpec,
    ApiKey,
    BookGenerate,
    BookSpec,
    ClockMode,
    ClockSpec,
    FaultRule,
    FlowSpec,
    InstrumentSpec,
    OrderSpec,
    PositionSpec,
    Scenario,
    ScriptEvent,
    TradeSpec,
)
from simulator.scenario.times import TimeSpec
from simulator.scenario.validate import load_schema

__all__ = [
    "SUPPORTED_VERSIONS",
    "AccountSpec",
    "ApiKey",
    "BookGenerate",
    "BookSpec",
    "BuiltVenue",
    "ClockMode",
    "ClockSpec",
    "Credential",
    "FaultRule",
    "FlowSpec",
    "InstrumentSpec",
    "Location",
    "OrderSpec",
    "PositionSpec",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScriptEvent",
    "TimeSpec",
    "TradeSpec",
    "build_exchange",
    "default_scenario_path",
    "load_scenario",
    "load_schema",
    "parse_scenario",
]


def default_scenario_path(dialect: str) -> _FilePath:
    """The default scenario of ``dialect``, shipped inside the package (``defaults/<dialect>.yaml``).

    ``scenarios/<dialect>/default.yaml`` in a source checkout is a link to the same file, so the
    documented path and an installed wheel serve the same venue.

    Raises:
        FileNotFoundError: venuekit ships no default scenario for ``dialect``.
    """
    path = _FilePath(__file__).resolve().parent / "defaults" / f"{dialect}.yaml"
    if not path.is_file():
        raise FileNotFoundError(
            f"venuekit ships no default scenario for dialect {dialect!r}: pass --scenario PATH"
        )
    return path
