"""The reference world of groups 7-12 and the small vocabulary their cases share.

Every case of these groups runs on ``scenarios/conformance/world.yaml`` (or another file of that
folder): a venue with one instrument per product and an account of 10 000 USDT + 1 BTC. A case
refers to instruments by their scenario reference (``"linear:BTCUSDT"``); :class:`World` finds
the adapter's own instrument for it by raw symbol and class (the suite never assumes how an
adapter spells its instrument ids), builds orders at that instrument's precision, and waits for
the adapter's events of one order.

Figures a case asserts come from the venue (``world.venue``, the core exchange): the suite never
writes down a balance or a price it expects, it reads what the venue computed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from adapters.contract import Product
from adapters.contract.sink import Record
from adapters.model.enums import OrderSide, OrderType, TimeInForce, TriggerType
from adapters.model.identifiers import ClientOrderId
from adapters.model.instruments import Instrument
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order
from conformance.harness.adapter import BuiltAdapter
from conformance.harness.context import DEFAULT_WAIT_S, CaseContext
from conformance.harness.outcome import CaseFailed

__all__ = [
    "ACCOUNT",
    "PRODUCT_OF_REF",
    "SCENARIOS",
    "WORLD",
    "WORLD_VIRTUAL",
    "World",
    "scenario",
]

#: Where the conformance scenarios live: shipped in the package, so an installed suite finds them
#: (``scenarios/conformance`` in a source checkout links here).
SCENARIOS: Final = Path(__file__).resolve().parents[1] / "scenarios"
#: The venue account the suite's API key trades for.
ACCOUNT: Final = "trader"

#: The product each reference instrument of the world belongs to.
PRODUCT_OF_REF: Final = {
    "spot:BTCUSDT": Product.SPOT,
    "linear:BTCUSDT": Product.LINEAR,
    "linear:ETHUSDT": Product.LINEAR,
    "linear:SOLUSDT": Product.LINEAR,
    "inverse:BTCUSD": Product.INVERSE,
    "inverse:ETHUSD": Product.INVERSE,
    "linear:BTCUSDT-dated": Product.FUTURE,
    "option:BTC-100-C": Product.OPTION,
}
_CLASS_OF: Final = {
    Product.SPOT: "CurrencyPair",
    Product.LINEAR: "CryptoPerpetual",
    Product.INVERSE: "CryptoPerpetual",
    Product.FUTURE: "CryptoFuture",
    Product.OPTION: "CryptoOption",
}


def scenario(name: str, *, clock: str = "real") -> dict[str, Any]:
    """Simulator keyword arguments for ``scenarios/conformance/<name>.yaml`` on ``clock``.

    Execution cases run on the real clock: adapters sign with the wall clock and the venue checks
    the signature's time against its own. Public-data cases may run on the virtual clock, where
    pushes due later (book and ticker cadences, candle closes) happen when the case advances it.
    """
    return {"scenario": str(SCENARIOS / f"{name}.yaml"), "clock": clock}


#: The reference world on the wall clock (execution cases).
WORLD: Final = scenario("world")
#: The reference world on the virtual clock (public market data, expiry).
WORLD_VIRTUAL: Final = scenario("world", clock="virtual")


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


class World:
    """One case's view of the reference world: the venue, the adapter's clients and its sink.

    Parameters:
        ctx: the case.
        built: the adapter's clients (built by :meth:`open`).
    """

    def __init__(self, ctx: CaseContext, built: BuiltAdapter) -> None:
        self.ctx = ctx
        self.built = built
        self.sink = built.sink
        self._cids = 0

    @classmethod
    async def open(cls, ctx: CaseContext, *, trade: bool = True, data: bool = False) -> World:
        """Build the adapter, load its instruments and connect what the case needs.

        Parameters:
            ctx: the case.
            trade: connect the execution client (with the suite's keys).
            data: connect the market-data client.

        Raises:
            CaseFailed: a client is missing or does not connect.
        """
        built = ctx.build(keys=trade)
        world = cls(ctx, built)
        await ctx.within(
            built.provider.load_all_async(), "the instrument provider loads the venue's instruments"
        )
        if trade:
            ctx.expect(
                built.execution is not None, "an execution client when built with keys", "none was built"
            )
            assert built.execution is not None
            await ctx.within(built.execution.connect(), "the execution client connects")
        if data:
            await ctx.within(built.data.connect(), "the market-data client connects")
        return world

    # -- the venue -----------------------------------------------------------------------------

    @property
    def venue(self) -> Any:
        """The core exchange (the venue's own state)."""
        return self.ctx.sim.exchange

    def core_id(self, ref: str) -> str:
        """The venue's instrument id of a scenario reference (``linear:BTCUSDT-dated`` -> its symbol)."""
        return str(self.ctx.sim.instrument_id(ref))

    def spec(self, ref: str) -> Any:
        """The venue's instrument definition of ``ref``."""
        return self.venue.instrument(self.core_id(ref))

    def set_book(
        self, ref: str, *, bids: Iterable[tuple[str, str]] = (), asks: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Replace the scenario's book of ``ref`` with these ``(price, qty)`` levels."""
        from simulator.core import CancelAll

        core = self.core_id(ref)
        self.venue.cancel_all(CancelAll("__market__", core))
        self.venue.seed_book(core, bids=bids, asks=asks)

    def trade_against(self, ref: str, side: str, qty: Any) -> None:
        """Another participant sends a MARKET order (``side`` "BUY"/"SELL") that trades with the book.

        Raises:
            CaseFailed: the venue refused it (the case's book has no liquidity for it).
        """
        from simulator.core import NewOrder, Side
        from simulator.core import OrderType as CoreOrderType

        account = self.venue.participant("conformance-taker").account_id
        result = self.venue.place_order(
            NewOrder(account, self.core_id(ref), Side[side], CoreOrderType.MARKET, str(qty))
        )
        if not result.ok:
            raise CaseFailed(
                f"the venue takes the case's {side} {qty} on {ref}", f"refused: {result.message}"
            )

    # -- the adapter's instruments -------------------------------------------------------------

    def instrument(self, ref: str) -> Instrument:
        """The adapter's instrument for the venue instrument ``ref`` (matched by raw symbol and class).

        Raises:
            CaseFailed: the adapter loaded none, or several.
        """
        spec = self.spec(ref)
        want = _CLASS_OF[PRODUCT_OF_REF[ref]]
        found = [
            i
            for i in self.built.provider.list_all()
            if str(i.raw_symbol) == spec.symbol and type(i).__name__ == want
        ]
        if len(found) != 1:
            raise CaseFailed(
                f"the adapter loads one {want} for the venue's {spec.symbol}", f"{len(found)} loaded"
            )
        return found[0]

    def price(self, ref: str, value: Any) -> Price:
        """``value`` as a Price at the adapter instrument's precision."""
        return Price(_dec(value), self.instrument(ref).price_precision)

    def qty(self, ref: str, value: Any) -> Quantity:
        """``value`` as a Quantity at the adapter instrument's precision."""
        return Quantity(_dec(value), self.instrument(ref).size_precision)

    # -- orders --------------------------------------------------------------------------------

    def cid(self, stem: str = "cf") -> ClientOrderId:
        """A fresh client order id (``<stem>-<n>``), unique within the case."""
        self._cids += 1
        return ClientOrderId(f"{stem}-{self._cids}")

    def order(
        self,
        ref: str,
        side: OrderSide,
        order_type: OrderType,
        qty: Any,
        *,
        price: Any = None,
        trigger_price: Any = None,
        trigger_type: TriggerType = TriggerType.NO_TRIGGER,
        time_in_force: TimeInForce = TimeInForce.GTC,
        cid: ClientOrderId | str | None = None,
        **flags: Any,
    ) -> Order:
        """An order on the adapter's instrument for ``ref``, prices and sizes at its precision."""
        instrument = self.instrument(ref)
        client_order_id = ClientOrderId(cid) if isinstance(cid, str) else cid or self.cid()
        return Order(
            instrument_id=instrument.instrument_id,
            client_order_id=client_order_id,
            order_side=side,
            order_type=order_type,
            quantity=self.qty(ref, qty),
            price=None if price is None else self.price(ref, price),
            trigger_price=None if trigger_price is None else self.price(ref, trigger_price),
            trigger_type=trigger_type,
            time_in_force=time_in_force,
            ts_init=1,
            **flags,
        )

    # -- the adapter's events ------------------------------------------------------------------

    def events(
        self, kind: type | tuple[type, ...], cid: ClientOrderId | None = None, since: int = 0
    ) -> list[Any]:
        """Events of ``kind`` (of order ``cid`` when given) recorded at or after ``since``."""
        return [
            e
            for e in self.sink.of_type(kind, since)
            if cid is None or getattr(e, "client_order_id", None) == cid
        ]

    def order_events(self, cid: ClientOrderId, since: int = 0) -> list[Any]:
        """Every order event of ``cid`` in order (reports excluded)."""
        return [
            r.payload
            for r in self.sink.records[since:]
            if r.kind == "event"
            and getattr(r.payload, "client_order_id", None) == cid
            and type(r.payload).__name__.startswith("Order")
            and not type(r.payload).__name__.endswith("Report")
        ]

    async def event(
        self,
        kind: type | tuple[type, ...],
        cid: ClientOrderId | None = None,
        *,
        since: int = 0,
        where: Callable[[Any], bool] | None = None,
        timeout: float = DEFAULT_WAIT_S,
        what: str | None = None,
    ) -> Any:
        """Wait for an event of ``kind`` (for ``cid``, meeting ``where``); a case failure on timeout."""

        def wanted(record: Record) -> bool:
            payload = record.payload
            return (
                isinstance(payload, kind)
                and (cid is None or getattr(payload, "client_order_id", None) == cid)
                and (where is None or bool(where(payload)))
            )

        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        expected = what or f"{names}{f' for {cid}' if cid is not None else ''}"
        try:
            record = await self.sink.wait_for(wanted, timeout, since=since)
        except AssertionError:
            seen = ", ".join(type(e).__name__ for e in self.order_events(cid, since)) if cid else ""
            raise CaseFailed(
                expected, f"not published within {timeout:g} s (events of the order: [{seen}])"
            ) from None
        return record.payload

    def names(self, cid: ClientOrderId, since: int = 0) -> list[str]:
        """The class names of ``cid``'s order events, in order."""
        return [type(e).__name__ for e in self.order_events(cid, since)]


def same(values: Iterable[Any]) -> bool:
    """Whether every value is equal (an empty iterable counts)."""
    items = list(values)
    return all(v == items[0] for v in items)
