"""Matching a taker order against the book, and settling each fill into accounts and positions.

Price-time priority: the best opposite level first, and within a level the oldest order first. A
fill happens at the maker's price. Reduce-only orders, on either side, never fill beyond the
position they reduce: a resting reduce-only order with nothing left to reduce is cancelled when
it reaches the front of the queue.

Fees follow the venue convention for each market: spot buyers pay in the base coin they
receive and sellers in the quote coin; derivatives pay in the settle coin. A negative maker rate
is a rebate paid by the fee account.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.core.enums import CancelReason, LedgerKind, LiquiditySide, OrderStatus, Side
from simulator.core.events import Fill, OrderFilled, TradeOccurred
from simulator.core.market import TradeRecord
from simulator.core.positions import Position
from simulator.core.risk import fee_for, reducible_lots, remainder_cost

if TYPE_CHECKING:
    from simulator.core.accounts import Account
    from simulator.core.exchange import Exchange
    from simulator.core.market import MarketState
    from simulator.core.orders import Order

__all__ = ["match", "settle_fill"]

_ZERO = Decimal(0)


def match(ex: Exchange, market: MarketState, taker: Order) -> None:
    """Fill ``taker`` against the book as far as its limit (and reduce-only rule) allows."""
    book = market.book
    is_buy = taker.side is Side.BUY
    levels = book.asks if is_buy else book.bids
    limit = taker.price_ticks
    accounts = ex.accounts
    taker_account = accounts[taker.account_id]
    while taker.qty_lots > taker.filled_lots and levels:
        key, level = levels.peekitem(0)
        price = key if is_buy else -key
        if limit is not None and (price > limit if is_buy else price < limit):
            break
        maker = level.front()
        lots = min(taker.qty_lots - taker.filled_lots, maker.qty_lots - maker.filled_lots)
        if taker.reduce_only:
            lots = min(lots, reducible_lots(taker_account, taker.instrument, taker.side, taker.position_idx))
            if lots <= 0:
                break
        if maker.reduce_only:
            room = reducible_lots(
                accounts[maker.account_id], maker.instrument, maker.side, maker.position_idx
            )
            if room <= 0:
                ex.cancel_internal(maker, CancelReason.REDUCE_ONLY)
                continue
            lots = min(lots, room)
        execute(ex, market, taker, maker, price, lots)


def execute(
    ex: Exchange, market: MarketState, taker: Order, maker: Order, price_ticks: int, lots: int
) -> None:
    """One trade of ``lots`` at ``price_ticks`` between a taker and a resting maker."""
    inst = market.instrument
    price = inst.tick_size * price_ticks
    qty = inst.lot_size * lots
    now = ex.clock.now_ns()
    trade_id = ex.ids.next_trade_id()
    book = market.book
    book.reduce(maker, lots)
    for order, liquidity in ((maker, LiquiditySide.MAKER), (taker, LiquiditySide.TAKER)):
        fill = settle_fill(ex, market, order, price, qty, lots, liquidity, trade_id, now)
        if order.filled_lots == order.qty_lots:
            if order is maker:
                maker.resting = False
                book.pop_filled(maker)
            order.transition(OrderStatus.FILLED)
            ex.close_order(order)
        else:
            order.transition(OrderStatus.PARTIALLY_FILLED)
        ex.emit(OrderFilled(ex.next_seq(), now, order.view(), fill))
    market.last_price = price
    market.trades.append(TradeRecord(trade_id, now, price, qty, taker.side))
    ex.emit(TradeOccurred(ex.next_seq(), now, inst.id, trade_id, price, qty, taker.side))
    ex.reference_moved(market)


def settle_fill(
    ex: Exchange,
    market: MarketState,
    order: Order,
    price: Decimal,
    qty: Decimal,
    lots: int,
    liquidity: LiquiditySide,
    trade_id: str,
    now: int,
) -> Fill:
    """Book one side of a trade: balances, fees, position, and the order's fill totals."""
    inst = market.instrument
    account = ex.accounts[order.account_id]
    leaves_before = order.qty_lots - order.filled_lots
    order.filled_lots += lots
    order.updated_ns = now
    rate = inst.maker_fee if liquidity is LiquiditySide.MAKER else inst.taker_fee
    value = inst.value(price, qty)
    realized = closed = _ZERO
    last = lots == leaves_before
    if inst.is_spot:
        release = _release(account, market, order, last)
        if order.side is Side.BUY:
            fee, fee_coin = qty * rate, inst.base
            if release:
                account.balances[inst.quote].locked -= release
            account.book(inst.quote, -value, LedgerKind.SPOT_TRADE)
            account.book(inst.base, qty, LedgerKind.SPOT_TRADE)
        else:
            fee, fee_coin = value * rate, inst.quote
            if release:
                account.balances[inst.base].locked -= release
            account.book(inst.base, -qty, LedgerKind.SPOT_TRADE)
            account.book(inst.quote, value, LedgerKind.SPOT_TRADE)
        ex.touch_balance(account, inst.base)
        ex.touch_balance(account, inst.quote)
    else:
        fee_coin = inst.settle
        fee = fee_for(inst, rate, value, qty, market.index_price)
        position = position_for(ex, account, market, order.position_idx, now)
        signed = qty if order.side is Side.BUY else -qty
        realized, closed = position.apply(signed, price)
        # After the position moved: a remainder that now closes it needs no margin.
        release = _release(account, market, order, last)
        if release:
            account.balances[fee_coin].order_margin -= release
        if inst.is_option:
            # The buyer pays the premium (``value`` already counts the quantity), the seller gets it.
            account.book(fee_coin, -value if order.side is Side.BUY else value, LedgerKind.PREMIUM)
        else:
            account.book(fee_coin, realized, LedgerKind.REALIZED_PNL)
        position.fees_paid += fee
        position.updated_ns = now
        ex.position_changed(account, market, position)
        ex.touch_balance(account, fee_coin)
    account.book(fee_coin, -fee, LedgerKind.FEE)
    ex.fees.book(fee_coin, fee, LedgerKind.FEE)
    order.cum_value += value
    order.cum_fee += fee
    fill = Fill(
        trade_id,
        order.order_id,
        order.client_order_id,
        order.account_id,
        inst.id,
        order.side,
        price,
        qty,
        value,
        fee,
        fee_coin,
        rate,
        liquidity,
        realized,
        closed,
        market.mark_price,
        market.index_price,
        now,
    )
    account.fills.append(fill)
    return fill


def _release(account: Account, market: MarketState, order: Order, last: bool) -> Decimal:
    """Take off the order's lock what a fill frees, and return it.

    The last fill frees everything. Otherwise the lock is cut to what the remainder costs now
    (:func:`~simulator.core.risk.order_cost`): a share in proportion to the lots filled would
    leave a remainder resting at a worse price than the part that filled under-locked, and the
    account short of funds it was never charged for.
    """
    locked = order.locked
    if not locked:
        return _ZERO
    if not last:
        _, cost = remainder_cost(account, market, order)
        if cost >= locked:
            return _ZERO
        locked -= cost
    order.locked -= locked
    return locked


def position_for(
    ex: Exchange, account: Account, market: MarketState, position_idx: int, now: int
) -> Position:
    key = (market.instrument.id, position_idx)
    position = account.positions.get(key)
    if position is None:
        position = account.positions[key] = Position(account.account_id, market.instrument, position_idx, now)
    return position
