"""Private pushes of ``/v5/private`` (§7.6): core events of one account as ``order``,
``execution``, ``execution.fast``, ``position`` and ``wallet`` messages.

One :class:`PrivateFeed` serves one authenticated connection. The session hands it every core
event together with the topics the connection holds; the feed answers the messages to send, in
order, each under the exact topic string the client subscribed with (pybit routes by it, §7.6).
Every item is built by the same codec as its REST twin (``order_ws``/``order_rest``,
``execution_ws``/``execution_rest``, ``position_ws``/``position_rest``, ``wallet_account``), so a
push and a REST query of the same state agree field for field, types included.

What each event pushes (events of other accounts push nothing):

* an order event (accepted, amended, cancelled, triggered, filled; a post-only order rejected
  with an id) → ``order``: the order as it stood at the event;
* ``OrderFilled`` → also ``execution`` and ``execution.fast`` (``seq`` is the event ``seq``, as
  the REST execution list numbers it);
* ``PositionChanged`` → ``position`` (``seq`` is the event ``seq``, as on ``/v5/position/list``);
* ``BalanceChanged`` → ``wallet``: the whole unified account as ``wallet-balance`` would answer it
  now (every coin with a balance, plus the coin that changed even when it fell to zero). A command
  that moves several coins emits one ``BalanceChanged`` per coin after the command ended, so the
  account reads the same for each of them; an account object equal to the last one pushed on this
  connection is not pushed again.

``greeks`` is accepted as a topic (pybit's ``greek_stream``) but the core computes no greeks, so
nothing is pushed on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any, Final

from simulator.core import NS_PER_MS, Exchange
from simulator.core.accounts import BalanceView
from simulator.core.events import (
    BalanceChanged,
    Event,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderTriggered,
    PositionChanged,
)
from simulator.core.orders import OrderView
from simulator.dialects.bybit.codec import account as account_codec
from simulator.dialects.bybit.codec import orders as orders_codec
from simulator.dialects.bybit.codec.mappings import UnmappedValue, category
from simulator.dialects.bybit.codec.ws import private_message

__all__ = ["CATEGORIES_BY_KIND", "KINDS", "PRIVATE_TOPICS", "PrivateFeed", "mixed_forms"]

logger = logging.getLogger(__name__)

ORDER: Final = "order"
EXECUTION: Final = "execution"
EXECUTION_FAST: Final = "execution.fast"
POSITION: Final = "position"
WALLET: Final = "wallet"
GREEKS: Final = "greeks"

#: The topic families this feed pushes (``greeks`` is accepted, never pushed).
KINDS: Final = (ORDER, EXECUTION, EXECUTION_FAST, POSITION, WALLET)
#: §7.6 categorised variants: ``order.<cat>``, ``execution.<cat>``, ``execution.fast.<cat>``,
#: ``position.<cat>`` (spot has no positions). ``wallet`` and ``greeks`` have none.
CATEGORIES_BY_KIND: Final[dict[str, tuple[str, ...]]] = {
    ORDER: ("spot", "linear", "inverse", "option"),
    EXECUTION: ("spot", "linear", "inverse", "option"),
    EXECUTION_FAST: ("spot", "linear", "inverse", "option"),
    POSITION: ("linear", "inverse", "option"),
    WALLET: (),
}
#: Every topic a private connection may subscribe.
PRIVATE_TOPICS: Final = frozenset(
    [*KINDS, GREEKS]
    + [f"{kind}.{cat}" for kind, categories in CATEGORIES_BY_KIND.items() for cat in categories]
)

#: The all-in-one topics that have categorised forms (``wallet`` and ``greeks`` have none).
ALL_IN_ONE: Final = frozenset(kind for kind, categories in CATEGORIES_BY_KIND.items() if categories)
_CATEGORISED: Final = frozenset(
    f"{kind}.{cat}" for kind, categories in CATEGORIES_BY_KIND.items() for cat in categories
)


def mixed_forms(topics: Collection[str]) -> str | None:
    """The first categorised topic of ``topics`` if they also hold an all-in-one one, else None.

    §7.6: the all-in-one (``order``) and categorised (``order.linear``) forms may not be mixed
    in one request; the venue refuses such a request whole.
    """
    if not any(topic in ALL_IN_ONE for topic in topics):
        return None
    return next((topic for topic in topics if topic in _CATEGORISED), None)


_ZERO = Decimal(0)
_ORDER_EVENTS = (OrderAccepted, OrderAmended, OrderCancelled, OrderExpired, OrderTriggered, OrderFilled)


class PrivateFeed:
    """The private pushes of one authenticated connection (see the module docstring).

    Parameters:
        exchange: the venue.
        account_id: the account the connection authenticated as; only its events are pushed.
        now_ms: the server time in ms (each push's ``creationTime``).
    """

    def __init__(self, exchange: Exchange, account_id: str, *, now_ms: Callable[[], int]) -> None:
        self.exchange = exchange
        self.account_id = account_id
        self.now_ms = now_ms
        # closedPnl of an order push is the PnL its fills realized, which the order view does not
        # carry: summed here from the fills this connection saw, forgotten when the order closes.
        self._closed_pnl: dict[str, Decimal] = {}
        self._last_wallet: dict[str, Any] | None = None

    @staticmethod
    def is_topic(topic: str) -> bool:
        """Whether ``topic`` is a private topic (§7.6) a client may subscribe."""
        return topic in PRIVATE_TOPICS

    def on_event(self, event: Event, subscribed: Collection[str]) -> list[tuple[str, dict[str, Any]]]:
        """The messages ``event`` gives this connection: ``(topic, message)`` pairs, in order.

        Parameters:
            event: a core event (any type; those of other accounts give nothing).
            subscribed: the topics the connection holds (the strings the client sent).

        Returns:
            One message per subscribed topic the event concerns, ready for ``orjson.dumps``;
            ``[]`` when none. The feed's own bookkeeping (realized PnL per order) is updated
            even when nothing is subscribed, so a later subscription reads correct values.
        """
        if isinstance(event, OrderFilled) and event.fill.account_id == self.account_id:
            order_id = event.order.order_id
            self._closed_pnl[order_id] = self._closed_pnl.get(order_id, _ZERO) + event.fill.realized_pnl
        if not subscribed:
            self._forget_closed(event)
            return []
        out: list[tuple[str, dict[str, Any]]] = []
        if isinstance(event, _ORDER_EVENTS) or (isinstance(event, OrderRejected) and event.order is not None):
            view = event.order
            assert view is not None
            if view.account_id == self.account_id:
                self._order(event.seq, view, subscribed, out)
                if isinstance(event, OrderFilled):
                    self._execution(event, subscribed, out)
        elif isinstance(event, PositionChanged):
            if event.position.account_id == self.account_id:
                cat = category(event.position.instrument)
                topics = _topics(POSITION, cat, subscribed)
                if topics:
                    item = account_codec.position_ws(event.position, seq=event.seq)
                    self._push(out, topics, f"{event.seq}-position", [item])
        elif (
            isinstance(event, BalanceChanged)
            and event.balance.account_id == self.account_id
            and WALLET in subscribed
        ):
            wallet = self._wallet(event.balance)
            if wallet != self._last_wallet:
                self._last_wallet = wallet
                self._push(out, (WALLET,), f"{event.seq}-wallet", [wallet])
        self._forget_closed(event)
        return out

    # -- pushes ---------------------------------------------------------------------------------

    def _push(
        self,
        out: list[tuple[str, dict[str, Any]]],
        topics: Collection[str],
        message_id: str | None,
        data: list[dict[str, Any]],
    ) -> None:
        creation_ns = self.now_ms() * NS_PER_MS
        for topic in topics:
            # Each topic gets its own message: the client may mutate what it receives.
            items = [dict(item) for item in data]
            out.append((topic, private_message(topic, items, message_id=message_id, creation_ns=creation_ns)))

    def _order(
        self, seq: int, view: OrderView, subscribed: Collection[str], out: list[tuple[str, dict[str, Any]]]
    ) -> None:
        topics = _topics(ORDER, category(view.instrument), subscribed)
        if not topics:
            return
        try:
            item = orders_codec.order_ws(view, closed_pnl=self._closed_pnl.get(view.order_id, _ZERO))
        except UnmappedValue:
            # Only a GTD expiry has no Bybit spelling, and Bybit requests cannot place GTD orders:
            # an order placed through another dialect or the Python API, which Bybit never shows.
            logger.debug("order %s has no Bybit spelling; not pushed", view.order_id)
            return
        self._push(out, topics, f"{seq}-order", [item])

    def _execution(
        self, event: OrderFilled, subscribed: Collection[str], out: list[tuple[str, dict[str, Any]]]
    ) -> None:
        cat = category(event.order.instrument)
        topics = _topics(EXECUTION, cat, subscribed)
        if topics:
            item = orders_codec.execution_ws(event.fill, event.order, seq=event.seq)
            self._push(out, topics, f"{event.seq}-execution", [item])
        fast = _topics(EXECUTION_FAST, cat, subscribed)
        if fast:
            item = orders_codec.execution_fast(event.fill, event.order, seq=event.seq)
            self._push(out, fast, None, [item])  # §7.6: execution.fast pushes carry no id

    def _wallet(self, changed: BalanceView) -> dict[str, Any]:
        """The account object of ``wallet-balance`` (no ``coin`` filter) as it stands now, with
        the changed coin listed even when it is now empty (so the client sees it go to zero)."""
        exchange = self.exchange
        balances = [
            b
            for b in exchange.balances(self.account_id)
            if b.coin == changed.coin
            or b.total
            or b.locked
            or b.order_margin
            or b.position_margin
            or b.unrealized_pnl
            or b.borrowed  # a sold loan: nothing in the wallet, still owed
        ]
        usd = account_codec.usd_prices(exchange.markets.values())
        return account_codec.wallet_account(balances, exchange.positions(self.account_id), usd)

    def _forget_closed(self, event: Event) -> None:
        if isinstance(event, _ORDER_EVENTS) and not event.order.status.is_open:
            self._closed_pnl.pop(event.order.order_id, None)


def _topics(kind: str, cat: str, subscribed: Collection[str]) -> list[str]:
    """The subscribed topics an event of ``kind`` in category ``cat`` goes to: the all-in-one
    form and the categorised one (a client may hold both, from separate requests)."""
    return [topic for topic in (kind, f"{kind}.{cat}") if topic in subscribed]
