"""Order-entry wire facts of each dialect, as far as groups 9-11 judge them.

A case states what must reach the venue in the model's terms ("a BUY MARKET order, no price,
quantity 1, client id X"); this module says how each dialect spells that on the wire: routes,
field names and enum values (Bybit v5: /work/shared/reference/bybit-v5.md §4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from adapters.model.enums import OrderSide, OrderType, TimeInForce, TriggerType
from simulator.server import HttpMatch
from simulator.server.journal import HttpEntry

__all__ = ["OrderWire", "wire_of"]


@dataclass(frozen=True)
class OrderWire:
    """How one dialect writes orders."""

    create: str
    amend: str
    cancel: str
    cancel_all: str
    batch_create: str
    batch_cancel: str
    open_orders: str
    fills: str
    positions: str
    #: Body fields.
    f_side: str
    f_type: str
    f_qty: str
    f_price: str
    f_tif: str
    f_cid: str
    f_vid: str
    f_trigger: str
    f_trigger_by: str
    f_reduce_only: str
    f_market_unit: str
    sides: Mapping[OrderSide, str]
    #: The wire order type of each model type (conditional types are a base type plus a trigger).
    types: Mapping[OrderType, str]
    tifs: Mapping[TimeInForce, str]
    post_only_tif: str
    trigger_by: Mapping[TriggerType, str]
    quote_unit: str
    #: The venue's error code for "not found / too late" on cancel and amend (ambiguous).
    not_found_code: int
    #: An unambiguous "already finished" refusal of a cancel, as the venue words it.
    finished_code: int
    finished_message: str
    #: An explicit amend refusal.
    amend_refused_code: int
    amend_refused_message: str
    rate_limit_code: int = 10006
    #: Batch request item list field and per-item result location.
    batch_items: str = "request"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def creates(self, ctx: Any, since: int | None = None) -> list[HttpEntry]:
        """Create requests the venue took up after ``since`` (rate-limited attempts left out)."""
        return self.posts(ctx, self.create, since)

    def posts(self, ctx: Any, route: str, since: int | None = None) -> list[HttpEntry]:
        """POST requests to ``route`` after ``since``, except those refused by a rate limit (retried)."""
        return [
            e
            for e in ctx.journal.entries(HttpEntry, since, HttpMatch("POST", route))
            if not _rate_limited(e, self.rate_limit_code)
        ]

    def order_routes(self) -> tuple[str, ...]:
        """Every route that changes orders (none may be hit by a denied command)."""
        return (self.create, self.amend, self.cancel, self.cancel_all, self.batch_create, self.batch_cancel)

    @staticmethod
    def number(body: Mapping[str, Any], name: str) -> Decimal | None:
        """A numeric body field as a Decimal (None when absent or empty)."""
        value = body.get(name)
        return None if value in (None, "") else Decimal(str(value))


def _rate_limited(entry: HttpEntry, code: int) -> bool:
    if entry.status == 429:
        return True
    try:
        body = entry.response_json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("retCode") == code


_BYBIT = OrderWire(
    create="/v5/order/create",
    amend="/v5/order/amend",
    cancel="/v5/order/cancel",
    cancel_all="/v5/order/cancel-all",
    batch_create="/v5/order/create-batch",
    batch_cancel="/v5/order/cancel-batch",
    open_orders="/v5/order/realtime",
    fills="/v5/execution/list",
    positions="/v5/position/list",
    f_side="side",
    f_type="orderType",
    f_qty="qty",
    f_price="price",
    f_tif="timeInForce",
    f_cid="orderLinkId",
    f_vid="orderId",
    f_trigger="triggerPrice",
    f_trigger_by="triggerBy",
    f_reduce_only="reduceOnly",
    f_market_unit="marketUnit",
    sides={OrderSide.BUY: "Buy", OrderSide.SELL: "Sell"},
    types={
        OrderType.MARKET: "Market",
        OrderType.LIMIT: "Limit",
        OrderType.STOP_MARKET: "Market",
        OrderType.STOP_LIMIT: "Limit",
        OrderType.MARKET_IF_TOUCHED: "Market",
        OrderType.LIMIT_IF_TOUCHED: "Limit",
    },
    tifs={TimeInForce.GTC: "GTC", TimeInForce.IOC: "IOC", TimeInForce.FOK: "FOK"},
    post_only_tif="PostOnly",
    trigger_by={
        TriggerType.LAST_PRICE: "LastPrice",
        TriggerType.MARK_PRICE: "MarkPrice",
        TriggerType.INDEX_PRICE: "IndexPrice",
    },
    quote_unit="quoteCoin",
    not_found_code=110001,
    finished_code=110008,
    finished_message="Order has been finished or canceled",
    amend_refused_code=10001,
    amend_refused_message="The order remains unchanged as the parameters entered match the existing ones.",
    extra={
        "trigger_direction": "triggerDirection",
        "rise": 1,
        "fall": 2,
        "cid_max_len": 36,
        "fill_topic": "execution",
        "order_topic": "order",
    },
)

_WIRES = {"bybit": _BYBIT}


def wire_of(dialect: str) -> OrderWire:
    """The order-entry wire facts of ``dialect``.

    Raises:
        KeyError: the suite has no order facts for it (the message lists the known dialects).
    """
    try:
        return _WIRES[dialect]
    except KeyError:
        raise KeyError(
            f"the conformance suite knows no order wire for dialect {dialect!r} (known: {sorted(_WIRES)})"
        ) from None
