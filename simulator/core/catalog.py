"""Reference instruments with Bybit's real filters, for demos, fixtures and tests.

Pure data: each function returns an :class:`~simulator.core.instruments.Instrument` with the tick,
lot, size limits, minimum notional and fee rates Bybit publishes for that market (wire reference
§6.2), so that a demo, the payload fixtures and the tests all trade the same realistic markets.
Dated instruments take their symbol and expiry, since those depend on the date.
"""

from __future__ import annotations

from decimal import Decimal

from simulator.core.enums import InstrumentKind, OptionKind
from simulator.core.instruments import Instrument

__all__ = [
    "btc_inverse_future",
    "btc_inverse_perpetual",
    "btc_linear_future",
    "btc_linear_perpetual",
    "btc_option",
    "btc_spot",
    "eth_linear_perpetual",
    "eth_spot",
]

D = Decimal
#: Bybit spot fees (regular tier): 0.1% maker and taker.
_SPOT_FEES = {"maker_fee": D("0.001"), "taker_fee": D("0.001")}
#: Bybit option fees (regular tier): 0.03% of the underlying, maker and taker.
_OPTION_FEES = {"maker_fee": D("0.0003"), "taker_fee": D("0.0003")}


def btc_spot() -> Instrument:
    return Instrument(
        symbol="BTCUSDT",
        kind=InstrumentKind.SPOT,
        base="BTC",
        quote="USDT",
        settle="USDT",
        tick_size=D("0.01"),
        lot_size=D("0.000001"),
        min_qty=D("0.000011"),
        max_qty=D("83"),
        min_notional=D("5"),
        **_SPOT_FEES,
    )


def eth_spot() -> Instrument:
    return Instrument(
        symbol="ETHUSDT",
        kind=InstrumentKind.SPOT,
        base="ETH",
        quote="USDT",
        settle="USDT",
        tick_size=D("0.01"),
        lot_size=D("0.00001"),
        min_qty=D("0.00062"),
        max_qty=D("1229.2336"),
        min_notional=D("5"),
        **_SPOT_FEES,
    )


def btc_linear_perpetual() -> Instrument:
    return Instrument(
        symbol="BTCUSDT",
        kind=InstrumentKind.LINEAR_PERPETUAL,
        base="BTC",
        quote="USDT",
        settle="USDT",
        tick_size=D("0.10"),
        lot_size=D("0.001"),
        min_qty=D("0.001"),
        max_qty=D("1190"),
        min_notional=D("5"),
    )


def eth_linear_perpetual() -> Instrument:
    return Instrument(
        symbol="ETHUSDT",
        kind=InstrumentKind.LINEAR_PERPETUAL,
        base="ETH",
        quote="USDT",
        settle="USDT",
        tick_size=D("0.01"),
        lot_size=D("0.01"),
        min_qty=D("0.01"),
        max_qty=D("7240"),
        min_notional=D("5"),
    )


def btc_inverse_perpetual() -> Instrument:
    return Instrument(
        symbol="BTCUSD",
        kind=InstrumentKind.INVERSE_PERPETUAL,
        base="BTC",
        quote="USD",
        settle="BTC",
        tick_size=D("0.50"),
        lot_size=D("1"),
        min_qty=D("1"),
        max_qty=D("1000000"),
    )


def btc_linear_future(symbol: str, expiry_ns: int) -> Instrument:
    """A USDT-settled dated future, e.g. ``btc_linear_future("BTC-27MAR26", expiry_ns)``."""
    return Instrument(
        symbol=symbol,
        kind=InstrumentKind.LINEAR_FUTURE,
        base="BTC",
        quote="USDT",
        settle="USDT",
        tick_size=D("0.50"),
        lot_size=D("0.001"),
        min_qty=D("0.001"),
        max_qty=D("500"),
        min_notional=D("5"),
        expiry_ns=expiry_ns,
    )


def btc_inverse_future(symbol: str, expiry_ns: int) -> Instrument:
    """A BTC-settled dated future, e.g. ``btc_inverse_future("BTCUSDH26", expiry_ns)``."""
    return Instrument(
        symbol=symbol,
        kind=InstrumentKind.INVERSE_FUTURE,
        base="BTC",
        quote="USD",
        settle="BTC",
        tick_size=D("0.50"),
        lot_size=D("1"),
        min_qty=D("1"),
        max_qty=D("1000000"),
        expiry_ns=expiry_ns,
    )


def btc_option(
    symbol: str, strike: Decimal | str | int, option_kind: OptionKind, expiry_ns: int
) -> Instrument:
    """A USDT-settled BTC option: ``btc_option("BTC-27MAR26-70000-P-USDT", 70000, OptionKind.PUT, …)``."""
    return Instrument(
        symbol=symbol,
        kind=InstrumentKind.OPTION,
        base="BTC",
        quote="USDT",
        settle="USDT",
        tick_size=D("5"),
        lot_size=D("0.01"),
        min_qty=D("0.01"),
        max_qty=D("500"),
        strike=D(strike),
        option_kind=option_kind,
        expiry_ns=expiry_ns,
        **_OPTION_FEES,
    )
