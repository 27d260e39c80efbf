"""Large jobs: batches that can be run again, shared between machines, and kept within a budget.

``generate_many(..., job=, shard=, max_units=, on_start=, on_result=)`` and ``estimate_job``. The rules:

- an item of a job has a stable ``external_task_id``: the job's name, the item's number (its position in the
  whole job) and a hash of the job, the number and the request (every field but ``external_task_id``). The same
  job and item give the same id on every run and every machine; another name, position or request another id;
- every item of a job is looked up by that id before anything is created: a task found is waited for (or taken
  as it is, when it has ended) instead of being created again. A create refused as a duplicate (400/1201:
  another process created it in between) is looked up the same way. The server's uniqueness of ``external_task_id`` is
  what keeps two processes or machines from paying twice for one item;
- ``shard=(K, N)`` keeps the items whose number % N == K - 1, so N machines split a job;
- ``max_units``: a task is created only while the units spent (each ended task: what it was charged, else its
  estimate) and running (estimates) plus its own estimate stay within the budget. The first item refused stops
  every later create; tasks that already exist are still waited for. An item not created gets a
  :class:`BudgetExceededError` result; so does one whose model has no known price (nothing to count it by);
- ``on_start`` sees each item's task once it exists (created, or found), ``on_result`` each result as its item
  ends (after its slots are given back): both through the driver's ``Notify``, so the sync client calls them in a
  worker thread and the async one awaits them when they return an awaitable.

Estimates are ``kling_spec.estimate_cost`` of each request, the spec's price table, which the emulator charges.
The scheduling itself (slots, 1303 waits, deadlines) is ``_batch.arun_batch``'s.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
import kling_spec
from kling_api.models import CreatedImageTask, CreateImageTaskRequest, TaskStatus
from kling_api.types import Unset

from . import _answers
from ._batch import BatchResult, arun_batch, slots_needed
from ._constants import JOB_ID_DIGEST_CHARS, JOB_NAME_MAX_CHARS
from ._core import CallOptions, ClientCore
from ._effects import Flow, Notify
from ._endpoints import IMAGES, Task, TaskEndpoint
from ._errors import TASK_NOT_FOUND_CODE, InvalidRequestError, KlingError, TaskFailedError, ValidationError
from ._flows import _is_not_found, create_task, get_task, wait_for_task
from ._logging import log_decision
from ._requests import build_create_request, build_request, with_external_task_id
from ._wait import Outcome, decide

#: One item of a batch: a prompt, a request, or (in a job) a dict of create fields with its ``prompt``.
JobItem = str | CreateImageTaskRequest | Mapping[str, Any]
#: The items of a batch, or (in a job) a mapping of item numbers to items: a part of a larger job.
JobItems = Iterable[JobItem] | Mapping[int, JobItem]

_JOB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: Item numbers go into ids and file names: a 64-bit count is more than any job holds.
_MAX_ITEM_NUMBER = 2**63 - 1


class BudgetExceededError(KlingError):
    """An item was not created: its task would have taken the batch past ``max_units`` (``units_committed`` spent
    or running, ``units_needed`` more), or its model has no known price (``units_needed`` None)."""

    def __init__(
        self, message: str, *, max_units: Decimal, units_committed: Decimal, units_needed: Decimal | None
    ) -> None:
        self.max_units = max_units
        self.units_committed = units_committed
        self.units_needed = units_needed
        super().__init__(message)


@dataclass(frozen=True)
class ItemStarted:
    """An item's task exists: created by this batch, or ``found`` by its external_task_id (made earlier, or by
    another process). ``status`` is the task's status then; ``index`` the item's number."""

    index: int
    task_id: str
    external_task_id: str
    status: str
    found: bool


@dataclass(frozen=True)
class ModelEstimate:
    """One model's share of a job: ``units`` None when the spec has no price for the model."""

    tasks: int
    images: int
    units: int | None


@dataclass(frozen=True)
class JobEstimate:
    """What a job should cost, from the spec's price table (``kling_spec.estimate_cost`` of each item).

    ``units`` and ``usd`` cover the items with a known price; ``unpriced`` numbers the others (a model the table
    does not list), which ``complete`` is False for.
    """

    tasks: int
    images: int
    units: int
    usd: Decimal
    unpriced: tuple[int, ...]
    models: Mapping[str, ModelEstimate]

    @property
    def complete(self) -> bool:
        return not self.unpriced


# -- names, ids, shards, items -----------------------------------------------------------------------------------


def check_job_name(job: object) -> str:
    if not isinstance(job, str):
        raise ValidationError("job", f"must be a name (a string), got {type(job).__name__}")
    if not 1 <= len(job) <= JOB_NAME_MAX_CHARS or not _JOB_NAME.fullmatch(job):
        shown = job if len(job) <= JOB_NAME_MAX_CHARS else job[:JOB_NAME_MAX_CHARS] + "..."
        raise ValidationError(
            "job",
            f"must be 1 to {JOB_NAME_MAX_CHARS} letters, digits, '.', '_' or '-', starting with a letter or a digit; "
            f"got {shown!r}",
        )
    return job


def item_external_task_id(job: str, number: int, request: CreateImageTaskRequest) -> str:
    """The external_task_id of item ``number`` of ``job``: the same for the same job, number and request."""
    body = request.to_dict()
    body.pop("external_task_id", None)
    content = json.dumps(
        {"job": job, "item": number, "request": body}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    digest = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:JOB_ID_DIGEST_CHARS]
    return f"{job}-{number}-{digest}"


def parse_shard(value: object) -> tuple[int, int] | None:
    """``"K/N"`` or ``(K, N)``, 1 <= K <= N: the K-th of N shares of a job."""
    if value is None:
        return None
    if isinstance(value, str):
        k, slash, n = value.strip().partition("/")
        if not slash or not all(part.isascii() and part.isdigit() and len(part) <= 9 for part in (k, n)):
            raise ValidationError("shard", f"must be K/N (e.g. 2/3), got {value[:40]!r}")
        pair = (int(k), int(n))
    elif (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(part, int) and not isinstance(part, bool) for part in value)
    ):
        pair = (value[0], value[1])
    else:
        raise ValidationError("shard", f"must be 'K/N' or a pair (K, N), got {type(value).__name__}")
    if not 1 <= pair[0] <= pair[1]:
        raise ValidationError("shard", f"K must be between 1 and N, got {pair[0]}/{pair[1]}")
    return pair


def in_shard(number: int, shard: tuple[int, int] | None) -> bool:
    return shard is None or number % shard[1] == shard[0] - 1


def numbered_items(items: object) -> list[tuple[int, object]]:
    """(number, item) pairs: positions in a list, or the keys of a mapping of numbers to items, in order."""
    if isinstance(items, str | bytes):
        # A string is an iterable of one-character prompts: one paid task per character.
        raise ValidationError("items", "must be a list of prompts or requests, not a single string")
    if isinstance(items, Mapping):
        pairs = list(items.items())
        for number, _ in pairs:
            if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= _MAX_ITEM_NUMBER:
                raise ValidationError("items", f"an item number must be a whole number from 0, got {number!r:.40}")
        return sorted(pairs, key=lambda pair: pair[0])
    if not isinstance(items, Iterable):
        raise ValidationError("items", f"must be a list of prompts or requests, got {type(items).__name__}")
    return list(enumerate(items))


def plain_items(items: JobItems) -> Iterable[str | CreateImageTaskRequest]:
    """The items of a plain batch (no job options): prompts and requests, as before jobs existed."""
    if isinstance(items, Mapping):
        raise ValidationError("items", "numbered items (a mapping) are a part of a job: pass job=")
    if isinstance(items, str | bytes):
        return items  # refused by the batch's own check, with its own message
    return (_plain_item(index, item) for index, item in enumerate(items))


def _plain_item(index: int, item: JobItem) -> str | CreateImageTaskRequest:
    if isinstance(item, Mapping):
        raise ValidationError(f"items[{index}]", "a dict of fields is an item of a job: pass job=, or a request")
    return item


def build_item(
    item: object, fields: Mapping[str, Any], *, strict_capabilities: bool, endpoint: TaskEndpoint[Any, Any] = IMAGES
) -> Any:
    """A checked request from a prompt, a request, or a dict of create fields (its own fields win over ``fields``)."""
    if endpoint is not IMAGES:
        if isinstance(item, Mapping):
            if not all(isinstance(key, str) for key in item):
                raise ValidationError("", "the fields of an item are named by strings")
            return build_request(endpoint, None, {**fields, **item}, strict_capabilities=strict_capabilities)
        return build_request(endpoint, item, fields, strict_capabilities=strict_capabilities)
    if isinstance(item, Mapping):
        own = dict(item)
        if not all(isinstance(key, str) for key in own):
            raise ValidationError("", "the fields of an item are named by strings")
        if "prompt" not in own:
            raise ValidationError("prompt", "is required: each item names its prompt")
        prompt = own.pop("prompt")
        return build_create_request(prompt, {**fields, **own}, strict_capabilities=strict_capabilities)
    if isinstance(item, str | CreateImageTaskRequest):
        return build_create_request(item, fields, strict_capabilities=strict_capabilities)
    kind = type(item).__name__
    raise ValidationError("", f"must be a prompt, a CreateImageTaskRequest or a dict of fields, got {kind}")


@dataclass
class _Item:
    """One item of a batch, and what the batch learnt about its task."""

    number: int
    request: Any
    external_task_id: str
    estimate: kling_spec.Estimate | None
    found: Task | None = None
    #: What the lookup raised (an API error), given as the item's result.
    lookup_error: KlingError | None = None
    #: Units the budget counts for this item's task while it runs.
    held: Decimal = Decimal(0)

    @property
    def units(self) -> Decimal | None:
        return None if self.estimate is None else Decimal(self.estimate.units)


def plan_items(
    items: object,
    fields: Mapping[str, Any],
    *,
    job: str | None,
    shard: tuple[int, int] | None = None,
    strict_capabilities: bool = False,
    endpoint: TaskEndpoint[Any, Any] = IMAGES,
) -> list[_Item]:
    """Every item (of the shard) as a checked request with its external_task_id; one bad item refuses them all,
    naming it (``items[3].n``), before anything is sent."""
    planned: list[_Item] = []
    numbers_by_id: dict[str, int] = {}
    for number, item in numbered_items(items):
        if not in_shard(number, shard):
            continue
        try:
            request = build_item(item, fields, strict_capabilities=strict_capabilities, endpoint=endpoint)
            if job is not None and isinstance(request.external_task_id, Unset):
                external_task_id = item_external_task_id(job, number, request)
                request = attrs.evolve(request, external_task_id=external_task_id)
            else:
                request, external_task_id = with_external_task_id(request)
        except ValidationError as error:
            where = f"items[{number}].{error.field}" if error.field else f"items[{number}]"
            raise ValidationError(where, error.rule) from None
        if external_task_id in numbers_by_id:
            raise ValidationError(
                f"items[{number}].external_task_id",
                f"is the same as items[{numbers_by_id[external_task_id]}]'s: each task needs its own",
            )
        numbers_by_id[external_task_id] = number
        estimate = kling_spec.estimate_cost(request.to_dict(), schema=endpoint.operation)
        planned.append(_Item(number, request, external_task_id, estimate))
    return planned


def estimate_job(items: JobItems, *, shard: str | tuple[int, int] | None = None, **fields: Any) -> JobEstimate:
    """What generating ``items`` (``fields`` applying to each, as in ``generate_many``) should cost, by the spec's
    price table: tasks, images, units and their list price in USD, per model too. Every item is checked first,
    as ``generate_many`` checks it (a ValidationError names the item); nothing is sent."""
    return estimate_planned(plan_items(items, fields, job=None, shard=parse_shard(shard)))


def estimate_planned(planned: list[_Item]) -> JobEstimate:
    """The estimate of items already planned (:func:`plan_items`)."""
    models: dict[str, tuple[int, int, int | None]] = {}
    units, usd, unpriced = 0, Decimal(0), []
    for item in planned:
        images = slots_needed(item.request)
        model = item.estimate.model if item.estimate is not None else _model_of(item.request)
        tasks_so_far, images_so_far, units_so_far = models.get(model, (0, 0, 0))
        if item.estimate is None:
            unpriced.append(item.number)
            models[model] = (tasks_so_far + 1, images_so_far + images, None)
            continue
        units += item.estimate.units
        usd += item.estimate.usd
        added = None if units_so_far is None else units_so_far + item.estimate.units
        models[model] = (tasks_so_far + 1, images_so_far + images, added)
    return JobEstimate(
        tasks=len(planned),
        images=sum(slots_needed(item.request) for item in planned),
        units=units,
        usd=usd,
        unpriced=tuple(unpriced),
        models={name: ModelEstimate(*share) for name, share in models.items()},
    )


def _model_of(request: Any, operation: str = "createImageTask") -> str:
    model = request.to_dict().get("model_name")
    return str(model) if model else (kling_spec.default_model(schema=operation) or "")


# -- options -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobOptions:
    """What ``generate_many`` was asked beyond a plain batch, checked."""

    job: str | None
    shard: tuple[int, int] | None
    max_units: Decimal | None
    on_start: Callable[[ItemStarted], object] | None
    on_result: Callable[[BatchResult], object] | None


def job_options(
    job: object, shard: object, max_units: object, on_start: object, on_result: object
) -> JobOptions | None:
    """The checked options; None when none is given (a plain batch, as before jobs existed)."""
    if job is None and shard is None and max_units is None and on_start is None and on_result is None:
        return None
    name = None if job is None else check_job_name(job)
    pair = parse_shard(shard)
    if pair is not None and name is None:
        raise ValidationError(
            "shard", "needs job=: without a job's ids, machines sharing the items would create them twice"
        )
    for hook_name, hook in (("on_start", on_start), ("on_result", on_result)):
        if hook is not None and not callable(hook):
            raise ValidationError(hook_name, f"must be a callable, got {type(hook).__name__}")
    return JobOptions(name, pair, _units_limit(max_units), on_start, on_result)  # type: ignore[arg-type]


def _units_limit(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValidationError("max_units", f"must be a number of units, got {type(value).__name__}")
    try:
        limit = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - str() of an int, float or Decimal always parses
        raise ValidationError("max_units", f"must be a number of units, got {value!r}") from None
    if not limit.is_finite() or limit < 0:
        raise ValidationError("max_units", f"must be a finite number of units, 0 or more, got {value!r}")
    return limit


# -- the flows of an item ------------------------------------------------------------------------------------------


def find_task(
    core: ClientCore, external_task_id: str, options: CallOptions, endpoint: TaskEndpoint[Any, Any] = IMAGES
) -> Flow[Task | None]:
    """The task carrying this external_task_id, or None when the server has none (a documented "not found")."""
    try:
        task: Task = yield from get_task(core, endpoint, external_task_id, options)
    except KlingError as error:
        if _is_not_found(error):
            log_decision("job item %s: no task yet", external_task_id)
            return None
        raise
    status = task.task_status
    log_decision("job item %s: found as task %s (%s), not created again", external_task_id, task.task_id, status)
    return task


def create_or_find(
    core: ClientCore,
    request: Any,
    external_task_id: str,
    options: CallOptions,
    *,
    duplicates_are_found: bool,
    endpoint: TaskEndpoint[Any, Any] = IMAGES,
) -> Flow[tuple[CreatedImageTask, Task | None]]:
    """Create the task; in a job, a create refused with 1201 (a duplicate external_task_id: created meanwhile by
    another process) is looked up, and the task found is the item's. The task found is returned beside."""
    try:
        created = yield from create_task(core, endpoint, request, external_task_id, options)
    except InvalidRequestError as error:
        if not duplicates_are_found or error.code != TASK_NOT_FOUND_CODE:
            raise
        log_decision("job item %s: create refused (1201), perhaps as a duplicate: looking it up", external_task_id)
        task = yield from find_task(core, external_task_id, options.queries(), endpoint)
        if task is None:
            raise error from None
        return _answers.created_from_task(task), task
    return created, None


def _notify(callback: Callable[[Any], object], value: object) -> Flow[None]:
    yield Notify(callback, value)


def charged_units(task: Task, estimate: Decimal | None) -> Decimal:
    """What an ended task cost: its ``final_unit_deduction``; else the estimate for a succeeded one, 0 for a failed
    one (whether failed tasks are charged is not documented)."""
    deduction = task.final_unit_deduction
    if isinstance(deduction, str):
        try:
            charged = Decimal(deduction)
        except InvalidOperation:
            charged = None
        if charged is not None and charged.is_finite() and charged >= 0:
            return charged
    return (estimate or Decimal(0)) if task.task_status == TaskStatus.SUCCEED else Decimal(0)


@dataclass
class _Budget:
    """Units spent (ended tasks) and running (estimates) of the batch's tasks, against ``limit`` (None: none)."""

    limit: Decimal | None
    spent: Decimal = Decimal(0)
    running: Decimal = Decimal(0)
    stopped: bool = False

    def reserve(self, item: _Item) -> None:
        """Count ``item``'s new task as running, or refuse it (BudgetExceededError; the first refusal stops
        every later create)."""
        if self.limit is None:
            self.hold(item)
            return
        committed, needed = self.spent + self.running, item.units
        if self.stopped:
            message = f"not created: the batch stopped creating tasks at max_units={self.limit}"
        elif needed is None:
            model = item.estimate.model if item.estimate is not None else _model_of(item.request)
            message = f"not created: model {model!r} has no known price, so no task of it fits a max_units budget"
        elif committed + needed > self.limit:
            self.stopped = True
            message = (
                f"not created: {committed} units spent or running plus this task's {needed} would pass "
                f"max_units={self.limit}; no new task is created after this one"
            )
            log_decision("job: budget reached (%s of %s units committed): no more creates", committed, self.limit)
        else:
            self.hold(item)
            return
        raise BudgetExceededError(message, max_units=self.limit, units_committed=committed, units_needed=needed)

    def hold(self, item: _Item) -> None:
        if item.held == 0 and item.units is not None:
            item.held = item.units
            self.running += item.units

    def release(self, item: _Item) -> None:
        self.running -= item.held
        item.held = Decimal(0)

    def settle(self, item: _Item, task: Task) -> None:
        self.release(item)
        self.spent += charged_units(task, item.units)


class _Job:
    """One run of a batch with job options: the create and wait ``arun_batch`` schedules, and the hooks."""

    def __init__(
        self,
        core: ClientCore,
        items: list[_Item],
        options: JobOptions,
        deadline_seconds: float,
        drive: Callable[[Flow[Any]], Awaitable[Any]],
        endpoint: TaskEndpoint[Any, Any],
    ) -> None:
        self._core, self._items, self._options, self._endpoint = core, items, options, endpoint
        self._deadline, self._drive = deadline_seconds, drive
        self._by_external_id = {item.external_task_id: item for item in items}
        self._by_task_id: dict[str, _Item] = {}
        self._budget = _Budget(options.max_units)
        self._call_options = core.options(CallOptions())

    async def run(self, slots: int) -> list[BatchResult]:
        if self._options.job is not None:
            await self._look_up(slots)
        results = await arun_batch(
            [item.request for item in self._items],
            slots=slots,
            create=self._create,
            wait=self._wait,
            deadline_seconds=self._deadline,
            clock=self._core.timing.clock,
            sleep=self._core.timing.async_sleep,
            on_result=self._ended,
        )
        return [self._numbered(result) for result in results]

    def _numbered(self, result: BatchResult) -> BatchResult:
        return dataclasses.replace(result, index=self._items[result.index].number)

    async def _look_up(self, slots: int) -> None:
        """Every item of the job looked up by its id (``slots`` at a time) before anything is created, so that the
        budget counts every task the job already holds before it allows a new one."""
        queries = self._call_options.queries()
        parallel = asyncio.Semaphore(max(1, slots))

        async def look_up(item: _Item) -> None:
            async with parallel:
                try:
                    item.found = await self._drive(
                        find_task(self._core, item.external_task_id, queries, self._endpoint)
                    )
                except KlingError as error:
                    item.lookup_error = error
                if item.found is not None:
                    self._budget.hold(item)

        async with asyncio.TaskGroup() as group:
            for item in self._items:
                group.create_task(look_up(item))

    async def _create(self, request: Any) -> CreatedImageTask:
        item = self._by_external_id[str(request.external_task_id)]
        if item.lookup_error is not None:
            raise item.lookup_error
        if item.found is not None:
            return await self._started(item, _answers.created_from_task(item.found), item.found)
        self._budget.reserve(item)
        try:
            created, found = await self._drive(
                create_or_find(
                    self._core,
                    request,
                    item.external_task_id,
                    self._call_options,
                    duplicates_are_found=self._options.job is not None,
                    endpoint=self._endpoint,
                )
            )
        except BaseException:
            self._budget.release(item)
            raise
        return await self._started(item, created, found)

    async def _started(self, item: _Item, created: CreatedImageTask, found: Task | None) -> CreatedImageTask:
        item.found = found
        self._by_task_id[created.task_id] = item
        self._budget.hold(item)
        if self._options.on_start is not None:
            started = ItemStarted(
                item.number, created.task_id, item.external_task_id, str(created.task_status), found is not None
            )
            await self._drive(_notify(self._options.on_start, started))
        return created

    async def _wait(self, task_id: str) -> Task:
        item = self._by_task_id[task_id]
        try:
            if item.found is not None and decide(item.found) is Outcome.DONE:
                task = item.found  # ended before this run: taken as it is
            else:
                queries = self._call_options.queries()
                task = await self._drive(
                    wait_for_task(self._core, self._endpoint, task_id, self._deadline, None, queries)
                )
        except TaskFailedError as error:
            self._budget.settle(item, error.task)
            raise
        self._budget.settle(item, task)
        return task

    async def _ended(self, result: BatchResult) -> None:
        if self._options.on_result is not None:
            await self._drive(_notify(self._options.on_result, self._numbered(result)))


async def run_job(
    core: ClientCore,
    items: list[_Item],
    options: JobOptions,
    *,
    slots: int,
    deadline_seconds: float,
    drive: Callable[[Flow[Any]], Awaitable[Any]],
    endpoint: TaskEndpoint[Any, Any] = IMAGES,
) -> list[BatchResult[Any]]:
    """The batch of ``items`` (from :func:`plan_items`) with ``options``: one result per item, in item order, each
    ``index`` the item's number."""
    return await _Job(core, items, options, deadline_seconds, drive, endpoint).run(slots)


__all__ = [
    "BudgetExceededError",
    "ItemStarted",
    "JobEstimate",
    "JobItem",
    "JobItems",
    "JobOptions",
    "ModelEstimate",
    "charged_units",
    "check_job_name",
    "estimate_job",
    "estimate_planned",
    "in_shard",
    "item_external_task_id",
    "job_options",
    "numbered_items",
    "parse_shard",
    "plain_items",
    "plan_items",
    "run_job",
]
