"""The fault engine: arming, selecting and clearing faults, each step recorded in the journal.

:class:`Faults` is the Python fault API (``sim.faults``); the scenario's ``faults:`` and the control
plane's ``/__venuekit__/faults`` arm rules through it too, so all three behave alike::

    fault = sim.faults.arm(HttpStatus(503), route="/v5/order/create", nth=3, times=2)
    fault = sim.faults.arm({"kind": "ret_code", "code": 10016}, route="/v5/order/*", persistent=True)
    fault.fired            # how many requests it hit
    fault.clear()          # or sim.faults.clear("name")

Selection happens once per request: every armed rule whose criteria match counts the occurrence,
and the oldest one that is due (its ``nth`` reached, ``times`` not used up) fires. Firing is
recorded (``FaultPhase.FIRED``) before the request's own journal entry, which names the fault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from simulator.scenario import FaultRule
from simulator.server.errors import FaultSpecError
from simulator.server.faults.actions import ClockSkew, FaultAction, parse_action
from simulator.server.faults.fault import Fault, FaultState
from simulator.server.faults.match import FaultMatch, parse_match
from simulator.server.journal import FaultPhase, Recorder

__all__ = ["Faults"]

_NS_PER_S = 1_000_000_000


class Faults:
    """The armed faults of one simulator.

    Parameters:
        journal: where arming, firing and clearing are recorded.
        now_ns: the venue clock.
        start_ns: when the venue started on its clock (``match.after`` counts from here).
    """

    def __init__(self, journal: Recorder, now_ns: Callable[[], int], start_ns: Callable[[], int]) -> None:
        self._journal = journal
        self._now_ns = now_ns
        self._start_ns = start_ns
        self._faults: dict[str, Fault] = {}
        self._count = 0
        #: True once the simulator is stopping: released stalls close their connections.
        self.stopping = False

    def __iter__(self) -> Iterator[Fault]:
        return iter(list(self._faults.values()))

    def __len__(self) -> int:
        return len(self._faults)

    def __contains__(self, name: object) -> bool:
        return name in self._faults

    def get(self, name: str) -> Fault:
        """The fault called ``name`` (armed or exhausted).

        Raises:
            KeyError: no such fault; the message lists the known names.
        """
        try:
            return self._faults[name]
        except KeyError:
            known = ", ".join(self._faults) or "none"
            raise KeyError(f"no fault named {name!r} (armed: {known})") from None

    # -- arming ------------------------------------------------------------------------------------

    def arm(
        self,
        action: FaultAction | Mapping[str, Any],
        *,
        channel: str = "http",
        method: str | None = None,
        route: str | None = None,
        account: str | None = None,
        op: str | None = None,
        topic: str | None = None,
        role: str | None = None,
        nth: int = 1,
        times: int | None = None,
        persistent: bool = False,
        after: float | str | None = None,
        name: str | None = None,
    ) -> Fault:
        """Arm a fault: ``action`` on the traffic the keywords describe.

        Parameters:
            action: an action object (``HttpStatus(503)``) or its mapping (``{"kind": "http_status",
                "status": 503}``); see :mod:`simulator.server.faults.actions`.
            channel: ``http`` or ``ws``.
            method, route, account, op, topic, role: what to match (None: anything); ``route`` is
                a path or a shell-style pattern (``/v5/order/*``).
            nth: fire from the nth matching occurrence on.
            times: fire this many times (default once); ``persistent=True`` fires until cleared.
            after: venue seconds (or ``"30s"``) after the venue started before it matches.
            name: unique among uncleared faults; ``<kind>-<n>`` by default.

        Returns:
            The :class:`Fault` handle.

        Raises:
            FaultSpecError: a bad field (the error names it), or a name already in use.
        """
        match: dict[str, Any] = {
            key: value
            for key, value in (
                ("channel", channel),
                ("method", method),
                ("route", route),
                ("account", account),
                ("op", op),
                ("topic", topic),
                ("role", role),
                ("times", times),
                ("after", after),
            )
            if value is not None
        }
        if nth != 1:
            match["nth"] = nth
        if persistent:
            match["persistent"] = True
        return self.arm_rule(match, action, name, source="api")

    def arm_rule(
        self,
        match: Mapping[str, Any],
        action: FaultAction | Mapping[str, Any],
        name: str | None = None,
        *,
        source: str = "api",
    ) -> Fault:
        """Arm a rule given in the scenario/control-plane shape (``match`` and ``action`` mappings).

        Raises:
            FaultSpecError: see :meth:`arm`.
        """
        criteria = parse_match(match)
        what = parse_action(action, criteria.channel.value)
        # A clock skew is a state of the venue, not a hit on some requests.
        if isinstance(what, ClockSkew):
            if criteria.narrows or "times" in match:
                raise FaultSpecError(
                    "match",
                    "clock_skew moves all the venue's time from arming until cleared; "
                    "give it only channel: http",
                )
            criteria = replace(criteria, times=None)
        if name is None:
            self._count += 1
            name = f"{what.kind}-{self._count}"
        elif not isinstance(name, str) or not name:
            raise FaultSpecError("name", f"expected non-empty text, got {name!r}")
        if name in self._faults:
            raise FaultSpecError(
                "name", f"a fault named {name!r} is already armed; clear it or pick another name"
            )
        fault = Fault(self, name, criteria, what, source)
        self._faults[name] = fault
        self._journal.record_fault(
            name, FaultPhase.ARMED, f"{what.describe()} when {criteria.describe()} (by {source})"
        )
        if isinstance(what, ClockSkew):
            fault.fired = 1
            self._journal.record_fault(name, FaultPhase.FIRED, f"venue time now {what.seconds:+g}s off")
        return fault

    def arm_scenario(self, rules: Iterable[FaultRule]) -> list[Fault]:
        """Arm a scenario's ``faults:`` (``BuiltVenue.faults``), in file order.

        Raises:
            FaultSpecError: a rule that cannot be armed; the field is prefixed with its index
                (``faults[1].action.status``).
        """
        armed = []
        for index, rule in enumerate(rules):
            try:
                armed.append(self.arm_rule(rule.match, rule.action, rule.name or None, source="scenario"))
            except FaultSpecError as exc:
                raise FaultSpecError(f"faults[{index}].{exc.field}", exc.problem) from None
        return armed

    # -- clearing ----------------------------------------------------------------------------------

    def clear(self, fault: Fault | str) -> Fault:
        """Clear a fault (by handle or name): it fires no more and releases what it stalls.

        Raises:
            KeyError: no uncleared fault has that name.
        """
        if isinstance(fault, str):
            fault = self.get(fault)
        if fault.cleared:
            return fault
        fault._become(FaultState.CLEARED)
        if self._faults.get(fault.name) is fault:
            del self._faults[fault.name]
        self._journal.record_fault(
            fault.name, FaultPhase.CLEARED, f"cleared after firing {fault.fired} time(s)"
        )
        if fault._release is not None:
            fault._release.set()
        return fault

    def clear_all(self) -> list[Fault]:
        """Clear every fault, oldest first; returns them."""
        return [self.clear(fault) for fault in list(self._faults.values())]

    def stop(self) -> None:
        """The simulator is stopping: every stalled request is released to be closed unanswered."""
        self.stopping = True
        self.clear_all()

    # -- selection ---------------------------------------------------------------------------------

    @property
    def skew_ns(self) -> int:
        """The venue's time offset as clients see it: the newest armed clock skew, else 0."""
        skew = 0
        for fault in self._faults.values():
            if isinstance(fault.action, ClockSkew) and fault.active:
                skew = fault.action.offset_ns
        return skew

    def select_http(self, method: str, path: str, account: str | None) -> Fault | None:
        """The fault to apply to an HTTP request, or None; counts the occurrence for every match."""
        if not self._faults:
            return None
        elapsed_s = self._elapsed_s()
        return self._select(lambda m: m.matches_http(method, path, account, elapsed_s), f"{method} {path}")

    def select_ws(
        self,
        role: str,
        *,
        op: str | None = None,
        topic: str | None = None,
        account: str | None = None,
        target: str = "",
        accept: Callable[[FaultAction], bool] | None = None,
    ) -> Fault | None:
        """The fault to apply to a WebSocket event, or None (for the WebSocket sessions).

        Parameters:
            role: the connection's role (``public``, ``private``, ``trade``).
            op, topic: what the event is (a request's ``op``; a subscription's or push's topic).
            account: the connection's authenticated account.
            target: how the journal names the event, e.g. ``"ws-3 subscribe orderbook.50.BTCUSDT"``.
            accept: only faults whose action this says yes to are counted and may fire: the
                actions that make sense at this point of a session (a ``reject_auth`` is not
                spent on a subscribe).
        """
        if not self._faults:
            return None
        elapsed_s = self._elapsed_s()
        return self._select(
            lambda m: m.matches_ws(role, op, topic, account, elapsed_s), target or role, accept
        )

    def _elapsed_s(self) -> float:
        return (self._now_ns() - self._start_ns()) / _NS_PER_S

    def _select(
        self,
        matches: Callable[[FaultMatch], bool],
        target: str,
        accept: Callable[[FaultAction], bool] | None = None,
    ) -> Fault | None:
        chosen: Fault | None = None
        for fault in self._faults.values():
            if not fault.active or isinstance(fault.action, ClockSkew) or not matches(fault.match):
                continue
            if accept is not None and not accept(fault.action):
                continue
            fault.seen += 1
            if chosen is None and fault.seen >= fault.match.nth:
                chosen = fault
        if chosen is not None:
            self._fire(chosen, target)
        return chosen

    def _fire(self, fault: Fault, target: str) -> None:
        fault.fired += 1
        times = fault.match.times
        count = f"{fault.fired}" if times is None else f"{fault.fired} of {times}"
        self._journal.record_fault(
            fault.name, FaultPhase.FIRED, f"{fault.action.describe()} on {target} ({count})"
        )
        if times is not None and fault.fired >= times:
            fault._become(FaultState.EXHAUSTED)
