"""KlingAuth: an httpx.Auth that signs and caches the API token."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Generator

import httpx

from ._constants import (
    NOT_BEFORE_SKEW_SECONDS,
    NOT_YET_VALID_BACKDATE_SECONDS,
    NOT_YET_VALID_CODE,
    REFRESH_MARGIN_SECONDS,
    RESIGN_ON_CODES,
    TOKEN_LIFETIME_SECONDS,
)
from ._credentials import Credentials, resolve_credentials
from ._token import Clock, sign_token


class KlingAuth(httpx.Auth):
    """Adds ``Authorization: Bearer <jwt>`` to every request.

    The token is signed once and reused until less than ``refresh_margin`` seconds of its
    30-minute life are left. On a 401 with code 1004 (expired) or 1003 (not yet valid),
    it signs a fresh token and resends the request once; after a 1003 (the server's clock is
    behind ours), this and every later token is valid from NOT_YET_VALID_BACKDATE_SECONDS
    back instead of the recipe's 5 s (its expiry does not move). Safe to share between threads
    and between sync and async clients: the token cache is guarded by a lock that is never
    held across I/O.

    Keys come from the arguments, else from ``KLING_ACCESS_KEY`` / ``KLING_SECRET_KEY``;
    missing or empty keys raise MissingCredentialsError here, before any request.
    """

    # The 401 body is needed to tell an expired token (re-sign) from a bad key (don't).
    requires_response_body = True

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        clock: Clock = time.time,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
        lifetime: int = TOKEN_LIFETIME_SECONDS,
    ) -> None:
        if not 0 <= refresh_margin < lifetime:
            raise ValueError(f"refresh_margin must be in [0, lifetime={lifetime}), got {refresh_margin}")
        self._credentials: Credentials = resolve_credentials(access_key, secret_key)
        self._clock = clock
        self._refresh_margin = refresh_margin
        self._lifetime = lifetime
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self._not_before = NOT_BEFORE_SKEW_SECONDS

    @property
    def access_key(self) -> str:
        return self._credentials.access_key

    def __repr__(self) -> str:
        return f"KlingAuth(access_key={self.access_key!r}, secret_key='***')"

    def token(self, *, force_refresh: bool = False) -> str:
        """The current token, signed anew when missing, near expiry, or when forced."""
        with self._lock:
            now = self._clock()
            # Written so that a clock giving NaN re-signs (and sign_token refuses it): `now >= x` is False for NaN.
            if force_refresh or self._token is None or not now < self._expires_at - self._refresh_margin:
                self._token = sign_token(
                    self._credentials.access_key,
                    self._credentials.secret_key,
                    now=now,
                    lifetime=self._lifetime,
                    not_before=self._not_before,
                )
                self._expires_at = int(now) + self._lifetime
            return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        response = yield request
        code = _error_code(response) if response.status_code == 401 else None
        if code in RESIGN_ON_CODES:
            if code == NOT_YET_VALID_CODE:
                # The server's clock is behind ours: re-signing with the same nbf would be refused again.
                with self._lock:
                    self._not_before = NOT_YET_VALID_BACKDATE_SECONDS
            # A 401 means nothing was created, so resending even a create call is safe.
            request.headers["Authorization"] = f"Bearer {self.token(force_refresh=True)}"
            yield request


def _error_code(response: httpx.Response) -> int | None:
    # The body of a 401 from anyone: HTML, huge (read under the client's size cap when it is a BoundedClient's),
    # or nested too deep to parse. Whatever it is, the answer stays the 401 it is.
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None
