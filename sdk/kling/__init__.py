"""The Kling AI image-generation SDK.

from kling import Kling

with Kling() as client:  # keys from KLING_ACCESS_KEY / KLING_SECRET_KEY
    task = client.images.generate("A lighthouse on a cliff at dusk")
"""

from ._batch import BatchResult
from ._callbacks import parse_callback
from ._client import AsyncKling, Kling
from ._constants import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, DEFAULT_WAIT_TIMEOUT
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

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WAIT_TIMEOUT",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AccountError",
    "AsyncKling",
    "AuthenticationError",
    "BatchResult",
    "ContentPolicyError",
    "DownloadError",
    "InvalidRequestError",
    "Kling",
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
    "parse_callback",
]


def __getattr__(name: str) -> str:
    """`kling.__version__`: the installed kling-client's version, read on first use (importlib.metadata
    costs every `import kling`, hence every CLI start, a few milliseconds otherwise)."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib.metadata

    try:
        version = importlib.metadata.version("kling-client")
    except importlib.metadata.PackageNotFoundError:  # the sources on sys.path without an install
        version = "0+unknown"
    globals()["__version__"] = version
    return version
