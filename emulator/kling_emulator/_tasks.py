"""Tasks: their lifecycle on a clock, the concurrency quota, and a store bounded in time and size.

A task's status is a pure function of the clock: ``submitted`` from creation, ``processing``
from ``processing_at``, then its outcome (``succeed`` or ``failed``) from ``finished_at``. Nothing
needs to run for a status to move on; :meth:`TaskStore.advance` only releases the slots of
tasks that ended, forgets expired ones and collects the status changes not yet announced to
a ``callback_url``.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ._images import image_path


class TaskStatus(StrEnum):
    SUBMITTED = "submitted"
    PROCESSING = "processing"
    SUCCEED = "succeed"
    FAILED = "failed"


class QuotaExceeded(Exception):
    """The task does not fit in the free concurrency slots."""


class DuplicateExternalId(Exception):
    """``external_task_id`` already names another task."""


@dataclass(frozen=True)
class TaskSpec:
    """What the create request asked for, after defaults."""

    model_name: str
    prompt: str
    n: int
    aspect_ratio: str
    resolution: str
    width: int
    height: int
    external_task_id: str | None = None
    callback_url: str | None = None
    watermark_info: dict[str, Any] | None = None
    #: What the task is charged when it succeeds, from the spec's price table: resource-pack units and the
    #: listed price in USD, as the decimal strings the answers carry. None for a model without a known price.
    units: str | None = None
    list_price: str | None = None
    #: How many elements of the element library the request named (``element_list``).
    elements: int = 0

    @property
    def watermark(self) -> bool:
        return bool(self.watermark_info and self.watermark_info.get("enabled") is True)


@dataclass
class Task:
    task_id: str
    spec: TaskSpec
    created_at: float
    processing_at: float
    finished_at: float
    outcome: TaskStatus = TaskStatus.SUCCEED
    failure_message: str = ""
    #: Base URL of the create request: callbacks have no request of their own to take it from.
    base_url: str = ""
    #: How many statuses of the history were already handed over for a callback.
    announced: int = 0

    def history(self, now: float) -> list[tuple[TaskStatus, float]]:
        """Every status reached by ``now``, with the time it was reached."""
        steps = [(TaskStatus.SUBMITTED, self.created_at)]
        if now >= self.processing_at:
            steps.append((TaskStatus.PROCESSING, self.processing_at))
        if now >= self.finished_at:
            steps.append((self.outcome, self.finished_at))
        return steps

    def status(self, now: float) -> tuple[TaskStatus, float]:
        return self.history(now)[-1]

    def is_finished(self, now: float) -> bool:
        return now >= self.finished_at

    def view(self, now: float, base_url: str) -> dict[str, Any]:
        """The task as the query answers it at ``now`` (``data`` of the envelope)."""
        status, at = self.status(now)
        return self.view_at(status, at, base_url)

    def view_at(self, status: TaskStatus, at: float, base_url: str) -> dict[str, Any]:
        """The task as it was when it reached ``status`` (also the callback payload)."""
        view: dict[str, Any] = {
            "task_id": self.task_id,
            "task_status": status.value,
            "task_status_msg": self.failure_message if status is TaskStatus.FAILED else "",
            "task_info": self.task_info(),
            "created_at": _ms(self.created_at),
            "updated_at": _ms(at),
        }
        if self.spec.watermark_info is not None:
            view["watermark_info"] = dict(self.spec.watermark_info)
        if status is TaskStatus.SUCCEED:
            view.update(self._charge(self.spec.units, self.spec.list_price))
            view["task_result"] = {"images": [self._image(index, base_url) for index in range(self.spec.n)]}
        elif status is TaskStatus.FAILED:
            # Whether a failed task is charged is not documented (capability-and-pricing.md §4): the
            # emulator charges nothing, and says so in the same fields.
            view.update(self._charge("0", "0"))
        return view

    def _charge(self, units: str | None, price: str | None) -> dict[str, Any]:
        """``final_unit_deduction`` and ``final_balance_deduction`` (no discount: the quota charged is the list
        price); nothing for a model without a known price."""
        if units is None or price is None:
            return {}
        return {"final_unit_deduction": units, "final_balance_deduction": {"quota": price, "list_price": price}}

    def created_view(self) -> dict[str, Any]:
        """``data`` of the create response."""
        return {
            "task_id": self.task_id,
            "task_status": TaskStatus.SUBMITTED.value,
            "task_info": self.task_info(),
            "created_at": _ms(self.created_at),
            "updated_at": _ms(self.created_at),
        }

    def task_info(self) -> dict[str, Any]:
        external = self.spec.external_task_id
        return {} if external is None else {"external_task_id": external}

    def _image(self, index: int, base_url: str) -> dict[str, Any]:
        image: dict[str, Any] = {"index": index, "url": base_url + image_path(self.task_id, index)}
        if self.spec.watermark:
            image["watermark_url"] = base_url + image_path(self.task_id, index, watermark=True)
        return image


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


@dataclass(frozen=True)
class Announcement:
    """A status change to POST to the task's ``callback_url``."""

    task: Task
    status: TaskStatus
    at: float

    @property
    def url(self) -> str:
        assert self.task.spec.callback_url is not None
        return self.task.spec.callback_url

    def payload(self) -> dict[str, Any]:
        return self.task.view_at(self.status, self.at, self.task.base_url)


@dataclass
class TaskStore:
    """Every task of the emulated account, with its concurrency quota. Thread-safe.

    Finished tasks are forgotten ``ttl`` seconds after they end, and at most ``max_tasks``
    are kept (evicting the oldest finished ones first). ``max_tasks >= slots`` guarantees a
    finished task to evict whenever the store is full and a new task fits in the quota.
    """

    slots: int
    max_tasks: int
    ttl: float
    on_forget: Callable[[str], None] = lambda task_id: None
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _tasks: OrderedDict[str, Task] = field(default_factory=OrderedDict, init=False)
    _by_external_id: dict[str, str] = field(default_factory=dict, init=False)
    _active: dict[str, Task] = field(default_factory=dict, init=False)
    _finished: OrderedDict[str, Task] = field(default_factory=OrderedDict, init=False)
    _to_announce: dict[str, Task] = field(default_factory=dict, init=False)
    _slots_in_use: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.slots < 1:
            raise ValueError(f"slots must be at least 1, got {self.slots}")
        if self.max_tasks < self.slots:
            raise ValueError(f"max_tasks ({self.max_tasks}) must be at least slots ({self.slots})")
        if self.ttl <= 0:
            raise ValueError(f"task_ttl must be positive, got {self.ttl}")

    def __len__(self) -> int:
        return len(self._tasks)

    @property
    def slots_in_use(self) -> int:
        return self._slots_in_use

    def advance(self, now: float) -> list[Announcement]:
        """Release the slots of ended tasks, forget expired ones; the callbacks now due, in order."""
        with self._lock:
            self._housekeep(now)
            due: list[Announcement] = []
            for task in list(self._to_announce.values()):
                history = task.history(now)
                due.extend(Announcement(task, status, at) for status, at in history[task.announced :])
                task.announced = len(history)
                if task.is_finished(now):
                    del self._to_announce[task.task_id]
            return due

    def create(
        self,
        spec: TaskSpec,
        *,
        now: float,
        timeline: tuple[float, float],
        base_url: str,
        outcome: TaskStatus = TaskStatus.SUCCEED,
        failure_message: str = "",
    ) -> Task:
        """A new task; QuotaExceeded or DuplicateExternalId when it cannot be.

        ``timeline`` is (seconds until processing, seconds until it ends).
        """
        with self._lock:
            self._housekeep(now)
            external = spec.external_task_id
            if external is not None and (external in self._by_external_id or external in self._tasks):
                raise DuplicateExternalId(external)
            if self._slots_in_use + spec.n > self.slots:
                raise QuotaExceeded(f"{self._slots_in_use} of {self.slots} slots in use, the task needs {spec.n}")
            while len(self._tasks) >= self.max_tasks:
                if not self._finished:
                    raise QuotaExceeded("the task store is full of running tasks")
                self._forget(next(iter(self._finished.values())))
            task_id = self._new_id()
            processing_after, finished_after = timeline
            task = Task(
                task_id=task_id,
                spec=spec,
                created_at=now,
                processing_at=now + processing_after,
                finished_at=now + finished_after,
                outcome=outcome,
                failure_message=failure_message,
                base_url=base_url,
            )
            self._tasks[task_id] = task
            self._active[task_id] = task
            self._slots_in_use += spec.n
            if external is not None:
                self._by_external_id[external] = task_id
            if spec.callback_url is not None:
                self._to_announce[task_id] = task
            return task

    def get(self, id_or_external_id: str, *, now: float) -> Task | None:
        """The task with this id or external id, unless unknown or expired."""
        with self._lock:
            self._housekeep(now)
            task = self._tasks.get(id_or_external_id)
            if task is None and id_or_external_id in self._by_external_id:
                task = self._tasks.get(self._by_external_id[id_or_external_id])
            return task

    def page(self, page_num: int, page_size: int, *, now: float) -> list[Task]:
        """Page ``page_num`` (from 1) of the tasks, newest first."""
        with self._lock:
            self._housekeep(now)
            start = (page_num - 1) * page_size
            if start >= len(self._tasks):
                return []
            newest_first = reversed(self._tasks.values())
            for _ in range(start):
                next(newest_first)
            return [task for _, task in zip(range(page_size), newest_first, strict=False)]

    def clear(self) -> None:
        """Forget every task, running or not, and free every slot."""
        with self._lock:
            for task in list(self._tasks.values()):
                self._forget(task)
            self._active.clear()
            self._slots_in_use = 0

    def _housekeep(self, now: float) -> None:
        self._end_finished(now)
        for task in list(self._finished.values()):
            if task.finished_at + self.ttl > now:
                break
            self._forget(task)

    def _end_finished(self, now: float) -> None:
        ended = [task for task in self._active.values() if task.is_finished(now)]
        # Kept in end order, so expiry and eviction pop the oldest finished task first.
        for task in sorted(ended, key=lambda task: task.finished_at):
            del self._active[task.task_id]
            self._slots_in_use -= task.spec.n
            self._finished[task.task_id] = task

    def _forget(self, task: Task) -> None:
        self._tasks.pop(task.task_id, None)
        self._finished.pop(task.task_id, None)
        self._to_announce.pop(task.task_id, None)
        external = task.spec.external_task_id
        if external is not None and self._by_external_id.get(external) == task.task_id:
            del self._by_external_id[external]
        self.on_forget(task.task_id)

    def _new_id(self) -> str:
        # 18 digits, like the real service's ids.
        while True:
            task_id = str(10**17 + secrets.randbelow(9 * 10**17))
            if task_id not in self._tasks and task_id not in self._by_external_id:
                return task_id
