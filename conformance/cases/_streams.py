"""Shared tools of the stream cases (groups 4-6: subscriptions, reconnection, routing and quotas).

- a quiet world: the dialect's default scenario without synthetic flow, so every push a case
  sees is one the case caused (counts and "nothing else arrived" checks stay exact);
- the stream wire facts of each dialect (topic names, the login and subscribe ops);
- stimuli on the venue: a trade on an instrument, a private order event, a dropped connection;
- readers of the venue side: the frames and subscription-ledger entries of one connection.

Cases stay venue-neutral: they name instruments by product and symbol and read wire details here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import orjson

from adapters.contract import Product
from adapters.contract.sink import Record
from adapters.model.data import TradeTick
from adapters.model.enums import OrderSide
from adapters.model.enums import OrderType as ModelOrderType
from adapters.model.identifiers import ClientOrderId
from adapters.model.orders import Order
from conformance.harness.adapter import BuiltAdapter
from conformance.harness.context import DEFAULT_WAIT_S, CaseContext
from conformance.harness.outcome import CaseFailed
from conformance.harness.registry import Requirement
from simulator.core.commands import NewOrder
from simulator.core.enums import OrderType, Side, TimeInForce
from simulator.scenario import default_scenario_path, load_scenario
from simulator.scenario.model import Scenario
from simulator.server import SubscriptionMatch
from simulator.server.journal.entries import SubscriptionEntry, WsClose, WsFrame, WsOpen

__all__ = [
    "TAKER",
    "StreamFacts",
    "Target",
    "both",
    "connected_data",
    "connected_execution",
    "drop_private",
    "drop_public",
    "facts",
    "frame_json",
    "frames_of",
    "instrument_of",
    "ledger",
    "limit_order",
    "private_order",
    "private_topics",
    "quiet",
    "restored",
    "settled",
    "sink_wait",
    "targets",
    "tick_of",
    "trade",
    "trades",
    "wait_open",
]

#: The participant account whose orders make trades (it needs no balance).
TAKER = "conformance-taker"


@cache
def _quiet_scenario(dialect: str) -> Scenario:
    return dataclasses.replace(load_scenario(default_scenario_path(dialect)), flow=None)


def quiet(dialect: str = "bybit") -> dict[str, Any]:
    """Simulator keyword arguments for a world without synthetic flow (for ``@case(simulator=)``)."""
    return {"scenario": _quiet_scenario(dialect)}


@dataclass(frozen=True)
class StreamFacts:
    """The stream wire of a dialect, as far as the cases judge it."""

    #: WebSocket path of each product's public stream.
    public_paths: dict[Product, str]
    private_path: str
    #: The trade topic of an instrument (``publicTrade.BTCUSDT``).
    trade_topic: Callable[[str], str]
    #: The trade topic of the options of a base coin (one venue topic for many instruments).
    option_trade_topic: Callable[[str], str]
    #: The book topic of an instrument at a depth (``orderbook.50.BTCUSDT``).
    book_topic: Callable[[int, str], str]
    #: The request ops of a login, a subscribe and an unsubscribe.
    login_op: str
    subscribe_op: str
    unsubscribe_op: str
    #: Families of private topics an execution client needs (orders, fills, positions, wallet).
    private_families: tuple[str, ...]
    #: The order-entry route, the body field carrying the client's order id, and the venue's
    #: documented order-entry quota per second (linear), which an adapter can know and keep to.
    order_create_route: str
    order_client_id_field: str
    order_create_per_s: int


_FACTS = {
    "bybit": StreamFacts(
        public_paths={
            Product.SPOT: "/v5/public/spot",
            Product.LINEAR: "/v5/public/linear",
            Product.FUTURE: "/v5/public/linear",
            Product.INVERSE: "/v5/public/inverse",
            Product.OPTION: "/v5/public/option",
        },
        private_path="/v5/private",
        trade_topic=lambda symbol: f"publicTrade.{symbol}",
        option_trade_topic=lambda base: f"publicTrade.{base}",
        book_topic=lambda depth, symbol: f"orderbook.{depth}.{symbol}",
        login_op="auth",
        subscribe_op="subscribe",
        unsubscribe_op="unsubscribe",
        private_families=("order", "execution", "position", "wallet"),
        order_create_route="/v5/order/create",
        order_client_id_field="orderLinkId",
        order_create_per_s=10,
    )
}


def facts(ctx: CaseContext) -> StreamFacts:
    """The stream facts of the case's dialect.

    Raises:
        KeyError: the suite knows no stream facts for the dialect.
    """
    try:
        return _FACTS[ctx.adapter.dialect]
    except KeyError:
        raise KeyError(f"the stream cases know no dialect {ctx.adapter.dialect!r}") from None


# -- instruments -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A venue instrument the case streams: its venue ref, raw symbol, product and base coin."""

    ref: str
    symbol: str
    product: Product
    base: str
    min_qty: Decimal


_CLASS_OF = {
    Product.SPOT: "CurrencyPair",
    Product.LINEAR: "CryptoPerpetual",
    Product.INVERSE: "CryptoPerpetual",
    Product.FUTURE: "CryptoFuture",
    Product.OPTION: "CryptoOption",
}


def targets(ctx: CaseContext, product: Product) -> list[Target]:
    """The venue's instruments of ``product`` that have a book, in scenario order."""
    found = []
    for ref, market in ctx.sim.exchange.markets.items():
        spec = market.instrument
        if product is Product.OPTION:
            wanted = spec.is_option
        elif product is Product.LINEAR:
            wanted = spec.market == "linear" and spec.is_perpetual
        elif product is Product.INVERSE:
            wanted = spec.is_inverse and spec.is_perpetual
        elif product is Product.SPOT:
            wanted = spec.is_spot
        else:
            wanted = spec.is_dated and not spec.is_option
        if wanted and ctx.sim.exchange.book(ref, 1).asks:
            found.append(Target(ref, spec.symbol, product, spec.base, spec.min_qty))
    if not found:
        raise CaseFailed(f"the venue lists a {product.value} instrument with a book", "it has none")
    return found


def instrument_of(built: BuiltAdapter, target: Target) -> Any:
    """The adapter's instrument id for ``target`` (after its provider loaded the instruments).

    Raises:
        CaseFailed: the provider did not load it.
    """
    cls = _CLASS_OF[target.product]
    for instrument in built.provider.list_all():
        if str(instrument.raw_symbol) == target.symbol and type(instrument).__name__ == cls:
            return instrument.instrument_id
    raise CaseFailed(f"the provider loads {target.symbol} as a {cls}", "it is not among the loaded ones")


async def connected_data(ctx: CaseContext, *, keys: bool = False) -> BuiltAdapter:
    """Build the adapter and connect its data client (it loads the instruments)."""
    built = ctx.build(keys=keys)
    await ctx.within(built.data.connect(), "the data client connects")
    return built


# -- stimuli ---------------------------------------------------------------------------------------


def trades(ctx: CaseContext, target: Target, *, count: int = 1) -> list[Any]:
    """Make ``count`` trades on ``target`` now (the taker lifts the best asks); the venue's
    ``TradeOccurred`` events, in venue order.

    All of them happen in one loop turn, so the venue may push them in one frame.
    """
    exchange = ctx.sim.exchange
    exchange.participant(TAKER)  # created on first use
    found: list[Any] = []
    for _ in range(count):
        best_ask = exchange.book(target.ref, 1).asks[0][0]
        result = exchange.place_order(
            NewOrder(
                TAKER,
                target.ref,
                Side.BUY,
                OrderType.LIMIT,
                target.min_qty,
                best_ask,
                time_in_force=TimeInForce.IOC,
            )
        )
        occurred = [e for e in result.events if type(e).__name__ == "TradeOccurred"]
        if not result.ok or not occurred:
            raise CaseFailed(f"a trade on {target.ref} (case setup)", f"{result.message or 'no trade'}")
        found.extend(occurred)
    return found


def trade(ctx: CaseContext, target: Target, *, count: int = 1) -> list[str]:
    """Make ``count`` trades on ``target`` now (see :func:`trades`); returns their venue ids."""
    return [str(e.trade_id) for e in trades(ctx, target, count=count)]


def private_order(ctx: CaseContext, target: Target) -> str:
    """Rest an order of the demo account far from the market: the venue pushes it privately."""
    credentials = ctx.sim.credentials
    assert credentials is not None
    exchange = ctx.sim.exchange
    best_bid = exchange.book(target.ref, 1).bids[0][0]
    tick = exchange.markets[target.ref].instrument.tick_size
    price = (best_bid * 8 / 10 // tick) * tick
    result = exchange.place_order(
        NewOrder(credentials.account_id, target.ref, Side.BUY, OrderType.LIMIT, target.min_qty, price)
    )
    if not result.ok or result.order is None:
        raise CaseFailed("a resting demo-account order (case setup)", result.message)
    return str(result.order.order_id)


async def settled(ctx: CaseContext) -> None:
    """Wait until the venue has ended every session whose close it journalled.

    A dropped session lingers in the venue for a moment after its close: a push (and a push fault)
    can still go to it. Faults armed after this cannot be spent on a dead session. Uses the
    simulator's WebSocket host when the dialect has one.
    """
    host = getattr(ctx.sim.dialect, "ws_host", None)
    if host is not None:
        live = len(ctx.journal.connections(open_only=True))
        await ctx.within(host.wait_for_count(live, DEFAULT_WAIT_S), "the venue ends the closed sessions")


async def drop_public(ctx: CaseContext, target: Target, *, code: int | None) -> WsClose:
    """Drop the public connection carrying ``target``'s trades: close ``code``, or abort (None).

    The fault fires on the next trade push of ``target``, which this makes happen.
    """
    topic = facts(ctx).trade_topic(target.symbol)
    fault = ctx.sim.faults.arm(
        {"kind": "drop_connection", "code": code}, channel="ws", op="push", topic=topic
    )
    mark = ctx.journal.mark()
    trade(ctx, target)
    ctx.notes.append(f"dropped the public connection of {topic} (code {code})")
    return await ctx.wait_journal(
        lambda e: isinstance(e, WsClose) and e.fault == fault.name,
        f"the venue drops the connection carrying {topic}",
        since=mark,
    )


async def drop_private(ctx: CaseContext, target: Target, *, code: int | None = None) -> WsClose:
    """Drop the private connection (on the push of a demo-account order this makes)."""
    await settled(ctx)
    fault = ctx.sim.faults.arm(
        {"kind": "drop_connection", "code": code}, channel="ws", op="push", role="private"
    )
    mark = ctx.journal.mark()
    private_order(ctx, target)
    ctx.notes.append(f"dropped the private connection (code {code})")
    return await ctx.wait_journal(
        lambda e: isinstance(e, WsClose) and e.fault == fault.name,
        "the venue drops the private connection",
        since=mark,
    )


# -- the venue side --------------------------------------------------------------------------------


async def wait_open(ctx: CaseContext, path: str, *, since: int, what: str) -> WsOpen:
    """The first connection opened on ``path`` after ``since``."""
    return await ctx.wait_journal(
        lambda e: isinstance(e, WsOpen) and e.path == path, what, since=since, timeout=DEFAULT_WAIT_S
    )


def frame_json(frame: WsFrame) -> Any:
    """A frame's payload as JSON (None when it is not JSON)."""
    try:
        return orjson.loads(frame.payload)
    except orjson.JSONDecodeError:
        return None


def frames_of(
    ctx: CaseContext,
    conn_id: str,
    *,
    direction: str | None = None,
    op: str | None = None,
    since: int | None = None,
    until: int | None = None,
) -> list[WsFrame]:
    """Text frames of one connection, optionally of one direction and request ``op``."""

    def wanted(entry: Any) -> bool:
        if not isinstance(entry, WsFrame) or entry.conn_id != conn_id or entry.kind != "text":
            return False
        if direction is not None and entry.direction != direction:
            return False
        if op is None:
            return True
        value = frame_json(entry)
        return isinstance(value, dict) and value.get("op") == op

    return ctx.journal.entries(None, since, wanted, until_seq=until)


def ledger(
    ctx: CaseContext,
    *,
    conn_id: str | None = None,
    op: str = "subscribe",
    topic: str | None = None,
    since: int | None = None,
    until: int | None = None,
) -> list[SubscriptionEntry]:
    """Subscription-ledger entries, optionally of one connection and topic."""

    def wanted(entry: Any) -> bool:
        return (
            isinstance(entry, SubscriptionEntry)
            and entry.op == op
            and (conn_id is None or entry.conn_id == conn_id)
            and (topic is None or entry.topic == topic)
        )

    return ctx.journal.entries(None, since, wanted, until_seq=until)


async def restored(ctx: CaseContext, path: str, topics: list[str], *, since: int) -> str:
    """Wait for the next connection on ``path`` and an acked subscribe of every topic on it; its id."""
    opened = await wait_open(ctx, path, since=since, what=f"a new connection on {path}")
    for topic in topics:
        await ctx.wait_journal(
            SubscriptionMatch(conn_id=opened.conn_id, op="subscribe", topic=topic, outcome="ok"),
            f"{topic} restored on the new connection {opened.conn_id}",
            since=since,
        )
    return str(opened.conn_id)


async def private_topics(ctx: CaseContext, conn_id: str) -> list[str]:
    return sorted({e.topic for e in ledger(ctx, conn_id=conn_id) if e.outcome == "ok"})


async def connected_execution(ctx: CaseContext) -> tuple[Any, str, list[str]]:
    """An execution client, connected; its private connection id and topics."""
    wire = facts(ctx)
    built = ctx.build(keys=True)
    client = built.execution
    ctx.expect(client is not None, "an execution client when built with keys", "the factory built none")
    mark = ctx.journal.mark()
    await ctx.within(client.connect(), "the execution client connects")
    opens = ctx.journal.entries(WsOpen, mark, lambda e: e.path == wire.private_path)
    ctx.expect(opens, "a private connection", "none was opened")
    conn = str(opens[-1].conn_id)
    return built, conn, await private_topics(ctx, conn)


# -- the adapter side ------------------------------------------------------------------------------


async def sink_wait(
    ctx: CaseContext,
    built: BuiltAdapter,
    predicate: Callable[[Any], bool],
    expected: str,
    *,
    since: int = 0,
    timeout: float = DEFAULT_WAIT_S,
) -> Record:
    """The first sink record at or after ``since`` whose payload meets ``predicate``.

    Raises:
        CaseFailed: none within ``timeout``; observed lists the latest records.
    """
    try:
        return await built.sink.wait_for(lambda r: predicate(r.payload), timeout, since=since)
    except AssertionError as exc:  # RecordingSink's WaitTimeout
        raise CaseFailed(expected, str(exc)) from None


def tick_of(trade_id: str) -> Callable[[Any], bool]:
    """A sink-payload predicate: the TradeTick of venue trade ``trade_id``."""
    return lambda p: isinstance(p, TradeTick) and str(p.trade_id) == trade_id


def both(*requirements: Requirement) -> Requirement:
    """A requirement that holds when every one of ``requirements`` does."""
    return Requirement(
        " and ".join(r.description for r in requirements),
        lambda caps: all(r.holds(caps) for r in requirements),
    )


def limit_order(instrument: Any, cid: str, side: OrderSide, price: Decimal, qty: Decimal) -> Order:
    """A GTC limit order for the adapter's ``instrument`` (price and size at its precision)."""
    return Order(
        instrument_id=instrument.instrument_id,
        client_order_id=ClientOrderId(cid),
        order_side=side,
        order_type=ModelOrderType.LIMIT,
        quantity=instrument.make_qty(qty),
        price=instrument.make_price(price),
        ts_init=1,
    )
