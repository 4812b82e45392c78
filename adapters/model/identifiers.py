"""Identifiers: small immutable string wrappers, named and shaped as in NautilusTrader.

Each identifier is a frozen, slotted dataclass around one non-empty string; ``str(x)`` gives
the string, ``repr(x)`` pastes back into Python (``Venue('BYBIT')``). Distinct classes keep a
client order id from being passed where a venue order id is expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from adapters.model._unchecked import with_unchecked
from adapters.model.errors import ModelValueError

__all__ = [
    "AccountId",
    "ClientId",
    "ClientOrderId",
    "Identifier",
    "InstrumentId",
    "OrderListId",
    "PositionId",
    "StrategyId",
    "Symbol",
    "TradeId",
    "TraderId",
    "Venue",
    "VenueOrderId",
]


@dataclass(frozen=True, slots=True, order=True)
class Identifier:
    """Base of the string identifiers: a non-empty string without surrounding whitespace."""

    value: str

    # Subclasses that need a structural check (e.g. "ISSUER-TAG") set a separator to require.
    _required_separator: ClassVar[str | None] = None

    def __post_init__(self) -> None:
        """Validate the string.

        Raises:
            ModelValueError: when it is not a string, is empty, or has surrounding whitespace.
        """
        value = self.value
        sep = self._required_separator
        # One cheap test for the usual case (trade ids arrive by the thousand a second); the
        # names for the messages are only worked out on failure.
        if type(value) is str and value and value == value.strip() and (sep is None or sep in value):
            return
        name = type(self).__name__
        if not isinstance(value, str):
            raise ModelValueError(f"{name} takes a str, got {type(value).__name__} {value!r}")
        if not value or value != value.strip():
            raise ModelValueError(
                f"{name} must be a non-empty string without surrounding whitespace, got {value!r}"
            )
        if sep is not None and sep not in value:
            raise ModelValueError(f"{name} must contain {sep!r} (e.g. 'TRADER-001'), got {value!r}")

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"


@dataclass(frozen=True, slots=True, order=True, repr=False)
class Venue(Identifier):
    """A trading venue, e.g. ``Venue('BYBIT')``."""


@dataclass(frozen=True, slots=True, order=True, repr=False)
class Symbol(Identifier):
    """A venue's instrument symbol; adapters may suffix the product, e.g. ``'BTCUSDT-LINEAR'``."""


@dataclass(frozen=True, slots=True, order=True)
class InstrumentId:
    """An instrument, globally: a symbol at a venue. ``str`` form is ``"SYMBOL.VENUE"``."""

    symbol: Symbol
    venue: Venue

    def __post_init__(self) -> None:
        """Check the parts' types.

        Raises:
            ModelValueError: when symbol or venue is not the identifier type.
        """
        if not isinstance(self.symbol, Symbol) or not isinstance(self.venue, Venue):
            raise ModelValueError(
                "InstrumentId takes a Symbol and a Venue; for a string use "
                f"InstrumentId.from_str('BTCUSDT-LINEAR.BYBIT'), got {self.symbol!r}, {self.venue!r}"
            )

    @classmethod
    def from_str(cls, value: str) -> InstrumentId:
        """Parse ``"SYMBOL.VENUE"``; the venue is the part after the last dot.

        Args:
            value: e.g. ``"BTCUSDT-LINEAR.BYBIT"`` (symbols may themselves contain dots).

        Raises:
            ModelValueError: when there is no dot or either side is empty.
        """
        if not isinstance(value, str):
            raise ModelValueError(f"InstrumentId.from_str takes a str, got {type(value).__name__}")
        symbol, dot, venue = value.rpartition(".")
        if not dot or not symbol or not venue:
            raise ModelValueError(
                f"InstrumentId string must be 'SYMBOL.VENUE' (e.g. 'BTCUSDT-LINEAR.BYBIT'), got {value!r}"
            )
        return cls(Symbol(symbol), Venue(venue))

    @property
    def value(self) -> str:
        """The ``"SYMBOL.VENUE"`` string."""
        return f"{self.symbol.value}.{self.venue.value}"

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"InstrumentId.from_str({self.value!r})"


@dataclass(frozen=True, slots=True, order=True, repr=False)
class ClientOrderId(Identifier):
    """The order id the client chose (Bybit's ``orderLinkId``)."""


@dataclass(frozen=True, slots=True, order=True, repr=False)
class VenueOrderId(Identifier):
    """The order id the venue assigned (Bybit's ``orderId``)."""


@dataclass(frozen=True, slots=True, order=True, repr=False)
class OrderListId(Identifier):
    """Identifies a list of orders submitted together."""


@with_unchecked
@dataclass(frozen=True, slots=True, order=True, repr=False)
class TradeId(Identifier):
    """The venue's id of one trade (execution).

    ``TradeId.unchecked(value)`` skips the check, for stream parsers that checked ``value`` is
    a non-empty str without surrounding whitespace themselves.
    """


@dataclass(frozen=True, slots=True, order=True, repr=False)
class AccountId(Identifier):
    """An account, as ``"ISSUER-NUMBER"``, e.g. ``AccountId('BYBIT-UNIFIED')``."""

    _required_separator: ClassVar[str | None] = "-"


@dataclass(frozen=True, slots=True, order=True, repr=False)
class PositionId(Identifier):
    """A position, e.g. ``PositionId('BTCUSDT-LINEAR.BYBIT-LONG')``."""


@dataclass(frozen=True, slots=True, order=True, repr=False)
class TraderId(Identifier):
    """The trader (node) issuing commands, as ``"NAME-TAG"``, e.g. ``TraderId('TRADER-001')``."""

    _required_separator: ClassVar[str | None] = "-"


@dataclass(frozen=True, slots=True, order=True, repr=False)
class StrategyId(Identifier):
    """The strategy issuing commands, e.g. ``StrategyId('S-001')`` or ``StrategyId('EXTERNAL')``."""


@dataclass(frozen=True, slots=True, order=True, repr=False)
class ClientId(Identifier):
    """The data or execution client a command is addressed to, e.g. ``ClientId('BYBIT')``."""
