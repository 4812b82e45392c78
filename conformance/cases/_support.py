"""Helpers the transport cases share: finding the adapter's instrument for a venue market, a passive
order, a port nobody listens on, and the adapter's short-interval config for timing cases.

Cases stay venue-neutral: instruments are matched by the venue's raw symbol and the model class
its kind maps to (as H-01 checks), never by an adapter's own id scheme.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

from adapters.contract import Product
from adapters.model.enums import OrderSide, OrderType
from adapters.model.identifiers import ClientOrderId
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order
from conformance.harness.adapter import BuiltAdapter
from conformance.harness.context import CaseContext

__all__ = [
    "CLASS_OF",
    "PRODUCT_OF_KIND",
    "adapter_instrument",
    "passive_limit",
    "timing_config",
    "unused_port",
    "venue_market",
]

#: Venue instrument kinds by the product an adapter claims (core ``Instrument`` flags).
PRODUCT_OF_KIND: dict[Product, Callable[[Any], bool]] = {
    Product.SPOT: lambda i: i.is_spot,
    Product.LINEAR: lambda i: i.market == "linear" and i.is_perpetual,
    Product.FUTURE: lambda i: i.is_dated and not i.is_option,
    Product.INVERSE: lambda i: i.is_inverse,
    Product.OPTION: lambda i: i.is_option,
}
#: The model class each product's instruments load as.
CLASS_OF = {
    Product.SPOT: "CurrencyPair",
    Product.LINEAR: "CryptoPerpetual",
    Product.FUTURE: "CryptoFuture",
    Product.INVERSE: "CryptoPerpetual",
    Product.OPTION: "CryptoOption",
}


def venue_market(ctx: CaseContext, product: Product, index: int = 0) -> Any:
    """The ``index``-th venue market (core ``MarketState``) of ``product``, in scenario order.

    Raises:
        CaseFailed: the case's scenario has no such market (a suite bug, reported as such).
    """
    markets = [m for m in ctx.sim.exchange.markets.values() if PRODUCT_OF_KIND[product](m.instrument)]
    ctx.expect(
        len(markets) > index,
        f"the scenario lists at least {index + 1} {product.name} market(s)",
        f"{len(markets)} found",
    )
    return markets[index]


async def adapter_instrument(ctx: CaseContext, built: BuiltAdapter, product: Product, index: int = 0) -> Any:
    """The adapter's instrument for the ``index``-th venue market of ``product`` (loading if needed).

    Raises:
        CaseFailed: loading fails, or the adapter has no instrument of the right class for it.
    """
    if not built.provider.list_all():
        await ctx.within(built.provider.load_all_async(), "load_all_async() returns")
    spec = venue_market(ctx, product, index).instrument
    want = CLASS_OF[product]
    found = [
        i
        for i in built.provider.list_all()
        if str(i.raw_symbol) == spec.symbol
        and type(i).__name__ == want
        and (product is not Product.INVERSE or getattr(i, "is_inverse", False))
    ]
    ctx.expect(found, f"a loaded {want} for venue {spec.symbol}", "none loaded")
    return found[0]


def passive_limit(
    ctx: CaseContext,
    instrument: Any,
    product: Product,
    cid: str,
    *,
    index: int = 0,
    side: OrderSide = OrderSide.BUY,
) -> Order:
    """A minimum-size LIMIT order for ``instrument`` (the ``index``-th venue market of ``product``)
    priced 10 % away from the venue's touch, so it rests unfilled."""
    market = venue_market(ctx, product, index)
    spec = market.instrument
    book = ctx.sim.exchange.book(spec.id, depth=1)
    levels = book.bids if side is OrderSide.BUY else book.asks
    reference = Decimal(levels[0][0]) if levels else Decimal(market.last_price)
    factor = Decimal("0.9") if side is OrderSide.BUY else Decimal("1.1")
    tick, lot = spec.tick_size, spec.lot_size
    price = (reference * factor / tick).to_integral_value(ROUND_DOWN) * tick
    quantity = max(spec.min_qty, lot)
    if spec.min_notional:
        # Whole lots up to the venue's minimum order value at this price.
        lots = (Decimal(spec.min_notional) / price / lot).to_integral_value(ROUND_UP)
        quantity = max(quantity, lots * lot)
    return Order(
        instrument_id=instrument.instrument_id,
        client_order_id=ClientOrderId(cid),
        order_side=side,
        order_type=OrderType.LIMIT,
        quantity=Quantity(str(quantity.quantize(lot)), instrument.size_precision),
        price=Price(str(price.quantize(tick)), instrument.price_precision),
        ts_init=1,
    )


@contextmanager
def unused_port() -> Iterator[int]:
    """A local TCP port that is bound but not listening: connecting to it is refused at once.

    Holding the bound socket (instead of closing it) keeps any other process from taking the
    port during the case, so "nobody listens" stays true.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


def timing_config(
    ctx: CaseContext, *, heartbeat_interval_s: float | None = None, auth_timeout_s: float | None = None
) -> Mapping[str, Any] | None:
    """The adapter's own config for short timing intervals, or None when it offers no way to set them.

    An adapter opts in by giving its factory ``conformance_config(heartbeat_interval_s=...,
    auth_timeout_s=...)`` returning the config mapping its ``create`` accepts (the suite cannot
    know an adapter's option names). Arguments left None are not asked for; a hook returns an
    empty mapping for knobs it cannot set, which counts as "no way to set them" (None).
    """
    hook = getattr(ctx.adapter.factory, "conformance_config", None)
    if not callable(hook):
        return None
    asked = {
        name: value
        for name, value in (
            ("heartbeat_interval_s", heartbeat_interval_s),
            ("auth_timeout_s", auth_timeout_s),
        )
        if value is not None
    }
    config = dict(hook(**asked))
    return config or None
