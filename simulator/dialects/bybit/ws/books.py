"""One ``orderbook.{depth}.{symbol}`` stream: what its subscribers hold, and the next push.

All subscribers of a topic share one stream, as on the venue: the same ``u`` counter and the same
levels, so each push is encoded once. A new subscriber gets a snapshot of what the others hold
(with the current ``u``), then the shared deltas. A push compares the book now (top ``depth``
levels) with what the subscribers hold: changed or new levels are sent with their size, levels
that left (filled, cancelled, or pushed past the depth) with size ``"0"``; only levels the client
holds are ever deleted (rule 14). Changes between pushes are coalesced by construction. Depth 1
is snapshot-only (rule 12), and re-pushed as a snapshot with the same ``u`` after 3 s without a
change (:meth:`BookStream.refresh`; the publisher keeps the time).

Book faults change one push for every subscriber: a skipped or repeated ``u``, a stale snapshot,
a restart (``u=1`` snapshot).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from simulator.core import BookSnapshot, Instrument
from simulator.dialects.bybit.codec.ws import orderbook_message

__all__ = ["BOOK_CADENCE_MS", "BookStream"]

Levels = dict[Decimal, Decimal]

#: Push cadence per depth in ms (§7.5): L1 10 ms, L50 20 ms, L200 100 ms, L500/L1000 200 ms;
#: option L25 20 ms, L100 100 ms.
BOOK_CADENCE_MS: Final = {1: 10, 25: 20, 50: 20, 100: 100, 200: 100, 500: 200, 1000: 200}


def _levels(pairs: list[tuple[Decimal, Decimal]]) -> Levels:
    return dict(pairs)


def _diff(held: Levels, now: Levels) -> list[tuple[Decimal, Decimal]]:
    changed = [(price, qty) for price, qty in now.items() if held.get(price) != qty]
    changed.extend((price, Decimal(0)) for price in held if price not in now)
    return changed


class BookStream:
    """The shared state of one order-book topic (see the module docstring)."""

    __slots__ = ("asks", "bids", "depth", "inst", "prev", "seq", "topic", "u")

    def __init__(self, inst: Instrument, depth: int) -> None:
        self.inst = inst
        self.depth = depth
        self.topic = f"orderbook.{depth}.{inst.symbol}"
        #: The update id of the last push (0: nothing published yet).
        self.u = 0
        self.seq = 0
        self.bids: Levels = {}
        self.asks: Levels = {}
        #: What was held one push earlier (bids, asks, u, seq): a stale snapshot sends it.
        self.prev: tuple[Levels, Levels, int, int] | None = None

    @property
    def cadence_ms(self) -> int:
        return BOOK_CADENCE_MS.get(self.depth, 100)

    def _message(self, kind: str, bids: Any, asks: Any, u: int, seq: int, now_ns: int) -> dict[str, Any]:
        bid_levels = sorted(bids, key=lambda level: level[0], reverse=True)
        ask_levels = sorted(asks, key=lambda level: level[0])
        return orderbook_message(
            self.inst, self.depth, kind, bid_levels, ask_levels, u=u, seq=seq, ts_ns=now_ns
        )

    def _take(self, book: BookSnapshot) -> None:
        self.prev = (self.bids, self.asks, self.u, self.seq)
        self.bids, self.asks = _levels(book.bids), _levels(book.asks)
        self.seq = book.seq

    def snapshot_for_new_subscriber(self, book: BookSnapshot, now_ns: int) -> dict[str, Any]:
        """The snapshot a new subscriber starts from: what the others hold, or the book now if none."""
        if self.u == 0:
            self._take(book)
            self.u = 1
        return self._message("snapshot", self.bids.items(), self.asks.items(), self.u, self.seq, now_ns)

    def refresh(self, now_ns: int) -> dict[str, Any]:
        """The level-1 re-push after a quiet spell: a snapshot of what is held, with the same ``u``."""
        return self._message("snapshot", self.bids.items(), self.asks.items(), self.u, self.seq, now_ns)

    def push(self, book: BookSnapshot, now_ns: int, fault_kind: str | None = None) -> list[dict[str, Any]]:
        """The messages of one push towards ``book`` (the top ``depth`` levels now); [] if unchanged.

        ``fault_kind`` applies a book fault to this push: ``skip_sequence`` (``u`` jumps by 2),
        ``repeat_sequence`` (the previous ``u`` again), ``stale_snapshot`` (a snapshot of the
        previous push first), ``restart_book`` (a full snapshot with ``u=1``).
        """
        now_bids, now_asks = _levels(book.bids), _levels(book.asks)
        bid_changes, ask_changes = _diff(self.bids, now_bids), _diff(self.asks, now_asks)
        if not bid_changes and not ask_changes and fault_kind != "restart_book":
            return []
        messages: list[dict[str, Any]] = []
        if fault_kind == "restart_book":
            self._take(book)
            self.u = 1
            return [self._message("snapshot", book.bids, book.asks, 1, self.seq, now_ns)]
        if fault_kind == "stale_snapshot" and self.prev is not None:
            bids, asks, u, seq = self.prev
            messages.append(self._message("snapshot", bids.items(), asks.items(), u, seq, now_ns))
        previous_u = self.u
        self._take(book)
        if fault_kind == "repeat_sequence":
            self.u = previous_u
        elif fault_kind == "skip_sequence":
            self.u = previous_u + 2
        else:
            self.u = previous_u + 1
        if self.depth == 1:
            messages.append(self._message("snapshot", book.bids, book.asks, self.u, self.seq, now_ns))
        else:
            messages.append(self._message("delta", bid_changes, ask_changes, self.u, self.seq, now_ns))
        return messages
