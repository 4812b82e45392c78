"""Which traffic a fault rule hits, and how often: :class:`FaultMatch`.

A rule matches on its channel (``http`` or ``ws``) and any of: the HTTP ``method``, the ``route``
(an exact path, or a shell-style pattern such as ``/v5/order/*``), the ``account`` of the request's
API key, and for WebSocket traffic the ``op``, ``topic`` and connection ``role``. ``after`` makes
it wait until that long after the venue started. Of the matching occurrences it fires on the
``nth`` and the ``times - 1`` after it; ``times=None`` (``persistent: true``) fires until cleared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import Any

from simulator.server.errors import FaultSpecError
from simulator.server.faults import params as p

__all__ = ["Channel", "FaultMatch", "parse_match"]

_WS_ONLY = ("op", "topic", "role")
_HTTP_ONLY = ("method",)
_ROLES = ("public", "private", "trade")
_KEYS = (
    "channel",
    "method",
    "route",
    "account",
    "op",
    "topic",
    "role",
    "nth",
    "times",
    "persistent",
    "after",
)


class Channel(StrEnum):
    HTTP = "http"
    WS = "ws"


@dataclass(frozen=True, slots=True)
class FaultMatch:
    """The criteria of a fault rule (see the module docstring). Build it with :func:`parse_match`."""

    channel: Channel = Channel.HTTP
    method: str | None = None
    route: str | None = None
    account: str | None = None
    op: str | None = None
    topic: str | None = None
    role: str | None = None
    nth: int = 1
    #: Firings before the fault is exhausted; None fires until cleared.
    times: int | None = 1
    #: Venue seconds after the venue started before the rule matches anything.
    after_s: float | None = None

    @property
    def persistent(self) -> bool:
        return self.times is None

    @property
    def narrows(self) -> bool:
        """Whether it selects some traffic: a criterion beyond the channel, or ``nth`` > 1."""
        return self.nth != 1 or any(
            value is not None
            for value in (self.method, self.route, self.account, self.op, self.topic, self.role, self.after_s)
        )

    def matches_http(self, method: str, path: str, account: str | None, elapsed_s: float) -> bool:
        """Whether an HTTP request meets the criteria (not counting ``nth``/``times``)."""
        return (
            self.channel is Channel.HTTP
            and (self.method is None or self.method == method.upper())
            and (self.route is None or path == self.route or fnmatchcase(path, self.route))
            and (self.account is None or self.account == account)
            and (self.after_s is None or elapsed_s >= self.after_s)
        )

    def matches_ws(
        self, role: str, op: str | None, topic: str | None, account: str | None, elapsed_s: float
    ) -> bool:
        """Whether a WebSocket event (a frame with ``op``, a ``topic``) meets the criteria."""
        return (
            self.channel is Channel.WS
            and (self.role is None or self.role == role)
            and (self.op is None or self.op == op)
            and (self.topic is None or (topic is not None and fnmatchcase(topic, self.topic)))
            and (self.account is None or self.account == account)
            and (self.after_s is None or elapsed_s >= self.after_s)
        )

    def params(self) -> dict[str, Any]:
        """The criteria in the scenario's ``match`` shape (unset fields left out)."""
        data: dict[str, Any] = {"channel": self.channel.value}
        for name in ("method", "route", "account", "op", "topic", "role"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.nth != 1:
            data["nth"] = self.nth
        if self.times is None:
            data["persistent"] = True
        else:
            data["times"] = self.times
        if self.after_s is not None:
            data["after"] = self.after_s
        return data

    def describe(self) -> str:
        """One line for the journal, e.g. ``http POST /v5/order/create nth=3 times=2``."""
        parts = [self.channel.value]
        if self.method is not None:
            parts.append(self.method)
        for name in ("route", "account", "op", "topic", "role"):
            value = getattr(self, name)
            if value is not None:
                parts.append(value if name == "route" else f"{name}={value}")
        if self.nth != 1:
            parts.append(f"nth={self.nth}")
        parts.append("persistent" if self.times is None else f"times={self.times}")
        if self.after_s is not None:
            parts.append(f"after={self.after_s:g}s")
        return " ".join(parts)


def parse_match(match: Mapping[str, Any]) -> FaultMatch:
    """A :class:`FaultMatch` from the scenario/control-plane ``match`` mapping.

    Without ``times`` or ``persistent`` a rule fires once.

    Raises:
        FaultSpecError: an unknown key, a bad value, ``times`` together with ``persistent``, or
            criteria of the other channel (``op``/``topic``/``role`` on HTTP, ``method`` on WS).
    """
    if not isinstance(match, Mapping):
        raise FaultSpecError("match", f"expected a mapping with a channel, got {match!r}")
    unknown = sorted(set(match) - set(_KEYS))
    if unknown:
        raise FaultSpecError(f"match.{unknown[0]}", f"unknown field; a match takes {', '.join(_KEYS)}")
    channel = Channel(p.choice(match.get("channel", "http"), "match.channel", tuple(Channel)))
    wrong = _WS_ONLY if channel is Channel.HTTP else _HTTP_ONLY
    for name in wrong:
        if match.get(name) is not None:
            other = "ws" if channel is Channel.HTTP else "http"
            raise FaultSpecError(f"match.{name}", f"{name} matches {other} traffic; set channel: {other}")
    persistent = p.boolean(match.get("persistent", False), "match.persistent")
    if persistent and match.get("times") is not None:
        raise FaultSpecError("match.persistent", "give either times or persistent: true, not both")
    times = None if persistent else p.integer(match.get("times", 1), "match.times", minimum=1)
    method = match.get("method")
    role = match.get("role")
    after = match.get("after")
    return FaultMatch(
        channel=channel,
        method=None if method is None else p.text(method, "match.method").upper(),
        route=p.optional_text(match.get("route"), "match.route"),
        account=p.optional_text(match.get("account"), "match.account"),
        op=p.optional_text(match.get("op"), "match.op"),
        topic=p.optional_text(match.get("topic"), "match.topic"),
        role=None if role is None else p.choice(role, "match.role", _ROLES),
        nth=p.integer(match.get("nth", 1), "match.nth", minimum=1),
        times=times,
        after_s=None if after is None else p.duration_s(after, "match.after"),
    )
