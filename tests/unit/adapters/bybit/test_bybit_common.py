"""Unit tests of adapters.bybit.common: signing, URLs, parse helpers, the wire decoder."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from adapters.bybit.common.credential import Credential
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.parse import (
    decimal_or_none,
    decimal_or_zero,
    non_empty,
    precision_of,
    require_decimal,
    str_ms_to_ns,
)
from adapters.bybit.common.urls import BybitEnvironment, BybitUrls
from adapters.bybit.common.wire import WireStruct, camel
from adapters.contract.errors import FatalAdapterError


def test_rest_signature_matches_the_documented_string_to_sign() -> None:
    cred = Credential("XXXXXXXXXX", "secret")
    query = "category=option&symbol=BTC-29JUL22-25000-C"
    expected = hmac.new(
        b"secret", b"1658384314791XXXXXXXXXX5000" + query.encode(), hashlib.sha256
    ).hexdigest()
    assert cred.sign_rest(1658384314791, 5000, query) == expected
    headers = cred.rest_headers(1658384314791, 5000, query)
    assert headers == {
        "X-BAPI-API-KEY": "XXXXXXXXXX",
        "X-BAPI-TIMESTAMP": "1658384314791",
        "X-BAPI-RECV-WINDOW": "5000",
        "X-BAPI-SIGN": expected,
    }


def test_ws_auth_signs_get_realtime_and_expires() -> None:
    cred = Credential("key", "secret")
    sig = hmac.new(b"secret", b"GET/realtime1662350400000", hashlib.sha256).hexdigest()
    assert cred.ws_auth_message(1662350400000) == {"op": "auth", "args": ["key", 1662350400000, sig]}


def test_secret_never_in_repr_and_empty_credentials_refused() -> None:
    cred = Credential("key", "very-secret-value")
    assert "very-secret-value" not in repr(cred)
    with pytest.raises(ValueError, match="non-empty"):
        Credential("key", "")


@pytest.mark.parametrize(
    ("env", "rest", "ws"),
    [
        (BybitEnvironment.MAINNET, "https://api.bybit.com", "wss://stream.bybit.com"),
        (BybitEnvironment.TESTNET, "https://api-testnet.bybit.com", "wss://stream-testnet.bybit.com"),
        (BybitEnvironment.DEMO, "https://api-demo.bybit.com", "wss://stream-demo.bybit.com"),
    ],
)
def test_urls_per_environment(env: BybitEnvironment, rest: str, ws: str) -> None:
    urls = BybitUrls.for_environment(env.value)
    assert (urls.rest_base, urls.ws_base) == (rest, ws)
    assert urls.public_ws(BybitProductType.OPTION) == f"{ws}/v5/public/option"
    assert urls.private_ws == f"{ws}/v5/private"
    assert urls.trade_ws == f"{ws}/v5/trade"


def test_local_urls_derive_ws_from_http_and_overrides_win() -> None:
    urls = BybitUrls.local("http://127.0.0.1:8080/")
    assert urls.rest_base == "http://127.0.0.1:8080"
    assert urls.public_ws(BybitProductType.SPOT) == "ws://127.0.0.1:8080/v5/public/spot"
    assert BybitUrls.local("https://h").ws_base == "wss://h"
    custom = BybitUrls("http://a", "ws://a", public_overrides={BybitProductType.LINEAR: "ws://b/x"})
    assert custom.public_ws(BybitProductType.LINEAR) == "ws://b/x"
    assert custom.public_ws(BybitProductType.INVERSE) == "ws://a/v5/public/inverse"


def test_parse_helpers_treat_empty_strings_as_missing() -> None:
    assert non_empty("") is None and non_empty("x") == "x"
    assert decimal_or_none("") is None and decimal_or_none(None) is None
    assert decimal_or_none("0.10") == Decimal("0.10")
    assert decimal_or_zero("") == 0
    assert str_ms_to_ns("") == 0 and str_ms_to_ns("1672304486868") == 1672304486868 * 10**6
    with pytest.raises(FatalAdapterError, match="number"):
        decimal_or_none("abc")
    with pytest.raises(FatalAdapterError, match="'avgPrice'"):
        require_decimal("", "avgPrice")


@pytest.mark.parametrize(("text", "places"), [("0.10", 2), ("1", 0), ("5", 0), ("0.000001", 6), ("0.50", 2)])
def test_precision_is_the_decimals_written(text: str, places: int) -> None:
    assert precision_of(text) == places


@dataclass(frozen=True, slots=True)
class _Item(WireStruct):
    order_link_id: str
    short: str = field(default="", metadata={"wire": "s"})
    flag: bool = False


def test_wire_decoder_maps_camel_case_and_reports_missing_required_keys() -> None:
    assert camel("order_link_id") == "orderLinkId"
    item = _Item.from_wire({"orderLinkId": "a", "s": "BTCUSDT", "unknown": 1})
    assert item == _Item("a", "BTCUSDT", False)
    with pytest.raises(FatalAdapterError, match="'orderLinkId'"):
        _Item.from_wire({"s": "x"})
    with pytest.raises(FatalAdapterError, match="JSON object"):
        _Item.from_wire([])  # type: ignore[arg-type]
