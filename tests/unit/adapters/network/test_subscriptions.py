"""SubscriptionState and AuthTracker: the bookkeeping behind restore-exactly-once and login order."""

from __future__ import annotations

import pytest

from adapters.network.auth import AuthState, AuthTracker
from adapters.network.subscriptions import SubscriptionState, TopicStatus


def test_lifecycle_pending_active_unsubscribed() -> None:
    subs = SubscriptionState()
    assert subs.add("publicTrade.BTCUSDT") is True
    assert subs.pending == {"publicTrade.BTCUSDT"} and subs.active == frozenset()
    assert subs.confirm_subscribe(["publicTrade.BTCUSDT"]) == ["publicTrade.BTCUSDT"]
    assert subs.active == {"publicTrade.BTCUSDT"}
    assert subs.remove("publicTrade.BTCUSDT", connected=True) is True
    assert subs.status("publicTrade.BTCUSDT") is TopicStatus.UNSUBSCRIBING
    assert subs.confirm_unsubscribe(["publicTrade.BTCUSDT"]) == ["publicTrade.BTCUSDT"]
    assert subs.status("publicTrade.BTCUSDT") is None
    assert subs.unsubscribed == {"publicTrade.BTCUSDT"}


def test_shared_topic_is_reference_counted() -> None:
    subs = SubscriptionState()
    assert subs.add("index.BTC") is True
    assert subs.add("index.BTC") is False
    subs.confirm_subscribe(["index.BTC"])
    assert subs.remove("index.BTC", connected=True) is False
    assert subs.active == {"index.BTC"}
    assert subs.remove("index.BTC", connected=True) is True


def test_restore_after_drop_skips_unsubscribed_and_keeps_failed() -> None:
    subs = SubscriptionState()
    for topic in ("trade.A", "position", "order", "bad.topic"):
        subs.add(topic)
    subs.confirm_subscribe(["trade.A", "position", "order"])
    assert subs.fail_subscribe(["bad.topic"], "handler not found") == ["bad.topic"]
    subs.remove("position", connected=True)
    subs.confirm_unsubscribe(["position"])
    subs.remove("order", connected=True)  # unsubscribe in flight when the connection drops
    subs.connection_lost()
    assert subs.to_restore() == ["trade.A", "bad.topic"]
    assert subs.unsubscribed == {"position", "order"}
    assert subs.failures == {"bad.topic": "handler not found"}


def test_unsubscribe_while_disconnected_drops_at_once() -> None:
    subs = SubscriptionState()
    subs.add("kline.1.BTCUSDT")
    subs.connection_lost()
    assert subs.remove("kline.1.BTCUSDT", connected=False) is False
    assert subs.to_restore() == []


def test_refused_unsubscribe_goes_back_to_active() -> None:
    subs = SubscriptionState()
    subs.add("t")
    subs.confirm_subscribe(["t"])
    subs.remove("t", connected=True)
    assert subs.fail_unsubscribe(["t"]) == ["t"]
    assert subs.active == {"t"} and subs.refs("t") == 1


def test_resubscribe_while_unsubscribing_sends_again() -> None:
    subs = SubscriptionState()
    subs.add("t")
    subs.confirm_subscribe(["t"])
    subs.remove("t", connected=True)
    assert subs.add("t") is True
    assert subs.pending == {"t"}
    assert subs.confirm_unsubscribe(["t"]) == []  # the stale unsubscribe ack no longer applies


def test_auth_tracker_only_moves_along_the_allowed_edges() -> None:
    auth = AuthTracker()
    with pytest.raises(RuntimeError, match="UNAUTHENTICATED to AUTHENTICATED"):
        auth.move(AuthState.AUTHENTICATED)
    auth.move(AuthState.AUTHENTICATING)
    auth.move(AuthState.AUTHENTICATED)
    assert auth.is_authenticated and auth.logins == 1
    with pytest.raises(RuntimeError):
        auth.move(AuthState.FAILED)
    auth.move(AuthState.UNAUTHENTICATED)
    auth.move(AuthState.AUTHENTICATING)
    auth.move(AuthState.FAILED)
    assert not auth.is_authenticated and auth.logins == 2
