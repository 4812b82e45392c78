"""The price levels of a generated book (``books[].generate``).

The best bid sits ``spread_ticks / 2`` below the mid (rounded down to a tick) and the best ask
``spread_ticks`` above the best bid; further levels are ``step_ticks`` apart. Sizes are ``qty``,
or, with ``qty_max``, drawn per level from a generator seeded by the scenario's seed and the
instrument, so the same seed always gives the same book.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from simulator.scenario.model import BookGenerate, InstrumentSpec

__all__ = ["generated_levels", "generated_prices"]


def _ticks(spec: InstrumentSpec, generate: BookGenerate) -> tuple[list[int], list[int]]:
    assert generate.mid is not None, "a generated book has a mid (checked when loading)"
    centre = generate.mid / spec.tick_size - Decimal(generate.spread_ticks) / 2
    best_bid = math.floor(centre)
    best_ask = best_bid + generate.spread_ticks
    step = generate.step_ticks
    bids = [best_bid - i * step for i in range(generate.levels)]
    asks = [best_ask + i * step for i in range(generate.levels)]
    return bids, asks


def generated_prices(spec: InstrumentSpec, generate: BookGenerate) -> tuple[list[Decimal], list[Decimal]]:
    """Bid and ask prices of a generated book, best first."""
    bids, asks = _ticks(spec, generate)
    return [spec.tick_size * t for t in bids], [spec.tick_size * t for t in asks]


def generated_levels(
    spec: InstrumentSpec, generate: BookGenerate, seed: int
) -> tuple[list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
    """``(bids, asks)`` as ``(price, qty)`` levels, best first."""
    bids, asks = _ticks(spec, generate)
    low = int(generate.qty / spec.lot_size)
    high = int(generate.qty_max / spec.lot_size) if generate.qty_max is not None else low
    # A string seed hashes the same way in every process (unlike hash(), which is salted).
    rng = random.Random(f"{seed}/{spec.ref}")

    def size() -> Decimal:
        return spec.lot_size * (rng.randint(low, high) if high > low else low)

    return (
        [(spec.tick_size * t, size()) for t in bids],
        [(spec.tick_size * t, size()) for t in asks],
    )
