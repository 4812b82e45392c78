"""instruments-info items per category (§6.2): every required field, types, filters."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from simulator.core import NS_PER_S, InstrumentStatus
from simulator.dialects.bybit.codec import instruments
from simulator.dialects.bybit.codec.mappings import UnmappedValue

D = Decimal

# The reference's examples, verbatim (§6.2).
LINEAR = json.loads(
    '{"symbol":"BTCUSDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT",'
    '"launchTime":"1585526400000","deliveryTime":"0","deliveryFeeRate":"","priceScale":"2",'
    '"leverageFilter":{"minLeverage":"1","maxLeverage":"100.00","leverageStep":"0.01"},'
    '"priceFilter":{"minPrice":"0.10","maxPrice":"1999999.80","tickSize":"0.10"},'
    '"lotSizeFilter":{"maxOrderQty":"1190.000","minOrderQty":"0.001","qtyStep":"0.001",'
    '"postOnlyMaxOrderQty":"1190.000","maxMktOrderQty":"500.000","minNotionalValue":"5"},'
    '"unifiedMarginTrade":true,"fundingInterval":480,"settleCoin":"USDT","copyTrading":"both",'
    '"upperFundingRate":"0.00375","lowerFundingRate":"-0.00375","isPreListing":false,"preListingInfo":null,'
    '"riskParameters":{"priceLimitRatioX":"0.01","priceLimitRatioY":"0.02"},"symbolType":""}'
)
INVERSE = json.loads(
    '{"symbol":"BTCUSD","contractType":"InversePerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USD",'
    '"launchTime":"1542211200000","deliveryTime":"0","deliveryFeeRate":"","priceScale":"2",'
    '"leverageFilter":{"minLeverage":"1","maxLeverage":"100.00","leverageStep":"0.01"},'
    '"priceFilter":{"minPrice":"0.50","maxPrice":"1999999.00","tickSize":"0.50"},'
    '"lotSizeFilter":{"maxOrderQty":"1000000","minOrderQty":"1","qtyStep":"1","postOnlyMaxOrderQty":"1000000",'
    '"maxMktOrderQty":"500000","minNotionalValue":""},"unifiedMarginTrade":true,"fundingInterval":480,'
    '"settleCoin":"BTC"}'
)
SPOT = json.loads(
    '{"symbolId":9,"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","innovation":"0","status":"Trading",'
    '"marginTrading":"utaOnly","stTag":"0","lotSizeFilter":{"basePrecision":"0.000001",'
    '"quotePrecision":"0.0000001","minOrderQty":"0.000011","maxOrderQty":"83","minOrderAmt":"5",'
    '"maxOrderAmt":"8000000","maxLimitOrderQty":"83","maxMarketOrderQty":"41.5",'
    '"postOnlyMaxLimitOrderSize":"60000"},"priceFilter":{"tickSize":"0.01"},'
    '"riskParameters":{"priceLimitRatioX":"0.005","priceLimitRatioY":"0.01"},"symbolType":""}'
)
OPTION = json.loads(
    '{"symbol":"BTC-27MAR26-70000-P-USDT","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT",'
    '"settleCoin":"USDT","optionsType":"Put","launchTime":"1743669649256","deliveryTime":"1774598400000",'
    '"deliveryFeeRate":"0.00015","priceFilter":{"minPrice":"5","maxPrice":"1110000","tickSize":"5"},'
    '"lotSizeFilter":{"maxOrderQty":"500","minOrderQty":"0.01","qtyStep":"0.01"},'
    '"displayName":"BTCUSDT-27MAR26-70000-P"}'
)


def info(inst, kind: str, status: InstrumentStatus = InstrumentStatus.TRADING) -> dict:
    return instruments.instrument_info(inst[kind], status)


def test_linear_perpetual_matches_the_reference(inst) -> None:
    payload = info(inst, "linear")
    assert set(payload) == set(LINEAR) | {"displayName"}
    # The core's one maximum serves market orders too; copy trading is not offered.
    differences = {"copyTrading": "none", "displayName": ""}
    expected = {**LINEAR, **differences}
    expected["lotSizeFilter"] = {**LINEAR["lotSizeFilter"], "maxMktOrderQty": "1190.000"}
    assert payload == expected


def test_inverse_perpetual_matches_the_reference(inst) -> None:
    payload = info(inst, "inverse")
    for key in (
        "contractType",
        "priceScale",
        "leverageFilter",
        "priceFilter",
        "unifiedMarginTrade",
        "fundingInterval",
        "settleCoin",
        "deliveryTime",
        "deliveryFeeRate",
    ):
        assert payload[key] == INVERSE[key], key
    assert payload["lotSizeFilter"] == {**INVERSE["lotSizeFilter"], "maxMktOrderQty": "1000000"}


def test_spot_matches_the_reference(inst) -> None:
    payload = info(inst, "spot")
    assert set(payload) == set(SPOT) - {"symbolId"}
    assert set(payload["lotSizeFilter"]) == set(SPOT["lotSizeFilter"])
    for key in (
        "symbol",
        "baseCoin",
        "quoteCoin",
        "innovation",
        "status",
        "marginTrading",
        "priceFilter",
        "riskParameters",
        "symbolType",
        "stTag",
    ):
        assert payload[key] == SPOT[key], key
    lot = payload["lotSizeFilter"]
    assert (lot["basePrecision"], lot["minOrderQty"], lot["minOrderAmt"]) == ("0.000001", "0.000011", "5")
    assert "nextPageCursor" not in payload and "contractType" not in payload


def test_option_matches_the_reference(inst) -> None:
    payload = info(inst, "option")
    assert set(payload) == set(OPTION)
    for key in (
        "symbol",
        "status",
        "baseCoin",
        "quoteCoin",
        "settleCoin",
        "optionsType",
        "deliveryTime",
        "deliveryFeeRate",
        "displayName",
    ):
        assert payload[key] == OPTION[key], key
    assert payload["priceFilter"]["tickSize"] == "5" and payload["priceFilter"]["minPrice"] == "5"
    assert payload["lotSizeFilter"] == {"maxOrderQty": "500.00", "minOrderQty": "0.01", "qtyStep": "0.01"}


@pytest.mark.parametrize(
    ("kind", "contract_type", "delivery", "funding"),
    [
        ("linear", "LinearPerpetual", "0", 480),
        ("future", "LinearFutures", "1774598400000", 0),
        ("inverse", "InversePerpetual", "0", 480),
        ("inverse_future", "InverseFutures", "1774598400000", 0),
    ],
)
def test_contract_kinds(inst, kind, contract_type, delivery, funding) -> None:
    payload = info(inst, kind)
    assert payload["contractType"] == contract_type
    assert payload["deliveryTime"] == delivery
    assert payload["fundingInterval"] == funding and type(payload["fundingInterval"]) is int
    assert payload["unifiedMarginTrade"] is True
    assert payload["settleCoin"] in (payload["baseCoin"], payload["quoteCoin"])  # rule 26
    assert len(payload["lotSizeFilter"]) == 6  # all six required
    if delivery != "0":
        assert payload["deliveryFeeRate"] == instruments.FUTURE_DELIVERY_FEE_RATE
        assert payload["upperFundingRate"] == ""


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (InstrumentStatus.PRE_LAUNCH, "PreLaunch"),
        (InstrumentStatus.TRADING, "Trading"),
        (InstrumentStatus.HALTED, "Closed"),
        (InstrumentStatus.SETTLED, "Closed"),
    ],
)
@pytest.mark.parametrize("kind", ["spot", "linear", "option"])
def test_status(inst, kind, status, expected) -> None:
    assert info(inst, kind, status)["status"] == expected


def test_launch_time_is_the_activation_when_known(inst) -> None:
    pre = dataclasses.replace(inst["linear"], activation_ns=1_767_225_600 * NS_PER_S, id="")
    assert instruments.instrument_info(pre, InstrumentStatus.PRE_LAUNCH)["launchTime"] == "1767225600000"
    assert info(inst, "linear")["launchTime"] == instruments.DEFAULT_LAUNCH_TIME_MS


@pytest.mark.parametrize(
    ("tick", "expected"), [("0.10", "1999999.80"), ("0.50", "1999999.00"), ("5", "1999990")]
)
def test_max_price_is_the_last_tick_below_the_ceiling(inst, tick, expected) -> None:
    instrument = dataclasses.replace(inst["linear"], tick_size=D(tick), id="")
    assert (
        instruments.instrument_info(instrument, InstrumentStatus.TRADING)["priceFilter"]["maxPrice"]
        == expected
    )


@pytest.mark.parametrize(
    ("expiry_s", "code"), [(1_774_598_400, "27MAR26"), (1_704_096_000, "01JAN24"), (1_735_603_200, "31DEC24")]
)
def test_option_date_code(expiry_s, code) -> None:
    assert instruments.option_date_code(expiry_s * NS_PER_S) == code


def test_call_display_name(inst) -> None:
    call = dataclasses.replace(inst["option"], option_kind=inst["option"].option_kind.__class__.CALL, id="")
    assert instruments.option_display_name(call) == "BTCUSDT-27MAR26-70000-C"
    assert instruments.instrument_info(call, InstrumentStatus.TRADING)["optionsType"] == "Call"


def test_unmapped_status_fails_loudly(inst) -> None:
    with pytest.raises(UnmappedValue):
        instruments.instrument_info(inst["linear"], "trading")  # type: ignore[arg-type]
