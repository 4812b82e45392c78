"""Value objects: Price, Quantity, Money and Currency, fixed-precision and Decimal-based.

A value carries its precision (decimal places). Building one with more decimal places than its
precision raises :class:`PrecisionError` instead of rounding; ``from_str`` infers the precision
from the text, and instruments' ``make_price``/``make_qty`` round explicitly to their increments.

Arithmetic rules (the same for Price, Quantity and Money):

- ``a + b`` and ``a - b`` of the same type give that type at ``max(a.precision, b.precision)``
  (Quantity refuses a negative result; Money refuses mixed currencies);
- anything else (``*``, ``/``, mixing with ``int``/``Decimal``) gives a plain ``Decimal``;
- ``float`` operands are refused: binary floats are how precision is lost.

Equality and ordering compare the numeric value, so ``Price.from_str("1.0") == Price.from_str("1.00")``.

Speed: text already written at the precision (``Price("87480.10", 2)``, how venues send prices)
is recognised by a precompiled pattern and taken as is; everything else gets the full check, so
both paths give identical values and the same refusals.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar, Self

from adapters.model._canonical import canonical_patterns
from adapters.model.errors import ModelValueError, PrecisionError

__all__ = [
    "MAX_PRECISION",
    "Currency",
    "CurrencyType",
    "Money",
    "Price",
    "Quantity",
]

MAX_PRECISION = 16
"""Most decimal places any value may carry (NautilusTrader's high-precision limit)."""

_Number = Decimal | int | str


def _to_decimal(value: object, type_name: str) -> Decimal:
    """Convert ``value`` exactly to a finite Decimal, refusing floats and non-numbers."""
    if isinstance(value, bool):
        raise ModelValueError(f"{type_name} does not take a bool, got {value!r}")
    if isinstance(value, float):
        raise ModelValueError(
            f"{type_name} does not take a float ({value!r}): floats are inexact; "
            f"pass a str or Decimal, e.g. {type_name}.from_str({str(value)!r})"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ModelValueError(f"{type_name} needs a decimal number, got {value!r}") from None
    else:
        raise ModelValueError(
            f"{type_name} takes a str, int or Decimal, got {type(value).__name__} {value!r}"
        )
    if not result.is_finite():
        raise ModelValueError(f"{type_name} needs a finite number, got {value!r}")
    return result


def _places(value: Decimal) -> int:
    """Decimal places a Decimal is written with (``Decimal('1.50')`` -> 2, ``Decimal('1E+2')`` -> 0)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only reach here
    return max(0, -exponent)


def _check_precision(precision: object, type_name: str) -> int:
    if isinstance(precision, bool) or not isinstance(precision, int):
        raise ModelValueError(f"{type_name} precision must be an int, got {precision!r}")
    if not 0 <= precision <= MAX_PRECISION:
        raise ModelValueError(f"{type_name} precision must be 0..{MAX_PRECISION}, got {precision}")
    return precision


# Keyed by precision 0..MAX_PRECISION; any other precision finds nothing and takes the full check.
_CANONICAL_PRICE = canonical_patterns(MAX_PRECISION, signed=True)
_CANONICAL_QUANTITY = canonical_patterns(MAX_PRECISION, signed=False)  # "-0" and negatives: full check


def _fixed(value: object, precision: int | None, type_name: str) -> tuple[Decimal, int]:
    """Validate ``value`` against ``precision`` (inferred when None) and quantize it."""
    dec = _to_decimal(value, type_name)
    # normalize() drops trailing zeros, so "1.500" fits precision 1 but "1.55" does not.
    needed = _places(dec.normalize()) if dec else 0
    if precision is None:
        precision = _places(dec)
        if precision > MAX_PRECISION:
            raise PrecisionError(
                f"{type_name} {value!r} has {precision} decimal places, more than the maximum "
                f"{MAX_PRECISION}; round it first"
            )
    precision = _check_precision(precision, type_name)
    if needed > precision:
        raise PrecisionError(
            f"{type_name} {str(dec)!r} has {needed} decimal places but precision is {precision}; "
            f"round it to the instrument's increment first (instrument.make_price / make_qty), "
            f"or pass a precision of at least {needed}"
        )
    return dec.quantize(Decimal(1).scaleb(-precision)), precision


class _Fixed:
    """Shared behaviour of Price and Quantity: comparison, hashing, arithmetic, formatting."""

    __slots__ = ()
    value: Decimal
    precision: int

    def as_decimal(self) -> Decimal:
        """The exact value as a Decimal with ``precision`` places."""
        return self.value

    def as_double(self) -> float:
        """The value as a float (lossy; for display and statistics only)."""
        return float(self.value)

    def __str__(self) -> str:
        return f"{self.value:f}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, {self.precision})"

    def __format__(self, spec: str) -> str:
        return format(self.value, spec) if spec else str(self)

    @staticmethod
    def _other(other: object) -> Decimal | None:
        if isinstance(other, _Fixed):
            return other.value
        if isinstance(other, Decimal | int) and not isinstance(other, bool):
            return Decimal(other)
        return None

    def __eq__(self, other: object) -> bool:
        value = self._other(other)
        return NotImplemented if value is None else self.value == value

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: object) -> bool:
        value = self._other(other)
        return NotImplemented if value is None else self.value < value

    def __le__(self, other: object) -> bool:
        value = self._other(other)
        return NotImplemented if value is None else self.value <= value

    def __gt__(self, other: object) -> bool:
        value = self._other(other)
        return NotImplemented if value is None else self.value > value

    def __ge__(self, other: object) -> bool:
        value = self._other(other)
        return NotImplemented if value is None else self.value >= value

    def __bool__(self) -> bool:
        return bool(self.value)

    def _same(self, other: object, op: str) -> Self | Decimal:
        if type(other) is type(self):
            assert isinstance(other, _Fixed)
            precision = max(self.precision, other.precision)
            result = self.value + other.value if op == "+" else self.value - other.value
            return type(self)(result, precision)  # type: ignore[call-arg]
        value = self._other(other)
        if value is None:
            return NotImplemented
        return self.value + value if op == "+" else self.value - value

    def __add__(self, other: object) -> Self | Decimal:
        return self._same(other, "+")

    def __radd__(self, other: object) -> Decimal:
        value = self._other(other)
        return NotImplemented if value is None else value + self.value

    def __sub__(self, other: object) -> Self | Decimal:
        return self._same(other, "-")

    def __rsub__(self, other: object) -> Decimal:
        value = self._other(other)
        return NotImplemented if value is None else value - self.value

    def __mul__(self, other: object) -> Decimal:
        value = self._other(other)
        return NotImplemented if value is None else self.value * value

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Decimal:
        value = self._other(other)
        return NotImplemented if value is None else self.value / value

    def __rtruediv__(self, other: object) -> Decimal:
        value = self._other(other)
        return NotImplemented if value is None else value / self.value

    def __neg__(self) -> Decimal:
        return -self.value


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Price(_Fixed):
    """A price with a fixed number of decimal places; may be negative (spreads, some options).

    ``Price("100.50", 2)``; ``Price("100.505", 2)`` raises :class:`PrecisionError`;
    ``Price.from_str("100.50")`` infers precision 2; ``Price("100.5")`` infers 1.
    """

    value: Decimal
    precision: int

    def __init__(self, value: _Number, precision: int | None = None) -> None:
        """Build a price.

        Args:
            value: a str, int or Decimal (floats are refused as inexact).
            precision: decimal places; inferred from ``value`` when omitted.

        Raises:
            PrecisionError: ``value`` has more decimal places than ``precision``.
            ModelValueError: ``value`` is not a finite number or precision is out of range.
        """
        if type(value) is str and type(precision) is int:
            pattern = _CANONICAL_PRICE.get(precision)
            if pattern is not None and pattern.fullmatch(value):
                # The slots' own setters: a frozen dataclass refuses plain assignment, and they
                # are cheaper than object.__setattr__ on this hot path.
                _set_price_value(self, Decimal(value))
                _set_price_precision(self, precision)
                return
        dec, precision = _fixed(value, precision, "Price")
        _set_price_value(self, dec)
        _set_price_precision(self, precision)

    @classmethod
    def from_str(cls, value: str) -> Price:
        """Parse a price, its precision being the decimal places written (``"100.50"`` -> 2)."""
        return cls(value)

    @classmethod
    def from_int(cls, value: int) -> Price:
        """A whole-number price of precision 0."""
        return cls(value, 0)

    @staticmethod
    def from_wire(text: str, precision: int) -> Price:
        """``Price(text, precision)``, cheaper for text a venue sends (``"87480.10"`` at 2).

        Same value and same refusals as the constructor; text already written with exactly
        ``precision`` places skips the constructor's call overhead as well as the full check
        (stream parsers build one per price level). Always builds a ``Price``.

        Raises:
            PrecisionError, ModelValueError: as ``Price(text, precision)``.
        """
        pattern = _CANONICAL_PRICE.get(precision) if type(text) is str and type(precision) is int else None
        if pattern is None or not pattern.fullmatch(text):
            return Price(text, precision)
        price = object.__new__(_PriceTwin)
        price.value = Decimal(text)
        price.precision = precision
        price.__class__ = Price  # type: ignore[assignment]  # same layout, see _PriceTwin
        return price  # type: ignore[return-value]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Quantity(_Fixed):
    """A non-negative quantity with a fixed number of decimal places.

    ``Quantity("0.001", 3)``; ``Quantity("-1")`` and ``Quantity("0.0015", 3)`` raise.
    """

    value: Decimal
    precision: int

    def __init__(self, value: _Number, precision: int | None = None) -> None:
        """Build a quantity.

        Args:
            value: a non-negative str, int or Decimal (floats are refused as inexact).
            precision: decimal places; inferred from ``value`` when omitted.

        Raises:
            PrecisionError: ``value`` has more decimal places than ``precision``.
            ModelValueError: ``value`` is negative or not a finite number.
        """
        if type(value) is str and type(precision) is int:
            pattern = _CANONICAL_QUANTITY.get(precision)
            if pattern is not None and pattern.fullmatch(value):
                _set_quantity_value(self, Decimal(value))
                _set_quantity_precision(self, precision)
                return
        dec, precision = _fixed(value, precision, "Quantity")
        if dec < 0:
            raise ModelValueError(
                f"Quantity must not be negative, got {str(dec)!r}; express direction with the order side"
            )
        _set_quantity_value(self, dec + 0)  # + 0 turns -0 into 0
        _set_quantity_precision(self, precision)

    @classmethod
    def from_str(cls, value: str) -> Quantity:
        """Parse a quantity, its precision being the decimal places written (``"0.010"`` -> 3)."""
        return cls(value)

    @classmethod
    def from_int(cls, value: int) -> Quantity:
        """A whole-number quantity of precision 0."""
        return cls(value, 0)

    @classmethod
    def zero(cls, precision: int = 0) -> Quantity:
        """Zero at the given precision."""
        return cls(0, precision)

    @staticmethod
    def from_wire(text: str, precision: int) -> Quantity:
        """``Quantity(text, precision)``, cheaper for text a venue sends (``"0.030"`` at 3).

        Same value and same refusals as the constructor (see :meth:`Price.from_wire`).

        Raises:
            PrecisionError, ModelValueError: as ``Quantity(text, precision)``.
        """
        pattern = _CANONICAL_QUANTITY.get(precision) if type(text) is str and type(precision) is int else None
        if pattern is None or not pattern.fullmatch(text):
            return Quantity(text, precision)
        qty = object.__new__(_QuantityTwin)
        qty.value = Decimal(text)
        qty.precision = precision
        qty.__class__ = Quantity  # type: ignore[assignment]  # same layout, see _QuantityTwin
        return qty  # type: ignore[return-value]


# Price's and Quantity's slot layouts without the frozen ``__setattr__``, for ``from_wire``: an
# instance is filled with plain attribute stores (the interpreter's cheapest), then becomes a
# Price/Quantity by ``__class__`` assignment, which CPython allows between classes of the same
# base and slots.
class _PriceTwin(_Fixed):
    __slots__ = ("precision", "value")


class _QuantityTwin(_Fixed):
    __slots__ = ("precision", "value")


# The slots' descriptors fill the frozen classes in their constructors.
_set_price_value = Price.__dict__["value"].__set__
_set_price_precision = Price.__dict__["precision"].__set__
_set_quantity_value = Quantity.__dict__["value"].__set__
_set_quantity_precision = Quantity.__dict__["precision"].__set__


class CurrencyType(enum.Enum):
    """Kind of currency, as in NautilusTrader."""

    CRYPTO = 1
    FIAT = 2
    COMMODITY_BACKED = 3

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"


@dataclass(frozen=True, slots=True)
class Currency:
    """A currency: code, precision (decimal places of its amounts), ISO 4217 number, name, type."""

    code: str
    precision: int
    iso4217: int
    name: str
    currency_type: CurrencyType

    # Known currencies by code; anything else from_str builds as an 8-decimal crypto.
    _REGISTRY: ClassVar[dict[str, Currency]] = {}

    def __post_init__(self) -> None:
        """Validate the fields.

        Raises:
            ModelValueError: empty/whitespace code or precision out of range.
        """
        if not isinstance(self.code, str) or not self.code or self.code != self.code.strip():
            raise ModelValueError(f"Currency code must be a non-empty string, got {self.code!r}")
        _check_precision(self.precision, f"Currency {self.code}")

    @classmethod
    def from_str(cls, code: str, *, strict: bool = False) -> Currency:
        """Look a currency up by code (``"USDT"``).

        Args:
            code: the currency code.
            strict: refuse unknown codes instead of building an 8-decimal crypto currency.

        Raises:
            ModelValueError: unknown code with ``strict``, or an empty code.
        """
        known = cls._REGISTRY.get(code)
        if known is not None:
            return known
        if strict:
            raise ModelValueError(
                f"unknown currency {code!r}; register it with Currency.register(Currency(...)) "
                f"or call from_str(..., strict=False)"
            )
        return cls(code, 8, 0, code, CurrencyType.CRYPTO)

    @classmethod
    def register(cls, currency: Currency) -> None:
        """Make ``currency`` what ``from_str`` returns for its code (replaces an earlier one)."""
        cls._REGISTRY[currency.code] = currency

    def __str__(self) -> str:
        return self.code


for _c in (
    Currency("BTC", 8, 0, "Bitcoin", CurrencyType.CRYPTO),
    Currency("ETH", 8, 0, "Ether", CurrencyType.CRYPTO),
    Currency("SOL", 8, 0, "Solana", CurrencyType.CRYPTO),
    Currency("XRP", 6, 0, "Ripple", CurrencyType.CRYPTO),
    Currency("USDT", 8, 0, "Tether", CurrencyType.CRYPTO),
    Currency("USDC", 8, 0, "USD Coin", CurrencyType.CRYPTO),
    Currency("USD", 2, 840, "United States dollar", CurrencyType.FIAT),
    Currency("EUR", 2, 978, "Euro", CurrencyType.FIAT),
):
    Currency.register(_c)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Money(_Fixed):
    """An amount of a currency, at the currency's precision; may be negative (PnL, rebates).

    ``Money("1.5", Currency.from_str("USDT"))``; ``Money.from_str("1.50 USDT")``.
    """

    value: Decimal
    currency: Currency

    def __init__(self, value: _Number, currency: Currency) -> None:
        """Build an amount.

        Args:
            value: a str, int or Decimal, with at most ``currency.precision`` decimal places.
            currency: the currency.

        Raises:
            PrecisionError: more decimal places than the currency's precision.
            ModelValueError: not a finite number, or ``currency`` is not a Currency.
        """
        if not isinstance(currency, Currency):
            raise ModelValueError(f"Money needs a Currency, got {currency!r}; use Currency.from_str('USDT')")
        dec, _ = _fixed(value, currency.precision, f"Money ({currency.code})")
        object.__setattr__(self, "value", dec)
        object.__setattr__(self, "currency", currency)

    @property
    def precision(self) -> int:  # type: ignore[override]
        """The currency's precision."""
        return self.currency.precision

    @classmethod
    def from_str(cls, value: str) -> Money:
        """Parse ``"<amount> <CODE>"``, e.g. ``"1.50 USDT"``.

        Raises:
            ModelValueError: not two space-separated parts.
        """
        parts = value.split()
        if len(parts) != 2:
            raise ModelValueError(
                f"Money string must be '<amount> <CURRENCY>', e.g. '1.50 USDT', got {value!r}"
            )
        return cls(parts[0], Currency.from_str(parts[1]))

    def _same(self, other: object, op: str) -> Money | Decimal:
        if isinstance(other, Money):
            if other.currency != self.currency:
                raise ModelValueError(
                    f"cannot combine {self.currency.code} and {other.currency.code} amounts; convert first"
                )
            return Money(self.value + other.value if op == "+" else self.value - other.value, self.currency)
        return _Fixed._same(self, other, op)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Money):
            return self.currency == other.currency and self.value == other.value
        return _Fixed.__eq__(self, other)

    def __hash__(self) -> int:
        return hash((self.value, self.currency.code))

    def __neg__(self) -> Money:  # type: ignore[override]
        return Money(-self.value, self.currency)

    def __str__(self) -> str:
        return f"{self.value:f} {self.currency.code}"

    def __repr__(self) -> str:
        return f"Money({f'{self.value:f}'!r}, {self.currency!r})"
