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
    │                                       shape or types, undocumented status): .http_status, .body_excerpt
    ├── TaskError                           .task_id
    │   ├── TaskFailedError                 the task ended `failed`: .task (ImageTask), .task_status_msg
    │   └── TaskTimeoutError                the wait's deadline passed: .task_id, .last_status
    ├── DownloadError                       an image could not be downloaded safely: .url, .reason
    └── WebhookVerificationError            a signed callback did not verify (parse_callback(..., secret=...));
        │                                   also a standardwebhooks.WebhookVerificationError. Answer 4xx, use nothing
        ├── WebhookHeadersError             webhook-id / webhook-timestamp / webhook-signature missing, repeated,
        │                                   too long, not printable ASCII, or too many signatures: .header
        ├── WebhookTimestampError           webhook-timestamp not Unix seconds, or over 5 minutes from this
        │                                   machine's clock (replay protection): .timestamp (int | None)
        └── WebhookSignatureError           no signature matches: wrong secret, or the body changed (a framework
                                            that re-encodes JSON changes it: verify the raw body)

An undocumented code maps by its HTTP status: 400 -> InvalidRequestError, 401 -> AuthenticationError,
403 -> PermissionDeniedError, 404 -> NotFoundError, 5xx -> ServerError; any other status (including a 429
with an unknown code: that status mixes account, permission and rate-limit families) -> plain APIError.
Any 5xx status is a retryable ServerError whatever its code. No message ever carries a secret or a token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import kling_auth
import standardwebhooks
from kling_api.errors import redact

if TYPE_CHECKING:
    from kling_api.models import ImageTask


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


class APIError(KlingError):
    """The API answered an error."""

    #: Whether retrying the same call later can succeed; set per instance from the code and status.
    retryable: bool = False
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
        # The server's words are repeated, never a token it may have echoed back.
        self.message = redact(message)
        self.http_status = http_status
        self.code = code
        self.request_id = request_id
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

    retryable = True


class ServerError(APIError):
    """Any 5xx: 5000 (internal error), 5001 (maintenance), 5002 (backlog), or an HTML gateway page."""

    retryable = True


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


class TaskError(KlingError):
    """Something about a task, rather than a request."""

    def __init__(self, task_id: str, message: str) -> None:
        self.task_id = task_id
        super().__init__(message)


class TaskFailedError(TaskError):
    """The task ended ``failed``; ``task_status_msg`` says why (e.g. content moderation)."""

    def __init__(self, task: ImageTask) -> None:
        from kling_api.types import Unset

        self.task = task
        # The server's words, never a token it may have echoed back (as APIError.message).
        message = task.task_status_msg
        self.task_status_msg = (
            "" if isinstance(message, Unset) else redact(message) if isinstance(message, str) else message
        )
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


# The documented table (ErrorResponse in openapi/kling-images.yaml). A test checks it against the spec.
CODE_TO_ERROR: dict[int, type[APIError]] = {
    1000: AuthenticationError,
    1001: AuthenticationError,
    1002: AuthenticationError,
    1003: AuthenticationError,
    1004: AuthenticationError,
    1100: AccountError,
    1101: AccountError,
    1102: AccountError,
    1103: PermissionDeniedError,
    1200: InvalidRequestError,
    1201: InvalidRequestError,
    1202: NotFoundError,
    1203: NotFoundError,
    1300: ContentPolicyError,
    1301: ContentPolicyError,
    1302: RateLimitError,
    1303: RateLimitError,
    1304: PermissionDeniedError,
    5000: ServerError,
    5001: ServerError,
    5002: ServerError,
}

RETRYABLE_CODES: frozenset[int] = frozenset({1302, 1303, 5000, 5001, 5002})

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
    if code is not None and code in CODE_TO_ERROR:
        return CODE_TO_ERROR[code]
    return _STATUS_TO_ERROR.get(http_status, APIError)


def is_retryable(http_status: int, code: int | None) -> bool:
    """The documented table: 1302, 1303, 5000, 5001, 5002 and any 5xx are worth retrying; the rest are not."""
    return http_status >= 500 or (code is not None and code in RETRYABLE_CODES)


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
    "CODE_TO_ERROR",
    "RESOURCE_NOT_FOUND_CODE",
    "RETRYABLE_CODES",
    "TASK_NOT_FOUND_CODE",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AccountError",
    "AuthenticationError",
    "ContentPolicyError",
    "DownloadError",
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
    "error_class_for",
    "is_retryable",
]
