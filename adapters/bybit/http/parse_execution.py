"""Bybit order, execution, position and wallet payloads → reports and account state.

Shared by the REST reconciliation calls and the private WebSocket (whose ``order``,
``execution``, ``position`` and ``wallet`` items have the REST shapes, §7.6), so both paths
produce identical reports.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from adapters.bybit.common.enums import BybitExecType, BybitPositionIdx, BybitProductType
from adapters.bybit.common.mappings import (
    liquidity_from_is_maker,
    order_side_from_bybit,
    order_status_from_bybit,
    order_type_from_bybit,
    position_side_from_bybit,
    time_in_force_from_bybit,
    trigger_type_from_bybit,
)
from adapters.bybit.common.parse import decimal_or_none, decimal_or_zero, str_ms_to_ns
from adapters.bybit.http.models import BybitExecution, BybitOrder, BybitPosition, BybitWalletBalance
from adapters.model.account import AccountBalance, AccountState, MarginBalance
from adapters.model.enums import AccountType, OrderStatus, PositionSide
from adapters.model.identifiers import (
    AccountId,
    ClientOrderId,
    InstrumentId,
    PositionId,
    TradeId,
    VenueOrderId,
)
from adapters.model.instruments import CurrencyPair, Instrument
from adapters.model.objects import Currency, Money, Price, Quantity
from adapters.model.reports import FillReport, OrderStatusReport, PositionStatusReport

__all__ = [
    "POST_ONLY_REJECT_REASON",
    "TRADE_EXEC_TYPES",
    "commission_currency",
    "is_trade_execution",
    "money",
    "parse_account_state",
    "parse_fill_report",
    "parse_order_status_report",
    "parse_position_status_report",
    "position_id_for",
    "product_of",
]

#: §0.4 rule 20: a post-only order that would cross is pushed Cancelled with this reason.
POST_ONLY_REJECT_REASON = "EC_PostOnlyWillTakeLiquidity"
#: §7.6: executions that are trades of the account's orders (funding/delivery are not fills).
TRADE_EXEC_TYPES = frozenset(
    {BybitExecType.TRADE, BybitExecType.ADL_TRADE, BybitExecType.BUST_TRADE, BybitExecType.BLOCK_TRADE}
)


def money(value: str | Decimal | None, currency: Currency) -> Money:
    """An amount at the currency's precision (venue amounts may carry more decimals); ``""`` → 0."""
    dec = value if isinstance(value, Decimal) else decimal_or_zero(value)
    return Money(dec.quantize(Decimal(1).scaleb(-currency.precision), rounding=ROUND_HALF_EVEN), currency)


def position_id_for(instrument_id: InstrumentId, position_idx: int) -> PositionId | None:
    """Hedge-mode positions get an id per side; one-way mode (idx 0) has none."""
    match BybitPositionIdx(position_idx):
        case BybitPositionIdx.ONE_WAY:
            return None
        case BybitPositionIdx.BUY_HEDGE:
            return PositionId(f"{instrument_id}-LONG")
        case BybitPositionIdx.SELL_HEDGE:
            return PositionId(f"{instrument_id}-SHORT")


def parse_order_status_report(
    order: BybitOrder, instrument: Instrument, account_id: AccountId, ts_init: int
) -> OrderStatusReport:
    """An order object (REST or WS) → OrderStatusReport."""
    pp, sp = instrument.price_precision, instrument.size_precision
    side = order_side_from_bybit(order.side)
    tif, post_only = time_in_force_from_bybit(order.time_in_force)
    status = order_status_from_bybit(order.order_status)
    price = decimal_or_none(order.price)
    trigger = decimal_or_none(order.trigger_price)
    avg = decimal_or_none(order.avg_price)
    cancel_reason = None
    if status is OrderStatus.CANCELED:
        cancel_reason = order.reject_reason if order.reject_reason != "EC_NoError" else order.cancel_type
    return OrderStatusReport(
        account_id=account_id,
        instrument_id=instrument.instrument_id,
        venue_order_id=VenueOrderId(order.order_id),
        client_order_id=ClientOrderId(order.order_link_id) if order.order_link_id else None,
        order_side=side,
        order_type=order_type_from_bybit(
            order.order_type, order.stop_order_type, order.trigger_direction, side
        ),
        time_in_force=tif,
        order_status=status,
        quantity=Quantity(order.qty, sp),
        filled_qty=Quantity(decimal_or_zero(order.cum_exec_qty), sp),
        price=Price(price, pp) if price else None,
        trigger_price=Price(trigger, pp) if trigger else None,
        trigger_type=trigger_type_from_bybit(order.trigger_by),
        avg_px=avg if avg else None,
        post_only=post_only,
        reduce_only=order.reduce_only,
        cancel_reason=cancel_reason,
        venue_position_id=position_id_for(instrument.instrument_id, order.position_idx),
        ts_accepted=str_ms_to_ns(order.created_time),
        ts_last=str_ms_to_ns(order.updated_time),
        ts_init=ts_init,
    )


def commission_currency(execution: BybitExecution, instrument: Instrument) -> Currency:
    """The fee's currency: ``feeCurrency`` when sent; else the settle coin (contracts), and on spot
    the received asset (base for a buy, quote for a sell), as real clients infer it (§7.6)."""
    if execution.fee_currency:
        return Currency.from_str(execution.fee_currency)
    if isinstance(instrument, CurrencyPair):
        return instrument.base_currency if execution.side == "Buy" else instrument.quote_currency
    return instrument.settlement_currency


def parse_fill_report(
    execution: BybitExecution, instrument: Instrument, account_id: AccountId, ts_init: int
) -> FillReport:
    """An execution (REST or WS) → FillReport; ``execFee`` is the commission (negative = rebate)."""
    currency = commission_currency(execution, instrument)
    return FillReport(
        account_id=account_id,
        instrument_id=instrument.instrument_id,
        venue_order_id=VenueOrderId(execution.order_id),
        client_order_id=ClientOrderId(execution.order_link_id) if execution.order_link_id else None,
        trade_id=TradeId(execution.exec_id),
        order_side=order_side_from_bybit(execution.side),
        last_qty=Quantity(execution.exec_qty, instrument.size_precision),
        last_px=Price(execution.exec_price, instrument.price_precision),
        commission=money(execution.exec_fee, currency),
        liquidity_side=liquidity_from_is_maker(execution.is_maker),
        ts_event=str_ms_to_ns(execution.exec_time),
        ts_init=ts_init,
    )


def parse_position_status_report(
    position: BybitPosition, instrument: Instrument, account_id: AccountId, ts_init: int
) -> PositionStatusReport:
    """A position (REST ``avgPrice`` or WS ``entryPrice``) → PositionStatusReport; size 0 is FLAT."""
    size = decimal_or_zero(position.size)
    side = position_side_from_bybit(position.side) if size else PositionSide.FLAT
    avg = decimal_or_none(position.average_price)
    return PositionStatusReport(
        account_id=account_id,
        instrument_id=instrument.instrument_id,
        position_side=side,
        quantity=Quantity(size, instrument.size_precision),
        avg_px_open=avg if avg else None,
        venue_position_id=position_id_for(instrument.instrument_id, position.position_idx),
        ts_last=str_ms_to_ns(position.updated_time),
        ts_init=ts_init,
    )


def parse_account_state(
    wallet: BybitWalletBalance, account_id: AccountId, ts_event: int, ts_init: int
) -> AccountState:
    """A unified wallet → AccountState with one balance and one margin entry per coin.

    total is ``walletBalance``; locked is what orders and positions hold (``locked`` +
    ``totalOrderIM`` + ``totalPositionIM``, empty strings read as 0, §6.11), capped at total so
    free never goes negative; free is the rest.
    """
    balances, margins = [], []
    for coin in wallet.coin:
        currency = Currency.from_str(coin.coin)
        total = money(coin.wallet_balance, currency)
        used = decimal_or_zero(coin.locked) + decimal_or_zero(coin.total_order_im)
        used += decimal_or_zero(coin.total_position_im)
        locked = money(max(Decimal(0), min(used, total.value)), currency)
        balances.append(AccountBalance(total, locked, Money(total.value - locked.value, currency)))
        margins.append(
            MarginBalance(money(coin.total_position_im, currency), money(coin.total_position_mm, currency))
        )
    return AccountState(
        account_id=account_id,
        account_type=AccountType.MARGIN,
        base_currency=None,
        reported=True,
        balances=tuple(balances),
        margins=tuple(margins),
        ts_event=ts_event,
        ts_init=ts_init,
    )


def is_trade_execution(execution: BybitExecution) -> bool:
    """Whether an execution is a fill of one of our orders (not funding, delivery or settlement)."""
    return BybitExecType(execution.exec_type) in TRADE_EXEC_TYPES


def product_of(category: str, default: BybitProductType) -> BybitProductType:
    """The product of a WS item's ``category`` (REST items omit it: use the requested one)."""
    return BybitProductType(category) if category else default
