"""Spot margin loans → SHORT position reports (catalogue PC-07).

A unified account that borrows a coin (spot margin, §6.11 ``spotBorrow``) is short that coin.
Spot has no position endpoint, so the loan is reported as a SHORT :class:`PositionStatusReport`
of the borrowed quantity on the coin's *preferred spot pair*, never on a derivative:

* the rule: the coin against ``USDT``, else against ``USDC`` (:data:`SPOT_MARGIN_QUOTES`), the
  first such spot pair the instrument provider has loaded;
* a coin with no such pair, or a stablecoin with no pair of its own, is not reported.

``spotBorrow`` (not ``borrowAmount``) is read: it is the spot margin part of the liability, the
figure clients subtract from ``walletBalance`` (§6.11). Interest (``accruedInterest``) is debt,
not position, so it is left out. The quantity is rounded up to the pair's size precision so a
debt is never under-reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_UP, Decimal
from typing import Final

from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.mappings import make_instrument_id
from adapters.bybit.common.parse import decimal_or_zero
from adapters.bybit.http.models import BybitWalletBalance
from adapters.model.enums import PositionSide
from adapters.model.identifiers import AccountId
from adapters.model.instruments import Instrument
from adapters.model.objects import Quantity
from adapters.model.reports import PositionStatusReport

__all__ = ["SPOT_MARGIN_QUOTES", "parse_spot_borrow_reports", "preferred_spot_pair"]

#: Quote coins of the preferred spot pair, in order (Bybit's deepest spot books quote in USDT).
SPOT_MARGIN_QUOTES: Final = ("USDT", "USDC")


def preferred_spot_pair(coin: str, find: Callable[..., Instrument | None]) -> Instrument | None:
    """The spot pair a loan of ``coin`` is reported on: ``<coin>USDT``, else ``<coin>USDC``.

    Parameters:
        coin: the borrowed coin (``BTC``).
        find: looks an instrument id up (``BybitInstrumentProvider.find``), ``None`` if unknown.
    """
    for quote in SPOT_MARGIN_QUOTES:
        if quote == coin:
            continue
        instrument = find(make_instrument_id(f"{coin}{quote}", BybitProductType.SPOT))
        if instrument is not None:
            return instrument
    return None


def parse_spot_borrow_reports(
    wallets: Iterable[BybitWalletBalance],
    find: Callable[..., Instrument | None],
    account_id: AccountId,
    ts_init: int,
) -> list[PositionStatusReport]:
    """One SHORT report per coin with a positive ``spotBorrow``, on its preferred spot pair.

    Parameters:
        wallets: the ``wallet-balance`` account objects (REST ``result.list``).
        find: looks an instrument id up, ``None`` if unknown.
        account_id: the account the reports are for.
        ts_init: when the reports are made (also their ``ts_last``: the wallet has no time).
    """
    reports = []
    for wallet in wallets:
        for row in wallet.coin:
            borrowed = decimal_or_zero(row.spot_borrow)
            if borrowed <= 0:
                continue
            instrument = preferred_spot_pair(row.coin, find)
            if instrument is None:
                continue
            step = Decimal(1).scaleb(-instrument.size_precision)
            reports.append(
                PositionStatusReport(
                    account_id=account_id,
                    instrument_id=instrument.instrument_id,
                    position_side=PositionSide.SHORT,
                    quantity=Quantity(borrowed.quantize(step, ROUND_UP), instrument.size_precision),
                    ts_last=ts_init,
                    ts_init=ts_init,
                )
            )
    return reports
