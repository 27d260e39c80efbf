"""Tasks: their lifecycle on a clock, the concurrency quota, and a store bounded in time and size.

A task's status is a pure function of the clock: ``submitted`` from creation, ``processing``
from ``processing_at``, then its outcome (``succeed`` or ``failed``) from ``finished_at``. Nothing
needs to run for a status to move on; :meth:`TaskStore.advance` only releases the slots of
tasks that ended (charging them, through ``on_end``), forgets expired ones and collects the status
changes not yet announced to a ``callback_url``.

One store holds the tasks of every endpoint (``TaskSpec.endpoint``): they share the account's quota and
its ``external_task_id``s ("unique per account"); a query or a list sees its own endpoint's tasks only.
An element lives in the task that created it, and as long as it.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ._constants import ELEMENT_OWNER_ID
from ._endpoints import GENERATIONS, Endpoint, ResultKind
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


class ElementNotFound(Exception):
    """No element of the account has this id (or it was deleted, or its task has not succeeded)."""


@dataclass(frozen=True)
class ImageSpec:
    """One image a task serves once it succeeds: its size and what it is."""

    width: int
    height: int
    #: Shown on the image: "image 1 of 2", "series 2/4", "view 1 of 3", "frontal image".
    label: str
    #: (left, top, width, height) of an outpainting's source inside the result.
    frame: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class ElementSpec:
    """The element a ``createElementTask`` asked for, as its task's result lists it.

    Images given as URLs are echoed as given; Base64 ones are served by the emulator (the task's images, in this
    order: the frontal image, then each reference image), so an answer never repeats megabytes of Base64.
    """

    name: str
    description: str
    reference_type: str
    #: The URL of the frontal image, then of each reference image; None for one sent as Base64.
    image_urls: tuple[str | None, ...] = ()
    video_urls: tuple[str, ...] = ()
    voice_id: str | None = None
    #: The tags, each once, in the order first given.
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskSpec:
    """What the create request asked for, after defaults."""

    model_name: str
    prompt: str
    #: Images the task generates (an element task: 0).
    n: int
    aspect_ratio: str
    resolution: str
    #: The size of its (first) image; 0 for a task without images.
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
    endpoint: Endpoint = GENERATIONS
    #: The images it serves once it succeeds (by index in the image URLs); generated ones first.
    images: tuple[ImageSpec, ...] = ()
    #: Concurrency slots it holds until it ends (None: one per image generated, ``n``).
    slot_count: int | None = None
    #: An omni-image task's ``result_type``: ``single`` or ``series``.
    result_type: str = "single"
    element: ElementSpec | None = None
    #: Who created it, as the ledgers name it: the access key of a JWT, or "api-key".
    api_key_name: str = ""
    #: Shown at the bottom of each image, before its size: the emulator, the endpoint, the model and the options.
    caption: str = ""

    @property
    def watermark(self) -> bool:
        return bool(self.watermark_info and self.watermark_info.get("enabled") is True)

    @property
    def slots(self) -> int:
        return self.n if self.slot_count is None else self.slot_count


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
    #: The id of the element an element task created (given by the store), and whether it was deleted since.
    element_id: int | None = None
    element_deleted: bool = False

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
            view["task_result"] = self._result(base_url)
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

    def _result(self, base_url: str) -> dict[str, Any]:
        """``task_result`` of the finished task, in its endpoint's shape."""
        kind = self.spec.endpoint.result
        generated = [self._image(index, base_url) for index in range(self.spec.n)]
        if kind is ResultKind.OMNI:
            key = "series_images" if self.spec.result_type == "series" else "images"
            return {"result_type": self.spec.result_type, key: generated}
        if kind is ResultKind.MULTI_SHOT:
            # One result set, its views as url_1..url_3 (the documented example's shape).
            views = {f"url_{index + 1}": self._url(index, base_url) for index in range(self.spec.n)}
            return {"images": [{"index": 0, **views}]}
        if kind is ResultKind.ELEMENTS:
            return {"elements": [self.element_view(base_url)]} if self.spec.element is not None else {"elements": []}
        return {"images": generated}

    def element_view(self, base_url: str) -> dict[str, Any]:
        """The element an element task created (``Element``), with URLs for the images it serves."""
        element = self.spec.element
        assert element is not None
        urls = [given or self._url(index, base_url) for index, given in enumerate(element.image_urls)]
        image_list: dict[str, Any] = {}
        video_list: dict[str, Any] = {}
        if element.reference_type == "image_refer" and urls:
            image_list = {"frontal_image": urls[0], "refer_images": [{"image_url": url} for url in urls[1:]]}
        if element.reference_type == "video_refer":
            video_list = {"refer_videos": [{"video_url": url} for url in element.video_urls]}
        return {
            "element_id": self.element_id,
            "element_name": element.name,
            "element_description": element.description,
            "reference_type": element.reference_type,
            "element_image_list": image_list,
            "element_video_list": video_list,
            # The voice library is not emulated: the voice bound is named by its id only.
            "element_voice_info": {} if not element.voice_id else {"voice_id": element.voice_id},
            "tag_list": [{"tag_id": tag} for tag in element.tags],
            "owned_by": ELEMENT_OWNER_ID,
            "status": "deleted" if self.element_deleted else "succeed",
        }

    def _url(self, index: int, base_url: str, *, watermark: bool = False) -> str:
        return base_url + image_path(self.task_id, index, watermark=watermark)

    def _image(self, index: int, base_url: str) -> dict[str, Any]:
        image: dict[str, Any] = {"index": index, "url": self._url(index, base_url)}
        if self.spec.watermark:
            image["watermark_url"] = self._url(index, base_url, watermark=True)
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
    #: Called (under the store's lock) for each task as it ends, in the order they end: the account charges it.
    on_end: Callable[[Task], None] = lambda task: None
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _tasks: OrderedDict[str, Task] = field(default_factory=OrderedDict, init=False)
    _by_external_id: dict[str, str] = field(default_factory=dict, init=False)
    _by_element_id: dict[int, str] = field(default_factory=dict, init=False)
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

    def settle(self, now: float) -> None:
        """Release the slots of ended tasks (charging them) and forget expired ones, announcing nothing."""
        with self._lock:
            self._housekeep(now)

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
            # An empty external_task_id names nothing (the publisher's own examples send "" for "none", and no
            # query can name it): echoed, but neither unique nor looked up.
            external = spec.external_task_id or None
            if external is not None and (external in self._by_external_id or external in self._tasks):
                raise DuplicateExternalId(external)
            if self._slots_in_use + spec.slots > self.slots:
                raise QuotaExceeded(f"{self._slots_in_use} of {self.slots} slots in use, the task needs {spec.slots}")
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
            if spec.element is not None:
                task.element_id = self._new_element_id()
                self._by_element_id[task.element_id] = task_id
            self._tasks[task_id] = task
            self._active[task_id] = task
            self._slots_in_use += spec.slots
            if external is not None:
                self._by_external_id[external] = task_id
            if spec.callback_url is not None:
                self._to_announce[task_id] = task
            return task

    def get(self, id_or_external_id: str, *, now: float, endpoint: Endpoint | None = None) -> Task | None:
        """The task with this id or external id, unless unknown or expired (or of another endpoint than
        ``endpoint``, when given)."""
        with self._lock:
            self._housekeep(now)
            task = self._tasks.get(id_or_external_id)
            if task is None and id_or_external_id in self._by_external_id:
                task = self._tasks.get(self._by_external_id[id_or_external_id])
            if task is not None and endpoint is not None and task.spec.endpoint != endpoint:
                return None
            return task

    def page(self, page_num: int, page_size: int, *, now: float, endpoint: Endpoint | None = None) -> list[Task]:
        """Page ``page_num`` (from 1) of the tasks (of ``endpoint`` only, when given), newest first."""
        with self._lock:
            self._housekeep(now)
            start = (page_num - 1) * page_size
            if start >= len(self._tasks):
                return []
            newest_first: Iterator[Task] = reversed(self._tasks.values())
            if endpoint is not None:
                newest_first = (task for task in newest_first if task.spec.endpoint == endpoint)
            for _ in range(start):
                if next(newest_first, None) is None:
                    return []
            return [task for _, task in zip(range(page_size), newest_first, strict=False)]

    def delete_element(self, element_id: int, *, now: float) -> Task:
        """Mark the account's element ``element_id`` deleted; the task that created it. ElementNotFound when no
        finished element task has it, or it is deleted already."""
        with self._lock:
            self._housekeep(now)
            task = self._tasks.get(self._by_element_id.get(element_id, ""))
            if task is None or task.element_deleted or task.status(now)[0] is not TaskStatus.SUCCEED:
                raise ElementNotFound(element_id)
            task.element_deleted = True
            return task

    def clear(self) -> None:
        """Forget every task, running or not, and free every slot."""
        with self._lock:
            for task in list(self._tasks.values()):
                self._forget(task)
            self._active.clear()
            self._by_element_id.clear()
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
            self._slots_in_use -= task.spec.slots
            self._finished[task.task_id] = task
            self.on_end(task)

    def _forget(self, task: Task) -> None:
        self._tasks.pop(task.task_id, None)
        self._finished.pop(task.task_id, None)
        self._to_announce.pop(task.task_id, None)
        external = task.spec.external_task_id
        if external and self._by_external_id.get(external) == task.task_id:
            del self._by_external_id[external]
        if task.element_id is not None:
            self._by_element_id.pop(task.element_id, None)
        self.on_forget(task.task_id)

    def _new_id(self) -> str:
        while True:
            task_id = new_task_id()
            if task_id not in self._tasks and task_id not in self._by_external_id:
                return task_id

    def _new_element_id(self) -> int:
        while True:
            # 18 digits, as the spec's element ids (829836802793406551): an int64, far from the presets' ids.
            element_id = int(new_task_id())
            if element_id not in self._by_element_id:
                return element_id


def new_task_id() -> str:
    """A fresh id of 18 digits, like the real service's ids."""
    return str(10**17 + secrets.randbelow(9 * 10**17))
