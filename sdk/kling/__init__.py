"""The Kling AI image-generation SDK::

    from kling import Kling

    with Kling() as client:  # keys from KLING_API_KEY, or KLING_ACCESS_KEY and KLING_SECRET_KEY
        task = client.images.generate("A lighthouse on a cliff at dusk")

``import kling`` loads nothing but this file: each public name is imported from its module on first use
(PEP 562), so ``import kling`` and ``kling --help`` stay cheap; ``from kling import Kling`` loads the client.
"""

from __future__ import annotations

import importlib

#: typing.TYPE_CHECKING without importing typing (mypy and IDEs know the name): ``import kling`` imports nothing.
TYPE_CHECKING = False
if TYPE_CHECKING:  # the same names, eagerly, for mypy and IDEs; keep in step with _LAZY below
    from typing import Any

    from ._batch import BatchResult
    from ._callbacks import parse_callback
    from ._client import AsyncKling, Kling
    from ._constants import (
        DEFAULT_BASE_URL,
        DEFAULT_MAX_RETRIES,
        DEFAULT_TIMEOUT,
        DEFAULT_WAIT_DEADLINE,
        DEFAULT_WAIT_TIMEOUT,
    )
    from ._effects import request_id_of
    from ._elements import element_ids
    from ._errors import (
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
        MissingCredentialsError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ResponseTooLargeError,
        ServerError,
        TaskError,
        TaskFailedError,
        TaskTimeoutError,
        ValidationError,
        WebhookHeadersError,
        WebhookSignatureError,
        WebhookTimestampError,
        WebhookVerificationError,
    )
    from ._images import RawResponse
    from ._jobs import BudgetExceededError, ItemStarted, JobEstimate, estimate_job

#: Public name -> the module (relative to this package) that defines it, imported on first use. A new public
#: name: one line here, its import under TYPE_CHECKING above, and its entry in __all__ (a test checks all three).
_LAZY: dict[str, str] = {
    # the clients
    "Kling": "._client",
    "AsyncKling": "._client",
    "BatchResult": "._batch",
    "parse_callback": "._callbacks",
    "RawResponse": "._images",
    "request_id_of": "._effects",
    "element_ids": "._elements",
    # large jobs
    "estimate_job": "._jobs",
    "ItemStarted": "._jobs",
    "JobEstimate": "._jobs",
    "BudgetExceededError": "._jobs",
    # defaults
    "DEFAULT_BASE_URL": "._constants",
    "DEFAULT_MAX_RETRIES": "._constants",
    "DEFAULT_TIMEOUT": "._constants",
    "DEFAULT_WAIT_DEADLINE": "._constants",
    "DEFAULT_WAIT_TIMEOUT": "._constants",
    # errors
    "AccountError": "._errors",
    "APIConnectionError": "._errors",
    "APIError": "._errors",
    "APITimeoutError": "._errors",
    "AuthenticationError": "._errors",
    "ContentPolicyError": "._errors",
    "DownloadError": "._errors",
    "InvalidRequestError": "._errors",
    "KlingError": "._errors",
    "MalformedResponseError": "._errors",
    "MissingCredentialsError": "._errors",
    "NotFoundError": "._errors",
    "PermissionDeniedError": "._errors",
    "RateLimitError": "._errors",
    "ResponseTooLargeError": "._errors",
    "ServerError": "._errors",
    "TaskError": "._errors",
    "TaskFailedError": "._errors",
    "TaskTimeoutError": "._errors",
    "ValidationError": "._errors",
    "WebhookHeadersError": "._errors",
    "WebhookSignatureError": "._errors",
    "WebhookTimestampError": "._errors",
    "WebhookVerificationError": "._errors",
}

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WAIT_DEADLINE",
    "DEFAULT_WAIT_TIMEOUT",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AccountError",
    "AsyncKling",
    "AuthenticationError",
    "BatchResult",
    "BudgetExceededError",
    "ContentPolicyError",
    "DownloadError",
    "InvalidRequestError",
    "ItemStarted",
    "JobEstimate",
    "Kling",
    "KlingError",
    "MalformedResponseError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "ResponseTooLargeError",
    "ServerError",
    "TaskError",
    "TaskFailedError",
    "TaskTimeoutError",
    "ValidationError",
    "WebhookHeadersError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "WebhookVerificationError",
    "element_ids",
    "estimate_job",
    "parse_callback",
    "request_id_of",
]


def _version() -> str:
    """The installed kling-client's version (importlib.metadata costs a few milliseconds: read on first use)."""
    import importlib.metadata

    try:
        return importlib.metadata.version("kling-client")
    except importlib.metadata.PackageNotFoundError:  # the sources on sys.path without an install
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """A public name (or ``__version__``), imported on first use and then kept as a plain attribute."""
    if name == "__version__":
        value: Any = _version()
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, "__version__"})
