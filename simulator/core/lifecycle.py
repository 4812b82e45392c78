"""What happens to orders, positions and instruments without a trader's command.

Conditional triggers, GTD expiry, reduce-only enforcement, funding, activation, expiry and
settlement of dated instruments, and liquidation (see :mod:`simulator.core.risk` for the rule).
Each function runs inside a command boundary of the exchange, so its events are flushed and
dispatched like those of any command.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.core import risk
from simulator.core.enums import (
    CancelReason,
    InstrumentStatus,
    LedgerKind,
    OrderStatus,
    TriggerDirection,
)
from simulator.core.errors import CoreUsageError, Rejected, RejectReason
from simulator.core.events import (
    FundingApplied,
    InstrumentSettled,
    InstrumentStatusChanged,
    OrderAccepted,
    OrderRejected,
    OrderTriggered,
    PositionLiquidated,
)
from simulator.core.matching import position_for
from simulator.core.trading import would_take

if TYPE_CHECKING:
    from simulator.core.accounts import Account
    from simulator.core.exchange import Exchange
    from simulator.core.market import MarketState
    from simulator.core.orders import Order
    from simulator.core.positions import Position

__all__ = [
    "apply_funding",
    "enforce_reduce_only",
    "fire_triggers",
    "remedy",
    "set_status",
    "settle_instrument",
]

_ZERO = Decimal(0)


# -- conditional orders --------------------------------------------------------------------


def _should_fire(order: Order, market: MarketState) -> bool:
    assert order.trigger_by is not None and order.trigger_price is not None
    reference = market.reference_price(order.trigger_by)
    if reference is None:
        return False
    if order.trigger_direction is TriggerDirection.RISE:
        return reference >= order.trigger_price
    return reference <= order.trigger_price


def fire_triggers(ex: Exchange, market: MarketState) -> None:
    """Fire every conditional order of ``market`` whose reference price has reached its trigger."""
    if market.status is not InstrumentStatus.TRADING:
        return
    fired = [o for o in market.conditionals if _should_fire(o, market)]
    if not fired:
        return
    market.conditionals = [o for o in market.conditionals if o not in fired]
    for order in fired:
        if order.status is OrderStatus.UNTRIGGERED:
            _activate(ex, market, order)


def _activate(ex: Exchange, market: MarketState, order: Order) -> None:
    now = ex.clock.now_ns()
    account = ex.accounts[order.account_id]
    inst = market.instrument
    if order.close_on_trigger and risk.reducible_lots(account, inst, order.side, order.position_idx) <= 0:
        # The position it protected closed earlier in this command (its take-profit filled and the
        # fill moved the price through the stop-loss, say): deactivated, as when the position closes.
        ex.cancel_internal(order, CancelReason.REDUCE_ONLY)
        return
    order.transition(OrderStatus.TRIGGERED)
    order.updated_ns = now
    ex.emit(OrderTriggered(ex.next_seq(), now, order.view()))
    try:
        if order.reduce_only or order.close_on_trigger:
            room = risk.reducible_lots(account, inst, order.side, order.position_idx)
            if room <= 0:
                raise Rejected(RejectReason.REDUCE_ONLY_WOULD_INCREASE, "there is no position left to reduce")
            order.qty_lots = room if order.close_on_trigger else min(order.qty_lots, room)
        if order.post_only and would_take(market, order):
            raise Rejected(RejectReason.POST_ONLY_WOULD_TAKE, "the post-only order would take liquidity")
        ex.lock_funds(account, market, order)
    except Rejected as rejected:
        order.transition(OrderStatus.REJECTED)
        order.reject_reason = rejected.reason
        ex.close_order(order)
        ex.emit(
            OrderRejected(
                ex.next_seq(),
                now,
                order.account_id,
                inst.id,
                order.client_order_id,
                rejected.reason,
                rejected.message,
                order.view(),
            )
        )
        return
    order.transition(OrderStatus.NEW)
    ex.emit(OrderAccepted(ex.next_seq(), now, order.view()))
    ex.execute(market, order)


# -- reduce-only -----------------------------------------------------------------------------


def enforce_reduce_only(ex: Exchange, account: Account, market: MarketState, position: Position) -> None:
    """Cancel reduce-only orders that would now exceed the position they reduce (oldest kept).

    When the position is flat, its take-profit and stop-loss orders are deactivated too.
    """
    inst = market.instrument
    if not position.size:
        position.take_profit = position.stop_loss = None
        for order in list(market.conditionals):
            if (
                order.close_on_trigger
                and order.account_id == account.account_id
                and order.position_idx == position.position_idx
            ):
                ex.cancel_internal(order, CancelReason.REDUCE_ONLY)
    mine = [
        o
        for o in account.reduce_only_orders.values()
        if o.instrument is inst and o.position_idx == position.position_idx and o.resting
    ]
    if not mine:
        return
    mine.sort(key=lambda o: o.created_ns)
    committed = 0
    for order in mine:
        room = risk.reducible_lots(account, inst, order.side, order.position_idx)
        if committed + order.leaves_lots > room:
            ex.cancel_internal(order, CancelReason.REDUCE_ONLY)
        else:
            committed += order.leaves_lots


# -- funding, activation, expiry -------------------------------------------------------------


def apply_funding(ex: Exchange, market: MarketState) -> None:
    """Exchange funding between longs and shorts at the mark price: longs pay a positive rate."""
    inst = market.instrument
    now = ex.clock.now_ns()
    rate = market.funding_rate
    market.funding_history.append((now, rate))
    mark = market.valuation_price()
    if mark is None or not rate:
        return
    for (account_id, idx), position in list(market.holders.items()):
        account = ex.accounts[account_id]
        amount = -(1 if position.size > 0 else -1) * inst.value(mark, abs(position.size)) * rate
        account.book(inst.settle, amount, LedgerKind.FUNDING)
        position.funding += amount
        position.updated_ns = now
        ex.touch_balance(account, inst.settle)
        ex.position_changed(account, market, position)
        ex.emit(
            FundingApplied(ex.next_seq(), now, account_id, inst.id, idx, rate, mark, position.size, amount)
        )


def set_status(ex: Exchange, market: MarketState, status: InstrumentStatus) -> None:
    if market.status is status:
        return
    market.status = status
    ex.emit(InstrumentStatusChanged(ex.next_seq(), ex.clock.now_ns(), market.instrument.id, status))


def settle_instrument(ex: Exchange, market: MarketState) -> None:
    """Expire a dated future or option: cancel its orders and settle every position in cash.

    Futures realize PnL against the settlement price; options pay their intrinsic value from
    shorts to longs (the premium changed hands when they traded).
    """
    inst = market.instrument
    if market.status is InstrumentStatus.SETTLED:
        return
    price = market.settlement_price or market.index_price or market.valuation_price()
    if price is None and any(position.size for position in market.holders.values()):
        # Checked before anything changes: the venue stays as it was, and the scenario can be fixed.
        raise CoreUsageError(
            f"{inst.id} expires with open positions but has no settlement, index, mark or last price: "
            "call set_settlement_price (or set_index_price) before its expiry"
        )
    for account in ex.accounts.values():
        for order in [o for o in account.open_orders.values() if o.instrument is inst]:
            ex.cancel_internal(order, CancelReason.SETTLEMENT)
    set_status(ex, market, InstrumentStatus.SETTLED)
    now = ex.clock.now_ns()
    if price is None:
        return
    ex.emit(InstrumentSettled(ex.next_seq(), now, inst.id, price))
    for (account_id, _), position in list(market.holders.items()):
        account = ex.accounts[account_id]
        size = position.size
        if inst.is_option:
            payoff = inst.intrinsic_value(price)
            position.apply(-size, payoff)
            account.book(inst.settle, size * payoff * inst.contract_size, LedgerKind.SETTLEMENT)
        else:
            realized, _ = position.apply(-size, price)
            account.book(inst.settle, realized, LedgerKind.SETTLEMENT)
        position.updated_ns = now
        ex.touch_balance(account, inst.settle)
        ex.position_changed(account, market, position)


# -- liquidation -----------------------------------------------------------------------------


def remedy(ex: Exchange, account: Account, coin: str) -> None:
    """Bring a trader's available balance in ``coin`` back to non-negative (see risk.py)."""
    if risk.available(ex, account, coin) >= 0:
        return
    for order in list(account.open_orders.values()):
        if ex.lock_coin(order) == coin:
            ex.cancel_internal(order, CancelReason.LIQUIDATION)
    if risk.available(ex, account, coin) >= 0:
        return
    now = ex.clock.now_ns()
    insurance = ex.insurance
    for (instrument_id, idx), position in list(account.positions.items()):
        inst = position.instrument
        if not position.size or inst.settle != coin:
            continue
        market = ex.markets[instrument_id]
        price = market.valuation_price() or position.entry_price
        size = position.size
        # The insurance account holds everything it takes over in one-way mode (index 0).
        taker = position_for(ex, insurance, market, 0, now)
        realized, _ = position.apply(-size, price)
        insurance_realized, _ = taker.apply(size, price)
        if inst.is_option:
            account.book(coin, size * price * inst.contract_size, LedgerKind.PREMIUM)
            insurance.book(coin, -size * price * inst.contract_size, LedgerKind.PREMIUM)
        else:
            account.book(coin, realized, LedgerKind.REALIZED_PNL)
            insurance.book(coin, insurance_realized, LedgerKind.REALIZED_PNL)
        position.updated_ns = taker.updated_ns = now
        ex.position_changed(account, market, position)
        ex.position_changed(insurance, market, taker)
        ex.emit(PositionLiquidated(ex.next_seq(), now, account.account_id, instrument_id, idx, size, price))
    balance = account.balance(coin)
    if balance.total < 0:
        deficit = -balance.total
        account.book(coin, deficit, LedgerKind.BAD_DEBT)
        insurance.book(coin, -deficit, LedgerKind.BAD_DEBT)
    ex.touch_balance(account, coin)
