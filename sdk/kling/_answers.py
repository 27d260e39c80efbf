"""Turning what the generated functions return or raise into a model or a KlingError (pure functions).

Every broken answer ends here as a KlingError carrying the HTTP status: an HTML gateway page, an empty or
truncated body, a body of the wrong shape, an undocumented status, a 200 whose envelope says code != 0.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any, Protocol, TypeVar

import httpx
import kling_auth
from kling_api import errors as api_errors
from kling_api.models import (
    CreatedImageTask,
    CreateImageTaskResponse,
    ErrorResponse,
    TaskStatus,
)
from kling_api.types import Response, Unset

from ._endpoints import Task
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    KlingError,
    MalformedResponseError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    ValidationError,
    api_error,
)
from ._retry import retry_after_seconds

# An undocumented status may still carry the API's envelope (a 502 with code 5000): read it if small.
_MAX_ENVELOPE_BYTES = 64 * 1024
_EXCERPT_CHARS = 200


class Envelope(Protocol):
    """The API's answer around its data: every success envelope of the generated client has these."""

    @property
    def code(self) -> int: ...
    @property
    def message(self) -> str: ...
    @property
    def request_id(self) -> str: ...


E = TypeVar("E", bound=Envelope)
TaskT = TypeVar("TaskT", bound=Task)
D = TypeVar("D")


def error_from_exception(error: BaseException) -> KlingError | None:
    """The KlingError for what a generated function raised; None for what is not about the answer (a bug)."""
    if isinstance(error, KlingError):
        return error
    if isinstance(error, api_errors.ResponseError):
        converted = _error_from_status(error.status_code, error.content, error.problem)
        converted._retry_after = retry_after_seconds(error.headers)
        return converted
    if isinstance(error, kling_auth.AnswerTooLargeError):
        return ResponseTooLargeError(str(error), http_status=error.status, limit=error.limit)
    if isinstance(error, httpx.DecodingError):
        # An encoding we did not ask for, or a body that is not the gzip/deflate it claims to be.
        return MalformedResponseError(api_errors.redact(str(error)), http_status=0)
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"no answer in time ({type(error).__name__})")
    if isinstance(error, httpx.TransportError):
        # A transport's or proxy's message may quote the request it failed on: never a token in ours.
        return APIConnectionError(f"connection failed ({type(error).__name__}: {api_errors.redact(str(error))})")
    if isinstance(error, httpx.HTTPError):
        return APIConnectionError(f"HTTP failure ({type(error).__name__}: {api_errors.redact(str(error))})")
    if isinstance(error, httpx.InvalidURL):
        return ValidationError("url", f"the request cannot be sent: {api_errors.redact(str(error))}")
    if isinstance(error, ValueError | TypeError | KeyError | AttributeError | RecursionError):
        # The generated client turns every unreadable answer into a ResponseError: what is left was raised
        # while building the request (a value that cannot be serialised), before anything was sent.
        return ValidationError("request", f"cannot be sent: {type(error).__name__}: {api_errors.redact(str(error))}")
    return None


def _error_from_status(status: int, content: bytes, problem: str) -> APIError:
    envelope = _read_envelope(content)
    if envelope is not None and envelope[0] != 0:
        # Not the documented shape (no request_id, an undocumented status...), but the code says what happened.
        return api_error(status, *envelope)
    excerpt = api_errors.excerpt(content, _EXCERPT_CHARS)
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        # A rate limiter in front of the API (a CDN page) still means: slow down and retry.
        return RateLimitError(f"rate limited without the API's envelope; body starts {excerpt!r}", http_status=status)
    if status >= 500:
        # An HTML page from a gateway is still the server failing: worth a retry, with its status.
        return ServerError(f"server error without the API's envelope; body starts {excerpt!r}", http_status=status)
    if status == HTTPStatus.UNAUTHORIZED:
        # Whatever its body (HTML, nested too deep to read), a 401 means the credentials were refused.
        return AuthenticationError(
            f"authentication refused, without the API's envelope; body starts {excerpt!r}", http_status=status
        )
    return MalformedResponseError(problem, http_status=status, body_excerpt=excerpt)


def _read_envelope(content: bytes) -> tuple[int, str, str | None] | None:
    if not content or len(content) > _MAX_ENVELOPE_BYTES:
        return None
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        return None
    if not isinstance(body, dict):
        return None
    code, message, request_id = body.get("code"), body.get("message"), body.get("request_id")
    if not isinstance(code, int) or isinstance(code, bool):
        return None
    return code, message if isinstance(message, str) else "", request_id if isinstance(request_id, str) else None


def _raise_error_answer(status: int, parsed: ErrorResponse, headers: httpx.Headers | Any) -> None:
    error = api_error(status, parsed.code, parsed.message, parsed.request_id)
    error._retry_after = retry_after_seconds(headers)
    raise error


def unwrap(response: Response[Any], envelope_type: type[E]) -> E:
    """The success envelope of a response; the right APIError when the answer is an error of any kind."""
    status = int(response.status_code)
    parsed = response.parsed
    if isinstance(parsed, ErrorResponse):
        _raise_error_answer(status, parsed, response.headers)
    if not isinstance(parsed, envelope_type):
        raise MalformedResponseError(
            f"expected {envelope_type.__name__}, got {type(parsed).__name__}",
            http_status=status,
            body_excerpt=api_errors.excerpt(response.content, _EXCERPT_CHARS),
        )
    if parsed.code != 0:
        # A success status whose envelope says otherwise is an error all the same.
        error = api_error(status, parsed.code, parsed.message, parsed.request_id)
        error._retry_after = retry_after_seconds(response.headers)
        raise error
    return parsed


def _missing_data(status: int, envelope: Envelope) -> MalformedResponseError:
    return MalformedResponseError(
        "the answer says success but carries no data", http_status=status, request_id=envelope.request_id
    )


def created_task(response: Response[Any]) -> tuple[CreatedImageTask, str]:
    """What every create answers: the new task's id and status."""
    envelope = unwrap(response, CreateImageTaskResponse)
    data = envelope.data
    if not isinstance(data, CreatedImageTask):
        raise _missing_data(int(response.status_code), envelope)
    _check_task_fields(data, int(response.status_code), envelope.request_id)
    return data, envelope.request_id


def task_parser(envelope_type: type[Any], task_type: type[TaskT]) -> Callable[[Response[Any]], tuple[TaskT, str]]:
    """The parser of a query's answer: its task (a ``task_type``), checked."""

    def parse(response: Response[Any]) -> tuple[TaskT, str]:
        envelope = unwrap(response, envelope_type)
        data = envelope.data
        if not isinstance(data, task_type):
            raise _missing_data(int(response.status_code), envelope)
        _check_task_fields(data, int(response.status_code), envelope.request_id)
        return data, envelope.request_id

    return parse


def tasks_parser(envelope_type: type[Any], task_type: type[D]) -> Callable[[Response[Any]], tuple[list[D], str]]:
    """The parser of a list's answer: its tasks (each a ``task_type``), checked."""

    def parse(response: Response[Any]) -> tuple[list[D], str]:
        envelope = unwrap(response, envelope_type)
        data = envelope.data
        if isinstance(data, Unset) or data is None:
            raise _missing_data(int(response.status_code), envelope)
        tasks: Sequence[object] = data
        for task in tasks:
            if not isinstance(task, task_type):
                raise MalformedResponseError(
                    f"a listed task is a {type(task).__name__}", http_status=int(response.status_code)
                )
            _check_task_fields(task, int(response.status_code), envelope.request_id)
        return list(data), envelope.request_id

    return parse


def data_parser(envelope_type: type[Any], data_type: type[D]) -> Callable[[Response[Any]], tuple[D, str]]:
    """The parser of an answer whose data is one object of ``data_type`` (the account's costs, a deletion)."""

    def parse(response: Response[Any]) -> tuple[D, str]:
        envelope = unwrap(response, envelope_type)
        data = envelope.data
        if not isinstance(data, data_type):
            raise _missing_data(int(response.status_code), envelope)
        return data, envelope.request_id

    return parse


def _check_task_fields(task: Any, status: int, request_id: str) -> None:
    # The generated parser checks types; this keeps the promise even if a field slips through.
    problems = [
        name
        for name, ok in (
            ("task_id", isinstance(task.task_id, str) and task.task_id != ""),
            ("task_status", isinstance(task.task_status, TaskStatus)),
            ("created_at", isinstance(task.created_at, int) and not isinstance(task.created_at, bool)),
            ("updated_at", isinstance(task.updated_at, int) and not isinstance(task.updated_at, bool)),
        )
        if not ok
    ]
    if problems:
        raise MalformedResponseError(
            "the task has missing or mistyped fields: " + ", ".join(problems), http_status=status, request_id=request_id
        )


def created_from_task(task: Task) -> CreatedImageTask:
    """What a create would have answered, from the task found by its external_task_id."""
    return CreatedImageTask(
        task_id=task.task_id,
        task_status=task.task_status,
        created_at=task.created_at,
        updated_at=task.updated_at,
        task_info=task.task_info,
    )
