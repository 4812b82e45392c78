"""What a case body works with: the case's simulator, the adapter under test, the recorded events.

A :class:`CaseContext` is made fresh for every case by the runner. It judges both sides:

- the venue side through ``ctx.sim.journal`` (``ctx.wait_journal`` turns a journal timeout into a
  case failure that names what was expected);
- the adapter side through ``ctx.sink`` (every event the adapter published) and whatever the
  adapter's methods return or raise (``ctx.raises``).

Every wait has a deadline; none sleeps. Clients the case builds with :meth:`CaseContext.build`
are closed when the case ends, before the simulator stops.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

from conformance.harness.adapter import AdapterUnderTest, BuiltAdapter
from conformance.harness.outcome import CaseFailed, NotApplicable
from conformance.harness.registry import Case
from simulator import Simulator
from simulator.server import Journal, JournalTimeout
from simulator.server.journal import EntryMatch

__all__ = ["DEFAULT_WAIT_S", "CaseContext"]

#: Deadline of a wait when the case gives none: generous, since a pass never waits this long.
DEFAULT_WAIT_S: Final = 5.0

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


class CaseContext:
    """The fresh world of one case.

    Parameters:
        case: the case being run.
        sim: its simulator (started).
        adapter: the adapter under test (loaded, not yet built).
    """

    def __init__(self, case: Case, sim: Simulator, adapter: AdapterUnderTest) -> None:
        self.case = case
        self.sim = sim
        self.adapter = adapter
        self._built: list[BuiltAdapter] = []
        #: Extra lines the case wants in its failure report (what it did, in order).
        self.notes: list[str] = []

    # -- the two sides -------------------------------------------------------------------------

    @property
    def journal(self) -> Journal:
        """The venue side: every request, frame, subscription and fault of this case."""
        return self.sim.journal

    @property
    def capabilities(self) -> Any:
        """The adapter's declared capabilities."""
        return self.adapter.capabilities

    def build(self, *, keys: bool = True, secret: str | None = None, config: Any = None) -> BuiltAdapter:
        """Build the adapter's clients through its factory, pointed at this case's simulator.

        Parameters:
            keys: give the demo account's credentials (False: a keyless, public-only adapter).
            secret: sign with this secret instead of the right one (H-05: a wrong secret).
            config: the adapter's own config object; a mapping is laid over the suite's short
                timings (:data:`conformance.harness.adapter.SUITE_TIMING`), anything else is
                passed to the factory unchanged.

        Returns:
            The clients and the sink recording everything they publish.
        """
        built = self.adapter.build(self.sim, keys=keys, secret=secret, config=config)
        self._built.append(built)
        return built

    async def close_all(self) -> list[BaseException]:
        """Close every client built in this case (newest first); returns what closing raised."""
        problems: list[BaseException] = []
        while self._built:
            built = self._built.pop()
            try:
                await built.close()
            except Exception as exc:  # reported by the runner: a client that cannot close is a fail
                problems.append(exc)
        return problems

    # -- judging -------------------------------------------------------------------------------

    def fail(self, expected: str, observed: str) -> CaseFailed:
        """A failure to raise: ``raise ctx.fail("one login", "2 logins")``."""
        return CaseFailed(expected, observed)

    def expect(self, condition: object, expected: str, observed: str | Callable[[], str]) -> None:
        """Fail the case unless ``condition`` holds.

        Parameters:
            condition: truthy when the criterion holds.
            expected: the criterion in one sentence.
            observed: what was seen (a callable is only called on failure).

        Raises:
            CaseFailed: ``condition`` is falsy.
        """
        if not condition:
            raise CaseFailed(expected, observed() if callable(observed) else observed)

    def not_applicable(self, reason: str) -> NotApplicable:
        """A not-applicable verdict decided while running: ``raise ctx.not_applicable(...)``."""
        return NotApplicable(reason)

    async def wait_journal(
        self,
        match: EntryMatch[Any],
        expected: str,
        *,
        timeout: float = DEFAULT_WAIT_S,
        since: int | None = None,
    ) -> Any:
        """The first journal entry after ``since`` meeting ``match``, or a case failure.

        Raises:
            CaseFailed: nothing matched within ``timeout``; observed lists the near-misses.
        """
        try:
            return await self.journal.wait_for(match, timeout, since=since)
        except JournalTimeout as exc:
            raise CaseFailed(expected, str(exc)) from None

    async def within(self, awaitable: Awaitable[T], expected: str, *, timeout: float = DEFAULT_WAIT_S) -> T:
        """Await ``awaitable`` with a deadline; a timeout or an exception fails the case, naming ``expected``.

        Raises:
            CaseFailed: it raised, or did not finish within ``timeout`` seconds.
        """
        try:
            async with asyncio.timeout(timeout):
                return await awaitable
        except TimeoutError:
            raise CaseFailed(expected, f"still waiting after {timeout:g} s") from None
        except (CaseFailed, NotApplicable):
            raise
        except Exception as exc:
            raise CaseFailed(expected, f"raised {type(exc).__qualname__}: {exc}") from exc

    async def raises(
        self,
        awaitable: Awaitable[Any],
        kind: type[E] | tuple[type[E], ...],
        expected: str,
        *,
        timeout: float = DEFAULT_WAIT_S,
    ) -> E:
        """Await ``awaitable`` and return the exception of type ``kind`` it raised.

        Raises:
            CaseFailed: it returned, raised something else, or did not finish within ``timeout``.
        """
        try:
            async with asyncio.timeout(timeout):
                value = await awaitable
        except TimeoutError as exc:
            if isinstance(exc, kind):
                return exc
            raise CaseFailed(expected, f"no answer after {timeout:g} s") from None
        except kind as exc:
            return exc
        except Exception as exc:
            raise CaseFailed(
                expected, f"raised {type(exc).__module__}.{type(exc).__qualname__}: {exc}"
            ) from exc
        raise CaseFailed(expected, f"returned {_short(value)} instead of raising")


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
