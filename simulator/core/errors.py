"""Typed reasons for rejected commands.

The core never raises at its callers for a bad command: it answers with a result that carries a
:class:`RejectReason` and a sentence. :class:`Rejected` is the internal exception used to unwind
validation; it is caught at the command boundary in :mod:`simulator.core.exchange`.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["CoreUsageError", "RejectReason", "Rejected"]


class RejectReason(Enum):
    UNKNOWN_INSTRUMENT = "unknown_instrument"
    UNKNOWN_ACCOUNT = "unknown_account"
    INSTRUMENT_NOT_TRADING = "instrument_not_trading"
    INVALID_QUANTITY = "invalid_quantity"
    QUANTITY_BELOW_MIN = "quantity_below_min"
    QUANTITY_ABOVE_MAX = "quantity_above_max"
    QUANTITY_OFF_LOT = "quantity_off_lot"
    INVALID_PRICE = "invalid_price"
    PRICE_OFF_TICK = "price_off_tick"
    PRICE_REQUIRED = "price_required"
    NOTIONAL_BELOW_MIN = "notional_below_min"
    INVALID_TRIGGER = "invalid_trigger"
    INVALID_EXPIRE_TIME = "invalid_expire_time"
    INVALID_ORDER = "invalid_order"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    INSUFFICIENT_MARGIN = "insufficient_margin"
    POST_ONLY_WOULD_TAKE = "post_only_would_take"
    REDUCE_ONLY_WOULD_INCREASE = "reduce_only_would_increase"
    REDUCE_ONLY_NOT_SUPPORTED = "reduce_only_not_supported"
    DUPLICATE_CLIENT_ORDER_ID = "duplicate_client_order_id"
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_CLOSED = "order_closed"
    NOTHING_TO_AMEND = "nothing_to_amend"
    TOO_MANY_OPEN_ORDERS = "too_many_open_orders"
    POSITION_IDX_MISMATCH = "position_idx_mismatch"
    INVALID_LEVERAGE = "invalid_leverage"
    LEVERAGE_NOT_MODIFIED = "leverage_not_modified"
    POSITION_MODE_NOT_MODIFIED = "position_mode_not_modified"
    POSITION_OR_ORDERS_EXIST = "position_or_orders_exist"
    MARGIN_MODE_NOT_MODIFIED = "margin_mode_not_modified"


class Rejected(Exception):
    """Unwinds validation of one command; never escapes the core."""

    __slots__ = ("message", "reason")

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class CoreUsageError(ValueError):
    """A programming or set-up mistake by the caller of the core (not a venue rejection).

    Raised by set-up APIs (adding instruments, accounts, seeding positions) whose misuse is a bug
    in the scenario or the test, never by trading commands.
    """
