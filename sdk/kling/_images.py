"""``client.images``: create, get, list, wait, generate, download (sync and async twins).

Decisions live in pure functions (_requests, _answers, _retry, _wait); these classes only send and sleep.
"""

from __future__ import annotations

import inspect
import math
import os
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import kling_spec
from kling_api.api.images import create_image_task, get_image_task, list_image_tasks
from kling_api.models import CreatedImageTask, CreateImageTaskRequest, ImageTask, ImageTaskCallback
from kling_api.types import Response, encode_path_parameter

from . import _answers
from ._batch import BatchResult, arun_batch, run_batch
from ._constants import DEFAULT_BATCH_CONCURRENCY, DEFAULT_WAIT_TIMEOUT, DOWNLOAD_MAX_BYTES
from ._download import adownload_images, download_images
from ._errors import (
    RESOURCE_NOT_FOUND_CODE,
    TASK_NOT_FOUND_CODE,
    InvalidRequestError,
    KlingError,
    NotFoundError,
    ValidationError,
)
from ._logging import log_decision, log_failure, log_response
from ._requests import build_create_request, check_task_id, with_external_task_id
from ._retry import (
    async_retrying,
    create_ambiguous,
    create_surely_not_done,
    first_retry_delay,
    is_retryable_query_error,
    retrying,
)
from ._wait import Outcome, WaitPlan, decide

if TYPE_CHECKING:
    from ._client import AsyncKling, Kling

T = TypeVar("T")

_GENERATIONS = "/v1/images/generations"
# The resources have a method named list: annotations inside them name the types through these aliases.
_Tasks = list[ImageTask]
_Paths = list[Path]
_Results = list[BatchResult]


def _batch_requests(
    items: Iterable[str | CreateImageTaskRequest], fields: dict[str, Any], *, strict_capabilities: bool
) -> list[CreateImageTaskRequest]:
    """Every item of a batch as a checked request; one bad item refuses the whole batch before anything is sent."""
    if isinstance(items, str | bytes):
        # A string is an iterable of one-character prompts: one paid task per character.
        raise ValidationError("items", "must be a list of prompts or requests, not a single string")
    requests = []
    for index, item in enumerate(items):
        try:
            # Each item gets its external_task_id now, so every result names a task the caller can look up.
            request = build_create_request(item, fields, strict_capabilities=strict_capabilities)
            requests.append(with_external_task_id(request)[0])
        except ValidationError as error:
            field = f"items[{index}].{error.field}" if error.field else f"items[{index}]"
            raise ValidationError(field, error.rule) from None
    return requests


def _check_download_arguments(task: object, directory: object) -> None:
    if not isinstance(task, ImageTask):
        raise ValidationError("task", f"must be an ImageTask (from get, wait or generate), got {type(task).__name__}")
    if not isinstance(directory, str | os.PathLike):
        raise ValidationError("directory", f"must be a folder path, got {type(directory).__name__}")


def _callback_task_id(callback: object) -> str:
    if not isinstance(callback, ImageTaskCallback):
        raise ValidationError("callback", "must be an ImageTaskCallback: parse the body with kling.parse_callback")
    return callback.task_id


def _check_task_id(task_id: object) -> str:
    return check_task_id(task_id, "task_id")


def _check_timeout(timeout: object) -> float:
    """A wait's deadline: a finite number of seconds, 0 for a single poll (NaN or infinity would wait forever)."""
    if not isinstance(timeout, int | float) or isinstance(timeout, bool):
        raise ValidationError("timeout", f"must be a number of seconds, got {type(timeout).__name__}")
    if not math.isfinite(timeout) or timeout < 0:
        raise ValidationError("timeout", f"must be a finite number of seconds, 0 or more, got {timeout!r}")
    return float(timeout)


def _task_path(task_id: str) -> str:
    """The path as sent (for the log line), encoded by the generated client's own rule."""
    return f"{_GENERATIONS}/{encode_path_parameter('task_id', task_id)}"


def _check_page(page: object, page_size: object) -> None:
    """The list query, checked against the spec's parameter limits (pageNum, pageSize) before sending."""
    for name, value in (("page", page), ("page_size", page_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(name, f"must be an integer, got {type(value).__name__}")
        if value.bit_length() >= 64:
            # str() of an int of more than 4300 digits raises ValueError: refuse it before converting.
            raise ValidationError(name, "is an integer out of range (beyond 64 bits)")
    query = {"pageNum": str(page), "pageSize": str(page_size)}
    try:
        kling_spec.load_spec().validate_request("GET", _GENERATIONS, query=query)
    except kling_spec.RequestValidationError as error:
        field = {"query.pageNum": "page", "query.pageSize": "page_size"}.get(error.field, error.field)
        raise ValidationError(field, error.rule) from None


def _is_not_found(error: KlingError) -> bool:
    """What a lookup by id answers for an unknown task: 400/1201 (3rd-party reports) or 404/1203 (requested
    resource does not exist). Anything else (1202, a proxy's bare 404) proves nothing: no second create."""
    return (isinstance(error, InvalidRequestError) and error.code == TASK_NOT_FOUND_CODE) or (
        isinstance(error, NotFoundError) and error.code == RESOURCE_NOT_FOUND_CODE
    )


def _elapsed_ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _finish(method: str, path: str, start: float, response: Response[Any], parse: Callable[[Response[Any]], T]) -> T:
    """Parse an answer into a model, logging one line either way."""
    try:
        value = parse(response)
    except KlingError as error:
        log_response(method, path, int(response.status_code), getattr(error, "request_id", None), _elapsed_ms(start))
        raise
    log_response(method, path, int(response.status_code), getattr(value, "request_id", None), _elapsed_ms(start))
    return value


def _translate(method: str, path: str, start: float, error: Exception) -> KlingError | None:
    converted = _answers.error_from_exception(error)
    if converted is not None:
        log_failure(method, path, converted, _elapsed_ms(start))
    return converted


@dataclass
class _CreateState:
    """What the create loop knows so far: may an earlier attempt have created the task?"""

    external_task_id: str
    maybe_created: bool = False

    def note_failure(self, error: BaseException) -> None:
        if create_ambiguous(error):
            self.maybe_created = True
            log_decision("create %s: outcome unknown, looking it up before any new create", self.external_task_id)

    def lookup_before_giving_up(self, error: KlingError) -> bool:
        # A duplicate external_task_id answers 1201: after an ambiguous attempt it may be our own task.
        return self.maybe_created and isinstance(error, InvalidRequestError) and error.code == TASK_NOT_FOUND_CODE


def _create_should_retry(error: BaseException) -> bool:
    return create_surely_not_done(error) or create_ambiguous(error)


def _with_request_id(parse: Callable[[Response[Any]], tuple[T, str]]) -> Callable[[Response[Any]], _Parsed[T]]:
    def parse_with_id(response: Response[Any]) -> _Parsed[T]:
        value, request_id = parse(response)
        return _Parsed(value, request_id)

    return parse_with_id


@dataclass(frozen=True)
class _Parsed(Generic[T]):
    value: T
    request_id: str


class Images:
    """Image-generation tasks: ``client.images``."""

    def __init__(self, client: Kling) -> None:
        self._client = client

    # -- one request each, no retries ----------------------------------------------------------------

    def _send(self, method: str, path: str, send: Callable[[], Response[Any]], parse: Callable[..., _Parsed[T]]) -> T:
        start = time.perf_counter()
        try:
            response = send()
        except Exception as error:
            converted = _translate(method, path, start, error)
            if converted is None:
                raise
            raise converted from error
        return _finish(method, path, start, response, parse).value

    def _query(self, what: str, once: Callable[[], T]) -> T:
        """A query with its retries. The first attempt goes without a retry loop: most succeed, and building
        the loop costs more than the rest of the SDK's work on a call."""
        try:
            return once()
        except KlingError as error:
            timing = self._client._timing
            delay = first_retry_delay(what, error, self._client.max_retries, timing)
            if delay is None:
                raise
        timing.sleep(delay)
        loop = retrying(
            what,
            max_retries=self._client.max_retries,
            timing=timing,
            should_retry=is_retryable_query_error,
            attempts_done=1,
        )
        return loop(once)

    def _get_once(self, task_id: str) -> ImageTask:
        api = self._client._api
        return self._send(
            "GET",
            _task_path(task_id),
            lambda: get_image_task.sync_detailed(task_id, client=api),
            _with_request_id(_answers.image_task),
        )

    def _create_once(self, request: CreateImageTaskRequest) -> CreatedImageTask:
        api = self._client._api
        return self._send(
            "POST",
            _GENERATIONS,
            lambda: create_image_task.sync_detailed(client=api, body=request),
            _with_request_id(_answers.created_task),
        )

    def _lookup(self, external_task_id: str) -> CreatedImageTask | None:
        try:
            task = self._get_once(external_task_id)
        except KlingError as error:
            if _is_not_found(error):
                log_decision("create %s: not found, creating it", external_task_id)
                return None
            raise
        log_decision("create %s: found as task %s, not creating again", external_task_id, task.task_id)
        return _answers.created_from_task(task)

    def _create_attempt(self, request: CreateImageTaskRequest, state: _CreateState) -> CreatedImageTask:
        if state.maybe_created:
            found = self._lookup(state.external_task_id)
            if found is not None:
                return found
        try:
            return self._create_once(request)
        except KlingError as error:
            if state.lookup_before_giving_up(error):
                found = self._lookup(state.external_task_id)
                if found is not None:
                    return found
            state.note_failure(error)
            raise

    # -- public ---------------------------------------------------------------------------------------

    def create(self, prompt: str | CreateImageTaskRequest, **fields: Any) -> CreatedImageTask:
        """Submit a task; checked against the spec before anything is sent. Never creates it twice."""
        request, external_task_id = with_external_task_id(
            build_create_request(prompt, fields, strict_capabilities=self._client.strict_capabilities)
        )
        state = _CreateState(external_task_id)
        loop = retrying(
            "create",
            max_retries=self._client.max_retries,
            timing=self._client._timing,
            should_retry=_create_should_retry,
        )
        return loop(self._create_attempt, request, state)

    def get(self, task_id: str) -> ImageTask:
        """The task, by its task_id or your external_task_id."""
        task_id = _check_task_id(task_id)
        return self._query("get", lambda: self._get_once(task_id))

    def list(self, *, page: int = 1, page_size: int = 30) -> _Tasks:
        """One page of the account's tasks (in the API's order, which is not documented)."""
        _check_page(page, page_size)
        api = self._client._api

        def once() -> _Tasks:
            return self._send(
                "GET",
                _GENERATIONS,
                lambda: list_image_tasks.sync_detailed(client=api, page_num=page, page_size=page_size),
                _with_request_id(_answers.image_tasks),
            )

        return self._query("list", once)

    def wait(
        self,
        task_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_update: Callable[[ImageTask], None] | None = None,
    ) -> ImageTask:
        """Poll until the task succeeds (returned), fails (TaskFailedError) or ``timeout`` passes
        (TaskTimeoutError). ``on_update`` sees the task after every poll."""
        task_id = _check_task_id(task_id)
        timing = self._client._timing
        plan = WaitPlan(task_id, _check_timeout(timeout), timing.clock())
        while True:
            # One query per poll: a transient failure (timeout, 5xx, 429) is just a missed poll, and the
            # wait's own deadline, not a retry budget, decides when to give up.
            try:
                task = self._get_once(task_id)
            except KlingError as error:
                plan.missed_poll(error, is_retryable_query_error(error))
            else:
                plan.polled(str(task.task_status))
                if on_update is not None:
                    on_update(task)
                if decide(task) is Outcome.DONE:
                    return task
            delay = plan.sleep_before_next_poll(timing.clock())
            log_decision("task %s is %s: next poll in %.2f s", task_id, plan.last_status, delay)
            timing.sleep(delay)

    def generate(
        self,
        prompt: str | CreateImageTaskRequest,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_update: Callable[[ImageTask], None] | None = None,
        **fields: Any,
    ) -> ImageTask:
        """Create a task, then wait for it: the succeeded task, with its image URLs."""
        _check_timeout(timeout)  # before a task that costs credits is created
        created = self.create(prompt, **fields)
        return self.wait(created.task_id, timeout=timeout, on_update=on_update)

    def download(self, task: ImageTask, directory: str | os.PathLike[str], *, watermark: bool = False) -> _Paths:
        """Save the task's images into ``directory``: the files' paths, in image order."""
        _check_download_arguments(task, directory)
        return download_images(
            self._client._download_http(),
            task,
            directory,
            watermark=watermark,
            allowed_schemes=self._client._download_schemes,
            max_bytes=DOWNLOAD_MAX_BYTES,
        )

    def generate_many(
        self,
        items: Iterable[str | CreateImageTaskRequest],
        *,
        concurrency: int = DEFAULT_BATCH_CONCURRENCY,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        **fields: Any,
    ) -> _Results:
        """Generate every item (a prompt or a request; ``fields`` apply to each), ``concurrency`` slots at a time.

        A task holds ``n`` slots, as the API counts them. When the account's quota is full (1303), an item
        waits for a slot instead of failing, for up to ``timeout`` seconds; its wait has the same deadline.
        Results come in input order, each with its task or its own KlingError. Every item is checked before
        anything is sent. An exception that is not a KlingError (a bug, KeyboardInterrupt) stops the batch and
        propagates: tasks already created keep running on the server.
        """
        requests = _batch_requests(items, fields, strict_capabilities=self._client.strict_capabilities)
        _check_timeout(timeout)
        timing = self._client._timing
        return run_batch(
            requests,
            slots=concurrency,
            create=self.create,
            wait=lambda task_id: self.wait(task_id, timeout=timeout),
            deadline_seconds=timeout,
            clock=timing.clock,
            sleep=timing.sleep,
        )

    def confirm_callback(self, callback: ImageTaskCallback) -> ImageTask:
        """The task a callback speaks of, as the API reports it now: callbacks are unsigned, so a careful
        receiver acts on the queried task, never on the callback's own claims."""
        return self.get(_callback_task_id(callback))


class AsyncImages:
    """Image-generation tasks: ``client.images`` of an AsyncKling."""

    def __init__(self, client: AsyncKling) -> None:
        self._client = client

    async def _send(
        self,
        method: str,
        path: str,
        send: Callable[[], Awaitable[Response[Any]]],
        parse: Callable[..., _Parsed[T]],
    ) -> T:
        start = time.perf_counter()
        try:
            response = await send()
        except Exception as error:
            converted = _translate(method, path, start, error)
            if converted is None:
                raise
            raise converted from error
        return _finish(method, path, start, response, parse).value

    async def _query(self, what: str, once: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """A query with its retries; the first attempt without a retry loop (see Images._query)."""
        try:
            return await once()
        except KlingError as error:
            timing = self._client._timing
            delay = first_retry_delay(what, error, self._client.max_retries, timing)
            if delay is None:
                raise
        await timing.async_sleep(delay)
        loop = async_retrying(
            what,
            max_retries=self._client.max_retries,
            timing=timing,
            should_retry=is_retryable_query_error,
            attempts_done=1,
        )
        return await loop(once)

    async def _get_once(self, task_id: str) -> ImageTask:
        api = self._client._api
        return await self._send(
            "GET",
            _task_path(task_id),
            lambda: get_image_task.asyncio_detailed(task_id, client=api),
            _with_request_id(_answers.image_task),
        )

    async def _create_once(self, request: CreateImageTaskRequest) -> CreatedImageTask:
        api = self._client._api
        return await self._send(
            "POST",
            _GENERATIONS,
            lambda: create_image_task.asyncio_detailed(client=api, body=request),
            _with_request_id(_answers.created_task),
        )

    async def _lookup(self, external_task_id: str) -> CreatedImageTask | None:
        try:
            task = await self._get_once(external_task_id)
        except KlingError as error:
            if _is_not_found(error):
                log_decision("create %s: not found, creating it", external_task_id)
                return None
            raise
        log_decision("create %s: found as task %s, not creating again", external_task_id, task.task_id)
        return _answers.created_from_task(task)

    async def _create_attempt(self, request: CreateImageTaskRequest, state: _CreateState) -> CreatedImageTask:
        if state.maybe_created:
            found = await self._lookup(state.external_task_id)
            if found is not None:
                return found
        try:
            return await self._create_once(request)
        except KlingError as error:
            if state.lookup_before_giving_up(error):
                found = await self._lookup(state.external_task_id)
                if found is not None:
                    return found
            state.note_failure(error)
            raise

    async def create(self, prompt: str | CreateImageTaskRequest, **fields: Any) -> CreatedImageTask:
        """Submit a task; checked against the spec before anything is sent. Never creates it twice."""
        request, external_task_id = with_external_task_id(
            build_create_request(prompt, fields, strict_capabilities=self._client.strict_capabilities)
        )
        state = _CreateState(external_task_id)
        loop = async_retrying(
            "create",
            max_retries=self._client.max_retries,
            timing=self._client._timing,
            should_retry=_create_should_retry,
        )
        return await loop(self._create_attempt, request, state)

    async def get(self, task_id: str) -> ImageTask:
        """The task, by its task_id or your external_task_id."""
        task_id = _check_task_id(task_id)

        # A coroutine function, not a lambda returning a coroutine: tenacity awaits only the former.
        async def once() -> ImageTask:
            return await self._get_once(task_id)

        return await self._query("get", once)

    async def list(self, *, page: int = 1, page_size: int = 30) -> _Tasks:
        """One page of the account's tasks (in the API's order, which is not documented)."""
        _check_page(page, page_size)
        api = self._client._api

        async def once() -> _Tasks:
            return await self._send(
                "GET",
                _GENERATIONS,
                lambda: list_image_tasks.asyncio_detailed(client=api, page_num=page, page_size=page_size),
                _with_request_id(_answers.image_tasks),
            )

        return await self._query("list", once)

    async def wait(
        self,
        task_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 - the wait's deadline, not an I/O timeout
        on_update: Callable[[ImageTask], Awaitable[None] | None] | None = None,
    ) -> ImageTask:
        """Poll until the task succeeds (returned), fails (TaskFailedError) or ``timeout`` passes
        (TaskTimeoutError). ``on_update`` (a function or a coroutine function) sees the task after every poll."""
        task_id = _check_task_id(task_id)
        timing = self._client._timing
        plan = WaitPlan(task_id, _check_timeout(timeout), timing.clock())
        while True:
            try:
                task = await self._get_once(task_id)
            except KlingError as error:
                plan.missed_poll(error, is_retryable_query_error(error))
            else:
                plan.polled(str(task.task_status))
                if on_update is not None:
                    result = on_update(task)
                    if inspect.isawaitable(result):
                        await result
                if decide(task) is Outcome.DONE:
                    return task
            delay = plan.sleep_before_next_poll(timing.clock())
            log_decision("task %s is %s: next poll in %.2f s", task_id, plan.last_status, delay)
            await timing.async_sleep(delay)

    async def generate(
        self,
        prompt: str | CreateImageTaskRequest,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 - the wait's deadline, not an I/O timeout
        on_update: Callable[[ImageTask], Awaitable[None] | None] | None = None,
        **fields: Any,
    ) -> ImageTask:
        """Create a task, then wait for it: the succeeded task, with its image URLs."""
        _check_timeout(timeout)  # before a task that costs credits is created
        created = await self.create(prompt, **fields)
        return await self.wait(created.task_id, timeout=timeout, on_update=on_update)

    async def download(self, task: ImageTask, directory: str | os.PathLike[str], *, watermark: bool = False) -> _Paths:
        """Save the task's images into ``directory``: the files' paths, in image order."""
        _check_download_arguments(task, directory)
        return await adownload_images(
            self._client._download_http(),
            task,
            directory,
            watermark=watermark,
            allowed_schemes=self._client._download_schemes,
            max_bytes=DOWNLOAD_MAX_BYTES,
        )

    async def generate_many(
        self,
        items: Iterable[str | CreateImageTaskRequest],
        *,
        concurrency: int = DEFAULT_BATCH_CONCURRENCY,
        timeout: float = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 - each item's deadline, not an I/O timeout
        **fields: Any,
    ) -> _Results:
        """Generate every item, ``concurrency`` slots at a time: see ``Images.generate_many``."""
        requests = _batch_requests(items, fields, strict_capabilities=self._client.strict_capabilities)
        _check_timeout(timeout)
        timing = self._client._timing

        async def wait(task_id: str) -> ImageTask:
            return await self.wait(task_id, timeout=timeout)

        return await arun_batch(
            requests,
            slots=concurrency,
            create=self.create,
            wait=wait,
            deadline_seconds=timeout,
            clock=timing.clock,
            sleep=timing.async_sleep,
        )

    async def confirm_callback(self, callback: ImageTaskCallback) -> ImageTask:
        """The task a callback speaks of, as the API reports it now (callbacks are unsigned)."""
        return await self.get(_callback_task_id(callback))
