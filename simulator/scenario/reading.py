"""The reader's shared parts: state, problems, and small helpers for schema-checked values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from simulator.core import InstrumentKind
from simulator.scenario.errors import Problem
from simulator.scenario.model import AccountSpec, InstrumentSpec, Path
from simulator.scenario.source import DecimalText, SourceMap, to_decimal
from simulator.scenario.times import TimeSpec, parse_time

__all__ = ["DATED", "PERPETUAL", "ReaderBase", "decimal_of", "has_position_mode", "on_step", "plain"]

DATED = (InstrumentKind.LINEAR_FUTURE, InstrumentKind.INVERSE_FUTURE, InstrumentKind.OPTION)
PERPETUAL = (InstrumentKind.LINEAR_PERPETUAL, InstrumentKind.INVERSE_PERPETUAL)


def decimal_of(value: object) -> Decimal:
    """The exact Decimal of a schema-checked number."""
    number = to_decimal(value)
    assert number is not None, "the schema admits only numbers here"
    return number


def plain(value: Any) -> Any:
    """Scenario data with exact Decimals instead of YAML floats (for opaque data such as faults)."""
    if isinstance(value, DecimalText):
        return value.decimal
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def on_step(value: Decimal, step: Decimal) -> bool:
    """Whether ``value`` is a whole number of ``step``s (a price on tick, a size on lot)."""
    return value % step == 0


def has_position_mode(kind: InstrumentKind) -> bool:
    return kind not in (InstrumentKind.SPOT, InstrumentKind.OPTION)


class ReaderBase:
    """What every part of the reader shares: the source map, the problems found, and what has
    been read so far (instruments and accounts, which later sections refer to)."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.instruments: dict[str, InstrumentSpec] = {}
        self.accounts: dict[str, AccountSpec] = {}

    def problem(self, path: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.source.at(path, key=key), message))

    def items(self, data: Mapping[str, Any], name: str, read: Callable[[dict, Path], Any]) -> tuple:
        """``read(item, path)`` for each item of the list ``data[name]``, keeping what is not None."""
        out = []
        for i, item in enumerate(data.get(name, [])):
            value = read(item, (name, i))
            if value is not None:
                out.append(value)
        return tuple(out)

    def time(self, d: dict, name: str) -> TimeSpec | None:
        if name not in d:
            return None
        spec = parse_time(d[name])
        assert isinstance(spec, TimeSpec)  # schema-checked (x-time)
        return spec

    def instrument_ref(self, d: dict, path: Path, field: str = "instrument") -> InstrumentSpec | None:
        """The instrument ``d[field]`` refers to, or None (with a problem) if there is none."""
        ref = d[field]
        spec = self.instruments.get(ref)
        if spec is None:
            known = ", ".join(self.instruments) or "none are defined"
            self.problem((*path, field), f"no instrument {ref!r} in this scenario (known: {known})")
        return spec
