"""Funds and margin: what an order costs, what an account has available, and liquidation.

Available balance of a coin, for a trader account::

    available = total - locked - order_margin - position_margin + min(0, unrealized_pnl)

where position margin and unrealized PnL come from the positions settled in that coin, marked at
the mark price. Unrealized losses reduce what is available; unrealized gains do not add to it.

An order is accepted only if its cost fits in the available balance. After every command the
exchange re-checks the accounts it touched (and, on a mark move, every holder of the instrument):
if a trader's available balance has gone negative (a fill at a worse price than the mark, a
mark move, funding), the venue first cancels that account's open orders in the coin, and if that is
not enough, takes over its positions in the coin at the mark price (they pass to the insurance
account), covering any negative wallet balance from the insurance fund. This is a deliberate
simplification of the venues' maintenance-margin liquidation: it keeps every trader's available
balance non-negative without modelling bankruptcy prices.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.core.enums import PositionMode, Side
from simulator.core.instruments import Instrument
from simulator.core.positions import OPTION_SHORT_MARGIN_RATE

if TYPE_CHECKING:
    from simulator.core.accounts import Account
    from simulator.core.book import OrderBook
    from simulator.core.exchange import Exchange
    from simulator.core.market import MarketState
    from simulator.core.orders import Order

__all__ = [
    "OPTION_FEE_CAP",
    "available",
    "fee_for",
    "order_cost",
    "reducible_lots",
    "reference_fill_price",
    "walk",
]

_ZERO = Decimal(0)

#: Option fees are capped at this share of the premium (Bybit's published option fee rule).
OPTION_FEE_CAP = Decimal("0.07")


def walk(book: OrderBook, side: Side, lots: int, limit_ticks: int | None) -> list[tuple[int, int]]:
    """The ``(price_ticks, lots)`` an order of ``side`` would take from the book right now."""
    is_buy = side is Side.BUY
    levels = book.asks if is_buy else book.bids
    taken: list[tuple[int, int]] = []
    remaining = lots
    # Iterating the SortedDict's keys and indexing it is several times faster than items().
    for key in levels:
        price = key if is_buy else -key
        if limit_ticks is not None and (price > limit_ticks if is_buy else price < limit_ticks):
            break
        take = min(remaining, levels[key].lots)
        taken.append((price, take))
        remaining -= take
        if not remaining:
            break
    return taken


def reference_fill_price(market: MarketState, side: Side) -> Decimal | None:
    """Best guess of where a market order of ``side`` fills: the best opposite price, else last."""
    book = market.book
    best = book.best_ask() if side is Side.BUY else book.best_bid()
    if best is not None:
        return market.instrument.tick_size * best
    return market.valuation_price()


def reducible_lots(account: Account, inst: Instrument, side: Side, position_idx: int) -> int:
    """How many lots of an order of ``side`` would reduce an existing position."""
    if inst.is_spot:
        return 0
    position = account.positions.get((inst.id, position_idx))
    if position is None or not position.size:
        return 0
    if account.position_mode(inst.id) is PositionMode.HEDGE:
        # Hedge mode: index 1 holds the long, index 2 the short; the opposite side closes it.
        closes = (position_idx == 1 and side is Side.SELL) or (position_idx == 2 and side is Side.BUY)
    else:
        closes = (position.size > 0) != (side is Side.BUY)
    if not closes:
        return 0
    return int(abs(position.size) / inst.lot_size)


def fee_for(
    inst: Instrument, rate: Decimal, value: Decimal, qty: Decimal, underlying: Decimal | None
) -> Decimal:
    """Fee in the settle coin (derivatives) or the quote coin (spot sells) on a fill worth ``value``.

    Options pay ``rate`` on the underlying's value, capped at a share of the premium.
    """
    if inst.is_option:
        base = underlying if underlying is not None else (inst.strike or _ZERO)
        return min(rate * base * qty * inst.contract_size, OPTION_FEE_CAP * value)
    return value * rate


def order_cost(
    account: Account,
    market: MarketState,
    side: Side,
    lots: int,
    price_ticks: int | None,
    position_idx: int,
    reduce_only: bool,
) -> tuple[str, Decimal]:
    """``(coin, amount)`` an order locks while it is open.

    The part that would cross now is costed at the prices it would take from the book; the rest
    at its limit price. Spot buys lock quote coin, spot sells lock the base coin they sell.
    Derivative orders lock initial margin plus the worst-case fee for the part that opens or grows
    a position; closing parts lock nothing.
    """
    inst = market.instrument
    tick, lot = inst.tick_size, inst.lot_size
    if inst.is_spot and side is Side.SELL:
        return inst.base, lot * lots
    fills = walk(market.book, side, lots, price_ticks)
    resting = lots
    for _, taken in fills:
        resting -= taken
    if resting and price_ticks is not None:
        fills.append((price_ticks, resting))
    if inst.is_spot:
        cost = _ZERO
        for p, q in fills:
            cost += tick * p * lot * q
        return inst.quote, cost
    coin = inst.settle
    if reduce_only:
        return coin, _ZERO
    closing = min(lots, reducible_lots(account, inst, side, position_idx))
    if closing == lots:
        return coin, _ZERO
    opening_share = Decimal(lots - closing) / lots
    leverage = account.leverage.get(inst.id, inst.default_leverage)
    fee_rate = max(inst.taker_fee, inst.maker_fee, _ZERO)
    underlying = market.index_price
    cost = _ZERO
    for p, q in fills:
        price, qty = tick * p, lot * q
        value = inst.value(price, qty)
        fee = fee_for(inst, fee_rate, value, qty, underlying)
        if inst.is_option:
            if side is Side.BUY:
                margin = value
            else:
                reference = underlying if underlying is not None else (inst.strike or _ZERO)
                margin = value + OPTION_SHORT_MARGIN_RATE * reference * qty * inst.contract_size
        else:
            margin = value / leverage
        cost += margin + fee
    return coin, cost * opening_share


def remainder_cost(account: Account, market: MarketState, order: Order) -> tuple[str, Decimal]:
    """:func:`order_cost` of what is left of ``order``."""
    return order_cost(
        account,
        market,
        order.side,
        order.qty_lots - order.filled_lots,
        order.price_ticks,
        order.position_idx,
        order.reduce_only,
    )


def position_totals(ex: Exchange, account: Account, coin: str) -> tuple[Decimal, Decimal]:
    """``(initial margin, unrealized PnL)`` of the account's positions settled in ``coin``."""
    margin = _ZERO
    upnl = _ZERO
    for (instrument_id, _), position in account.positions.items():
        if not position.size or position.instrument.settle != coin:
            continue
        market = ex.markets[instrument_id]
        mark = market.valuation_price()
        leverage = account.leverage.get(instrument_id, position.instrument.default_leverage)
        margin += position.initial_margin(leverage, mark, market.index_price)
        upnl += position.unrealized_pnl(mark)
    return margin, upnl


def available(ex: Exchange, account: Account, coin: str) -> Decimal:
    balance = account.balances.get(coin)
    if balance is None:
        total = locked = order_margin = _ZERO
    else:
        total, locked, order_margin = balance.total, balance.locked, balance.order_margin
    if not account.positions:
        return total - locked - order_margin
    margin, upnl = position_totals(ex, account, coin)
    return total - locked - order_margin - margin + min(_ZERO, upnl)
