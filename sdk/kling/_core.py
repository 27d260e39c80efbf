"""ClientCore: the small surface a client hands its resources.

A resource (``client.images``) never reaches into its client: it receives the core, which holds the generated
client (and so the API connection pool), the timing hooks, the retry budget, the capability policy, the per-call
defaults set with ``with_options`` and the download settings. Copies made by ``with_options`` share the
generated client and the download pools (``_Pools``); closing any of them closes those.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from kling_api import AuthenticatedClient
from kling_api.types import UNSET, RequestOptions, Unset

from ._constants import DOWNLOAD_MAX_BYTES, DOWNLOAD_MAX_REDIRECTS
from ._retry import Timing


@dataclass(frozen=True)
class CallOptions:
    """Options of one call: an HTTP timeout for its requests, and extra headers, query parameters and body fields.

    ``timeout`` UNSET keeps the client's; None means no limit. ``extra_body`` is merged into the JSON body after
    the documented fields were checked (a field the spec does not know yet can be sent; it is not checked).
    """

    timeout: Any = UNSET
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, Any] | None = None
    extra_body: Mapping[str, Any] | None = None

    def over(self, defaults: CallOptions) -> CallOptions:
        """These options, falling back to ``defaults`` (a client's ``with_options``) for what they leave unset."""
        return CallOptions(
            timeout=defaults.timeout if isinstance(self.timeout, Unset) else self.timeout,
            extra_headers={**(defaults.extra_headers or {}), **(self.extra_headers or {})} or None,
            extra_query={**(defaults.extra_query or {}), **(self.extra_query or {})} or None,
            extra_body=self.extra_body,
        )

    def for_request(self, *, with_body: bool = False) -> RequestOptions | None:
        """The generated client's RequestOptions for one request (the body fields only for a request that has one)."""
        extra_body = self.extra_body if with_body else None
        if isinstance(self.timeout, Unset) and not (self.extra_headers or self.extra_query or extra_body):
            return None
        return RequestOptions(
            timeout=self.timeout, extra_headers=self.extra_headers, extra_query=self.extra_query, extra_body=extra_body
        )


NO_OPTIONS = CallOptions()


@dataclass
class _Pools:
    """The download clients, created on the first download; shared by a client and its ``with_options`` copies."""

    args: dict[str, Any]
    sync: httpx.Client | None = None
    async_: httpx.AsyncClient | None = None

    def sync_client(self) -> httpx.Client:
        if self.sync is None:
            self.sync = httpx.Client(**self.args)
        return self.sync

    def async_client(self) -> httpx.AsyncClient:
        if self.async_ is None:
            self.async_ = httpx.AsyncClient(**self.args)
        return self.async_


@dataclass
class ClientCore:
    """What resources receive: see the module docstring."""

    api: AuthenticatedClient
    timing: Timing
    max_retries: int
    strict_capabilities: bool
    download_schemes: frozenset[str]
    pools: _Pools
    defaults: CallOptions = NO_OPTIONS
    download_max_bytes: int = DOWNLOAD_MAX_BYTES
    download_max_redirects: int = DOWNLOAD_MAX_REDIRECTS

    def options(self, call: CallOptions) -> CallOptions:
        """A call's options over the client's defaults."""
        return call if self.defaults is NO_OPTIONS else call.over(self.defaults)

    def copy(self, **changes: Any) -> ClientCore:
        """A copy sharing the generated client and the download pools (``with_options``)."""
        return dataclasses.replace(self, **changes)
