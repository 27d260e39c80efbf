"""Waiting for a task: the poll schedule and the decision after each poll (pure; the shells are in _images)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kling_api.models import ImageTask, TaskStatus

from ._constants import (
    WAIT_FIRST_POLL_SECONDS,
    WAIT_MAX_INTERVAL_SECONDS,
    WAIT_MIN_INTERVAL_SECONDS,
    WAIT_POLL_FRACTION,
)
from ._errors import TaskFailedError, TaskTimeoutError


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


def decide(task: ImageTask) -> Outcome:
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

    def sleep_before_next_poll(self, now: float) -> float:
        """How long to sleep before the next poll; TaskTimeoutError if the deadline has passed.

        The last sleep is shortened to end at the deadline, so the final poll happens right at it.
        """
        waited = now - self.started
        remaining = self.timeout - waited
        if remaining <= 0:
            raise TaskTimeoutError(self.task_id, self.last_status, waited)
        return min(next_poll_delay(waited), remaining)
