"""Numbers and times as Bybit writes them: decimal strings at fixed precision, milliseconds.

Every numeric business value goes on the wire as a JSON string (reference §0, conventions), in
plain positional notation: never an exponent (``Decimal("0E-24")`` prints ``"0"``), never a sign
on zero. Three precisions are used:

* **prices** at the instrument's tick decimals, counted from the *written* tick size
  (``tickSize "0.10"`` means 2 decimals, so ``30000.1`` prints ``"30000.10"``; rule 13). The
  core's ``Instrument.price_precision`` is exactly that count;
* **sizes** at the instrument's lot decimals (``qtyStep``/``basePrecision``), so bid and ask
  sizes always carry the same number of decimals (rule 13);
* **money** (fees, balances, PnL, values, turnover) rounded half-even to :data:`MONEY_DECIMALS`
  (8: a satoshi for BTC, and finer than any stablecoin ledger) and then trimmed of trailing zeros,
  the way the reference examples show them (``"0.0058"``, ``"290"``, ``"-0.165"``). Rates (fee
  and funding rates, percentage changes) are trimmed the same way at :data:`RATE_DECIMALS`.

Averages (order ``avgPrice``, position entry) are not on the tick in general; they print at
the tick decimals when they are exact there, else with up to :data:`AVERAGE_EXTRA_DECIMALS` more.
Reference prices (mark, index, underlying) print at tick decimals too, except for options: their
premiums trade on a coarse tick (``"5"``) but are marked finely (§7.5 option example:
``markPrice:"7.86976724"``, ``indexPrice:"16823.73"``), so they are trimmed at 8 decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal

from simulator.core.clock import NS_PER_MS
from simulator.core.instruments import Instrument

__all__ = [
    "AVERAGE_EXTRA_DECIMALS",
    "MONEY_DECIMALS",
    "RATE_DECIMALS",
    "avg_price",
    "fixed",
    "money",
    "ms",
    "ms_str",
    "price",
    "price_or",
    "rate",
    "reference_price",
    "reference_price_or",
    "size",
    "step",
    "trimmed",
]

#: Decimals money amounts are rounded to before trimming (see the module docstring).
MONEY_DECIMALS = 8
#: Decimals fee rates, funding rates and percentage changes are rounded to before trimming.
RATE_DECIMALS = 8
#: Extra decimals an average price may carry beyond the tick decimals.
AVERAGE_EXTRA_DECIMALS = 4

# Quantizing needs room for every digit of the result: 28 digits (the default context) is not
# enough for a large balance at 8 decimals plus the integer part of, say, an inverse value.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)
_QUANTUM = [Decimal(1).scaleb(-n) for n in range(40)]


def fixed(value: Decimal, decimals: int) -> str:
    """``value`` rounded half-even to exactly ``decimals`` places, in plain notation.

    Zero never carries a sign (``-0.00`` prints ``"0.00"``).
    """
    quantized = value.quantize(_QUANTUM[decimals], context=_CONTEXT)
    if not quantized:
        quantized = abs(quantized)
    return format(quantized, "f")


def trimmed(value: Decimal, max_decimals: int = MONEY_DECIMALS) -> str:
    """``value`` rounded half-even to at most ``max_decimals`` places, trailing zeros removed.

    ``Decimal("290.000")`` prints ``"290"``, ``Decimal("0E-24")`` prints ``"0"``,
    ``Decimal("1E+3")`` prints ``"1000"``: never an exponent.
    """
    quantized = value.quantize(_QUANTUM[max_decimals], context=_CONTEXT)
    if not quantized:
        return "0"
    text = format(quantized, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def step(value: Decimal) -> str:
    """A filter step (``tickSize``, ``qtyStep``, ``basePrecision``) exactly as written.

    The written form carries the precision clients read: ``Decimal("0.10")`` prints ``"0.10"``.
    """
    return format(value, "f")


def price(inst: Instrument, value: Decimal) -> str:
    """A price at the instrument's tick decimals (rule 13)."""
    return fixed(value, inst.price_precision)


def price_or(inst: Instrument, value: Decimal | None, empty: str = "") -> str:
    """A price at tick decimals, or ``empty`` when there is none (an unset trigger, no mark…)."""
    return empty if value is None else fixed(value, inst.price_precision)


def reference_price(inst: Instrument, value: Decimal) -> str:
    """A mark, index or underlying price: tick decimals, or up to 8 trimmed for options."""
    if inst.is_option:
        return trimmed(value, MONEY_DECIMALS)
    return fixed(value, inst.price_precision)


def reference_price_or(inst: Instrument, value: Decimal | None, empty: str = "") -> str:
    """:func:`reference_price`, or ``empty`` when there is none."""
    return empty if value is None else reference_price(inst, value)


def avg_price(inst: Instrument, value: Decimal) -> str:
    """An average price: tick decimals when exact there, else up to 4 more (trimmed)."""
    decimals = inst.price_precision
    at_tick = value.quantize(_QUANTUM[decimals], context=_CONTEXT)
    if at_tick == value:
        return fixed(value, decimals)
    whole, _, frac = fixed(value, decimals + AVERAGE_EXTRA_DECIMALS).partition(".")
    # Never fewer decimals than the tick has: "30000.1" for a 2-decimal tick would read as a
    # different level to clients that compare strings (pybit, rule 13).
    frac = frac.rstrip("0").ljust(decimals, "0")
    return f"{whole}.{frac}" if frac else whole


def size(inst: Instrument, value: Decimal) -> str:
    """A size at the instrument's lot decimals (rule 13: bid and ask sizes share decimals)."""
    return fixed(value, inst.size_precision)


def money(value: Decimal) -> str:
    """A money amount (fee, balance, PnL, value) at 8 decimals, trimmed."""
    return trimmed(value, MONEY_DECIMALS)


def rate(value: Decimal) -> str:
    """A fee rate, funding rate or percentage change, trimmed."""
    return trimmed(value, RATE_DECIMALS)


def ms(ns: int) -> int:
    """Venue nanoseconds as integer milliseconds (``ts``, ``T``, ``creationTime``…)."""
    return ns // NS_PER_MS


def ms_str(ns: int) -> str:
    """Venue nanoseconds as a millisecond string (``createdTime``, ``execTime``…, Appendix A)."""
    return str(ns // NS_PER_MS)
