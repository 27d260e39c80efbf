"""JWT authentication for the Kling AI API, as an ``httpx.Auth`` plugin for the generated client.

from kling_auth import authenticated_client
from kling_api.api.images import create_image_task

client = authenticated_client()  # keys from KLING_ACCESS_KEY / KLING_SECRET_KEY
"""

from ._auth import KlingAuth
from ._client import authenticated_client
from ._constants import (
    ACCESS_KEY_ENV,
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    DEMO_ACCESS_KEY,
    DEMO_API_KEY,
    DEMO_SECRET_KEY,
    SECRET_KEY_ENV,
)
from ._credentials import Credentials, is_utf8_text, resolve_credentials
from ._exceptions import (
    BadSignatureError,
    InvalidClaimsError,
    InvalidTokenError,
    KlingAuthError,
    MalformedTokenError,
    MissingAuthorizationError,
    MissingCredentialsError,
    TokenExpiredError,
    TokenNotYetValidError,
)
from ._token import sign_token, token_from_authorization, verify_authorization, verify_token

__all__ = [
    "ACCESS_KEY_ENV",
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "DEMO_ACCESS_KEY",
    "DEMO_API_KEY",
    "DEMO_SECRET_KEY",
    "SECRET_KEY_ENV",
    "BadSignatureError",
    "Credentials",
    "InvalidClaimsError",
    "InvalidTokenError",
    "KlingAuth",
    "KlingAuthError",
    "MalformedTokenError",
    "MissingAuthorizationError",
    "MissingCredentialsError",
    "TokenExpiredError",
    "TokenNotYetValidError",
    "authenticated_client",
    "is_utf8_text",
    "resolve_credentials",
    "sign_token",
    "token_from_authorization",
    "verify_authorization",
    "verify_token",
]
