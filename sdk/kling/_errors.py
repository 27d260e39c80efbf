"""Every exception the SDK raises, in one tree.

::

    KlingError                              base of everything the SDK raises
    ├── ValidationError(KlingError, ValueError)   refused locally before any request: .field ("n", "image"),
    │                                       .rule; also a callback body that is not a valid task ("callback...")
    │                                       and a malformed webhook secret ("secret")
    ├── MissingCredentialsError             no access or secret key (argument or $KLING_ACCESS_KEY /
    │                                       $KLING_SECRET_KEY); also a kling_auth.MissingCredentialsError,
    │                                       hence a ValueError
    ├── APIConnectionError                  the API could not be reached / the connection dropped
    │   └── APITimeoutError                 no answer in time
    ├── APIError                            the API answered an error: .http_status, .code (int | None),
    │   │                                   .message, .request_id (str | None), .retryable (bool)
    │   ├── AuthenticationError             401: 1000-1004
    │   ├── AccountError                    429: 1100, 1101, 1102 (account, arrears, resource pack)
    │   ├── PermissionDeniedError           403: 1103; 429: 1304 (IP whitelist)
    │   ├── InvalidRequestError             400: 1200, 1201
    │   ├── NotFoundError                   404: 1202, 1203
    │   ├── ContentPolicyError              400: 1300, 1301
    │   ├── RateLimitError                  429: 1302, 1303 (retryable)
    │   ├── ServerError                     5xx: 5000, 5001, 5002, and any 5xx (an HTML 502 page too; retryable)
    │   └── MalformedResponseError          the answer is not what the spec promises (not JSON, wrong
    │       │                               shape or types, undocumented status, more images than a task
    │       │                               can hold): .http_status, .body_excerpt
    │       └── ResponseTooLargeError       the answer is over the size cap (received or decoded): .limit
    ├── TaskError                           .task_id
    │   ├── TaskFailedError                 the task ended `failed`: .task (the task), .task_status_msg
    │   └── TaskTimeoutError                the wait's deadline passed: .task_id, .last_status
    ├── DownloadError                       an image could not be downloaded safely: .url, .reason
    ├── BudgetExceededError                 an item of a budgeted batch (generate_many(max_units=...)) was not
    │                                       created: .max_units, .units_committed, .units_needed (defined in _jobs)
    └── WebhookVerificationError            a signed callback did not verify (parse_callback(..., secret=...));
        │                                   also a standardwebhooks.WebhookVerificationError. Answer 4xx, use nothing
        ├── WebhookHeadersError             webhook-id / webhook-timestamp / webhook-signature missing, repeated,
        │                                   too long, not printable ASCII, or too many signatures: .header
        ├── WebhookTimestampError           webhook-timestamp not Unix seconds, or over 5 minutes from this
        │                                   machine's clock (replay protection): .timestamp (int | None)
        └── WebhookSignatureError           no signature matches: wrong secret, or the body changed (a framework
                                            that re-encodes JSON changes it: verify the raw body)

Which code belongs to which class, and which codes are retryable, is data: the spec's error table
(``x-kling-errors`` on ``ErrorResponse`` in openapi/kling-images.yaml), read at the first error, not at import.
Each class stands for one of its families (``_FAMILY_CLASSES``); the codes written above are that data, as a
test checks. An undocumented code maps by its HTTP status: 400 -> InvalidRequestError, 401 -> AuthenticationError,
403 -> PermissionDeniedError, 404 -> NotFoundError, 5xx -> ServerError; any other status (including a 429
with an unknown code: that status mixes account, permission and rate-limit families) -> plain APIError.
Any 5xx status is a retryable ServerError whatever its code. No message ever carries a secret or a token.

What a server says reaches users inert: its ``message``, ``request_id`` and a task's ``task_status_msg`` are
made one line, their control characters escaped (``\x1b``, ``\n``), and cut at SERVER_TEXT_MAX_CHARS
(``inert``); the text as the server sent it (tokens redacted) stays on ``raw_message`` / ``raw_task_status_msg``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import kling_auth
import standardwebhooks
from kling_api.errors import redact

if TYPE_CHECKING:
    from kling_spec import DocumentedError

    from ._endpoints import Task


#: Server text in a message, a repr or a log line is cut to this many characters (the full text stays on the error).
SERVER_TEXT_MAX_CHARS = 300


def inert(text: object, limit: int = SERVER_TEXT_MAX_CHARS) -> str:
    """Server text made safe to show: one line, control characters escaped, at most ``limit`` characters (then
    the number left out). A forged log line, a terminal escape or a 50 MB message cannot pass through."""
    value = text if isinstance(text, str) else str(text)
    shown = value[:limit]
    if not shown.isprintable():
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown)
    return shown if len(value) <= limit else f"{shown}... ({len(value) - limit} more characters)"


class KlingError(Exception):
    """Base class of every error the SDK raises."""


class ValidationError(KlingError, ValueError):
    """A request refused locally, before anything was sent: ``field`` names the field, ``rule`` the rule."""

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}" if field else rule)


class MissingCredentialsError(KlingError, kling_auth.MissingCredentialsError):
    """No access key or secret key: pass them, or set KLING_ACCESS_KEY and KLING_SECRET_KEY."""


class APIConnectionError(KlingError):
    """The API could not be reached, or the connection dropped before a full answer."""


class APITimeoutError(APIConnectionError):
    """The API gave no answer in time."""


class _FamilyRetryable:
    """A class's ``retryable`` until an instance sets its own: True when every documented code of the class's
    family is retryable by the spec's table (RateLimitError's and ServerError's, today). Read at first use."""

    def __get__(self, instance: object, owner: type[APIError]) -> bool:
        return owner in _error_maps().retryable_classes


class APIError(KlingError):
    """The API answered an error."""

    #: Whether retrying the same call later can succeed; set per instance from the code and status (the spec's
    #: error table), else the class's default (see _FamilyRetryable).
    retryable = _FamilyRetryable()
    # The server's Retry-After in seconds, when it sent one (read by the retry loop).
    _retry_after: float | None = None

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        code: int | None = None,
        request_id: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        # The server's words are repeated, never a token it may have echoed back, and only inert (see inert()).
        self.raw_message = redact(message)
        self.message = inert(self.raw_message)
        self.http_status = http_status
        self.code = code
        self.request_id = None if request_id is None else inert(request_id, 100)
        if retryable is not None:
            self.retryable = retryable
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = f"HTTP {self.http_status}" + (f", code {self.code}" if self.code is not None else "")
        tail = f" (request_id {self.request_id})" if self.request_id else ""
        return f"{head}: {self.message}{tail}"


class AuthenticationError(APIError):
    """401, codes 1000-1004: the token was missing, invalid, not yet valid or expired."""


class AccountError(APIError):
    """429, codes 1100-1102: account exception, arrears, resource pack depleted. Not retryable."""


class PermissionDeniedError(APIError):
    """403 code 1103 (no access to the API or model), 429 code 1304 (IP whitelist). Not retryable."""


class InvalidRequestError(APIError):
    """400, codes 1200/1201: the request was refused (also: task not found by id)."""


class NotFoundError(APIError):
    """404, codes 1202/1203: wrong method, or an unknown resource such as a model."""


class ContentPolicyError(APIError):
    """400, codes 1300/1301: a platform or content-security policy was triggered."""


class RateLimitError(APIError):
    """429, codes 1302/1303: too many requests, or the concurrency quota is full. Retry later."""


class ServerError(APIError):
    """Any 5xx: 5000 (internal error), 5001 (maintenance), 5002 (backlog), or an HTML gateway page."""


class MalformedResponseError(APIError):
    """The answer is not what the spec promises: not JSON, wrong shape or types, or an undocumented status."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        body_excerpt: str = "",
        code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self.body_excerpt = redact(body_excerpt)
        super().__init__(message, http_status=http_status, code=code, request_id=request_id, retryable=False)

    def _describe(self) -> str:
        excerpt = f"; body starts {self.body_excerpt!r}" if self.body_excerpt else ""
        return f"malformed answer (HTTP {self.http_status}): {self.message}{excerpt}"


class ResponseTooLargeError(MalformedResponseError):
    """The answer is over the size cap (``limit`` bytes, kling_auth.MAX_ANSWER_BYTES), counted as received or
    after decoding: it was cut there, and nothing of it is used."""

    def __init__(self, message: str, *, http_status: int, limit: int) -> None:
        self.limit = limit
        super().__init__(message, http_status=http_status)


class TaskError(KlingError):
    """Something about a task, rather than a request."""

    def __init__(self, task_id: str, message: str) -> None:
        self.task_id = task_id
        super().__init__(message)


class TaskFailedError(TaskError):
    """The task ended ``failed``; ``task_status_msg`` says why (e.g. content moderation)."""

    def __init__(self, task: Task) -> None:
        #: The failed task, as its endpoint answers it (an ImageTask, an OmniImageTask, ...).
        self.task = task
        # The server's words, never a token it may have echoed back (as APIError.message).
        message = task.task_status_msg
        #: The reason as the server wrote it (tokens redacted); ``task_status_msg`` is the inert one.
        self.raw_task_status_msg = redact(message) if isinstance(message, str) else ""
        self.task_status_msg = inert(self.raw_task_status_msg)
        reason = self.task_status_msg or "no reason given"
        super().__init__(task.task_id, f"task {task.task_id} failed: {reason}")


class TaskTimeoutError(TaskError):
    """The wait's deadline passed before the task ended; ``last_status`` is the last status seen."""

    def __init__(self, task_id: str, last_status: str | None, waited_seconds: float) -> None:
        self.last_status = last_status
        self.waited_seconds = waited_seconds
        super().__init__(
            task_id,
            f"task {task_id} still {last_status or 'unknown'} after waiting {waited_seconds:.0f} s "
            "(it may still finish: wait for it again, or query it later)",
        )


class DownloadError(KlingError):
    """An image could not be downloaded safely: ``url`` and ``reason`` say which and why."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"cannot download {url}: {reason}")


class WebhookVerificationError(KlingError, standardwebhooks.WebhookVerificationError):
    """A signed callback did not verify: answer it with a 4xx and use nothing from it.

    Also a ``standardwebhooks.WebhookVerificationError``, the exception the publisher's sample code catches.
    No message repeats the secret, and none repeats a header's value beyond a parsed timestamp.
    """


class WebhookHeadersError(WebhookVerificationError):
    """A signature header is missing, sent twice, too long, not printable ASCII, or lists too many signatures.

    ``header`` names it (``"webhook-id"``, ``"webhook-timestamp"`` or ``"webhook-signature"``).
    """

    def __init__(self, header: str, problem: str) -> None:
        self.header = header
        super().__init__(f"{header} header {problem}")


class WebhookTimestampError(WebhookVerificationError):
    """``webhook-timestamp`` is not Unix seconds, or is over 5 minutes from this machine's clock (a replay, or a
    clock out of sync). ``timestamp`` is the header's value as an int, None when it is not one."""

    def __init__(self, message: str, timestamp: int | None = None) -> None:
        self.header = "webhook-timestamp"
        self.timestamp = timestamp
        super().__init__(message)


class WebhookSignatureError(WebhookVerificationError):
    """No ``webhook-signature`` entry matches the body: a wrong secret, or a changed body (a web framework that
    parsed and re-encoded the JSON changes it too: verify the raw body as received)."""


#: Each family of the spec's error table -> the class that stands for it. Which codes are in a family is the
#: spec's data; a family missing here maps by HTTP status, as an undocumented code does.
_FAMILY_CLASSES: dict[str, type[APIError]] = {
    "auth": AuthenticationError,
    "account": AccountError,
    "permission": PermissionDeniedError,
    "invalid-request": InvalidRequestError,
    "not-found": NotFoundError,
    "content-policy": ContentPolicyError,
    "rate-limit": RateLimitError,
    "server": ServerError,
}


@dataclass(frozen=True)
class ErrorMaps:
    """What the SDK makes of an error table: each code's class, the retryable codes, the retryable classes."""

    code_to_error: Mapping[int, type[APIError]]
    retryable_codes: frozenset[int]
    #: The classes whose every documented code is retryable: their instances are, by default.
    retryable_classes: frozenset[type[APIError]]


def derive_error_maps(table: Mapping[int, DocumentedError]) -> ErrorMaps:
    """The SDK's maps from an error table (``kling_spec._errors.documented_errors()``)."""
    code_to_error = {code: _FAMILY_CLASSES[row.family] for code, row in table.items() if row.family in _FAMILY_CLASSES}
    retryable_codes = frozenset(code for code, row in table.items() if row.retryable)
    retryable_classes = frozenset(
        cls
        for cls in set(code_to_error.values())
        if all(code in retryable_codes for code, mapped in code_to_error.items() if mapped is cls)
    )
    return ErrorMaps(code_to_error, retryable_codes, retryable_classes)


@functools.cache
def _error_maps() -> ErrorMaps:
    # The spec is read at the first error, not when the SDK is imported.
    from kling_spec import documented_errors

    return derive_error_maps(documented_errors())


#: Code 1201 is also "task not found by id/external id" on a query.
TASK_NOT_FOUND_CODE = 1201
#: "Requested resource does not exist" (HTTP 404): what a lookup of an unknown id may also answer.
RESOURCE_NOT_FOUND_CODE = 1203

_STATUS_TO_ERROR: dict[int, type[APIError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
}


def error_class_for(http_status: int, code: int | None) -> type[APIError]:
    """The APIError subclass for an answer: by code when documented, else by HTTP status family."""
    if http_status >= 500:
        return ServerError
    documented = _error_maps().code_to_error
    if code is not None and code in documented:
        return documented[code]
    return _STATUS_TO_ERROR.get(http_status, APIError)


def is_retryable(http_status: int, code: int | None) -> bool:
    """Whether the same call may succeed later: any 5xx, and each code the spec's table marks retryable."""
    return http_status >= 500 or (code is not None and code in _error_maps().retryable_codes)


def api_error(http_status: int, code: int | None, message: str, request_id: str | None) -> APIError:
    """The right APIError subclass for an error answer."""
    cls = error_class_for(http_status, code)
    return cls(
        message,
        http_status=http_status,
        code=code,
        request_id=request_id,
        retryable=is_retryable(http_status, code),
    )


__all__ = [
    "RESOURCE_NOT_FOUND_CODE",
    "TASK_NOT_FOUND_CODE",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AccountError",
    "AuthenticationError",
    "ContentPolicyError",
    "DownloadError",
    "ErrorMaps",
    "InvalidRequestError",
    "KlingError",
    "MalformedResponseError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "TaskError",
    "TaskFailedError",
    "TaskTimeoutError",
    "ValidationError",
    "WebhookHeadersError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "WebhookVerificationError",
    "api_error",
    "derive_error_maps",
    "error_class_for",
    "is_retryable",
]
