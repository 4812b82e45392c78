"""Instrument definitions and their contract math.

An :class:`Instrument` is immutable: what can change during a session (status, last, mark and
index prices, funding rate) lives in :class:`simulator.core.market.MarketState`.

Contract math, in the settle coin:

* spot, linear contracts and options: ``value = price * qty * contract_size``;
* inverse contracts (quantity in contracts of ``contract_size`` quote units, settled in the base
  coin): ``value = qty * contract_size / price``.

Profit of a long position closed at ``exit`` after entering at ``entry``:

* linear: ``qty * contract_size * (exit - entry)``;
* inverse: ``qty * contract_size * (1/entry - 1/exit)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from simulator.core.enums import InstrumentKind, OptionKind

__all__ = ["MARKET_OF_KIND", "Instrument"]

#: The family a kind of instrument belongs to; also the prefix of its default id.
MARKET_OF_KIND: dict[InstrumentKind, str] = {
    InstrumentKind.SPOT: "spot",
    InstrumentKind.LINEAR_PERPETUAL: "linear",
    InstrumentKind.LINEAR_FUTURE: "linear",
    InstrumentKind.INVERSE_PERPETUAL: "inverse",
    InstrumentKind.INVERSE_FUTURE: "inverse",
    InstrumentKind.OPTION: "option",
}

_ZERO = Decimal(0)
_ONE = Decimal(1)


def _decimals(step: Decimal) -> int:
    # The written form counts: "0.10" is two decimals on the wire even though it equals 0.1.
    exponent = step.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


@dataclass(frozen=True, slots=True, kw_only=True)
class Instrument:
    """A tradable instrument.

    ``id`` is unique within an exchange; by default ``"<market>:<symbol>"`` (``"linear:BTCUSDT"``)
    because venues reuse one symbol across markets (spot and linear ``BTCUSDT``).
    """

    symbol: str
    kind: InstrumentKind
    base: str
    quote: str
    settle: str
    tick_size: Decimal
    lot_size: Decimal
    min_qty: Decimal
    max_qty: Decimal
    min_notional: Decimal = _ZERO
    contract_size: Decimal = _ONE
    maker_fee: Decimal = Decimal("0.0002")
    taker_fee: Decimal = Decimal("0.00055")
    max_leverage: Decimal = Decimal(100)
    default_leverage: Decimal = Decimal(10)
    maintenance_margin_rate: Decimal = Decimal("0.005")
    activation_ns: int | None = None
    expiry_ns: int | None = None
    strike: Decimal | None = None
    option_kind: OptionKind | None = None
    funding_interval_s: int = 8 * 3600
    id: str = ""
    price_precision: int = field(init=False)
    size_precision: int = field(init=False)
    # Derived from ``kind`` once, because the matching hot path reads them on every fill.
    market: str = field(init=False)
    is_spot: bool = field(init=False)
    is_derivative: bool = field(init=False)
    is_inverse: bool = field(init=False)
    is_option: bool = field(init=False)
    is_perpetual: bool = field(init=False)
    is_dated: bool = field(init=False)

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", f"{MARKET_OF_KIND[self.kind]}:{self.symbol}")
        kind = self.kind
        derived = {
            "market": MARKET_OF_KIND[kind],
            "is_spot": kind is InstrumentKind.SPOT,
            "is_derivative": kind is not InstrumentKind.SPOT,
            "is_inverse": kind in (InstrumentKind.INVERSE_PERPETUAL, InstrumentKind.INVERSE_FUTURE),
            "is_option": kind is InstrumentKind.OPTION,
            "is_perpetual": kind in (InstrumentKind.LINEAR_PERPETUAL, InstrumentKind.INVERSE_PERPETUAL),
            "is_dated": kind
            in (InstrumentKind.LINEAR_FUTURE, InstrumentKind.INVERSE_FUTURE, InstrumentKind.OPTION),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "price_precision", _decimals(self.tick_size))
        object.__setattr__(self, "size_precision", _decimals(self.lot_size))
        problems = self._problems()
        if problems:
            raise ValueError(f"instrument {self.id}: " + "; ".join(problems))

    def _problems(self) -> list[str]:
        problems = []
        for name in ("tick_size", "lot_size", "contract_size"):
            if not getattr(self, name) > 0:
                problems.append(f"{name} must be positive")
        if not self.min_qty > 0 or self.max_qty < self.min_qty:
            problems.append("need 0 < min_qty <= max_qty")
        if self.settle not in (self.base, self.quote):
            problems.append(f"settle coin {self.settle} must be the base or the quote coin")
        if self.kind is InstrumentKind.OPTION and (self.strike is None or self.option_kind is None):
            problems.append("an option needs a strike and an option_kind")
        if self.is_dated and self.expiry_ns is None:
            problems.append("a dated future or option needs expiry_ns")
        if not Decimal(1) <= self.default_leverage <= self.max_leverage:
            problems.append("need 1 <= default_leverage <= max_leverage")
        return problems

    # -- contract math ---------------------------------------------------------------------

    def value(self, price: Decimal, qty: Decimal) -> Decimal:
        """Notional of ``qty`` at ``price``, in the settle coin (quote coin for spot)."""
        if self.is_inverse:
            return qty * self.contract_size / price
        return price * qty * self.contract_size

    def pnl(self, sign: int, entry: Decimal, exit_price: Decimal, qty: Decimal) -> Decimal:
        """Profit of closing ``qty`` of a position of direction ``sign`` (+1 long, -1 short)."""
        if self.is_inverse:
            return sign * qty * self.contract_size * (1 / entry - 1 / exit_price)
        return sign * qty * self.contract_size * (exit_price - entry)

    def average_entry(self, qty_a: Decimal, price_a: Decimal, qty_b: Decimal, price_b: Decimal) -> Decimal:
        """Entry price of a position grown from ``qty_a @ price_a`` by ``qty_b @ price_b``.

        Linear contracts average prices by quantity; inverse contracts average harmonically, so
        that the position's value in the settle coin is the sum of its parts.
        """
        if self.is_inverse:
            return (qty_a + qty_b) / (qty_a / price_a + qty_b / price_b)
        return (qty_a * price_a + qty_b * price_b) / (qty_a + qty_b)

    def intrinsic_value(self, underlying: Decimal) -> Decimal:
        """Option payoff per unit at ``underlying`` (zero for anything but options)."""
        if self.strike is None or self.option_kind is None:
            return _ZERO
        if self.option_kind is OptionKind.CALL:
            return max(_ZERO, underlying - self.strike)
        return max(_ZERO, self.strike - underlying)

    def price_of(self, ticks: int) -> Decimal:
        return self.tick_size * ticks

    def qty_of(self, lots: int) -> Decimal:
        return self.lot_size * lots
