"""The documented JWT recipe: signing a token, and verifying one locally.

Verification is the doc's "JWT Verification" step done offline: it says why the API
would refuse a token, without sending it anywhere.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import jwt

from ._constants import JWT_ALGORITHM, MAX_UNIX_TIME, NOT_BEFORE_SKEW_SECONDS, TOKEN_LIFETIME_SECONDS
from ._credentials import check_key_text
from ._exceptions import (
    BadSignatureError,
    InvalidClaimsError,
    MalformedTokenError,
    MissingAuthorizationError,
    MissingCredentialsError,
    TokenExpiredError,
    TokenNotYetValidError,
)

Clock = Callable[[], float]

_HEADER: Mapping[str, str] = {"alg": JWT_ALGORITHM, "typ": "JWT"}


def sign_token(
    access_key: str,
    secret_key: str,
    *,
    now: float | None = None,
    lifetime: int = TOKEN_LIFETIME_SECONDS,
    not_before: int = NOT_BEFORE_SKEW_SECONDS,
) -> str:
    """Sign an API token: HS256, ``{"iss": access_key, "exp": now + 1800, "nbf": now - 5}``.

    ``not_before`` is how many seconds before ``now`` the token becomes valid (5 in the recipe).
    """
    if not access_key or not secret_key:
        raise MissingCredentialsError("access_key and secret_key must both be non-empty to sign a token")
    check_key_text("access_key", access_key)
    check_key_text("secret_key", secret_key)
    current = time.time() if now is None else now
    if not is_unix_time(current):
        # int(nan) and int(inf) would raise; a clock that says 1e300 would sign a token that never expires.
        raise ValueError(f"the clock gave {current!r:.40}: a token needs a Unix time from 0 to {MAX_UNIX_TIME}")
    issued = int(current)
    payload = {"iss": access_key, "exp": issued + lifetime, "nbf": issued - not_before}
    for claim in ("exp", "nbf"):
        if not is_unix_time(payload[claim]):
            raise ValueError(f"lifetime={lifetime!r:.40}, not_before={not_before!r:.40} give {claim} out of range")
    return jwt.encode(payload, secret_key, algorithm=JWT_ALGORITHM, headers=dict(_HEADER))


def verify_token(
    token: str,
    secret_key: str,
    *,
    access_key: str | None = None,
    now: float | None = None,
    leeway: float = 0,
) -> dict[str, Any]:
    """Check a token as the API does and return its claims.

    Raises an InvalidTokenError subclass whose message says what is wrong (never the token
    or the key): not a JWT, wrong header (alg must be HS256, typ JWT), bad signature, a
    missing claim, ``iss`` not the access key, ``nbf`` in the future, ``exp`` in the past.
    """
    if not secret_key:
        raise MissingCredentialsError("secret_key is empty: cannot verify a token")
    check_key_text("secret_key", secret_key)
    if not isinstance(token, str) or not token:
        raise MalformedTokenError("the token is empty")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError:
        raise MalformedTokenError("the token is not a JWT (expected three base64url parts)") from None
    if header.get("alg") != JWT_ALGORITHM:
        raise InvalidClaimsError(f"the token header has alg={header.get('alg')!r}; it must be 'HS256'")
    if header.get("typ") != "JWT":
        raise InvalidClaimsError(f"the token header has typ={header.get('typ')!r}; it must be 'JWT'")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret_key,
            algorithms=[JWT_ALGORITHM],
            options={"verify_exp": False, "verify_nbf": False, "require": ["iss", "exp", "nbf"]},
        )
    except jwt.InvalidSignatureError:
        raise BadSignatureError("the token signature does not match the secret key") from None
    except jwt.MissingRequiredClaimError as error:
        raise InvalidClaimsError(f"the token lacks the {error.claim!r} claim") from None
    except jwt.DecodeError:
        raise MalformedTokenError("the token is not a valid JWT") from None
    except jwt.InvalidTokenError as error:
        raise InvalidClaimsError(f"the token claims are invalid ({type(error).__name__})") from None

    for claim in ("exp", "nbf"):
        # PyJWT takes NaN and Infinity in a validly signed token, and every comparison with NaN is false.
        if not is_unix_time(claims[claim]):
            raise InvalidClaimsError(
                f"the {claim!r} claim must be a Unix time in seconds (a finite number from 0 to {MAX_UNIX_TIME})"
            )
    if not isinstance(claims["iss"], str) or not claims["iss"]:
        raise InvalidClaimsError("the 'iss' claim must be the access key")
    if access_key is not None and claims["iss"] != access_key:
        raise InvalidClaimsError("the 'iss' claim is not the expected access key")

    current = time.time() if now is None else now
    if claims["nbf"] > current + leeway:
        raise TokenNotYetValidError(
            f"the token is not valid yet: nbf is {claims['nbf'] - current:.0f} s in the future (clock skew?)"
        )
    if claims["exp"] <= current - leeway:
        raise TokenExpiredError(f"the token expired {current - claims['exp']:.0f} s ago: sign a new one")
    return claims


def is_unix_time(value: object) -> bool:
    """A finite number of seconds from 0 to MAX_UNIX_TIME (not a bool, not NaN, not Infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    # Compared as is: math.isfinite() of an int of 400 digits raises OverflowError.
    return (isinstance(value, int) or math.isfinite(value)) and 0 <= value <= MAX_UNIX_TIME


def token_from_authorization(header_value: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header, exactly one space after Bearer."""
    if header_value is None or not header_value.strip():
        raise MissingAuthorizationError("the Authorization header is empty")
    scheme, separator, token = header_value.partition(" ")
    if scheme != "Bearer" or separator != " " or not token or token != token.strip():
        raise MalformedTokenError("the Authorization header must be 'Bearer <token>' with exactly one space")
    return token


def verify_authorization(
    header_value: str | None,
    secret_key: str,
    *,
    access_key: str | None = None,
    now: float | None = None,
    leeway: float = 0,
) -> dict[str, Any]:
    """verify_token() applied to a whole ``Authorization`` header value."""
    return verify_token(
        token_from_authorization(header_value), secret_key, access_key=access_key, now=now, leeway=leeway
    )
