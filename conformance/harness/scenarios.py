"""Scenario files parsed once per run: every case gets a fresh simulator, not a fresh parse.

Parsing and validating a scenario (YAML, then its JSON Schema and cross-checks) costs 30-50 ms,
as much as the rest of a short case; a certification starts 110+ simulators from three files.
A parsed :class:`~simulator.scenario.Scenario` is immutable (frozen dataclasses and tuples) and
the simulator builds its venue from it without changing it, so one parse can serve every case.
The cache is keyed by the file's resolved path, size and modification time, so an edited file
is parsed again.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simulator.scenario import Scenario, default_scenario_path, load_scenario

__all__ = ["parsed_scenario", "with_parsed_scenario"]


def parsed_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Return the scenario in ``path``, parsed once per file version.

    Raises:
        ScenarioError: the file is not a valid scenario (not cached: the next call tries again).
        FileNotFoundError: there is no such file.
    """
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return _parse(str(resolved), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _parse(path: str, size: int, mtime_ns: int) -> Scenario:
    # size and mtime_ns only key the cache: a changed file is a new entry.
    return load_scenario(path)


def with_parsed_scenario(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """``Simulator`` keyword arguments with the scenario given as a parsed :class:`Scenario`.

    A path (or no scenario: the default of ``kwargs["dialect"]``, a name or a dialect object) is
    replaced by its cached parse; a :class:`Scenario` object passes through. The simulator still
    checks the scenario's dialect.

    Raises:
        ScenarioError: the file is not a valid scenario.
        FileNotFoundError: the file does not exist, or the dialect has no default scenario.
    """
    merged = dict(kwargs)
    scenario = merged.get("scenario")
    if scenario is None:
        dialect = merged.get("dialect", "bybit")
        name = dialect if isinstance(dialect, str) else str(dialect.name)
        merged["scenario"] = parsed_scenario(default_scenario_path(name))
    elif isinstance(scenario, str | os.PathLike):
        merged["scenario"] = parsed_scenario(scenario)
    return merged
