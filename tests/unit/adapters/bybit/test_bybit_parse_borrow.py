"""Spot margin loans (wallet ``spotBorrow``) → SHORT reports on the preferred spot pair (PC-07)."""

from __future__ import annotations

import copy
from decimal import Decimal

from adapters.bybit.common.testing import load_instruments, load_result_list
from adapters.bybit.http.models import BybitWalletBalance
from adapters.bybit.http.parse_borrow import parse_spot_borrow_reports, preferred_spot_pair
from adapters.model.enums import PositionSide
from adapters.model.identifiers import AccountId, InstrumentId
from adapters.model.instruments import CurrencyPair, Instrument

ACC = AccountId("BYBIT-UNIFIED")
BY_ID = {inst.instrument_id: inst for inst in load_instruments().values()}


def _find(instrument_id: InstrumentId) -> Instrument | None:
    return BY_ID.get(instrument_id)


def _wallet(**borrows: str) -> BybitWalletBalance:
    """The fixture wallet with one extra coin row per borrowed coin (the USDT row owes nothing)."""
    item = copy.deepcopy(load_result_list("http_get_account_wallet_balance")[0])
    template = item["coin"][0]
    for coin, amount in borrows.items():
        row = dict(template, coin=coin, walletBalance="0", equity=f"-{amount}")
        row.update(borrowAmount=amount, spotBorrow=amount)
        item["coin"].append(row)
    return BybitWalletBalance.from_wire(item)


def test_a_borrowed_coin_is_short_on_its_usdt_spot_pair_never_a_derivative() -> None:
    reports = parse_spot_borrow_reports([_wallet(BTC="0.5")], _find, ACC, 7)
    assert len(reports) == 1
    (report,) = reports
    assert str(report.instrument_id) == "BTCUSDT-SPOT.BYBIT"
    assert isinstance(BY_ID[report.instrument_id], CurrencyPair)  # not the BTCUSDT perpetual
    assert report.position_side is PositionSide.SHORT
    assert report.quantity.as_decimal() == Decimal("0.5")
    assert (report.account_id, report.ts_last, report.ts_init) == (ACC, 7, 7)


def test_no_borrow_no_report_and_an_unlisted_coin_is_skipped() -> None:
    assert parse_spot_borrow_reports([_wallet()], _find, ACC, 1) == []
    assert parse_spot_borrow_reports([_wallet(XYZ="3")], _find, ACC, 1) == []


def test_the_quantity_rounds_up_to_the_pair_precision() -> None:
    (report,) = parse_spot_borrow_reports([_wallet(ETH="0.1234567891")], _find, ACC, 1)
    precision = BY_ID[report.instrument_id].size_precision
    assert precision < 10
    assert report.quantity.as_decimal() >= Decimal("0.1234567891")
    assert report.quantity.as_decimal() - Decimal("0.1234567891") < Decimal(1).scaleb(-precision)


def test_the_preferred_pair_is_usdt_then_usdc() -> None:
    asked: list[str] = []
    usdc = BY_ID[InstrumentId.from_str("ETHUSDT-SPOT.BYBIT")]

    def find(instrument_id: InstrumentId) -> Instrument | None:
        asked.append(str(instrument_id))
        return usdc if str(instrument_id) == "ETHUSDC-SPOT.BYBIT" else None

    assert preferred_spot_pair("ETH", find) is usdc
    assert asked == ["ETHUSDT-SPOT.BYBIT", "ETHUSDC-SPOT.BYBIT"]
    asked.clear()
    assert preferred_spot_pair("USDT", find) is None
    assert asked == ["USDTUSDC-SPOT.BYBIT"]  # a coin is never paired with itself
