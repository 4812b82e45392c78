"""The typed scenario model: what a validated scenario file says, before any venue is built.

Every number is an exact :class:`~decimal.Decimal`, every choice is the core's enum, and every
item keeps ``path`` (its place in the file, e.g. ``("orders", 3)``) so that a problem found later,
when the venue is built, can still name the file, line and field.

Instruments are referred to by their **reference**: ``ref`` if the instrument sets one, else
``<category>:<symbol>`` where the category is ``spot``, ``linear``, ``inverse`` or ``option``
(Bybit's categories, and the prefix of the core's instrument id): ``linear:BTCUSDT``,
``spot:BTCUSDT``, ``inverse:BTCUSD``. For a symbol written with an ``{expiry}`` placeholder the
reference contains the placeholder as written; give such instruments a ``ref``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from simulator.core import (
    AccountKind,
    InstrumentKind,
    InstrumentStatus,
    MarginMode,
    OptionKind,
    OrderType,
    PositionMode,
    Side,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
)
from simulator.core.instruments import MARKET_OF_KIND
from simulator.scenario.source import SourceMap
from simulator.scenario.times import TimeSpec

__all__ = [
    "AccountSpec",
    "ApiKey",
    "BookGenerate",
    "BookSpec",
    "ClockMode",
    "ClockSpec",
    "FaultRule",
    "FlowSpec",
    "InstrumentSpec",
    "OrderSpec",
    "Path",
    "PositionSpec",
    "Scenario",
    "ScriptEvent",
    "TradeSpec",
]

Path = tuple[str | int, ...]


class ClockMode(Enum):
    #: Time moves only when the test or driver advances it.
    VIRTUAL = "virtual"
    #: Time is an injected wall-clock source; the venue starts "now".
    REAL = "real"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClockSpec:
    mode: ClockMode = ClockMode.VIRTUAL
    #: Epoch ns a virtual clock starts at; None for the core's default (2023-11-14T22:13:20Z).
    start_ns: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InstrumentSpec:
    """An instrument as written; ``symbol`` may still hold ``{expiry}``-style placeholders."""

    ref: str
    symbol: str
    kind: InstrumentKind
    base: str
    quote: str
    settle: str
    tick_size: Decimal
    lot_size: Decimal
    min_qty: Decimal
    max_qty: Decimal
    #: The optional numbers the file sets (min_notional, contract_size, maker_fee, taker_fee,
    #: max_leverage, default_leverage, maintenance_margin_rate); the rest take the core's defaults.
    parameters: Mapping[str, Decimal] = field(default_factory=dict)
    activation: TimeSpec | None = None
    expiry: TimeSpec | None = None
    strike: Decimal | None = None
    option_kind: OptionKind | None = None
    funding_interval_s: int = 8 * 3600
    last_price: Decimal | None = None
    mark_price: Decimal | None = None
    index_price: Decimal | None = None
    funding_rate: Decimal | None = None
    status: InstrumentStatus | None = None
    path: Path = ()

    @property
    def category(self) -> str:
        """``spot``, ``linear``, ``inverse`` or ``option``."""
        return MARKET_OF_KIND[self.kind]

    @property
    def reference_price(self) -> Decimal | None:
        """The price a generated book is centred on when the book gives no ``mid``."""
        return self.last_price or self.mark_price or self.index_price


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKey:
    key: str
    secret: str
    #: Of ``read``, ``spot``, ``derivatives``, ``options``, ``wallet``. A key with only ``read``
    #: is read-only. Dialects map these onto their venue's permission names.
    permissions: frozenset[str]
    label: str = ""
    path: Path = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionSpec:
    instrument: str
    #: Signed: negative is short.
    size: Decimal
    entry_price: Decimal
    position_idx: int = 0
    path: Path = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSpec:
    id: str
    kind: AccountKind = AccountKind.USER
    balances: Mapping[str, Decimal] = field(default_factory=dict)
    #: coin -> amount lent to the account (spot margin, ``Exchange.seed_borrow``).
    borrow: Mapping[str, Decimal] = field(default_factory=dict)
    api_keys: tuple[ApiKey, ...] = ()
    positions: tuple[PositionSpec, ...] = ()
    #: instrument reference -> leverage
    leverage: Mapping[str, Decimal] = field(default_factory=dict)
    #: Applies to every linear and inverse contract; ``position_modes`` overrides per instrument.
    position_mode: PositionMode | None = None
    position_modes: Mapping[str, PositionMode] = field(default_factory=dict)
    margin_mode: MarginMode | None = None
    path: Path = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderSpec:
    """A resting (or immediately trading) order placed when the venue is built."""

    instrument: str
    #: An account of the scenario, or a participant (created on first use) when ``participant``.
    account_id: str
    participant: bool
    side: Side
    order_type: OrderType = OrderType.LIMIT
    qty: Decimal
    price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    expire: TimeSpec | None = None
    post_only: bool = False
    reduce_only: bool = False
    close_on_trigger: bool = False
    quote_quantity: bool = False
    client_id: str = ""
    position_idx: int = 0
    trigger_price: Decimal | None = None
    trigger_by: TriggerBy = TriggerBy.LAST
    trigger_direction: TriggerDirection | None = None
    path: Path = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class BookGenerate:
    """``levels`` a side, ``spread_ticks`` between the best bid and ask, ``step_ticks`` apart."""

    levels: int = 50
    spread_ticks: int = 1
    step_ticks: int = 1
    qty: Decimal
    #: If set, each level's size is drawn (seeded) between ``qty`` and ``qty_max``.
    qty_max: Decimal | None = None
    #: Centre of the book; defaults to the instrument's last, mark or index price.
    mid: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BookSpec:
    instrument: str
    bids: tuple[tuple[Decimal, Decimal], ...] = ()
    asks: tuple[tuple[Decimal, Decimal], ...] = ()
    generate: BookGenerate | None = None
    participant: str = "__market__"
    path: Path = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TradeSpec:
    price: Decimal
    qty: Decimal
    #: The aggressor's side.
    side: Side = Side.BUY


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptEvent:
    """Market changes at ``at_ns`` after the clock's start.

    Within one event they apply in this order: settlement_price, funding_rate, index_price,
    mark_price, trade, status.
    """

    at_ns: int
    instrument: str
    mark_price: Decimal | None = None
    index_price: Decimal | None = None
    trade: TradeSpec | None = None
    status: InstrumentStatus | None = None
    funding_rate: Decimal | None = None
    settlement_price: Decimal | None = None
    path: Path = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowSpec:
    """Synthetic flow (see :class:`simulator.core.FlowConfig`); unset fields take its defaults."""

    enabled: bool = True
    #: Instrument references; None means every instrument.
    instruments: tuple[str, ...] | None = None
    #: None: derived from the scenario's seed when the venue is built.
    seed: int | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    path: Path = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultRule:
    """A fault rule kept as validated data until the fault engine reads it.

    ``match`` has ``channel`` (http|ws) and optionally route, op, topic, role, account, nth,
    times or persistent, after; ``action`` has ``kind`` and the action's own parameters. Numbers
    with a fraction are Decimals.
    """

    match: Mapping[str, Any]
    action: Mapping[str, Any]
    name: str = ""
    path: Path = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A validated scenario. Build a venue from it with :func:`simulator.scenario.build_exchange`."""

    version: int
    dialect: str
    name: str = ""
    description: str = ""
    clock: ClockSpec = ClockSpec()
    seed: int = 0
    instruments: tuple[InstrumentSpec, ...] = ()
    accounts: tuple[AccountSpec, ...] = ()
    orders: tuple[OrderSpec, ...] = ()
    books: tuple[BookSpec, ...] = ()
    script: tuple[ScriptEvent, ...] = ()
    flow: FlowSpec | None = None
    #: endpoint -> requests per second, as the dialect names its endpoints (``order/create``).
    limits: Mapping[str, int] = field(default_factory=dict)
    faults: tuple[FaultRule, ...] = ()
    #: Where every value is in the file (for errors found when building).
    source: SourceMap = field(default_factory=lambda: SourceMap("<scenario>"), compare=False, repr=False)

    def instrument(self, ref: str) -> InstrumentSpec:
        """The instrument with reference ``ref``; raises KeyError naming the known ones."""
        for spec in self.instruments:
            if spec.ref == ref:
                return spec
        known = ", ".join(s.ref for s in self.instruments) or "none"
        raise KeyError(f"no instrument {ref!r} in this scenario (known: {known})")

    def account(self, account_id: str) -> AccountSpec:
        for spec in self.accounts:
            if spec.id == account_id:
                return spec
        raise KeyError(f"no account {account_id!r} in this scenario")
