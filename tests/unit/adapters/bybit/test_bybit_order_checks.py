"""Local checks of the Bybit adapter that deny before anything is sent: quote quantity per product,
the venue's orderLinkId rules, and the instrument provider's filter keys."""

from __future__ import annotations

import pytest

from adapters.bybit.capabilities import BYBIT_CAPABILITIES
from adapters.bybit.common.consts import ORDER_LINK_ID_MAX_LEN
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.testing import load_instruments
from adapters.bybit.execution_orders import client_order_id_problem, deny_reason, place_params
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.providers import FILTER_KEYS, BybitInstrumentProvider
from adapters.contract.capabilities import Flag, Product
from adapters.contract.errors import FatalAdapterError
from adapters.model.enums import OrderSide, OrderType
from adapters.model.identifiers import ClientOrderId
from adapters.model.instruments import Instrument
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order

INSTRUMENTS = load_instruments()
SPOT = INSTRUMENTS[("BTCUSDT", BybitProductType.SPOT)]
LINEAR = INSTRUMENTS[("BTCUSDT", BybitProductType.LINEAR)]
INVERSE = INSTRUMENTS[("BTCUSD", BybitProductType.INVERSE)]
FUTURE = INSTRUMENTS[("BTC-27MAR26", BybitProductType.LINEAR)]
OPTION = INSTRUMENTS[("BTC-27MAR26-100000-C-USDT", BybitProductType.OPTION)]


def _order(instrument: Instrument, order_type: OrderType = OrderType.MARKET, **kwargs: object) -> Order:
    fields: dict[str, object] = {
        "instrument_id": instrument.instrument_id,
        "client_order_id": ClientOrderId("chk-1"),
        "order_side": OrderSide.BUY,
        "order_type": order_type,
        "quantity": Quantity("1", instrument.size_precision),
        "ts_init": 1,
    }
    if order_type is OrderType.LIMIT:
        fields["price"] = Price("100", instrument.price_precision)
    fields.update(kwargs)
    return Order(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("product", [Product.LINEAR, Product.INVERSE, Product.FUTURE, Product.OPTION])
def test_quote_quantity_is_declared_for_spot_only(product: Product) -> None:
    assert BYBIT_CAPABILITIES.supports(
        product=Product.SPOT, order_type=OrderType.MARKET, flags=[Flag.QUOTE_QUANTITY]
    )
    reason = BYBIT_CAPABILITIES.why_not(
        product=product, order_type=OrderType.LIMIT, flags=[Flag.QUOTE_QUANTITY]
    )
    assert reason is not None and "spot market orders only" in reason


@pytest.mark.parametrize("instrument", [LINEAR, INVERSE, FUTURE])
def test_quote_quantity_on_a_contract_is_denied(instrument: Instrument) -> None:
    reason = deny_reason(_order(instrument, quote_quantity=True), instrument)
    assert reason is not None and "spot market orders only" in reason


def test_quote_quantity_on_spot_market_is_sent_as_quote_coin_and_denied_on_spot_limit() -> None:
    order = _order(SPOT, quote_quantity=True)
    assert deny_reason(order, SPOT) is None
    assert place_params(order, SPOT).market_unit == "quoteCoin"
    limit = _order(SPOT, OrderType.LIMIT, quote_quantity=True)
    assert "UNSUPPORTED_QUOTE_QUANTITY" in (deny_reason(limit, SPOT) or "")


def test_order_link_id_limit_is_36_characters() -> None:
    at_limit = "a-" + "9" * (ORDER_LINK_ID_MAX_LEN - 2)
    assert ORDER_LINK_ID_MAX_LEN == 36
    assert client_order_id_problem(ClientOrderId(at_limit)) is None
    assert deny_reason(_order(LINEAR, client_order_id=ClientOrderId(at_limit)), LINEAR) is None
    too_long = ClientOrderId("x" * (ORDER_LINK_ID_MAX_LEN + 1))
    reason = deny_reason(_order(LINEAR, client_order_id=too_long), LINEAR)
    assert reason is not None and reason.startswith("INVALID_CLIENT_ORDER_ID") and "37" in reason


@pytest.mark.parametrize("cid", ["bad id", "bad/id", "ok.dot", "naïve"])
def test_order_link_id_charset(cid: str) -> None:
    reason = client_order_id_problem(ClientOrderId(cid))
    assert reason is not None and "letters, digits" in reason


def test_order_link_id_accepts_letters_digits_dash_underscore() -> None:
    assert client_order_id_problem(ClientOrderId("Az09_-x")) is None


async def test_unknown_provider_filter_key_is_refused_before_any_request() -> None:
    # Port 9 (discard): nothing may be sent, the check comes first.
    provider = BybitInstrumentProvider(BybitHttpClient("http://127.0.0.1:9"), [BybitProductType.LINEAR])
    with pytest.raises(FatalAdapterError) as info:
        await provider.load_all_async({"base_coin": ["BTC"]})
    assert "base_coin" in str(info.value) and all(key in str(info.value) for key in FILTER_KEYS)
    with pytest.raises(FatalAdapterError):
        await provider.load_async(LINEAR.instrument_id, {"nope": 1})
    with pytest.raises(FatalAdapterError):
        await provider.load_ids_async([LINEAR.instrument_id], {"nope": 1})
    assert provider.count == 0
