"""The rules of talking to the API, written once as generator flows (see ``_effects``), driven by ``_drivers``.

- :func:`exchange`: one request; its answer becomes a model or a KlingError, and one log line;
- :func:`with_retries`: the one retry loop (what to retry and how long to wait: ``_retry``);
- :func:`get_task`, :func:`list_tasks`, :func:`query`: queries, retried after a transient failure (``query`` also
  keeps an operation's documented request rate, and takes another retry rule for a deletion);

Each flow takes the task endpoint it talks to (``_endpoints.TaskEndpoint``): the rules are the same for all.
- :func:`create_task`: the create that never creates a task twice. Every create carries an ``external_task_id``;
  it is retried as is only when it surely created nothing, and after an ambiguous failure (a timeout, a dropped
  connection, a 5xx, an unreadable answer) the task is looked up by that id first; only a documented
  "not found" allows another create. A create refused as a duplicate after an ambiguous attempt is looked up too;
- :func:`wait_for_task`: polls until the task ends, with a deadline that holds through outages (``_wait``).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from kling_api.models import CreatedImageTask
from kling_api.types import Response, encode_path_parameter

from . import _answers
from ._constants import WAIT_MIN_POLL_SECONDS
from ._core import CallOptions, ClientCore
from ._effects import Call, Flow, Notify, Sleep, Trace, remember_request_id
from ._endpoints import TaskEndpoint, TaskT
from ._errors import (
    RESOURCE_NOT_FOUND_CODE,
    TASK_NOT_FOUND_CODE,
    InvalidRequestError,
    KlingError,
    NotFoundError,
)
from ._logging import Path, log_decision, log_failure, log_response, log_retry
from ._retry import backoff_delay, create_ambiguous, create_should_retry, is_retryable_query_error
from ._wait import Outcome, WaitPlan, decide

T = TypeVar("T")


def _elapsed_ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def request(
    core: ClientCore, endpoint: Any, kwargs: dict[str, Any], options: CallOptions, *, with_body: bool = False
) -> Call:
    """One request of a call: its endpoint and arguments, its options, and the deadline it must end by."""
    deadline = core.deadline(options)
    return Call(endpoint, {**kwargs, "request_options": options.for_request(deadline, with_body=with_body)}, deadline)


def exchange(
    method: str,
    path: Path,
    call: Call,
    parse: Callable[[Response[Any]], tuple[T, str]],
    trace: Trace | None = None,
) -> Flow[T]:
    """One request: the parsed model, or the KlingError its answer (or its failure) stands for."""
    start = time.perf_counter()
    try:
        response: Response[Any] = yield call
    except Exception as error:
        converted = _answers.error_from_exception(error)
        if converted is None:
            raise
        log_failure(method, path, converted, _elapsed_ms(start))
        raise converted from error
    status = int(response.status_code)
    if trace is not None:
        trace.http_status, trace.elapsed = status, time.perf_counter() - start
        trace.headers.clear()
        trace.headers.update(response.headers)
    try:
        value, request_id = parse(response)
    except KlingError as error:
        log_response(method, path, status, getattr(error, "request_id", None), _elapsed_ms(start))
        if trace is not None:
            trace.request_id = getattr(error, "request_id", None)
        raise
    log_response(method, path, status, request_id, _elapsed_ms(start))
    remember_request_id(value, request_id)
    if trace is not None:
        trace.request_id = request_id
    return value


def with_retries(
    what: str, attempt: Callable[[], Flow[T]], core: ClientCore, should_retry: Callable[[BaseException], bool]
) -> Flow[T]:
    """``attempt`` until it succeeds, ``should_retry`` refuses its error, or ``core.max_retries`` retries are spent.

    Between attempts: the server's Retry-After, else exponential backoff with full jitter (``_retry``).
    """
    retries = 0
    while True:
        try:
            return (yield from attempt())
        except KlingError as error:
            if retries >= core.max_retries or not should_retry(error):
                raise
            retries += 1
            delay = backoff_delay(retries, error, core.timing.random)
            log_retry(what, retries, delay, error)
        yield Sleep(delay)


# -- queries ---------------------------------------------------------------------------------------------------


def task_path(endpoint: TaskEndpoint[Any, Any], task_id: str) -> str:
    """The path as sent (for the log line), encoded by the generated client's own rule."""
    return endpoint.task_path(encode_path_parameter("task_id", task_id))


def _get_once(
    core: ClientCore, endpoint: TaskEndpoint[TaskT, Any], task_id: str, options: CallOptions, trace: Trace | None
) -> Flow[TaskT]:
    call = request(core, endpoint.get_api, {"task_id": task_id}, options)
    return exchange("GET", lambda: task_path(endpoint, task_id), call, endpoint.parse_task, trace)


def get_task(
    core: ClientCore,
    endpoint: TaskEndpoint[TaskT, Any],
    task_id: str,
    options: CallOptions,
    trace: Trace | None = None,
) -> Flow[TaskT]:
    """The task by its id or external id, retried after a transient failure."""
    return with_retries(
        "get", lambda: _get_once(core, endpoint, task_id, options, trace), core, is_retryable_query_error
    )


def query(
    core: ClientCore,
    what: str,
    api: Any,
    path: str,
    kwargs: dict[str, Any],
    parse: Callable[[Response[Any]], tuple[T, str]],
    options: CallOptions,
    trace: Trace | None = None,
    *,
    method: str = "GET",
    with_body: bool = False,
    requests_per_second: float | None = None,
    should_retry: Callable[[BaseException], bool] = is_retryable_query_error,
) -> Flow[T]:
    """One request (a list, a ledger page, the account's costs, a deletion), retried when ``should_retry`` says
    (by default after a transient failure: it changes nothing). With ``requests_per_second``, each attempt waits
    for its turn under the operation's rate limit (``_core._Pacer``), shared with every copy of the client."""

    def once() -> Flow[T]:
        if requests_per_second is not None:
            wait = core.pacer.wait_before(path, requests_per_second, core.timing.clock())
            if wait > 0:
                log_decision(
                    "%s %s: waiting %.2f s for its turn (%g requests a second)", method, path, wait, requests_per_second
                )
                yield Sleep(wait)
        return (
            yield from exchange(method, path, request(core, api, kwargs, options, with_body=with_body), parse, trace)
        )

    return with_retries(what, once, core, should_retry)


def list_tasks(
    core: ClientCore,
    endpoint: TaskEndpoint[TaskT, Any],
    page: int,
    page_size: int,
    options: CallOptions,
    trace: Trace | None = None,
) -> Flow[list[TaskT]]:
    """One page of tasks, retried after a transient failure."""
    kwargs = {"page_num": page, "page_size": page_size}
    return query(core, "list", endpoint.list_api, endpoint.path, kwargs, endpoint.parse_tasks, options, trace)


# -- the create that never creates twice -----------------------------------------------------------------------


def _is_not_found(error: KlingError) -> bool:
    """What a lookup by id answers for an unknown task: 400/1201 (3rd-party reports) or 404/1203 (requested
    resource does not exist). Anything else (1202, a proxy's bare 404) proves nothing: no second create."""
    return (isinstance(error, InvalidRequestError) and error.code == TASK_NOT_FOUND_CODE) or (
        isinstance(error, NotFoundError) and error.code == RESOURCE_NOT_FOUND_CODE
    )


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


def _lookup(
    core: ClientCore, endpoint: TaskEndpoint[Any, Any], external_task_id: str, options: CallOptions
) -> Flow[CreatedImageTask | None]:
    try:
        task = yield from _get_once(core, endpoint, external_task_id, options, None)
    except KlingError as error:
        if _is_not_found(error):
            log_decision("create %s: not found, creating it", external_task_id)
            return None
        raise
    log_decision("create %s: found as task %s, not creating again", external_task_id, task.task_id)
    return _answers.created_from_task(task)


def create_task(
    core: ClientCore,
    endpoint: TaskEndpoint[Any, Any],
    body: Any,
    external_task_id: str,
    options: CallOptions,
    trace: Trace | None = None,
) -> Flow[CreatedImageTask]:
    """Submit ``body`` (which carries ``external_task_id``): see the module docstring."""
    state = _CreateState(external_task_id)
    # Lookups are queries: the call's headers and timeout apply, its body fields do not.
    lookup_options = options.queries()

    def attempt() -> Flow[CreatedImageTask]:
        if state.maybe_created:
            found = yield from _lookup(core, endpoint, external_task_id, lookup_options)
            if found is not None:
                return found
        try:
            call = request(core, endpoint.create_api, {"body": body}, options, with_body=True)
            return (yield from exchange("POST", endpoint.path, call, _answers.created_task, trace))
        except KlingError as error:
            if state.lookup_before_giving_up(error):
                found = yield from _lookup(core, endpoint, external_task_id, lookup_options)
                if found is not None:
                    return found
            state.note_failure(error)
            raise

    return (yield from with_retries("create", attempt, core, create_should_retry))


# -- waiting ---------------------------------------------------------------------------------------------------


def wait_for_task(
    core: ClientCore,
    endpoint: TaskEndpoint[TaskT, Any],
    task_id: str,
    deadline: float,
    on_update: Callable[[TaskT], object] | None,
    options: CallOptions,
    trace: Trace | None = None,
) -> Flow[TaskT]:
    """Poll until the task succeeds (returned), fails (TaskFailedError) or ``deadline`` seconds pass
    (TaskTimeoutError). One query per poll: a transient failure is a missed poll, and the deadline, not a
    retry budget, decides when to give up."""
    plan = WaitPlan(task_id, deadline, core.timing.clock())
    while True:
        # The poll in flight ends by the wait's deadline too, whatever the HTTP timeout; each poll gets at least
        # WAIT_MIN_POLL_SECONDS, so a deadline of 0 is still one poll.
        left = max(deadline - (core.timing.clock() - plan.started), WAIT_MIN_POLL_SECONDS)
        poll = dataclasses.replace(options, deadline=time.monotonic() + left)
        try:
            task = yield from _get_once(core, endpoint, task_id, poll, trace)
        except KlingError as error:
            plan.missed_poll(error, is_retryable_query_error(error))
        else:
            plan.polled(str(task.task_status))
            if on_update is not None:
                yield Notify(on_update, task)
            if decide(task) is Outcome.DONE:
                return task
        delay = plan.sleep_before_next_poll(core.timing.clock())
        log_decision("task %s is %s: next poll in %.2f s", task_id, plan.last_status, delay)
        yield Sleep(delay)


def generate_task(
    core: ClientCore,
    endpoint: TaskEndpoint[TaskT, Any],
    body: Any,
    external_task_id: str,
    deadline: float,
    on_update: Callable[[TaskT], object] | None,
    options: CallOptions,
    trace: Trace | None = None,
) -> Flow[TaskT]:
    """Create, then wait: the succeeded task."""
    created = yield from create_task(core, endpoint, body, external_task_id, options, trace)
    return (yield from wait_for_task(core, endpoint, created.task_id, deadline, on_update, options.queries(), trace))
