"""Checking commands: numbers, instrument filters, flags, ids and funds.

Every check raises :class:`~simulator.core.errors.Rejected` with a reason and a sentence; nothing
here changes state, so a rejected command leaves the exchange exactly as it was.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from simulator.core import risk
from simulator.core.enums import (
    InstrumentStatus,
    OrderType,
    PositionMode,
    Side,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
)
from simulator.core.errors import Rejected, RejectReason
from simulator.core.instruments import Instrument

if TYPE_CHECKING:
    from simulator.core.accounts import Account
    from simulator.core.commands import NewOrder
    from simulator.core.exchange import Exchange
    from simulator.core.market import MarketState

__all__ = [
    "check_position_idx",
    "parse_number",
    "price_to_ticks",
    "qty_to_lots",
    "resolve_account",
    "resolve_market",
    "validate_new_order",
]


def parse_number(value: object, name: str, reason: RejectReason) -> Decimal:
    """A finite Decimal from a Decimal, int or numeric string, else a rejection naming ``name``."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise Rejected(reason, f"{name} {value!r} is not a number") from None
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        raise Rejected(reason, f"{name} must be a number, got {type(value).__name__}")
    if not number.is_finite():
        raise Rejected(reason, f"{name} must be finite, got {value!r}")
    return number


def price_to_ticks(inst: Instrument, value: object, name: str = "price") -> int:
    price = parse_number(value, name, RejectReason.INVALID_PRICE)
    if price <= 0:
        raise Rejected(RejectReason.INVALID_PRICE, f"{name} must be positive, got {price}")
    try:
        ticks, rest = divmod(price, inst.tick_size)
    except ArithmeticError:  # DivisionImpossible: more ticks than the decimal context holds
        raise Rejected(RejectReason.INVALID_PRICE, f"{name} {price} is out of range") from None
    if rest:
        raise Rejected(
            RejectReason.PRICE_OFF_TICK, f"{name} {price} is not a multiple of the tick size {inst.tick_size}"
        )
    return int(ticks)


def qty_to_lots(inst: Instrument, value: object) -> int:
    qty = parse_number(value, "qty", RejectReason.INVALID_QUANTITY)
    if qty <= 0:
        raise Rejected(RejectReason.INVALID_QUANTITY, f"qty must be positive, got {qty}")
    try:
        lots, rest = divmod(qty, inst.lot_size)
    except ArithmeticError:  # DivisionImpossible: more lots than the decimal context holds
        if qty > inst.max_qty:
            raise Rejected(
                RejectReason.QUANTITY_ABOVE_MAX, f"qty {qty} is above the maximum {inst.max_qty}"
            ) from None
        raise Rejected(RejectReason.INVALID_QUANTITY, f"qty {qty} is out of range") from None
    if rest:
        raise Rejected(
            RejectReason.QUANTITY_OFF_LOT, f"qty {qty} is not a multiple of the lot size {inst.lot_size}"
        )
    if qty < inst.min_qty:
        raise Rejected(RejectReason.QUANTITY_BELOW_MIN, f"qty {qty} is below the minimum {inst.min_qty}")
    if qty > inst.max_qty:
        raise Rejected(RejectReason.QUANTITY_ABOVE_MAX, f"qty {qty} is above the maximum {inst.max_qty}")
    return int(lots)


def resolve_account(ex: Exchange, account_id: str) -> Account:
    # A non-string id (a list, say) is no account: looking it up must not raise.
    account = ex.accounts.get(account_id) if isinstance(account_id, str) else None
    if account is None:
        raise Rejected(RejectReason.UNKNOWN_ACCOUNT, f"no account {account_id!r}")
    return account


def resolve_market(ex: Exchange, instrument_id: str) -> MarketState:
    market = ex.markets.get(instrument_id) if isinstance(instrument_id, str) else None
    if market is None:
        raise Rejected(RejectReason.UNKNOWN_INSTRUMENT, f"no instrument {instrument_id!r}")
    return market


def check_position_idx(account: Account, inst: Instrument, position_idx: object) -> int:
    if inst.is_spot:
        allowed: tuple[int, ...] = (0,)
    elif account.position_mode(inst.id) is PositionMode.HEDGE:
        allowed = (1, 2)
    else:
        allowed = (0,)
    if position_idx not in allowed or isinstance(position_idx, bool):
        raise Rejected(
            RejectReason.POSITION_IDX_MISMATCH,
            f"position index {position_idx!r} does not match the position mode (expected one of {allowed})",
        )
    assert isinstance(position_idx, int)
    return position_idx


def _check_trigger(market: MarketState, cmd: NewOrder) -> tuple[Decimal, TriggerDirection]:
    inst = market.instrument
    ticks = price_to_ticks(inst, cmd.trigger_price, "trigger price")
    trigger = inst.tick_size * ticks
    if not isinstance(cmd.trigger_by, TriggerBy):
        raise Rejected(RejectReason.INVALID_TRIGGER, f"unknown trigger reference {cmd.trigger_by!r}")
    reference = market.reference_price(cmd.trigger_by)
    direction = cmd.trigger_direction
    if direction is None:
        if reference is None:
            raise Rejected(
                RejectReason.INVALID_TRIGGER,
                f"no {cmd.trigger_by.value} price yet: give a trigger direction",
            )
        direction = TriggerDirection.RISE if trigger > reference else TriggerDirection.FALL
    elif not isinstance(direction, TriggerDirection):
        raise Rejected(RejectReason.INVALID_TRIGGER, f"unknown trigger direction {direction!r}")
    if reference is not None:
        rising = direction is TriggerDirection.RISE
        if (rising and trigger <= reference) or (not rising and trigger >= reference):
            where = "above" if rising else "below"
            raise Rejected(
                RejectReason.INVALID_TRIGGER,
                f"trigger {trigger} must be {where} the {cmd.trigger_by.value} price {reference}",
            )
    return trigger, direction


class CheckedOrder:
    """The outcome of validating a :class:`NewOrder`: everything needed to create the order."""

    __slots__ = (
        "account",
        "direction",
        "lots",
        "market",
        "position_idx",
        "price_ticks",
        "quote_budget",
        "tif",
        "trigger",
    )

    def __init__(self) -> None:
        self.trigger: Decimal | None = None
        self.direction: TriggerDirection | None = None
        self.quote_budget: Decimal | None = None


def validate_new_order(ex: Exchange, cmd: NewOrder, *, freed_slots: int = 0) -> CheckedOrder:
    """Check a new order up to (not including) funds and post-only, which need its final size.

    ``freed_slots``: open orders of the account that will be gone when the order is placed (a
    take-profit replacing the old one), for the open-order limit.
    """
    checked = CheckedOrder()
    account = checked.account = resolve_account(ex, cmd.account_id)
    market = checked.market = resolve_market(ex, cmd.instrument_id)
    inst = market.instrument
    if market.status is not InstrumentStatus.TRADING:
        raise Rejected(
            RejectReason.INSTRUMENT_NOT_TRADING, f"{inst.symbol} is not trading ({market.status.value})"
        )
    if not isinstance(cmd.side, Side):
        raise Rejected(RejectReason.INVALID_ORDER, f"unknown side {cmd.side!r}")
    if not isinstance(cmd.order_type, OrderType):
        raise Rejected(RejectReason.INVALID_ORDER, f"unknown order type {cmd.order_type!r}")
    tif = cmd.time_in_force
    if not isinstance(tif, TimeInForce):
        raise Rejected(RejectReason.INVALID_ORDER, f"unknown time in force {tif!r}")
    is_market = cmd.order_type is OrderType.MARKET
    if is_market:
        if cmd.post_only:
            raise Rejected(RejectReason.INVALID_ORDER, "a market order cannot be post-only")
        # Market orders never rest: anything they cannot fill at once is cancelled.
        if tif is not TimeInForce.FOK:
            tif = TimeInForce.IOC
        checked.price_ticks = None
    else:
        if cmd.price is None:
            raise Rejected(RejectReason.PRICE_REQUIRED, "a limit order needs a price")
        checked.price_ticks = price_to_ticks(inst, cmd.price)
        if cmd.post_only and tif in (TimeInForce.IOC, TimeInForce.FOK):
            raise Rejected(RejectReason.INVALID_ORDER, f"a post-only order cannot be {tif.name}")
    checked.tif = tif
    expire_ok = isinstance(cmd.expire_ns, int) and cmd.expire_ns > ex.clock.now_ns()
    if tif is TimeInForce.GTD and not expire_ok:
        raise Rejected(RejectReason.INVALID_EXPIRE_TIME, "a GTD order needs an expire time in the future")
    if cmd.quote_quantity:
        if not (inst.is_spot and is_market and cmd.side is Side.BUY):
            raise Rejected(RejectReason.INVALID_ORDER, "quote quantity is only for spot market buys")
        if cmd.trigger_price is not None:
            # Its size comes from the book when it is placed; a conditional order has no book yet.
            raise Rejected(RejectReason.INVALID_ORDER, "a conditional order cannot have a quote quantity")
        budget = parse_number(cmd.qty, "qty", RejectReason.INVALID_QUANTITY)
        if budget <= 0:
            raise Rejected(RejectReason.INVALID_QUANTITY, f"qty must be positive, got {budget}")
        if budget < inst.min_notional:
            raise Rejected(
                RejectReason.NOTIONAL_BELOW_MIN,
                f"order value {budget} is below the minimum {inst.min_notional}",
            )
        checked.quote_budget = budget
        checked.lots = 0
    else:
        checked.lots = qty_to_lots(inst, cmd.qty)
    if cmd.reduce_only and inst.is_spot:
        raise Rejected(RejectReason.REDUCE_ONLY_NOT_SUPPORTED, "spot orders cannot be reduce-only")
    checked.position_idx = check_position_idx(account, inst, cmd.position_idx)
    if not isinstance(cmd.client_order_id, str):
        raise Rejected(RejectReason.INVALID_ORDER, "client order id must be a string")
    if cmd.client_order_id and cmd.client_order_id in account.client_ids:
        raise Rejected(
            RejectReason.DUPLICATE_CLIENT_ORDER_ID,
            f"client order id {cmd.client_order_id!r} was already used",
        )
    if len(account.open_orders) - freed_slots >= ex.max_open_orders and account.is_checked:
        raise Rejected(
            RejectReason.TOO_MANY_OPEN_ORDERS, f"an account may hold at most {ex.max_open_orders} open orders"
        )
    if cmd.trigger_price is not None:
        checked.trigger, checked.direction = _check_trigger(market, cmd)
    elif cmd.close_on_trigger:
        raise Rejected(RejectReason.INVALID_ORDER, "close-on-trigger needs a trigger price")
    if inst.min_notional and checked.quote_budget is None:
        reference = (
            inst.tick_size * checked.price_ticks
            if checked.price_ticks is not None
            else risk.reference_fill_price(market, cmd.side)
        )
        if reference is not None:
            value = inst.lot_size * checked.lots * inst.contract_size
            if not inst.is_inverse:  # an inverse contract is worth contract_size of the quote coin
                value *= reference
            if value < inst.min_notional:
                raise Rejected(
                    RejectReason.NOTIONAL_BELOW_MIN,
                    f"order value {value} is below the minimum {inst.min_notional}",
                )
    return checked
