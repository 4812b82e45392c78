"""Errors raised when a model value is built from bad input.

They subclass :class:`ValueError` so callers that validate user input can catch them broadly,
and each message says what to do instead.
"""

from __future__ import annotations

__all__ = ["ModelValueError", "PrecisionError"]


class ModelValueError(ValueError):
    """A model value was given input it cannot represent (empty identifier, negative quantity...)."""


class PrecisionError(ModelValueError):
    """A Price, Quantity or Money was given more decimal places than its precision allows.

    The model refuses rather than rounds: silent rounding is how an order goes out at a price
    nobody asked for. Round explicitly (``instrument.make_price``/``make_qty``) instead.
    """
