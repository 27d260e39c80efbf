"""Checking the ``Authorization`` header the way the real service does (HTTP 401, codes 1001-1004).

Two modes, as the 2026 edition documents them (auth-and-general.md §2): ``Bearer <API key>``, the static
key created in the console, sent as it is; and ``Bearer <JWT>``, a token the caller signs with an access
key / secret key pair. A value that is neither a configured API key nor a valid token answers 401 with code
1002 (Authorization invalid), or 1003/1004 for a token of a known key outside its validity.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Collection, Mapping
from typing import Final

import jwt
from kling_auth import InvalidTokenError, token_from_authorization, verify_token

from ._errors import ApiError

#: What ``authenticate`` returns for a request made with an API key (the identity of a JWT is its access key).
API_KEY_IDENTITY: Final = "api-key"


def _as_sent(value: str) -> bytes | None:
    """A header value as the bytes that came over the wire (Starlette decodes headers as Latin-1)."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        # Not from a socket: no header of a real request holds such a character, so no key matches it.
        return None


class Authenticator:
    """Verifies API keys and API tokens against the configured credentials.

    An API key is compared in constant time with each configured one (as the UTF-8 bytes a client sends).
    Otherwise the token's ``iss`` claim names the access key; its secret then verifies the signature and
    the times (against ``clock``, so tests can sign tokens for a fake "now").
    """

    def __init__(self, keys: Mapping[str, str], clock: Callable[[], float], api_keys: Collection[str] = ()) -> None:
        self._keys = dict(keys)
        self._api_keys = tuple(key.encode("utf-8") for key in api_keys)
        self._clock = clock

    def __repr__(self) -> str:
        # Never a key: only how many there are.
        return f"Authenticator(access_keys={sorted(self._keys)!r}, api_keys={len(self._api_keys)})"

    def authenticate(self, header_value: str | None) -> str:
        """The access key the request is signed with, or API_KEY_IDENTITY; ApiError (401) otherwise.

        Messages say what is wrong, never echoing the token or a key.
        """
        try:
            token = token_from_authorization(header_value)
        except InvalidTokenError as error:
            raise ApiError.from_code(error.api_code, str(error)) from None
        if self._is_api_key(token):
            return API_KEY_IDENTITY
        try:
            # Unverified on purpose: only to pick the secret that verifies it just below.
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            detail = "neither a known API key nor a valid JWT" if self._api_keys else "the token is not a valid JWT"
            raise ApiError.from_code(1002, detail) from None
        issuer = claims.get("iss")
        if not isinstance(issuer, str) or issuer not in self._keys:
            raise ApiError.from_code(1002, "the 'iss' claim is not a known access key")
        try:
            verify_token(token, self._keys[issuer], access_key=issuer, now=self._clock())
        except InvalidTokenError as error:
            raise ApiError.from_code(error.api_code, str(error)) from None
        return issuer

    def _is_api_key(self, token: str) -> bool:
        sent = _as_sent(token)
        if sent is None:
            return False
        # Every key compared, whatever matched: the time taken says nothing about which one, or how much of it.
        matches = [hmac.compare_digest(sent, key) for key in self._api_keys]
        return any(matches)
