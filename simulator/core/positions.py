"""Derivative positions: size, average entry, realized PnL, and the margin they need.

Sizes are signed Decimals (positive long, negative short) in the instrument's quantity unit
(contracts for inverse instruments). PnL is in the settle coin and follows the contract math of
:class:`~simulator.core.instruments.Instrument`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from simulator.core.instruments import Instrument

__all__ = ["OPTION_SHORT_MARGIN_RATE", "Position", "PositionView"]

_ZERO = Decimal(0)

#: Initial margin of a short option, as a fraction of the underlying's value, on top of the mark
#: premium. A simplification of the venues' option margin schedules, documented in docs/core.md.
OPTION_SHORT_MARGIN_RATE = Decimal("0.1")


class PositionView(NamedTuple):
    account_id: str
    instrument: Instrument
    position_idx: int
    size: Decimal
    entry_price: Decimal
    leverage: Decimal
    realized_pnl: Decimal
    fees_paid: Decimal
    funding: Decimal
    mark_price: Decimal | None
    unrealized_pnl: Decimal
    initial_margin: Decimal
    maintenance_margin: Decimal
    take_profit: Decimal | None
    stop_loss: Decimal | None
    created_ns: int
    updated_ns: int

    @property
    def instrument_id(self) -> str:
        return self.instrument.id

    @property
    def value(self) -> Decimal:
        """Position value at entry, in the settle coin."""
        if not self.size:
            return _ZERO
        return self.instrument.value(self.entry_price, abs(self.size))


class Position:
    __slots__ = (
        "account_id",
        "created_ns",
        "entry_price",
        "fees_paid",
        "funding",
        "instrument",
        "position_idx",
        "realized_pnl",
        "size",
        "stop_loss",
        "take_profit",
        "updated_ns",
    )

    def __init__(self, account_id: str, instrument: Instrument, position_idx: int, now_ns: int) -> None:
        self.account_id = account_id
        self.instrument = instrument
        self.position_idx = position_idx
        self.size = _ZERO
        self.entry_price = _ZERO
        #: Trading and settlement PnL realized so far (fees and funding are kept apart).
        self.realized_pnl = _ZERO
        self.fees_paid = _ZERO
        #: Funding received (negative when paid).
        self.funding = _ZERO
        self.take_profit: Decimal | None = None
        self.stop_loss: Decimal | None = None
        self.created_ns = now_ns
        self.updated_ns = now_ns

    def apply(self, signed_qty: Decimal, price: Decimal) -> tuple[Decimal, Decimal]:
        """Apply a fill of ``signed_qty`` at ``price``. Returns ``(realized_pnl, closed_qty)``.

        The part that reduces the position realizes PnL against the entry price; the part that
        grows it (or opens the other side after a flip) moves the average entry.
        """
        inst = self.instrument
        size = self.size
        realized = _ZERO
        closed = _ZERO
        if size and (size > 0) != (signed_qty > 0):
            closed = min(abs(signed_qty), abs(size))
            realized = inst.pnl(1 if size > 0 else -1, self.entry_price, price, closed)
            self.realized_pnl += realized
            new_size = size + signed_qty
            if not new_size:
                self.entry_price = _ZERO
            elif (new_size > 0) != (size > 0):
                self.entry_price = price  # flipped: the remainder opened at this price
            self.size = new_size
        elif size:
            self.entry_price = inst.average_entry(abs(size), self.entry_price, abs(signed_qty), price)
            self.size = size + signed_qty
        else:
            self.entry_price = price
            self.size = signed_qty
        return realized, closed

    def unrealized_pnl(self, mark: Decimal | None) -> Decimal:
        if not self.size or mark is None:
            return _ZERO
        return self.instrument.pnl(1 if self.size > 0 else -1, self.entry_price, mark, abs(self.size))

    def initial_margin(self, leverage: Decimal, mark: Decimal | None, index: Decimal | None) -> Decimal:
        """Margin the position holds, in the settle coin.

        Futures: position value at entry over leverage. Long options hold none (the premium was
        paid in full); short options hold their mark premium plus a share of the underlying.
        """
        if not self.size:
            return _ZERO
        inst = self.instrument
        qty = abs(self.size)
        if inst.is_option:
            if self.size > 0:
                return _ZERO
            premium = mark if mark is not None else self.entry_price
            underlying = index if index is not None else (inst.strike or _ZERO)
            return (premium + OPTION_SHORT_MARGIN_RATE * underlying) * qty * inst.contract_size
        return inst.value(self.entry_price, qty) / leverage

    def maintenance_margin(self, mark: Decimal | None) -> Decimal:
        if not self.size:
            return _ZERO
        price = mark if mark is not None else self.entry_price
        return self.instrument.value(price, abs(self.size)) * self.instrument.maintenance_margin_rate

    def view(self, leverage: Decimal, mark: Decimal | None, index: Decimal | None) -> PositionView:
        return PositionView(
            self.account_id,
            self.instrument,
            self.position_idx,
            self.size,
            self.entry_price,
            leverage,
            self.realized_pnl,
            self.fees_paid,
            self.funding,
            mark,
            self.unrealized_pnl(mark),
            self.initial_margin(leverage, mark, index),
            self.maintenance_margin(mark),
            self.take_profit,
            self.stop_loss,
            self.created_ns,
            self.updated_ns,
        )
