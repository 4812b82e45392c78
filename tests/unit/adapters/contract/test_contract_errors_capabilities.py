"""The error taxonomy's retry decisions and the Capabilities declaration and queries."""

from __future__ import annotations

import asyncio

import pytest

from adapters.contract import (
    AdapterError,
    AuthenticationError,
    Capabilities,
    DataKind,
    FatalAdapterError,
    Flag,
    MissingCredentials,
    Product,
    RateLimited,
    RequestKind,
    RetryableTransportError,
    UnsupportedFeature,
    VenueError,
    feature_key,
    is_retryable,
)
from adapters.model import OrderSide, OrderType, TimeInForce, TriggerType


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (RateLimited("slow down", retry_after_s=1.5), True),
        (RetryableTransportError("reset", http_status=502), True),
        (VenueError("insufficient balance", code=110007, http_status=200), False),
        (AuthenticationError("bad sign", code=10004), False),
        (MissingCredentials("set BYBIT_API_KEY", env_var="BYBIT_API_KEY"), False),
        (FatalAdapterError("bug"), False),
        (UnsupportedFeature("no", feature="order_type:MARKET"), False),
        (ValueError("plain"), False),
        (asyncio.CancelledError(), False),
    ],
)
def test_is_retryable_follows_the_taxonomy(error: BaseException, retryable: bool) -> None:
    assert is_retryable(error) is retryable
    assert isinstance(error, AdapterError) or not retryable


def test_errors_carry_their_fields() -> None:
    assert RateLimited("x", retry_after_s=2.0, code=10006).retry_after_s == 2.0
    venue = VenueError("Order does not exist", code=110001, http_status=200)
    assert (venue.code, venue.message, venue.http_status) == (110001, "Order does not exist", 200)
    assert "110001" in str(venue)
    assert AuthenticationError("x", code=10003).code == 10003
    assert MissingCredentials("set X", field="api_key").field == "api_key"
    assert issubclass(UnsupportedFeature, FatalAdapterError)


def make_caps(**changes: object) -> Capabilities:
    fields: dict[str, object] = dict(
        products={Product.SPOT, Product.LINEAR},
        order_types={OrderType.MARKET, OrderType.LIMIT, OrderType.STOP_MARKET},
        time_in_force={TimeInForce.GTC, TimeInForce.IOC},
        trigger_types={TriggerType.LAST_PRICE, TriggerType.MARK_PRICE},
        flags={Flag.POST_ONLY, Flag.REDUCE_ONLY},
        data={DataKind.TRADE_TICKS},
        requests={RequestKind.BARS},
        max_batch_cancel=20,
        not_supported={
            "SPOT/flag:REDUCE_ONLY": "spot has no reduce-only",
            "order_type:TRAILING_STOP_MARKET": "the venue has no native trailing stop",
        },
    )
    fields.update(changes)
    return Capabilities(**fields)  # type: ignore[arg-type]


def test_supports_answers_claimed_combinations() -> None:
    caps = make_caps()
    assert caps.supports(product=Product.LINEAR, order_type=OrderType.LIMIT, flags=[Flag.REDUCE_ONLY])
    assert caps.supports(trigger_type=TriggerType.DEFAULT)
    assert caps.supports(data=DataKind.TRADE_TICKS, request=RequestKind.BARS)
    assert not caps.supports(product=Product.OPTION)
    assert not caps.supports(time_in_force=TimeInForce.FOK)
    assert not caps.supports(trigger_type=TriggerType.INDEX_PRICE)
    assert not caps.supports(flags=[Flag.QUOTE_QUANTITY])
    assert not caps.supports(data=DataKind.BARS)


def test_reasons_come_from_not_supported_including_product_scoped_ones() -> None:
    caps = make_caps()
    assert caps.why_not(product=Product.SPOT, flags=[Flag.REDUCE_ONLY]) == "spot has no reduce-only"
    assert caps.why_not(product=Product.LINEAR, flags=[Flag.REDUCE_ONLY]) is None
    assert caps.why_not(order_type=OrderType.TRAILING_STOP_MARKET) == "the venue has no native trailing stop"
    assert caps.unsupported(time_in_force=TimeInForce.DAY) == (
        "time_in_force:DAY",
        "time_in_force:DAY is not supported",
    )
    with pytest.raises(UnsupportedFeature, match="spot has no reduce-only") as info:
        caps.require(product=Product.SPOT, flags=[Flag.REDUCE_ONLY])
    assert info.value.feature == "SPOT/flag:REDUCE_ONLY"
    caps.require(product=Product.LINEAR, order_type=OrderType.MARKET)


def test_feature_keys() -> None:
    assert feature_key(OrderType.MARKET) == "order_type:MARKET"
    assert feature_key(Flag.REDUCE_ONLY, Product.SPOT) == "SPOT/flag:REDUCE_ONLY"
    assert feature_key(DataKind.INSTRUMENT_CLOSE) == "data:INSTRUMENT_CLOSE"
    with pytest.raises(FatalAdapterError, match="no capability kind"):
        feature_key(OrderSide.BUY)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"not_supported": {"order_type:NOPE": "x"}}, "not a feature key"),
        ({"not_supported": {"MOON/flag:POST_ONLY": "x"}}, "product scope"),
        ({"not_supported": {"order_type:LIMIT": "x"}}, "also claim"),
        ({"not_supported": {"amend": ""}}, "non-empty reason"),
        ({"order_types": {TimeInForce.GTC}}, "OrderType members"),
        ({"max_batch_submit": -1}, ">= 0"),
    ],
)
def test_malformed_declarations_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(FatalAdapterError, match=message):
        make_caps(**changes)


def test_declaration_is_frozen() -> None:
    caps = make_caps(order_types=[OrderType.LIMIT])
    assert caps.order_types == frozenset({OrderType.LIMIT})
    with pytest.raises(TypeError):
        caps.not_supported["amend"] = "x"  # type: ignore[index]
    assert caps.batch_size("cancel") == 20 and caps.batch_size("submit") == 0
    with pytest.raises(FatalAdapterError, match="'submit', 'modify' or 'cancel'"):
        caps.batch_size("amend")
