"""The normalized error taxonomy every adapter raises, and the retry decision built on it.

Adapters translate whatever their venue and transport produce into exactly these classes, so
that the network toolkit's retry manager, the conformance suite and operators can react the
same way to every venue. The shape follows the adapter guide's advice (retryable,
non-retryable and fatal variants, original error kept as ``__cause__``):

- :class:`MissingCredentials` - the adapter was asked to do something private without keys.
- :class:`AuthenticationError` - the venue refused the key or the signature.
- :class:`RateLimited` - the venue said "slow down"; retryable after ``retry_after_s``.
- :class:`RetryableTransportError` - timeouts, connection resets, HTTP 5xx; retryable.
- :class:`VenueError` - the venue refused the request for a business reason; never retried.
- :class:`FatalAdapterError` - a programming or configuration error; never retried.
  :class:`UnsupportedFeature` is the fatal error for asking what the adapter does not claim.
"""

from __future__ import annotations

__all__ = [
    "AdapterError",
    "AuthenticationError",
    "FatalAdapterError",
    "MissingCredentials",
    "RateLimited",
    "RetryableTransportError",
    "UnsupportedFeature",
    "VenueError",
    "is_resendable",
    "is_retryable",
]


class AdapterError(Exception):
    """Base class of every error an adapter raises on purpose.

    ``retryable`` is a class attribute: the retry manager asks the class, never parses messages.
    """

    retryable: bool = False


class MissingCredentials(AdapterError):
    """A private operation was attempted without credentials.

    The message must say which environment variable or config field to set.
    """

    def __init__(self, message: str, *, env_var: str | None = None, field: str | None = None) -> None:
        """Create the error.

        Args:
            message: what was attempted and how to supply the credentials.
            env_var: the environment variable that would supply them, if any.
            field: the config field that would supply them, if any.
        """
        super().__init__(message)
        self.env_var = env_var
        self.field = field


class AuthenticationError(AdapterError):
    """The venue refused the API key or the signature (wrong key, bad signature, expired timestamp)."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        """Create the error.

        Args:
            message: the venue's message, or a description of the refusal.
            code: the venue's error code, if it sent one.
        """
        super().__init__(message)
        self.code = code


class RateLimited(AdapterError):
    """The venue rejected the request because a rate limit was exceeded. Retryable.

    ``retry_after_s`` is the venue's hint (Retry-After header or reset timestamp, converted to
    seconds from now) or ``None`` when it gave none; the retry manager waits at least that long.
    """

    retryable = True

    def __init__(self, message: str, *, retry_after_s: float | None = None, code: int | None = None) -> None:
        """Create the error.

        Args:
            message: the venue's message or a description of the limit hit.
            retry_after_s: seconds to wait before retrying, when the venue said so.
            code: the venue's error code, if it sent one.
        """
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.code = code


class RetryableTransportError(AdapterError):
    """A transient transport failure: timeout, connection reset, HTTP 5xx. Retryable.

    Whether the venue acted on the request is usually unknown (a reset may come after the venue
    processed it). ``not_processed`` is ``True`` only when it provably did not: the request never
    left this host (connection refused, name not resolved) or the venue said it refused it
    unprocessed. Only then may a non-idempotent request (an order) be sent again blindly; see
    :func:`is_resendable`.
    """

    retryable = True

    def __init__(
        self, message: str, *, http_status: int | None = None, not_processed: bool = False
    ) -> None:
        """Create the error.

        Args:
            message: what failed (endpoint, the underlying error).
            http_status: the HTTP status when the venue answered with a 5xx.
            not_processed: the request provably did not take effect at the venue.
        """
        super().__init__(message)
        self.http_status = http_status
        self.not_processed = not_processed


class VenueError(AdapterError):
    """The venue refused the request for a reason retrying will not fix (bad params, no balance...).

    ``code`` and ``message`` are the venue's own; ``http_status`` the HTTP status it came with.
    """

    def __init__(
        self, message: str, *, code: int | str | None = None, http_status: int | None = None
    ) -> None:
        """Create the error.

        Args:
            message: the venue's error message, verbatim.
            code: the venue's error code (e.g. Bybit's ``retCode``).
            http_status: the HTTP status of the answer, if it came over HTTP.
        """
        super().__init__(f"venue error {code}: {message}" if code is not None else message)
        self.code = code
        self.message = message
        self.http_status = http_status


class FatalAdapterError(AdapterError):
    """A programming or configuration error (unknown instrument, malformed payload). Never retried."""


def is_retryable(exc: BaseException) -> bool:
    """Tell whether an operation that raised ``exc`` may be retried.

    Only :class:`AdapterError` subclasses marked ``retryable`` are; anything else (including
    ``asyncio.CancelledError`` and plain programming errors) is not, so that a retry loop never
    hides a bug or swallows a cancellation.

    Args:
        exc: the exception raised by the attempt.

    Returns:
        True when the taxonomy marks the error retryable.
    """
    return isinstance(exc, AdapterError) and bool(exc.retryable)


def is_resendable(exc: BaseException) -> bool:
    """Tell whether a request that raised ``exc`` provably did not take effect at the venue.

    That is the retry rule for non-idempotent requests such as order entry: a rate-limit answer
    (the venue refused without acting) or a :class:`RetryableTransportError` marked
    ``not_processed``. Anything else (a reset, a timeout, a 5xx) leaves the outcome unknown: the
    caller must find out what the venue did (e.g. query the order) instead of sending again.

    Args:
        exc: the exception raised by the attempt.

    Returns:
        True when sending the same request again cannot make the venue act twice.
    """
    if isinstance(exc, RateLimited):
        return True
    return isinstance(exc, RetryableTransportError) and exc.not_processed


class UnsupportedFeature(FatalAdapterError):
    """The caller asked for something the adapter does not claim (see its Capabilities).

    ``feature`` is the capability key (e.g. ``"order_type:TRAILING_STOP_MARKET"`` or
    ``"data:instrument_close"``); the message carries the adapter's reason.
    """

    def __init__(self, message: str, *, feature: str) -> None:
        """Create the error.

        Args:
            message: what was asked and why the adapter cannot do it.
            feature: the capability key that is not supported.
        """
        super().__init__(message)
        self.feature = feature
