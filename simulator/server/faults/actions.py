"""What a fault does when it fires: one small immutable class per action kind.

Actions are data. The server's request path (:mod:`simulator.server.http`) carries them out; this
module only says what each one means, reads it from a ``{"kind": ..., **params}`` mapping (scenario
YAML, control-plane JSON) and writes it back (:meth:`FaultAction.params`).

HTTP actions (``kind``, parameters):

=================== ======================================================================
``http_status``     answer with HTTP ``status`` (``body``, ``content_type``); the venue never sees it
``ret_code``        answer with the venue's error envelope ``code``/``message`` (HTTP ``http_status``)
``rate_limit``      answer with the venue's rate-limit error and limit headers, the reset ``reset_ms`` ahead
``delay``           hold the request (``phase: request``) or its answer (``phase: response``) ``seconds``
``stall``           hold the request until the fault is cleared (then it proceeds) or the simulator stops
``reset_connection`` abort the TCP connection (RST) before (``phase: request``) or after the venue handled it
``malformed_body``  the venue handles it; the answer's body is replaced by broken JSON (or ``body``)
``truncated_body``  the venue handles it; the connection closes after ``keep`` bytes of the body
``clock_skew``      while armed, the venue's time as sent to clients is ``seconds`` off
``batch_item_error`` the venue handles a batch but refuses item ``index`` (1-based) with ``code``
=================== ======================================================================

WebSocket actions are interpreted by the WebSocket sessions; until a dialect registers them
(:data:`WS_ACTIONS`) a ``channel: ws`` rule keeps its action as a :class:`WsAction` (kind and raw
parameters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, ClassVar

from simulator.server.errors import FaultSpecError
from simulator.server.faults import params as p

__all__ = [
    "HTTP_ACTIONS",
    "WS_ACTIONS",
    "BatchItemError",
    "ClockSkew",
    "Delay",
    "DelayClock",
    "FaultAction",
    "HttpStatus",
    "MalformedBody",
    "Phase",
    "RateLimit",
    "ResetConnection",
    "RetCode",
    "Stall",
    "TruncatedBody",
    "WsAction",
    "parse_action",
]

_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


class Phase(StrEnum):
    """Where an action hits: the request on its way in, or the answer on its way out."""

    #: Before the venue handles the request (the venue never sees it, or sees it late).
    REQUEST = "request"
    #: After the venue handled it: state has changed, only the answer is affected.
    RESPONSE = "response"


class DelayClock(StrEnum):
    """Which clock a delay waits on."""

    #: Real seconds (``asyncio.sleep`` on the server side).
    WALL = "wall"
    #: Venue seconds: with a virtual clock the request is released when the test advances it.
    VENUE = "venue"


@dataclass(frozen=True, slots=True)
class FaultAction:
    """Base of the actions. ``KIND`` is the name used in YAML/JSON (``http_status``)."""

    KIND: ClassVar[str] = ""
    #: Which channel the action applies to: "http" or "ws".
    CHANNEL: ClassVar[str] = "http"

    @property
    def kind(self) -> str:
        return self.KIND

    def params(self) -> dict[str, Any]:
        """The action as plain JSON-able data, ``{"kind": ..., **parameters}``."""
        data: dict[str, Any] = {"kind": self.KIND}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            elif isinstance(value, StrEnum):
                value = value.value
            elif isinstance(value, Mapping):
                value = dict(value)
            data[spec.name] = value
        return data

    def describe(self) -> str:
        """One line for the journal: the kind and its parameters."""
        shown = [f"{k}={v!r}" for k, v in self.params().items() if k != "kind" and v not in (None, "", {})]
        return " ".join([self.KIND, *shown])

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> FaultAction:  # pragma: no cover - overridden
        raise NotImplementedError


def _check_keys(kind: str, params: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(params) - {"kind", *allowed})
    if unknown:
        takes = ", ".join(allowed) if allowed else "no parameters"
        raise FaultSpecError(f"action.{unknown[0]}", f"unknown parameter for {kind}; it takes {takes}")


def _coerce(action: FaultAction, name: str, enum: type[StrEnum]) -> None:
    """Turn a plain string given for an enum field (``phase="response"``) into the enum."""
    value = getattr(action, name)
    if not isinstance(value, enum):
        object.__setattr__(action, name, enum(p.choice(value, f"action.{name}", tuple(enum))))


def _required(kind: str, params: Mapping[str, Any], name: str) -> Any:
    if name not in params:
        raise FaultSpecError(f"action.{name}", f"{kind} needs {name}")
    return params[name]


@dataclass(frozen=True, slots=True)
class HttpStatus(FaultAction):
    """Answer with an HTTP status instead of the venue (a gateway error, a 404 page ...).

    ``body`` defaults to the status's reason phrase.
    """

    KIND: ClassVar[str] = "http_status"
    status: int = 503
    body: str = ""
    content_type: str = "text/plain"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> HttpStatus:
        _check_keys(cls.KIND, params, ("status", "body", "content_type"))
        status = p.integer(_required(cls.KIND, params, "status"), "action.status", minimum=200, maximum=599)
        body = params.get("body", "")
        if not isinstance(body, str):
            raise FaultSpecError("action.body", f"expected text, got {body!r}")
        return cls(status, body, p.text(params.get("content_type", "text/plain"), "action.content_type"))


@dataclass(frozen=True, slots=True)
class RetCode(FaultAction):
    """Answer with the venue's error envelope (``retCode``/``retMsg`` for Bybit) instead of the venue.

    ``message`` defaults to the venue's message for ``code`` when the dialect knows it.
    """

    KIND: ClassVar[str] = "ret_code"
    code: int = 10016
    message: str | None = None
    http_status: int = 200

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> RetCode:
        _check_keys(cls.KIND, params, ("code", "message", "http_status"))
        return cls(
            p.integer(_required(cls.KIND, params, "code"), "action.code"),
            p.optional_text(params.get("message"), "action.message"),
            p.integer(params.get("http_status", 200), "action.http_status", minimum=200, maximum=599),
        )


@dataclass(frozen=True, slots=True)
class RateLimit(FaultAction):
    """Answer with the venue's rate-limit error (Bybit: retCode 10006) and its limit headers.

    The reset timestamp is always ``reset_ms`` in the future, as real clients require. Arm it with
    ``times: N`` for a storm of N refused calls.
    """

    KIND: ClassVar[str] = "rate_limit"
    reset_ms: int = 1000

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> RateLimit:
        _check_keys(cls.KIND, params, ("reset_ms",))
        return cls(p.integer(params.get("reset_ms", 1000), "action.reset_ms", minimum=1))


@dataclass(frozen=True, slots=True)
class Delay(FaultAction):
    """Hold the request (``phase=request``) or its answer (``phase=response``) for ``seconds``.

    ``clock=wall`` waits real seconds; ``clock=venue`` waits venue seconds, so with a virtual clock
    the request is released when the test advances the clock past it.
    """

    KIND: ClassVar[str] = "delay"
    seconds: float = 1.0
    phase: Phase = Phase.REQUEST
    clock: DelayClock = DelayClock.WALL

    def __post_init__(self) -> None:
        _coerce(self, "phase", Phase)
        _coerce(self, "clock", DelayClock)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Delay:
        _check_keys(cls.KIND, params, ("seconds", "phase", "clock"))
        return cls(
            p.duration_s(_required(cls.KIND, params, "seconds"), "action.seconds"),
            Phase(p.choice(params.get("phase", "request"), "action.phase", tuple(Phase))),
            DelayClock(p.choice(params.get("clock", "wall"), "action.clock", tuple(DelayClock))),
        )


@dataclass(frozen=True, slots=True)
class Stall(FaultAction):
    """Hold the request, unanswered, until the fault is cleared or the simulator stops.

    Cleared: the held requests go on to the venue and are answered (late: the client has usually
    given up, which is the point: the venue may still act on them). Stopped: their connections
    are closed unanswered.
    """

    KIND: ClassVar[str] = "stall"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Stall:
        _check_keys(cls.KIND, params, ())
        return cls()


@dataclass(frozen=True, slots=True)
class ResetConnection(FaultAction):
    """Abort the TCP connection with a reset, before the venue sees the request or after it acted."""

    KIND: ClassVar[str] = "reset_connection"
    phase: Phase = Phase.REQUEST

    def __post_init__(self) -> None:
        _coerce(self, "phase", Phase)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ResetConnection:
        _check_keys(cls.KIND, params, ("phase",))
        return cls(Phase(p.choice(params.get("phase", "request"), "action.phase", tuple(Phase))))


@dataclass(frozen=True, slots=True)
class MalformedBody(FaultAction):
    """The venue handles the request; the answer's body is replaced by broken JSON.

    By default the venue's real body without its last byte (unterminated JSON); ``body`` replaces
    it with given text. Status and headers stay as the venue sent them.
    """

    KIND: ClassVar[str] = "malformed_body"
    body: str | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> MalformedBody:
        _check_keys(cls.KIND, params, ("body",))
        body = params.get("body")
        if body is not None and not isinstance(body, str):
            raise FaultSpecError("action.body", f"expected text, got {body!r}")
        return cls(body)


@dataclass(frozen=True, slots=True)
class TruncatedBody(FaultAction):
    """The venue handles the request; the answer announces its full length, then the connection
    closes after ``keep`` bytes of the body (half of it by default)."""

    KIND: ClassVar[str] = "truncated_body"
    keep: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> TruncatedBody:
        _check_keys(cls.KIND, params, ("keep",))
        keep = params.get("keep")
        return cls(None if keep is None else p.integer(keep, "action.keep", minimum=0))


@dataclass(frozen=True, slots=True)
class ClockSkew(FaultAction):
    """While armed, the venue's time as clients see it is ``seconds`` off (negative: behind).

    It moves what the dialect sends and checks against the client's clock: the envelope ``time``,
    the server-time endpoint, the recv-window check of signed requests and the rate-limit reset
    headers. Timers and event timestamps keep the venue clock. It applies from arming until
    cleared, so it takes no ``nth``/``times``.
    """

    KIND: ClassVar[str] = "clock_skew"
    seconds: float = 0.0

    @property
    def offset_ns(self) -> int:
        return round(self.seconds * 1e9)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ClockSkew:
        _check_keys(cls.KIND, params, ("seconds",))
        value = _required(cls.KIND, params, "seconds")
        if isinstance(value, str):  # "2s", "-1m": a duration with an optional sign
            sign = -1 if value.startswith("-") else 1
            return cls(sign * p.duration_s(value.lstrip("+-"), "action.seconds"))
        return cls(p.number(value, "action.seconds"))


@dataclass(frozen=True, slots=True)
class BatchItemError(FaultAction):
    """The venue handles a batch request, but refuses its item ``index`` (1-based) with ``code``.

    The refused item is answered in the batch's per-item results (Bybit: ``retExtInfo.list[i]``
    ``{code, msg}``) and never reaches the venue's core; the other items are executed as usual.
    ``message`` defaults to the venue's message for ``code``. Match it to a batch route: on any
    other request, or a batch with fewer items, it changes nothing (the journal still shows it
    fired, for it did hit the request).
    """

    KIND: ClassVar[str] = "batch_item_error"
    index: int = 1
    code: int = 10001
    message: str | None = None

    def __post_init__(self) -> None:
        # Checked here, so an action built in Python is checked like one read from YAML or JSON.
        object.__setattr__(self, "index", p.integer(self.index, "action.index", minimum=1))
        code = p.integer(self.code, "action.code")
        if code == 0:
            raise FaultSpecError(
                "action.code", "0 means success; give the non-zero code to refuse the item with"
            )
        object.__setattr__(self, "code", code)
        p.optional_text(self.message, "action.message")

    @property
    def item_errors(self) -> dict[int, tuple[int, str | None]]:
        """The refusal as a dialect takes it: 0-based item position -> (code, message or None)."""
        return {self.index - 1: (self.code, self.message)}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> BatchItemError:
        _check_keys(cls.KIND, params, ("index", "code", "message"))
        return cls(
            _required(cls.KIND, params, "index"), _required(cls.KIND, params, "code"), params.get("message")
        )


@dataclass(frozen=True, slots=True)
class WsAction(FaultAction):
    """A WebSocket action kept as its kind and raw parameters for the WebSocket sessions."""

    CHANNEL: ClassVar[str] = "ws"
    name: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.name

    def params(self) -> dict[str, Any]:
        return {"kind": self.name, **self.raw}

    def describe(self) -> str:
        shown = [f"{k}={v!r}" for k, v in self.raw.items()]
        return " ".join([self.name, *shown])


#: HTTP action classes by kind.
HTTP_ACTIONS: dict[str, type[FaultAction]] = {
    cls.KIND: cls
    for cls in (
        HttpStatus,
        RetCode,
        RateLimit,
        Delay,
        Stall,
        ResetConnection,
        MalformedBody,
        TruncatedBody,
        ClockSkew,
        BatchItemError,
    )
}

#: WebSocket action readers by kind, registered by the WebSocket side; other ws kinds are kept raw.
WS_ACTIONS: dict[str, Callable[[Mapping[str, Any]], FaultAction]] = {}


def parse_action(action: FaultAction | Mapping[str, Any], channel: str) -> FaultAction:
    """The action a rule's ``action`` mapping (``{"kind": ..., **params}``) describes.

    Raises:
        FaultSpecError: no ``kind``, a kind the channel does not have, or bad parameters.
    """
    if isinstance(action, FaultAction):
        if channel != action.CHANNEL:
            raise FaultSpecError(
                "action",
                f"{action.kind} is a {action.CHANNEL} action; arm it with channel={action.CHANNEL!r}",
            )
        return action
    if not isinstance(action, Mapping):
        raise FaultSpecError("action", f"expected a mapping with a kind, got {action!r}")
    kind = action.get("kind")
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise FaultSpecError(
            "action.kind", f"expected an action kind in snake_case like http_status, got {kind!r}"
        )
    if channel == "http":
        cls = HTTP_ACTIONS.get(kind)
        if cls is None:
            known = ", ".join(HTTP_ACTIONS)
            raise FaultSpecError("action.kind", f"unknown HTTP fault action {kind!r}; use one of {known}")
        return cls.from_params(action)
    reader = WS_ACTIONS.get(kind)
    if reader is not None:
        return reader(action)
    return WsAction(kind, {k: v for k, v in action.items() if k != "kind"})
