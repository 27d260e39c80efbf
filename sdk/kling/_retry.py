"""When to retry, and how long to wait first: pure decisions. The one retry loop is ``_flows.with_retries``.

Queries (get, list) are safe to repeat: they retry connection errors, timeouts, 429 (1302/1303) and 5xx.
A create is not: it retries as is only when the request surely did not create anything (the connection
was refused, or 1302/1303); after an ambiguous failure it looks the task up first (see ``_flows.create``).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import httpx

from ._constants import (
    RETRY_AFTER_MAX_SECONDS,
    RETRY_BASE_DELAY_SECONDS,
    RETRY_MAX_DELAY_SECONDS,
    RETRY_MIN_DELAY_SECONDS,
)
from ._errors import (
    APIConnectionError,
    APIError,
    MalformedResponseError,
    RateLimitError,
    ServerError,
)


@dataclass
class Timing:
    """Clock, sleeps and randomness of a client: tests replace them (``client._timing = ...``)."""

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)
    # Jitter only; not for security.
    random: Callable[[], float] = random.random


# Seconds only ("120", "1.5"); an HTTP date or anything odd is ignored. Bounded length: no int() on huge input.
_RETRY_AFTER = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,6})?")


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The server's Retry-After in seconds, capped at RETRY_AFTER_MAX_SECONDS; None when absent or unreadable."""
    value = headers.get("retry-after")
    if value is None or not _RETRY_AFTER.fullmatch(value.strip()):
        return None
    return min(float(value.strip()), RETRY_AFTER_MAX_SECONDS)


def backoff_delay(retry_number: int, error: BaseException | None, rand: Callable[[], float]) -> float:
    """Seconds to sleep before retry ``retry_number`` (1 for the first retry).

    The server's Retry-After wins when given; otherwise exponential backoff with full jitter, capped.
    """
    retry_after: object = getattr(error, "_retry_after", None)
    if isinstance(retry_after, float):
        return retry_after
    ceiling = min(RETRY_MAX_DELAY_SECONDS, RETRY_BASE_DELAY_SECONDS * 2.0 ** (retry_number - 1))
    return max(RETRY_MIN_DELAY_SECONDS, ceiling * rand())


def is_retryable_query_error(error: BaseException) -> bool:
    """A query may be repeated after a connection error, a timeout, 1302/1303 or any 5xx."""
    if isinstance(error, APIConnectionError):
        return True
    return isinstance(error, APIError) and error.retryable


# httpx raises these before a single byte of the request left: nothing can have been created.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def create_surely_not_done(error: BaseException) -> bool:
    """The create certainly created nothing: connection refused / not made, or rate-limited (1302/1303)."""
    if isinstance(error, RateLimitError):
        return True
    return isinstance(error, APIConnectionError) and isinstance(error.__cause__, _NOT_SENT)


def create_ambiguous(error: BaseException) -> bool:
    """The create may or may not have created a task: a timeout while reading, a dropped connection, a 5xx,
    or an answer we could not read (a truncated 200 may well stand for a created task)."""
    if create_surely_not_done(error):
        return False
    return isinstance(error, APIConnectionError | ServerError | MalformedResponseError)


def create_should_retry(error: BaseException) -> bool:
    """A create is tried again after a failure that surely created nothing, or an ambiguous one (looked up first)."""
    return create_surely_not_done(error) or create_ambiguous(error)
