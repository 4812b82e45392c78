"""Account payloads: wallet balance, positions, fee rates, coin info, account info, API key info.

* ``/v5/account/wallet-balance`` (§6.11) and the ``wallet`` push (§7.6) share one account object:
  a ``UNIFIED`` account with per-coin rows and USD totals.
* ``/v5/position/list`` (§6.12) uses ``avgPrice``; the ``position`` push (§7.6) calls the same
  value ``entryPrice`` and adds ``category``. A flat position has ``side:""`` (rule 21).
* ``/v5/account/fee-rate`` lists every instrument of a category (rule 24); options list one
  entry per base coin with ``symbol:""``.
* ``/v5/asset/coin/query-info`` rows each carry at least one chain (rule 25).
* ``/v5/account/info`` says ``unifiedMarginStatus:6`` and ``/v5/user/query-api`` says
  ``uta:1, unified:0`` (rule 33), so clients take the unified-account code paths.

USD values: the codec is told each coin's USD price (:func:`usd_prices` derives them from the
markets); stablecoins count as one dollar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from simulator.core.accounts import BalanceView
from simulator.core.clock import NS_PER_S
from simulator.core.enums import MarginMode
from simulator.core.instruments import Instrument
from simulator.core.market import MarketState
from simulator.core.positions import PositionView
from simulator.dialects.bybit.codec import mappings
from simulator.dialects.bybit.codec.numbers import (
    avg_price,
    money,
    ms_str,
    price_or,
    rate,
    reference_price_or,
    size,
    trimmed,
)

__all__ = [
    "ACCOUNT_TYPE",
    "COIN_CHAINS",
    "POSITION_REST_KEYS",
    "POSITION_WS_KEYS",
    "RISK_ID",
    "RISK_LIMIT_VALUE",
    "STABLECOINS",
    "TRADE_PERMISSIONS",
    "UNIFIED_MARGIN_STATUS",
    "WALLET_ACCOUNT_KEYS",
    "WALLET_COIN_KEYS",
    "account_info",
    "coin_info_row",
    "fee_rate_items",
    "position_rest",
    "position_ws",
    "query_api",
    "usd_prices",
    "wallet_account",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_DAY_S = 86_400

#: The only account type this dialect serves (§6.11: clients send ``accountType=UNIFIED``).
ACCOUNT_TYPE = "UNIFIED"
#: §6.10 / rule 33: a UTA 2.0 account.
UNIFIED_MARGIN_STATUS = 6
#: Coins valued at one US dollar.
STABLECOINS = frozenset({"USDT", "USDC", "USD"})
#: ``riskId``/``riskLimitValue`` of every position: Bybit's first risk tier for BTCUSDT (§6.12
#: example). The core has one margin rule per instrument, no risk tiers.
RISK_ID = 1
RISK_LIMIT_VALUE = "2000000"
#: Decimals of ``accountIMRate``/``accountMMRate`` (Bybit prints them with 4).
_ACCOUNT_RATE_DECIMALS = 4

WALLET_ACCOUNT_KEYS = (
    "totalEquity", "accountIMRate", "accountIMRateByMp", "totalMarginBalance",
    "totalInitialMargin", "totalInitialMarginByMp", "accountType", "totalAvailableBalance",
    "accountMMRate", "accountMMRateByMp", "totalPerpUPL", "totalWalletBalance", "accountLTV",
    "totalMaintenanceMargin", "totalMaintenanceMarginByMp", "coin",
)  # fmt: skip
WALLET_COIN_KEYS = (
    "availableToBorrow", "bonus", "accruedInterest", "availableToWithdraw", "totalOrderIM",
    "equity", "totalPositionMM", "usdValue", "spotHedgingQty", "unrealisedPnl",
    "collateralSwitch", "borrowAmount", "totalPositionIM", "walletBalance", "cumRealisedPnl",
    "locked", "marginCollateral", "coin", "spotBorrow",
)  # fmt: skip
POSITION_REST_KEYS = (
    "positionIdx", "riskId", "riskLimitValue", "symbol", "side", "size", "avgPrice",
    "positionValue", "tradeMode", "positionStatus", "autoAddMargin", "adlRankIndicator",
    "leverage", "breakEvenPrice", "positionBalance", "markPrice", "liqPrice", "bustPrice",
    "positionMM", "positionMMByMp", "positionIM", "positionIMByMp", "tpslMode", "takeProfit",
    "stopLoss", "trailingStop", "unrealisedPnl", "curRealisedPnl", "cumRealisedPnl", "seq",
    "isReduceOnly", "mmrSysUpdatedTime", "leverageSysUpdatedTime", "sessionAvgPrice",
    "createdTime", "updatedTime",
)  # fmt: skip
POSITION_WS_KEYS = (
    "positionIdx", "tradeMode", "riskId", "riskLimitValue", "symbol", "side", "size",
    "entryPrice", "leverage", "breakEvenPrice", "positionValue", "positionBalance", "markPrice",
    "positionIM", "positionIMByMp", "positionMM", "positionMMByMp", "takeProfit", "stopLoss",
    "trailingStop", "unrealisedPnl", "curRealisedPnl", "cumRealisedPnl", "sessionAvgPrice",
    "createdTime", "updatedTime", "tpslMode", "liqPrice", "bustPrice", "category",
    "positionStatus", "adlRankIndicator", "autoAddMargin", "leverageSysUpdatedTime",
    "mmrSysUpdatedTime", "seq", "isReduceOnly",
)  # fmt: skip


# -- wallet ---------------------------------------------------------------------------------------


def usd_prices(markets: Iterable[MarketState]) -> dict[str, Decimal]:
    """The USD price of the stablecoins and of every coin the markets price.

    Stablecoins are worth one dollar. Another coin takes the price of a market that quotes it
    in a stablecoin: spot first (last, else index), then any contract (mark, else index, else
    last). A coin no market prices is missing from the result (its ``usdValue`` reads ``0``).
    """
    markets = sorted(markets, key=lambda m: (not m.instrument.is_spot, m.instrument.id))
    prices: dict[str, Decimal] = dict.fromkeys(sorted(STABLECOINS), _ONE)
    for market in markets:
        inst = market.instrument
        if inst.is_option or inst.base in prices or inst.quote not in STABLECOINS:
            continue
        if inst.is_inverse:
            continue  # an inverse contract's price is in USD per base coin, but quoted in "USD"
        candidates = (
            (market.last_price, market.index_price)
            if inst.is_spot
            else (market.mark_price, market.index_price, market.last_price)
        )
        for candidate in candidates:
            if candidate is not None:
                prices[inst.base] = candidate
                break
    for market in markets:  # inverse contracts price their base coin when nothing else does
        inst = market.instrument
        value = market.mark_price or market.index_price or market.last_price
        if inst.is_inverse and inst.base not in prices and value is not None:
            prices[inst.base] = value
    return prices


def _rate(numerator: Decimal, denominator: Decimal) -> str:
    if not denominator or not numerator:
        return "0"
    return trimmed(numerator / denominator, _ACCOUNT_RATE_DECIMALS)


def wallet_account(
    balances: Iterable[BalanceView], positions: Iterable[PositionView], usd: Mapping[str, Decimal]
) -> dict[str, Any]:
    """The unified account object of ``wallet-balance`` (``result.list[0]``) and of ``wallet``
    pushes (``data[0]``), with one ``coin`` row per balance, in the order given.

    Parameters:
        balances: the balances to list (``Exchange.balances(account)``; the route filters by
            ``coin``, or to non-zero assets when none is asked for, §6.11).
        positions: the account's positions (``Exchange.positions(account)``), for maintenance
            margin and realized PnL per settle coin.
        usd: USD price per coin (:func:`usd_prices`).
    """
    maintenance: dict[str, Decimal] = {}
    realized: dict[str, Decimal] = {}
    for position in positions:
        coin = position.instrument.settle
        maintenance[coin] = maintenance.get(coin, _ZERO) + position.maintenance_margin
        realized[coin] = realized.get(coin, _ZERO) + _cum_realised(position)
    totals = dict.fromkeys(("wallet", "upnl", "equity", "im", "mm", "available", "borrowed"), _ZERO)
    coins = []
    for view in balances:
        coin = view.coin
        to_usd = usd.get(coin, _ZERO)
        # walletBalance includes borrowed coins; equity is net of the loan (§6.11: clients take
        # total = walletBalance - spotBorrow), so a sold loan shows as negative equity.
        equity = view.total - view.borrowed + view.unrealized_pnl
        mm = maintenance.get(coin, _ZERO)
        totals["wallet"] += view.total * to_usd
        totals["upnl"] += view.unrealized_pnl * to_usd
        totals["equity"] += equity * to_usd
        totals["im"] += (view.order_margin + view.position_margin) * to_usd
        totals["mm"] += mm * to_usd
        totals["borrowed"] += view.borrowed * to_usd
        totals["available"] += view.available * to_usd
        coins.append(
            {
                # Deprecated and empty on the real venue, like availableToWithdraw. No interest
                # accrues in the core (accruedInterest stays 0).
                "availableToBorrow": "",
                "bonus": "0",
                "accruedInterest": "0",
                # Deprecated and empty on the real venue (§6.11), which steers clients to the
                # "used = locked + IM" path; both derivations agree here.
                "availableToWithdraw": "",
                "totalOrderIM": money(view.order_margin),
                "equity": money(equity),
                "totalPositionMM": money(mm),
                "usdValue": money(equity * to_usd),
                "spotHedgingQty": "0",
                "unrealisedPnl": money(view.unrealized_pnl),
                "collateralSwitch": True,
                "borrowAmount": money(view.borrowed),
                "totalPositionIM": money(view.position_margin),
                "walletBalance": money(view.total),
                "cumRealisedPnl": money(realized.get(coin, _ZERO)),
                "locked": money(view.locked),
                "marginCollateral": True,
                "coin": coin,
                # Every loan in the core is a spot margin borrow.
                "spotBorrow": money(view.borrowed),
            }
        )
    margin_balance = totals["equity"]  # wallet + unrealised PnL - liabilities
    return {
        "totalEquity": money(totals["equity"]),
        "accountIMRate": _rate(totals["im"], margin_balance),
        "accountIMRateByMp": _rate(totals["im"], margin_balance),
        "totalMarginBalance": money(margin_balance),
        "totalInitialMargin": money(totals["im"]),
        "totalInitialMarginByMp": money(totals["im"]),
        "accountType": ACCOUNT_TYPE,
        "totalAvailableBalance": money(totals["available"]),
        "accountMMRate": _rate(totals["mm"], margin_balance),
        "accountMMRateByMp": _rate(totals["mm"], margin_balance),
        "totalPerpUPL": money(totals["upnl"]),
        "totalWalletBalance": money(totals["wallet"]),
        # Bybit's definition: borrowed / (equity + borrowed).
        "accountLTV": _rate(totals["borrowed"], totals["equity"] + totals["borrowed"]),
        "totalMaintenanceMargin": money(totals["mm"]),
        "totalMaintenanceMarginByMp": money(totals["mm"]),
        "coin": coins,
    }


# -- positions ------------------------------------------------------------------------------------


def _cum_realised(position: PositionView) -> Decimal:
    """Bybit's realized PnL includes fees paid and funding received."""
    return position.realized_pnl - position.fees_paid + position.funding


def _position_fields(view: PositionView, seq: int) -> dict[str, Any]:
    inst = view.instrument
    open_ = bool(view.size)
    cum_realised = money(_cum_realised(view))
    return {
        "positionIdx": view.position_idx,
        "riskId": RISK_ID,
        "riskLimitValue": RISK_LIMIT_VALUE,
        "symbol": inst.symbol,
        "side": mappings.position_side(view.size),
        "size": size(inst, abs(view.size)),
        "entry": avg_price(inst, view.entry_price) if open_ else "0",
        "positionValue": money(view.value),
        # Cross margin in a unified account (tradeMode is deprecated there and always 0).
        "tradeMode": 0,
        "positionStatus": "Normal",
        "autoAddMargin": 0,
        # An open position sits in the middle of the auto-deleveraging queue; a flat one in none.
        "adlRankIndicator": 2 if open_ else 0,
        "leverage": trimmed(view.leverage),
        # The core computes no break-even, liquidation or bankruptcy price: it liquidates when
        # an account's available balance goes negative (docs/core.md, Liquidation).
        "breakEvenPrice": "",
        "positionBalance": money(view.initial_margin),
        "markPrice": reference_price_or(inst, view.mark_price),
        "liqPrice": "",
        "bustPrice": "",
        "positionMM": money(view.maintenance_margin),
        "positionMMByMp": money(view.maintenance_margin),
        "positionIM": money(view.initial_margin),
        "positionIMByMp": money(view.initial_margin),
        "tpslMode": "Full",  # the core's take-profit/stop-loss close the whole position
        "takeProfit": price_or(inst, view.take_profit, "0"),
        "stopLoss": price_or(inst, view.stop_loss, "0"),
        "trailingStop": "0",
        "unrealisedPnl": money(view.unrealized_pnl),
        # The core keeps one cumulative figure per position: current and cumulative agree.
        "curRealisedPnl": cum_realised,
        "cumRealisedPnl": cum_realised,
        "seq": seq,
        "isReduceOnly": False,
        "mmrSysUpdatedTime": "",
        "leverageSysUpdatedTime": "",
        "createdTime": ms_str(view.created_ns),
        "updatedTime": ms_str(view.updated_ns),
    }


def position_rest(view: PositionView, *, seq: int) -> dict[str, Any]:
    """One ``/v5/position/list`` item (§6.12): ``avgPrice``; flat ``side:""`` and ``avgPrice:"0"``.

    Parameters:
        view: the position (``Exchange.position()``/``positions()``).
        seq: an int sequence of the position's last change (the core event ``seq`` of its last
            ``PositionChanged`` is a good choice).
    """
    fields = _position_fields(view, seq)
    fields["avgPrice"] = fields["entry"]
    fields["sessionAvgPrice"] = ""  # §6.12 example
    return {key: fields[key] for key in POSITION_REST_KEYS}


def position_ws(view: PositionView, *, seq: int) -> dict[str, Any]:
    """One item of a private ``position`` push (§7.6): ``entryPrice`` and ``category``."""
    fields = _position_fields(view, seq)
    fields["entryPrice"] = fields["entry"]
    fields["sessionAvgPrice"] = "0"  # §7.6 example
    fields["category"] = mappings.category(view.instrument)
    return {key: fields[key] for key in POSITION_WS_KEYS}


# -- fee rates, coins, account and key info -------------------------------------------------------


def fee_rate_items(instruments: Iterable[Instrument]) -> list[dict[str, str]]:
    """``/v5/account/fee-rate`` items for ``instruments`` (one category; rule 24: every one).

    Spot, linear and inverse: ``{symbol, takerFeeRate, makerFeeRate}`` per instrument. Options:
    ``{symbol:"", baseCoin, takerFeeRate, makerFeeRate}`` once per base coin (§6.9).
    """
    items: list[dict[str, str]] = []
    seen_bases: set[str] = set()
    for inst in instruments:
        if inst.is_option:
            if inst.base in seen_bases:
                continue
            seen_bases.add(inst.base)
            items.append(
                {
                    "symbol": "",
                    "baseCoin": inst.base,
                    "takerFeeRate": rate(inst.taker_fee),
                    "makerFeeRate": rate(inst.maker_fee),
                }
            )
        else:
            items.append(
                {
                    "symbol": inst.symbol,
                    "takerFeeRate": rate(inst.taker_fee),
                    "makerFeeRate": rate(inst.maker_fee),
                }
            )
    return items


def _chain(
    chain_type: str,
    chain: str,
    confirmation: str,
    withdraw_fee: str,
    deposit_min: str,
    withdraw_min: str,
    min_accuracy: str,
    **extras: str,
) -> dict[str, str]:
    return {
        "chainType": chain_type,
        "confirmation": confirmation,
        "withdrawFee": withdraw_fee,
        "depositMin": deposit_min,
        "withdrawMin": withdraw_min,
        "chain": chain,
        "chainDeposit": "1",
        "chainWithdraw": "1",
        "minAccuracy": min_accuracy,
        "withdrawPercentageFee": "0",
        **extras,
    }


#: Deposit/withdrawal networks per coin. The core has no wallets or chains: these are Bybit's
#: published values for each coin's main network (USDT and BTC as in the §6.8 example), there so
#: that clients can read a coin's precision from ``chains[0].minAccuracy`` (rule 25).
COIN_CHAINS: dict[str, tuple[str, dict[str, str]]] = {
    "BTC": ("150", _chain("BTC", "BTC", "1", "0.0005", "0.0005", "0.001", "8")),
    "ETH": ("5000", _chain("ETH", "ETH", "6", "0.0012", "0.0001", "0.0024", "8")),
    "SOL": ("100000", _chain("SOL", "SOL", "200", "0.008", "0.01", "0.1", "8")),
    "USDT": (
        "10000000",
        _chain(
            "ERC20",
            "ETH",
            "6",
            "1",
            "0",
            "5",
            "6",
            contractAddress="0xdac17f958d2ee523a2206206994597c13d831ec7",
            safeConfirmNumber="65",
            withdrawMax="10000000",
        ),
    ),
    "USDC": (
        "10000000",
        _chain(
            "ERC20",
            "ETH",
            "6",
            "1",
            "0",
            "5",
            "6",
            contractAddress="0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
            safeConfirmNumber="65",
            withdrawMax="10000000",
        ),
    ),
}


def coin_info_row(coin: str) -> dict[str, Any]:
    """One ``/v5/asset/coin/query-info`` row (§6.8), always with a chain (rule 25).

    A coin missing from :data:`COIN_CHAINS` gets a chain named after itself with 8 decimals.
    """
    remain, chain = COIN_CHAINS.get(coin, ("1000000", _chain(coin, coin, "1", "0", "0", "0", "8")))
    return {"name": coin, "coin": coin, "remainAmount": remain, "chains": [dict(chain)]}


def account_info(margin_mode: MarginMode, updated_ns: int) -> dict[str, Any]:
    """``/v5/account/info`` result (§6.10): a UTA 2.0 account (``unifiedMarginStatus:6``).

    Parameters:
        margin_mode: the account's margin mode (``Account.margin_mode``).
        updated_ns: when the account settings last changed.
    """
    return {
        "marginMode": mappings.margin_mode(margin_mode),
        "updatedTime": ms_str(updated_ns),
        "unifiedMarginStatus": UNIFIED_MARGIN_STATUS,
        # No disconnect-cancel, SMP group, copy trading or spot hedging in the core.
        "dcpStatus": "OFF",
        "timeWindow": 0,
        "smpGroup": 0,
        "isMasterTrader": False,
        "spotHedgingStatus": "OFF",
    }


def _iso(ns: int) -> str:
    return datetime.fromtimestamp(ns // NS_PER_S, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: The permissions of a trading key (§6.10 example).
TRADE_PERMISSIONS: dict[str, list[str]] = {
    "ContractTrade": ["Order", "Position"],
    "Spot": ["SpotTrade"],
    "Wallet": ["AccountTransfer"],
    "Options": ["OptionsTrade"],
    "Derivatives": ["DerivativesTrade"],
    "Exchange": ["ExchangeHistory"],
    "Earn": [],
    "NFT": [],
    "CopyTrading": [],
    "BlockTrade": [],
    "Affiliate": [],
}


def query_api(
    api_key: str,
    *,
    key_id: str,
    user_id: int,
    now_ns: int,
    created_ns: int,
    expires_ns: int | None = None,
    read_only: bool = False,
    note: str = "venuekit",
    ips: Iterable[str] = ("*",),
) -> dict[str, Any]:
    """``/v5/user/query-api`` result (§6.10): ``uta:1``, ``unified:0`` (rule 33).

    Parameters:
        api_key: the key asked about (never its secret: ``secret`` is ``""``).
        key_id: the key's id (a numeric string on Bybit).
        user_id: the account's numeric user id.
        now_ns: the venue clock (for ``deadlineDay``).
        created_ns: when the key was created.
        expires_ns: when it expires; ``None`` for never (``deadlineDay:-1``, ``expiredAt:""``).
        read_only: a read-only key has no trading permissions.
        note: the key's label.
        ips: the IPs it is bound to (``*``: any).
    """
    if read_only:
        permissions = {name: [] for name in TRADE_PERMISSIONS}
    else:
        permissions = {name: list(values) for name, values in TRADE_PERMISSIONS.items()}
    return {
        "id": key_id,
        "note": note,
        "apiKey": api_key,
        "readOnly": 1 if read_only else 0,
        "secret": "",
        "permissions": permissions,
        "ips": list(ips),
        "type": 1,  # 1: a personal key (2 would be a third-party app's)
        "deadlineDay": -1 if expires_ns is None else max(0, (expires_ns - now_ns) // (_DAY_S * NS_PER_S)),
        "expiredAt": "" if expires_ns is None else _iso(expires_ns),
        "createdAt": _iso(created_ns),
        "unified": 0,
        "uta": 1,
        "userID": user_id,
        "inviterID": 0,
        # Account standing the core does not model: §6.10 example values.
        "vipLevel": "No VIP",
        "mktMakerLevel": "0",
        "affiliateID": 0,
        "rsaPublicKey": "",
        "isMaster": True,
        "parentUid": "0",
        "kycLevel": "LEVEL_1",
        "kycRegion": "GBR",
    }
