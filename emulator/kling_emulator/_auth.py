"""Checking the ``Authorization`` header the way the real service does (HTTP 401, codes 1001-1004)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import jwt
from kling_auth import InvalidTokenError, token_from_authorization, verify_token

from ._errors import ApiError


class Authenticator:
    """Verifies API tokens against the configured key pairs.

    The token's ``iss`` claim names the access key; its secret then verifies the signature and
    the times (against ``clock``, so tests can sign tokens for a fake "now").
    """

    def __init__(self, keys: Mapping[str, str], clock: Callable[[], float]) -> None:
        self._keys = dict(keys)
        self._clock = clock

    def authenticate(self, header_value: str | None) -> str:
        """The access key the request is signed with; ApiError (401) otherwise.

        Messages say what is wrong, never echoing the token or a key.
        """
        try:
            token = token_from_authorization(header_value)
        except InvalidTokenError as error:
            raise ApiError.from_code(error.api_code, str(error)) from None
        try:
            # Unverified on purpose: only to pick the secret that verifies it just below.
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise ApiError.from_code(1002, "the token is not a valid JWT") from None
        issuer = claims.get("iss")
        if not isinstance(issuer, str) or issuer not in self._keys:
            raise ApiError.from_code(1002, "the 'iss' claim is not a known access key")
        try:
            verify_token(token, self._keys[issuer], access_key=issuer, now=self._clock())
        except InvalidTokenError as error:
            raise ApiError.from_code(error.api_code, str(error)) from None
        return issuer
