"""What the journal raises when an expectation is not met.

::

    AssertionError
     └── JournalAssertionError      assert_http / assert_ws_frame / assert_match failed
          └── JournalTimeout        wait_for gave up (also a TimeoutError)

Both carry the expectation and the near-misses as fields, so a harness (the conformance suite)
can render them its own way; ``str()`` is the full human-readable message.
"""

from __future__ import annotations

from simulator.server.journal.entries import Entry
from simulator.server.journal.match import NearMiss

__all__ = ["JournalAssertionError", "JournalTimeout"]


class JournalAssertionError(AssertionError):
    """The journal did not hold what a test expected.

    Attributes:
        expected: the expectation in one line.
        matched: the entries that did match (for a count mismatch; empty otherwise).
        near_misses: the closest entries that did not match, best first.
    """

    def __init__(
        self,
        message: str,
        *,
        expected: str,
        matched: tuple[Entry, ...] = (),
        near_misses: tuple[NearMiss, ...] = (),
    ) -> None:
        super().__init__(message)
        self.expected = expected
        self.matched = matched
        self.near_misses = near_misses


class JournalTimeout(JournalAssertionError, TimeoutError):
    """No matching entry was recorded before ``wait_for``'s timeout.

    Attributes:
        timeout: the timeout in seconds.
    """

    def __init__(
        self,
        message: str,
        *,
        expected: str,
        timeout: float,
        near_misses: tuple[NearMiss, ...] = (),
    ) -> None:
        super().__init__(message, expected=expected, near_misses=near_misses)
        self.timeout = timeout
