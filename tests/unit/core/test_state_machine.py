"""A Hypothesis state machine that drives :class:`simulator.core.Exchange` with random commands.

The machine lists a realistic venue (two spot pairs, a linear and an inverse perpetual, a linear
dated future that expires after 3 h and a call option that expires after 6 h, small books seeded
by a participant), funds three traders, seeds a few positions, then runs random sequences of
trader commands — good and bad — with participants taking and making liquidity, market moves,
scripted trades, halts and time. After every step it checks what the core promises
(docs/ARCHITECTURE.md, "simulator.core"):

1. no book is crossed;
2. ``0 <= filled <= qty`` for every order; open orders are where their status says (resting in
   the book, or watching as a conditional) and nowhere else; every level's total is the sum of
   its resting orders' leaves;
3. money is conserved: per coin, the wallets of every account (traders, participants, fees,
   insurance) plus the open derivative positions marked at one common price equal the deposits,
   and open interest nets to zero per instrument;
4. every wallet equals its ledger; per account, the positions' realized PnL equals the ledger's
   PnL and settlement entries (option payoffs apart), and fees paid equal the fee entries;
5. no trader's available balance is negative; what open orders hold adds up to the balances'
   ``locked`` and ``order_margin``;
6. event sequence numbers increase by one, event after event;
7. a rejected command changes nothing (checked around every command in the rules);
8. no exception escapes a trading command, whatever the input.

Exact where the arithmetic is exact (spot-only coins, spot locks, wallets against ledgers); within
``TOLERANCE`` where Decimal rounds (inverse values, averaged entry prices, derivative margin).

Profiles: with ``CI=true`` the machine runs 500 derandomized examples (reproducible), locally 200
random ones. ``VENUEKIT_SM_EXAMPLES=N`` overrides the count for a deeper local run.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from simulator.core import (
    FEES_ACCOUNT,
    INSURANCE_ACCOUNT,
    MARKET_ACCOUNT,
    NS_PER_S,
    AccountKind,
    AmendOrder,
    CancelAll,
    CancelOrder,
    Exchange,
    Instrument,
    InstrumentKind,
    InstrumentSettled,
    InstrumentStatus,
    LedgerKind,
    MarginMode,
    NewOrder,
    OptionKind,
    OrderResult,
    OrderStatus,
    OrderType,
    PositionChanged,
    PositionMode,
    RejectReason,
    Result,
    Side,
    StopKind,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
    VirtualClock,
)

D = Decimal

# -- profiles ---------------------------------------------------------------------------------

_COMMON: dict[str, Any] = {
    "stateful_step_count": 30,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
settings.register_profile(
    "venuekit-core-state-machine-ci", max_examples=500, derandomize=True, database=None, **_COMMON
)
# Seeded locally too (house rule: seed randomness); VENUEKIT_SM_EXPLORE=1 runs random examples
# instead, for hunting new failures.
settings.register_profile(
    "venuekit-core-state-machine-dev",
    max_examples=200,
    derandomize=not os.environ.get("VENUEKIT_SM_EXPLORE"),
    **_COMMON,
)
_IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
_SETTINGS = settings.get_profile(
    "venuekit-core-state-machine-ci" if _IN_CI else "venuekit-core-state-machine-dev"
)
if os.environ.get("VENUEKIT_SM_EXAMPLES"):
    _SETTINGS = settings(_SETTINGS, max_examples=int(os.environ["VENUEKIT_SM_EXAMPLES"]))

# -- the venue ----------------------------------------------------------------------------------

T0_NS = 1_700_000_000 * NS_PER_S
HOUR_S = 3600

SPOT = "spot:BTCUSDT"
ETH_SPOT = "spot:ETHUSDC"
LINEAR = "linear:BTCUSDT"
INVERSE = "inverse:BTCUSD"
FUTURE = "linear:BTC-15NOV23"
OPTION = "option:BTC-15NOV23-30000-C"

INSTRUMENTS = (
    Instrument(
        symbol="BTCUSDT",
        kind=InstrumentKind.SPOT,
        base="BTC",
        quote="USDT",
        settle="USDT",
        tick_size=D("0.1"),
        lot_size=D("0.0001"),
        min_qty=D("0.0001"),
        max_qty=D("100"),
        min_notional=D("5"),
        maker_fee=D("0.001"),
        taker_fee=D("0.001"),
    ),
    # A spot pair whose coins never touch a derivative: conservation there must be exact. Its
    # maker fee is a rebate, paid out of the fee account.
    Instrument(
        symbol="ETHUSDC",
        kind=InstrumentKind.SPOT,
        base="ETH",
        quote="USDC",
        settle="USDC",
        tick_size=D("0.01"),
        lot_size=D("0.001"),
        min_qty=D("0.001"),
        max_qty=D("1000"),
        min_notional=D("1"),
        maker_fee=D("-0.0001"),
        taker_fee=D("0.0007"),
    ),
    Instrument(
        symbol="BTCUSDT",
        kind=InstrumentKind.LINEAR_PERPETUAL,
        base="BTC",
        quote="USDT",
        settle="USDT",
        tick_size=D("0.1"),
        lot_size=D("0.001"),
        min_qty=D("0.001"),
        max_qty=D("100"),
        min_notional=D("5"),
    ),
    Instrument(
        symbol="BTCUSD",
        kind=InstrumentKind.INVERSE_PERPETUAL,
        base="BTC",
        quote="USD",
        settle="BTC",
        tick_size=D("0.5"),
        lot_size=D("1"),
        min_qty=D("1"),
        max_qty=D("1000000"),
    ),
    Instrument(
        symbol="BTC-15NOV23",
        kind=InstrumentKind.LINEAR_FUTURE,
        base="BTC",
        quote="USDT",
        settle="USDT",
        tick_size=D("0.5"),
        lot_size=D("0.001"),
        min_qty=D("0.001"),
        max_qty=D("100"),
        min_notional=D("5"),
        expiry_ns=T0_NS + 3 * HOUR_S * NS_PER_S,
    ),
    Instrument(
        symbol="BTC-15NOV23-30000-C",
        kind=InstrumentKind.OPTION,
        base="BTC",
        quote="USDT",
        settle="USDT",
        tick_size=D("5"),
        lot_size=D("0.01"),
        min_qty=D("0.01"),
        max_qty=D("500"),
        maker_fee=D("0.0003"),
        taker_fee=D("0.0003"),
        strike=D("30000"),
        option_kind=OptionKind.CALL,
        expiry_ns=T0_NS + 6 * HOUR_S * NS_PER_S,
    ),
)
BY_ID = {inst.id: inst for inst in INSTRUMENTS}
assert set(BY_ID) == {SPOT, ETH_SPOT, LINEAR, INVERSE, FUTURE, OPTION}
IDS = tuple(BY_ID)
DERIVATIVES = (LINEAR, INVERSE, FUTURE, OPTION)
#: Where each market starts: (last, mark, index), and its seeded book as (price, qty) levels.
START_PRICES: dict[str, tuple[str, str | None, str | None]] = {
    SPOT: ("30000", None, None),
    ETH_SPOT: ("2000", None, None),
    LINEAR: ("30000", "30000", "30000"),
    INVERSE: ("30000", "30000", "30000"),
    FUTURE: ("30050", "30050", "30000"),
    OPTION: ("800", "800", "30000"),
}
SEED_BOOKS: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    SPOT: (
        [("29999", "0.5"), ("29995", "1"), ("29990", "2")],
        [("30001", "0.5"), ("30005", "1"), ("30010", "2")],
    ),
    ETH_SPOT: ([("1999.5", "5"), ("1999", "10")], [("2000.5", "5"), ("2001", "10")]),
    LINEAR: (
        [("29999.5", "0.5"), ("29990", "1"), ("29980", "3")],
        [("30000.5", "0.5"), ("30010", "1"), ("30020", "3")],
    ),
    INVERSE: ([("29999.5", "5000"), ("29990", "20000")], [("30000.5", "5000"), ("30010", "20000")]),
    # Thin, with a gap: a market order of a few tenths trades 8 % away (carol's seeded long
    # cannot afford that at the last price, which values the future while it has no mark).
    FUTURE: (
        [("30049.5", "0.1"), ("30040", "0.2"), ("27500", "2")],
        [("30050.5", "0.1"), ("30060", "0.2"), ("32500", "2")],
    ),
    OPTION: ([("790", "1"), ("780", "2")], [("810", "1"), ("820", "2")]),
}
#: A "typical" order size per instrument, in lots; order sizes are drawn as multiples of it.
UNIT_LOTS = {SPOT: 10, ETH_SPOT: 100, LINEAR: 10, INVERSE: 100, FUTURE: 10, OPTION: 10}

USERS = ("alice", "bob", "carol")
PARTICIPANTS = ("mm", "whale")
BALANCES = {
    "alice": {"USDT": "200000", "BTC": "10", "ETH": "100", "USDC": "100000"},
    "bob": {"USDT": "20000", "BTC": "1", "ETH": "10", "USDC": "20000"},
    # Poor: her seeded future is a mark move of a few percent away from liquidation.
    "carol": {"USDT": "1500", "BTC": "0.05", "ETH": "1", "USDC": "1000"},
}
#: (account, instrument, signed size, entry price); the other side goes to the market account.
SEEDED_POSITIONS = (
    ("alice", LINEAR, "0.5", "29500"),
    ("bob", INVERSE, "-3000", "30500"),
    ("bob", OPTION, "-1", "700"),
    ("carol", FUTURE, "0.3", "30000"),
    ("carol", INVERSE, "500", "29000"),
)
#: Every coin the venue knows, and those only spot pairs without derivatives ever touch.
COINS = ("USDT", "BTC", "ETH", "USDC")
SPOT_ONLY_COINS = frozenset({"ETH", "USDC"})
#: Decimal keeps 28 significant digits: inverse contract values (qty / price) and averaged entry
#: prices are rounded, so sums over them may differ in the last digits. Far below a satoshi.
TOLERANCE = D("1e-12")
ZERO = D(0)

# -- strategies ---------------------------------------------------------------------------------

SIDES = (Side.BUY, Side.SELL)
#: Order sizes, as multiples of an instrument's typical size (UNIT_LOTS).
SIZE_FACTORS = (1, 1, 2, 3, 5, 10, 30, 100, 1000)
PARTICIPANT_SIZES = (1, 3, 10, 30, 100)
PARTICIPANT_CHOICES = (*PARTICIPANTS, MARKET_ACCOUNT)
USER_CHOICES = (*USERS, *USERS, *USERS, *PARTICIPANTS)
#: One deliberate mistake (or an unusual but valid spelling) a client could make in a new order.
FLAWS = (
    "side",
    "type",
    "tif",
    "post_only_market",
    "post_only_ioc",
    "close_on_trigger",
    "quote_quantity",
    "reduce_only_spot",
    "account",
    "instrument",
    "client_id_int",
    "client_id_dup",
    "position_idx",
    "position_idx_type",
    "expiry_past",
    "expiry_now",
    "expiry_text",
    "expiry_none",
    "price_off_tick",
    "price_none",
    "price_zero",
    "price_negative",
    "price_nan",
    "price_inf",
    "price_abc",
    "price_bool",
    "price_float",
    "price_str",
    "price_far_up",
    "price_far_down",
    "price_absurd",
    "qty_off_lot",
    "qty_zero",
    "qty_negative",
    "qty_nan",
    "qty_inf",
    "qty_abc",
    "qty_huge",
    "qty_list",
    "qty_float",
    "qty_str",
    "qty_min",
    "qty_max",
    "qty_below_min_notional",
    "trigger_zero",
    "trigger_abc",
    "trigger_off_tick",
    "trigger_by",
    "trigger_direction",
    "trigger_wrong_side",
)


class OrderSpec(NamedTuple):
    """A new order drawn relative to the market; it becomes a NewOrder when its rule runs."""

    account: str
    instrument: str
    side: Side
    order_type: OrderType
    tif: TimeInForce
    post_only: bool
    reduce_only: bool
    #: Spot market buys only: size the order in the quote coin.
    quote: bool
    #: Ticks from the mid of the book (limit price), and size as a multiple of UNIT_LOTS.
    price_offset: int
    size: int
    #: (ticks from the reference price, trigger by, give the direction explicitly)
    trigger: tuple[int, TriggerBy, bool] | None
    stop_kind: StopKind | None
    client_id: str
    expire_s: int
    flaw: str | None


offsets = st.integers(-30, 30)
order_specs = st.builds(
    OrderSpec,
    account=st.sampled_from(USER_CHOICES),
    instrument=st.sampled_from(IDS),
    side=st.sampled_from(SIDES),
    order_type=st.sampled_from((OrderType.LIMIT, OrderType.LIMIT, OrderType.MARKET)),
    tif=st.sampled_from((TimeInForce.GTC,) * 4 + (TimeInForce.IOC, TimeInForce.FOK, TimeInForce.GTD)),
    post_only=st.sampled_from((False,) * 5 + (True,)),
    reduce_only=st.sampled_from((False,) * 4 + (True,)),
    quote=st.booleans(),
    price_offset=offsets,
    size=st.sampled_from(SIZE_FACTORS),
    trigger=st.one_of(
        st.none(),
        st.none(),
        st.none(),
        st.tuples(
            # Close to the reference price: a trade at the touch or a small move fires it.
            st.integers(-12, 12).filter(bool),
            st.sampled_from((TriggerBy.LAST, TriggerBy.LAST, TriggerBy.MARK, TriggerBy.INDEX)),
            st.booleans(),
        ),
    ),
    stop_kind=st.sampled_from((None, None, StopKind.STOP, StopKind.TAKE_PROFIT, StopKind.STOP_LOSS)),
    client_id=st.sampled_from(("", "", "", "dup-1", "dup-2", "fresh", "fresh")),
    expire_s=st.sampled_from((1, 30, 600, HOUR_S, 4 * HOUR_S)),
    flaw=st.sampled_from((None,) * len(FLAWS) + FLAWS),
)
#: Amend arguments: None (unchanged), or (mode, ticks or size factor).
PRICE_CHANGES = ("tick",) * 8 + ("off_tick", "zero", "negative", "nan", "abc", "inf")
QTY_CHANGES = ("lots",) * 8 + ("off_lot", "zero", "negative", "nan", "abc", "huge")
optional_price = st.one_of(st.none(), st.tuples(st.sampled_from(PRICE_CHANGES), offsets))
optional_qty = st.one_of(st.none(), st.tuples(st.sampled_from(QTY_CHANGES), st.sampled_from(SIZE_FACTORS)))
optional_trigger = st.one_of(
    st.none(), st.none(), st.tuples(st.sampled_from(PRICE_CHANGES), st.integers(-40, 40))
)
# How a rule names an order it already knows: its ids, or a mistake a client could make.
ID_MODES = (
    *(("id",) * 8),
    "client",
    "both",
    "neither",
    "unknown",
    "not_a_string",
    "other_account",
    "ghost_account",
    "other_instrument",
    "unknown_instrument",
)
MOVES = tuple(
    D(m)
    for m in (
        "-0.5",
        "-0.2",
        "-0.08",
        "-0.03",
        "-0.01",
        "-0.001",
        "0.001",
        "0.01",
        "0.03",
        "0.08",
        "0.2",
        "1",
    )
)
LEVERAGES = (
    "1",
    "2",
    "2.5",
    "5",
    "10",
    "25",
    "50",
    "100",
    "0",
    "-3",
    "101",
    "abc",
    "NaN",
    7,
    3.5,
    None,
    True,
)
STOP_VALUES = (None, None, "up", "down", "up", "down", "zero", "abc", "negative", "off_tick")
ADVANCES = (0, 0.5, 1, 10, 60, 600, 1800, HOUR_S, 3 * HOUR_S, 8 * HOUR_S)


class OrderRef(NamedTuple):
    account: str
    instrument: str
    order_id: str
    client_order_id: str


def _close(a: Decimal, b: Decimal, coin: str) -> bool:
    """Equal: exactly for spot-only coins, within Decimal rounding for derivatives' settle coins."""
    if coin in SPOT_ONLY_COINS:
        return a == b
    return abs(a - b) <= TOLERANCE


class ExchangeMachine(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.ex = Exchange(VirtualClock(T0_NS))
        self.seqs: list[int] = []
        self.seq_errors: list[str] = []
        self.last_sizes: dict[tuple[str, str, int], Decimal] = {}
        #: What each account got from option settlement, by (account, coin): the ledger books it
        #: as SETTLEMENT, but it is no position's realized PnL (an option's cash is its premium).
        self.option_payoffs: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        self.counter = 0

    # -- set-up ---------------------------------------------------------------------------------

    @initialize(
        future_marked=st.booleans(),
        funding=st.sampled_from(("0.0001", "0.0001", "-0.0005", "0.004")),
    )
    def setup(self, future_marked: bool, funding: str) -> None:
        ex = self.ex
        ex.subscribe(self._on_event)
        for inst in INSTRUMENTS:
            last, mark, index = START_PRICES[inst.id]
            if inst.id == FUTURE and not future_marked:
                mark = None  # valued at its last price until the script marks it
            ex.add_instrument(
                inst,
                last_price=last,
                mark_price=mark,
                index_price=index,
                funding_rate=funding if inst.is_perpetual else None,
            )
        for account_id in USERS:
            ex.add_account(account_id, balances=dict(BALANCES[account_id]))
        for account_id in PARTICIPANTS:
            ex.participant(account_id)
        for account_id, instrument_id, size, entry in SEEDED_POSITIONS:
            ex.seed_position(account_id, instrument_id, size, entry)
        for instrument_id, (bids, asks) in SEED_BOOKS.items():
            ex.seed_book(instrument_id, bids=bids, asks=asks)

    def _on_event(self, event: Any) -> None:
        # Strictly increasing, and without gaps: a gap would be an event staged by a command and
        # then dropped (a client reading the stream would think it missed one).
        if self.seqs and event.seq != self.seqs[-1] + 1:
            self.seq_errors.append(f"{type(event).__name__} seq {event.seq} after {self.seqs[-1]}")
        self.seqs.append(event.seq)
        if isinstance(event, PositionChanged):
            view = event.position
            self.last_sizes[(view.account_id, view.instrument_id, view.position_idx)] = view.size
        elif isinstance(event, InstrumentSettled):
            inst = BY_ID[event.instrument_id]
            if inst.is_option:
                # Settlement comes before the PositionChanged events of its command: the sizes
                # seen last are the ones it pays out on.
                payoff = inst.intrinsic_value(event.price)
                for (account_id, instrument_id, _), size in self.last_sizes.items():
                    if instrument_id == inst.id and size:
                        self.option_payoffs[(account_id, inst.settle)] += size * payoff * inst.contract_size

    # -- "a rejected command changes nothing" ---------------------------------------------------

    def _snapshot(self) -> dict[str, Any]:
        ex = self.ex
        state: dict[str, Any] = {}
        for instrument_id, market in ex.markets.items():
            book = ex.book(instrument_id)
            state[f"book {instrument_id}"] = (book.seq, book.bids, book.asks)
            state[f"market {instrument_id}"] = (
                market.status,
                market.last_price,
                market.mark_price,
                market.index_price,
                len(market.trades),
                tuple(o.order_id for o in market.conditionals),
                tuple(sorted(market.holders)),
            )
        for account_id, account in ex.accounts.items():
            state[f"balances {account_id}"] = {
                coin: (b.total, b.locked, b.order_margin)
                for coin, b in account.balances.items()
                if b.total or b.locked or b.order_margin
            }
            state[f"ledger {account_id}"] = {k: v for k, v in account.ledger.items() if v}
            state[f"orders {account_id}"] = {
                o.order_id: (o.view(), o.locked) for o in account.open_orders.values()
            }
            state[f"positions {account_id}"] = tuple(ex.positions(account_id))
            state[f"settings {account_id}"] = (
                # Effective leverage: an explicit entry equal to the default changes nothing.
                {i: account.leverage.get(i, BY_ID[i].default_leverage) for i in DERIVATIVES},
                dict(account.position_modes),
                account.margin_mode,
            )
            # History: a post-only rejection adds to it, no other rejection may.
            state[f"history {account_id}"] = (
                len(account.closed_orders),
                len(account.fills),
                dict(account.client_ids),
            )
        return state

    def _assert_unchanged(self, before: dict[str, Any], what: str, *, history: bool = True) -> None:
        after = self._snapshot()
        diffs = sorted(
            key
            for key in before.keys() | after.keys()
            if (history or not key.startswith("history ")) and before.get(key) != after.get(key)
        )
        if diffs:
            details = "\n".join(
                f"  {key}:\n    before {before.get(key)!r}\n    after  {after.get(key)!r}" for key in diffs
            )
            raise AssertionError(f"rejected {what} changed state:\n{details}")

    def _order_command(self, what: str, command: Callable[[], OrderResult]) -> OrderResult:
        before = self._snapshot()
        result = command()
        assert isinstance(result, OrderResult)
        if result.ok:
            assert result.order is not None and result.reason is None, result
        else:
            assert result.reason is not None and result.message, result
            if result.order is None:
                self._assert_unchanged(before, f"{what} ({result.reason.name}: {result.message})")
            else:
                # Rejected with an order: only post-only, which gets an id and a closed record.
                assert result.reason is RejectReason.POST_ONLY_WOULD_TAKE, result
                assert result.order.status is OrderStatus.REJECTED, result
                self._assert_unchanged(before, f"{what} (post-only)", history=False)
        return result

    def _setting_command(self, what: str, command: Callable[[], Result]) -> Result:
        before = self._snapshot()
        result = command()
        assert isinstance(result, Result)
        if not result.ok:
            assert result.reason is not None and result.message, result
            self._assert_unchanged(before, f"{what} ({result.reason.name}: {result.message})")
        return result

    # -- building commands --------------------------------------------------------------------

    def _ref_ticks(self, instrument_id: str) -> int:
        """Where the market is, in ticks: the mid of the book, else a reference price."""
        market = self.ex.markets[instrument_id]
        bid, ask = market.book.best_bid(), market.book.best_ask()
        if bid is not None and ask is not None:
            return (bid + ask) // 2
        if bid is not None:
            return bid
        if ask is not None:
            return ask
        price = market.valuation_price() or market.index_price or D(START_PRICES[instrument_id][0])
        return max(1, int(price / market.instrument.tick_size))

    def _hedged(self, account_id: str, instrument_id: str) -> bool:
        account = self.ex.accounts.get(account_id)
        return account is not None and account.position_mode(instrument_id) is PositionMode.HEDGE

    def _new_order(self, spec: OrderSpec) -> NewOrder:
        ex = self.ex
        inst = BY_ID[spec.instrument]
        market = ex.markets[inst.id]
        tick, lot = inst.tick_size, inst.lot_size
        ticks = max(1, self._ref_ticks(inst.id) + spec.price_offset)
        is_market = spec.order_type is OrderType.MARKET
        qty: Any = lot * spec.size * UNIT_LOTS[inst.id]
        quote = spec.quote and inst.is_spot and is_market and spec.side is Side.BUY
        if quote:
            qty = (tick * self._ref_ticks(inst.id) * qty).quantize(D("0.01"))
        trigger_price: Any = None
        trigger_by: Any = TriggerBy.LAST
        direction: Any = None
        trigger = spec.trigger
        if trigger is None and (spec.flaw or "").startswith("trigger_"):
            trigger = (10, TriggerBy.LAST, False)
        if trigger is not None:
            offset, trigger_by, explicit = trigger
            reference = market.reference_price(trigger_by)
            base = self._ref_ticks(inst.id) if reference is None else int(reference / tick)
            trigger_price = tick * max(1, base + offset)
            if explicit or reference is None:
                direction = TriggerDirection.RISE if offset > 0 else TriggerDirection.FALL
        client_id = spec.client_id
        if client_id == "fresh":
            self.counter += 1
            client_id = f"cid-{self.counter}"
        now = ex.clock.now_ns()
        hedged = self._hedged(spec.account, inst.id)
        cmd = NewOrder(
            account_id=spec.account,
            instrument_id=inst.id,
            side=spec.side,
            order_type=spec.order_type,
            qty=qty,
            price=None if is_market else tick * ticks,
            time_in_force=spec.tif,
            post_only=spec.post_only and not is_market and spec.tif in (TimeInForce.GTC, TimeInForce.GTD),
            reduce_only=spec.reduce_only and not inst.is_spot,
            quote_quantity=quote,
            client_order_id=client_id,
            position_idx=(1 if spec.side is Side.BUY else 2) if hedged else 0,
            trigger_price=trigger_price,
            trigger_by=trigger_by,
            trigger_direction=direction,
            stop_kind=spec.stop_kind,
            expire_ns=now + spec.expire_s * NS_PER_S if spec.tif is TimeInForce.GTD else None,
        )
        if spec.flaw is None:
            return cmd
        price = tick * ticks
        flaws: dict[str, dict[str, Any]] = {
            "side": {"side": "buy"},
            "type": {"order_type": "limit"},
            "tif": {"time_in_force": "GTC"},
            "post_only_market": {"order_type": OrderType.MARKET, "post_only": True},
            "post_only_ioc": {
                "order_type": OrderType.LIMIT,
                "price": price,
                "post_only": True,
                "time_in_force": TimeInForce.IOC,
            },
            "close_on_trigger": {"close_on_trigger": True},
            "quote_quantity": {"quote_quantity": True},
            "reduce_only_spot": {"reduce_only": True},
            "account": {"account_id": "ghost"},
            "instrument": {"instrument_id": "linear:NOPE"},
            "client_id_int": {"client_order_id": 7},
            "client_id_dup": {"client_order_id": "dup-1"},
            "position_idx": {"position_idx": 0 if hedged else 1},
            "position_idx_type": {"position_idx": "0"},
            "expiry_past": {"time_in_force": TimeInForce.GTD, "expire_ns": now - NS_PER_S},
            "expiry_now": {"time_in_force": TimeInForce.GTD, "expire_ns": now},
            "expiry_text": {"time_in_force": TimeInForce.GTD, "expire_ns": "soon"},
            "expiry_none": {"time_in_force": TimeInForce.GTD, "expire_ns": None},
            "qty_off_lot": {"qty": qty + lot / 2},
            "qty_zero": {"qty": ZERO},
            "qty_negative": {"qty": -qty},
            "qty_nan": {"qty": D("NaN")},
            "qty_inf": {"qty": "inf"},
            "qty_abc": {"qty": "abc"},
            "qty_huge": {"qty": "1e30"},
            "qty_list": {"qty": [qty]},
            "qty_float": {"qty": float(qty)},
            "qty_str": {"qty": f" {qty} "},
            "qty_min": {"qty": inst.min_qty},
            "qty_max": {"qty": inst.max_qty},
            "qty_below_min_notional": {"qty": lot},
            "trigger_zero": {"trigger_price": 0},
            "trigger_abc": {"trigger_price": "abc"},
            "trigger_off_tick": {"trigger_price": (trigger_price or tick) + tick / 3},
            "trigger_by": {"trigger_by": "last"},
            "trigger_direction": {"trigger_direction": 7},
            "trigger_wrong_side": {
                "trigger_direction": TriggerDirection.FALL
                if direction is TriggerDirection.RISE
                else TriggerDirection.RISE
            },
        }
        prices: dict[str, Any] = {
            "price_off_tick": price + tick / 3,
            "price_none": None,
            "price_zero": 0,
            "price_negative": -price,
            "price_nan": "NaN",
            "price_inf": D("Infinity"),
            "price_abc": "abc",
            "price_bool": True,
            "price_float": float(price),
            "price_str": str(price),
            "price_far_up": price * 3,
            "price_far_down": tick * max(1, ticks // 3),
            "price_absurd": "1e40",
        }
        if spec.flaw in prices:
            return cmd._replace(order_type=OrderType.LIMIT, price=prices[spec.flaw], quote_quantity=False)
        return cmd._replace(**flaws[spec.flaw])

    def _price_change(self, inst: Instrument, change: tuple[str, int] | None) -> Any:
        if change is None:
            return None
        mode, offset = change
        tick = inst.tick_size
        price = tick * max(1, self._ref_ticks(inst.id) + offset)
        values: dict[str, Any] = {
            "tick": price,
            "off_tick": price + tick / 3,
            "zero": 0,
            "negative": -price,
            "nan": "NaN",
            "abc": "abc",
            "inf": D("-Infinity"),
        }
        return values[mode]

    def _qty_change(self, inst: Instrument, change: tuple[str, int] | None) -> Any:
        if change is None:
            return None
        mode, size = change
        qty = inst.lot_size * size * UNIT_LOTS[inst.id]
        values: dict[str, Any] = {
            "lots": qty,
            "off_lot": qty + inst.lot_size / 2,
            "zero": 0,
            "negative": -qty,
            "nan": D("sNaN"),
            "abc": "abc",
            "huge": D("1e40"),
        }
        return values[mode]

    def _address(self, ref: OrderRef, mode: str) -> tuple[Any, Any, Any, Any]:
        """(account, instrument, order id, client id) naming ``ref`` the way ``mode`` says."""
        account, instrument, order_id, client_id = ref
        if mode == "id":
            client_id = ""
        elif mode == "client":
            order_id = ""
        elif mode == "neither":
            order_id = client_id = ""
        elif mode == "unknown":
            order_id, client_id = "999999", "no-such-id"
        elif mode == "not_a_string":
            order_id = None
        elif mode == "other_account":
            account = USERS[(USERS.index(account) + 1) % len(USERS)] if account in USERS else "alice"
        elif mode == "ghost_account":
            account = "ghost"
        elif mode == "other_instrument":
            instrument = IDS[(IDS.index(instrument) + 1) % len(IDS)]
        elif mode == "unknown_instrument":
            instrument = "linear:NOPE"
        return account, instrument, order_id, client_id

    @staticmethod
    def _refs(cmd: NewOrder, result: OrderResult) -> list[OrderRef]:
        if result.order is None:
            return []
        return [
            OrderRef(cmd.account_id, cmd.instrument_id, result.order.order_id, result.order.client_order_id)
        ]

    # -- trading rules --------------------------------------------------------------------------

    def _place(self, spec: OrderSpec) -> Any:
        cmd = self._new_order(spec)
        result = self._order_command(f"place {cmd}", lambda: self.ex.place_order(cmd))
        return multiple(*self._refs(cmd, result))

    @rule(target=orders, spec=order_specs)
    def place(self, spec: OrderSpec) -> Any:
        return self._place(spec)

    # Placing is most of what clients do: a second rule doubles its weight.
    @rule(target=orders, spec=order_specs)
    def place_another(self, spec: OrderSpec) -> Any:
        return self._place(spec)

    @rule(
        target=orders,
        account=st.sampled_from(PARTICIPANT_CHOICES),
        instrument=st.sampled_from(IDS),
        side=st.sampled_from(SIDES),
        style=st.sampled_from(("join", "join", "deep")),
        depth=st.integers(0, 6),
        size=st.sampled_from(PARTICIPANT_SIZES),
        tif=st.sampled_from((TimeInForce.GTC, TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK)),
    )
    def participant_makes(
        self, account: str, instrument: str, side: Side, style: str, depth: int, size: int, tif: TimeInForce
    ) -> Any:
        """The rest of the market rests liquidity: near the touch, or 5-35 % away (``deep``)."""
        return self._participant_order(account, instrument, side, style, depth, size, tif)

    @rule(
        target=orders,
        account=st.sampled_from(PARTICIPANT_CHOICES),
        instrument=st.sampled_from(IDS),
        side=st.sampled_from(SIDES),
        style=st.sampled_from(("market", "market", "cross", "cross", "sweep")),
        depth=st.integers(0, 6),
        size=st.sampled_from(PARTICIPANT_SIZES),
        tif=st.sampled_from((TimeInForce.GTC, TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK)),
    )
    def participant_takes(
        self, account: str, instrument: str, side: Side, style: str, depth: int, size: int, tif: TimeInForce
    ) -> Any:
        """The rest of the market takes what traders rest; ``sweep`` trades 5-35 % through the
        book: thin books and fat fingers move the last price a long way."""
        return self._participant_order(account, instrument, side, style, depth, size, tif)

    def _participant_order(
        self, account: str, instrument: str, side: Side, style: str, depth: int, size: int, tif: TimeInForce
    ) -> Any:
        inst = BY_ID[instrument]
        book = self.ex.markets[instrument].book
        buy = side is Side.BUY
        opposite = book.best_ask() if buy else book.best_bid()
        same = book.best_bid() if buy else book.best_ask()
        ref = self._ref_ticks(instrument)
        price: Decimal | None = None
        if style == "cross":
            base = opposite if opposite is not None else ref
            price = inst.tick_size * max(1, base + depth if buy else base - depth)
        elif style == "join":
            base = same if same is not None else ref
            ticks = base - depth if buy else base + depth
            if opposite is not None:
                ticks = min(ticks, opposite - 1) if buy else max(ticks, opposite + 1)
            price = inst.tick_size * max(1, ticks)
        elif style in ("deep", "sweep"):
            away = (
                (D(1) - D("0.05") * (depth + 1))
                if buy == (style == "deep")
                else (D(1) + D("0.05") * (depth + 1))
            )
            base = (same if style == "deep" else opposite) or ref
            ticks = int(base * away)
            if style == "deep" and opposite is not None:
                ticks = min(ticks, opposite - 1) if buy else max(ticks, opposite + 1)
            price = inst.tick_size * max(1, ticks)
        cmd = NewOrder(
            account,
            instrument,
            side,
            OrderType.MARKET if price is None else OrderType.LIMIT,
            inst.lot_size * size * UNIT_LOTS[instrument],
            price,
            tif,
        )
        result = self._order_command(f"place {cmd}", lambda: self.ex.place_order(cmd))
        return multiple(*self._refs(cmd, result))

    @rule(target=orders, specs=st.lists(order_specs, min_size=1, max_size=4))
    def place_batch(self, specs: list[OrderSpec]) -> Any:
        cmds = [self._new_order(spec) for spec in specs]
        before = self._snapshot()
        results = self.ex.place_orders(cmds)
        assert len(results) == len(cmds)
        if all(not r.ok and r.order is None for r in results):
            self._assert_unchanged(before, f"batch {cmds}")
        return multiple(*(ref for cmd, r in zip(cmds, results, strict=True) for ref in self._refs(cmd, r)))

    @rule(
        ref=orders,
        mode=st.sampled_from(ID_MODES),
        price=optional_price,
        qty=optional_qty,
        trigger=optional_trigger,
    )
    def amend(self, ref: OrderRef, mode: str, price: Any, qty: Any, trigger: Any) -> None:
        inst = BY_ID[ref.instrument]
        cmd = AmendOrder(
            *self._address(ref, mode),
            qty=self._qty_change(inst, qty),
            price=self._price_change(inst, price),
            trigger_price=self._price_change(inst, trigger),
        )
        self._order_command(f"amend {cmd}", lambda: self.ex.amend_order(cmd))

    @rule(
        pick=st.integers(0, 10_000),
        price=optional_price,
        qty=optional_qty,
        trigger=optional_trigger,
    )
    def amend_open(self, pick: int, price: Any, qty: Any, trigger: Any) -> None:
        """Amend an order that is still open (most orders in the bundle have filled or closed)."""
        live = [o for a in self.ex.accounts.values() for o in a.open_orders.values()]
        if not live:
            return
        order = sorted(live, key=lambda o: (o.account_id, o.order_id))[pick % len(live)]
        ref = OrderRef(order.account_id, order.instrument.id, order.order_id, order.client_order_id)
        self.amend(ref, "id", price, qty, trigger)

    @rule(ref=orders, mode=st.sampled_from(ID_MODES))
    def cancel(self, ref: OrderRef, mode: str) -> None:
        cmd = CancelOrder(*self._address(ref, mode))
        result = self._order_command(f"cancel {cmd}", lambda: self.ex.cancel_order(cmd))
        if result.ok:
            assert result.order is not None and not result.order.status.is_open, result

    @rule(refs=st.lists(orders, min_size=1, max_size=4), mode=st.sampled_from(ID_MODES))
    def cancel_batch(self, refs: list[OrderRef], mode: str) -> None:
        cmds = [CancelOrder(*self._address(ref, mode)) for ref in refs]
        before = self._snapshot()
        results = self.ex.cancel_orders(cmds)
        assert len(results) == len(cmds)
        if not any(r.ok for r in results):
            self._assert_unchanged(before, f"batch {cmds}")

    @rule(
        account=st.sampled_from((*USER_CHOICES, "ghost")),
        instrument=st.sampled_from((None, None, None, *IDS, "linear:NOPE")),
        side=st.sampled_from((None, None, Side.BUY, Side.SELL)),
        conditional=st.sampled_from((None, None, True, False)),
        market=st.sampled_from((None, None, "spot", "linear", "inverse", "option")),
        base=st.sampled_from((None, None, "BTC", "ETH")),
        settle=st.sampled_from((None, None, "USDT", "BTC", "USDC")),
    )
    def cancel_all(
        self,
        account: str,
        instrument: str | None,
        side: Side | None,
        conditional: bool | None,
        market: str | None,
        base: str | None,
        settle: str | None,
    ) -> None:
        cmd = CancelAll(account, instrument, side, conditional, market, base, settle)
        expected = []
        owner = self.ex.accounts.get(account)
        if owner is not None and (instrument is None or instrument in BY_ID):
            for order in owner.open_orders.values():
                inst = order.instrument
                if (
                    (instrument is None or inst.id == instrument)
                    # An instrument wins over the market/base/settle filters.
                    and (instrument is not None or market is None or inst.market == market)
                    and (instrument is not None or base is None or inst.base == base)
                    and (instrument is not None or settle is None or inst.settle == settle)
                    and (side is None or order.side is side)
                    and (conditional is None or (order.trigger_price is not None) == conditional)
                ):
                    expected.append(order.order_id)
        before = self._snapshot()
        result = self.ex.cancel_all(cmd)
        assert sorted(v.order_id for v in result.cancelled) == sorted(expected), (cmd, result.cancelled)
        assert all(not v.status.is_open for v in result.cancelled)
        if not result.cancelled:
            self._assert_unchanged(before, f"{cmd}")

    # -- settings -------------------------------------------------------------------------------

    @rule(
        account=st.sampled_from((*USERS, *USERS, "mm", "ghost")),
        instrument=st.sampled_from((*DERIVATIVES, *DERIVATIVES, SPOT, "linear:NOPE")),
        leverage=st.sampled_from(LEVERAGES),
    )
    def set_leverage(self, account: str, instrument: str, leverage: Any) -> None:
        self._setting_command(
            f"set_leverage({account}, {instrument}, {leverage!r})",
            lambda: self.ex.set_leverage(account, instrument, leverage),
        )

    @rule(
        account=st.sampled_from((*USERS, *USERS, "ghost")),
        instrument=st.sampled_from(("held", "held", "held", *DERIVATIVES, SPOT, "linear:NOPE")),
        take_profit=st.sampled_from(STOP_VALUES),
        stop_loss=st.sampled_from(STOP_VALUES),
        distance=st.integers(1, 400),
        trigger_by=st.sampled_from((TriggerBy.LAST, TriggerBy.MARK, TriggerBy.INDEX)),
        idx=st.sampled_from(("auto", "auto", "auto", 0, 1, 2)),
    )
    def set_trading_stop(
        self,
        account: str,
        instrument: str,
        take_profit: str | None,
        stop_loss: str | None,
        distance: int,
        trigger_by: TriggerBy,
        idx: Any,
    ) -> None:
        ex = self.ex
        owner = ex.accounts.get(account)
        held = [] if owner is None else [key for key, p in owner.positions.items() if p.size]
        if instrument == "held":
            instrument = held[distance % len(held)][0] if held else LINEAR
        inst = BY_ID.get(instrument)
        position_idx = idx
        if idx == "auto":
            position_idx = next((i for iid, i in held if iid == instrument), 0)
        tick = inst.tick_size if inst is not None else D("0.1")
        reference = 1000
        if inst is not None:
            by_price = ex.markets[instrument].reference_price(trigger_by)
            reference = self._ref_ticks(instrument) if by_price is None else int(by_price / tick)
        values: dict[str | None, Any] = {
            None: None,
            "up": tick * (reference + distance),
            "down": tick * max(1, reference - distance),
            "zero": 0,
            "abc": "abc",
            "negative": -tick * distance,
            "off_tick": tick * (reference + distance) + tick / 4,
        }
        tp, sl = values[take_profit], values[stop_loss]
        self._setting_command(
            f"set_trading_stop({account}, {instrument}, {position_idx}, tp={tp}, sl={sl}, {trigger_by})",
            lambda: ex.set_trading_stop(
                account,
                instrument,
                position_idx=position_idx,
                take_profit=tp,
                stop_loss=sl,
                trigger_by=trigger_by,
            ),
        )

    @rule(
        account=st.sampled_from((*USERS, "ghost")),
        instrument=st.sampled_from((*DERIVATIVES, SPOT)),
        mode=st.sampled_from(
            (PositionMode.HEDGE, PositionMode.ONE_WAY, MarginMode.ISOLATED, MarginMode.CROSS, "hedge")
        ),
    )
    def set_mode(self, account: str, instrument: str, mode: Any) -> None:
        if isinstance(mode, MarginMode):
            self._setting_command(
                f"set_margin_mode({account}, {mode})", lambda: self.ex.set_margin_mode(account, mode)
            )
        else:
            self._setting_command(
                f"set_position_mode({account}, {instrument}, {mode})",
                lambda: self.ex.set_position_mode(account, instrument, mode),
            )

    # -- the market and time -----------------------------------------------------------------

    def _moved(self, instrument_id: str, base: Decimal | None, move: Decimal) -> Decimal:
        inst = BY_ID[instrument_id]
        if base is None:
            base = inst.tick_size * self._ref_ticks(instrument_id)
        return inst.tick_size * max(1, int(base * (1 + move) / inst.tick_size))

    @rule(
        instrument=st.sampled_from(DERIVATIVES),
        move=st.sampled_from(MOVES),
        which=st.sampled_from(("mark", "mark", "index", "both")),
    )
    def move_price(self, instrument: str, move: Decimal, which: str) -> None:
        """Mark and index moves; the large ones liquidate someone."""
        market = self.ex.markets[instrument]
        if which in ("index", "both"):
            self.ex.set_index_price(instrument, self._moved(instrument, market.index_price, move))
        if which in ("mark", "both"):
            self.ex.set_mark_price(instrument, self._moved(instrument, market.mark_price, move))

    @rule(
        instrument=st.sampled_from(IDS),
        offset=offsets,
        size=st.sampled_from(SIZE_FACTORS[:-1]),
        aggressor=st.sampled_from(SIDES),
    )
    def record_trade(self, instrument: str, offset: int, size: int, aggressor: Side) -> None:
        if self.ex.markets[instrument].status is not InstrumentStatus.TRADING:
            return  # a scripted print on an expired instrument is a scenario mistake
        inst = BY_ID[instrument]
        price = inst.tick_size * max(1, self._ref_ticks(instrument) + offset)
        self.ex.record_trade(instrument, price, inst.lot_size * size * UNIT_LOTS[instrument], aggressor)

    @rule(
        instrument=st.sampled_from(IDS),
        status=st.sampled_from((InstrumentStatus.HALTED, InstrumentStatus.TRADING, InstrumentStatus.TRADING)),
    )
    def halt_or_resume(self, instrument: str, status: InstrumentStatus) -> None:
        """Venues halt trading now and then: open orders stay, new ones are refused."""
        if self.ex.markets[instrument].status is InstrumentStatus.SETTLED:
            return
        self.ex.set_instrument_status(instrument, status)
        assert self.ex.markets[instrument].status is status

    @rule(seconds=st.sampled_from(ADVANCES))
    def advance(self, seconds: float) -> None:
        """Time: GTD expiry, funding every 8 h, the future's expiry at 3 h, the option's at 6 h."""
        before = self.ex.clock.now_ns()
        self.ex.advance(seconds)
        assert self.ex.clock.now_ns() == before + int(D(str(seconds)) * NS_PER_S)

    # -- invariants -----------------------------------------------------------------------------

    @invariant()
    def books_are_not_crossed(self) -> None:
        for instrument_id, market in self.ex.markets.items():
            bid, ask = market.book.best_bid(), market.book.best_ask()
            assert bid is None or ask is None or bid < ask, f"{instrument_id} crossed: {bid} >= {ask}"

    @invariant()
    def orders_and_levels_agree(self) -> None:
        ex = self.ex
        in_book: set[int] = set()
        for instrument_id, market in ex.markets.items():
            for side, levels in ((Side.BUY, market.book.bids), (Side.SELL, market.book.asks)):
                for key, level in levels.items():
                    price = -key if side is Side.BUY else key
                    live = [o for o in level.orders if o.resting]
                    assert live and level.count == len(live), (instrument_id, price, level.count, live)
                    assert level.lots == sum(o.leaves_lots for o in live), (
                        instrument_id,
                        price,
                        level.lots,
                        live,
                    )
                    for order in live:
                        assert id(order) not in in_book, f"{order} queued twice"
                        in_book.add(id(order))
                        assert order.side is side and order.price_ticks == price
                        assert order.instrument.id == instrument_id
                        assert ex.accounts[order.account_id].open_orders.get(order.order_id) is order
            for order in market.conditionals:
                assert order.status is OrderStatus.UNTRIGGERED, order
                assert ex.accounts[order.account_id].open_orders.get(order.order_id) is order
        for account in ex.accounts.values():
            for order in account.open_orders.values():
                assert 0 <= order.filled_lots < order.qty_lots, order
                status = order.status
                assert status.is_open and status is not OrderStatus.TRIGGERED, order
                if status is OrderStatus.UNTRIGGERED:
                    assert order.filled_lots == 0 and not order.resting
                    assert order in ex.markets[order.instrument.id].conditionals, order
                else:
                    # An open, triggered-or-plain order lives in the book: nowhere else.
                    assert order.resting and id(order) in in_book, f"zombie order {order}"
                    assert (status is OrderStatus.PARTIALLY_FILLED) == (order.filled_lots > 0), order
            for order in account.closed_orders:
                assert 0 <= order.filled_lots <= order.qty_lots, order
                assert not order.status.is_open and not order.resting and not order.locked, order
                complete = order.qty_lots > 0 and order.filled_lots == order.qty_lots
                assert (order.status is OrderStatus.FILLED) == complete, order
                if order.time_in_force is TimeInForce.FOK and order.status is not OrderStatus.DEACTIVATED:
                    assert order.filled_lots in (0, order.qty_lots), f"FOK filled in part: {order}"
                assert account.closed_by_id.get(order.order_id) is order, order
            # The core's indexes agree with what they index.
            reduce_only = {o.order_id for o in account.open_orders.values() if o.reduce_only}
            assert set(account.reduce_only_orders) == reduce_only, (account.account_id, reduce_only)
            assert len(account.closed_by_id) == len(account.closed_orders)

    @invariant()
    def money_is_conserved(self) -> None:
        ex = self.ex
        deposits: dict[str, Decimal] = defaultdict(lambda: ZERO)
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        marked: dict[str, Decimal] = defaultdict(lambda: ZERO)
        open_interest: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for account in ex.accounts.values():
            for (coin, kind), amount in account.ledger.items():
                if kind in (LedgerKind.DEPOSIT, LedgerKind.BORROW):  # both come from outside
                    deposits[coin] += amount
            for coin, balance in account.balances.items():
                totals[coin] += balance.total
            for (instrument_id, _), position in account.positions.items():
                open_interest[instrument_id] += position.size
                inst = position.instrument
                if not inst.is_option:
                    # Wallets alone are not conserved while positions are open: a closed trade
                    # realizes PnL against entry prices another open position still carries.
                    # Marking every open position at one common price (any price: open interest
                    # nets to zero) gives what is.
                    marked[inst.settle] += position.unrealized_pnl(D(START_PRICES[instrument_id][0]))
        for instrument_id, size in open_interest.items():
            assert size == 0, f"open interest of {instrument_id} nets to {size}"
        for coin in set(deposits) | set(totals):
            assert coin not in SPOT_ONLY_COINS or not marked[coin]
            held = totals[coin] + marked[coin]
            assert _close(held, deposits[coin], coin), (
                f"{coin}: wallets {totals[coin]} + open PnL {marked[coin]} != deposits {deposits[coin]}"
            )

    @invariant()
    def ledgers_reconcile(self) -> None:
        ex = self.ex
        fee_income: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for account in ex.accounts.values():
            coins = {coin for coin, _ in account.ledger} | set(account.balances)
            realized: dict[str, Decimal] = defaultdict(lambda: ZERO)
            fees: dict[str, Decimal] = defaultdict(lambda: ZERO)
            for position in account.positions.values():
                settle = position.instrument.settle
                fees[settle] += position.fees_paid
                if not position.instrument.is_option:
                    realized[settle] += position.realized_pnl
            for fill in account.fills:
                if BY_ID[fill.instrument_id].is_spot:
                    fees[fill.fee_coin] += fill.fee
            for coin in coins:
                balance = account.balances.get(coin)
                total = balance.total if balance is not None else ZERO
                assert total == account.ledger_total(coin), (
                    f"{account.account_id} {coin}: total {total} != ledger {account.ledger_total(coin)}"
                )
                fee_entries = account.ledger.get((coin, LedgerKind.FEE), ZERO)
                # Every fee paid is the fee account's income: FEE entries net to zero.
                fee_income[coin] += fee_entries
                if account.account_id == FEES_ACCOUNT:
                    continue
                assert _close(-fee_entries, fees[coin], coin), (
                    f"{account.account_id} {coin}: fee ledger {fee_entries} vs fees paid {fees[coin]}"
                )
                booked = (
                    account.ledger.get((coin, LedgerKind.REALIZED_PNL), ZERO)
                    + account.ledger.get((coin, LedgerKind.SETTLEMENT), ZERO)
                    - self.option_payoffs[(account.account_id, coin)]
                )
                assert _close(booked, realized[coin], coin), (
                    f"{account.account_id} {coin}: ledger PnL {booked} vs positions {realized[coin]}"
                )
        fee_account = ex.accounts[FEES_ACCOUNT]
        assert {kind for _, kind in fee_account.ledger} <= {LedgerKind.FEE}
        for coin, net in fee_income.items():
            assert _close(net, ZERO, coin), f"fee entries in {coin} net to {net}"

    @invariant()
    def funds_are_sufficient(self) -> None:
        ex = self.ex
        for account in ex.accounts.values():
            held: dict[str, Decimal] = defaultdict(lambda: ZERO)
            margin: dict[str, Decimal] = defaultdict(lambda: ZERO)
            for order in account.open_orders.values():
                assert order.locked >= 0, order
                if order.locked:
                    target = held if order.instrument.is_spot else margin
                    target[ex.lock_coin(order)] += order.locked
            for coin, balance in account.balances.items():
                # Spot locks are exact (prices and sizes on tick and lot). Derivative order
                # margin is a running total of costs and releases with 28-digit quotients
                # (inverse values, opening shares): it matches the orders' own locks, and stays
                # non-negative, to within Decimal rounding.
                assert balance.locked >= 0, (account.account_id, coin, balance.locked)
                assert balance.locked == held.get(coin, ZERO), (
                    account.account_id,
                    coin,
                    balance.locked,
                    held,
                )
                assert balance.order_margin >= -TOLERANCE, (account.account_id, coin, balance.order_margin)
                assert abs(balance.order_margin - margin.get(coin, ZERO)) <= TOLERANCE, (
                    account.account_id,
                    coin,
                    balance.order_margin,
                    margin,
                )
            if account.kind is not AccountKind.USER:
                assert not held and not margin, f"{account.account_id} is not margin-checked but holds funds"
                continue
            coins = set(account.balances) | {
                p.instrument.settle for p in account.positions.values() if p.size
            }
            for coin in coins:
                available = ex.available(account.account_id, coin)
                assert available >= 0, f"{account.account_id} has {available} {coin} available"

    @invariant()
    def event_sequence_increases(self) -> None:
        assert not self.seq_errors, self.seq_errors
        assert not self.seqs or self.seqs[-1] == self.ex.seq

    @invariant()
    def special_accounts_are_what_they_say(self) -> None:
        ex = self.ex
        assert ex.accounts[FEES_ACCOUNT].kind is AccountKind.FEES
        assert ex.accounts[INSURANCE_ACCOUNT].kind is AccountKind.INSURANCE
        for account_id in (FEES_ACCOUNT, INSURANCE_ACCOUNT, MARKET_ACCOUNT):
            assert not ex.accounts[account_id].open_orders or account_id == MARKET_ACCOUNT


@pytest.mark.timeout(300)
def test_exchange_state_machine() -> None:
    run_state_machine_as_test(ExchangeMachine, settings=_SETTINGS)
