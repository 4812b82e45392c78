"""The REST client's error translation and retries against the simulator's real answers."""

from __future__ import annotations

import pytest

from adapters.bybit.common.credential import Credential
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.http.query import (
    CancelOrderParams,
    InstrumentsInfoParams,
    OpenOrdersParams,
    WalletBalanceParams,
)
from adapters.contract.errors import AuthenticationError, MissingCredentials, VenueError
from adapters.network.retry import RetryPolicy
from simulator.scenario import parse_scenario
from simulator.testing import SimulatorFactory

from .conftest import SCENARIO


async def test_private_call_without_credentials_names_the_variables(simulator: SimulatorFactory) -> None:
    async with simulator(parse_scenario(SCENARIO, name="http.yaml")) as sim:
        async with BybitHttpClient(sim.rest_url) as http:
            assert await http.http_get_instruments_info(InstrumentsInfoParams(BybitProductType.SPOT))
            with pytest.raises(MissingCredentials, match="BYBIT_API_KEY"):
                await http.http_get_wallet_balance(WalletBalanceParams())
        assert not sim.journal.http("/v5/account/wallet-balance")  # refused before sending


async def test_a_wrong_key_is_an_authentication_error(simulator: SimulatorFactory) -> None:
    async with simulator(parse_scenario(SCENARIO, name="http.yaml")) as sim:
        async with BybitHttpClient(sim.rest_url, Credential("NOSUCHKEY", "nosecret")) as http:
            with pytest.raises(AuthenticationError) as info:
                await http.http_get_wallet_balance(WalletBalanceParams())
        assert info.value.code == 10003
        assert http.retry.retries == 0


async def test_business_refusals_keep_the_venue_code_and_message(simulator: SimulatorFactory) -> None:
    async with simulator(parse_scenario(SCENARIO, name="http.yaml")) as sim:
        creds = sim.credentials
        assert creds is not None
        async with BybitHttpClient(sim.rest_url, Credential(creds.api_key, creds.api_secret)) as http:
            with pytest.raises(VenueError) as info:
                await http.http_cancel_order(
                    CancelOrderParams(BybitProductType.LINEAR, "BTCUSDT", order_id="nope")
                )
        assert info.value.code == 110001 and "order not exists" in info.value.message


async def test_10006_is_retried_after_the_venue_reset_time(simulator: SimulatorFactory) -> None:
    limited = SCENARIO + "limits: {order/realtime: 1}\n"
    async with simulator(parse_scenario(limited, name="http.yaml")) as sim:
        creds = sim.credentials
        assert creds is not None
        policy = RetryPolicy(max_retries=2, initial_delay_s=0.01, max_delay_s=2.0)
        async with BybitHttpClient(
            sim.rest_url, Credential(creds.api_key, creds.api_secret), retry_policy=policy
        ) as http:
            params = OpenOrdersParams(BybitProductType.LINEAR, settle_coin="USDT")
            await http.http_get_open_orders(params)
            await http.http_get_open_orders(params)  # meets 10006, waits for the reset, succeeds
        answers = [entry.response_json()["retCode"] for entry in sim.journal.http("/v5/order/realtime")]
        assert answers == [0, 10006, 0]
        assert http.retry.retries == 1 and http.retry.delays[0] > 0.01
