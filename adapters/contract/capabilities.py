"""What an adapter claims it can do; the conformance suite runs only the scenarios that apply.

A :class:`Capabilities` lists products, order types, TIFs, trigger types, order flags, data
subscriptions, historical requests and batch sizes, plus ``not_supported``: explicit reasons for
what is left out, keyed by *feature keys*:

- ``"<kind>:<NAME>"`` for one thing: ``"order_type:TRAILING_STOP_MARKET"``,
  ``"time_in_force:AT_THE_OPEN"``, ``"trigger_type:BID_ASK"``, ``"flag:QUOTE_QUANTITY"``,
  ``"product:OPTION"``, ``"data:INSTRUMENT_CLOSE"``, ``"request:QUOTE_TICKS"``, ``"amend"``,
  ``"order_lists"`` (always ``<kind>:<MEMBER_NAME>``);
- ``"<PRODUCT>/<kind>:<NAME>"`` for a combination refused on one product only, e.g.
  ``"SPOT/flag:REDUCE_ONLY"`` (Bybit spot has no reduce-only) or ``"OPTION/order_type:MARKET"``;
- a bare name of :data:`FEATURES` (``"dead_mans_switch"``, ``"spreads"``...): features outside the
  enums above, claimed in ``features`` or refused in ``not_supported`` with the reason.

``supports(...)`` answers a query; ``why_not(...)`` gives the reason (from ``not_supported`` when
the adapter wrote one), which adapters put in ``OrderDenied.reason``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from adapters.contract.errors import FatalAdapterError, UnsupportedFeature
from adapters.model.enums import OrderType, TimeInForce, TriggerType

__all__ = [
    "FEATURES",
    "Capabilities",
    "DataKind",
    "Flag",
    "Product",
    "RequestKind",
    "feature_key",
]


class Product(enum.Enum):
    """Product families an adapter can cover."""

    SPOT = "spot"
    LINEAR = "linear"
    INVERSE = "inverse"
    FUTURE = "future"
    OPTION = "option"

    def __repr__(self) -> str:
        return f"Product.{self.name}"


class DataKind(enum.Enum):
    """Market data subscriptions (the ``subscribe_*`` methods of a MarketDataClient)."""

    INSTRUMENTS = "instruments"
    ORDER_BOOK_DELTAS = "order_book_deltas"
    ORDER_BOOK_SNAPSHOTS = "order_book_snapshots"
    QUOTE_TICKS = "quote_ticks"
    TRADE_TICKS = "trade_ticks"
    MARK_PRICES = "mark_prices"
    INDEX_PRICES = "index_prices"
    FUNDING_RATES = "funding_rates"
    BARS = "bars"
    INSTRUMENT_STATUS = "instrument_status"
    INSTRUMENT_CLOSE = "instrument_close"

    def __repr__(self) -> str:
        return f"DataKind.{self.name}"


class RequestKind(enum.Enum):
    """Historical requests (the ``request_*`` methods of a MarketDataClient)."""

    INSTRUMENT = "instrument"
    INSTRUMENTS = "instruments"
    QUOTE_TICKS = "quote_ticks"
    TRADE_TICKS = "trade_ticks"
    BARS = "bars"
    ORDER_BOOK_SNAPSHOT = "order_book_snapshot"

    def __repr__(self) -> str:
        return f"RequestKind.{self.name}"


class Flag(enum.Enum):
    """Order flags an adapter may support."""

    POST_ONLY = "post_only"
    REDUCE_ONLY = "reduce_only"
    QUOTE_QUANTITY = "quote_quantity"
    DISPLAY_QTY = "display_qty"

    def __repr__(self) -> str:
        return f"Flag.{self.name}"


_KINDS: dict[str, type[enum.Enum]] = {
    "product": Product,
    "order_type": OrderType,
    "time_in_force": TimeInForce,
    "trigger_type": TriggerType,
    "flag": Flag,
    "data": DataKind,
    "request": RequestKind,
}
#: Features outside the enums, claimed by name in ``Capabilities.features`` (each is what one or
#: more conformance cases need).
FEATURES: frozenset[str] = frozenset(
    {
        "dead_mans_switch",  # a periodic cancel-all-after while connected (O-26)
        "order_params",  # venue-specific SubmitOrder.params, validated locally (O-27)
        "spreads",  # spread instruments with legs (PC-06)
        "event_contracts",  # binary event contracts (PC-06)
        "spot_margin",  # spot margin borrowing, reported as a short position (PC-07)
        "instrument_refresh",  # a periodic instrument reload while connected (D-11)
        "history_paging",  # trade history paged backwards by the venue's cursor across pages (H-14)
    }
)
_BARE_KEYS = frozenset({"amend", "order_lists"}) | FEATURES


def feature_key(member: enum.Enum, product: Product | None = None) -> str:
    """The feature key of an enum member, optionally scoped to a product.

    ``feature_key(OrderType.MARKET)`` -> ``"order_type:MARKET"``;
    ``feature_key(Flag.REDUCE_ONLY, Product.SPOT)`` -> ``"SPOT/flag:REDUCE_ONLY"``.

    Raises:
        FatalAdapterError: the member's enum is not one capabilities know.
    """
    for kind, enum_type in _KINDS.items():
        if isinstance(member, enum_type):
            key = f"{kind}:{member.name}"
            return f"{product.name}/{key}" if product is not None else key
    raise FatalAdapterError(f"no capability kind for {member!r}; use one of {sorted(_KINDS)}")


def _check_key(key: str) -> None:
    """Raise FatalAdapterError unless ``key`` is a well-formed feature key."""
    scope, slash, rest = key.partition("/")
    if slash:
        if scope not in Product.__members__:
            raise FatalAdapterError(
                f"not_supported key {key!r}: product scope must be one of {list(Product.__members__)}"
            )
    else:
        rest = key
    if rest in _BARE_KEYS:
        return
    kind, colon, name = rest.partition(":")
    enum_type = _KINDS.get(kind)
    if not colon or enum_type is None or name not in enum_type.__members__:
        raise FatalAdapterError(
            f"not_supported key {key!r} is not a feature key; write '<kind>:<NAME>' with kind in "
            f"{sorted(_KINDS)} (e.g. 'order_type:TRAILING_STOP_MARKET', 'flag:REDUCE_ONLY'), "
            f"optionally prefixed 'PRODUCT/' (e.g. 'SPOT/flag:REDUCE_ONLY'), or one of {sorted(_BARE_KEYS)}"
        )


def _frozen(values: Iterable[enum.Enum], enum_type: type[enum.Enum], name: str) -> frozenset:
    result = frozenset(values)
    for value in result:
        if not isinstance(value, enum_type):
            raise FatalAdapterError(f"Capabilities.{name} takes {enum_type.__name__} members, got {value!r}")
    return result


@dataclass(frozen=True, slots=True, kw_only=True)
class Capabilities:
    """An adapter's declaration of what it supports.

    Batch sizes are the most items one venue request may carry (0: no batch endpoint; the
    adapter then sends items one by one).
    """

    products: frozenset[Product]
    order_types: frozenset[OrderType] = frozenset({OrderType.MARKET, OrderType.LIMIT})
    time_in_force: frozenset[TimeInForce] = frozenset({TimeInForce.GTC})
    trigger_types: frozenset[TriggerType] = frozenset()
    flags: frozenset[Flag] = frozenset()
    data: frozenset[DataKind] = frozenset()
    requests: frozenset[RequestKind] = frozenset()
    supports_amend: bool = False
    supports_order_lists: bool = False
    max_batch_submit: int = 0
    max_batch_modify: int = 0
    max_batch_cancel: int = 0
    book_depths: frozenset[int] = frozenset()
    features: frozenset[str] = frozenset()
    not_supported: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Freeze the collections and check the declaration is well formed.

        Raises:
            FatalAdapterError: a member of the wrong enum, a negative batch size, a malformed
                ``not_supported`` key, or a key naming something the adapter also claims.
        """
        for name, enum_type in (
            ("products", Product),
            ("order_types", OrderType),
            ("time_in_force", TimeInForce),
            ("trigger_types", TriggerType),
            ("flags", Flag),
            ("data", DataKind),
            ("requests", RequestKind),
        ):
            object.__setattr__(self, name, _frozen(getattr(self, name), enum_type, name))
        object.__setattr__(self, "book_depths", frozenset(self.book_depths))
        object.__setattr__(self, "features", frozenset(self.features))
        for name in self.features:
            if name not in FEATURES:
                raise FatalAdapterError(f"Capabilities.features: {name!r} is not one of {sorted(FEATURES)}")
        for name in ("max_batch_submit", "max_batch_modify", "max_batch_cancel"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise FatalAdapterError(f"Capabilities.{name} must be an int >= 0, got {value!r}")
        reasons = dict(self.not_supported)
        for key, reason in reasons.items():
            _check_key(key)
            if not isinstance(reason, str) or not reason:
                raise FatalAdapterError(f"not_supported[{key!r}] needs a non-empty reason string")
            if "/" not in key and key not in _BARE_KEYS and self._claimed(key):
                raise FatalAdapterError(f"not_supported lists {key!r}, which the capabilities also claim")
            if key in self.features:
                raise FatalAdapterError(f"not_supported lists {key!r}, which features also claims")
        object.__setattr__(self, "not_supported", MappingProxyType(reasons))

    def __hash__(self) -> int:
        # not_supported is a mapping proxy (unhashable); hash the rest.
        return hash((self.products, self.order_types, self.time_in_force, self.flags, self.data))

    def _claimed(self, key: str) -> bool:
        kind, _, name = key.partition(":")
        claimed = {
            "product": self.products,
            "order_type": self.order_types,
            "time_in_force": self.time_in_force,
            "trigger_type": self.trigger_types,
            "flag": self.flags,
            "data": self.data,
            "request": self.requests,
        }[kind]
        return any(feature_key(member) == key for member in claimed) and bool(name)

    def unsupported(
        self,
        *,
        product: Product | None = None,
        order_type: OrderType | None = None,
        time_in_force: TimeInForce | None = None,
        trigger_type: TriggerType | None = None,
        flags: Iterable[Flag] = (),
        data: DataKind | None = None,
        request: RequestKind | None = None,
    ) -> tuple[str, str] | None:
        """The first unsupported part of a combination as ``(feature_key, reason)``, or None.

        Every given item must be claimed, and no ``not_supported`` key may name it (unscoped, or
        scoped to ``product``). ``TriggerType.DEFAULT``/``NO_TRIGGER`` are always accepted.
        The reason is the adapter's own text when it wrote one, else ``"<key> is not supported"``.
        """
        checks: list[tuple[enum.Enum, bool]] = []
        if product is not None:
            checks.append((product, product in self.products))
        if order_type is not None:
            checks.append((order_type, order_type in self.order_types))
        if time_in_force is not None:
            checks.append((time_in_force, time_in_force in self.time_in_force))
        if trigger_type is not None and trigger_type not in (TriggerType.DEFAULT, TriggerType.NO_TRIGGER):
            checks.append((trigger_type, trigger_type in self.trigger_types))
        checks.extend((flag, flag in self.flags) for flag in flags)
        if data is not None:
            checks.append((data, data in self.data))
        if request is not None:
            checks.append((request, request in self.requests))
        for member, claimed in checks:
            key = feature_key(member)
            if not claimed:
                return key, self.not_supported.get(key, f"{key} is not supported")
            if product is not None and member is not product:
                scoped = feature_key(member, product)
                if scoped in self.not_supported:
                    return scoped, self.not_supported[scoped]
        return None

    def has_feature(self, name: str) -> bool:
        """Whether the named feature of :data:`FEATURES` is claimed.

        Raises:
            FatalAdapterError: ``name`` is not a known feature.
        """
        if name not in FEATURES:
            raise FatalAdapterError(f"unknown feature {name!r}; use one of {sorted(FEATURES)}")
        return name in self.features

    def feature_reason(self, name: str) -> str | None:
        """Why the named feature is not claimed (the adapter's own text when it wrote one), or None."""
        if self.has_feature(name):
            return None
        return self.not_supported.get(name, f"{name} is not supported")

    def why_not(self, **query: Any) -> str | None:
        """Why the combination is not supported, or None; keyword arguments as :meth:`unsupported`."""
        found = self.unsupported(**query)
        return None if found is None else found[1]

    def supports(self, **query: Any) -> bool:
        """Whether the combination is supported; keyword arguments as :meth:`unsupported`."""
        return self.unsupported(**query) is None

    def require(self, **query: Any) -> None:
        """Raise :class:`UnsupportedFeature` unless the combination is supported.

        Takes the keyword arguments of :meth:`unsupported`; the error's ``feature`` is the key.
        """
        found = self.unsupported(**query)
        if found is not None:
            key, reason = found
            raise UnsupportedFeature(f"{key}: {reason}", feature=key)

    def batch_size(self, operation: str) -> int:
        """The batch size of ``"submit"``, ``"modify"`` or ``"cancel"`` (0: no batch).

        Raises:
            FatalAdapterError: an unknown operation name.
        """
        try:
            return int(getattr(self, f"max_batch_{operation}"))
        except AttributeError:
            raise FatalAdapterError(
                f"unknown batch operation {operation!r}; use 'submit', 'modify' or 'cancel'"
            ) from None
