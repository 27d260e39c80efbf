"""Exceptions of the auth plugin.

None of them ever carries the secret key or a token in its message.

The hierarchy::

    KlingAuthError
    ├── MissingCredentialsError        no access or secret key, or an empty one
    └── InvalidTokenError              verify_token() refused a token; .api_code is the
        │                              401 code the API answers for it
        ├── MissingAuthorizationError  1001: no Authorization header at all
        ├── MalformedTokenError        1002: not "Bearer <jwt>", or not a JWT
        ├── BadSignatureError          1002: signed with another secret key
        ├── InvalidClaimsError         1002: wrong header or claims (alg, typ, iss, exp, nbf)
        ├── TokenNotYetValidError      1003: nbf is in the future
        └── TokenExpiredError          1004: exp is in the past
"""

from __future__ import annotations


class KlingAuthError(Exception):
    """Base class of every error raised by kling_auth."""


class MissingCredentialsError(KlingAuthError, ValueError):
    """An access key or secret key is missing or empty."""


class InvalidTokenError(KlingAuthError):
    """A token that the Kling API would refuse, with the reason in the message."""

    #: The code the API answers (HTTP 401) for such a token.
    api_code: int = 1000


class MissingAuthorizationError(InvalidTokenError):
    api_code = 1001


class MalformedTokenError(InvalidTokenError):
    api_code = 1002


class BadSignatureError(InvalidTokenError):
    api_code = 1002


class InvalidClaimsError(InvalidTokenError):
    api_code = 1002


class TokenNotYetValidError(InvalidTokenError):
    api_code = 1003


class TokenExpiredError(InvalidTokenError):
    api_code = 1004
