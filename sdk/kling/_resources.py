"""The task resources, written once for every task endpoint: ``Tasks`` (sync) and ``AsyncTasks`` (async).

``client.images``, ``client.omni_images``, ``client.multi_images``, ``client.outpainting`` and
``client.multi_shots`` are these classes bound to an endpoint (``_endpoints``): the same verbs, ``create``,
``get``, ``list``, ``wait``, ``generate``, ``download``, ``generate_many``, and ``with_raw_response``.

Thin shells: a method checks its arguments (``_arguments``, ``_requests``), builds the flow that holds the rules
(``_flows``, ``_download``, ``_batch``, ``_jobs``) and runs it with its driver (``_drivers``). The two classes
differ only in the driver they use; the rules live once, in the flows.
"""

from __future__ import annotations

import asyncio
import builtins
import os
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from contextvars import ContextVar
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

import httpx
from kling_api.models import CreatedImageTask
from kling_api.types import UNSET, Unset

from . import _arguments
from ._batch import BatchResult, arun_batch, run_in_private_loop
from ._constants import DEFAULT_BATCH_CONCURRENCY
from ._core import CallOptions, ClientCore
from ._download import download_flow
from ._drivers import run, run_async
from ._effects import Flow, Trace
from ._endpoints import IMAGES, TaskEndpoint, TaskT
from ._errors import ValidationError
from ._flows import create_task, generate_task, get_task, list_tasks, wait_for_task
from ._requests import build_request, with_external_task_id

if TYPE_CHECKING:  # imported where a batch is run: `from kling import Kling` does without it
    from . import _jobs

T = TypeVar("T")
P = ParamSpec("P")
RequestT = TypeVar("RequestT")

# The resources have a method named list: annotations inside them name the types through these aliases.
_Paths = list[Path]
#: What generate_many takes: prompts (or the endpoint's first field), requests, or (in a job) dicts of fields.
Items = Iterable[Any] | Mapping[int, Any]

# The trace of the call in progress, when the caller asked for the raw response (with_raw_response).
_TRACE: ContextVar[Trace | None] = ContextVar("kling_trace", default=None)


class _Flows(Generic[TaskT, RequestT]):
    """The flow of each method, from its checked arguments: shared by the sync and async resources."""

    def __init__(self, core: ClientCore, endpoint: TaskEndpoint[TaskT, RequestT]) -> None:
        self._core = core
        self._endpoint = endpoint

    def _options(self, timeout: Any, headers: Any, query: Any, body: Any = None) -> CallOptions:
        return self._core.options(_arguments.call_options(timeout, headers, query, body))

    def _request(self, first: object, fields: Mapping[str, Any]) -> tuple[Any, str]:
        """The checked create request and its external_task_id (the caller's, or a fresh one)."""
        strict = self._core.strict_capabilities
        if self._endpoint is IMAGES:
            if first is None and "prompt" in fields:  # images.create(prompt="...")
                fields = dict(fields)
                first = fields.pop("prompt")
            return _arguments.create_request(first, fields, strict_capabilities=strict)  # type: ignore[arg-type]
        endpoint: TaskEndpoint[Any, Any] = self._endpoint
        return with_external_task_id(build_request(endpoint, first, fields, strict_capabilities=strict))

    def _create(self, first: object, options: CallOptions, fields: Mapping[str, Any]) -> Flow[CreatedImageTask]:
        request, external_task_id = self._request(first, fields)
        return create_task(self._core, self._endpoint, request, external_task_id, options, _TRACE.get())

    def _get(self, task_id: object, options: CallOptions) -> Flow[TaskT]:
        return get_task(self._core, self._endpoint, _arguments.task_id(task_id), options, _TRACE.get())

    def _list(self, page: object, page_size: object, options: CallOptions) -> Flow[list[TaskT]]:
        page_num, size = _arguments.page(page, page_size, self._endpoint.path)
        return list_tasks(self._core, self._endpoint, page_num, size, options, _TRACE.get())

    def _wait(
        self, task_id: object, deadline: object, timeout: object, on_update: Any, options: CallOptions
    ) -> Flow[TaskT]:
        seconds = _arguments.deadline_seconds(deadline, timeout, "wait")
        checked = _arguments.task_id(task_id)
        return wait_for_task(self._core, self._endpoint, checked, seconds, on_update, options, _TRACE.get())

    def _generate(
        self,
        first: object,
        deadline: object,
        timeout: object,
        on_update: Any,
        options: CallOptions,
        fields: Mapping[str, Any],
    ) -> Flow[TaskT]:
        # The deadline is checked before a task that costs credits is created.
        seconds = _arguments.deadline_seconds(deadline, timeout, "generate")
        request, external_task_id = self._request(first, fields)
        trace = _TRACE.get()
        return generate_task(self._core, self._endpoint, request, external_task_id, seconds, on_update, options, trace)

    def _download(self, task: object, directory: object, watermark: bool, timeout: object) -> Flow[_Paths]:
        if not isinstance(task, self._endpoint.task_type):
            kind = self._endpoint.task_type.__name__
            raise ValidationError("task", f"must be a {kind} (from get, wait or generate), got {type(task).__name__}")
        folder = _arguments.download_folder(directory)
        return download_flow(
            task,
            folder,
            watermark=watermark,
            allowed_schemes=self._core.download_schemes,
            max_bytes=self._core.download_max_bytes,
            max_redirects=self._core.download_max_redirects,
            seconds_per_image=_arguments.seconds_per_image(timeout),
            pictures=self._endpoint.pictures(task),
            most=self._endpoint.most_pictures,
        )

    def _batch(
        self,
        items: Items,
        concurrency: int,
        deadline: object,
        timeout: object,
        fields: Mapping[str, Any],
        drive: Callable[[Flow[Any]], Awaitable[Any]],
        job: _jobs.JobOptions | None = None,
    ) -> Coroutine[Any, Any, list[BatchResult[TaskT]]]:
        """The batch scheduler over these items (checked now, before anything is sent), each item's create and wait
        run by ``drive``; with job options, the job's (``_jobs``)."""
        from . import _jobs

        core, endpoint = self._core, self._endpoint
        seconds = _arguments.deadline_seconds(deadline, timeout, "generate_many")
        if job is not None:
            strict = core.strict_capabilities
            planned = _jobs.plan_items(
                items, fields, job=job.job, shard=job.shard, strict_capabilities=strict, endpoint=endpoint
            )
            return _jobs.run_job(
                core, planned, job, slots=concurrency, deadline_seconds=seconds, drive=drive, endpoint=endpoint
            )
        requests = _arguments.batch_requests(
            _jobs.plain_items(items),
            fields,
            build=lambda item, shared: self._request(item, shared)[0],
        )

        async def create(request: Any) -> CreatedImageTask:
            created: CreatedImageTask = await drive(
                create_task(core, endpoint, request, str(request.external_task_id), core.options(CallOptions()))
            )
            return created

        async def wait(task_id: str) -> TaskT:
            task: TaskT = await drive(
                wait_for_task(core, endpoint, task_id, seconds, None, core.options(CallOptions()))
            )
            return task

        return arun_batch(
            requests,
            slots=concurrency,
            create=create,
            wait=wait,
            deadline_seconds=seconds,
            clock=core.timing.clock,
            sleep=core.timing.async_sleep,
        )


class Tasks(_Flows[TaskT, RequestT]):
    """The tasks of one endpoint, sync: ``client.images``, ``client.omni_images``, ...

    Every method that sends a request takes ``timeout`` (the HTTP timeout of each of its requests; default the
    client's), ``extra_headers`` and ``extra_query``; ``create`` and ``generate`` also ``extra_body``, merged into
    the JSON body after the documented fields were checked (a field the spec does not know yet can be sent).
    ``wait``, ``generate`` and ``generate_many`` give up after ``deadline`` seconds (their HTTP timeout is the
    client's: ``client.with_options(timeout=...)``).

    ``create`` and ``generate`` take the request's fields as keywords (``prompt=``, ``image_list=``, ...), or a
    ready request object first; the first positional argument may also be the endpoint's main field (the prompt;
    the image to extend for outpainting; the frontal image for a multi-shot). Image inputs may be URLs, Base64, a
    ``data:`` URI or a local JPG/PNG file (read, checked and encoded). Everything is checked against the spec
    before anything is sent.
    """

    @cached_property
    def with_raw_response(self) -> TasksWithRawResponse[TaskT, RequestT]:
        """The same methods, returning a :class:`RawResponse` (status, headers, request id, time) around the result."""
        return TasksWithRawResponse(self)

    def create(
        self,
        first: object = None,
        /,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> CreatedImageTask:
        """Submit a task; checked against the spec before anything is sent. Never creates it twice."""
        options = self._options(timeout, extra_headers, extra_query, extra_body)
        return run(self._create(first, options, fields), self._core)

    def get(
        self,
        task_id: str,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> TaskT:
        """The task, by its task_id or your external_task_id."""
        return run(self._get(task_id, self._options(timeout, extra_headers, extra_query)), self._core)

    def list(
        self,
        *,
        page: int = 1,
        page_size: int = 30,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> builtins.list[TaskT]:
        """One page of the account's tasks (in the API's order, which is not documented)."""
        return run(self._list(page, page_size, self._options(timeout, extra_headers, extra_query)), self._core)

    def wait(
        self,
        task_id: str,
        *,
        deadline: float | None = None,
        on_update: Callable[[TaskT], None] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | Unset = UNSET,  # the deprecated name of deadline
    ) -> TaskT:
        """Poll until the task succeeds (returned), fails (TaskFailedError) or ``deadline`` seconds pass
        (TaskTimeoutError; default 600). ``on_update`` sees the task after every poll. ``timeout=`` is the
        deprecated name of ``deadline=``."""
        options = self._options(UNSET, extra_headers, extra_query)
        return run(self._wait(task_id, deadline, timeout, on_update, options), self._core)

    def generate(
        self,
        first: object = None,
        /,
        *,
        deadline: float | None = None,
        on_update: Callable[[TaskT], None] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | Unset = UNSET,  # the deprecated name of deadline
        **fields: Any,
    ) -> TaskT:
        """Create a task, then wait for it: the succeeded task, with its image URLs."""
        options = self._options(UNSET, extra_headers, extra_query, extra_body)
        return run(self._generate(first, deadline, timeout, on_update, options, fields), self._core)

    def download(
        self,
        task: TaskT,
        directory: str | os.PathLike[str],
        *,
        watermark: bool = False,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
    ) -> _Paths:
        """Save the task's images into ``directory`` (``~`` expanded): the files' paths, in image order (a series'
        images as ``{task}-series-{n}``, a multi-shot's views as ``{task}-{set}-view-{1..3}``). Each image must
        arrive within ``timeout`` seconds (default 300), whatever the server trickles."""
        return run(self._download(task, directory, watermark, timeout), self._core)

    def generate_many(
        self,
        items: Items,
        *,
        concurrency: int = DEFAULT_BATCH_CONCURRENCY,
        deadline: float | None = None,
        job: str | None = None,
        shard: str | tuple[int, int] | None = None,
        max_units: float | Decimal | None = None,
        on_start: Callable[[_jobs.ItemStarted], object] | None = None,
        on_result: Callable[[BatchResult[TaskT]], object] | None = None,
        timeout: float | Unset = UNSET,  # the deprecated name of deadline
        **fields: Any,
    ) -> builtins.list[BatchResult[TaskT]]:
        """Generate every item (a prompt or a request; ``fields`` apply to each), ``concurrency`` slots at a time.

        A task holds ``n`` slots, as the API counts them (a series its ``series_amount``). When the account's quota
        is full (1303), an item waits for a slot instead of failing, for up to ``deadline`` seconds; its wait has
        the same deadline. Results come in input order, each with its task or its own KlingError. Every item is
        checked before anything is sent. An exception that is not a KlingError (a bug, KeyboardInterrupt) stops the
        batch and propagates: tasks already created keep running on the server. The scheduler is the async
        client's, run on a private event loop in a worker thread (see ``_batch``).

        Large jobs (``_jobs``): with ``job="name"``, each item gets a stable external_task_id (the name, the item's
        number, a hash of its request) and is looked up before it is created: a task that already exists (an
        earlier run, another machine) is waited for, or taken as it is when it has ended, never created twice.
        Items may then also be dicts of create fields, or a mapping of item numbers to items (a part of the job);
        ``shard="K/N"`` keeps the items whose number % N == K - 1; results carry the item numbers. ``max_units``
        stops creating once the units spent and running plus the next task's estimate would pass it (the items
        not created get a BudgetExceededError). ``on_start`` sees an ItemStarted once an item's task exists,
        ``on_result`` each result as its item ends (both in a worker thread).
        """
        from . import _jobs

        core = self._core
        options = _jobs.job_options(job, shard, max_units, on_start, on_result)
        drive = lambda f: asyncio.to_thread(run, f, core)  # noqa: E731
        scheduler = self._batch(items, concurrency, deadline, timeout, fields, drive, options)
        workers = concurrency if isinstance(concurrency, int) and not isinstance(concurrency, bool) else 1
        # A job's hooks run in the same threads as the creates and waits: room for them beside every slot.
        return run_in_private_loop(lambda: scheduler, workers=max(1, workers) * (1 if options is None else 2))


class AsyncTasks(_Flows[TaskT, RequestT]):
    """The tasks of one endpoint, async: ``client.images`` of an AsyncKling, ... (the same methods as
    :class:`Tasks`)."""

    @cached_property
    def with_raw_response(self) -> AsyncTasksWithRawResponse[TaskT, RequestT]:
        """The same methods, returning a :class:`RawResponse` (status, headers, request id, time) around the result."""
        return AsyncTasksWithRawResponse(self)

    async def create(
        self,
        first: object = None,
        /,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> CreatedImageTask:
        """Submit a task; checked against the spec before anything is sent. Never creates it twice."""
        options = self._options(timeout, extra_headers, extra_query, extra_body)
        return await run_async(self._create(first, options, fields), self._core)

    async def get(
        self,
        task_id: str,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> TaskT:
        """The task, by its task_id or your external_task_id."""
        return await run_async(self._get(task_id, self._options(timeout, extra_headers, extra_query)), self._core)

    async def list(
        self,
        *,
        page: int = 1,
        page_size: int = 30,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> builtins.list[TaskT]:
        """One page of the account's tasks (in the API's order, which is not documented)."""
        options = self._options(timeout, extra_headers, extra_query)
        return await run_async(self._list(page, page_size, options), self._core)

    async def wait(
        self,
        task_id: str,
        *,
        deadline: float | None = None,
        on_update: Callable[[TaskT], Awaitable[None] | None] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | Unset = UNSET,  # noqa: ASYNC109 - the deprecated name of deadline
    ) -> TaskT:
        """Poll until the task succeeds, fails or ``deadline`` passes; see :meth:`Tasks.wait`. ``on_update`` may
        be a coroutine function."""
        options = self._options(UNSET, extra_headers, extra_query)
        return await run_async(self._wait(task_id, deadline, timeout, on_update, options), self._core)

    async def generate(
        self,
        first: object = None,
        /,
        *,
        deadline: float | None = None,
        on_update: Callable[[TaskT], Awaitable[None] | None] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | Unset = UNSET,  # noqa: ASYNC109 - the deprecated name of deadline
        **fields: Any,
    ) -> TaskT:
        """Create a task, then wait for it: the succeeded task, with its image URLs."""
        options = self._options(UNSET, extra_headers, extra_query, extra_body)
        return await run_async(self._generate(first, deadline, timeout, on_update, options, fields), self._core)

    async def download(
        self,
        task: TaskT,
        directory: str | os.PathLike[str],
        *,
        watermark: bool = False,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
    ) -> _Paths:
        """Save the task's images into ``directory``: see :meth:`Tasks.download`."""
        return await run_async(self._download(task, directory, watermark, timeout), self._core)

    async def generate_many(
        self,
        items: Items,
        *,
        concurrency: int = DEFAULT_BATCH_CONCURRENCY,
        deadline: float | None = None,
        job: str | None = None,
        shard: str | tuple[int, int] | None = None,
        max_units: float | Decimal | None = None,
        on_start: Callable[[_jobs.ItemStarted], object] | None = None,
        on_result: Callable[[BatchResult[TaskT]], object] | None = None,
        timeout: float | Unset = UNSET,  # noqa: ASYNC109 - the deprecated name of deadline
        **fields: Any,
    ) -> builtins.list[BatchResult[TaskT]]:
        """Generate every item, ``concurrency`` slots at a time: see :meth:`Tasks.generate_many` (jobs too;
        ``on_start`` and ``on_result`` are awaited when they return an awaitable)."""
        from . import _jobs

        core = self._core
        options = _jobs.job_options(job, shard, max_units, on_start, on_result)
        return await self._batch(items, concurrency, deadline, timeout, fields, lambda f: run_async(f, core), options)


# -- raw responses -------------------------------------------------------------------------------------------------


class RawResponse(Generic[T]):
    """What the last request of a call answered, around its result: ``http_status``, ``headers``, ``request_id``
    (what the publisher's support asks for), ``elapsed`` (seconds), and ``parse()`` for the result itself."""

    def __init__(self, value: T, trace: Trace) -> None:
        self._value = value
        self.http_status: int | None = trace.http_status
        self.headers: httpx.Headers = trace.headers
        self.request_id: str | None = trace.request_id
        self.elapsed: float = trace.elapsed

    def parse(self) -> T:
        return self._value

    def __repr__(self) -> str:
        return f"RawResponse(http_status={self.http_status}, request_id={self.request_id!r})"


def raw(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """``method``, answering a :class:`RawResponse` around its result."""

    def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        trace = Trace()
        token = _TRACE.set(trace)
        try:
            value = method(*args, **kwargs)
        finally:
            _TRACE.reset(token)
        return RawResponse(value, trace)

    return call


def async_raw(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """``method`` (a coroutine function), answering a :class:`RawResponse` around its result."""

    async def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        trace = Trace()
        token = _TRACE.set(trace)
        try:
            value = await method(*args, **kwargs)
        finally:
            _TRACE.reset(token)
        return RawResponse(value, trace)

    return call


class TasksWithRawResponse(Generic[TaskT, RequestT]):
    """``client.images.with_raw_response`` (and of every task resource): each method returns a
    :class:`RawResponse` around its result."""

    def __init__(self, tasks: Tasks[TaskT, RequestT]) -> None:
        self.create = raw(tasks.create)
        self.get = raw(tasks.get)
        self.list = raw(tasks.list)
        self.wait = raw(tasks.wait)
        self.generate = raw(tasks.generate)


class AsyncTasksWithRawResponse(Generic[TaskT, RequestT]):
    """``with_raw_response`` of an async task resource."""

    def __init__(self, tasks: AsyncTasks[TaskT, RequestT]) -> None:
        self.create = async_raw(tasks.create)
        self.get = async_raw(tasks.get)
        self.list = async_raw(tasks.list)
        self.wait = async_raw(tasks.wait)
        self.generate = async_raw(tasks.generate)
