"""Where adapter clients publish what they produce, and the recording sink tests drive.

Clients call the sink's methods from the event loop, synchronously and without blocking:

- ``on_data(data)`` - market data (QuoteTick, OrderBookDeltas, ...) and instruments;
- ``on_event(event)`` - order events (OrderAccepted, OrderFilled, ...) and AccountState;
- ``on_response(correlation_id, response)`` - the answer to a ``request_*`` call, a
  :class:`DataResponse` carrying the request's correlation id;
- ``on_error(error, context)`` - a failure in a background task (stream parse error, reconnect
  given up) that no caller is awaiting.

:class:`RecordingSink` records all of it in order with a monotonic index and lets a test (or the
conformance suite) ``await sink.wait_for(predicate, timeout)`` without polling.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Protocol, runtime_checkable
from uuid import UUID

from adapters.model.identifiers import ClientId, InstrumentId

__all__ = [
    "DataResponse",
    "EventSink",
    "Record",
    "RecordKind",
    "RecordingSink",
    "WaitTimeout",
]

RecordKind = Literal["data", "event", "response", "error"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DataResponse:
    """The answer to a historical request.

    ``data`` is in ascending ``ts_event`` order; ``start_ns``/``end_ns``/``limit``/``params``
    echo the request so the receiver can check what was asked.
    """

    correlation_id: UUID
    data_type: str
    data: tuple[Any, ...]
    ts_init: int
    client_id: ClientId | None = None
    instrument_id: InstrumentId | None = None
    start_ns: int | None = None
    end_ns: int | None = None
    limit: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Freeze ``data`` and ``params``.

        Raises:
            TypeError: ``correlation_id`` is not a UUID.
        """
        if not isinstance(self.correlation_id, UUID):
            raise TypeError(f"DataResponse.correlation_id must be a UUID, got {self.correlation_id!r}")
        object.__setattr__(self, "data", tuple(self.data))
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __hash__(self) -> int:
        return hash((self.correlation_id, self.data_type, self.data))


@runtime_checkable
class EventSink(Protocol):
    """What clients publish to. Methods are called on the event loop and must not block."""

    def on_data(self, data: Any) -> None:
        """Receive market data or an instrument."""
        ...

    def on_event(self, event: Any) -> None:
        """Receive an order event, an AccountState or an unsolicited execution report."""
        ...

    def on_response(self, correlation_id: UUID, response: DataResponse) -> None:
        """Receive the answer to the request made with ``correlation_id``."""
        ...

    def on_error(self, error: BaseException, context: str = "") -> None:
        """Receive a background failure; ``context`` says where (e.g. ``"ws public linear"``)."""
        ...


@dataclass(frozen=True, slots=True)
class Record:
    """One thing a RecordingSink received: its position, kind, payload and (for responses) id."""

    index: int
    kind: RecordKind
    payload: Any
    correlation_id: UUID | None = None
    context: str = ""


class WaitTimeout(AssertionError):
    """``RecordingSink.wait_for`` hit its deadline; the message lists the latest records.

    An AssertionError so that pytest reports it as a failed check, not a crash.
    """


@dataclass(slots=True)
class _Waiter:
    predicate: Callable[[Record], bool]
    since: int
    future: asyncio.Future[Record]


class RecordingSink:
    """An EventSink that records everything in arrival order and can be awaited on.

    ``records[i].index == i``. ``mark()`` returns the index the next record will get, so
    ``wait_for(pred, since=mark)`` ignores what arrived before a stimulus. Waiting never sleeps:
    each new record is offered to the pending waiters, which are futures resolved in place.
    """

    def __init__(self) -> None:
        """Create an empty sink."""
        self.records: list[Record] = []
        self._waiters: list[_Waiter] = []

    # ------------------------------------------------------------------ EventSink

    def on_data(self, data: Any) -> None:
        """Record market data or an instrument."""
        self._append("data", data)

    def on_event(self, event: Any) -> None:
        """Record an order event, AccountState or report."""
        self._append("event", event)

    def on_response(self, correlation_id: UUID, response: DataResponse) -> None:
        """Record a request's response under its correlation id."""
        self._append("response", response, correlation_id=correlation_id)

    def on_error(self, error: BaseException, context: str = "") -> None:
        """Record a background failure."""
        self._append("error", error, context=context)

    # ------------------------------------------------------------------ queries

    def mark(self) -> int:
        """The index the next record will get (use as ``since`` after a stimulus)."""
        return len(self.records)

    def payloads(
        self, kind: RecordKind | None = None, type_: type | tuple[type, ...] | None = None
    ) -> list[Any]:
        """Payloads in order, filtered by record kind and/or payload type."""
        return [
            r.payload
            for r in self.records
            if (kind is None or r.kind == kind) and (type_ is None or isinstance(r.payload, type_))
        ]

    def of_type(self, type_: type | tuple[type, ...], since: int = 0) -> list[Any]:
        """Payloads that are instances of ``type_``, recorded at or after index ``since``."""
        return [r.payload for r in self.records[since:] if isinstance(r.payload, type_)]

    def response(self, correlation_id: UUID) -> DataResponse | None:
        """The response recorded for ``correlation_id``, if any."""
        for r in self.records:
            if r.kind == "response" and r.correlation_id == correlation_id:
                return r.payload  # type: ignore[no-any-return]
        return None

    @property
    def errors(self) -> list[Record]:
        """The error records."""
        return [r for r in self.records if r.kind == "error"]

    # ------------------------------------------------------------------ waiting

    async def wait_for(
        self, predicate: Callable[[Record], bool], timeout: float, *, since: int = 0
    ) -> Record:
        """Wait for the first record at or after ``since`` that satisfies ``predicate``.

        Args:
            predicate: called with each candidate Record.
            timeout: seconds before giving up.
            since: the first index to consider (see :meth:`mark`).

        Returns:
            The matching record (an already recorded one if any matches).

        Raises:
            WaitTimeout: nothing matched before the deadline; the message lists the last records.
        """
        for record in self.records[since:]:
            if predicate(record):
                return record
        future: asyncio.Future[Record] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(predicate, since, future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            tail = "\n".join(f"  {r.index} {r.kind}: {r.payload!r}"[:300] for r in self.records[-10:])
            raise WaitTimeout(
                f"no record matched within {timeout}s (since index {since}, {len(self.records)} recorded); "
                f"last records:\n{tail or '  (none)'}"
            ) from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    async def wait_for_type(self, type_: type | tuple[type, ...], timeout: float, *, since: int = 0) -> Any:
        """Wait for a payload of ``type_`` (see :meth:`wait_for`) and return the payload."""
        record = await self.wait_for(lambda r: isinstance(r.payload, type_), timeout, since=since)
        return record.payload

    async def wait_for_response(self, correlation_id: UUID, timeout: float) -> DataResponse:
        """Wait for the response to the request made with ``correlation_id``."""
        record = await self.wait_for(
            lambda r: r.kind == "response" and r.correlation_id == correlation_id, timeout
        )
        return record.payload  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ internals

    def _append(
        self, kind: RecordKind, payload: Any, *, correlation_id: UUID | None = None, context: str = ""
    ) -> None:
        record = Record(len(self.records), kind, payload, correlation_id, context)
        self.records.append(record)
        for waiter in list(self._waiters):
            if waiter.future.done() or record.index < waiter.since:
                continue
            try:
                matched = waiter.predicate(record)
            except Exception as exc:  # a broken predicate fails its own wait, not the publisher
                waiter.future.set_exception(exc)
                continue
            if matched:
                waiter.future.set_result(record)
