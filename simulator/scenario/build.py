"""Building a venue from a scenario: an :class:`~simulator.core.Exchange` in the state the file describes.

The exchange is built in this order: clock and ids, instruments, accounts (balances, borrows,
margin mode, position modes, leverage), positions, books, resting orders, the market script (scheduled on the
exchange clock), then synthetic flow (created, not started). Any refusal along the way raises a
:class:`ScenarioError` naming the item's line; the half-built exchange is dropped with it, so
nothing partially built escapes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from simulator.core import (
    Clock,
    CoreUsageError,
    Exchange,
    FlowConfig,
    Instrument,
    InstrumentKind,
    InstrumentStatus,
    NewOrder,
    PositionMode,
    RejectReason,
    SeededIds,
    SourceClock,
    SyntheticFlow,
    VirtualClock,
)
from simulator.scenario.book_levels import generated_levels
from simulator.scenario.errors import ScenarioError
from simulator.scenario.model import (
    AccountSpec,
    BookSpec,
    ClockMode,
    FaultRule,
    InstrumentSpec,
    OrderSpec,
    Path,
    Scenario,
    ScriptEvent,
)
from simulator.scenario.times import expand_symbol, format_ns

__all__ = ["BuiltVenue", "Credential", "build_exchange"]

_PLAIN_CONTRACTS = (
    InstrumentKind.LINEAR_PERPETUAL,
    InstrumentKind.LINEAR_FUTURE,
    InstrumentKind.INVERSE_PERPETUAL,
    InstrumentKind.INVERSE_FUTURE,
)


@dataclass(frozen=True, slots=True)
class Credential:
    """An API key of a scenario account, for the dialect's authentication."""

    key: str
    secret: str
    account_id: str
    #: Of ``read``, ``spot``, ``derivatives``, ``options``, ``wallet`` (only ``read``: read-only).
    permissions: frozenset[str]
    label: str = ""


@dataclass(slots=True)
class BuiltVenue:
    """A venue built from a scenario, ready for a dialect and a server to serve.

    ``flow`` is created but not started: call ``flow.start()`` when the venue goes live. ``limits``
    and ``faults`` are the scenario's data for the dialect's quotas and the fault engine.
    """

    scenario: Scenario
    exchange: Exchange
    #: When the venue started on its clock (relative times in the file count from here).
    start_ns: int
    #: Synthetic flow, created but not started; None when the scenario has none or disables it.
    flow: SyntheticFlow | None
    #: API key -> credential.
    credentials: dict[str, Credential] = field(default_factory=dict)
    #: endpoint -> requests per second (overrides of the dialect's defaults).
    limits: dict[str, int] = field(default_factory=dict)
    faults: tuple[FaultRule, ...] = ()
    #: Scenario instrument reference -> core instrument id (they differ for templated symbols).
    instrument_ids: dict[str, str] = field(default_factory=dict)

    @property
    def dialect(self) -> str:
        return self.scenario.dialect

    def instrument_id(self, ref: str) -> str:
        """The core instrument id of a scenario reference (``option:...`` or an instrument's ref)."""
        try:
            return self.instrument_ids[ref]
        except KeyError:
            known = ", ".join(self.instrument_ids) or "none"
            raise KeyError(f"no instrument {ref!r} in this scenario (known: {known})") from None


def build_exchange(
    scenario: Scenario,
    *,
    clock: Clock | None = None,
    now_ns: Callable[[], int] | None = None,
    seed: int | None = None,
) -> BuiltVenue:
    """Build the venue a scenario describes.

    Parameters:
        scenario: from :func:`~simulator.scenario.load_scenario`.
        clock: the venue clock to use, whatever the file's ``clock.mode`` says (the server passes
            one built from ``--clock``). Without it, a virtual scenario gets a ``VirtualClock`` at
            ``clock.start``, and a real one a ``SourceClock(now_ns)``.
        now_ns: the wall-clock source for a real-clock scenario (e.g. ``time.time_ns``); the kit
            below the server never reads the wall clock itself.
        seed: overrides the scenario's ``seed`` (ids, generated book sizes, flow).

    Raises:
        ScenarioError: the venue refuses part of the scenario (an instrument that has already
            expired at the clock's start, an order it rejects, ...), or a real-clock scenario was
            given neither ``clock`` nor ``now_ns``.
    """
    return _Builder(scenario, clock, now_ns, scenario.seed if seed is None else seed).build()


class _Builder:
    def __init__(
        self, scenario: Scenario, clock: Clock | None, now_ns: Callable[[], int] | None, seed: int
    ) -> None:
        self.scenario = scenario
        self.source = scenario.source
        self.seed = seed
        self.clock = clock if clock is not None else self._clock(now_ns)
        self.exchange = Exchange(self.clock, SeededIds(seed))
        self.start_ns = self.clock.now_ns()
        self.ids: dict[str, str] = {}

    def _clock(self, now_ns: Callable[[], int] | None) -> Clock:
        spec = self.scenario.clock
        if spec.mode is ClockMode.VIRTUAL:
            return VirtualClock() if spec.start_ns is None else VirtualClock(spec.start_ns)
        if now_ns is None:
            raise self.error(
                ("clock", "mode"),
                "this scenario runs on a real clock: build it with now_ns=time.time_ns (or pass a clock)",
            )
        return SourceClock(now_ns)

    def error(self, path: Path, message: str) -> ScenarioError:
        return self.source.error(path, message)

    def build(self) -> BuiltVenue:
        scenario = self.scenario
        for spec in scenario.instruments:
            self.instrument(spec)
        for account in scenario.accounts:
            self.account(account)
        for account in scenario.accounts:
            for position in account.positions:
                try:
                    self.exchange.seed_position(
                        account.id,
                        self.ids[position.instrument],
                        position.size,
                        position.entry_price,
                        position_idx=position.position_idx,
                    )
                except CoreUsageError as exc:
                    raise self.error(position.path, f"the venue refused this position: {exc}") from None
        for book in scenario.books:
            self.book(book)
        for order in scenario.orders:
            self.order(order)
        for event in scenario.script:
            self.event(event)
        return BuiltVenue(
            scenario=scenario,
            exchange=self.exchange,
            start_ns=self.start_ns,
            flow=self.flow(),
            credentials={
                key.key: Credential(key.key, key.secret, account.id, key.permissions, key.label)
                for account in scenario.accounts
                for key in account.api_keys
            },
            limits=dict(scenario.limits),
            faults=scenario.faults,
            instrument_ids=dict(self.ids),
        )

    # -- instruments -----------------------------------------------------------------------------

    def instrument(self, spec: InstrumentSpec) -> None:
        start = self.start_ns
        expiry_ns = activation_ns = None
        if spec.expiry is not None:
            expiry_ns = spec.expiry.resolve(start)
            if expiry_ns <= start:
                raise self.error(
                    (*spec.path, "expiry"),
                    f"{spec.expiry.text} is {format_ns(expiry_ns)}, not after the clock's start "
                    f"{format_ns(start)}: give a later expiry, or an offset like +30d@fri08:00",
                )
        if spec.activation is not None:
            activation_ns = spec.activation.resolve(start)
        symbol = expand_symbol(spec.symbol, expiry_ns)
        try:
            instrument = Instrument(
                symbol=symbol,
                kind=spec.kind,
                base=spec.base,
                quote=spec.quote,
                settle=spec.settle,
                tick_size=spec.tick_size,
                lot_size=spec.lot_size,
                min_qty=spec.min_qty,
                max_qty=spec.max_qty,
                activation_ns=activation_ns,
                expiry_ns=expiry_ns,
                strike=spec.strike,
                option_kind=spec.option_kind,
                funding_interval_s=spec.funding_interval_s,
                **dict(spec.parameters),
            )
            self.exchange.add_instrument(
                instrument,
                last_price=spec.last_price,
                mark_price=spec.mark_price,
                index_price=spec.index_price,
                funding_rate=spec.funding_rate,
                status=spec.status,
            )
        except (ValueError, CoreUsageError) as exc:
            raise self.error(spec.path, f"the venue refused this instrument: {exc}") from None
        self.ids[spec.ref] = instrument.id

    # -- accounts --------------------------------------------------------------------------------

    def account(self, spec: AccountSpec) -> None:
        ex = self.exchange
        try:
            ex.add_account(spec.id, kind=spec.kind, balances=dict(spec.balances))
            for coin, amount in spec.borrow.items():
                ex.seed_borrow(spec.id, coin, amount)
        except CoreUsageError as exc:
            raise self.error(spec.path, f"the venue refused this account: {exc}") from None
        if spec.margin_mode is not None:
            result = ex.set_margin_mode(spec.id, spec.margin_mode)
            if not result.ok and result.reason is not RejectReason.MARGIN_MODE_NOT_MODIFIED:
                raise self.error((*spec.path, "margin_mode"), f"the venue refused this: {result.message}")
        modes: dict[str, PositionMode] = {}
        if spec.position_mode is not None:
            for inst in self.scenario.instruments:
                if inst.kind in _PLAIN_CONTRACTS:
                    modes[inst.ref] = spec.position_mode
        modes.update(spec.position_modes)
        for ref, mode in modes.items():
            result = ex.set_position_mode(spec.id, self.ids[ref], mode)
            if not result.ok and result.reason is not RejectReason.POSITION_MODE_NOT_MODIFIED:
                where = (*spec.path, "position_modes", ref) if ref in spec.position_modes else spec.path
                raise self.error(where, f"the venue refused this position mode: {result.message}")
        for ref, leverage in spec.leverage.items():
            result = ex.set_leverage(spec.id, self.ids[ref], leverage)
            if not result.ok and result.reason is not RejectReason.LEVERAGE_NOT_MODIFIED:
                raise self.error(
                    (*spec.path, "leverage", ref), f"the venue refused this leverage: {result.message}"
                )

    # -- books and orders ------------------------------------------------------------------------

    def book(self, spec: BookSpec) -> None:
        inst = self.scenario.instrument(spec.instrument)
        bids, asks = list(spec.bids), list(spec.asks)
        if spec.generate is not None:
            gen_bids, gen_asks = generated_levels(inst, spec.generate, self.seed)
            bids += gen_bids
            asks += gen_asks
        try:
            self.exchange.seed_book(
                self.ids[spec.instrument], bids=bids, asks=asks, account_id=spec.participant
            )
        except CoreUsageError as exc:
            raise self.error(spec.path, f"the venue refused this book: {exc}") from None

    def order(self, spec: OrderSpec) -> None:
        ex = self.exchange
        if spec.participant:
            ex.participant(spec.account_id)
        command = NewOrder(
            account_id=spec.account_id,
            instrument_id=self.ids[spec.instrument],
            side=spec.side,
            order_type=spec.order_type,
            qty=spec.qty,
            price=spec.price,
            time_in_force=spec.time_in_force,
            post_only=spec.post_only,
            reduce_only=spec.reduce_only,
            close_on_trigger=spec.close_on_trigger,
            quote_quantity=spec.quote_quantity,
            client_order_id=spec.client_id,
            position_idx=spec.position_idx,
            trigger_price=spec.trigger_price,
            trigger_by=spec.trigger_by,
            trigger_direction=spec.trigger_direction,
            expire_ns=spec.expire.resolve(self.start_ns) if spec.expire is not None else None,
        )
        result = ex.place_order(command)
        if not result.ok:
            raise self.error(spec.path, f"the venue rejected this order: {result.message}")

    # -- the market script -------------------------------------------------------------------------

    def event(self, event: ScriptEvent) -> None:
        ex = self.exchange
        at = self.start_ns + event.at_ns
        instrument_id = self.ids[event.instrument]
        # Same-time timers fire in the order they were scheduled: this is the documented order.
        if event.settlement_price is not None:
            price = event.settlement_price
            ex.schedule(at, lambda e: e.set_settlement_price(instrument_id, price))
        if event.funding_rate is not None:
            rate = event.funding_rate
            ex.schedule(at, lambda e: e.set_funding_rate(instrument_id, rate))
        if event.index_price is not None:
            ex.schedule_index_price(instrument_id, at, event.index_price)
        if event.mark_price is not None:
            ex.schedule_mark_price(instrument_id, at, event.mark_price)
        if event.trade is not None:
            trade = event.trade
            ex.schedule(at, lambda e: e.record_trade(instrument_id, trade.price, trade.qty, trade.side))
        if event.status is not None:
            status: InstrumentStatus = event.status
            ex.schedule(at, lambda e: e.set_instrument_status(instrument_id, status))

    # -- flow ------------------------------------------------------------------------------------

    def flow(self) -> SyntheticFlow | None:
        spec = self.scenario.flow
        if spec is None or not spec.enabled:
            return None
        refs = spec.instruments if spec.instruments is not None else tuple(self.ids)
        settings = dict(spec.settings)
        try:
            config = FlowConfig(
                instrument_ids=tuple(self.ids[ref] for ref in refs),
                seed=spec.seed if spec.seed is not None else self.seed,
                **settings,
            )
            return SyntheticFlow(self.exchange, config)
        except CoreUsageError as exc:
            raise self.error(spec.path, f"the venue refused this flow: {exc}") from None
