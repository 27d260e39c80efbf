"""authenticated_client(): the generated client with the auth plugin installed and every answer bounded."""

from __future__ import annotations

import os
from typing import Any, Final

import httpx
from kling_api import AuthenticatedClient

from ._api_key import APIKeyAuth, resolve_auth
from ._auth import KlingAuth
from ._constants import BASE_URL_ENV, DEFAULT_BASE_URL
from ._limits import BoundedClient

#: The generated client has no timeout at all; these are ours. Creating a task answers
#: at once (the work happens in the background), so 30 s of read time is generous.
#: (Here, not in _constants: that module stays free of httpx, so the CLI's help can read the names there.)
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)


def authenticated_client(
    access_key: str | None = None,
    secret_key: str | None = None,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: httpx.Timeout | float | None = None,
    auth: KlingAuth | APIKeyAuth | None = None,
    **options: Any,
) -> AuthenticatedClient:
    """The generated ``AuthenticatedClient``, authenticating every request (API key or JWT).

    ``base_url`` defaults to ``$KLING_BASE_URL``, else the Singapore domain. Keys: ``api_key``, else
    the ``access_key``/``secret_key`` pair, else ``$KLING_API_KEY``, else ``$KLING_ACCESS_KEY`` /
    ``$KLING_SECRET_KEY`` (``resolve_auth``). ``timeout`` defaults to 30 s (10 s to
    connect); the generator's own default is no timeout at all. Other ``options`` go to
    ``AuthenticatedClient`` (``raise_on_unexpected_status``, ``headers``, ``httpx_args``
    such as a ``transport``...). Pass ``auth`` to share one token cache between clients.

    Every answer is read under a size cap and each request's deadline (``_limits``): a
    ``BoundedClient``, which is an ``AuthenticatedClient``.
    """
    kling_auth = auth if auth is not None else resolve_auth(api_key, access_key, secret_key)
    httpx_args = dict(options.pop("httpx_args", {}))
    httpx_args["auth"] = kling_auth
    if isinstance(timeout, int | float):
        timeout = httpx.Timeout(float(timeout))
    return BoundedClient(
        base_url=base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL,
        # The header comes from the auth plugin per request; the generated client's own fixed token
        # header stays empty so no stale token can ever be sent.
        token="",
        prefix="",
        timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
        httpx_args=httpx_args,
        **options,
    )
