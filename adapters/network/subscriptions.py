"""What a WebSocket client is subscribed to: pending, active and unsubscribed topics.

Pure bookkeeping, no I/O; :class:`~adapters.network.websocket.WebSocketClient` drives it. Topics
are reference-counted, so two consumers of one venue topic (say two instruments sharing an index
topic) cause one subscribe and, only when the last lets go, one unsubscribe.

Life of a topic::

    subscribe() -> PENDING --ack ok--> ACTIVE --unsubscribe()--> UNSUBSCRIBING --ack--> gone
                      ^  \\--ack failed: stays PENDING (retried on reconnect)
                      \\---- connection lost: ACTIVE goes back to PENDING, to be restored

A topic unsubscribed while the connection is down is simply dropped, which is how a reconnect
skips topics unsubscribed before the drop.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["SubscriptionAck", "SubscriptionCodec", "SubscriptionState", "TopicStatus"]


class TopicStatus(enum.Enum):
    """Where a subscribed topic stands with the venue."""

    PENDING = "pending"
    """Wanted; the subscribe is queued, in flight, was refused, or awaits a reconnect."""
    ACTIVE = "active"
    """The venue confirmed the subscribe on the current connection."""
    UNSUBSCRIBING = "unsubscribing"
    """No longer wanted; the unsubscribe awaits the venue's ack."""


@dataclass(frozen=True, slots=True)
class SubscriptionAck:
    """A venue's answer to a subscribe or unsubscribe, as the adapter's ack parser read it.

    The topics come from the request with the same ``req_id`` when the venue echoes it (Bybit),
    else from ``topics``. ``failed_topics`` names the refused part of a partly successful ack.
    """

    op: Literal["subscribe", "unsubscribe"]
    success: bool
    req_id: str | None = None
    topics: tuple[str, ...] = ()
    failed_topics: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True, slots=True)
class SubscriptionCodec:
    """The venue's subscription messages.

    Attributes:
        subscribe: ``(topics, req_id) -> message`` (dict/list sent as JSON, or a str).
        unsubscribe: ``(topics, req_id) -> message``.
        parse_ack: returns a :class:`SubscriptionAck` for an ack, ``None`` for anything else.
        max_topics_per_message: how many topics one restore message may carry (Bybit: 10).
    """

    subscribe: Callable[[Sequence[str], str], Any]
    unsubscribe: Callable[[Sequence[str], str], Any]
    parse_ack: Callable[[Any], SubscriptionAck | None]
    max_topics_per_message: int = 10


@dataclass(slots=True)
class _Topic:
    status: TopicStatus
    refs: int = 1


@dataclass(slots=True)
class SubscriptionState:
    """The topic sets of one WebSocket client (insertion-ordered, so restores keep the user's order)."""

    _topics: dict[str, _Topic] = field(default_factory=dict)
    unsubscribed: set[str] = field(default_factory=set)
    """Topics that were subscribed once and have since been let go completely."""
    failures: dict[str, str] = field(default_factory=dict)
    """The venue's last refusal message per topic still pending."""

    # ------------------------------------------------------------------ queries

    def status(self, topic: str) -> TopicStatus | None:
        """Return the topic's status, or ``None`` when it is not subscribed."""
        entry = self._topics.get(topic)
        return entry.status if entry else None

    def _with(self, status: TopicStatus) -> frozenset[str]:
        return frozenset(t for t, e in self._topics.items() if e.status is status)

    @property
    def active(self) -> frozenset[str]:
        """Topics the venue confirmed on the current connection."""
        return self._with(TopicStatus.ACTIVE)

    @property
    def pending(self) -> frozenset[str]:
        """Topics wanted but not (yet) confirmed."""
        return self._with(TopicStatus.PENDING)

    @property
    def unsubscribing(self) -> frozenset[str]:
        """Topics whose unsubscribe awaits an ack."""
        return self._with(TopicStatus.UNSUBSCRIBING)

    def refs(self, topic: str) -> int:
        """Return how many subscribers hold ``topic`` (0 when none)."""
        entry = self._topics.get(topic)
        return entry.refs if entry and entry.status is not TopicStatus.UNSUBSCRIBING else 0

    # ------------------------------------------------------------------ user intent

    def add(self, topic: str) -> bool:
        """Record one more subscriber of ``topic``.

        Returns:
            True when a subscribe must be sent (first subscriber, or the topic was being
            unsubscribed); False when the topic is already pending or active.
        """
        entry = self._topics.get(topic)
        if entry is None or entry.status is TopicStatus.UNSUBSCRIBING:
            self._topics[topic] = _Topic(TopicStatus.PENDING)
            self.unsubscribed.discard(topic)
            return True
        entry.refs += 1
        return False

    def remove(self, topic: str, *, connected: bool) -> bool:
        """Record that one subscriber let go of ``topic``.

        Args:
            topic: the topic.
            connected: whether a live connection can carry an unsubscribe now. When not, the topic
                is dropped at once (a later restore will not send it).

        Returns:
            True when an unsubscribe must be sent now.
        """
        entry = self._topics.get(topic)
        if entry is None or entry.status is TopicStatus.UNSUBSCRIBING:
            return False
        entry.refs -= 1
        if entry.refs > 0:
            return False
        if not connected:
            self._drop(topic)
            return False
        entry.status = TopicStatus.UNSUBSCRIBING
        return True

    # ------------------------------------------------------------------ venue acks

    def confirm_subscribe(self, topics: Iterable[str]) -> list[str]:
        """Mark pending topics active; returns those that changed."""
        changed = []
        for topic in topics:
            entry = self._topics.get(topic)
            if entry is not None and entry.status is TopicStatus.PENDING:
                entry.status = TopicStatus.ACTIVE
                self.failures.pop(topic, None)
                changed.append(topic)
        return changed

    def fail_subscribe(self, topics: Iterable[str], message: str) -> list[str]:
        """Record a refused subscribe; the topics stay pending (retried on reconnect)."""
        failed = []
        for topic in topics:
            entry = self._topics.get(topic)
            if entry is not None and entry.status is TopicStatus.PENDING:
                self.failures[topic] = message
                failed.append(topic)
        return failed

    def confirm_unsubscribe(self, topics: Iterable[str]) -> list[str]:
        """Forget topics whose unsubscribe the venue confirmed; returns those removed."""
        removed = []
        for topic in topics:
            entry = self._topics.get(topic)
            if entry is not None and entry.status is TopicStatus.UNSUBSCRIBING:
                self._drop(topic)
                removed.append(topic)
        return removed

    def fail_unsubscribe(self, topics: Iterable[str]) -> list[str]:
        """A refused unsubscribe leaves the venue streaming: the topics go back to active."""
        restored = []
        for topic in topics:
            entry = self._topics.get(topic)
            if entry is not None and entry.status is TopicStatus.UNSUBSCRIBING:
                entry.status = TopicStatus.ACTIVE
                entry.refs = 1
                restored.append(topic)
        return restored

    # ------------------------------------------------------------------ connection events

    def connection_lost(self) -> None:
        """The connection dropped: active topics must be restored, pending unsubscribes are done."""
        for topic in list(self._topics):
            entry = self._topics[topic]
            if entry.status is TopicStatus.UNSUBSCRIBING:
                # The venue forgot every subscription with the connection.
                self._drop(topic)
            else:
                entry.status = TopicStatus.PENDING

    def to_restore(self) -> list[str]:
        """Return the topics a fresh connection must subscribe, each once, in subscription order."""
        return [t for t, e in self._topics.items() if e.status is TopicStatus.PENDING]

    def _drop(self, topic: str) -> None:
        del self._topics[topic]
        self.failures.pop(topic, None)
        self.unsubscribed.add(topic)
