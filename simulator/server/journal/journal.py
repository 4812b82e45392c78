"""The journal: the venue-side truth of everything that reached the simulator and left it.

:class:`Journal` is the :class:`~simulator.server.journal.recorder.Recorder` (what the server
writes) plus the reading side: queries, ``wait_for`` (woken by new entries, never polling), the
``assert_*`` helpers whose failures list near-misses, excerpts and the JSON document.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, overload

from simulator.server.journal.diagnose import Scope, count_failure, match_timeout, predicate_timeout, rank
from simulator.server.journal.entries import (
    ENTRY_TYPES,
    Entry,
    ErrorEntry,
    FaultEntry,
    HttpEntry,
    Payload,
    SubscriptionEntry,
    WsClose,
    WsFrame,
    WsOpen,
)
from simulator.server.journal.enums import (
    AuthVerdict,
    Direction,
    EntryKind,
    FaultPhase,
    FrameKind,
    SubscriptionOp,
    SubscriptionOutcome,
    WsRole,
)
from simulator.server.journal.match import (
    ANY,
    EntryMatch,
    HttpMatch,
    SubscriptionMatch,
    WsFrameMatch,
)
from simulator.server.journal.recorder import Recorder
from simulator.server.journal.report import format_lines

__all__ = ["JOURNAL_FORMAT_VERSION", "Journal"]

#: Version of the document :meth:`Journal.to_json` returns (the control plane serves it).
JOURNAL_FORMAT_VERSION: Final = 1

E = TypeVar("E", HttpEntry, WsOpen, WsFrame, WsClose, SubscriptionEntry, FaultEntry, ErrorEntry)
Predicate = Callable[[Entry], bool]
KindSpec = type[Entry] | EntryKind | str | None


def _always(entry: Entry) -> bool:
    return True


def _entry_type(kind: KindSpec) -> type[Entry] | None:
    if kind is None or isinstance(kind, type):
        return kind
    try:
        return ENTRY_TYPES[EntryKind(kind)]
    except ValueError:
        known = ", ".join(repr(k.value) for k in EntryKind)
        raise ValueError(
            f"unknown journal entry kind {kind!r}: use one of {known} or an entry class"
        ) from None


class Journal(Recorder):
    """Every HTTP request, WebSocket event, subscription and fault, in order, and ways to read it.

    Parameters:
        now_ns: the clock stamped on each entry (inject the simulator's clock; wall time by default).
        max_entries: entries kept; past it the oldest are dropped and counted in :attr:`dropped`.

    Raises:
        ValueError: ``max_entries`` is less than 1.
    """

    __slots__ = ()

    # -- queries -------------------------------------------------------------------------------

    def _test(self, predicate: EntryMatch[Any] | Predicate | None, kind: KindSpec) -> Predicate:
        cls = _entry_type(kind)
        if isinstance(predicate, EntryMatch):
            match, conns = predicate, self._conns

            def test(entry: Entry) -> bool:
                return match.matches(entry, conns)

        else:
            test = predicate if predicate is not None else _always  # type: ignore[assignment]
        if cls is None:
            return test
        return lambda entry: entry.__class__ is cls and test(entry)

    @overload
    def entries(
        self,
        kind: type[E],
        since_seq: int | None = None,
        predicate: Predicate | None = None,
        *,
        until_seq: int | None = None,
    ) -> list[E]: ...
    @overload
    def entries(
        self,
        kind: EntryKind | str | None = None,
        since_seq: int | None = None,
        predicate: EntryMatch[Any] | Predicate | None = None,
        *,
        until_seq: int | None = None,
    ) -> list[Entry]: ...
    def entries(
        self,
        kind: KindSpec = None,
        since_seq: int | None = None,
        predicate: EntryMatch[Any] | Predicate | None = None,
        *,
        until_seq: int | None = None,
    ) -> list[Any]:
        """Held entries in order, filtered.

        Parameters:
            kind: an entry class, an :class:`EntryKind` or its value; None for all kinds.
            since_seq: only entries after this sequence number (e.g. a :meth:`mark`).
            predicate: a callable or a match object (``HttpMatch(...)``).
            until_seq: only entries up to and including this sequence number.

        Raises:
            ValueError: ``kind`` names no entry kind.
        """
        test = self._test(predicate, kind)
        return [entry for entry in self._window(since_seq, until_seq) if test(entry)]

    def http(
        self,
        path: str | None = None,
        method: str | None = None,
        *,
        status: int | None = None,
        account_id: Any = ANY,
        since_seq: int | None = None,
    ) -> list[HttpEntry]:
        """HTTP entries, optionally of one path, method (any case), status or account."""
        return self.entries(
            HttpEntry, since_seq, HttpMatch(method, path, status=status, account_id=account_id)
        )

    def ws_frames(
        self,
        conn_id: str | None = None,
        direction: Direction | str | None = None,
        kind: FrameKind | str | None = None,
        *,
        since_seq: int | None = None,
    ) -> list[WsFrame]:
        """WebSocket frames, optionally of one connection, direction and frame kind."""
        return self.entries(WsFrame, since_seq, WsFrameMatch(conn_id, direction, kind))

    def connections(self, role: WsRole | str | None = None, *, open_only: bool = False) -> list[WsOpen]:
        """Known connections in the order they opened (live ones, and closed ones still held)."""
        self._forget_closed()
        return [
            opened
            for conn_id, opened in self._conns.items()
            if (role is None or opened.role == role) and not (open_only and conn_id in self._closes)
        ]

    def close_of(self, conn_id: str) -> WsClose | None:
        """How connection ``conn_id`` ended, or None while it is open (or once forgotten)."""
        self._forget_closed()
        return self._closes.get(conn_id)

    def subscriptions(
        self,
        conn_id: str | None = None,
        *,
        topic: str | None = None,
        op: SubscriptionOp | str | None = None,
        outcome: SubscriptionOutcome | str | None = None,
        since_seq: int | None = None,
    ) -> list[SubscriptionEntry]:
        """The subscription ledger, optionally of one connection, topic, op or outcome."""
        match = SubscriptionMatch(conn_id, op, topic, outcome)
        return self.entries(SubscriptionEntry, since_seq, match)

    def faults(
        self, name: str | None = None, *, phase: FaultPhase | str | None = None, since_seq: int | None = None
    ) -> list[FaultEntry]:
        """Fault entries, optionally of one fault and phase."""

        def wanted(entry: Any) -> bool:
            return (name is None or entry.name == name) and (phase is None or entry.phase == phase)

        return self.entries(FaultEntry, since_seq, wanted)

    def errors(self, *, since_seq: int | None = None) -> list[ErrorEntry]:
        """Exceptions the simulator raised while serving (each was also re-raised into the test)."""
        return self.entries(ErrorEntry, since_seq)

    @overload
    def last(self, kind: type[E], predicate: Predicate | None = None) -> E | None: ...
    @overload
    def last(
        self, kind: EntryKind | str | None = None, predicate: Predicate | None = None
    ) -> Entry | None: ...
    def last(self, kind: KindSpec = None, predicate: EntryMatch[Any] | Predicate | None = None) -> Any:
        """The newest held entry of ``kind`` (and meeting ``predicate``), or None.

        Raises:
            ValueError: ``kind`` names no entry kind.
        """
        test = self._test(predicate, kind)
        return next((entry for entry in reversed(self._entries) if test(entry)), None)

    def mark(self) -> int:
        """The current sequence number: a barrier. Later entries have larger numbers."""
        return self._seq

    def since(self, mark: int) -> list[Entry]:
        """Every held entry recorded after ``mark`` (see :meth:`mark`)."""
        return self._window(mark)

    # -- waiting -------------------------------------------------------------------------------

    @overload
    async def wait_for(self, predicate: EntryMatch[E], timeout: float, *, since: int | None = None) -> E: ...
    @overload
    async def wait_for(
        self, predicate: Predicate, timeout: float, *, since: int | None = None, kind: type[E]
    ) -> E: ...
    @overload
    async def wait_for(
        self,
        predicate: Predicate,
        timeout: float,
        *,
        since: int | None = None,
        kind: EntryKind | str | None = None,
    ) -> Entry: ...
    async def wait_for(
        self,
        predicate: EntryMatch[Any] | Predicate,
        timeout: float,
        *,
        since: int | None = None,
        kind: KindSpec = None,
    ) -> Any:
        """The first entry after ``since`` that meets ``predicate``, waiting up to ``timeout``.

        Entries already held are checked first; then each new entry is checked as it is
        recorded (no polling). With ``since=None`` every held entry counts, so take a
        :meth:`mark` before the stimulus to accept only what the stimulus caused.

        Parameters:
            predicate: a match object (``HttpMatch(...)``: failure shows field diffs) or a
                callable taking an entry.
            timeout: seconds.
            since: a sequence number (a :meth:`mark`); only later entries count.
            kind: only entries of this kind are given to a callable predicate.

        Raises:
            JournalTimeout: nothing matched in time; the message lists the near-misses.
            ValueError: ``kind`` names no entry kind.
            Exception: whatever the predicate raises.
        """
        test = self._test(predicate, kind)
        for entry in self._window(since):
            if test(entry):
                return entry
        waiter = self._waiters.add(test, since if since is not None else 0)
        try:
            async with asyncio.timeout(timeout):
                return await waiter.future
        except TimeoutError:
            future = waiter.future
            if future.done() and not future.cancelled():
                # Resolved in the same loop turn the timeout fired, or the predicate itself
                # raised a TimeoutError: the outcome stands, it is not ours to explain.
                return future.result()
            scope = self._scope(since)
            if isinstance(predicate, EntryMatch):
                raise match_timeout(predicate, scope, timeout) from None
            raise predicate_timeout(predicate, _entry_type(kind), scope, timeout) from None
        finally:
            self._waiters.discard(waiter)

    # -- assertions ----------------------------------------------------------------------------

    def assert_match(
        self,
        match: EntryMatch[E],
        *,
        count: int | None = None,
        since_seq: int | None = None,
        until_seq: int | None = None,
    ) -> list[E]:
        """Assert that held entries meet ``match`` (at least once, or exactly ``count`` times).

        ``count=0`` asserts that nothing matched: with ``until_seq`` set to a barrier the client
        reached after the stimulus, that is a negative check without a sleep.

        Returns:
            The matching entries.

        Raises:
            JournalAssertionError: the count is wrong; the message names the expectation and
                lists the matches (when unexpected) or the closest near-misses with their diffs.
        """
        scope = self._scope(since_seq, until_seq)
        ranking = rank(match, scope)
        found = len(ranking.matched)
        if (found >= 1) if count is None else (found == count):
            return ranking.matched
        raise count_failure(match, count, ranking, scope)

    def assert_http(
        self,
        method: str | None = None,
        path: Any = None,
        *,
        query: Any = None,
        json: Any = None,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        status: int | None = None,
        auth: AuthVerdict | str | None = None,
        account_id: Any = ANY,
        fault: Any = ANY,
        where: Callable[[HttpEntry], bool] | None = None,
        count: int | None = None,
        since_seq: int | None = None,
        until_seq: int | None = None,
    ) -> list[HttpEntry]:
        """Assert on HTTP requests; criteria as :class:`HttpMatch`, the rest as :meth:`assert_match`.

        Raises:
            JournalAssertionError: see :meth:`assert_match`.
        """
        match = HttpMatch(method, path, query, json, body, headers, status, auth, account_id, fault, where)
        return self.assert_match(match, count=count, since_seq=since_seq, until_seq=until_seq)

    def assert_ws_frame(
        self,
        conn_id: str | None = None,
        direction: Direction | str | None = None,
        kind: FrameKind | str | None = None,
        *,
        role: WsRole | str | None = None,
        path: Any = None,
        payload: Payload | None = None,
        contains: str | None = None,
        json: Any = None,
        fault: Any = ANY,
        where: Callable[[WsFrame], bool] | None = None,
        count: int | None = None,
        since_seq: int | None = None,
        until_seq: int | None = None,
    ) -> list[WsFrame]:
        """Assert on WebSocket frames; criteria as :class:`WsFrameMatch`, the rest as :meth:`assert_match`.

        Raises:
            JournalAssertionError: see :meth:`assert_match`.
        """
        match = WsFrameMatch(conn_id, direction, kind, role, path, payload, contains, json, fault, where)
        return self.assert_match(match, count=count, since_seq=since_seq, until_seq=until_seq)

    # -- text and JSON -------------------------------------------------------------------------

    def format_excerpt(
        self, since_seq: int | None = None, until_seq: int | None = None, limit: int = 50
    ) -> str:
        """The entries after ``since_seq`` (up to ``until_seq``) as text, one line per entry.

        Each line: time relative to :attr:`start_ns` in ms, ``#seq``, kind, summary with payloads
        cut short. Past ``limit`` entries the middle is elided.
        """
        scope = self._scope(since_seq, until_seq)
        span = "(every held entry)" if since_seq is None and until_seq is None else scope.span
        lines = [f"journal excerpt {span}: {len(scope.window)} entries{scope.dropped_note}"]
        lines.extend(format_lines(scope.window, scope.start_ns, scope.conns, limit))
        return "\n".join(lines)

    def to_json(self, since_seq: int | None = None, limit: int | None = None) -> dict[str, Any]:
        """The journal as plain JSON-able data (for ``GET /__venuekit__/journal?since=N``).

        Parameters:
            since_seq: only entries after this sequence number.
            limit: at most this many entries (the oldest first); page on with ``next_since``.

        Returns:
            ``{"version", "start_ns", "first_seq", "last_seq", "dropped", "next_since",
            "entries": [entry.as_dict(), ...]}``.
        """
        window = self._window(since_seq)
        if limit is not None:
            window = window[:limit]
        # Where the next page starts: after the last entry sent, or where the caller already was.
        next_since = window[-1].seq if window else (self._seq if since_seq is None else since_seq)
        return {
            "version": JOURNAL_FORMAT_VERSION,
            "start_ns": self._start_ns,
            "first_seq": self.first_seq,
            "last_seq": self._seq,
            "dropped": self.dropped,
            "next_since": next_since,
            "entries": [entry.as_dict() for entry in window],
        }

    def _scope(self, since_seq: int | None, until_seq: int | None = None) -> Scope:
        if since_seq is None and until_seq is None:
            span = "in the journal"
        elif until_seq is None:
            span = f"after #{since_seq}"
        else:
            span = f"after #{since_seq or 0} up to #{until_seq}"
        return Scope(
            self._window(since_seq, until_seq),
            span,
            self._dropped_note(since_seq),
            self._start_ns,
            self._conns,
        )
