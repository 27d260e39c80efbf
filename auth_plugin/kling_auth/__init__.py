"""Authentication for the Kling AI API, as ``httpx.Auth`` plugins for the generated client.

Two documented modes: a static API key (``APIKeyAuth``, the publisher's recommendation) and a JWT
signed with an access/secret key pair (``KlingAuth``). ``resolve_auth`` picks one (see ``_api_key``).

from kling_auth import authenticated_client
from kling_api.api.images import create_image_task

client = authenticated_client()  # $KLING_API_KEY, else KLING_ACCESS_KEY / KLING_SECRET_KEY

Each public name is imported from its module on first use (PEP 562).
"""

from __future__ import annotations

import importlib

#: typing.TYPE_CHECKING without importing typing (mypy and IDEs know the name).
TYPE_CHECKING = False
if TYPE_CHECKING:  # the same names, eagerly, for mypy and IDEs; keep in step with _LAZY below
    from typing import Any

    from ._api_key import APIKeyAuth, AuthMode, auth_mode, check_api_key, resolve_auth
    from ._auth import KlingAuth
    from ._client import DEFAULT_TIMEOUT, authenticated_client
    from ._constants import (
        ACCESS_KEY_ENV,
        API_KEY_ENV,
        BASE_URL_ENV,
        DEFAULT_BASE_URL,
        DEMO_ACCESS_KEY,
        DEMO_API_KEY,
        DEMO_SECRET_KEY,
        MAX_ANSWER_BYTES,
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
    from ._limits import DEADLINE_EXTENSION, AnswerTooLargeError, BoundedClient, bound_httpx_client
    from ._token import sign_token, token_from_authorization, verify_authorization, verify_token

#: Public name -> the module (relative to this package) that defines it, imported on first use (PEP 562):
#: ``from kling_auth import ACCESS_KEY_ENV`` (the ``kling`` CLI's help) loads neither PyJWT nor the generated client.
_LAZY: dict[str, str] = {
    "AnswerTooLargeError": "._limits",
    "BoundedClient": "._limits",
    "bound_httpx_client": "._limits",
    "DEADLINE_EXTENSION": "._limits",
    "MAX_ANSWER_BYTES": "._constants",
    "APIKeyAuth": "._api_key",
    "AuthMode": "._api_key",
    "auth_mode": "._api_key",
    "check_api_key": "._api_key",
    "resolve_auth": "._api_key",
    "KlingAuth": "._auth",
    "authenticated_client": "._client",
    "ACCESS_KEY_ENV": "._constants",
    "API_KEY_ENV": "._constants",
    "BASE_URL_ENV": "._constants",
    "DEFAULT_BASE_URL": "._constants",
    "DEFAULT_TIMEOUT": "._client",
    "DEMO_ACCESS_KEY": "._constants",
    "DEMO_API_KEY": "._constants",
    "DEMO_SECRET_KEY": "._constants",
    "SECRET_KEY_ENV": "._constants",
    "Credentials": "._credentials",
    "is_utf8_text": "._credentials",
    "resolve_credentials": "._credentials",
    "BadSignatureError": "._exceptions",
    "InvalidClaimsError": "._exceptions",
    "InvalidTokenError": "._exceptions",
    "KlingAuthError": "._exceptions",
    "MalformedTokenError": "._exceptions",
    "MissingAuthorizationError": "._exceptions",
    "MissingCredentialsError": "._exceptions",
    "TokenExpiredError": "._exceptions",
    "TokenNotYetValidError": "._exceptions",
    "sign_token": "._token",
    "token_from_authorization": "._token",
    "verify_authorization": "._token",
    "verify_token": "._token",
}

__all__ = [
    "ACCESS_KEY_ENV",
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEADLINE_EXTENSION",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "DEMO_ACCESS_KEY",
    "DEMO_API_KEY",
    "DEMO_SECRET_KEY",
    "MAX_ANSWER_BYTES",
    "SECRET_KEY_ENV",
    "APIKeyAuth",
    "AnswerTooLargeError",
    "AuthMode",
    "BadSignatureError",
    "BoundedClient",
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
    "bound_httpx_client",
    "check_api_key",
    "is_utf8_text",
    "resolve_auth",
    "resolve_credentials",
    "sign_token",
    "token_from_authorization",
    "verify_authorization",
    "verify_token",
]


# The lazy loader is plumbing that sdk/kling_tests/test_cold_start.py checks; make mutation (whose test selection is
# about auth) leaves it alone.
# pragma: no mutate start
def __getattr__(name: str) -> Any:
    """A public name, imported on first use and then kept as a plain attribute."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


# pragma: no mutate end
