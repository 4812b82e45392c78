"""Signed account routes (§6.8-§6.12, §6.20): coin info, fee rates, key and account info, wallet
balance, positions, and the position/account settings (leverage, position mode, margin mode,
trading stop).

Queries never change the venue: balances of coins an account has never held are answered as
zero rows without creating them in the core.
"""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import Final

from simulator.core import BalanceView, MarginMode, PositionMode, PositionView, RejectReason
from simulator.core.market import MarketState
from simulator.dialects.bybit.auth import TRADE
from simulator.dialects.bybit.codec import account as account_codec
from simulator.dialects.bybit.codec import results
from simulator.dialects.bybit.codec.mappings import CATEGORY, MARGIN_MODE
from simulator.dialects.bybit.errors import Operation
from simulator.dialects.bybit.rest.context import Reply, RequestContext
from simulator.dialects.bybit.rest.order_entry import TRIGGER_BY, core_error
from simulator.dialects.bybit.rest.paging import paginate
from simulator.dialects.bybit.rest.params import params_error

__all__ = [
    "account_info",
    "coin_info",
    "fee_rate",
    "position_list",
    "query_api",
    "set_leverage",
    "set_margin_mode",
    "switch_mode",
    "trading_stop",
    "wallet_balance",
]

# §6.12: position pages.
POSITION_LIMIT_DEFAULT: Final = 20
POSITION_LIMIT_MAX: Final = 200
#: Coins a ``wallet-balance?coin=`` request may name at once (more are ignored).
MAX_COINS: Final = 50
# §6.20 switch-mode ``mode``: 0 one-way ("merged single"), 3 hedge ("both sides").
_POSITION_MODES: Final = {0: PositionMode.ONE_WAY, 3: PositionMode.HEDGE}
_MARGIN_MODES: Final = {name: mode for mode, name in MARGIN_MODE.items()}
_ZERO = Decimal(0)


def _stable_int(text: str) -> int:
    """A stable positive number for a string (key ids and user ids are numbers on Bybit)."""
    return zlib.crc32(text.encode()) % 900_000_000 + 100_000_000


# -- asset, fee rates, key and account info ----------------------------------------------------


def coin_info(ctx: RequestContext) -> Reply:
    """``GET /v5/asset/coin/query-info`` (§6.8): every coin the venue knows (instrument coins and
    coins held in any account), or ``coin``'s row; each row has at least one chain (rule 25)."""
    exchange = ctx.exchange
    coins = {c for m in exchange.markets.values() for c in (m.instrument.base, m.instrument.quote)}
    coins.update(c for account in exchange.accounts.values() for c in account.balances)
    coins.discard("USD")  # an inverse contract's quote is the dollar, not a coin
    wanted = ctx.params.text("coin")
    chosen = sorted(coins) if wanted is None else [c for c in sorted(coins) if c == wanted.upper()]
    return Reply({"rows": [account_codec.coin_info_row(c) for c in chosen]}, ret_msg="success")


def fee_rate(ctx: RequestContext) -> Reply:
    """``GET /v5/account/fee-rate`` (§6.9): every instrument of the category (rule 24), or the
    ``symbol``'s; options one row per ``baseCoin``."""
    params = ctx.params
    category = params.category()
    symbol = params.text("symbol")
    if symbol is not None and category != "option":
        markets = [ctx.market(category, symbol)]
    else:
        base = params.text("baseCoin")
        wanted = base.upper() if base is not None and category == "option" else None
        markets = [m for m in ctx.markets(category) if wanted is None or m.instrument.base == wanted]
    items = account_codec.fee_rate_items(m.instrument for m in markets)
    return Reply(results.fee_rate_result(category, items))


def query_api(ctx: RequestContext) -> Reply:
    """``GET /v5/user/query-api`` (§6.10): the calling key, ``uta:1``, ``unified:0`` (rule 33)."""
    key = ctx.api_key
    assert key is not None
    info = account_codec.query_api(
        key.api_key,
        key_id=str(_stable_int(key.api_key)),
        user_id=_stable_int(key.account_id),
        now_ns=ctx.now_ns,
        created_ns=ctx.history.started_ns,
        read_only=TRADE not in key.permissions,
        note=key.account_id,
    )
    return Reply(info, ret_msg="")


def account_info(ctx: RequestContext) -> Reply:
    """``GET /v5/account/info`` (§6.10): ``unifiedMarginStatus:6`` and the margin mode."""
    account = ctx.account
    history = ctx.history
    updated = history.settings_changed_ns.get(account.account_id, history.started_ns)
    return Reply(account_codec.account_info(account.margin_mode, updated))


def _balance(ctx: RequestContext, coin: str) -> BalanceView:
    account = ctx.account
    if coin in account.balances:
        return ctx.exchange.balance(account.account_id, coin)
    # Never held: a zero row, without creating the coin in the core (a query changes nothing).
    return BalanceView(account.account_id, coin, _ZERO, _ZERO, _ZERO, _ZERO, _ZERO, _ZERO)


def wallet_balance(ctx: RequestContext) -> Reply:
    """``GET /v5/account/wallet-balance`` (§6.11): ``accountType=UNIFIED``; the ``coin`` list
    (comma-separated), or every coin with a non-zero balance."""
    params = ctx.params
    account_type = params.required_text("accountType")
    if account_type != account_codec.ACCOUNT_TYPE:
        raise params_error(f"accountType only supports {account_codec.ACCOUNT_TYPE}, got {account_type!r}")
    account = ctx.account
    wanted = params.text("coin")
    if wanted is not None:
        coins = list(dict.fromkeys(c.strip().upper() for c in wanted.split(",") if c.strip()))[:MAX_COINS]
        balances = [_balance(ctx, coin) for coin in coins]
    else:
        balances = [
            b
            for b in ctx.exchange.balances(account.account_id)
            # A borrowed coin that was sold holds nothing but is still owed: it is listed.
            if b.total or b.locked or b.order_margin or b.position_margin or b.unrealized_pnl or b.borrowed
        ]
    usd = account_codec.usd_prices(ctx.exchange.markets.values())
    wallet = account_codec.wallet_account(balances, ctx.exchange.positions(account.account_id), usd)
    return Reply({"list": [wallet]})


# -- positions ------------------------------------------------------------------------------------


def _flat(ctx: RequestContext, market: MarketState, position_idx: int) -> PositionView:
    """A flat position the account never held (``position/list?symbol=`` lists it anyway)."""
    inst = market.instrument
    leverage = ctx.account.leverage.get(inst.id, inst.default_leverage)
    now = ctx.now_ns
    return PositionView(
        ctx.account.account_id, inst, position_idx, _ZERO, _ZERO, leverage, _ZERO, _ZERO, _ZERO,
        market.valuation_price(), _ZERO, _ZERO, _ZERO, None, None, now, now,
    )  # fmt: skip


def position_list(ctx: RequestContext) -> Reply:
    """``GET /v5/position/list`` (§6.12).

    With ``symbol``: its positions, flat ones included (one per position index of the mode).
    Otherwise the open positions, filtered by ``settleCoin`` / ``baseCoin``; linear needs
    ``symbol`` or ``settleCoin``.
    """
    params = ctx.params
    category = params.category(("linear", "inverse", "option"))
    symbol = params.text("symbol")
    settle = params.text("settleCoin")
    base = params.text("baseCoin")
    if category == "linear" and symbol is None and settle is None:
        raise params_error("symbol or settleCoin is required for linear")
    account = ctx.account
    held = [p for p in ctx.exchange.positions(account.account_id) if CATEGORY[p.instrument.kind] == category]
    if symbol is not None:
        market = ctx.market(category, symbol)
        inst = market.instrument
        views = {p.position_idx: p for p in held if p.instrument is inst}
        mode = account.position_mode(inst.id)
        for idx in (1, 2) if mode is PositionMode.HEDGE else (0,):
            views.setdefault(idx, _flat(ctx, market, idx))
        positions = sorted(views.values(), key=lambda p: p.position_idx)
    else:
        positions = [
            p
            for p in held
            if p.size
            and (settle is None or p.instrument.settle == settle.upper())
            and (base is None or p.instrument.base == base.upper())
        ]
    positions.sort(key=_position_key)
    limit = params.limit(default=POSITION_LIMIT_DEFAULT, maximum=POSITION_LIMIT_MAX)
    page, cursor = paginate(positions, _position_key, limit=limit, cursor=params.text("cursor"))
    history = ctx.history
    items = [
        account_codec.position_rest(
            p, seq=history.position_seq(p.account_id, p.instrument_id, p.position_idx) or 0
        )
        for p in page
    ]
    return Reply(results.list_result(category, items, cursor=cursor))


def _position_key(position: PositionView) -> tuple[str, int]:
    return (position.instrument.symbol, position.position_idx)


# -- settings -------------------------------------------------------------------------------------


def set_leverage(ctx: RequestContext) -> Reply:
    """``POST /v5/position/set-leverage`` (§6.20): one leverage per instrument, so
    ``buyLeverage`` and ``sellLeverage`` must agree; the same value again is 110043."""
    params = ctx.params
    category = params.category(("linear", "inverse"))
    market = ctx.market(category, params.required_text("symbol"))
    buy = params.decimal("buyLeverage", required=True)
    sell = params.decimal("sellLeverage", required=True)
    if buy != sell:
        raise params_error("buyLeverage and sellLeverage must be equal: venuekit has one leverage a symbol")
    assert buy is not None
    result = ctx.exchange.set_leverage(ctx.account.account_id, market.instrument.id, buy)
    if not result.ok:
        assert result.reason is not None
        raise core_error(result.reason, result.message, spot=False, operation=Operation.SET_LEVERAGE)
    ctx.history.settings_changed(ctx.account.account_id, ctx.now_ns)
    return Reply({})


def switch_mode(ctx: RequestContext) -> Reply:
    """``POST /v5/position/switch-mode`` (§6.20): ``mode`` 0 (one-way) or 3 (hedge) for a
    ``symbol``, or every contract of the category settled in ``coin``. All or nothing: when one
    instrument refuses, none changes. Nothing to change is 110025."""
    params = ctx.params
    category = params.category(("linear", "inverse"))
    code = params.integer("mode")
    if code not in _POSITION_MODES:
        raise params_error("mode is required; 0 (one-way) or 3 (hedge)")
    mode = _POSITION_MODES[code]
    symbol = params.text("symbol")
    coin = params.text("coin")
    if symbol is not None:
        markets = [ctx.market(category, symbol)]
    elif coin is not None:
        markets = [m for m in ctx.markets(category) if m.instrument.settle == coin.upper()]
    else:
        raise params_error("symbol or coin is required")
    account = ctx.account
    exchange = ctx.exchange
    changing = [m for m in markets if account.position_mode(m.instrument.id) is not mode]
    if not changing:
        raise core_error(
            RejectReason.POSITION_MODE_NOT_MODIFIED, "", spot=False, operation=Operation.SWITCH_MODE
        )
    # All or nothing: refuse before changing anything if any of them holds a position or orders
    # (the core's rule, checked here for every instrument first).
    held = {p.instrument_id for p in exchange.positions(account.account_id) if p.size}
    held.update(o.instrument_id for o in exchange.open_orders(account.account_id))
    busy = [m.instrument.symbol for m in changing if m.instrument.id in held]
    if busy:
        raise core_error(
            RejectReason.POSITION_OR_ORDERS_EXIST,
            f"close the positions and orders on {', '.join(busy)} first",
            spot=False,
            operation=Operation.SWITCH_MODE,
        )
    done: list[tuple[MarketState, PositionMode]] = []
    for market in changing:
        previous = account.position_mode(market.instrument.id)
        result = exchange.set_position_mode(account.account_id, market.instrument.id, mode)
        if not result.ok:
            for undone, old in reversed(done):  # a safety net: the check above should prevent this
                exchange.set_position_mode(account.account_id, undone.instrument.id, old)
            assert result.reason is not None
            raise core_error(result.reason, result.message, spot=False, operation=Operation.SWITCH_MODE)
        done.append((market, previous))
    ctx.history.settings_changed(account.account_id, ctx.now_ns)
    return Reply({})


def set_margin_mode(ctx: RequestContext) -> Reply:
    """``POST /v5/account/set-margin-mode`` (§6.20): ``setMarginMode``; answers
    ``{"reasons":[]}``; the same mode again is 110026."""
    mode = ctx.params.choice("setMarginMode", _MARGIN_MODES)
    if mode is None:
        raise params_error(f"setMarginMode is required; one of {', '.join(_MARGIN_MODES)}")
    assert isinstance(mode, MarginMode)
    result = ctx.exchange.set_margin_mode(ctx.account.account_id, mode)
    if not result.ok:
        assert result.reason is not None
        raise core_error(result.reason, result.message, spot=False, operation=Operation.SET_MARGIN_MODE)
    ctx.history.settings_changed(ctx.account.account_id, ctx.now_ns)
    return Reply({"reasons": []})


def trading_stop(ctx: RequestContext) -> Reply:
    """``POST /v5/position/trading-stop`` (§6.20): a position's take-profit and stop-loss
    (``"0"`` removes one). The core closes the whole position with them (``tpslMode:Full``) and
    watches one price for both; trailing stops are not modelled."""
    params = ctx.params
    category = params.category(("linear", "inverse"))
    market = ctx.market(category, params.required_text("symbol"))
    position_idx = params.integer("positionIdx", default=0)
    assert position_idx is not None
    mode = params.text("tpslMode")
    if mode not in (None, "Full"):
        raise params_error("tpslMode must be Full: venuekit closes the whole position")
    trailing = params.decimal("trailingStop")
    if trailing:
        raise params_error("trailingStop is not supported by venuekit")
    take_profit = params.decimal("takeProfit")
    stop_loss = params.decimal("stopLoss")
    if take_profit is None and stop_loss is None and trailing is None:
        raise params_error("takeProfit, stopLoss or trailingStop is required")
    tp_by = params.choice("tpTriggerBy", TRIGGER_BY)
    sl_by = params.choice("slTriggerBy", TRIGGER_BY)
    if take_profit is not None and stop_loss is not None and tp_by and sl_by and tp_by is not sl_by:
        raise params_error("tpTriggerBy and slTriggerBy must be equal: venuekit watches one price for both")
    if take_profit is not None:
        trigger_by = tp_by or sl_by or TRIGGER_BY["LastPrice"]
    else:
        trigger_by = sl_by or TRIGGER_BY["LastPrice"]
    if take_profit is None and stop_loss is None:
        return Reply({})  # trailingStop "0": nothing to remove
    result = ctx.exchange.set_trading_stop(
        ctx.account.account_id,
        market.instrument.id,
        position_idx=position_idx,
        take_profit=take_profit,
        stop_loss=stop_loss,
        trigger_by=trigger_by,
    )
    if not result.ok:
        assert result.reason is not None
        raise core_error(result.reason, result.message, spot=False, operation=Operation.CREATE)
    return Reply({})
