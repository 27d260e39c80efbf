"""Waiting for a task: the poll schedule and the decision after each poll (pure; the shells are in _images)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kling_api.models import TaskStatus

from ._constants import (
    RETRY_BASE_DELAY_SECONDS,
    WAIT_FIRST_POLL_SECONDS,
    WAIT_MAX_INTERVAL_SECONDS,
    WAIT_MIN_INTERVAL_SECONDS,
    WAIT_POLL_FRACTION,
)
from ._endpoints import Task
from ._errors import KlingError, TaskFailedError, TaskTimeoutError


def next_poll_delay(waited: float) -> float:
    """Seconds until the next poll, having waited ``waited`` seconds so far.

    Queries cost no quota, so poll soon, then every WAIT_POLL_FRACTION of the time already waited
    (clamped): the delay between completion and its detection stays a small share of the run time.
    """
    if waited <= 0:
        return WAIT_FIRST_POLL_SECONDS
    return min(WAIT_MAX_INTERVAL_SECONDS, max(WAIT_MIN_INTERVAL_SECONDS, waited * WAIT_POLL_FRACTION))


class Outcome(Enum):
    DONE = "done"
    KEEP_WAITING = "keep waiting"


def decide(task: Task) -> Outcome:
    """DONE for a succeeded task; TaskFailedError for a failed one; otherwise keep waiting.

    A status this client does not know yet (forward compatibility) is not an end: keep waiting.
    """
    if task.task_status == TaskStatus.SUCCEED:
        return Outcome.DONE
    if task.task_status == TaskStatus.FAILED:
        raise TaskFailedError(task)
    return Outcome.KEEP_WAITING


@dataclass
class WaitPlan:
    """The deadline bookkeeping of one wait: when to poll next, and when to give up."""

    task_id: str
    timeout: float
    started: float
    last_status: str | None = None
    last_error: KlingError | None = None

    def polled(self, status: str) -> None:
        self.last_status = status
        self.last_error = None

    def missed_poll(self, error: KlingError, retryable: bool) -> None:
        """A poll that failed: a transient error is remembered and waited past; any other is raised."""
        if not retryable:
            raise error
        self.last_error = error

    def sleep_before_next_poll(self, now: float) -> float:
        """How long to sleep before the next poll; TaskTimeoutError if the deadline has passed.

        The last sleep is shortened to end at the deadline, so the final poll happens right at it.
        """
        waited = now - self.started
        remaining = self.timeout - waited
        if remaining <= 0:
            # The last transient failure, if the deadline came during an outage, is the cause.
            raise TaskTimeoutError(self.task_id, self.last_status, waited) from self.last_error
        delay = next_poll_delay(waited)
        if self.last_error is not None:
            # The server asked for a pause (Retry-After), or a failed poll is followed by the usual backoff.
            retry_after = getattr(self.last_error, "_retry_after", None)
            delay = max(delay, retry_after if isinstance(retry_after, float) else RETRY_BASE_DELAY_SECONDS)
        return min(delay, remaining)
