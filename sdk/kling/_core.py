"""ClientCore: the small surface a client hands its resources.

A resource (``client.images``) never reaches into its client: it receives the core, which holds the generated
client (and so the API connection pool), the timing hooks, the retry budget, the capability policy, the per-call
defaults set with ``with_options`` and the download settings. Copies made by ``with_options`` share the
generated client, the download pools (``_Pools``) and the request pacing (``_Pacer``); closing any of them closes
the pools.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from kling_api import AuthenticatedClient
from kling_api.types import UNSET, RequestOptions, Unset
from kling_auth import DEADLINE_EXTENSION, bound_httpx_client

from ._constants import DEFAULT_TIMEOUT, DOWNLOAD_MAX_BYTES, DOWNLOAD_MAX_REDIRECTS
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
    #: A ``time.monotonic()`` instant each request of the call must end by, whatever its timeout (a wait's
    #: deadline cuts the poll in flight this way).
    deadline: float | None = None

    def over(self, defaults: CallOptions) -> CallOptions:
        """These options, falling back to ``defaults`` (a client's ``with_options``) for what they leave unset."""
        return CallOptions(
            timeout=defaults.timeout if isinstance(self.timeout, Unset) else self.timeout,
            extra_headers={**(defaults.extra_headers or {}), **(self.extra_headers or {})} or None,
            extra_query={**(defaults.extra_query or {}), **(self.extra_query or {})} or None,
            extra_body=self.extra_body,
            deadline=self.deadline,
        )

    def queries(self) -> CallOptions:
        """These options for the queries of a call (a create's lookups, a generate's polls): no body fields."""
        return dataclasses.replace(self, extra_body=None)

    def for_request(self, deadline: float | None, *, with_body: bool = False) -> RequestOptions:
        """The generated client's RequestOptions for one request ending by ``deadline`` (the body fields only for
        a request that has one)."""
        return RequestOptions(
            timeout=self.timeout,
            extra_headers=self.extra_headers,
            extra_query=self.extra_query,
            extra_body=self.extra_body if with_body else None,
            extensions={DEADLINE_EXTENSION: deadline},
        )


NO_OPTIONS = CallOptions()


def longest(timeout: httpx.Timeout | float | None) -> float | None:
    """The longest part of an HTTP timeout (the whole request's bound); None when any part is unlimited."""
    if timeout is None:
        return None
    if isinstance(timeout, int | float):
        return float(timeout)
    parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    return None if None in parts else max(p for p in parts if p is not None)


@dataclass
class _Pools:
    """The download clients, created on the first download; shared by a client and its ``with_options`` copies."""

    args: dict[str, Any]
    #: An image may be this large (received and decoded): the download clients read under this cap.
    max_bytes: int = DOWNLOAD_MAX_BYTES
    sync: httpx.Client | None = None
    async_: httpx.AsyncClient | None = None

    def sync_client(self) -> httpx.Client:
        if self.sync is None:
            self.sync = httpx.Client(**self.args)
            bound_httpx_client(self.sync, max_bytes=self.max_bytes)
        return self.sync

    def async_client(self) -> httpx.AsyncClient:
        if self.async_ is None:
            self.async_ = httpx.AsyncClient(**self.args)
            bound_httpx_client(self.async_, max_bytes=self.max_bytes)
        return self.async_


class _Pacer:
    """The publisher's request-rate limits (``x-kling-rate-limit``: 1 request a second on ``/account/costs``),
    kept by this client and its ``with_options`` copies together, across threads: each request of a paced
    operation is given its turn, at least ``1 / requests_per_second`` after the previous one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_turn: dict[str, float] = {}

    def wait_before(self, operation: str, requests_per_second: float, now: float) -> float:
        """Seconds to wait before sending the next request of ``operation`` (its turn is taken now)."""
        with self._lock:
            turn = max(now, self._next_turn.get(operation, now))
            self._next_turn[operation] = turn + 1 / requests_per_second
        return turn - now


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
    #: The client's HTTP timeout: each request ends within its longest value, whatever the server trickles.
    timeout: httpx.Timeout | None = field(default_factory=lambda: DEFAULT_TIMEOUT)
    #: Shared by ``with_options`` copies, as the pools are.
    pacer: _Pacer = field(default_factory=_Pacer)

    def deadline(self, options: CallOptions) -> float | None:
        """When a request of a call must end (``time.monotonic()``): its timeout's longest value from now, or
        the call's own deadline if sooner; None without any limit."""
        total = self._longest_timeout if isinstance(options.timeout, Unset) else longest(options.timeout)
        ends = None if total is None else time.monotonic() + total
        if options.deadline is None:
            return ends
        return options.deadline if ends is None else min(ends, options.deadline)

    @functools.cached_property
    def _longest_timeout(self) -> float | None:
        # The client's timeout is fixed for the life of a core (with_options makes a new core): read it once.
        return longest(self.timeout)

    def options(self, call: CallOptions) -> CallOptions:
        """A call's options over the client's defaults."""
        return call if self.defaults is NO_OPTIONS else call.over(self.defaults)

    def copy(self, **changes: Any) -> ClientCore:
        """A copy sharing the generated client and the download pools (``with_options``)."""
        return dataclasses.replace(self, **changes)
