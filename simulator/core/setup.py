"""Setting up and scripting the venue: instruments, accounts, seeded state, market moves, time.

This is the part of :class:`~simulator.core.exchange.Exchange` a scenario or a test drives. Set-up
mistakes (an unknown account, a duplicate instrument, a crossed seed book) raise
:class:`~simulator.core.errors.CoreUsageError` with a sentence that says what to fix: they are bugs
in the scenario, not venue rejections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.core import lifecycle
from simulator.core.accounts import Account
from simulator.core.clock import NS_PER_S, VirtualClock
from simulator.core.enums import (
    AccountKind,
    InstrumentStatus,
    LedgerKind,
    LiquiditySide,
    OrderType,
    Side,
    TimeInForce,
)
from simulator.core.errors import CoreUsageError
from simulator.core.events import IndexPriceChanged, MarkPriceChanged, TradeOccurred
from simulator.core.instruments import Instrument
from simulator.core.market import MarketState, TradeRecord
from simulator.core.matching import position_for, settle_fill
from simulator.core.orders import Order

if TYPE_CHECKING:
    from simulator.core.exchange import Exchange

__all__ = ["MARKET_ACCOUNT", "TAKER_ACCOUNT", "SetupMixin"]

#: The participant that holds scripted resting liquidity and the other side of seeded positions.
MARKET_ACCOUNT = "__market__"
#: The participant that takes liquidity in scripted trades and synthetic flow.
TAKER_ACCOUNT = "__taker__"


def _decimal(value: Decimal | str | int, what: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        raise CoreUsageError(f"{what} must be a number, got {value!r}") from None
    if not number.is_finite():
        raise CoreUsageError(f"{what} must be finite, got {value!r}")
    return number


def _price(value: Decimal | str | int, what: str) -> Decimal:
    number = _decimal(value, what)
    if number <= 0:  # a zero mark would divide by zero in inverse contract math
        raise CoreUsageError(f"{what} must be positive, got {value!r}")
    return number


class SetupMixin:
    """Set-up, scripting and time control for :class:`~simulator.core.exchange.Exchange`."""

    # -- instruments and accounts -------------------------------------------------------------

    def add_instrument(
        self: Exchange,
        instrument: Instrument,
        *,
        last_price: Decimal | str | None = None,
        mark_price: Decimal | str | None = None,
        index_price: Decimal | str | None = None,
        funding_rate: Decimal | str | None = None,
        status: InstrumentStatus | None = None,
    ) -> MarketState:
        """List an instrument. Schedules its activation, funding and expiry on the clock."""
        if instrument.id in self.markets:
            raise CoreUsageError(f"instrument {instrument.id} is already listed")
        now = self.clock.now_ns()
        if instrument.expiry_ns is not None and instrument.expiry_ns <= now:
            raise CoreUsageError(f"instrument {instrument.id} expired before the clock's start ({now} ns)")
        pre_launch = instrument.activation_ns is not None and instrument.activation_ns > now
        if status is None:
            status = InstrumentStatus.PRE_LAUNCH if pre_launch else InstrumentStatus.TRADING
        market = MarketState(instrument, status)
        if last_price is not None:
            market.last_price = _price(last_price, "last_price")
        if mark_price is not None:
            market.mark_price = _price(mark_price, "mark_price")
        if index_price is not None:
            market.index_price = _price(index_price, "index_price")
        if funding_rate is not None:
            market.funding_rate = _decimal(funding_rate, "funding_rate")
        self.markets[instrument.id] = market
        if pre_launch:
            assert instrument.activation_ns is not None
            self._schedule(instrument.activation_ns, lambda: self._activate_market(market))
        if instrument.is_perpetual:
            interval = instrument.funding_interval_s * NS_PER_S
            market.next_funding_ns = (now // interval + 1) * interval
            self._schedule(market.next_funding_ns, lambda: self._funding(market))
        if instrument.expiry_ns is not None:
            self._schedule(instrument.expiry_ns, lambda: lifecycle.settle_instrument(self, market))
        return market

    def _activate_market(self: Exchange, market: MarketState) -> None:
        if market.status is InstrumentStatus.PRE_LAUNCH:
            lifecycle.set_status(self, market, InstrumentStatus.TRADING)

    def _funding(self: Exchange, market: MarketState) -> None:
        if market.status is not InstrumentStatus.SETTLED:
            lifecycle.apply_funding(self, market)
        interval = market.instrument.funding_interval_s * NS_PER_S
        assert market.next_funding_ns is not None
        market.next_funding_ns += interval
        self._schedule(market.next_funding_ns, lambda: self._funding(market))

    def _new_account(self: Exchange, account_id: str, kind: AccountKind) -> Account:
        account = Account(account_id, kind)
        self.accounts[account_id] = account
        return account

    def add_account(
        self: Exchange,
        account_id: str,
        *,
        kind: AccountKind = AccountKind.USER,
        balances: dict[str, Decimal | str | int] | None = None,
    ) -> Account:
        if not isinstance(account_id, str) or not account_id:
            raise CoreUsageError("an account needs a non-empty string id")
        if account_id in self.accounts:
            raise CoreUsageError(f"account {account_id!r} already exists")
        account = self._new_account(account_id, kind)
        for coin, amount in (balances or {}).items():
            self.deposit(account_id, coin, amount)
        return account

    def participant(self: Exchange, account_id: str) -> Account:
        """The participant account ``account_id``, created on first use."""
        account = self.accounts.get(account_id)
        if account is None:
            account = self._new_account(account_id, AccountKind.PARTICIPANT)
        return account

    def _account(self: Exchange, account_id: str) -> Account:
        account = self.accounts.get(account_id)
        if account is None:
            raise CoreUsageError(f"no account {account_id!r}: add it with add_account() first")
        return account

    def _market(self: Exchange, instrument_id: str) -> MarketState:
        market = self.markets.get(instrument_id)
        if market is None:
            known = ", ".join(sorted(self.markets)) or "none"
            raise CoreUsageError(f"no instrument {instrument_id!r} (listed: {known})")
        return market

    def deposit(self: Exchange, account_id: str, coin: str, amount: Decimal | str | int) -> tuple[Any, ...]:
        """Credit (or with a negative amount, debit) a wallet balance from outside the venue."""
        account = self._account(account_id)
        value = _decimal(amount, f"{coin} deposit")
        return self._run(
            lambda: (account.book(coin, value, LedgerKind.DEPOSIT), self.touch_balance(account, coin))
        )[1]

    def seed_borrow(
        self: Exchange, account_id: str, coin: str, amount: Decimal | str | int
    ) -> tuple[Any, ...]:
        """Lend ``amount`` of ``coin`` to an account (spot margin borrowing), as if borrowed earlier.

        The coins are credited to the wallet (``LedgerKind.BORROW``) and the liability is added to
        ``Account.borrowed``, which balance views report as ``borrowed``. The borrowed coins are
        spendable like any other; no interest accrues and the liability is not margined.

        Parameters:
            account_id: an existing account.
            coin: the coin borrowed.
            amount: a positive amount.

        Raises:
            CoreUsageError: unknown account, or an amount that is not a positive number.
        """
        account = self._account(account_id)
        value = _decimal(amount, f"{coin} borrow")
        if value <= 0:
            raise CoreUsageError(f"a {coin} borrow must be positive, got {amount!r}")

        def borrow() -> None:
            account.borrowed[coin] = account.borrowed.get(coin, Decimal(0)) + value
            account.book(coin, value, LedgerKind.BORROW)
            self.touch_balance(account, coin)

        return self._run(borrow)[1]

    def seed_position(
        self: Exchange,
        account_id: str,
        instrument_id: str,
        size: Decimal | str | int,
        entry_price: Decimal | str | int,
        *,
        position_idx: int = 0,
        counterparty: str = MARKET_ACCOUNT,
    ) -> tuple[Any, ...]:
        """Give an account a pre-existing position (no cash changes hands: it was opened earlier).

        The opposite position goes to ``counterparty`` so that open interest stays balanced.
        """
        account = self._account(account_id)
        market = self._market(instrument_id)
        if market.instrument.is_spot:
            raise CoreUsageError("spot instruments have no positions: seed balances instead")
        qty = _decimal(size, "size")
        price = _decimal(entry_price, "entry_price")
        if not qty or price <= 0:
            raise CoreUsageError("a seeded position needs a non-zero size and a positive entry price")
        other = (
            self.participant(counterparty)
            if counterparty not in self.accounts
            else self.accounts[counterparty]
        )

        def seed() -> None:
            now = self.clock.now_ns()
            for holder, signed, idx in ((account, qty, position_idx), (other, -qty, 0)):
                position = position_for(self, holder, market, idx, now)
                realized, _ = position.apply(signed, price)
                # Seeding against an existing opposite position closes part of it at the entry
                # price: book that PnL, or the wallets no longer add up (options: premium only).
                if realized and not market.instrument.is_option:
                    holder.book(market.instrument.settle, realized, LedgerKind.REALIZED_PNL)
                self.position_changed(holder, market, position)
                self.touch_balance(holder, market.instrument.settle)

        return self._run(seed)[1]

    def seed_book(
        self: Exchange,
        instrument_id: str,
        *,
        bids: Iterable[tuple[Decimal | str | int, Decimal | str | int]] = (),
        asks: Iterable[tuple[Decimal | str | int, Decimal | str | int]] = (),
        account_id: str = MARKET_ACCOUNT,
    ) -> list[Any]:
        """Rest participant limit orders at the given ``(price, qty)`` levels."""
        from simulator.core.commands import NewOrder  # commands is a leaf; imported late for clarity

        self._market(instrument_id)
        bid_list, ask_list = list(bids), list(asks)
        if bid_list and ask_list:
            best_bid = max(_decimal(p, "bid price") for p, _ in bid_list)
            best_ask = min(_decimal(p, "ask price") for p, _ in ask_list)
            if best_bid >= best_ask:
                raise CoreUsageError(f"seeded book is crossed: best bid {best_bid} >= best ask {best_ask}")
        account = self.participant(account_id)
        results = []
        for side, levels in ((Side.BUY, bid_list), (Side.SELL, ask_list)):
            for price, qty in levels:
                result = self.place_order(
                    NewOrder(account.account_id, instrument_id, side, OrderType.LIMIT, qty, price)
                )
                if not result.ok:
                    raise CoreUsageError(f"cannot seed {side.name} {qty} @ {price}: {result.message}")
                results.append(result)
        return results

    # -- market scripting -----------------------------------------------------------------------

    def _mover(
        self: Exchange, instrument_id: str, which: str, price: Decimal | str | int
    ) -> Callable[[], None]:
        """A callback that sets the mark or index price of an instrument and revalues holders."""
        market = self._market(instrument_id)
        value = _price(price, f"{which} price")
        event = MarkPriceChanged if which == "mark" else IndexPriceChanged

        def move() -> None:
            setattr(market, f"{which}_price", value)
            self.emit(event(self.next_seq(), self.clock.now_ns(), instrument_id, value))
            self._revalue(market)

        return move

    def set_mark_price(self: Exchange, instrument_id: str, price: Decimal | str | int) -> tuple[Any, ...]:
        return self._run(self._mover(instrument_id, "mark", price))[1]

    def set_index_price(self: Exchange, instrument_id: str, price: Decimal | str | int) -> tuple[Any, ...]:
        return self._run(self._mover(instrument_id, "index", price))[1]

    def _revalue(self: Exchange, market: MarketState) -> None:
        """A reference price moved: re-check triggers and every holder's funds."""
        self.reference_moved(market)
        for (account_id, _), _position in market.holders.items():
            self.touch_balance(self.accounts[account_id], market.instrument.settle)

    def set_funding_rate(self: Exchange, instrument_id: str, rate: Decimal | str | int) -> None:
        self._market(instrument_id).funding_rate = _decimal(rate, "funding rate")

    def set_settlement_price(self: Exchange, instrument_id: str, price: Decimal | str | int) -> None:
        self._market(instrument_id).settlement_price = _price(price, "settlement price")

    def set_instrument_status(
        self: Exchange, instrument_id: str, status: InstrumentStatus
    ) -> tuple[Any, ...]:
        """Halt or resume trading (open orders stay; new ones are rejected while halted).

        Setting SETTLED expires the instrument now, settling its positions.
        """
        market = self._market(instrument_id)
        if status is InstrumentStatus.SETTLED:
            return self._run(lambda: lifecycle.settle_instrument(self, market))[1]
        return self._run(lambda: lifecycle.set_status(self, market, status))[1]

    def record_trade(
        self: Exchange,
        instrument_id: str,
        price: Decimal | str | int,
        qty: Decimal | str | int,
        aggressor: Side = Side.BUY,
    ) -> tuple[Any, ...]:
        """Print a trade between two participants outside the book (a scripted market trade).

        It moves the last price (and so last-price triggers) and is booked like any trade, so
        balances and open interest stay consistent.
        """
        market = self._market(instrument_id)
        inst = market.instrument
        value = _decimal(price, "trade price")
        problem = CoreUsageError(f"a scripted trade needs a price on tick and a qty on lot for {inst.id}")
        try:
            ticks, rest = divmod(value, inst.tick_size)
            lots, lot_rest = divmod(_decimal(qty, "trade qty"), inst.lot_size)
        except ArithmeticError:  # more ticks or lots than the decimal context holds
            raise problem from None
        if rest or lot_rest or ticks <= 0 or lots <= 0:
            raise problem

        def trade() -> None:
            now = self.clock.now_ns()
            trade_id = self.ids.next_trade_id()
            sides = ((TAKER_ACCOUNT, aggressor), (MARKET_ACCOUNT, aggressor.opposite))
            for account_id, side in sides:
                account = self.participant(account_id)
                order = Order(
                    order_id=f"scripted-{trade_id}",
                    client_order_id="",
                    account_id=account.account_id,
                    instrument=inst,
                    side=side,
                    order_type=OrderType.LIMIT,
                    time_in_force=TimeInForce.GTC,
                    price_ticks=int(ticks),
                    qty_lots=int(lots),
                    created_ns=now,
                )
                liquidity = LiquiditySide.TAKER if side is aggressor else LiquiditySide.MAKER
                settle_fill(
                    self,
                    market,
                    order,
                    inst.tick_size * int(ticks),
                    inst.lot_size * int(lots),
                    int(lots),
                    liquidity,
                    trade_id,
                    now,
                )
            market.last_price = inst.tick_size * int(ticks)
            record = TradeRecord(trade_id, now, market.last_price, inst.lot_size * int(lots), aggressor)
            market.trades.append(record)
            self.emit(
                TradeOccurred(self.next_seq(), now, inst.id, trade_id, record.price, record.qty, aggressor)
            )
            self.reference_moved(market)

        return self._run(trade)[1]

    def schedule_mark_price(
        self: Exchange, instrument_id: str, at_ns: int, price: Decimal | str | int
    ) -> None:
        self._schedule(at_ns, self._mover(instrument_id, "mark", price))

    def schedule_index_price(
        self: Exchange, instrument_id: str, at_ns: int, price: Decimal | str | int
    ) -> None:
        self._schedule(at_ns, self._mover(instrument_id, "index", price))

    def schedule(self: Exchange, at_ns: int, action: Callable[[Exchange], None]) -> None:
        """Run ``action(exchange)`` at ``at_ns`` on the venue clock, inside a command boundary."""
        self._schedule(at_ns, lambda: action(self))

    # -- time -------------------------------------------------------------------------------------

    def _schedule(self: Exchange, at_ns: int, callback: Callable[[], None]) -> None:
        self.timers.schedule(at_ns, callback)

    def next_due_ns(self: Exchange) -> int | None:
        """When the next timed venue behaviour is due (for a real-clock driver to sleep until)."""
        return self.timers.next_due_ns()

    def run_due(self: Exchange) -> list[Any]:
        """Fire every timer due by the clock's current time (real-clock drivers call this)."""
        events: list[Any] = []
        now = self.clock.now_ns()
        while (item := self.timers.pop_due(now)) is not None:
            events.extend(self._run(item[1])[1])
        return events

    def advance(self: Exchange, seconds: float | Decimal | int) -> list[Any]:
        """Move a virtual clock forward, firing every timer in due order at its own time."""
        clock = self.clock
        if not isinstance(clock, VirtualClock):
            raise CoreUsageError(
                "advance() needs a VirtualClock; a real clock moves by itself (use run_due())"
            )
        if seconds < 0:
            raise CoreUsageError(f"cannot advance by a negative time ({seconds} s)")
        target = clock.now_ns() + int(Decimal(str(seconds)) * NS_PER_S)
        events: list[Any] = []
        while (item := self.timers.pop_due(target)) is not None:
            due, callback = item
            clock.move_to(max(due, clock.now_ns()))
            events.extend(self._run(callback)[1])
        clock.move_to(target)
        return events
