"""When to retry, and how long to wait first (pure decisions, plus tenacity set up for sync and async).

Queries (get, list) are safe to repeat: they retry connection errors, timeouts, 429 (1302/1303) and 5xx.
A create is not: it retries as is only when the request surely did not create anything (the connection
was refused, or 1302/1303); after an ambiguous failure it looks the task up first (see _images).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import httpx
import tenacity

from ._constants import (
    RETRY_AFTER_MAX_SECONDS,
    RETRY_BASE_DELAY_SECONDS,
    RETRY_MAX_DELAY_SECONDS,
    RETRY_MIN_DELAY_SECONDS,
)
from ._errors import (
    APIConnectionError,
    APIError,
    KlingError,
    MalformedResponseError,
    RateLimitError,
    ServerError,
)
from ._logging import log_retry


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


def _wait_strategy(rand: Callable[[], float], done: int) -> Callable[[tenacity.RetryCallState], float]:
    def wait(state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        return backoff_delay(done + state.attempt_number, error, rand)

    return wait


def _log_before_sleep(what: str, done: int) -> Callable[[tenacity.RetryCallState], None]:
    def before_sleep(state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        delay = state.next_action.sleep if state.next_action is not None else 0.0
        if error is not None:
            log_retry(what, done + state.attempt_number, delay, error)

    return before_sleep


def retrying(
    what: str,
    *,
    max_retries: int,
    timing: Timing,
    should_retry: Callable[[BaseException], bool],
    attempts_done: int = 0,
) -> tenacity.Retrying:
    """A sync tenacity loop: up to ``max_retries`` retries of errors ``should_retry`` accepts.

    ``attempts_done`` attempts already failed before this loop (a query's first, sent without a loop):
    they count against ``max_retries`` and the backoff carries on from them.
    """
    return tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max_retries + 1 - attempts_done),
        retry=tenacity.retry_if_exception(should_retry),
        wait=_wait_strategy(timing.random, attempts_done),
        sleep=timing.sleep,
        before_sleep=_log_before_sleep(what, attempts_done),
        reraise=True,
    )


def async_retrying(
    what: str,
    *,
    max_retries: int,
    timing: Timing,
    should_retry: Callable[[BaseException], bool],
    attempts_done: int = 0,
) -> tenacity.AsyncRetrying:
    """The async twin of :func:`retrying`."""
    return tenacity.AsyncRetrying(
        stop=tenacity.stop_after_attempt(max_retries + 1 - attempts_done),
        retry=tenacity.retry_if_exception(should_retry),
        wait=_wait_strategy(timing.random, attempts_done),
        sleep=timing.async_sleep,
        before_sleep=_log_before_sleep(what, attempts_done),
        reraise=True,
    )


def first_retry_delay(what: str, error: KlingError, max_retries: int, timing: Timing) -> float | None:
    """After a query's first attempt failed: the delay before its first retry, or None to give up now."""
    if max_retries < 1 or not is_retryable_query_error(error):
        return None
    delay = backoff_delay(1, error, timing.random)
    log_retry(what, 1, delay, error)
    return delay
