"""Config (credentials from fields or environment, URLs), the factory, discovery, local denial rules."""

from __future__ import annotations

import pytest

from adapters.bybit.capabilities import BYBIT_CAPABILITIES
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.testing import load_instruments
from adapters.bybit.config import BybitDataClientConfig, BybitExecClientConfig
from adapters.bybit.execution_orders import amend_params, cancel_params, deny_reason, place_params
from adapters.bybit.factories import BybitAdapterFactory
from adapters.contract.capabilities import Product
from adapters.contract.clients import ExecutionClient, InstrumentProvider, MarketDataClient
from adapters.contract.discovery import load_adapter
from adapters.contract.errors import FatalAdapterError, MissingCredentials
from adapters.contract.factory import AdapterFactory, Credentials, Endpoints
from adapters.contract.sink import RecordingSink
from adapters.model.commands import CancelOrder, ModifyOrder
from adapters.model.enums import OrderSide, OrderType, TimeInForce, TriggerType
from adapters.model.identifiers import ClientOrderId, VenueOrderId
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order

INSTRUMENTS = load_instruments()
LINEAR = INSTRUMENTS[("BTCUSDT", BybitProductType.LINEAR)]
SPOT = INSTRUMENTS[("BTCUSDT", BybitProductType.SPOT)]
OPTION = INSTRUMENTS[("BTC-27MAR26-70000-P-USDT", BybitProductType.OPTION)]


def test_credentials_from_fields_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BYBIT_API_KEY", raising=False)
    monkeypatch.delenv("BYBIT_API_SECRET", raising=False)
    config = BybitExecClientConfig()
    assert config.credential() is None
    with pytest.raises(MissingCredentials, match="BYBIT_API_KEY and BYBIT_API_SECRET") as info:
        config.require_credential("the execution client")
    assert info.value.env_var == "BYBIT_API_KEY"
    monkeypatch.setenv("BYBIT_API_KEY", "envkey")
    monkeypatch.setenv("BYBIT_API_SECRET", "envsecret")
    assert config.credential() is not None and config.credential().api_key == "envkey"  # type: ignore[union-attr]
    assert BybitExecClientConfig(api_key="k", api_secret="s").credential().api_key == "k"  # type: ignore[union-attr]
    assert "envsecret" not in repr(BybitExecClientConfig(api_secret="envsecret"))


def test_config_urls_and_validation() -> None:
    assert BybitDataClientConfig(environment="testnet").urls().rest_base == "https://api-testnet.bybit.com"
    local = BybitDataClientConfig(base_url_http="http://127.0.0.1:9")
    assert local.urls().private_ws == "ws://127.0.0.1:9/v5/private"
    assert BybitDataClientConfig(product_types=("spot",)).product_types == (BybitProductType.SPOT,)
    with pytest.raises(ValueError):
        BybitDataClientConfig(product_types=())
    with pytest.raises(ValueError):
        BybitDataClientConfig(environment="staging")


def _endpoints() -> Endpoints:
    return Endpoints(
        rest_base_url="http://127.0.0.1:9",
        ws_public={Product.LINEAR: "ws://127.0.0.1:9/custom/linear", Product.FUTURE: "ws://x/f"},
        ws_private="ws://127.0.0.1:9/private-x",
    )


def test_factory_builds_clients_that_satisfy_the_contract() -> None:
    factory = BybitAdapterFactory()
    assert isinstance(factory, AdapterFactory) and factory.capabilities is BYBIT_CAPABILITIES
    clients = factory.create(_endpoints(), Credentials("k", "s"), RecordingSink())
    assert isinstance(clients.provider, InstrumentProvider)
    assert isinstance(clients.data, MarketDataClient)
    assert isinstance(clients.execution, ExecutionClient)
    urls = clients.data._urls  # type: ignore[attr-defined]
    assert urls.public_ws(BybitProductType.LINEAR) == "ws://127.0.0.1:9/custom/linear"
    assert urls.private_ws == "ws://127.0.0.1:9/private-x"
    assert urls.public_ws(BybitProductType.SPOT) == "ws://127.0.0.1:9/v5/public/spot"


def test_factory_without_credentials_builds_no_execution_client_and_refuses_unknown_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BYBIT_API_KEY", raising=False)
    monkeypatch.delenv("BYBIT_API_SECRET", raising=False)
    assert BybitAdapterFactory().create(_endpoints(), None, RecordingSink()).execution is None
    with pytest.raises(FatalAdapterError, match="unknown Bybit config keys"):
        BybitAdapterFactory().create(_endpoints(), None, RecordingSink(), {"bogus": 1})
    with pytest.raises(FatalAdapterError, match="bad Bybit config"):
        BybitAdapterFactory().create(_endpoints(), None, RecordingSink(), {"product_types": ("futures",)})


def test_discovered_through_the_entry_point() -> None:
    assert isinstance(load_adapter("bybit"), BybitAdapterFactory)


def _order(**kwargs: object) -> Order:
    fields: dict[str, object] = {
        "instrument_id": LINEAR.instrument_id,
        "client_order_id": ClientOrderId("c-1"),
        "order_side": OrderSide.BUY,
        "order_type": OrderType.LIMIT,
        "quantity": Quantity("0.010", 3),
        "price": Price("30000.00", 2),
        "ts_init": 1,
    }
    fields.update(kwargs)
    return Order(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("instrument", "kwargs", "reason"),
    [
        (LINEAR, {"time_in_force": TimeInForce.GTD, "expire_time_ns": 10}, "no expiry"),
        (LINEAR, {"time_in_force": TimeInForce.DAY}, "DAY"),
        (LINEAR, {"post_only": True, "time_in_force": TimeInForce.IOC}, "post-only"),
        (LINEAR, {"order_type": OrderType.MARKET, "price": None, "quote_quantity": True}, "spot market"),
        (LINEAR, {"display_qty": Quantity("0.001", 3)}, "iceberg"),
        (
            SPOT,
            {
                "reduce_only": True,
                "instrument_id": SPOT.instrument_id,
                "quantity": Quantity("0.01", 6),
                "price": Price("30000.00", 2),
            },
            "spot has no positions",
        ),
        (
            OPTION,
            {
                "order_type": OrderType.MARKET,
                "price": None,
                "instrument_id": OPTION.instrument_id,
                "quantity": Quantity("1", 2),
            },
            "limit orders only",
        ),
        (
            LINEAR,
            {
                "order_type": OrderType.STOP_MARKET,
                "price": None,
                "trigger_price": Price("31000.00", 2),
                "trigger_type": TriggerType.BID_ASK,
            },
            "last, mark or index",
        ),
        (
            SPOT,
            {
                "order_type": OrderType.STOP_MARKET,
                "price": None,
                "instrument_id": SPOT.instrument_id,
                "quantity": Quantity("0.01", 6),
                "trigger_price": Price("31000.00", 2),
                "trigger_type": TriggerType.MARK_PRICE,
            },
            "last price only",
        ),
    ],
)
def test_unsupported_combinations_are_denied_with_a_reason(
    instrument: object, kwargs: dict[str, object], reason: str
) -> None:
    denied = deny_reason(_order(**kwargs), instrument)  # type: ignore[arg-type]
    assert denied is not None and reason in denied


def test_supported_orders_become_create_bodies() -> None:
    assert deny_reason(_order(post_only=True), LINEAR) is None
    assert place_params(_order(post_only=True), LINEAR).to_params() == {
        "category": "linear",
        "symbol": "BTCUSDT",
        "side": "Buy",
        "orderType": "Limit",
        "qty": "0.010",
        "price": "30000.00",
        "timeInForce": "PostOnly",
        "orderLinkId": "c-1",
    }
    stop = _order(
        order_side=OrderSide.SELL,
        order_type=OrderType.STOP_MARKET,
        price=None,
        trigger_price=Price("29000.00", 2),
        trigger_type=TriggerType.MARK_PRICE,
        reduce_only=True,
    )
    assert deny_reason(stop, LINEAR) is None
    body = place_params(stop, LINEAR).to_params()
    assert (
        body["orderType"] == "Market" and body["triggerDirection"] == 2 and body["triggerBy"] == "MarkPrice"
    )
    assert body["reduceOnly"] is True and "price" not in body
    spot_market = _order(
        instrument_id=SPOT.instrument_id,
        order_type=OrderType.MARKET,
        price=None,
        quantity=Quantity("100", 6),
        quote_quantity=True,
        time_in_force=TimeInForce.IOC,
    )
    assert deny_reason(spot_market, SPOT) is None
    assert place_params(spot_market, SPOT).to_params()["marketUnit"] == "quoteCoin"
    spot_stop = _order(
        instrument_id=SPOT.instrument_id,
        order_type=OrderType.STOP_LIMIT,
        quantity=Quantity("0.01", 6),
        trigger_price=Price("31000.00", 2),
    )
    assert place_params(spot_stop, SPOT).to_params()["orderFilter"] == "StopOrder"


def test_amend_and_cancel_prefer_the_venue_id() -> None:
    both = ModifyOrder(
        instrument_id=LINEAR.instrument_id,
        client_order_id=ClientOrderId("c"),
        venue_order_id=VenueOrderId("v"),
        quantity=Quantity("0.020", 3),
        ts_init=1,
    )
    assert amend_params(both).to_params() == {
        "category": "linear",
        "symbol": "BTCUSDT",
        "orderId": "v",
        "qty": "0.020",
    }
    by_client = CancelOrder(
        instrument_id=LINEAR.instrument_id, client_order_id=ClientOrderId("c"), venue_order_id=None, ts_init=1
    )
    assert cancel_params(by_client).to_params() == {
        "category": "linear",
        "symbol": "BTCUSDT",
        "orderLinkId": "c",
    }
    assert "category" not in cancel_params(by_client, with_category=False).to_params()
