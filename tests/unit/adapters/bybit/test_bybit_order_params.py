"""SubmitOrder.params for Bybit: mapped to order/create fields, or denied locally naming the param."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.bybit.capabilities import BYBIT_CAPABILITIES
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.testing import load_instruments
from adapters.bybit.execution_orders import deny_reason, place_params
from adapters.bybit.order_params import ORDER_PARAMS, params_fields, params_problem
from adapters.contract.capabilities import Product
from adapters.model.enums import OrderSide, OrderType
from adapters.model.identifiers import ClientOrderId
from adapters.model.instruments import Instrument
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order

INSTRUMENTS = load_instruments()
SPOT = INSTRUMENTS[("BTCUSDT", BybitProductType.SPOT)]
LINEAR = INSTRUMENTS[("BTCUSDT", BybitProductType.LINEAR)]
INVERSE = INSTRUMENTS[("BTCUSD", BybitProductType.INVERSE)]
OPTION = INSTRUMENTS[("BTC-27MAR26-100000-C-USDT", BybitProductType.OPTION)]


def _limit(instrument: Instrument, order_type: OrderType = OrderType.LIMIT) -> Order:
    fields: dict[str, Any] = {
        "instrument_id": instrument.instrument_id,
        "client_order_id": ClientOrderId("prm-1"),
        "order_side": OrderSide.BUY,
        "order_type": order_type,
        "quantity": Quantity("1", instrument.size_precision),
        "ts_init": 1,
    }
    if order_type is OrderType.LIMIT:
        fields["price"] = Price("100", instrument.price_precision)
    return Order(**fields)


def test_the_feature_is_claimed_not_refused() -> None:
    assert BYBIT_CAPABILITIES.has_feature("order_params")
    assert "order_params" not in BYBIT_CAPABILITIES.not_supported


@pytest.mark.parametrize(
    ("instrument", "params", "wire"),
    [
        (OPTION, {"order_iv": "0.6"}, {"orderIv": "0.6"}),
        (OPTION, {"order_iv": 0.25, "mmp": True}, {"orderIv": "0.25", "mmp": True}),
        (LINEAR, {"smp_type": "CancelMaker"}, {"smpType": "CancelMaker"}),
        (SPOT, {"smp_type": "CancelBoth"}, {"smpType": "CancelBoth"}),
        (LINEAR, {"bbo_side_type": "Queue", "bbo_level": 2}, {"bboSideType": "Queue", "bboLevel": "2"}),
        (
            INVERSE,
            {"bbo_side_type": "Counterparty", "bbo_level": "5"},
            {"bboSideType": "Counterparty", "bboLevel": "5"},
        ),
    ],
)
def test_known_params_reach_the_body_under_their_wire_names(
    instrument: Instrument, params: dict[str, Any], wire: dict[str, Any]
) -> None:
    order = _limit(instrument)
    assert deny_reason(order, instrument, params) is None
    body = place_params(order, instrument, params).to_params()
    assert {k: body.get(k) for k in wire} == wire
    # Only the params' own fields were added: the plain body plus exactly these keys.
    plain = place_params(order, instrument).to_params()
    assert set(body) - set(plain) == set(wire)


def test_none_values_are_unset_and_send_nothing() -> None:
    order = _limit(LINEAR)
    params = {"smp_type": None, "order_iv": None}
    assert deny_reason(order, LINEAR, params) is None
    assert place_params(order, LINEAR, params).to_params() == place_params(order, LINEAR).to_params()


@pytest.mark.parametrize(
    ("instrument", "order_type", "params", "named", "says"),
    [
        (LINEAR, OrderType.LIMIT, {"peg_price_type": "Primary"}, "peg_price_type", "no pegged orders"),
        (LINEAR, OrderType.LIMIT, {"take_profit": "120"}, "take_profit", "not a Bybit order param"),
        (LINEAR, OrderType.LIMIT, {"order_iv": "0.6"}, "order_iv", "option orders only"),
        (LINEAR, OrderType.LIMIT, {"mmp": True}, "mmp", "option orders only"),
        (OPTION, OrderType.LIMIT, {"order_iv": "-0.1"}, "order_iv", "positive decimal"),
        (OPTION, OrderType.LIMIT, {"order_iv": "abc"}, "order_iv", "positive decimal"),
        (OPTION, OrderType.LIMIT, {"order_iv": True}, "order_iv", "positive decimal"),
        (OPTION, OrderType.LIMIT, {"mmp": "yes"}, "mmp", "true or false"),
        (LINEAR, OrderType.LIMIT, {"smp_type": "CancelEverything"}, "smp_type", "CancelMaker"),
        (LINEAR, OrderType.LIMIT, {"bbo_side_type": "Queue", "bbo_level": 9}, "bbo_level", "1 to 5"),
        (LINEAR, OrderType.LIMIT, {"bbo_side_type": "Queue", "bbo_level": True}, "bbo_level", "1 to 5"),
        (LINEAR, OrderType.LIMIT, {"bbo_side_type": "Front", "bbo_level": 1}, "bbo_side_type", "Queue"),
        (LINEAR, OrderType.LIMIT, {"bbo_level": 1}, "bbo_level", "needs bbo_side_type"),
        (LINEAR, OrderType.LIMIT, {"bbo_side_type": "Queue"}, "bbo_side_type", "needs bbo_level"),
        (SPOT, OrderType.LIMIT, {"bbo_side_type": "Queue", "bbo_level": 1}, "bbo_side_type", "SPOT LIMIT"),
        (LINEAR, OrderType.MARKET, {"bbo_side_type": "Queue", "bbo_level": 1}, "bbo_side_type", "MARKET"),
    ],
)
def test_bad_params_are_denied_naming_them(
    instrument: Instrument, order_type: OrderType, params: dict[str, Any], named: str, says: str
) -> None:
    reason = deny_reason(_limit(instrument, order_type), instrument, params)
    assert reason is not None
    assert reason.startswith("INVALID_ORDER_PARAM: ")
    assert named in reason and says in reason


def test_an_unknown_param_lists_the_known_ones() -> None:
    reason = params_problem({"post_only_plus": 1}, Product.LINEAR, OrderType.LIMIT)
    assert reason is not None
    assert all(name in reason for name in ORDER_PARAMS)


def test_fields_match_the_place_order_body_fields() -> None:
    fields = params_fields({"order_iv": "0.600", "smp_type": "None", "mmp": False, "bbo_level": 3})
    assert fields == {"order_iv": "0.6", "smp_type": "None", "mmp": False, "bbo_level": "3"}
