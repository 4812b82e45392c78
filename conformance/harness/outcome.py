"""Verdicts, and the exceptions a case body raises to reach one.

A case passes by returning. It fails by raising :class:`CaseFailed` (what was expected, what was
observed) or any other exception (the harness reports it as a failure, with its type). It is not
applicable when the adapter does not claim a capability the case needs: the harness decides that
before the body runs; a body may also raise :class:`NotApplicable` when only the running adapter
can tell (e.g. it exposes no such method).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CaseFailed", "NotApplicable", "Verdict"]


class Verdict(StrEnum):
    """The outcome of one case."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


class CaseFailed(AssertionError):
    """A case's pass criterion does not hold.

    Parameters:
        expected: what the catalogue asks for, in one sentence.
        observed: what happened instead.
    """

    def __init__(self, expected: str, observed: str) -> None:
        super().__init__(f"expected: {expected}\nobserved: {observed}")
        self.expected = expected
        self.observed = observed


class NotApplicable(Exception):  # named for the verdict, not as an error
    """The case does not apply to this adapter; ``reason`` says which capability is missing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
