"""Turning whatever stopped a command into one line (or one JSON document) and an exit code.

Never a traceback for a KlingError, and nothing but attributes the SDK already keeps free of secrets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kling_auth import MissingCredentialsError

from .. import (
    AccountError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ContentPolicyError,
    DownloadError,
    InvalidRequestError,
    KlingError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TaskFailedError,
    TaskTimeoutError,
    ValidationError,
)
from ._exit_codes import API_ERROR, INTERRUPTED, TASK_FAILED, TIMEOUT, USAGE


class CliError(Exception):
    """A failure the CLI itself reports: a message, an exit code, details for ``--json``."""

    exit_code: int = API_ERROR
    #: The ``type`` of the ``--json`` error document, when not the class's name.
    report_type: str | None = None

    def __init__(self, message: str, *, exit_code: int | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code
        self.details = details


class ConfigError(CliError):
    """Missing or contradictory configuration (keys, base URL): fixed by the user, not retried."""

    exit_code = USAGE


class Interrupted(CliError):
    """Ctrl-C; the message says how to pick up a task that goes on server-side."""

    exit_code = INTERRUPTED


class InvalidOption(CliError):
    """The SDK's ValidationError (nothing was sent), said with the option that carried the value."""

    exit_code = USAGE
    report_type = "ValidationError"


@contextmanager
def options_named(option_of: Callable[[str], str | None]) -> Iterator[None]:
    """A ValidationError raised inside is reported with the option that set its field (``option_of(field)``: the
    option, or None to report it as it is): ``invalid image_list.0.image (--image): no such file ...``."""
    try:
        yield
    except ValidationError as error:
        field_name, rule = getattr(error, "field", None) or "", getattr(error, "rule", None) or str(error)
        option = option_of(field_name)
        if option is None:
            raise
        # A rule across fields (the outpainting area) has no field of its own: the options name it.
        where = f"{field_name} ({option})" if field_name else option
        raise InvalidOption(f"invalid {where}: {rule}", field=field_name, rule=rule, option=option) from None


@dataclass(frozen=True)
class Failure:
    """How one error is reported."""

    exit_code: int
    #: The line printed after ``error: `` (no secret, no token).
    message: str
    #: Extra fields of the ``--json`` error document.
    details: dict[str, Any] = field(default_factory=dict)
    type: str = "Error"

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "exit_code": self.exit_code,
            "message": self.message,
            "code": None,
            "request_id": None,
        }
        body.update(self.details)
        return {"error": body}


# Most specific first: the first isinstance match names the family.
_SUMMARIES: tuple[tuple[type[APIError], str], ...] = (
    (RateLimitError, "rate limited"),
    (AuthenticationError, "authentication failed"),
    (AccountError, "account problem"),
    (PermissionDeniedError, "permission denied"),
    (InvalidRequestError, "invalid request"),
    (NotFoundError, "not found"),
    (ContentPolicyError, "refused by the content policy"),
    (ServerError, "server error"),
    (MalformedResponseError, "broken answer from the API"),
)


def _api_error(error: APIError) -> Failure:
    summary = next((text for cls, text in _SUMMARIES if isinstance(error, cls)), "API error")
    code, request_id = error.code, error.request_id
    status = getattr(error, "http_status", None)
    where = [f"code {code}"] if code is not None else [f"HTTP {status}"] if status is not None else []
    if request_id:
        where.append(f"request_id {request_id}")
    message = getattr(error, "message", None) or str(error)
    line = f"{summary} ({', '.join(where)}): {message}" if where else f"{summary}: {message}"
    return Failure(
        API_ERROR,
        line,
        {"code": code, "request_id": request_id, "http_status": status, "api_message": message},
        type(error).__name__,
    )


def describe(error: BaseException, *, resume: Callable[[str], str]) -> Failure:
    """The report for ``error``; ``resume(task_id)`` gives the command that resumes a wait."""
    name = type(error).__name__
    if isinstance(error, CliError):
        return Failure(error.exit_code, error.message, dict(error.details), error.report_type or name)
    if isinstance(error, ValidationError):
        field_name, rule = getattr(error, "field", None), getattr(error, "rule", None)
        line = f"invalid {field_name}: {rule}" if field_name and rule else str(error)
        return Failure(USAGE, line, {"field": field_name, "rule": rule}, name)
    if isinstance(error, TaskFailedError):
        reason = error.task_status_msg or "no reason given"
        return Failure(
            TASK_FAILED,
            f"task {error.task_id} failed: {reason}",
            {"task_id": error.task_id, "task_status_msg": error.task_status_msg},
            name,
        )
    if isinstance(error, TaskTimeoutError):
        status = error.last_status or "unfinished"
        command = resume(error.task_id)
        return Failure(
            TIMEOUT,
            f"task {error.task_id} is still {status} after the wait's deadline; it goes on server-side. "
            f"Resume with: {command}",
            {"task_id": error.task_id, "last_status": status, "resume": command},
            name,
        )
    if isinstance(error, APIError):
        return _api_error(error)
    if isinstance(error, APITimeoutError):
        return Failure(API_ERROR, f"no answer in time: {error}", {}, name)
    if isinstance(error, APIConnectionError):
        return Failure(API_ERROR, f"cannot reach the API: {error}", {}, name)
    if isinstance(error, DownloadError):
        return Failure(API_ERROR, f"download failed: {error}", {}, name)
    if isinstance(error, MissingCredentialsError):
        # Before KlingError: the SDK's own MissingCredentialsError is both.
        return Failure(USAGE, str(error), {}, name)
    if isinstance(error, KlingError):
        return Failure(API_ERROR, str(error), {}, name)
    raise TypeError(f"not a reportable error: {name}") from error
