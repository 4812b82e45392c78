"""Times, durations and expiry-dated symbols as scenario files write them."""

from __future__ import annotations

import pytest

from simulator.core import NS_PER_S
from simulator.scenario.times import TimeSpec, expand_symbol, parse_duration_ns, parse_time

THU = 1_767_225_600 * NS_PER_S  # 2026-01-01T00:00:00Z, a Thursday
HOUR = 3600 * NS_PER_S
DAY = 24 * HOUR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (90, 90 * NS_PER_S),
        ("0.5", None),  # text must carry a unit
        ("500ms", NS_PER_S // 2),
        ("1h30m", 90 * 60 * NS_PER_S),
        ("8h", 8 * HOUR),
        ("2w", 14 * DAY),
        ("5q", None),
        (-1, None),
    ],
)
def test_durations(text: object, expected: int | None) -> None:
    assert parse_duration_ns(text) == expected


def test_absolute_times() -> None:
    assert parse_time("2026-01-01T00:00:00Z") == TimeSpec("2026-01-01T00:00:00Z", absolute_ns=THU)
    assert parse_time("2026-01-01T01:00:00+01:00").resolve(0) == THU  # type: ignore[union-attr]
    assert parse_time("2026-01-01").resolve(0) == THU  # type: ignore[union-attr]
    assert parse_time(1_767_225_600_000).resolve(0) == THU  # type: ignore[union-attr]
    assert parse_time("2026-01-01T00:00:00") == (
        '"2026-01-01T00:00:00" has no time zone: add Z for UTC, like "2026-01-01T00:00:00Z"'
    )
    assert parse_time("+1d", relative=False) == (
        'expected an absolute time (an ISO time like "2026-01-02T08:00:00Z" or epoch ms), '
        'got the offset "+1d"'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+30d", THU + 30 * DAY),
        ("-1h", THU - HOUR),
        ("+7d@08:00", THU + 7 * DAY + 8 * HOUR),  # Thursday 2026-01-08 08:00
        ("+7d@fri08:00", THU + 8 * DAY + 8 * HOUR),  # the Friday on or after it
        ("+8d@fri08:00", THU + 8 * DAY + 8 * HOUR),  # already a Friday: that day
        ("+12h@00:00", THU),  # the time of day is set on the offset's date
    ],
)
def test_offsets_from_the_start(text: str, expected: int) -> None:
    spec = parse_time(text)
    assert isinstance(spec, TimeSpec) and spec.is_relative
    assert spec.resolve(THU) == expected


def test_a_bad_offset_says_what_it_should_look_like() -> None:
    assert parse_time("+7d@friday") == '"+7d@friday" is not an offset like +30d, +7d@08:00 or +28d@fri08:00'


def test_symbol_templates() -> None:
    expiry = THU + 8 * DAY + 8 * HOUR  # 2026-01-09
    assert expand_symbol("BTC-{expiry}-95000-C-USDT", expiry) == "BTC-9JAN26-95000-C-USDT"
    assert expand_symbol("BTCUSDT-{expiry_padded}", expiry) == "BTCUSDT-09JAN26"
    assert expand_symbol("BTCUSD{expiry_code}", expiry) == "BTCUSDF26"
    assert expand_symbol("BTCUSDT", None) == "BTCUSDT"
