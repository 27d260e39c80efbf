"""What a flow asks its driver to do: the only I/O in the SDK's rules, as data.

A flow (``_flows``, ``_download``) is a generator: ``result = yield Call(...)``, as httpx's ``Auth.auth_flow`` is
``response = yield request``. The driver (``_drivers``) performs each effect, synchronously or with ``await``,
and sends the result back, or throws the exception into the flow where it was raised. So every rule is written
once, and the sync and async clients differ only in their drivers.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx

T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """One request through the generated client: ``endpoint.sync_detailed`` or ``endpoint.asyncio_detailed``
    (a module of ``kling_api.api``) with ``kwargs``; the result is its ``Response``."""

    endpoint: Any
    kwargs: Mapping[str, Any]
    #: When the request must have ended (``time.monotonic()``), whatever the server trickles; None: no limit.
    deadline: float | None = None


@dataclass(frozen=True)
class Sleep:
    """A pause of ``seconds`` (the client's timing hooks, so tests can fake time)."""

    seconds: float


@dataclass(frozen=True)
class Notify:
    """The caller's ``on_update`` callback with a task (awaited by the async driver when it returns an awaitable)."""

    callback: Callable[[Any], object]
    task: Any


class Stream(Protocol):
    """A streamed download answer, as a driver opened it."""

    response: httpx.Response


@dataclass(frozen=True)
class OpenStream:
    """Send ``request`` (or GET ``url``) on the download client, streamed, redirects not followed: a Stream."""

    url: httpx.URL | None = None
    request: httpx.Request | None = None
    #: When this image's answer must have ended (``time.monotonic()``); None: no limit.
    deadline: float | None = None


@dataclass(frozen=True)
class ReadChunk:
    """The next chunk of a stream's body; None at its end."""

    stream: Stream


@dataclass(frozen=True)
class CloseStream:
    """Close a stream (the drivers also close every stream a flow leaves open when it ends)."""

    stream: Stream


Effect = Call | Sleep | Notify | OpenStream | ReadChunk | CloseStream
#: A rule-holding flow: yields effects, receives their results, returns a T.
Flow = Generator[Effect, Any, T]


@dataclass
class Trace:
    """What the last request of a call answered: ``with_raw_response`` reads it."""

    http_status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    request_id: str | None = None
    elapsed: float = 0.0


# -- request ids of results ------------------------------------------------------------------------------------

# Results are the generated attrs models (slotted, unhashable, weak-referenceable): their request ids are kept by
# id, and forgotten when the result is.
# id -> (a weak reference to the result, whose callback forgets the entry; the request id).
_REQUEST_IDS: dict[int, tuple[weakref.ref[Any], str]] = {}


def _forget(key: int) -> Callable[[weakref.ref[Any]], None]:
    def forget(reference: weakref.ref[Any]) -> None:
        entry = _REQUEST_IDS.get(key)
        if entry is not None and entry[0] is reference:
            del _REQUEST_IDS[key]

    return forget


def remember_request_id(result: object, request_id: str) -> None:
    """Note which request produced ``result`` (and each item of a list result)."""
    for item in result if isinstance(result, list) else (result,):
        key = id(item)
        try:
            _REQUEST_IDS[key] = (weakref.ref(item, _forget(key)), request_id)
        except TypeError:  # not weak-referenceable: nothing to key it by safely
            continue


def request_id_of(result: object) -> str | None:
    """The ``request_id`` of the answer that produced ``result`` (a task, a created task, an item of a list):
    what the publisher's support asks for. None for an object the SDK did not return."""
    entry = _REQUEST_IDS.get(id(result))
    return entry[1] if entry is not None and entry[0]() is result else None
