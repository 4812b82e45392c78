"""Fixtures for the model tests: one valid instance of every model value type."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from adapters import model as m

IID = m.InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")
USDT = m.Currency.from_str("USDT")
BTC = m.Currency.from_str("BTC")
ACC = m.AccountId("BYBIT-UNIFIED")
COID = m.ClientOrderId("O-1")
VOID = m.VenueOrderId("1f0e")
EVENT_ID = UUID("00000000-0000-4000-8000-000000000001")


def instruments() -> dict[str, Any]:
    """One instrument of each class."""
    common: dict[str, Any] = dict(
        quote_currency=USDT,
        price_precision=2,
        size_precision=3,
        price_increment=m.Price("0.10", 2),
        size_increment=m.Quantity("0.001", 3),
        ts_event=1,
        ts_init=2,
        min_quantity=m.Quantity("0.001", 3),
        max_quantity=m.Quantity("100.000", 3),
        min_notional=m.Money("5", USDT),
        maker_fee=Decimal("0.0002"),
        taker_fee=Decimal("0.00055"),
    )
    return {
        "CurrencyPair": m.CurrencyPair(
            instrument_id=m.InstrumentId.from_str("BTCUSDT-SPOT.BYBIT"),
            raw_symbol=m.Symbol("BTCUSDT"),
            base_currency=BTC,
            **common,
        ),
        "CryptoPerpetual": m.CryptoPerpetual(
            instrument_id=IID,
            raw_symbol=m.Symbol("BTCUSDT"),
            base_currency=BTC,
            settlement_currency=USDT,
            is_inverse=False,
            **common,
        ),
        "CryptoFuture": m.CryptoFuture(
            instrument_id=m.InstrumentId.from_str("BTCUSDT-27JUN25-LINEAR.BYBIT"),
            raw_symbol=m.Symbol("BTCUSDT-27JUN25"),
            underlying=BTC,
            settlement_currency=USDT,
            is_inverse=False,
            activation_ns=10,
            expiration_ns=20,
            **common,
        ),
        "CryptoOption": m.CryptoOption(
            instrument_id=m.InstrumentId.from_str("BTC-27JUN25-60000-C-OPTION.BYBIT"),
            raw_symbol=m.Symbol("BTC-27JUN25-60000-C"),
            underlying=BTC,
            settlement_currency=USDT,
            is_inverse=False,
            option_kind=m.OptionKind.CALL,
            strike_price=m.Price("60000.00", 2),
            activation_ns=10,
            expiration_ns=20,
            **common,
        ),
    }


def order(**overrides: Any) -> m.Order:
    """A valid LIMIT buy, with ``overrides`` applied."""
    fields: dict[str, Any] = dict(
        instrument_id=IID,
        client_order_id=COID,
        order_side=m.OrderSide.BUY,
        order_type=m.OrderType.LIMIT,
        quantity=m.Quantity("0.010", 3),
        price=m.Price("100.10", 2),
        ts_init=5,
    )
    fields.update(overrides)
    return m.Order(**fields)


def samples() -> dict[str, Any]:
    """One valid instance per public model value type, keyed by type name."""
    px, qty = m.Price("100.10", 2), m.Quantity("0.010", 3)
    fee = m.Money("0.01", USDT)
    delta = m.OrderBookDelta(
        IID,
        m.BookAction.ADD,
        m.BookOrder(m.OrderSide.SELL, px, qty),
        m.RecordFlag.F_SNAPSHOT | m.RecordFlag.F_LAST,
        7,
        1,
        2,
    )
    bar_type = m.BarType.from_str("BTCUSDT-LINEAR.BYBIT-1-MINUTE-LAST-EXTERNAL")
    cancel = m.CancelOrder(instrument_id=IID, client_order_id=COID, venue_order_id=None, ts_init=3)
    ev: dict[str, Any] = dict(
        instrument_id=IID, client_order_id=COID, ts_event=1, ts_init=2, event_id=EVENT_ID
    )
    osr = m.OrderStatusReport(
        account_id=ACC,
        instrument_id=IID,
        venue_order_id=VOID,
        order_side=m.OrderSide.BUY,
        order_type=m.OrderType.LIMIT,
        time_in_force=m.TimeInForce.GTC,
        order_status=m.OrderStatus.PARTIALLY_FILLED,
        quantity=qty,
        filled_qty=m.Quantity("0.004", 3),
        ts_accepted=1,
        ts_last=2,
        ts_init=3,
        price=px,
        avg_px=Decimal("100.1"),
        client_order_id=COID,
    )
    fill = m.FillReport(
        account_id=ACC,
        instrument_id=IID,
        venue_order_id=VOID,
        trade_id=m.TradeId("T1"),
        order_side=m.OrderSide.BUY,
        last_qty=m.Quantity("0.004", 3),
        last_px=px,
        commission=fee,
        liquidity_side=m.LiquiditySide.MAKER,
        ts_event=1,
        ts_init=2,
    )
    pos = m.PositionStatusReport(
        account_id=ACC,
        instrument_id=IID,
        position_side=m.PositionSide.LONG,
        quantity=m.Quantity("0.004", 3),
        ts_last=1,
        ts_init=2,
        avg_px_open=Decimal("100.1"),
    )
    balance = m.AccountBalance(m.Money("3", USDT), m.Money("1", USDT), m.Money("2", USDT))
    margin = m.MarginBalance(m.Money("1", USDT), m.Money("0.5", USDT), IID)
    out: dict[str, Any] = {
        **instruments(),
        "Venue": m.Venue("BYBIT"),
        "Symbol": m.Symbol("BTCUSDT-LINEAR"),
        "InstrumentId": IID,
        "ClientOrderId": COID,
        "VenueOrderId": VOID,
        "OrderListId": m.OrderListId("OL-1"),
        "TradeId": m.TradeId("T1"),
        "AccountId": ACC,
        "PositionId": m.PositionId("P-1"),
        "TraderId": m.TraderId("TRADER-001"),
        "StrategyId": m.StrategyId("S-001"),
        "ClientId": m.ClientId("BYBIT"),
        "Price": px,
        "Quantity": qty,
        "Money": fee,
        "Currency": USDT,
        "QuoteTick": m.QuoteTick(IID, px, m.Price("100.20", 2), qty, qty, 1, 2),
        "TradeTick": m.TradeTick(IID, px, qty, m.AggressorSide.BUYER, m.TradeId("T1"), 1, 2),
        "BookOrder": delta.order,
        "OrderBookDelta": delta,
        "OrderBookDeltas": m.OrderBookDeltas(
            IID, (m.OrderBookDelta.clear(IID, 7, 1, 2, m.RecordFlag.F_SNAPSHOT), delta)
        ),
        "OrderBookDepth10": m.OrderBookDepth10.from_levels(
            IID,
            [m.BookOrder(m.OrderSide.BUY, px, qty)],
            [m.BookOrder(m.OrderSide.SELL, m.Price("100.20", 2), qty)],
            price_precision=2,
            size_precision=3,
            flags=int(m.RecordFlag.F_SNAPSHOT | m.RecordFlag.F_LAST),
            sequence=7,
            ts_event=1,
            ts_init=2,
        ),
        "BarSpecification": bar_type.bar_spec,
        "BarType": bar_type,
        "Bar": m.Bar(bar_type, px, m.Price("101.00", 2), m.Price("99.00", 2), px, qty, 60, 61, False),
        "MarkPriceUpdate": m.MarkPriceUpdate(IID, px, 1, 2),
        "IndexPriceUpdate": m.IndexPriceUpdate(IID, px, 1, 2),
        "FundingRateUpdate": m.FundingRateUpdate(
            IID, Decimal("0.0001"), 1, 2, next_funding_ns=3, interval=480
        ),
        "InstrumentStatus": m.InstrumentStatus(IID, m.MarketStatusAction.HALT, 1, 2, reason="maintenance"),
        "InstrumentClose": m.InstrumentClose(IID, px, m.InstrumentCloseType.CONTRACT_EXPIRED, 1, 2),
        "Order": order(init_id=EVENT_ID),
        "OrderList": m.OrderList(
            order_list_id=m.OrderListId("OL-1"),
            instrument_id=IID,
            orders=(order(init_id=EVENT_ID), order(client_order_id=m.ClientOrderId("O-2"), init_id=EVENT_ID)),
            ts_init=5,
        ),
        "SubmitOrder": m.SubmitOrder(
            order=order(init_id=EVENT_ID), ts_init=5, command_id=EVENT_ID, params={"order_iv": Decimal("0.5")}
        ),
        "SubmitOrderList": m.SubmitOrderList(
            order_list=m.OrderList(
                order_list_id=m.OrderListId("OL-1"),
                instrument_id=IID,
                orders=[order(init_id=EVENT_ID)],
                ts_init=5,
            ),
            ts_init=5,
            command_id=EVENT_ID,
        ),
        "ModifyOrder": m.ModifyOrder(
            instrument_id=IID,
            client_order_id=COID,
            venue_order_id=VOID,
            ts_init=3,
            price=px,
            command_id=EVENT_ID,
        ),
        "CancelOrder": cancel,
        "CancelAllOrders": m.CancelAllOrders(instrument_id=IID, ts_init=3, order_side=m.OrderSide.SELL),
        "BatchCancelOrders": m.BatchCancelOrders(instrument_id=IID, cancels=[cancel], ts_init=3),
        "OrderSubmitted": m.OrderSubmitted(account_id=ACC, **ev),
        "OrderAccepted": m.OrderAccepted(venue_order_id=VOID, account_id=ACC, **ev),
        "OrderRejected": m.OrderRejected(
            account_id=ACC, reason="post-only would take", due_post_only=True, **ev
        ),
        "OrderDenied": m.OrderDenied(reason="UNSUPPORTED_TIME_IN_FORCE", **ev),
        "OrderUpdated": m.OrderUpdated(quantity=qty, price=px, venue_order_id=VOID, **ev),
        "OrderModifyRejected": m.OrderModifyRejected(reason="order not exists", **ev),
        "OrderCancelRejected": m.OrderCancelRejected(reason="already filled", venue_order_id=VOID, **ev),
        "OrderCanceled": m.OrderCanceled(venue_order_id=VOID, account_id=ACC, **ev),
        "OrderExpired": m.OrderExpired(venue_order_id=VOID, **ev),
        "OrderTriggered": m.OrderTriggered(venue_order_id=VOID, **ev),
        "OrderFilled": m.OrderFilled(
            venue_order_id=VOID,
            account_id=ACC,
            trade_id=m.TradeId("T1"),
            order_side=m.OrderSide.BUY,
            order_type=m.OrderType.LIMIT,
            last_qty=qty,
            last_px=px,
            currency=USDT,
            commission=fee,
            liquidity_side=m.LiquiditySide.TAKER,
            **ev,
        ),
        "OrderStatusReport": osr,
        "FillReport": fill,
        "PositionStatusReport": pos,
        "ExecutionMassStatus": m.ExecutionMassStatus(
            client_id=m.ClientId("BYBIT"),
            account_id=ACC,
            venue=m.Venue("BYBIT"),
            ts_init=4,
            order_reports=[osr],
            fill_reports=[fill],
            position_reports=[pos],
        ),
        "AccountBalance": balance,
        "MarginBalance": margin,
        "AccountState": m.AccountState(
            account_id=ACC,
            account_type=m.AccountType.MARGIN,
            base_currency=None,
            reported=True,
            balances=[balance],
            margins=[margin],
            ts_event=1,
            ts_init=2,
        ),
    }
    return out


@pytest.fixture
def model_samples() -> dict[str, Any]:
    """One valid instance per public model value type."""
    return samples()
