"""Authentication for the Kling AI API, as ``httpx.Auth`` plugins for the generated client.

Two documented modes: a static API key (``APIKeyAuth``, the publisher's recommendation) and a JWT
signed with an access/secret key pair (``KlingAuth``). ``resolve_auth`` picks one (see ``_api_key``).

from kling_auth import authenticated_client
from kling_api.api.images import create_image_task

client = authenticated_client()  # $KLING_API_KEY, else KLING_ACCESS_KEY / KLING_SECRET_KEY
"""

from ._api_key import APIKeyAuth, AuthMode, auth_mode, check_api_key, resolve_auth
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
    "APIKeyAuth",
    "AuthMode",
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
    "auth_mode",
    "authenticated_client",
    "check_api_key",
    "is_utf8_text",
    "resolve_auth",
    "resolve_credentials",
    "sign_token",
    "token_from_authorization",
    "verify_authorization",
    "verify_token",
]
