"""Typed Bybit REST payloads (``result`` objects and their list items), decoded from orjson output.

Names mirror the venue with the camelCase rule of :mod:`adapters.bybit.common.wire`. Numbers stay
strings, as the venue sends them: parsing into Price/Quantity needs the instrument's precision and
happens in :mod:`adapters.bybit.http.parse`. Deviations from the upstream schema:

- Optional keys default to ``""`` (the venue's own "not set"), so a missing key and an empty one
  read the same; keys whose *presence* matters (``tpslMode``, ``createType``) default to ``None``.
- The order and execution structs also decode the private WebSocket's ``order``/``execution``
  items, which share the REST shape (§7.6), plus ``category`` which only the WebSocket sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adapters.bybit.common.wire import WireStruct

__all__ = [
    "BybitBatchItem",
    "BybitCoinBalance",
    "BybitExecution",
    "BybitFeeRate",
    "BybitFundingRate",
    "BybitInstrumentLinear",
    "BybitInstrumentOption",
    "BybitInstrumentSpot",
    "BybitKline",
    "BybitLeverageFilter",
    "BybitLotSizeFilter",
    "BybitOrder",
    "BybitOrderResult",
    "BybitOrderbook",
    "BybitPosition",
    "BybitPriceFilter",
    "BybitServerTime",
    "BybitTicker",
    "BybitTrade",
    "BybitWalletBalance",
]


@dataclass(frozen=True, slots=True)
class BybitServerTime(WireStruct):
    """``/v5/market/time`` result."""

    time_second: str
    time_nano: str


@dataclass(frozen=True, slots=True)
class BybitPriceFilter(WireStruct):
    """``priceFilter``; spot sends ``tickSize`` only."""

    tick_size: str
    min_price: str = ""
    max_price: str = ""


@dataclass(frozen=True, slots=True)
class BybitLotSizeFilter(WireStruct):
    """``lotSizeFilter``: spot uses ``basePrecision``/``minOrderAmt``; contracts ``qtyStep``."""

    min_order_qty: str
    max_order_qty: str
    qty_step: str = ""
    base_precision: str = ""
    quote_precision: str = ""
    min_order_amt: str = ""
    max_order_amt: str = ""
    max_mkt_order_qty: str = ""
    post_only_max_order_qty: str = ""
    min_notional_value: str = ""


@dataclass(frozen=True, slots=True)
class BybitLeverageFilter(WireStruct):
    """``leverageFilter`` of linear/inverse instruments."""

    min_leverage: str
    max_leverage: str
    leverage_step: str


class _WithFilters(WireStruct):
    __slots__ = ()

    @classmethod
    def _convert(cls, name: str, value: Any) -> Any:
        if name == "price_filter":
            return BybitPriceFilter.from_wire(value)
        if name == "lot_size_filter":
            return BybitLotSizeFilter.from_wire(value)
        if name == "leverage_filter":
            return BybitLeverageFilter.from_wire(value)
        return value


@dataclass(frozen=True, slots=True)
class BybitInstrumentSpot(_WithFilters):
    """A spot instrument (§6.2)."""

    symbol: str
    base_coin: str
    quote_coin: str
    status: str
    lot_size_filter: BybitLotSizeFilter
    price_filter: BybitPriceFilter
    margin_trading: str = "none"
    innovation: str = "0"


@dataclass(frozen=True, slots=True)
class BybitInstrumentLinear(_WithFilters):
    """A linear or inverse contract, perpetual or dated (§6.2)."""

    symbol: str
    contract_type: str
    status: str
    base_coin: str
    quote_coin: str
    settle_coin: str
    launch_time: str
    delivery_time: str
    price_filter: BybitPriceFilter
    lot_size_filter: BybitLotSizeFilter
    leverage_filter: BybitLeverageFilter | None = None
    delivery_fee_rate: str = ""
    price_scale: str = ""
    funding_interval: int = 0


@dataclass(frozen=True, slots=True)
class BybitInstrumentOption(_WithFilters):
    """An option (§6.2); ``symbol`` is ``BASE-DDMMMYY-STRIKE-C|P[-QUOTE]``."""

    symbol: str
    status: str
    base_coin: str
    quote_coin: str
    settle_coin: str
    options_type: str
    launch_time: str
    delivery_time: str
    price_filter: BybitPriceFilter
    lot_size_filter: BybitLotSizeFilter
    delivery_fee_rate: str = ""
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class BybitFeeRate(WireStruct):
    """``/v5/account/fee-rate`` item; options carry ``baseCoin`` and an empty ``symbol``."""

    symbol: str
    taker_fee_rate: str
    maker_fee_rate: str
    base_coin: str = ""


@dataclass(frozen=True, slots=True)
class BybitTicker(WireStruct):
    """A ticker of any category, REST or WS; absent fields read ``""`` (WS deltas send changes only).

    The option WebSocket ticker names its top of book ``bidPrice``/``askPrice``; the REST and
    linear names are ``bid1Price``/``ask1Price``. Both are kept; :func:`best_bid_ask` picks.
    """

    symbol: str
    last_price: str = ""
    index_price: str = ""
    mark_price: str = ""
    bid1_price: str = field(default="", metadata={"wire": "bid1Price"})
    bid1_size: str = field(default="", metadata={"wire": "bid1Size"})
    ask1_price: str = field(default="", metadata={"wire": "ask1Price"})
    ask1_size: str = field(default="", metadata={"wire": "ask1Size"})
    bid_price: str = ""
    bid_size: str = ""
    ask_price: str = ""
    ask_size: str = ""
    funding_rate: str = ""
    next_funding_time: str = ""
    open_interest: str = ""
    volume24h: str = field(default="", metadata={"wire": "volume24h"})
    turnover24h: str = field(default="", metadata={"wire": "turnover24h"})
    high_price24h: str = field(default="", metadata={"wire": "highPrice24h"})
    low_price24h: str = field(default="", metadata={"wire": "lowPrice24h"})
    prev_price24h: str = field(default="", metadata={"wire": "prevPrice24h"})
    usd_index_price: str = ""
    delivery_time: str = ""

    def best_bid_ask(self) -> tuple[str, str, str, str]:
        """``(bid, bid_size, ask, ask_size)`` from whichever naming this ticker used."""
        if self.bid1_price or self.ask1_price:
            return self.bid1_price, self.bid1_size, self.ask1_price, self.ask1_size
        return self.bid_price, self.bid_size, self.ask_price, self.ask_size


@dataclass(frozen=True, slots=True)
class BybitOrderbook(WireStruct):
    """``/v5/market/orderbook`` result (also the ``data`` of a WS book message)."""

    s: str
    b: list[list[str]]
    a: list[list[str]]
    u: int
    ts: int = 0
    seq: int = 0
    cts: int = 0


@dataclass(frozen=True, slots=True)
class BybitTrade(WireStruct):
    """``/v5/market/recent-trade`` item; ``side`` is the taker's."""

    exec_id: str
    symbol: str
    price: str
    size: str
    side: str
    time: str
    is_block_trade: bool = False


@dataclass(frozen=True, slots=True)
class BybitKline:
    """One kline row ``[start, open, high, low, close, volume, turnover]`` (mark/index rows have 5)."""

    start: str
    open: str
    high: str
    low: str
    close: str
    volume: str = "0"
    turnover: str = "0"

    @classmethod
    def from_row(cls, row: list[str]) -> BybitKline:
        """Decode a positional row of 5 or 7 strings."""
        return cls(*row[:7])


@dataclass(frozen=True, slots=True)
class BybitFundingRate(WireStruct):
    """``/v5/market/funding/history`` item."""

    symbol: str
    funding_rate: str
    funding_rate_timestamp: str


@dataclass(frozen=True, slots=True)
class BybitOrderResult(WireStruct):
    """``{orderId, orderLinkId}``: the answer of create, amend and cancel."""

    order_id: str
    order_link_id: str = ""


@dataclass(frozen=True, slots=True)
class BybitBatchItem(WireStruct):
    """One item of a batch answer, joined with its ``retExtInfo.list[i]`` code and message."""

    order_id: str = ""
    order_link_id: str = ""
    symbol: str = ""
    category: str = ""
    code: int = 0
    msg: str = "OK"


@dataclass(frozen=True, slots=True)
class BybitOrder(WireStruct):
    """An order, from ``order/realtime``, ``order/history`` or the private ``order`` topic (§6.18)."""

    order_id: str
    order_link_id: str
    symbol: str
    side: str
    order_type: str
    price: str
    qty: str
    time_in_force: str
    order_status: str
    created_time: str
    updated_time: str
    leaves_qty: str = ""
    cum_exec_qty: str = "0"
    cum_exec_value: str = "0"
    cum_exec_fee: str = "0"
    avg_price: str = ""
    position_idx: int = 0
    cancel_type: str = "UNKNOWN"
    reject_reason: str = "EC_NoError"
    stop_order_type: str = ""
    trigger_price: str = ""
    trigger_by: str = ""
    trigger_direction: int = 0
    take_profit: str = ""
    stop_loss: str = ""
    reduce_only: bool = False
    close_on_trigger: bool = False
    order_iv: str = ""
    category: str = ""
    tpsl_mode: str | None = None
    create_type: str | None = None


@dataclass(frozen=True, slots=True)
class BybitExecution(WireStruct):
    """An execution, from ``execution/list`` or the private ``execution`` topic (§6.19, §7.6)."""

    symbol: str
    order_id: str
    order_link_id: str
    side: str
    exec_id: str
    exec_price: str
    exec_qty: str
    exec_time: str
    exec_type: str = "Trade"
    exec_fee: str = "0"
    exec_value: str = ""
    fee_rate: str = ""
    fee_currency: str = ""
    is_maker: bool = False
    order_type: str = ""
    order_price: str = ""
    order_qty: str = ""
    leaves_qty: str = ""
    stop_order_type: str = ""
    closed_size: str = ""
    seq: int = 0
    category: str = ""
    create_type: str | None = None


@dataclass(frozen=True, slots=True)
class BybitPosition(WireStruct):
    """A position from ``position/list`` (``avgPrice``) or the ``position`` topic (``entryPrice``)."""

    symbol: str
    side: str
    size: str
    position_idx: int = 0
    avg_price: str = ""
    entry_price: str = ""
    leverage: str = ""
    mark_price: str = ""
    liq_price: str = ""
    position_value: str = ""
    unrealised_pnl: str = ""
    cum_realised_pnl: str = ""
    position_status: str = "Normal"
    created_time: str = ""
    updated_time: str = ""
    category: str = ""

    @property
    def average_price(self) -> str:
        """The entry price whichever key carried it."""
        return self.avg_price or self.entry_price


@dataclass(frozen=True, slots=True)
class BybitCoinBalance(WireStruct):
    """One coin of a wallet account; IM/MM fields may be ``""`` (read as 0)."""

    coin: str
    wallet_balance: str
    equity: str = ""
    locked: str = "0"
    total_order_im: str = field(default="", metadata={"wire": "totalOrderIM"})
    total_position_im: str = field(default="", metadata={"wire": "totalPositionIM"})
    total_position_mm: str = field(default="", metadata={"wire": "totalPositionMM"})
    available_to_withdraw: str = ""
    unrealised_pnl: str = ""
    spot_borrow: str = ""
    borrow_amount: str = ""


@dataclass(frozen=True, slots=True)
class BybitWalletBalance(WireStruct):
    """A wallet account object (REST wallet-balance item or WS ``wallet`` item)."""

    account_type: str
    coin: list[BybitCoinBalance]
    total_equity: str = ""
    total_wallet_balance: str = ""
    total_available_balance: str = ""
    total_initial_margin: str = ""
    total_maintenance_margin: str = ""

    @classmethod
    def _convert(cls, name: str, value: Any) -> Any:
        if name == "coin":
            return BybitCoinBalance.list_from_wire(value)
        return value
