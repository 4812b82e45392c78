"""Patterns of canonical decimal text, the fast path of Price and Quantity (private).

Canonical text at a precision is ASCII digits with exactly ``precision`` places after one dot
(no dot at precision 0) and at most 28 digits in all, which the default decimal context
quantizes exactly. ``Decimal(text)`` of such text is already what the full check would return
(no normalizing or quantizing needed). It is how venues send prices and sizes (``"87480.10"`` at
precision 2), so recognising it makes the hot path of every stream parser cheap; any other text
takes the full check.
"""

from __future__ import annotations

import re

__all__ = ["canonical_patterns"]

#: Digits the default decimal context (precision 28) quantizes exactly.
_MAX_DIGITS = 28


def canonical_patterns(max_precision: int, *, signed: bool) -> dict[int, re.Pattern[str]]:
    """Per precision ``0..max_precision``, the compiled pattern of canonical text.

    Args:
        max_precision: the highest precision to build a pattern for (at most 27).
        signed: allow a leading ``-`` (prices); quantities leave signs to the full check.
    """
    sign = "-?" if signed else ""
    patterns = {}
    for precision in range(max_precision + 1):
        places = rf"\.[0-9]{{{precision}}}" if precision else ""
        patterns[precision] = re.compile(rf"{sign}[0-9]{{1,{_MAX_DIGITS - precision}}}{places}")
    return patterns
