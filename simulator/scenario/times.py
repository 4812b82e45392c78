"""Times, durations and expiry-dated symbols in scenario files.

A **time** is one of:

* an ISO-8601 time with a zone, ``2026-03-27T08:00:00Z`` (or a date, ``2026-03-27``, meaning
  00:00 UTC);
* epoch milliseconds, ``1774598400000``;
* an offset from the clock's start, ``+30d``, optionally moved to a time of day (UTC) and a weekday
  on or after it: ``+7d@08:00``, ``+28d@fri08:00``. Offsets make a scenario work on any date: with a
  real clock the start is the moment the venue starts.

A **duration** is a number of seconds (``90``, ``0.5``) or units, ``500ms``, ``30s``, ``15m``,
``8h``, ``7d``, ``2w``, combinable as ``1h30m``.

A symbol may contain ``{expiry}`` (``3JAN25``: Bybit options), ``{expiry_padded}`` (``03JAN25``:
Bybit USDT and USDC futures) or ``{expiry_code}`` (``H25``: month code, as in Bybit's inverse
futures ``BTCUSDH25``), filled in from the instrument's expiry when the venue is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from simulator.core import NS_PER_S
from simulator.scenario.source import to_decimal

__all__ = [
    "SYMBOL_FIELDS",
    "TimeSpec",
    "expand_symbol",
    "format_ns",
    "parse_duration_ns",
    "parse_time",
    "symbol_fields",
]

_NS_PER_MS = 1_000_000
_UNIT_NS = {
    "ms": _NS_PER_MS,
    "s": NS_PER_S,
    "m": 60 * NS_PER_S,
    "h": 3600 * NS_PER_S,
    "d": 86_400 * NS_PER_S,
    "w": 7 * 86_400 * NS_PER_S,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RELATIVE = re.compile(
    r"(?P<sign>[+-])(?P<dur>(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+)"
    r"(?:@(?P<wd>mon|tue|wed|thu|fri|sat|sun)?(?P<hh>[01]\d|2[0-3]):(?P<mm>[0-5]\d))?"
)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# CME-style futures month codes, as Bybit's inverse futures use them (BTCUSDH25 = March 2025).
_MONTH_CODES = "FGHJKMNQUVXZ"
SYMBOL_FIELDS = ("expiry", "expiry_padded", "expiry_code")
_FIELD = re.compile(r"\{([^{}]*)\}")


def parse_duration_ns(value: object) -> int | None:
    """Nanoseconds of a duration (seconds as a number, or ``8h``-style text); None if it is not one."""
    if isinstance(value, str):
        text = value.strip()
        if not _DURATION.fullmatch(text):
            return None
        return sum(int(Decimal(n) * _UNIT_NS[u]) for n, u in _DURATION_PART.findall(text))
    number = to_decimal(value)
    if number is None or not number.is_finite() or number < 0:
        return None
    return int(number * NS_PER_S)


@dataclass(frozen=True, slots=True)
class TimeSpec:
    """A time as written: absolute (``absolute_ns``) or an offset from the clock's start."""

    text: str
    absolute_ns: int | None = None
    offset_ns: int = 0
    weekday: int | None = None
    time_of_day_s: int | None = None

    @property
    def is_relative(self) -> bool:
        return self.absolute_ns is None

    def resolve(self, start_ns: int) -> int:
        """Epoch nanoseconds of this time for a clock that starts at ``start_ns``."""
        if self.absolute_ns is not None:
            return self.absolute_ns
        moment = start_ns + self.offset_ns
        if self.time_of_day_s is None:
            return moment
        day = datetime.fromtimestamp(moment // NS_PER_S, UTC).date()
        if self.weekday is not None:
            day += timedelta(days=(self.weekday - day.weekday()) % 7)
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return (int(midnight.timestamp()) + self.time_of_day_s) * NS_PER_S


def parse_time(value: object, *, relative: bool = True) -> TimeSpec | str:
    """A :class:`TimeSpec` from a scenario value, or a sentence saying what is wrong with it."""
    if isinstance(value, bool):
        return "expected a time, got a true/false value"
    if isinstance(value, int):
        if value < 0:
            return f"expected epoch milliseconds >= 0, got {value}"
        return TimeSpec(str(value), absolute_ns=value * _NS_PER_MS)
    if not isinstance(value, str):
        return "expected a time"
    text = value.strip()
    if text[:1] in "+-":
        if not relative:
            return (
                f'expected an absolute time (an ISO time like "2026-01-02T08:00:00Z" or epoch ms), '
                f'got the offset "{text}"'
            )
        match = _RELATIVE.fullmatch(text)
        if match is None:
            return f'"{text}" is not an offset like +30d, +7d@08:00 or +28d@fri08:00'
        offset = parse_duration_ns(match["dur"])
        assert offset is not None
        tod = None if match["hh"] is None else int(match["hh"]) * 3600 + int(match["mm"]) * 60
        weekday = None if match["wd"] is None else _WEEKDAYS.index(match["wd"])
        return TimeSpec(
            text,
            offset_ns=-offset if match["sign"] == "-" else offset,
            weekday=weekday,
            time_of_day_s=tod,
        )
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return f'"{text}" is not a time: write an ISO time like "2026-01-02T08:00:00Z", epoch ms, or +30d'
    if moment.tzinfo is None:
        if len(text) > 10:  # a date and a time with no zone: ambiguous, so refuse it
            return f'"{text}" has no time zone: add Z for UTC, like "{text}Z"'
        moment = moment.replace(tzinfo=UTC)
    seconds = int(moment.timestamp())
    return TimeSpec(text, absolute_ns=seconds * NS_PER_S + moment.microsecond * 1000)


def format_ns(ns: int) -> str:
    """An epoch-ns time as ISO text, for messages."""
    return datetime.fromtimestamp(ns // NS_PER_S, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def symbol_fields(template: str) -> list[str]:
    """The ``{…}`` placeholders of a symbol template."""
    return _FIELD.findall(template)


def expand_symbol(template: str, expiry_ns: int | None) -> str:
    """Fill a symbol template's placeholders from the expiry (see the module docstring)."""
    if not symbol_fields(template):
        return template
    assert expiry_ns is not None, "a templated symbol needs an expiry (checked when loading)"
    day: date = datetime.fromtimestamp(expiry_ns // NS_PER_S, UTC).date()
    month = _MONTHS[day.month - 1]
    year = f"{day.year % 100:02d}"
    values = {
        "expiry": f"{day.day}{month}{year}",
        "expiry_padded": f"{day.day:02d}{month}{year}",
        "expiry_code": f"{_MONTH_CODES[day.month - 1]}{year}",
    }
    return _FIELD.sub(lambda m: values[m.group(1)], template)
