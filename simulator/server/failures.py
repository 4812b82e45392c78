"""Exceptions raised inside the running simulator: recorded, then re-raised into the test (house rule 10).

A bug in a dialect, the core or the server never turns into a silent HTTP 500: the request gets
the venue's server-error answer, the exception is recorded in the journal (an ``ErrorEntry``) and
kept here, and ``Simulator.check()`` (called when the ``async with`` block ends) raises it.
"""

from __future__ import annotations

from simulator.server.journal import Recorder

__all__ = ["ServerErrors"]


class ServerErrors:
    """The exceptions the simulator caught while serving, oldest first."""

    def __init__(self, journal: Recorder) -> None:
        self._journal = journal
        self._errors: list[BaseException] = []

    def __len__(self) -> int:
        return len(self._errors)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def record(self, error: BaseException, source: str) -> None:
        """Keep ``error`` and record it in the journal; ``source`` says where (``http``, ``driver`` ...)."""
        self._errors.append(error)
        self._journal.record_error(source, error)

    def take(self, errors: list[BaseException], source: str) -> None:
        """Record every exception in ``errors`` (a dialect's list) and empty it."""
        while errors:
            self.record(errors.pop(0), source)

    def peek(self) -> list[BaseException]:
        return list(self._errors)

    def drain(self) -> list[BaseException]:
        """What was recorded, forgotten here (it has been reported some other way)."""
        errors, self._errors = self._errors, []
        return errors

    def raise_if_any(self) -> None:
        """Raise what was recorded (then forget it): the exception itself, or a group of several.

        Raises:
            BaseException: the one recorded exception.
            ExceptionGroup: several were recorded.
        """
        errors = self.drain()
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise BaseExceptionGroup(f"{len(errors)} exceptions were raised inside the simulator", errors)
