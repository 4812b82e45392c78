"""badge.svg drawn locally, and badge.json in shields.io's endpoint format, from one report.

The message is ``<adapter> <passed>/<applicable>`` (e.g. ``bybit 58/58``). The colour says the
result: green when every applicable case passed, red when any failed, grey when nothing ran.
Text widths are estimated from per-character advances of Verdana 11px (what shields.io uses), so
the badge needs no font files and no network.
"""

from __future__ import annotations

from html import escape
from typing import Any, Final

from conformance.harness.outcome import Verdict
from conformance.report.model import Report

__all__ = ["BADGE_LABEL", "badge_color", "badge_message", "render_badge_json", "render_badge_svg"]

BADGE_LABEL: Final = "venuekit conformance"
_COLORS: Final = {"pass": "#4c1", "fail": "#e05d44", "none": "#9f9f9f"}
_SHIELDS_COLORS: Final = {"pass": "brightgreen", "fail": "red", "none": "lightgrey"}
# Verdana 11px advances, rounded: narrow, wide and the default for everything else.
_NARROW: Final = frozenset("il.,:;|!'()[]{}/ 1")
_WIDE: Final = frozenset("mwMW@%")


def _state(report: Report) -> str:
    if report.applicable == 0:
        return "none"
    return "pass" if report.counts[Verdict.FAIL] == 0 else "fail"


def badge_message(report: Report) -> str:
    """``<adapter> <passed>/<applicable>``."""
    return f"{report.adapter_name} {report.counts[Verdict.PASS]}/{report.applicable}"


def badge_color(report: Report) -> str:
    """The shields.io colour name of the result."""
    return _SHIELDS_COLORS[_state(report)]


def render_badge_json(report: Report) -> dict[str, Any]:
    """The shields.io endpoint document (https://shields.io/badges/endpoint-badge)."""
    return {
        "schemaVersion": 1,
        "label": BADGE_LABEL,
        "message": badge_message(report),
        "color": badge_color(report),
    }


def _text_width(text: str) -> int:
    return sum(4 if ch in _NARROW else 10 if ch in _WIDE else 7 for ch in text)


def render_badge_svg(report: Report) -> str:
    """A flat two-part badge as SVG: the label on grey, the message on the result's colour."""
    label, message = BADGE_LABEL, badge_message(report)
    left, right = _text_width(label) + 10, _text_width(message) + 10
    width, color = left + right, _COLORS[_state(report)]
    lx, rx = left * 5, (left + right / 2) * 10  # text is drawn at scale(.1) for crisp rounding
    title = escape(f"{label}: {message}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{color}"/>'
        f'<rect width="{width}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
        'font-size="110">'
        f'<text x="{lx:.0f}" y="140" transform="scale(.1)">{escape(label)}</text>'
        f'<text x="{rx:.0f}" y="140" transform="scale(.1)">{escape(message)}</text>'
        "</g></svg>\n"
    )
