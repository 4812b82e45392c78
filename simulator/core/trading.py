"""Trader commands: place, amend, cancel, cancel-all, and per-position settings.

Each function runs inside a command boundary of the exchange and either changes state and emits
events, or raises :class:`~simulator.core.errors.Rejected` before changing anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.core import risk
from simulator.core.enums import (
    CancelReason,
    InstrumentStatus,
    MarginMode,
    OrderStatus,
    OrderType,
    PositionMode,
    Side,
    StopKind,
    TriggerBy,
    TriggerDirection,
)
from simulator.core.errors import Rejected, RejectReason
from simulator.core.events import OrderAccepted, OrderAmended, OrderRejected, PositionChanged
from simulator.core.orders import Order
from simulator.core.validation import (
    parse_number,
    price_to_ticks,
    qty_to_lots,
    resolve_account,
    resolve_market,
    validate_new_order,
)

if TYPE_CHECKING:
    from simulator.core.accounts import Account
    from simulator.core.commands import AmendOrder, CancelAll, CancelOrder, NewOrder
    from simulator.core.exchange import Exchange
    from simulator.core.market import MarketState

__all__ = [
    "amend",
    "cancel",
    "cancel_all",
    "find_order",
    "place",
    "set_leverage",
    "set_margin_mode",
    "set_position_mode",
    "set_trading_stop",
]

_ZERO = Decimal(0)


def _closes_in_hedge_mode(account: Account, market: MarketState, side: Side, position_idx: int) -> bool:
    if account.position_mode(market.instrument.id) is not PositionMode.HEDGE:
        return False
    return (position_idx == 1 and side is Side.SELL) or (position_idx == 2 and side is Side.BUY)


def _lots_for_budget(market: MarketState, budget: Decimal) -> int:
    """Lots a spot market buy spending at most ``budget`` quote coin would take from the book."""
    inst = market.instrument
    lots = 0
    for key, level in market.book.asks.items():
        unit = inst.tick_size * key * inst.lot_size
        affordable = int(budget / unit)
        take = min(affordable, level.lots)
        lots += take
        budget -= unit * take
        if take < level.lots:
            break
    return lots


def place(ex: Exchange, cmd: NewOrder) -> Order:
    """Validate and place a new order. Returns it, whatever became of it (filled, resting…).

    Raises Rejected for an invalid order; a post-only order that would take is rejected after
    it gets an id (see :class:`~simulator.core.commands.OrderResult`).
    """
    checked = validate_new_order(ex, cmd)
    account, market = checked.account, checked.market
    inst = market.instrument
    lots = checked.lots
    reduce_only = cmd.reduce_only or _closes_in_hedge_mode(account, market, cmd.side, checked.position_idx)
    conditional = checked.trigger is not None
    if reduce_only and not conditional:
        room = risk.reducible_lots(account, inst, cmd.side, checked.position_idx)
        if room <= 0:
            raise Rejected(
                RejectReason.REDUCE_ONLY_WOULD_INCREASE,
                "a reduce-only order needs an opposite position to reduce",
            )
        lots = min(lots, room)
    if checked.quote_budget is not None:
        lots = _lots_for_budget(market, checked.quote_budget)
        if inst.lot_size * lots < inst.min_qty:
            raise Rejected(
                RejectReason.QUANTITY_BELOW_MIN,
                f"{checked.quote_budget} {inst.quote} buys {inst.lot_size * lots} {inst.base} from the book, "
                f"below the minimum order quantity {inst.min_qty}",
            )
    now = ex.clock.now_ns()
    order = Order(
        order_id="",
        client_order_id=cmd.client_order_id,
        account_id=account.account_id,
        instrument=inst,
        side=cmd.side,
        order_type=cmd.order_type,
        time_in_force=checked.tif,
        price_ticks=checked.price_ticks,
        qty_lots=lots,
        post_only=cmd.post_only,
        reduce_only=reduce_only,
        close_on_trigger=cmd.close_on_trigger,
        quote_quantity=cmd.quote_quantity,
        position_idx=checked.position_idx,
        trigger_price=checked.trigger,
        trigger_by=cmd.trigger_by if conditional else None,
        trigger_direction=checked.direction,
        stop_kind=(cmd.stop_kind or StopKind.STOP) if conditional else None,
        expire_ns=cmd.expire_ns,
        created_ns=now,
        last_price_on_created=market.last_price,
    )
    if not conditional:
        # Funds are checked before the order gets an id: a rejection here leaves no trace.
        lock_coin, cost = ex.check_funds(account, market, order, budget=checked.quote_budget)
    order.order_id = ex.ids.next_order_id()
    if cmd.client_order_id:
        account.client_ids[cmd.client_order_id] = order.order_id
    if cmd.post_only and not conditional and would_take(market, order):
        order.transition(OrderStatus.REJECTED)
        order.reject_reason = RejectReason.POST_ONLY_WOULD_TAKE
        account.close(order)
        message = "post-only order would take liquidity"
        ex.emit(
            OrderRejected(
                ex.next_seq(),
                now,
                account.account_id,
                inst.id,
                cmd.client_order_id,
                RejectReason.POST_ONLY_WOULD_TAKE,
                message,
                order.view(),
            )
        )
        return order
    account.open(order)
    if order.time_in_force.name == "GTD" and cmd.expire_ns is not None:
        ex.schedule_expiry(order)
    if conditional:
        market.conditionals.append(order)
        ex.emit(OrderAccepted(ex.next_seq(), now, order.view()))
        return order
    if cost:
        ex.add_lock(account, order, lock_coin, cost)
    ex.emit(OrderAccepted(ex.next_seq(), now, order.view()))
    ex.execute(market, order)
    return order


def would_take(market: MarketState, order: Order) -> bool:
    """Whether a limit ``order`` would trade against the book right now (what post-only forbids)."""
    book = market.book
    if order.side is Side.BUY:
        best = book.best_ask()
        return best is not None and order.price_ticks is not None and order.price_ticks >= best
    best = book.best_bid()
    return best is not None and order.price_ticks is not None and order.price_ticks <= best


def find_order(
    ex: Exchange, account: Account, market: MarketState, order_id: str, client_order_id: str
) -> Order:
    """The account's order on ``market`` by id (preferred) or client id; rejects if not open."""
    if not isinstance(order_id, str) or not isinstance(client_order_id, str):
        raise Rejected(RejectReason.INVALID_ORDER, "order ids must be strings")
    if not order_id and not client_order_id:
        raise Rejected(RejectReason.INVALID_ORDER, "give an order id or a client order id")
    if not order_id:
        order_id = account.client_ids.get(client_order_id, "")
    order = account.open_orders.get(order_id)
    if order is not None and order.instrument is market.instrument:
        return order
    label = f"order {order_id or client_order_id!r}"
    closed = account.closed_by_id.get(order_id)
    if closed is not None and closed.instrument is market.instrument:
        raise Rejected(RejectReason.ORDER_CLOSED, f"{label} is already {closed.status.value}")
    raise Rejected(RejectReason.ORDER_NOT_FOUND, f"{label} does not exist on {market.instrument.symbol}")


def amend(ex: Exchange, cmd: AmendOrder) -> Order:
    """Change an open order's price, quantity or trigger price.

    A price change or a size increase sends the order to the back of its (new) level; a size
    decrease keeps its place. An amended price that crosses the book trades at once.
    """
    account = resolve_account(ex, cmd.account_id)
    market = resolve_market(ex, cmd.instrument_id)
    inst = market.instrument
    if market.status is not InstrumentStatus.TRADING:
        # An amend can cross and trade; orders can still be cancelled.
        raise Rejected(
            RejectReason.INSTRUMENT_NOT_TRADING, f"{inst.symbol} is not trading ({market.status.value})"
        )
    order = find_order(ex, account, market, cmd.order_id, cmd.client_order_id)
    new_lots = order.qty_lots if cmd.qty is None else qty_to_lots(inst, cmd.qty)
    new_price = order.price_ticks
    if cmd.price is not None:
        if order.order_type is OrderType.MARKET:
            raise Rejected(RejectReason.INVALID_ORDER, "the price of a market order cannot be amended")
        new_price = price_to_ticks(inst, cmd.price)
    new_trigger = order.trigger_price
    if cmd.trigger_price is not None:
        if order.status is not OrderStatus.UNTRIGGERED:
            raise Rejected(
                RejectReason.INVALID_TRIGGER, "only an untriggered order has a trigger price to amend"
            )
        new_trigger = inst.tick_size * price_to_ticks(inst, cmd.trigger_price, "trigger price")
        reference = market.reference_price(order.trigger_by or TriggerBy.LAST)
        if reference is not None and (
            (order.trigger_direction is TriggerDirection.RISE and new_trigger <= reference)
            or (order.trigger_direction is TriggerDirection.FALL and new_trigger >= reference)
        ):
            raise Rejected(RejectReason.INVALID_TRIGGER, f"trigger {new_trigger} is already past {reference}")
    if (new_lots, new_price, new_trigger) == (order.qty_lots, order.price_ticks, order.trigger_price):
        raise Rejected(RejectReason.NOTHING_TO_AMEND, "the amend changes nothing")
    if new_lots <= order.filled_lots:
        raise Rejected(
            RejectReason.INVALID_QUANTITY,
            f"qty {inst.lot_size * new_lots} must exceed the filled {inst.lot_size * order.filled_lots}",
        )
    if order.reduce_only and order.status is not OrderStatus.UNTRIGGERED and new_lots > order.qty_lots:
        # Placing caps a reduce-only order at the position; growing it later must not get past that.
        room = risk.reducible_lots(account, inst, order.side, order.position_idx)
        if new_lots - order.filled_lots > room:
            raise Rejected(
                RejectReason.REDUCE_ONLY_WOULD_INCREASE,
                f"qty {inst.lot_size * new_lots} would leave more than the position "
                f"({inst.lot_size * room}) to reduce",
            )
    old = (order.qty_lots, order.price_ticks)
    order.qty_lots, order.price_ticks = new_lots, new_price
    # An untriggered order is checked when it fires, as it was when it was placed.
    if order.post_only and order.status is not OrderStatus.UNTRIGGERED and would_take(market, order):
        order.qty_lots, order.price_ticks = old
        raise Rejected(RejectReason.POST_ONLY_WOULD_TAKE, "the amended post-only order would take liquidity")
    if order.status is not OrderStatus.UNTRIGGERED:
        try:
            ex.relock_funds(account, market, order)
        except Rejected:
            order.qty_lots, order.price_ticks = old
            raise
    order.trigger_price = new_trigger
    order.updated_ns = ex.clock.now_ns()
    order.transition(order.status)
    loses_priority = new_price != old[1] or new_lots > old[0]
    if order.resting:
        book = market.book
        ex.touch_book(market)
        if loses_priority:
            order.qty_lots, order.price_ticks = old
            order.resting = False
            book.unlink(order, eager=True)
            order.qty_lots, order.price_ticks = new_lots, new_price
        elif new_lots != old[0]:
            book.reduce(order, old[0] - new_lots)
    ex.emit(OrderAmended(ex.next_seq(), order.updated_ns, order.view()))
    if order.status is not OrderStatus.UNTRIGGERED and not order.resting:
        ex.execute(market, order)
    return order


def cancel(ex: Exchange, cmd: CancelOrder) -> Order:
    account = resolve_account(ex, cmd.account_id)
    market = resolve_market(ex, cmd.instrument_id)
    order = find_order(ex, account, market, cmd.order_id, cmd.client_order_id)
    ex.cancel_internal(order, CancelReason.USER)
    return order


def cancel_all(ex: Exchange, cmd: CancelAll) -> list[Order]:
    account = resolve_account(ex, cmd.account_id)
    inst = resolve_market(ex, cmd.instrument_id).instrument if cmd.instrument_id is not None else None
    chosen = []
    for order in account.open_orders.values():
        oi = order.instrument
        if inst is not None and oi is not inst:
            continue
        # The market, base and settle filters apply only when no instrument is given (CancelAll).
        if inst is None and (
            (cmd.market is not None and oi.market != cmd.market)
            or (cmd.base is not None and oi.base != cmd.base)
            or (cmd.settle is not None and oi.settle != cmd.settle)
        ):
            continue
        if cmd.side is not None and order.side is not cmd.side:
            continue
        # A conditional order is one still waiting for its trigger: once fired it is an ordinary order.
        waiting = order.status is OrderStatus.UNTRIGGERED
        if cmd.conditional is not None and waiting != cmd.conditional:
            continue
        chosen.append(order)
    for order in chosen:
        ex.cancel_internal(order, CancelReason.USER)
    return chosen


# -- settings -------------------------------------------------------------------------------


def _emit_positions(ex: Exchange, account: Account, market: MarketState) -> None:
    now = ex.clock.now_ns()
    leverage = account.leverage.get(market.instrument.id, market.instrument.default_leverage)
    for (instrument_id, _), position in account.positions.items():
        if instrument_id == market.instrument.id:
            view = position.view(leverage, market.valuation_price(), market.index_price)
            ex.emit(PositionChanged(ex.next_seq(), now, view))


def set_leverage(ex: Exchange, account_id: str, instrument_id: str, leverage: object) -> None:
    account = resolve_account(ex, account_id)
    market = resolve_market(ex, instrument_id)
    inst = market.instrument
    if inst.is_spot:
        raise Rejected(RejectReason.INVALID_LEVERAGE, "spot instruments have no leverage")
    value = parse_number(leverage, "leverage", RejectReason.INVALID_LEVERAGE)
    if not Decimal(1) <= value <= inst.max_leverage:
        raise Rejected(
            RejectReason.INVALID_LEVERAGE, f"leverage must be between 1 and {inst.max_leverage}, got {value}"
        )
    previous = account.leverage.get(inst.id, inst.default_leverage)
    if value == previous:
        raise Rejected(RejectReason.LEVERAGE_NOT_MODIFIED, f"leverage is already {previous}")
    account.leverage[inst.id] = value
    # Open orders on the instrument hold margin at the leverage too (untriggered ones hold none
    # yet): re-cost them, and accept the change only if the account can afford all of it.
    recosted = []
    if account.is_checked:
        for order in account.open_orders.values():
            if order.instrument is inst and order.status is not OrderStatus.UNTRIGGERED:
                _, cost = risk.order_cost(
                    account,
                    market,
                    order.side,
                    order.leaves_lots,
                    order.price_ticks,
                    order.position_idx,
                    order.reduce_only,
                )
                recosted.append((order, cost - order.locked))
    extra = sum((delta for _, delta in recosted), _ZERO)
    if account.is_checked and risk.available(ex, account, inst.settle) - extra < 0:
        account.leverage[inst.id] = previous
        raise Rejected(RejectReason.INSUFFICIENT_MARGIN, f"not enough margin for leverage {value}")
    for order, delta in recosted:
        if delta:
            ex.add_lock(account, order, inst.settle, delta)
    ex.touch_balance(account, inst.settle)
    _emit_positions(ex, account, market)


def set_position_mode(ex: Exchange, account_id: str, instrument_id: str, mode: PositionMode) -> None:
    account = resolve_account(ex, account_id)
    market = resolve_market(ex, instrument_id)
    inst = market.instrument
    if inst.is_spot or not isinstance(mode, PositionMode):
        raise Rejected(RejectReason.INVALID_ORDER, f"cannot set position mode {mode!r} on {inst.symbol}")
    if account.position_mode(inst.id) is mode:
        raise Rejected(RejectReason.POSITION_MODE_NOT_MODIFIED, f"position mode is already {mode.value}")
    busy = any(p.size for (i, _), p in account.positions.items() if i == inst.id) or any(
        o.instrument is inst for o in account.open_orders.values()
    )
    if busy:
        raise Rejected(
            RejectReason.POSITION_OR_ORDERS_EXIST,
            f"close the position and orders on {inst.symbol} before switching the position mode",
        )
    account.position_modes[inst.id] = mode


def set_margin_mode(ex: Exchange, account_id: str, mode: MarginMode) -> None:
    account = resolve_account(ex, account_id)
    if not isinstance(mode, MarginMode):
        raise Rejected(RejectReason.INVALID_ORDER, f"unknown margin mode {mode!r}")
    if account.margin_mode is mode:
        raise Rejected(RejectReason.MARGIN_MODE_NOT_MODIFIED, f"margin mode is already {mode.value}")
    account.margin_mode = mode


def set_trading_stop(
    ex: Exchange,
    account_id: str,
    instrument_id: str,
    position_idx: int,
    take_profit: object | None,
    stop_loss: object | None,
    trigger_by: TriggerBy,
) -> None:
    """Attach (or with 0, remove) a take-profit and/or stop-loss to a position.

    Each is a conditional reduce-only market order that closes the whole position when the
    reference price reaches it.
    """
    from simulator.core.commands import NewOrder  # local: commands imports orders, not trading

    account = resolve_account(ex, account_id)
    market = resolve_market(ex, instrument_id)
    inst = market.instrument
    position = account.positions.get((inst.id, position_idx))
    if position is None or not position.size:
        raise Rejected(RejectReason.INVALID_ORDER, f"there is no open position on {inst.symbol} to protect")
    long = position.size > 0
    plans = []
    for kind, value in ((StopKind.TAKE_PROFIT, take_profit), (StopKind.STOP_LOSS, stop_loss)):
        if value is None:
            continue
        price = parse_number(value, kind.value, RejectReason.INVALID_TRIGGER)
        rises = (kind is StopKind.TAKE_PROFIT) == long
        plans.append((kind, price, TriggerDirection.RISE if rises else TriggerDirection.FALL))
    # Validate every new trigger, and the order that carries it, before touching the old ones, so
    # a rejection changes nothing.
    kinds = {kind for kind, _, _ in plans}
    replaced = [
        order
        for order in market.conditionals
        if order.account_id == account_id
        and order.position_idx == position_idx
        and order.close_on_trigger
        and order.stop_kind in kinds
    ]
    commands = []
    for kind, price, direction in plans:
        if price:
            reference = market.reference_price(trigger_by)
            price_to_ticks(inst, price, f"{kind.value} price")
            if reference is not None and (
                (direction is TriggerDirection.RISE and price <= reference)
                or (direction is TriggerDirection.FALL and price >= reference)
            ):
                side = "above" if direction is TriggerDirection.RISE else "below"
                raise Rejected(
                    RejectReason.INVALID_TRIGGER,
                    f"{kind.value} {price} must be {side} the {trigger_by.value} price {reference}",
                )
            commands.append(
                NewOrder(
                    account_id=account_id,
                    instrument_id=inst.id,
                    side=Side.SELL if long else Side.BUY,
                    order_type=OrderType.MARKET,
                    qty=inst.lot_size * int(abs(position.size) / inst.lot_size),
                    reduce_only=True,
                    close_on_trigger=True,
                    position_idx=position_idx,
                    trigger_price=price,
                    trigger_by=trigger_by,
                    trigger_direction=direction,
                    stop_kind=kind,
                )
            )
    for placed, cmd in enumerate(commands):
        # Checked as it will be placed: after the replaced orders are gone and the earlier new ones in.
        validate_new_order(ex, cmd, freed_slots=len(replaced) - placed)
    for order in replaced:
        ex.cancel_internal(order, CancelReason.USER)
    for kind, price, _ in plans:
        if kind is StopKind.TAKE_PROFIT:
            position.take_profit = price or None
        else:
            position.stop_loss = price or None
    for cmd in commands:
        place(ex, cmd)
    _emit_positions(ex, account, market)
