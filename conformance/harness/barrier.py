"""Barriers: proving that something did *not* happen, without a sleep.

After the stimulus, make the client do one more observable thing on the same path (a sentinel
request, a sentinel subscribe, a ping) and wait until the venue has recorded it. Requests and
frames on one connection are ordered, so anything forbidden would be in the journal before the
barrier's entry: checking the window ``(mark, barrier]`` is then conclusive.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from conformance.harness.context import DEFAULT_WAIT_S, CaseContext
from conformance.harness.outcome import CaseFailed
from simulator.server.journal import EntryMatch

__all__ = ["assert_nothing", "barrier"]


async def barrier(
    ctx: CaseContext,
    action: Callable[[], Awaitable[Any]],
    match: EntryMatch[Any],
    what: str,
    *,
    timeout: float = DEFAULT_WAIT_S,
) -> int:
    """Run ``action`` and wait until the venue records an entry meeting ``match``.

    Parameters:
        ctx: the case.
        action: makes the client do the sentinel thing (its result is ignored).
        match: the sentinel's journal entry.
        what: the sentinel, for the failure message ("a sentinel subscribe to tickers.ETHUSDT").
        timeout: seconds.

    Returns:
        The sequence number of the sentinel's entry: the upper end of a conclusive window.

    Raises:
        CaseFailed: the sentinel never reached the venue (the client is stuck or gone).
    """
    mark = ctx.journal.mark()
    await ctx.within(action(), f"{what} is sent", timeout=timeout)
    entry = await ctx.wait_journal(
        match, f"{what} reaches the venue (the barrier)", since=mark, timeout=timeout
    )
    return int(entry.seq)


def assert_nothing(
    ctx: CaseContext, match: EntryMatch[Any] | Callable[[Any], bool], *, since: int, until: int, expected: str
) -> None:
    """Fail unless no journal entry in ``(since, until]`` meets ``match``.

    Raises:
        CaseFailed: something matched; observed lists what, with times.
    """
    found = ctx.journal.entries(None, since, match, until_seq=until)
    if found:
        lines = ctx.journal.format_excerpt(found[0].seq - 1, found[-1].seq, limit=10)
        raise CaseFailed(expected, f"{len(found)} forbidden entries before the barrier:\n{lines}")
