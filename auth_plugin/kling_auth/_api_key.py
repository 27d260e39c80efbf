"""The static API key mode (``Authorization: Bearer <API key>``), and the rule that picks a mode.

The publisher documents two modes for the image endpoints: a static API key (its recommended mode since
06/17/2026, "for all models") and a JWT signed with an access/secret key pair. Which one a client uses:

1. explicit arguments win over the environment: an ``api_key`` argument, else an ``access_key`` or
   ``secret_key`` argument (the JWT pair; a missing half is taken from the environment);
2. with no argument, ``$KLING_API_KEY`` wins over ``$KLING_ACCESS_KEY``/``$KLING_SECRET_KEY``;
3. given both modes at the same level, the API key is used (the publisher's recommendation).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Literal

import httpx

from ._auth import KlingAuth
from ._constants import ACCESS_KEY_ENV, API_KEY_ENV, SECRET_KEY_ENV
from ._credentials import is_utf8_text
from ._exceptions import MissingCredentialsError

#: Which of the two documented modes a client authenticates with.
AuthMode = Literal["api_key", "jwt"]


class APIKeyAuth(httpx.Auth):
    """Adds ``Authorization: Bearer <API key>`` to every request. The key never shows in a repr.

    Nothing is signed and nothing is retried: a 401 with an API key means the key itself is wrong
    (code 1000 or 1002), which no resend can fix.
    """

    def __init__(self, api_key: str | None = None) -> None:
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        if key is None:
            raise MissingCredentialsError(f"Kling API key missing: api_key (argument or ${API_KEY_ENV})")
        check_api_key(key)
        self._api_key = key

    def __repr__(self) -> str:
        return "APIKeyAuth(api_key='***')"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._api_key}"
        yield request


def check_api_key(key: object) -> None:
    """Refuse an API key that cannot be sent as a header value; the message never holds the key."""
    if not isinstance(key, str):
        raise MissingCredentialsError(f"api_key must be a string, got {type(key).__name__}")
    if not key.strip():
        raise MissingCredentialsError(f"api_key is empty (argument or ${API_KEY_ENV})")
    if key != key.strip():
        raise MissingCredentialsError("api_key has leading or trailing whitespace (a copy-paste slip?)")
    # A header value is ASCII here: anything else would fail inside httpx with the key in the exception.
    if not is_utf8_text(key) or not key.isascii() or not key.isprintable():
        raise MissingCredentialsError(
            f"api_key holds characters an HTTP header cannot carry (check ${API_KEY_ENV} or the argument)"
        )


def resolve_auth(
    api_key: str | None = None, access_key: str | None = None, secret_key: str | None = None
) -> APIKeyAuth | KlingAuth:
    """The auth for these arguments and the environment, by the rule of this module's docstring.

    Raises MissingCredentialsError naming every place a key was looked for, before any request.
    """
    if api_key is not None:
        return APIKeyAuth(api_key)
    if access_key is not None or secret_key is not None:
        return KlingAuth(access_key, secret_key)
    if os.environ.get(API_KEY_ENV):
        return APIKeyAuth()
    if os.environ.get(ACCESS_KEY_ENV) is None and os.environ.get(SECRET_KEY_ENV) is None:
        raise MissingCredentialsError(
            f"Kling API credentials missing: set an API key (api_key argument or ${API_KEY_ENV}, recommended) "
            f"or an access/secret key pair (arguments or ${ACCESS_KEY_ENV} and ${SECRET_KEY_ENV}). "
            "Create them on the Kling AI website."
        )
    return KlingAuth()


def auth_mode(auth: httpx.Auth) -> AuthMode:
    """``"api_key"`` or ``"jwt"``: which mode an auth from :func:`resolve_auth` uses."""
    return "api_key" if isinstance(auth, APIKeyAuth) else "jwt"
