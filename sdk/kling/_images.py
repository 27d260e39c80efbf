"""``client.images``: the resource people call, sync (``Images``) and async (``AsyncImages``).

Thin shells: a method checks its arguments (``_arguments``), builds the flow that holds the rules (``_flows``,
``_download``, ``_batch``) and runs it with its driver (``_drivers``). The two classes differ only in the driver
they use; the rules live once, in the flows.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from contextvars import ContextVar
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, Unpack

import httpx
from kling_api.models import CreatedImageTask, CreateImageTaskRequest, ImageTask, ImageTaskCallback
from kling_api.types import UNSET, Unset

from . import _arguments
from ._batch import BatchResult, arun_batch, run_in_private_loop
from ._constants import DEFAULT_BATCH_CONCURRENCY
from ._core import CallOptions, ClientCore
from ._download import download_flow
from ._drivers import run, run_async
from ._effects import Flow, Trace
from ._flows import create_task, generate_task, get_task, list_tasks, wait_for_task
from ._types import CreateFields

if TYPE_CHECKING:  # imported where a batch is run: `from kling import Kling` does without it
    from . import _jobs

T = TypeVar("T")
P = ParamSpec("P")

# The resources have a method named list: annotations inside them name the types through these aliases.
_Tasks = list[ImageTask]
_Paths = list[Path]
_Results = list[BatchResult]

# The trace of the call in progress, when the caller asked for the raw response (with_raw_response).
_TRACE: ContextVar[Trace | None] = ContextVar("kling_trace", default=None)


class _Flows:
    """The flow of each method, from its checked arguments: shared by both resources."""

    def __init__(self, core: ClientCore) -> None:
        self._core = core

    def _options(self, timeout: Any, headers: Any, query: Any, body: Any = None) -> CallOptions:
        return self._core.options(_arguments.call_options(timeout, headers, query, body))

    def _create(
        self, prompt: str | CreateImageTaskRequest, options: CallOptions, fields: Mapping[str, Any]
    ) -> Flow[CreatedImageTask]:
        request, external_task_id = _arguments.create_request(
            prompt, fields, strict_capabilities=self._core.strict_capabilities
        )
        return create_task(self._core, request, external_task_id, options, _TRACE.get())

    def _get(self, task_id: object, options: CallOptions) -> Flow[ImageTask]:
        return get_task(self._core, _arguments.task_id(task_id), options, _TRACE.get())

    def _list(self, page: object, page_size: object, options: CallOptions) -> Flow[_Tasks]:
        page_num, size = _arguments.page(page, page_size)
        return list_tasks(self._core, page_num, size, options, _TRACE.get())

    def _wait(
        self, task_id: object, deadline: object, timeout: object, on_update: Any, options: CallOptions
    ) -> Flow[ImageTask]:
        seconds = _arguments.deadline_seconds(deadline, timeout, "wait")
        return wait_for_task(self._core, _arguments.task_id(task_id), seconds, on_update, options, _TRACE.get())

    def _generate(
        self,
        prompt: str | CreateImageTaskRequest,
        deadline: object,
        timeout: object,
        on_update: Any,
        options: CallOptions,
        fields: Mapping[str, Any],
    ) -> Flow[ImageTask]:
        # The deadline is checked before a task that costs credits is created.
        seconds = _arguments.deadline_seconds(deadline, timeout, "generate")
        request, external_task_id = _arguments.create_request(
            prompt, fields, strict_capabilities=self._core.strict_capabilities
        )
        return generate_task(self._core, request, external_task_id, seconds, on_update, options, _TRACE.get())

    def _download(self, task: object, directory: object, watermark: bool, timeout: object) -> Flow[_Paths]:
        checked_task, folder = _arguments.download_arguments(task, directory)
        return download_flow(
            checked_task,
            folder,
            watermark=watermark,
            allowed_schemes=self._core.download_schemes,
            max_bytes=self._core.download_max_bytes,
            max_redirects=self._core.download_max_redirects,
            seconds_per_image=_arguments.seconds_per_image(timeout),
        )

    def _batch(
        self,
        items: _jobs.JobItems,
        concurrency: int,
        deadline: object,
        timeout: object,
        fields: Mapping[str, Any],
        drive: Callable[[Flow[Any]], Awaitable[Any]],
        job: _jobs.JobOptions | None = None,
    ) -> Coroutine[Any, Any, _Results]:
        """The batch scheduler over these items (checked now, before anything is sent), each item's create and wait
        run by ``drive``; with job options, the job's (``_jobs``)."""
        from . import _jobs

        if job is not None:
            strict = self._core.strict_capabilities
            planned = _jobs.plan_items(items, fields, job=job.job, shard=job.shard, strict_capabilities=strict)
            seconds = _arguments.deadline_seconds(deadline, timeout, "generate_many")
            return _jobs.run_job(self._core, planned, job, slots=concurrency, deadline_seconds=seconds, drive=drive)
        plain = _jobs.plain_items(items)
        requests = _arguments.batch_requests(plain, fields, strict_capabilities=self._core.strict_capabilities)
        seconds = _arguments.deadline_seconds(deadline, timeout, "generate_many")
        core = self._core

        async def create(request: CreateImageTaskRequest) -> CreatedImageTask:
            created: CreatedImageTask = await drive(
                create_task(core, request, str(request.external_task_id), core.options(CallOptions()))
            )
            return created

        async def wait(task_id: str) -> ImageTask:
            task: ImageTask = await drive(wait_for_task(core, task_id, seconds, None, core.options(CallOptions())))
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


class Images(_Flows):
    """Image-generation tasks: ``client.images``.

    Every method that sends a request takes ``timeout`` (the HTTP timeout of each of its requests; default the
    client's), ``extra_headers`` and ``extra_query``; ``create`` and ``generate`` also ``extra_body``, merged into
    the JSON body after the documented fields were checked (a field the spec does not know yet can be sent).
    ``wait``, ``generate`` and ``generate_many`` give up after ``deadline`` seconds (their HTTP timeout is the
    client's: ``client.with_options(timeout=...)``).
    """

    @cached_property
    def with_raw_response(self) -> ImagesWithRawResponse:
        """The same methods, returning a :class:`RawResponse` (status, headers, request id, time) around the result."""
        return ImagesWithRawResponse(self)

    def create(
        self,
        prompt: str | CreateImageTaskRequest,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **fields: Unpack[CreateFields],
    ) -> CreatedImageTask:
        """Submit a task; checked against the spec before anything is sent. Never creates it twice."""
        options = self._options(timeout, extra_headers, extra_query, extra_body)
        return run(self._create(prompt, options, fields), self._core)

    def get(
        self,
        task_id: str,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ImageTask:
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
    ) -> _Tasks:
        """One page of the account's tasks (in the API's order, which is not documented)."""
        return run(self._list(page, page_size, self._options(timeout, extra_headers, extra_query)), self._core)

    def wait(
        self,
        task_id: str,
        *,
        deadline: float | None = None,
        on_update: Callable[[ImageTask], None] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | Unset = UNSET,  # the deprecated name of deadline
    ) -> ImageTask:
        """Poll until the task succeeds (returned), fails (TaskFailedError) or ``deadline`` seconds pass
        (TaskTimeoutError; default 600). ``on_update`` sees the task after every poll. ``timeout=`` is the
        deprecated name of ``deadline=``."""
        options = self._options(UNSET, extra_headers, extra_query)
        return run(self._wait(task_id, deadline, timeout, on_update, options), self._core)

    def generate(
        self,
        prompt: str | CreateImageTaskRequest,
        *,
        deadline: float | None = None,
        on_update: Callable[[ImageTask], None] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | Unset = UNSET,  # the deprecated name of deadline
        **fields: Unpack[CreateFields],
    ) -> ImageTask:
        """Create a task, then wait for it: the succeeded task, with its image URLs."""
        options = self._options(UNSET, extra_headers, extra_query, extra_body)
        return run(self._generate(prompt, deadline, timeout, on_update, options, fields), self._core)

    def download(
        self,
        task: ImageTask,
        directory: str | os.PathLike[str],
        *,
        watermark: bool = False,
        timeout: float | httpx.Timeout | Unset | None = UNSET,
    ) -> _Paths:
        """Save the task's images into ``directory`` (``~`` expanded): the files' paths, in image order. Each image
        must arrive within ``timeout`` seconds (default 300), whatever the server trickles."""
        return run(self._download(task, directory, watermark, timeout), self._core)

    def generate_many(
        self,
        items: _jobs.JobItems,
        *,
        concurrency: int = DEFAULT_BATCH_CONCURRENCY,
        deadline: float | None = None,
        job: str | None = None,
        shard: str | tuple[int, int] | None = None,
        max_units: float | Decimal | None = None,
        on_start: Callable[[_jobs.ItemStarted], object] | None = None,
        on_result: Callable[[BatchResult], object] | None = None,
        timeout: float | Unset = UNSET,  # the deprecated name of deadline
        **fields: Unpack[CreateFields],
    ) -> _Results:
        """Generate every item (a prompt or a request; ``fields`` apply to each), ``concurrency`` slots at a time.

        A task holds ``n`` slots, as the API counts them. When the account's quota is full (1303), an item
        waits for a slot instead of failing, for up to ``deadline`` seconds; its wait has the same deadline.
        Results come in input order, each with its task or its own KlingError. Every item is checked before
        anything is sent. An exception that is not a KlingError (a bug, KeyboardInterrupt) stops the batch and
        propagates: tasks already created keep running on the server. The scheduler is the async client's, run on
        a private event loop in a worker thread (see ``_batch``).

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

    def confirm_callback(self, callback: ImageTaskCallback) -> ImageTask:
        """The task a callback speaks of, as the API reports it now: an unsigned callback is a hint, so a careful
        receiver acts on the queried task, never on the callback's own claims."""
        return self.get(_arguments.callback_task_id(callback))


class AsyncImages(_Flows):
    """Image-generation tasks: ``client.images`` of an AsyncKling (the same methods as :class:`Images`)."""

    @cached_property
    def with_raw_response(self) -> AsyncImagesWithRawResponse:
        """The same methods, returning a :class:`RawResponse` (status, headers, request id, time) around the result."""
        return AsyncImagesWithRawResponse(self)

    async def create(
        self,
        prompt: str | CreateImageTaskRequest,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **fields: Unpack[CreateFields],
    ) -> CreatedImageTask:
        """Submit a task; checked against the spec before anything is sent. Never creates it twice."""
        options = self._options(timeout, extra_headers, extra_query, extra_body)
        return await run_async(self._create(prompt, options, fields), self._core)

    async def get(
        self,
        task_id: str,
        *,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ImageTask:
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
    ) -> _Tasks:
        """One page of the account's tasks (in the API's order, which is not documented)."""
        options = self._options(timeout, extra_headers, extra_query)
        return await run_async(self._list(page, page_size, options), self._core)

    async def wait(
        self,
        task_id: str,
        *,
        deadline: float | None = None,
        on_update: Callable[[ImageTask], Awaitable[None] | None] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | Unset = UNSET,  # noqa: ASYNC109 - the deprecated name of deadline
    ) -> ImageTask:
        """Poll until the task succeeds, fails or ``deadline`` passes; see :meth:`Images.wait`. ``on_update`` may
        be a coroutine function."""
        options = self._options(UNSET, extra_headers, extra_query)
        return await run_async(self._wait(task_id, deadline, timeout, on_update, options), self._core)

    async def generate(
        self,
        prompt: str | CreateImageTaskRequest,
        *,
        deadline: float | None = None,
        on_update: Callable[[ImageTask], Awaitable[None] | None] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | Unset = UNSET,  # noqa: ASYNC109 - the deprecated name of deadline
        **fields: Unpack[CreateFields],
    ) -> ImageTask:
        """Create a task, then wait for it: the succeeded task, with its image URLs."""
        options = self._options(UNSET, extra_headers, extra_query, extra_body)
        return await run_async(self._generate(prompt, deadline, timeout, on_update, options, fields), self._core)

    async def download(
        self,
        task: ImageTask,
        directory: str | os.PathLike[str],
        *,
        watermark: bool = False,
        timeout: float | httpx.Timeout | Unset | None = UNSET,  # noqa: ASYNC109 - an HTTP timeout
    ) -> _Paths:
        """Save the task's images into ``directory``: see :meth:`Images.download`."""
        return await run_async(self._download(task, directory, watermark, timeout), self._core)

    async def generate_many(
        self,
        items: _jobs.JobItems,
        *,
        concurrency: int = DEFAULT_BATCH_CONCURRENCY,
        deadline: float | None = None,
        job: str | None = None,
        shard: str | tuple[int, int] | None = None,
        max_units: float | Decimal | None = None,
        on_start: Callable[[_jobs.ItemStarted], object] | None = None,
        on_result: Callable[[BatchResult], object] | None = None,
        timeout: float | Unset = UNSET,  # noqa: ASYNC109 - the deprecated name of deadline
        **fields: Unpack[CreateFields],
    ) -> _Results:
        """Generate every item, ``concurrency`` slots at a time: see :meth:`Images.generate_many` (jobs too;
        ``on_start`` and ``on_result`` are awaited when they return an awaitable)."""
        from . import _jobs

        core = self._core
        options = _jobs.job_options(job, shard, max_units, on_start, on_result)
        return await self._batch(items, concurrency, deadline, timeout, fields, lambda f: run_async(f, core), options)

    async def confirm_callback(self, callback: ImageTaskCallback) -> ImageTask:
        """The task a callback speaks of, as the API reports it now (see :meth:`Images.confirm_callback`)."""
        return await self.get(_arguments.callback_task_id(callback))


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


def _raw(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        trace = Trace()
        token = _TRACE.set(trace)
        try:
            value = method(*args, **kwargs)
        finally:
            _TRACE.reset(token)
        return RawResponse(value, trace)

    return call


def _async_raw(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    async def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        trace = Trace()
        token = _TRACE.set(trace)
        try:
            value = await method(*args, **kwargs)
        finally:
            _TRACE.reset(token)
        return RawResponse(value, trace)

    return call


class ImagesWithRawResponse:
    """``client.images.with_raw_response``: each method returns a :class:`RawResponse` around its result."""

    def __init__(self, images: Images) -> None:
        self.create = _raw(images.create)
        self.get = _raw(images.get)
        self.list = _raw(images.list)
        self.wait = _raw(images.wait)
        self.generate = _raw(images.generate)
        self.confirm_callback = _raw(images.confirm_callback)


class AsyncImagesWithRawResponse:
    """``client.images.with_raw_response`` of an AsyncKling."""

    def __init__(self, images: AsyncImages) -> None:
        self.create = _async_raw(images.create)
        self.get = _async_raw(images.get)
        self.list = _async_raw(images.list)
        self.wait = _async_raw(images.wait)
        self.generate = _async_raw(images.generate)
        self.confirm_callback = _async_raw(images.confirm_callback)
