"""WebSocket login: what the adapter supplies (:class:`AuthSpec`) and the checked state machine.

The adapter knows its venue's login message and ack; the toolkit knows when to send it (first,
on every connection, before any subscription) and keeps :class:`AuthTracker` honest: a state can
only move along :data:`TRANSITIONS`, so "authenticated without an ack" is an error, not a state.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["TRANSITIONS", "AuthResult", "AuthSpec", "AuthState", "AuthTracker"]


class AuthState(enum.Enum):
    """Where the login of the current connection stands."""

    UNAUTHENTICATED = "unauthenticated"
    AUTHENTICATING = "authenticating"
    AUTHENTICATED = "authenticated"
    FAILED = "failed"


TRANSITIONS: dict[AuthState, frozenset[AuthState]] = {
    AuthState.UNAUTHENTICATED: frozenset({AuthState.AUTHENTICATING}),
    AuthState.AUTHENTICATING: frozenset(
        {AuthState.AUTHENTICATED, AuthState.FAILED, AuthState.UNAUTHENTICATED}
    ),
    AuthState.AUTHENTICATED: frozenset({AuthState.UNAUTHENTICATED}),
    AuthState.FAILED: frozenset({AuthState.AUTHENTICATING, AuthState.UNAUTHENTICATED}),
}
"""The allowed moves; a lost connection takes any state back to UNAUTHENTICATED."""


@dataclass(frozen=True, slots=True)
class AuthResult:
    """The venue's answer to a login: success, or a refusal with its code and message."""

    success: bool
    message: str = ""
    code: int | None = None


@dataclass(frozen=True, slots=True)
class AuthSpec:
    """How an adapter logs a connection in.

    Attributes:
        build: makes the login message (a coroutine so it can read a clock or fetch a token);
            called afresh for every connection, so expiries and signatures are always new.
            Return a dict/list (sent as JSON) or a str.
        parse_ack: recognises the login ack among incoming messages: returns an
            :class:`AuthResult` for the ack, ``None`` for anything else.
        timeout_s: how long to wait for the ack before giving up.
    """

    build: Callable[[], Awaitable[Any]]
    parse_ack: Callable[[Any], AuthResult | None]
    timeout_s: float = 5.0


class AuthTracker:
    """The login state of a client, moved only along :data:`TRANSITIONS`."""

    def __init__(self) -> None:
        """Start unauthenticated."""
        self._state = AuthState.UNAUTHENTICATED
        self.logins = 0
        """How many logins were sent (one per connection when all goes well)."""

    @property
    def state(self) -> AuthState:
        """The current state."""
        return self._state

    @property
    def is_authenticated(self) -> bool:
        """True only between a successful ack and the connection's end."""
        return self._state is AuthState.AUTHENTICATED

    def move(self, target: AuthState) -> None:
        """Move to ``target``.

        Raises:
            RuntimeError: when the move is not allowed (a bug in the caller, not a venue problem).
        """
        if target is self._state and target is AuthState.UNAUTHENTICATED:
            return
        if target not in TRANSITIONS[self._state]:
            raise RuntimeError(f"auth state cannot move from {self._state.name} to {target.name}")
        if target is AuthState.AUTHENTICATING:
            self.logins += 1
        self._state = target
