"""Instruments: what can be traded and its rules (increments, limits, fees), as in NautilusTrader.

``CurrencyPair`` (spot), ``CryptoPerpetual`` (linear or inverse swap), ``CryptoFuture`` (dated,
linear or inverse) and ``CryptoOption``. Each carries its price/size increments and precisions,
quantity and notional limits, fees, multiplier and, where relevant, activation/expiry, strike and
option kind. ``make_price``/``make_qty`` are the sanctioned way to round raw numbers onto them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import ClassVar

from adapters.model._checks import check_ts, check_type
from adapters.model.enums import AssetClass, InstrumentClass, OptionKind
from adapters.model.errors import ModelValueError
from adapters.model.identifiers import InstrumentId, Symbol
from adapters.model.objects import Currency, Money, Price, Quantity

__all__ = ["CryptoFuture", "CryptoOption", "CryptoPerpetual", "CurrencyPair", "Instrument"]

_NumberIn = Decimal | int | str
_ONE = Quantity(1, 0)  # a module constant: Quantity is immutable, so sharing the default is safe


@dataclass(frozen=True, slots=True, kw_only=True)
class Instrument:
    """Fields every instrument has. Use a concrete subclass.

    ``price_increment`` must be written with ``price_precision`` decimal places and
    ``size_increment`` with ``size_precision`` (e.g. tick ``0.10`` and precision 2).
    """

    instrument_id: InstrumentId
    raw_symbol: Symbol
    quote_currency: Currency
    price_precision: int
    size_precision: int
    price_increment: Price
    size_increment: Quantity
    ts_event: int
    ts_init: int
    multiplier: Quantity = _ONE
    lot_size: Quantity | None = None
    max_quantity: Quantity | None = None
    min_quantity: Quantity | None = None
    max_notional: Money | None = None
    min_notional: Money | None = None
    max_price: Price | None = None
    min_price: Price | None = None
    margin_init: Decimal = Decimal(0)
    margin_maint: Decimal = Decimal(0)
    maker_fee: Decimal = Decimal(0)
    taker_fee: Decimal = Decimal(0)

    asset_class: ClassVar[AssetClass] = AssetClass.CRYPTOCURRENCY
    instrument_class: ClassVar[InstrumentClass]

    def __post_init__(self) -> None:
        """Check types and that increments agree with precisions and are positive.

        Raises:
            ModelValueError: a field has the wrong type, an increment is not positive or is not
                written at its precision, or min/max limits are inverted.
        """
        name = type(self).__name__
        check_type(name, "instrument_id", self.instrument_id, InstrumentId)
        check_type(name, "raw_symbol", self.raw_symbol, Symbol)
        check_type(name, "quote_currency", self.quote_currency, Currency)
        check_type(name, "price_increment", self.price_increment, Price)
        check_type(name, "size_increment", self.size_increment, Quantity)
        check_type(name, "multiplier", self.multiplier, Quantity)
        check_ts(name, ts_event=self.ts_event, ts_init=self.ts_init)
        if self.price_increment.precision != self.price_precision:
            raise ModelValueError(
                f"{name} {self.instrument_id}: price_increment {self.price_increment} has precision "
                f"{self.price_increment.precision} but price_precision is {self.price_precision}; "
                f"build it as Price('{self.price_increment}', {self.price_precision})"
            )
        if self.size_increment.precision != self.size_precision:
            raise ModelValueError(
                f"{name} {self.instrument_id}: size_increment {self.size_increment} has precision "
                f"{self.size_increment.precision} but size_precision is {self.size_precision}; "
                f"build it as Quantity('{self.size_increment}', {self.size_precision})"
            )
        if self.price_increment <= 0 or self.size_increment <= 0 or self.multiplier <= 0:
            raise ModelValueError(
                f"{name} {self.instrument_id}: price_increment, size_increment and multiplier must be "
                f"positive, got {self.price_increment}, {self.size_increment}, {self.multiplier}"
            )
        for lo, hi in (("min_quantity", "max_quantity"), ("min_price", "max_price")):
            low, high = getattr(self, lo), getattr(self, hi)
            if low is not None and high is not None and low > high:
                raise ModelValueError(f"{name} {self.instrument_id}: {lo} {low} exceeds {hi} {high}")
        for fee in ("margin_init", "margin_maint", "maker_fee", "taker_fee"):
            check_type(name, fee, getattr(self, fee), Decimal)

    @property
    def id(self) -> InstrumentId:
        """Alias of ``instrument_id`` (NautilusTrader's ``Instrument.id``)."""
        return self.instrument_id

    @property
    def is_inverse(self) -> bool:
        """Whether contracts are quoted in the quote currency but settled in the base (coin-margined)."""
        return False

    @property
    def settlement_currency(self) -> Currency:
        """The currency the instrument settles in (the quote currency unless overridden)."""
        return self.quote_currency

    def make_price(self, value: _NumberIn | float, *, rounding: str = ROUND_HALF_EVEN) -> Price:
        """Round ``value`` to the nearest multiple of ``price_increment``.

        Args:
            value: the raw price (floats are accepted here: this is the explicit rounding step).
            rounding: a ``decimal`` rounding mode (default banker's rounding).
        """
        return Price(_round_to(value, self.price_increment.value, rounding), self.price_precision)

    def make_qty(self, value: _NumberIn | float, *, round_down: bool = False) -> Quantity:
        """Round ``value`` to a multiple of ``size_increment`` (down when ``round_down``).

        Raises:
            ModelValueError: the value is negative.
        """
        rounding = ROUND_DOWN if round_down else ROUND_HALF_EVEN
        return Quantity(_round_to(value, self.size_increment.value, rounding), self.size_precision)

    def notional_value(self, quantity: Quantity, price: Price) -> Money:
        """The notional of ``quantity`` contracts at ``price``, in the settlement currency when inverse.

        Linear: ``quantity * multiplier * price`` in the quote currency. Inverse:
        ``quantity * multiplier / price`` in the settlement (base) currency.
        """
        if self.is_inverse:
            amount = quantity.value * self.multiplier.value / price.value
            currency = self.settlement_currency
        else:
            amount = quantity.value * self.multiplier.value * price.value
            currency = self.quote_currency
        step = Decimal(1).scaleb(-currency.precision)
        return Money(amount.quantize(step, rounding=ROUND_HALF_EVEN), currency)


def _round_to(value: _NumberIn | float, increment: Decimal, rounding: str) -> Decimal:
    dec = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return (dec / increment).quantize(Decimal(1), rounding=rounding) * increment


@dataclass(frozen=True, slots=True, kw_only=True)
class CurrencyPair(Instrument):
    """A spot pair, e.g. BTC/USDT: buy the base currency with the quote currency."""

    base_currency: Currency
    instrument_class: ClassVar[InstrumentClass] = InstrumentClass.SPOT


@dataclass(frozen=True, slots=True, kw_only=True)
class CryptoPerpetual(Instrument):
    """A perpetual swap; ``is_inverse`` when coin-margined (e.g. BTCUSD settled in BTC)."""

    base_currency: Currency
    settlement_currency: Currency  # type: ignore[assignment]
    is_inverse: bool  # type: ignore[assignment]
    instrument_class: ClassVar[InstrumentClass] = InstrumentClass.SWAP


@dataclass(frozen=True, slots=True, kw_only=True)
class CryptoFuture(Instrument):
    """A dated future on ``underlying``; active from ``activation_ns`` to ``expiration_ns``."""

    underlying: Currency
    settlement_currency: Currency  # type: ignore[assignment]
    is_inverse: bool  # type: ignore[assignment]
    activation_ns: int
    expiration_ns: int
    instrument_class: ClassVar[InstrumentClass] = InstrumentClass.FUTURE

    def __post_init__(self) -> None:
        """Also check the activation/expiry window.

        Raises:
            ModelValueError: negative stamps or expiry not after activation.
        """
        Instrument.__post_init__(self)
        _check_window(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class CryptoOption(Instrument):
    """An option of ``option_kind`` on ``underlying`` at ``strike_price``, expiring at ``expiration_ns``."""

    underlying: Currency
    settlement_currency: Currency  # type: ignore[assignment]
    is_inverse: bool  # type: ignore[assignment]
    option_kind: OptionKind
    strike_price: Price
    activation_ns: int
    expiration_ns: int
    instrument_class: ClassVar[InstrumentClass] = InstrumentClass.OPTION

    def __post_init__(self) -> None:
        """Also check the option fields and the activation/expiry window.

        Raises:
            ModelValueError: wrong option kind or strike type, non-positive strike, bad window.
        """
        Instrument.__post_init__(self)
        check_type("CryptoOption", "option_kind", self.option_kind, OptionKind)
        check_type("CryptoOption", "strike_price", self.strike_price, Price)
        if self.strike_price <= 0:
            raise ModelValueError(f"CryptoOption {self.instrument_id}: strike_price must be positive")
        _check_window(self)


def _check_window(inst: CryptoFuture | CryptoOption) -> None:
    name = type(inst).__name__
    check_ts(name, activation_ns=inst.activation_ns, expiration_ns=inst.expiration_ns)
    if inst.expiration_ns <= inst.activation_ns:
        raise ModelValueError(
            f"{name} {inst.instrument_id}: expiration_ns {inst.expiration_ns} must be after "
            f"activation_ns {inst.activation_ns}"
        )
