"""The demo behind ``venuekit demo``: its session does what its rows say, and is reproducible."""

from __future__ import annotations

from decimal import Decimal

from simulator import demo
from simulator.core import OrderStatus, RejectReason


def test_session_outcomes_come_from_the_core() -> None:
    ex, flow = demo.build_venue(seed=42)
    rows = demo.run_session(ex, flow)
    outcomes = {action: outcome for _, action, outcome in rows}

    history = {o.order_id: o for o in ex.order_history(demo.ACCOUNT)}
    statuses = [o.status for o in history.values()]
    assert OrderStatus.EXPIRED in statuses, "the GTD order should have expired on the virtual clock"
    assert any(o.reject_reason is RejectReason.POST_ONLY_WOULD_TAKE for o in history.values())

    linear = ex.position(demo.ACCOUNT, "linear:BTCUSDT")
    assert linear is not None
    # Bought 0.5, the stop-loss sold 0.2 when the mark fell through it.
    assert linear.size == Decimal("0.300")
    # Long with a positive funding rate pays funding.
    assert linear.funding < 0
    assert "stop fired: linear position now 0.300" in outcomes.values()

    inverse = ex.position(demo.ACCOUNT, "inverse:BTCUSD")
    assert inverse is not None and inverse.size == Decimal(-20000)
    option = ex.position(demo.ACCOUNT, "option:BTC-27MAR26-100000-C-USDT")
    assert option is not None and option.entry_price == Decimal(4250)


def test_same_seed_prints_the_same_session(capsys) -> None:
    assert demo.main(["--seed", "7"]) == 0
    first = capsys.readouterr().out
    assert demo.main(["--seed", "7"]) == 0
    assert capsys.readouterr().out == first
    assert "post_only_would_take" in first and "expired" in first
