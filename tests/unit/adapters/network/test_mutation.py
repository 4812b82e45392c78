"""Mutation operators: each changes one behaviour of the one instance it is given, never a class."""

from __future__ import annotations

import random

import pytest

from adapters.contract.errors import RateLimited, VenueError
from adapters.network import mutation
from adapters.network.clock import VirtualClock
from adapters.network.retry import RetryManager, RetryPolicy
from adapters.network.websocket import WebSocketClient
from adapters.network.wsconfig import WebSocketConfig

POLICY = RetryPolicy(max_retries=2, initial_delay_s=0.5, max_delay_s=1.0, jitter=0.0)


class Failing:
    """Fails with ``error`` ``times`` times, then returns "ok"."""

    def __init__(self, error: Exception, times: int) -> None:
        self.error, self.left, self.calls = error, times, 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.left:
            self.left -= 1
            raise self.error
        return "ok"


def _retry(clock: VirtualClock) -> RetryManager:
    return RetryManager(POLICY, rng=random.Random(3), sleeper=clock.sleep)


async def test_retry_client_errors_retries_a_4xx_on_that_manager_only() -> None:
    clock = VirtualClock()
    mutated, intact = _retry(clock), _retry(clock)
    mutation.retry_client_errors(mutated)
    op = Failing(VenueError("bad qty", code=10001, http_status=400), times=1)
    assert await mutated.run(op) == "ok"
    assert op.calls == 2
    untouched = Failing(VenueError("bad qty", code=10001, http_status=400), times=1)
    with pytest.raises(VenueError):
        await intact.run(untouched)
    assert untouched.calls == 1


async def test_ignore_retry_after_waits_the_plain_backoff() -> None:
    def limited() -> RateLimited:
        return RateLimited("slow down", code=10006, retry_after_s=0.9)

    honest_clock, faulty_clock = VirtualClock(), VirtualClock()
    honest, faulty = _retry(honest_clock), _retry(faulty_clock)
    mutation.ignore_retry_after(faulty)
    assert await honest.run(Failing(limited(), times=1)) == "ok"
    assert await faulty.run(Failing(limited(), times=1)) == "ok"
    assert honest_clock.sleeps == [0.9]
    assert faulty_clock.sleeps == [0.5]


def _ws() -> WebSocketClient:
    return WebSocketClient(WebSocketConfig(url="ws://127.0.0.1:9/never"), handler=lambda _m: None)


def test_restore_unsubscribed_topics_brings_back_what_was_dropped() -> None:
    faulty, intact = _ws(), _ws()
    mutation.restore_unsubscribed_topics(faulty)
    for ws in (faulty, intact):
        ws.subscriptions.add("order")
        ws.subscriptions.add("position")
        ws.subscriptions.confirm_subscribe(["order", "position"])
        ws.subscriptions.remove("position", connected=False)
        ws.subscriptions.connection_lost()
    assert intact.subscriptions.to_restore() == ["order"]
    assert faulty.subscriptions.to_restore() == ["order", "position"]


def test_forget_topics_on_drop_restores_nothing() -> None:
    faulty, intact = _ws(), _ws()
    mutation.forget_topics_on_drop(faulty)
    for ws in (faulty, intact):
        ws.subscriptions.add("publicTrade.BTCUSDT")
        ws.subscriptions.confirm_subscribe(["publicTrade.BTCUSDT"])
        ws.subscriptions.connection_lost()
    assert intact.subscriptions.to_restore() == ["publicTrade.BTCUSDT"]
    assert faulty.subscriptions.to_restore() == []


def test_config_operators_change_one_field_of_one_client() -> None:
    faulty, intact = _ws(), _ws()
    mutation.no_heartbeat(faulty)
    mutation.no_reconnect(faulty)
    assert (faulty.config.heartbeat, faulty.config.reconnect) == (None, False)
    assert intact.config.heartbeat is not None and intact.config.reconnect is True
    assert faulty.config.url == intact.config.url
