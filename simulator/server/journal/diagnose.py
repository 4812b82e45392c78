"""Failure messages that say what was expected and how the closest entries differed.

Modelled on vcrpy's "most similar requests" and pytest-httpserver's ``assert_request_made``: name
the expectation, the part of the journal that was searched, then up to five near-misses (best
first) with every field that differed under each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple

from simulator.server.journal.entries import Entry, WsOpen
from simulator.server.journal.errors import JournalAssertionError, JournalTimeout
from simulator.server.journal.match import EntryMatch, NearMiss
from simulator.server.journal.report import entry_line, near_miss_lines

__all__ = [
    "NEAR_MISSES_SHOWN",
    "Ranking",
    "Scope",
    "count_failure",
    "match_timeout",
    "predicate_timeout",
    "rank",
]

#: Near-misses listed in a failure message.
NEAR_MISSES_SHOWN: Final = 5


class Scope(NamedTuple):
    """The part of the journal a check searched, and what printing it needs."""

    window: list[Entry]
    #: The window in words: "in the journal", "after #12", "after #12 up to #40".
    span: str
    #: Empty, or a note that entries of the window were dropped by the memory bound.
    dropped_note: str
    start_ns: int
    conns: Mapping[str, WsOpen]


class Ranking(NamedTuple):
    matched: list[Any]
    #: The closest non-matching entries, best first, at most NEAR_MISSES_SHOWN.
    closest: list[NearMiss]
    #: Entries of the expected kind that were compared.
    considered: int


def rank(match: EntryMatch[Any], scope: Scope) -> Ranking:
    """Split the entries of ``match``'s kind in ``scope`` into matches and closest near-misses."""
    matched: list[Any] = []
    near: list[NearMiss] = []
    for entry in scope.window:
        if entry.KIND is not match.entry_kind:
            continue
        diffs = match.differences(entry, scope.conns)
        if diffs:
            near.append(NearMiss(entry, tuple(diffs), match.score(diffs)))
        else:
            matched.append(entry)
    # Equally close: the newest first, since it is most likely the one the test meant.
    near.sort(key=lambda miss: (miss.score, -miss.entry.seq))
    return Ranking(matched, near[:NEAR_MISSES_SHOWN], len(matched) + len(near))


def _near_miss_report(match: EntryMatch[Any], ranking: Ranking, scope: Scope) -> list[str]:
    kind = match.entry_kind.value
    if not ranking.closest:
        held = Counter(entry.KIND.value for entry in scope.window)
        what = ", ".join(f"{n} {k}" for k, n in held.items()) or "nothing"
        return [f"No other {kind} entries were recorded {scope.span} (held: {what}).{scope.dropped_note}"]
    shown = len(ranking.closest)
    head = f"Closest {kind} entries ({shown} of {ranking.considered - len(ranking.matched)}, best first):"
    return [head + scope.dropped_note, *near_miss_lines(ranking.closest, scope.start_ns, scope.conns)]


def count_failure(
    match: EntryMatch[Any], count: int | None, ranking: Ranking, scope: Scope
) -> JournalAssertionError:
    """The error for an assertion whose number of matches was wrong."""
    wanted = (
        "at least one match"
        if count is None
        else "no match"
        if count == 0
        else f"exactly {count} match{'es' if count > 1 else ''}"
    )
    expected = match.describe()
    lines = [f"Expected {wanted} {scope.span} for: {expected}; found {len(ranking.matched)}."]
    if ranking.matched:
        lines.append("Matching entries:")
        lines.extend(f"  - {entry_line(entry, scope.start_ns, scope.conns)}" for entry in ranking.matched)
    if count != 0:  # for "expected none" the matches are the whole story
        lines.extend(_near_miss_report(match, ranking, scope))
    return JournalAssertionError(
        "\n".join(lines),
        expected=expected,
        matched=tuple(ranking.matched),
        near_misses=tuple(ranking.closest),
    )


def match_timeout(match: EntryMatch[Any], scope: Scope, timeout: float) -> JournalTimeout:
    """The error for a ``wait_for`` on a match object that timed out."""
    ranking = rank(match, scope)
    expected = match.describe()
    lines = [f"Timed out after {timeout:g}s waiting for {expected} {scope.span}."]
    lines.extend(_near_miss_report(match, ranking, scope))
    return JournalTimeout(
        "\n".join(lines), expected=expected, timeout=timeout, near_misses=tuple(ranking.closest)
    )


def predicate_timeout(
    predicate: Callable[[Entry], bool], cls: type[Entry] | None, scope: Scope, timeout: float
) -> JournalTimeout:
    """The error for a ``wait_for`` on a plain callable that timed out (no diffs possible)."""
    name = getattr(predicate, "__qualname__", repr(predicate))
    expected = f"an entry{f' of kind {cls.KIND.value}' if cls else ''} satisfying {name}"
    recent = [entry for entry in scope.window if cls is None or entry.__class__ is cls]
    recent = recent[-NEAR_MISSES_SHOWN:]
    lines = [
        f"Timed out after {timeout:g}s waiting for {expected} {scope.span}.",
        "The predicate is a plain callable, so no field diffs can be shown (pass an HttpMatch,"
        " WsFrameMatch or SubscriptionMatch to see them).",
        f"Latest candidates ({len(recent)}):" if recent else "No candidate entries were recorded.",
    ]
    lines.extend(f"  - {entry_line(entry, scope.start_ns, scope.conns)}" for entry in recent)
    return JournalTimeout("\n".join(lines), expected=expected, timeout=timeout)
