"""What a route handler gets (:class:`RequestContext`) and gives back (:class:`Reply`).

A handler is a plain function ``(RequestContext) -> Reply``. It answers a venue error by raising
:class:`~simulator.dialects.bybit.errors.BybitError`; anything else it raises is a venuekit bug,
answered 10016 and recorded by the API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from simulator.core import NS_PER_MS, Account, Exchange
from simulator.core.market import MarketState
from simulator.dialects.bybit.auth import ApiKey
from simulator.dialects.bybit.codec.mappings import CATEGORY
from simulator.dialects.bybit.rest.history import MarketHistory
from simulator.dialects.bybit.rest.params import Params, unsupported_symbol

__all__ = ["Handler", "Reply", "RequestContext", "category_of", "find_market", "markets_of"]


class Reply(NamedTuple):
    """A successful answer: the envelope's ``result``, ``retExtInfo`` and ``retMsg``."""

    result: Mapping[str, Any]
    ret_ext_info: Mapping[str, Any] | None = None
    ret_msg: str = "OK"


def category_of(market: MarketState) -> str:
    """The Bybit category of a market (``spot``, ``linear``, ``inverse``, ``option``)."""
    return CATEGORY[market.instrument.kind]


def find_market(exchange: Exchange, category: str, symbol: str) -> MarketState | None:
    """The market listed as ``symbol`` in ``category``, or ``None``.

    Core ids are ``<category>:<symbol>`` by default; other ids are found by scanning. A symbol
    in lower case is tried in upper case too.
    """
    for candidate in (symbol, symbol.upper()):
        market = exchange.markets.get(f"{category}:{candidate}")
        if market is not None and category_of(market) == category:
            return market
    for market in exchange.markets.values():
        if market.instrument.symbol in (symbol, symbol.upper()) and category_of(market) == category:
            return market
    return None


def markets_of(exchange: Exchange, category: str) -> list[MarketState]:
    """Every market of ``category``, by symbol."""
    found = [m for m in exchange.markets.values() if category_of(m) == category]
    found.sort(key=lambda m: m.instrument.symbol)
    return found


@dataclass(slots=True)
class RequestContext:
    """One request as a handler sees it.

    Attributes:
        exchange: the venue.
        history: sequence numbers and price history the core does not keep.
        params: the query (GET) or JSON body (POST) parameters.
        now_ms: the server time of this request (the envelope's ``time``; auth checked against it).
        account_id: the account of the verified API key; ``None`` on public routes.
        api_key: the verified key; ``None`` on public routes.
        item_errors: batch items to refuse without acting on them (a simulator fault): 0-based
            item position -> (code, message; None: the venue's message for the code).
    """

    exchange: Exchange
    history: MarketHistory
    params: Params
    now_ms: int
    account_id: str | None = None
    api_key: ApiKey | None = None
    item_errors: Mapping[int, tuple[int, str | None]] = field(default_factory=dict)

    @property
    def now_ns(self) -> int:
        """The venue clock (order and trade times, 24-hour statistics)."""
        return self.exchange.clock.now_ns()

    @property
    def clock_ms(self) -> int:
        return self.exchange.clock.now_ns() // NS_PER_MS

    @property
    def account(self) -> Account:
        """The caller's account (signed routes only; the API checked it exists)."""
        assert self.account_id is not None
        return self.exchange.accounts[self.account_id]

    def market(self, category: str, symbol: str) -> MarketState:
        """The market of ``symbol`` in ``category``.

        Raises:
            BybitError: 10001 ``Not supported symbols`` when it is not listed.
        """
        market = find_market(self.exchange, category, symbol)
        if market is None:
            raise unsupported_symbol(symbol, category)
        return market

    def markets(self, category: str) -> list[MarketState]:
        return markets_of(self.exchange, category)


Handler = Callable[[RequestContext], Reply]
