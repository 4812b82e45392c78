"""Generate ``test_data/bybit/`` from a scripted core session, encoded with this codec.

``python -m simulator.dialects.bybit.codec.fixtures [--out DIR]`` builds an :class:`Exchange` on
a virtual clock with seeded ids and realistic Bybit instruments (spot BTCUSDT/ETHUSDT, linear
BTCUSDT/ETHUSDT perpetuals, a linear BTC future, the inverse BTCUSD perpetual and two BTC
options), scripts a day of trades, marks and fundings, then trades as the ``demo`` account so
that every order status appears (New, PartiallyFilled, Filled, Cancelled, a post-only order
that would have taken, Untriggered, Deactivated, spot PartiallyFilledCanceled), with maker and
taker fills and long, short and flat positions. Each payload is written pretty-printed as
``http_{method}_{endpoint}.json`` (full envelope) or ``ws_{message_type}.json``.

The output is deterministic: the same code writes the same bytes. The tests regenerate the
files and compare them with the committed ones, and validate each against its schema (the
second element of each entry of :func:`build_fixtures`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from simulator.core import (
    NS_PER_MS,
    NS_PER_S,
    TAKER_ACCOUNT,
    AmendOrder,
    CancelAll,
    CancelOrder,
    Exchange,
    IndexPriceChanged,
    Instrument,
    MarkPriceChanged,
    NewOrder,
    OptionKind,
    OrderAccepted,
    OrderCancelled,
    OrderFilled,
    OrderRejected,
    OrderType,
    OrderView,
    PositionChanged,
    SeededIds,
    Side,
    TimeInForce,
    TradeOccurred,
    TriggerBy,
    VirtualClock,
    catalog,
)
from simulator.core.events import BookChanged, Fill
from simulator.dialects.bybit.codec import account, instruments, market, orders, results, ws, ws_control
from simulator.dialects.bybit.codec.mappings import category

__all__ = ["ACCOUNT", "START_NS", "build_fixtures", "default_out_dir", "main", "render", "write_fixtures"]

D = Decimal
ACCOUNT = "demo"
#: 2025-12-31T06:00:00Z: the session crosses three fundings (08:00, 16:00, 00:00 UTC), then
#: trades from 00:00 to about 00:20 on 2026-01-01.
START_NS = 1_767_160_800 * NS_PER_S
SEED = 20_260_101
_MINUTE = 60
_EXPIRY_NS = 1_774_598_400 * NS_PER_S  # 2026-03-27T08:00:00Z, Bybit's quarterly expiry time
#: The demo key the fixtures describe (no secret appears in any payload).
DEMO_API_KEY = "vk-demo-key-0001"
_PRIVATE_CONN = "d4ch6bq5ou6c3v3ha0vg-4z1k"
_TRADE_CONN = "d4ch6bq5ou6c3v3ha100-2t7w"
_PUBLIC_CONN = "6f1c0b9e-6f2b-4a4e-9c25-0d8f2c1b7a31"

SPOT_BTC = "spot:BTCUSDT"
SPOT_ETH = "spot:ETHUSDT"
LINEAR_BTC = "linear:BTCUSDT"
LINEAR_ETH = "linear:ETHUSDT"
FUTURE_BTC = "linear:BTC-27MAR26"
INVERSE_BTC = "inverse:BTCUSD"
PUT = "option:BTC-27MAR26-70000-P-USDT"
CALL = "option:BTC-27MAR26-100000-C-USDT"


def _instruments() -> list[tuple[Instrument, dict[str, str]]]:
    """Bybit's real filters for these symbols (the core's catalog), with the session's start prices."""
    return [
        (catalog.btc_spot(), {"last_price": "87500.00", "index_price": "87512.34"}),
        (catalog.eth_spot(), {"last_price": "2950.00", "index_price": "2950.85"}),
        (
            catalog.btc_linear_perpetual(),
            {
                "last_price": "87480.0",
                "mark_price": "87481.25",
                "index_price": "87512.34",
                "funding_rate": "0.0001",
            },
        ),
        (
            catalog.eth_linear_perpetual(),
            {
                "last_price": "2949.50",
                "mark_price": "2949.63",
                "index_price": "2950.85",
                "funding_rate": "0.00005",
            },
        ),
        (
            catalog.btc_linear_future("BTC-27MAR26", _EXPIRY_NS),
            {"last_price": "88410.50", "mark_price": "88405.00", "index_price": "87512.34"},
        ),
        (
            catalog.btc_inverse_perpetual(),
            {
                "last_price": "87495.50",
                "mark_price": "87493.12",
                "index_price": "87511.90",
                "funding_rate": "0.0001",
            },
        ),
        (
            catalog.btc_option("BTC-27MAR26-70000-P-USDT", 70000, OptionKind.PUT, _EXPIRY_NS),
            {"last_price": "1185", "mark_price": "1190.41", "index_price": "87512.34"},
        ),
        (
            catalog.btc_option("BTC-27MAR26-100000-C-USDT", 100000, OptionKind.CALL, _EXPIRY_NS),
            {"last_price": "2410", "mark_price": "2402.87", "index_price": "87512.34"},
        ),
    ]


#: Resting liquidity per market: (best bid, best ask, price step between levels, sizes).
_BOOKS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    SPOT_BTC: ("87499.99", "87500.01", "0.50", ("0.012500", "0.250000", "0.080000", "0.410000", "1.200000")),
    SPOT_ETH: ("2949.98", "2950.02", "0.05", ("1.50000", "3.20000", "0.75000", "6.00000", "12.40000")),
    LINEAR_BTC: ("87479.9", "87480.1", "0.5", ("0.050", "0.420", "1.150", "0.800", "2.600", "3.000")),
    LINEAR_ETH: ("2949.49", "2949.51", "0.05", ("4.20", "12.50", "8.00", "25.00", "40.10")),
    FUTURE_BTC: ("88410.0", "88411.0", "1.0", ("0.100", "0.350", "0.700", "1.250")),
    INVERSE_BTC: ("87495.0", "87496.0", "0.5", ("2500", "12000", "8000", "30000", "45000")),
    PUT: ("1180", "1190", "5", ("1.50", "4.00", "2.20")),
    CALL: ("2400", "2415", "5", ("0.80", "2.50", "3.10")),
}


class Session:
    """The scripted venue and everything the fixtures need from its event stream."""

    def __init__(self) -> None:
        self.ex = Exchange(VirtualClock(START_NS), SeededIds(SEED))
        self.events: list[Any] = []
        self.ex.subscribe(self.events.append)
        self.marks: dict[str, list[tuple[int, Decimal]]] = {}
        self.indexes: dict[str, list[tuple[int, Decimal]]] = {}
        self.steps: dict[str, tuple[Any, ...]] = {}
        #: The linear BTCUSDT ticker as a client saw it before the demo account traded.
        self.ticker_before: dict[str, str] = {}
        for inst, prices in _instruments():
            self.ex.add_instrument(inst, **prices)
            now = self.ex.clock.now_ns()
            if "mark_price" in prices:
                self.marks[inst.id] = [(now, D(prices["mark_price"]))]
            if "index_price" in prices:
                self.indexes[inst.id] = [(now, D(prices["index_price"]))]
        self.ex.subscribe(self._prices)
        for instrument_id, (bid, ask, step, sizes) in _BOOKS.items():
            step_d = D(step)
            self.ex.seed_book(
                instrument_id,
                bids=[(D(bid) - step_d * n, qty) for n, qty in enumerate(sizes)],
                asks=[(D(ask) + step_d * n, qty) for n, qty in enumerate(sizes)],
            )
        self.ex.add_account(ACCOUNT, balances={"USDT": "100000", "USDC": "10000", "BTC": "2", "ETH": "5"})

    def _prices(self, event: Any) -> None:
        if isinstance(event, MarkPriceChanged):
            self.marks.setdefault(event.instrument_id, []).append((event.ts_ns, event.price))
        elif isinstance(event, IndexPriceChanged):
            self.indexes.setdefault(event.instrument_id, []).append((event.ts_ns, event.price))

    def step(self, name: str, events: Iterable[Any]) -> tuple[Any, ...]:
        self.steps[name] = tuple(events)
        return self.steps[name]

    def place(self, name: str, cmd: NewOrder) -> OrderView:
        result = self.ex.place_order(cmd)
        self.step(name, result.events)
        if result.order is None:
            raise AssertionError(f"fixture order {name} was refused: {result.message}")
        return result.order

    def advance(self, seconds: int) -> None:
        self.ex.advance(seconds)


def _script_market(s: Session) -> None:
    """A day of fundings, then a quarter of an hour of trades with mark and index moves."""
    ex = s.ex
    # The demo account held a long from the day before: it pays (and once receives) funding.
    ex.seed_position(ACCOUNT, LINEAR_BTC, "0.100", "86950.0")
    for hours, rate in ((2, "0.0001"), (8, "0.000125"), (8, "-0.00004")):
        ex.set_funding_rate(LINEAR_BTC, rate)
        ex.set_funding_rate(INVERSE_BTC, rate)
        s.advance(hours * 3600)
    # 2026-01-01T00:00:00Z: a wave over 12 minutes, one trade a minute per market.
    drift = {
        LINEAR_BTC: ("87480.0", "0.5", "0.012"),
        SPOT_BTC: ("87500.00", "0.37", "0.004210"),
        LINEAR_ETH: ("2949.50", "0.07", "0.35"),
        SPOT_ETH: ("2950.00", "0.06", "0.12000"),
        INVERSE_BTC: ("87495.5", "0.5", "150"),
        FUTURE_BTC: ("88410.5", "0.5", "0.010"),
        PUT: ("1185", "5", "0.10"),
    }
    pattern = (0, 1, 2, 3, 4, 3, 2, 1, 1, 2, 3, 2)
    for minute, offset in enumerate(pattern):
        s.advance(_MINUTE if minute else 7)
        for instrument_id, (base, step, qty) in drift.items():
            side = Side.BUY if minute % 3 != 2 else Side.SELL
            ex.record_trade(instrument_id, D(base) + D(step) * offset, qty, side)
        if minute % 2 == 1:
            ex.set_mark_price(LINEAR_BTC, D("87481.25") + D("0.85") * offset)
            ex.set_index_price(LINEAR_BTC, D("87512.34") + D("0.61") * offset)
            ex.set_mark_price(PUT, D("1190.41") + D("1.37") * offset)
    s.advance(3 * _MINUTE)


def _script_trading(s: Session) -> dict[str, OrderView]:
    """The demo account's orders, one status each, with maker and taker fills."""
    ex = s.ex
    views: dict[str, OrderView] = {}

    def order(
        name: str,
        instrument_id: str,
        side: Side,
        order_type: OrderType,
        qty: str,
        price: str | None = None,
        **kwargs: Any,
    ) -> OrderView:
        cmd = NewOrder(ACCOUNT, instrument_id, side, order_type, qty, price, client_order_id=name, **kwargs)
        views[name] = s.place(name, cmd)
        s.advance(3)
        return views[name]

    # Linear BTCUSDT: resting, partially filled, filled, maker, cancelled, post-only, conditional.
    order("lin-new", LINEAR_BTC, Side.BUY, OrderType.LIMIT, "0.010", "86000.0")
    order("lin-partial", LINEAR_BTC, Side.BUY, OrderType.LIMIT, "0.080", "87480.1")
    order("lin-market", LINEAR_BTC, Side.BUY, OrderType.MARKET, "0.020")
    maker = order("lin-maker", LINEAR_BTC, Side.SELL, OrderType.LIMIT, "0.015", "87480.2")
    taker = ex.participant(TAKER_ACCOUNT)
    s.step(
        "lin-maker-hit",
        ex.place_order(NewOrder(taker.account_id, LINEAR_BTC, Side.BUY, OrderType.MARKET, "0.015")).events,
    )
    views["lin-maker"] = ex.order(ACCOUNT, maker.order_id)
    s.advance(2)
    cancelled = order("lin-cancel", LINEAR_BTC, Side.BUY, OrderType.LIMIT, "0.010", "85000.0")
    s.step("lin-cancel-done", ex.cancel_order(CancelOrder(ACCOUNT, LINEAR_BTC, cancelled.order_id)).events)
    views["lin-cancel"] = ex.order(ACCOUNT, cancelled.order_id)
    s.advance(2)
    order("lin-postonly", LINEAR_BTC, Side.BUY, OrderType.LIMIT, "0.010", "87481.0", post_only=True)
    order(
        "lin-stop",
        LINEAR_BTC,
        Side.BUY,
        OrderType.MARKET,
        "0.010",
        trigger_price="90000.0",
        trigger_by=TriggerBy.MARK,
    )
    deactivated = order(
        "lin-stop-cancel", LINEAR_BTC, Side.SELL, OrderType.MARKET, "0.010", trigger_price="84000.0"
    )
    s.step(
        "lin-stop-cancel-done", ex.cancel_order(CancelOrder(ACCOUNT, LINEAR_BTC, deactivated.order_id)).events
    )
    views["lin-stop-cancel"] = ex.order(ACCOUNT, deactivated.order_id)
    s.step(
        "lin-tpsl",
        ex.set_trading_stop(ACCOUNT, LINEAR_BTC, take_profit="95000.0", stop_loss="82000.0").events,
    )
    s.advance(2)
    amended = ex.amend_order(AmendOrder(ACCOUNT, LINEAR_BTC, views["lin-new"].order_id, price="86100.0"))
    s.step("lin-amend", amended.events)
    assert amended.order is not None
    views["lin-new"] = amended.order
    s.advance(2)
    # Linear ETHUSDT short; the BTC future opened and closed (flat); inverse long; a long put.
    order("eth-short", LINEAR_ETH, Side.SELL, OrderType.MARKET, "0.50")
    order("fut-open", FUTURE_BTC, Side.BUY, OrderType.MARKET, "0.010")
    order("fut-close", FUTURE_BTC, Side.SELL, OrderType.MARKET, "0.010")
    order("inv-long", INVERSE_BTC, Side.BUY, OrderType.MARKET, "1500")
    order("put-long", PUT, Side.BUY, OrderType.LIMIT, "0.10", "1190")
    # Spot: a taker buy, a resting sell, an IOC partly filled then cancelled, a cancel, a maker.
    order("spot-market", SPOT_BTC, Side.BUY, OrderType.MARKET, "0.010000")
    order("spot-resting", SPOT_BTC, Side.SELL, OrderType.LIMIT, "0.005000", "90000.00")
    order(
        "spot-ioc", SPOT_BTC, Side.BUY, OrderType.LIMIT, "0.300000", "87500.51", time_in_force=TimeInForce.IOC
    )
    spot_cancel = order("spot-cancel", SPOT_BTC, Side.BUY, OrderType.LIMIT, "0.002000", "85000.00")
    s.step("spot-cancel-done", ex.cancel_order(CancelOrder(ACCOUNT, SPOT_BTC, spot_cancel.order_id)).events)
    views["spot-cancel"] = ex.order(ACCOUNT, spot_cancel.order_id)
    spot_maker = order("spot-maker", SPOT_ETH, Side.SELL, OrderType.LIMIT, "0.80000", "2950.00")
    s.step(
        "spot-maker-hit",
        ex.place_order(NewOrder(taker.account_id, SPOT_ETH, Side.BUY, OrderType.MARKET, "0.80000")).events,
    )
    views["spot-maker"] = ex.order(ACCOUNT, spot_maker.order_id)
    s.advance(2)
    ex.set_mark_price(LINEAR_BTC, "87492.35")
    ex.set_mark_price(LINEAR_ETH, "2951.18")
    ex.set_mark_price(INVERSE_BTC, "87490.00")
    s.advance(1)
    return views


# -- encoding -------------------------------------------------------------------------------------


def _time(s: Session) -> int:
    return s.ex.clock.now_ns() // NS_PER_MS


def _rest(s: Session, result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return results.rest_envelope(result, _time(s), **kwargs)


def _markets(s: Session, cat: str) -> list[Any]:
    return [m for m in s.ex.markets.values() if category(m.instrument) == cat]


def _fill_seqs(s: Session) -> dict[tuple[str, str], int]:
    """The event ``seq`` of each fill, by (trade id, order id): the executions' ``seq``."""
    return {(e.fill.trade_id, e.fill.order_id): e.seq for e in s.events if isinstance(e, OrderFilled)}


def _last_position_seqs(s: Session) -> dict[tuple[str, str, int], int]:
    seqs = {}
    for e in s.events:
        if isinstance(e, PositionChanged):
            p = e.position
            seqs[(p.account_id, p.instrument_id, p.position_idx)] = e.seq
    return seqs


def _fills(s: Session, cat: str) -> list[tuple[Fill, OrderView]]:
    return [
        (f, s.ex.order(ACCOUNT, f.order_id))
        for f in s.ex.fills(ACCOUNT)
        if category(s.ex.instrument(f.instrument_id)) == cat
    ]


def _orders(views: Iterable[OrderView], cat: str) -> list[OrderView]:
    return [v for v in views if category(v.instrument) == cat]


def _rest_fixtures(s: Session, views: dict[str, OrderView]) -> dict[str, tuple[str, Any]]:
    ex = s.ex
    now = ex.clock.now_ns()
    out: dict[str, tuple[str, Any]] = {}

    def put(name: str, schema: str, payload: Any) -> None:
        out[name] = (schema, payload)

    put("http_get_market_time", "http_get_market_time", _rest(s, market.server_time(now)))
    for cat in ("spot", "linear", "inverse", "option"):
        items = [instruments.instrument_info(m.instrument, m.status) for m in _markets(s, cat)]
        cursor = None if cat == "spot" else ""
        put(
            f"http_get_market_instruments_info_{cat}",
            "http_get_market_instruments_info",
            _rest(s, results.list_result(cat, items, cursor=cursor)),
        )
        tickers = [market.ticker(m, ex.book(m.instrument.id, 1), now) for m in _markets(s, cat)]
        put(
            f"http_get_market_tickers_{cat}",
            "http_get_market_tickers",
            _rest(s, results.list_result(cat, tickers, cursor=None)),
        )
    put(
        "http_get_market_orderbook",
        "http_get_market_orderbook",
        _rest(s, market.orderbook_result(ex.book(LINEAR_BTC, 25))),
    )
    put(
        "http_get_market_orderbook_spot",
        "http_get_market_orderbook",
        _rest(s, market.orderbook_result(ex.book(SPOT_BTC, 50))),
    )
    trade_seqs = {e.trade_id: e.seq for e in s.events if isinstance(e, TradeOccurred)}
    linear_btc = ex.market(LINEAR_BTC)
    recent = [
        market.recent_trade_item(linear_btc.instrument, t, seq=trade_seqs[t.trade_id])
        for t in reversed(list(linear_btc.trades)[-8:])
    ]
    put(
        "http_get_market_recent_trade",
        "http_get_market_recent_trade",
        _rest(s, results.list_result("linear", recent, cursor=None)),
    )
    put_market = ex.market(PUT)
    option_trades = [
        market.recent_trade_item(
            put_market.instrument,
            t,
            seq=trade_seqs[t.trade_id],
            mark_price=put_market.mark_price,
            index_price=put_market.index_price,
        )
        for t in reversed(list(put_market.trades)[-3:])
    ]
    put(
        "http_get_market_recent_trade_option",
        "http_get_market_recent_trade",
        _rest(s, results.list_result("option", option_trades, cursor=None)),
    )
    inst = linear_btc.instrument
    candles = market.trade_candles(inst, linear_btc.trades, "1", limit=6)
    put(
        "http_get_market_kline",
        "http_get_market_kline",
        _rest(s, results.kline_result(inst.symbol, "linear", [market.kline_row(inst, c) for c in candles])),
    )
    for kind, series in (("mark", s.marks), ("index", s.indexes)):
        price_candles = market.price_candles(series[LINEAR_BTC], "5", limit=4)
        rows = [market.price_kline_row(inst, c) for c in price_candles]
        put(
            f"http_get_market_{kind}_price_kline",
            f"http_get_market_{kind}_price_kline",
            _rest(s, results.kline_result(inst.symbol, "linear", rows)),
        )
    funding = [
        market.funding_history_item(inst, ts, rate) for ts, rate in reversed(linear_btc.funding_history)
    ]
    put(
        "http_get_market_funding_history",
        "http_get_market_funding_history",
        _rest(s, results.list_result("linear", funding, cursor=None)),
    )

    coins = sorted(
        {c for m in ex.markets.values() for c in (m.instrument.base, m.instrument.quote)} - {"USD"}
    )
    put(
        "http_get_asset_coin_query_info",
        "http_get_asset_coin_query_info",
        _rest(s, {"rows": [account.coin_info_row(c) for c in coins]}, ret_msg="success"),
    )
    for cat in ("linear", "spot", "option"):
        items = account.fee_rate_items(m.instrument for m in _markets(s, cat))
        suffix = "" if cat == "linear" else f"_{cat}"
        put(
            f"http_get_account_fee_rate{suffix}",
            "http_get_account_fee_rate",
            _rest(s, results.fee_rate_result(cat, items)),
        )
    key_created = START_NS - 30 * 86_400 * NS_PER_S
    put(
        "http_get_user_query_api",
        "http_get_user_query_api",
        _rest(
            s,
            account.query_api(
                DEMO_API_KEY,
                key_id="2208369",
                user_id=1448939,
                now_ns=now,
                created_ns=key_created,
                expires_ns=key_created + 90 * 86_400 * NS_PER_S,
            ),
            ret_msg="",
        ),
    )
    demo = ex.accounts[ACCOUNT]
    put(
        "http_get_account_info",
        "http_get_account_info",
        _rest(s, account.account_info(demo.margin_mode, START_NS)),
    )
    usd = account.usd_prices(ex.markets.values())
    balances = [b for b in ex.balances(ACCOUNT) if b.total]
    wallet = account.wallet_account(balances, ex.positions(ACCOUNT), usd)
    put("http_get_account_wallet_balance", "http_get_account_wallet_balance", _rest(s, {"list": [wallet]}))

    pos_seqs = _last_position_seqs(s)

    def positions(cat: str) -> list[dict[str, Any]]:
        return [
            account.position_rest(p, seq=pos_seqs[(p.account_id, p.instrument_id, p.position_idx)])
            for p in ex.positions(ACCOUNT)
            if category(p.instrument) == cat
        ]

    for cat in ("linear", "inverse", "option"):
        suffix = "" if cat == "linear" else f"_{cat}"
        put(
            f"http_get_position_list{suffix}",
            "http_get_position_list",
            _rest(s, results.list_result(cat, positions(cat))),
        )
    for cat in ("linear", "spot"):
        suffix = "" if cat == "linear" else "_spot"
        # Newest first, as Bybit lists them.
        open_views = sorted(_orders(ex.open_orders(ACCOUNT), cat), key=lambda v: v.created_ns, reverse=True)
        open_items = [orders.order_rest(v) for v in open_views]
        put(
            f"http_get_order_realtime{suffix}",
            "http_get_order_realtime",
            _rest(s, results.list_result(cat, open_items)),
        )
        closed = [orders.order_rest(v) for v in _orders(ex.order_history(ACCOUNT), cat)]
        put(
            f"http_get_order_history{suffix}",
            "http_get_order_history",
            _rest(s, results.list_result(cat, closed)),
        )
        seqs = _fill_seqs(s)
        executions = [
            orders.execution_rest(f, v, seq=seqs[(f.trade_id, f.order_id)]) for f, v in _fills(s, cat)
        ]
        put(
            f"http_get_execution_list{suffix}",
            "http_get_execution_list",
            _rest(s, results.list_result(cat, executions)),
        )
    return out


def _post_fixtures(s: Session, views: dict[str, OrderView]) -> dict[str, tuple[str, Any]]:
    """Answers to order entry and settings calls, made on the venue after the snapshots above."""
    ex = s.ex
    out: dict[str, tuple[str, Any]] = {}

    def put(name: str, payload: Any) -> None:
        out[name] = (name, payload)

    def ack(view: OrderView) -> dict[str, str]:
        return results.order_ack(view.order_id, view.client_order_id)

    put("http_post_order_create", _rest(s, ack(views["lin-new"])))
    put("http_post_order_amend", _rest(s, ack(views["lin-new"])))
    put("http_post_order_cancel", _rest(s, ack(views["lin-cancel"])))
    # Two resting ETH spot bids, cancelled together.
    for n, price in enumerate(("2900.00", "2890.00")):
        ex.place_order(
            NewOrder(
                ACCOUNT,
                SPOT_ETH,
                Side.BUY,
                OrderType.LIMIT,
                "0.10000",
                price,
                client_order_id=f"spot-eth-{n}",
            )
        )
    cancelled = ex.cancel_all(CancelAll(ACCOUNT, SPOT_ETH)).cancelled
    put("http_post_order_cancel_all", _rest(s, results.cancel_all_result(cancelled)))
    # A batch of three: two accepted, one refused (its orderLinkId is already used).
    batch = ex.place_orders(
        NewOrder(ACCOUNT, LINEAR_BTC, Side.BUY, OrderType.LIMIT, qty, price, client_order_id=link)
        for qty, price, link in (
            ("0.005", "85500.0", "batch-000"),
            ("0.005", "85400.0", "batch-001"),
            ("0.005", "85300.0", "lin-new"),
        )
    )
    items = [
        results.batch_item(r.order, category="linear", symbol="BTCUSDT", order_link_id=link)
        for r, link in zip(batch, ("batch-000", "batch-001", "lin-new"), strict=True)
    ]
    # The codes of refused items come from the errors module at run time; this one is §5.1's.
    outcomes = [(0, "OK") if r.ok else (110072, "OrderLinkedID is duplicate") for r in batch]
    put(
        "http_post_order_create_batch",
        _rest(s, results.batch_result(items), ret_ext_info=results.batch_ext_info(outcomes)),
    )
    amends = ex.amend_orders(
        AmendOrder(ACCOUNT, LINEAR_BTC, r.order.order_id, price=price)
        for r, price in zip(batch[:2], ("85550.0", "85450.0"), strict=True)
        if r.order is not None
    )
    amend_items = [
        results.batch_item(r.order, category="linear", symbol="BTCUSDT", order_link_id="") for r in amends
    ]
    put(
        "http_post_order_amend_batch",
        _rest(
            s,
            results.batch_result(amend_items),
            ret_ext_info=results.batch_ext_info((0, "OK") for _ in amends),
        ),
    )
    batch_ids = [r.order.order_id for r in batch[:2] if r.order is not None]
    cancels = ex.cancel_orders(
        [
            CancelOrder(ACCOUNT, LINEAR_BTC, batch_ids[0]),
            CancelOrder(ACCOUNT, LINEAR_BTC, client_order_id="batch-404"),
        ]
    )
    cancel_items = [
        results.batch_item(
            r.order, category="linear", symbol="BTCUSDT", order_link_id=link, with_create_at=False
        )
        for r, link in zip(cancels, ("batch-000", "batch-404"), strict=True)
    ]
    cancel_outcomes = [
        (0, "OK") if r.ok else (110001, "order not exists or too late to cancel") for r in cancels
    ]
    put(
        "http_post_order_cancel_batch",
        _rest(s, results.batch_result(cancel_items), ret_ext_info=results.batch_ext_info(cancel_outcomes)),
    )
    assert ex.set_leverage(ACCOUNT, LINEAR_ETH, "5").ok
    put("http_post_position_set_leverage", _rest(s, {}))
    put("http_post_position_switch_mode", _rest(s, {}))
    put("http_post_position_trading_stop", _rest(s, {}))
    put("http_post_account_set_margin_mode", _rest(s, {"reasons": []}))
    out["http_post_order_cancel_not_found"] = (
        "http_error",
        results.rest_envelope(
            {}, _time(s), ret_code=110001, ret_msg="order not exists or too late to cancel"
        ),
    )
    return out


def _events_of(s: Session, step: str, kind: type) -> list[Any]:
    return [e for e in s.steps[step] if isinstance(e, kind)]


def _ws_fixtures(s: Session, views: dict[str, OrderView]) -> dict[str, tuple[str, Any]]:
    ex = s.ex
    now = ex.clock.now_ns()
    out: dict[str, tuple[str, Any]] = {}

    def put(name: str, schema: str, payload: Any) -> None:
        out[name] = (schema, payload)

    linear = ex.market(LINEAR_BTC)
    inst = linear.instrument
    snapshot = ex.book(LINEAR_BTC, 50)
    put(
        "ws_orderbook_snapshot",
        "ws_orderbook",
        ws.orderbook_message(
            inst, 50, "snapshot", snapshot.bids, snapshot.asks, u=snapshot.seq, seq=snapshot.seq, ts_ns=now
        ),
    )
    change = _events_of(s, "lin-partial", BookChanged)[0]
    bids, asks = ws.book_change_levels(change)
    put(
        "ws_orderbook_delta",
        "ws_orderbook",
        ws.orderbook_message(
            inst, 50, "delta", bids, asks, u=change.book_seq, seq=change.book_seq, ts_ns=change.ts_ns
        ),
    )
    top = ex.book(LINEAR_BTC, 1)
    put(
        "ws_orderbook_depth1",
        "ws_orderbook",
        ws.orderbook_message(inst, 1, "snapshot", top.bids, top.asks, u=top.seq, seq=top.seq, ts_ns=now),
    )

    def trades(instrument_id: str, steps: Iterable[str]) -> tuple[Instrument, list[dict[str, Any]], int, int]:
        m = ex.market(instrument_id)
        history = [t.price for t in m.trades]
        ids = [t.trade_id for t in m.trades]
        items = []
        last = None
        for step in steps:
            for e in _events_of(s, step, TradeOccurred):
                if e.instrument_id != instrument_id:
                    continue
                upto = ids.index(e.trade_id) + 1
                items.append(
                    ws.public_trade_item(
                        m.instrument,
                        trade_id=e.trade_id,
                        ts_ns=e.ts_ns,
                        trade_price=e.price,
                        qty=e.qty,
                        aggressor=e.aggressor,
                        seq=e.seq,
                        tick_direction=market.tick_direction(history[:upto]),
                        mark_price=m.mark_price,
                        index_price=m.index_price,
                    )
                )
                last = e
        assert last is not None
        return m.instrument, items, last.ts_ns, last.seq

    for name, schema, instrument_id, steps in (
        ("ws_public_trade", "ws_public_trade", LINEAR_BTC, ("lin-partial", "lin-market", "lin-maker-hit")),
        ("ws_public_trade_spot", "ws_public_trade_spot", SPOT_BTC, ("spot-market", "spot-ioc")),
        ("ws_public_trade_option", "ws_public_trade_option", PUT, ("put-long",)),
    ):
        trade_inst, items, ts_ns, seq = trades(instrument_id, steps)
        put(name, schema, ws.public_trade_message(trade_inst, items, ts_ns=ts_ns, seq=seq))

    before = s.ticker_before
    after = ws.ticker_data(linear, ex.book(LINEAR_BTC, 1), now)
    put("ws_tickers_linear", "ws_tickers_linear", ws.ticker_message(inst, after, cs=top.seq, ts_ns=now))
    delta = ws.ticker_delta(before, after)
    assert delta is not None
    put(
        "ws_tickers_linear_delta",
        "ws_tickers_linear",
        ws.ticker_message(inst, delta, kind="delta", cs=top.seq + 1, ts_ns=now + 100 * NS_PER_MS),
    )
    for name, instrument_id in (
        ("ws_tickers_inverse", INVERSE_BTC),
        ("ws_tickers_spot", SPOT_BTC),
        ("ws_tickers_option", PUT),
    ):
        m = ex.market(instrument_id)
        book = ex.book(instrument_id, 1)
        schema = "ws_tickers_linear" if name == "ws_tickers_inverse" else name
        put(
            name,
            schema,
            ws.ticker_message(m.instrument, ws.ticker_data(m, book, now), cs=book.seq, ts_ns=now),
        )
    candle = market.trade_candles(inst, linear.trades, "5", limit=1)[0]
    put(
        "ws_kline",
        "ws_kline",
        ws.kline_message(inst, "5", [ws.kline_item(inst, "5", candle, confirm=True, ts_ns=now)], ts_ns=now),
    )

    # Private pushes, as the demo account's private socket receives them.
    def order_item(step: str, kind: type) -> dict[str, Any]:
        return orders.order_ws(_events_of(s, step, kind)[-1].order)

    rejected = _events_of(s, "lin-postonly", OrderRejected)[-1].order
    assert rejected is not None
    put(
        "ws_order",
        "ws_order",
        ws.private_message(
            "order",
            [
                order_item("lin-new", OrderAccepted),
                order_item("lin-partial", OrderFilled),
                order_item("lin-cancel-done", OrderCancelled),
                orders.order_ws(rejected),
                order_item("lin-stop", OrderAccepted),
            ],
            message_id="5923240c6880ab-c59f-420b-9adb-3639adc9dd90",
            creation_ns=now,
        ),
    )
    put(
        "ws_order_spot",
        "ws_order",
        ws.private_message(
            "order.spot",
            [
                order_item("spot-market", OrderFilled),
                order_item("spot-ioc", OrderCancelled),
            ],
            message_id="5923240c6880ab-1f6a-4d3e-8d6c-4b2c9f0e7a11",
            creation_ns=now,
        ),
    )
    fills = [
        (e.fill, e.order, e.seq)
        for step in ("lin-partial", "lin-maker-hit")
        for e in _events_of(s, step, OrderFilled)
        if e.order.account_id == ACCOUNT
    ]
    put(
        "ws_execution",
        "ws_execution",
        ws.private_message(
            "execution",
            [orders.execution_ws(f, v, seq=q) for f, v, q in fills],
            message_id="386825804_BTCUSDT_140612148849382",
            creation_ns=now,
        ),
    )
    put(
        "ws_execution_fast",
        "ws_execution_fast",
        ws.private_message(
            "execution.fast",
            [orders.execution_fast(f, v, seq=q) for f, v, q in fills],
            message_id=None,
            creation_ns=now,
        ),
    )
    spot_fills = [
        (e.fill, e.order, e.seq)
        for e in _events_of(s, "spot-market", OrderFilled)
        if e.order.account_id == ACCOUNT
    ]
    put(
        "ws_execution_spot",
        "ws_execution",
        ws.private_message(
            "execution",
            [orders.execution_ws(f, v, seq=q) for f, v, q in spot_fills],
            message_id="386825804_BTCUSDT_140612148849501",
            creation_ns=now,
        ),
    )
    pos_seqs = _last_position_seqs(s)
    pushed = [
        account.position_ws(p, seq=pos_seqs[(p.account_id, p.instrument_id, p.position_idx)])
        for p in ex.positions(ACCOUNT)
        if p.instrument_id in (LINEAR_BTC, LINEAR_ETH, FUTURE_BTC)
    ]
    put(
        "ws_position",
        "ws_position",
        ws.private_message(
            "position", pushed, message_id="1003076014fb7eedb-c7e6-45d6-a8c1-270f0169171a", creation_ns=now
        ),
    )
    usd = account.usd_prices(ex.markets.values())
    wallet_balances = [ex.balance(ACCOUNT, "USDT"), ex.balance(ACCOUNT, "BTC")]
    put(
        "ws_wallet",
        "ws_wallet",
        ws.private_message(
            "wallet",
            [account.wallet_account(wallet_balances, ex.positions(ACCOUNT), usd)],
            message_id="592324d2bce751-ad38-48eb-8f42-4671d1fb4d4e",
            creation_ns=now,
        ),
    )

    # Control frames.
    nc = ws_control.NO_REQ_ID
    put(
        "ws_subscribe_ack_private",
        "ws_subscribe_ack_private",
        ws_control.subscribe_ack("private", conn_id=_PRIVATE_CONN, req_id="order-1"),
    )
    put(
        "ws_subscribe_ack_spot",
        "ws_subscribe_ack_spot",
        ws_control.subscribe_ack("spot", conn_id=_PUBLIC_CONN, req_id="10001"),
    )
    put(
        "ws_subscribe_ack_linear",
        "ws_subscribe_ack_linear",
        ws_control.subscribe_ack("linear", conn_id=_PUBLIC_CONN, req_id=nc),
    )
    put(
        "ws_subscribe_ack_option",
        "ws_subscribe_ack_option",
        ws_control.subscribe_ack(
            "option", conn_id=_PUBLIC_CONN, topics=["orderbook.100.BTC-27MAR26-70000-P-USDT"]
        ),
    )
    put(
        "ws_unsubscribe_ack_linear",
        "ws_subscribe_ack_linear",
        ws_control.subscribe_ack("linear", conn_id=_PUBLIC_CONN, req_id=3, op="unsubscribe"),
    )
    # Auth acks are built by simulator.dialects.bybit.auth; these are the §7.2 shapes it sends.
    put(
        "ws_auth_ack_private",
        "ws_auth_ack_private",
        {"success": True, "ret_msg": "", "op": "auth", "conn_id": _PRIVATE_CONN},
    )
    put(
        "ws_auth_ack_trade",
        "ws_auth_ack_trade",
        {"retCode": 0, "retMsg": "OK", "op": "auth", "connId": _TRADE_CONN},
    )
    for socket, conn, req_id in (
        ("spot", _PUBLIC_CONN, nc),
        ("linear", _PUBLIC_CONN, 9),
        ("option", _PUBLIC_CONN, nc),
        ("private", _PRIVATE_CONN, "test"),
        ("trade", _TRADE_CONN, nc),
    ):
        put(
            f"ws_pong_{socket}",
            f"ws_pong_{socket}",
            ws_control.pong(socket, conn_id=conn, now_ns=now, req_id=req_id),
        )
    now_ms = now // NS_PER_MS
    header = ws_control.trade_header(
        limit=10, remaining=9, reset_ms=now_ms + 1, trace_id="38b7977b430f9bd2", now_ms=now_ms
    )
    view = views["lin-postonly"]
    put(
        "ws_trade_order_create",
        "ws_trade_response",
        ws_control.trade_response(
            "order.create",
            conn_id=_TRADE_CONN,
            req_id="test-005",
            header=header,
            data=results.order_ack(view.order_id, view.client_order_id),
        ),
    )
    put(
        "ws_trade_order_create_batch",
        "ws_trade_response",
        ws_control.trade_response(
            "order.create-batch",
            conn_id=_TRADE_CONN,
            req_id="b-1",
            header=header,
            data=results.batch_result(
                [results.batch_item(None, category="linear", symbol="BTCUSDT", order_link_id="batch-002")]
            ),
            ret_ext_info=results.batch_ext_info([(10001, "position idx not match position mode")]),
        ),
    )
    return out


def build_fixtures() -> dict[str, tuple[str, Any]]:
    """Run the scripted session and encode it: ``{file stem: (schema name, payload)}``."""
    s = Session()
    _script_market(s)
    # The linear ticker as a client saw it before the demo account traded (for the delta).
    s.ticker_before = ws.ticker_data(s.ex.market(LINEAR_BTC), s.ex.book(LINEAR_BTC, 1), s.ex.clock.now_ns())
    views = _script_trading(s)
    fixtures = _rest_fixtures(s, views)
    fixtures.update(_ws_fixtures(s, views))
    fixtures.update(_post_fixtures(s, views))
    return dict(sorted(fixtures.items()))


def render(payload: Any) -> bytes:
    """A fixture file's bytes: orjson, two-space indent, sorted nowhere, newline at the end."""
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n"


def write_fixtures(out_dir: Path) -> list[Path]:
    """Write every fixture into ``out_dir`` (created if missing); returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, (_, payload) in build_fixtures().items():
        path = out_dir / f"{stem}.json"
        path.write_bytes(render(payload))
        written.append(path)
    return written


def default_out_dir() -> Path:
    """``test_data/bybit`` of the source checkout this module lives in."""
    return Path(__file__).resolve().parents[4] / "test_data" / "bybit"


def main(argv: list[str] | None = None, *, echo: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description="Regenerate test_data/bybit from a scripted core session.")
    parser.add_argument("--out", type=Path, default=None, help="output directory (default: test_data/bybit)")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else default_out_dir()
    written = write_fixtures(out)
    echo(f"wrote {len(written)} fixtures to {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
