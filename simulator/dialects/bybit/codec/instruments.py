"""``/v5/market/instruments-info`` items (§6.2), one shape per category.

Every field strict clients require is present: ``leverageFilter``, ``priceFilter`` (three fields
for contracts, ``tickSize`` only for spot), ``lotSizeFilter`` (all six for contracts and spot),
``unifiedMarginTrade`` (bool), ``fundingInterval`` (int, minutes), ``priceScale``, and
``launchTime``/``deliveryTime`` as millisecond strings (``"0"`` for a perpetual).

Fields the core has no source for carry the realistic constants below, each saying where its
value comes from.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from simulator.core.clock import NS_PER_S
from simulator.core.enums import InstrumentStatus
from simulator.core.instruments import Instrument
from simulator.dialects.bybit.codec import mappings
from simulator.dialects.bybit.codec.numbers import fixed, money, ms_str, price, rate, size, step

__all__ = [
    "DEFAULT_LAUNCH_TIME_MS",
    "FUTURE_DELIVERY_FEE_RATE",
    "MAX_PRICE_CEILING",
    "OPTION_DELIVERY_FEE_RATE",
    "instrument_info",
    "option_date_code",
    "option_display_name",
]

#: ``launchTime`` of an instrument listed without an activation time (the core only knows one
#: for pre-launch instruments): the launch of Bybit's linear BTCUSDT, as in the §6.2 example.
DEFAULT_LAUNCH_TIME_MS = "1585526400000"
#: ``maxPrice`` is the last tick below this ceiling; with tick 0.10 that is ``"1999999.80"`` and
#: with tick 0.50 ``"1999999.00"``, Bybit's values in the §6.2 examples. The core has no maximum.
MAX_PRICE_CEILING = Decimal(2_000_000)
#: ``deliveryFeeRate`` of options (§6.2 option example). The core charges no delivery fee.
OPTION_DELIVERY_FEE_RATE = "0.00015"
#: ``deliveryFeeRate`` of dated futures (Bybit's published 0.05%). The core charges none.
FUTURE_DELIVERY_FEE_RATE = "0.0005"
#: ``leverageFilter.minLeverage``/``leverageStep`` (§6.2 examples); the core accepts any leverage
#: from 1 to the instrument's maximum.
MIN_LEVERAGE = "1"
LEVERAGE_STEP = "0.01"
#: Funding-rate caps of perpetuals (§6.2 linear example, an optional extra); the core's funding
#: rate is scripted, never capped.
UPPER_FUNDING_RATE = "0.00375"
LOWER_FUNDING_RATE = "-0.00375"
#: Price-band parameters (optional extras, §6.2 examples); the core enforces no price band.
CONTRACT_RISK_PARAMETERS = {"priceLimitRatioX": "0.01", "priceLimitRatioY": "0.02"}
SPOT_RISK_PARAMETERS = {"priceLimitRatioX": "0.005", "priceLimitRatioY": "0.01"}
#: Spot ``quotePrecision``: the decimals of a quote amount (market buys sized in the quote
#: coin). The core takes any amount; 8 decimals is the money precision of this codec.
SPOT_QUOTE_PRECISION = "0.00000001"
#: Spot ``maxOrderAmt`` (§6.2 spot example); the core has no maximum order value.
SPOT_MAX_ORDER_AMOUNT = "8000000"
#: Spot ``marginTrading``: the demo account is a unified trading account (rule 33).
SPOT_MARGIN_TRADING = "utaOnly"


def instrument_info(inst: Instrument, status: InstrumentStatus) -> dict[str, Any]:
    """One ``instruments-info`` list item for ``inst`` in its category's shape.

    Parameters:
        inst: the instrument.
        status: its current status (``MarketState.status``).

    Raises:
        UnmappedValue: the status or kind has no Bybit spelling.
    """
    if inst.is_spot:
        return _spot(inst, status)
    if inst.is_option:
        return _option(inst, status)
    return _contract(inst, status)


def _launch_time(inst: Instrument) -> str:
    return ms_str(inst.activation_ns) if inst.activation_ns is not None else DEFAULT_LAUNCH_TIME_MS


def _delivery_time(inst: Instrument) -> str:
    return ms_str(inst.expiry_ns) if inst.expiry_ns is not None else "0"


def _max_price(inst: Instrument) -> str:
    ticks = int(MAX_PRICE_CEILING / inst.tick_size) - 2
    return price(inst, inst.tick_size * ticks)


def _contract(inst: Instrument, status: InstrumentStatus) -> dict[str, Any]:
    perpetual = inst.is_perpetual
    return {
        "symbol": inst.symbol,
        "contractType": mappings.contract_type(inst),
        "status": mappings.instrument_status(status),
        "baseCoin": inst.base,
        "quoteCoin": inst.quote,
        "launchTime": _launch_time(inst),
        "deliveryTime": _delivery_time(inst),
        "deliveryFeeRate": "" if perpetual else FUTURE_DELIVERY_FEE_RATE,
        "priceScale": str(inst.price_precision),
        "leverageFilter": {
            "minLeverage": MIN_LEVERAGE,
            "maxLeverage": fixed(inst.max_leverage, 2),
            "leverageStep": LEVERAGE_STEP,
        },
        "priceFilter": {
            "minPrice": price(inst, inst.tick_size),
            "maxPrice": _max_price(inst),
            "tickSize": step(inst.tick_size),
        },
        "lotSizeFilter": {
            "maxOrderQty": size(inst, inst.max_qty),
            "minOrderQty": size(inst, inst.min_qty),
            "qtyStep": step(inst.lot_size),
            # The core has one maximum for every order kind.
            "postOnlyMaxOrderQty": size(inst, inst.max_qty),
            "maxMktOrderQty": size(inst, inst.max_qty),
            # Inverse contracts have no minimum notional (§6.2 inverse example: "").
            "minNotionalValue": "" if inst.is_inverse else money(inst.min_notional),
        },
        "unifiedMarginTrade": True,
        # Minutes between fundings; dated futures pay no funding.
        "fundingInterval": inst.funding_interval_s // 60 if perpetual else 0,
        "settleCoin": inst.settle,
        "copyTrading": "none",
        "upperFundingRate": UPPER_FUNDING_RATE if perpetual else "",
        "lowerFundingRate": LOWER_FUNDING_RATE if perpetual else "",
        "isPreListing": False,
        "preListingInfo": None,
        "riskParameters": dict(CONTRACT_RISK_PARAMETERS),
        "symbolType": "",
        "displayName": "",
    }


def _spot(inst: Instrument, status: InstrumentStatus) -> dict[str, Any]:
    return {
        "symbol": inst.symbol,
        "baseCoin": inst.base,
        "quoteCoin": inst.quote,
        "innovation": "0",
        "status": mappings.instrument_status(status),
        "marginTrading": SPOT_MARGIN_TRADING,
        "stTag": "0",
        "lotSizeFilter": {
            "basePrecision": step(inst.lot_size),
            "quotePrecision": SPOT_QUOTE_PRECISION,
            "minOrderQty": size(inst, inst.min_qty),
            "maxOrderQty": size(inst, inst.max_qty),
            "minOrderAmt": money(inst.min_notional),
            "maxOrderAmt": SPOT_MAX_ORDER_AMOUNT,
            "maxLimitOrderQty": size(inst, inst.max_qty),
            "maxMarketOrderQty": size(inst, inst.max_qty),
            "postOnlyMaxLimitOrderSize": size(inst, inst.max_qty),
        },
        "priceFilter": {"tickSize": step(inst.tick_size)},
        "riskParameters": dict(SPOT_RISK_PARAMETERS),
        "symbolType": "",
    }


def option_date_code(expiry_ns: int) -> str:
    """The expiry as Bybit writes it in option symbols: ``27MAR26``."""
    return datetime.fromtimestamp(expiry_ns // NS_PER_S, UTC).strftime("%d%b%y").upper()


def option_display_name(inst: Instrument) -> str:
    """``displayName`` of an option: ``BTCUSDT-27MAR26-70000-P`` (§6.2 option example)."""
    assert inst.expiry_ns is not None and inst.strike is not None
    letter = mappings.options_type(inst.option_kind)[0]
    return f"{inst.base}{inst.quote}-{option_date_code(inst.expiry_ns)}-{rate(inst.strike)}-{letter}"


def _option(inst: Instrument, status: InstrumentStatus) -> dict[str, Any]:
    return {
        "symbol": inst.symbol,
        "status": mappings.instrument_status(status),
        "baseCoin": inst.base,
        "quoteCoin": inst.quote,
        "settleCoin": inst.settle,
        "optionsType": mappings.options_type(inst.option_kind),
        "launchTime": _launch_time(inst),
        "deliveryTime": _delivery_time(inst),
        "deliveryFeeRate": OPTION_DELIVERY_FEE_RATE,
        "priceFilter": {
            "minPrice": price(inst, inst.tick_size),
            "maxPrice": _max_price(inst),
            "tickSize": step(inst.tick_size),
        },
        "lotSizeFilter": {
            "maxOrderQty": size(inst, inst.max_qty),
            "minOrderQty": size(inst, inst.min_qty),
            "qtyStep": step(inst.lot_size),
        },
        "displayName": option_display_name(inst),
    }
