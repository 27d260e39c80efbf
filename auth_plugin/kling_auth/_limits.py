"""Every answer the generated client reads ends in bounded time and bounded memory.

Installed by :func:`kling_auth.authenticated_client` on the httpx clients it builds (``BoundedClient``):

- **size**: an answer may hold at most MAX_ANSWER_BYTES, counted on the bytes received and again after decoding.
  The client decodes ``Content-Encoding`` itself (gzip and deflate, stacked or not), chunk by chunk under the
  cap, so no layer of encoding can inflate past it (httpx would decode every layer before a byte is counted).
  A ``Content-Length`` over the cap is refused before a byte of the body is read. Crossing it raises
  :class:`AnswerTooLargeError`. Other encodings are refused (the client asks only for gzip and deflate).
- **time**: each request has a deadline, its ``kling.deadline`` extension (a ``time.monotonic()`` value), or by
  default its timeout's longest value from when it was sent: httpx's timeouts bound each network operation,
  not the whole answer, so a server trickling a byte every second would never trip them. Every connect, read
  and write is given at most the time left (sync: through the network backend of the client's own transport;
  async callers bound the whole call with ``asyncio.timeout``, as the SDK does), and the body is cut at the
  deadline. Passing it raises ``httpx.ReadTimeout``.
"""

from __future__ import annotations

import contextvars
import re
import time
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import httpcore
import httpx
from attrs import define
from httpcore._backends.base import SOCKET_OPTION
from kling_api import AuthenticatedClient

from ._constants import MAX_ANSWER_BYTES

#: The request extension holding a request's deadline (``time.monotonic()``).
DEADLINE_EXTENSION = "kling.deadline"
#: What the client asks for, and all it decodes.
ACCEPTED_ENCODINGS = "gzip, deflate"
_CHUNK = 64 * 1024

# The deadline of the request this thread is sending (sync clients: read by the network backend).
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("kling_deadline", default=None)


class AnswerTooLargeError(httpx.DecodingError):
    """An answer over the size limit (received or decoded); ``limit`` is the limit in bytes, ``status`` the
    answer's HTTP status."""

    def __init__(self, limit: int, what: str, status: int, request: httpx.Request | None = None) -> None:
        super().__init__(f"the answer is over the {limit}-byte limit ({what})", request=request)
        self.limit = limit
        self.status = status


def deadline_of(request: httpx.Request) -> float | None:
    """The request's deadline: its own extension, else its longest timeout from now; None for no limit."""
    deadline = request.extensions.get(DEADLINE_EXTENSION)
    if isinstance(deadline, int | float):
        return float(deadline)
    timeouts = request.extensions.get("timeout")
    values = [v for v in (timeouts or {}).values() if isinstance(v, int | float)]
    if not values or None in (timeouts or {}).values():
        return None
    return time.monotonic() + max(values)


def _prepare(request: httpx.Request) -> float | None:
    """Fixes the request's deadline (its extension); the deadline. Each operation is held to it where it runs: the
    sync network backend gives every connect, read and write at most the time left, the body stream is cut at it."""
    deadline = deadline_of(request)
    request.extensions[DEADLINE_EXTENSION] = deadline
    return deadline


# -- decoding under the cap ------------------------------------------------------------------------------------


class _Layer:
    """One layer of Content-Encoding, decoded incrementally, never more than _CHUNK bytes at a time."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._first = True
        wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}[encoding]
        self._z = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._z.decompress(data, _CHUNK)
            except zlib.error:
                if not (self._first and self._encoding == "deflate"):
                    raise httpx.DecodingError(f"the answer is not valid {self._encoding} data") from None
                # "deflate" is often sent raw, without the zlib header (as httpx also accepts).
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._first = False
            data = self._z.unconsumed_tail
            if out:
                yield out
            elif not data:
                return


class _Decoder:
    """Bytes received -> bytes decoded, each counted against the limit."""

    def __init__(self, encodings: list[str], limit: int, status: int) -> None:
        unknown = [e for e in encodings if e not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise httpx.DecodingError(f"the answer uses an encoding this client did not ask for: {unknown[0][:40]!r}")
        # Listed in the order applied: the last one applied is undone first.
        self._layers = [_Layer(encoding) for encoding in reversed(encodings)]
        self._limit = limit
        self._status = status
        self._received = 0
        self._decoded = 0

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        self._received += len(chunk)
        if self._received > self._limit:
            raise AnswerTooLargeError(self._limit, "bytes received", self._status)
        for out in self._through(chunk, 0):
            self._decoded += len(out)
            if self._decoded > self._limit:
                raise AnswerTooLargeError(self._limit, "bytes after decoding", self._status)
            yield out

    def _through(self, data: bytes, layer: int) -> Iterator[bytes]:
        if layer == len(self._layers):
            yield data
            return
        for out in self._layers[layer].feed(data):
            yield from self._through(out, layer + 1)


def _encodings(response: httpx.Response) -> list[str]:
    header = response.headers.get("Content-Encoding", "")
    return [part.strip().lower() for part in header.split(",") if part.strip() and part.strip().lower() != "identity"]


_LENGTH = re.compile(r"[0-9]{1,40}")


def _check_declared_length(response: httpx.Response, limit: int) -> bool:
    """Refuses a Content-Length over the limit; whether the answer declares a (valid) length within it."""
    declared = response.headers.get("Content-Length", "").strip()
    if not _LENGTH.fullmatch(declared):
        return False
    if len(declared) > 19 or int(declared) > limit:
        raise AnswerTooLargeError(limit, "Content-Length", response.status_code, request=response.request)
    return True


class _BoundedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """The body as received, decoded under the cap and cut at the deadline."""

    def __init__(self, raw: Any, decoder: _Decoder, deadline: float | None, request: httpx.Request) -> None:
        self._raw, self._decoder, self._deadline, self._request = raw, decoder, deadline, request

    def _check_time(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise httpx.ReadTimeout("the answer did not complete before the request's deadline", request=self._request)

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._raw:
            self._check_time()
            yield from self._decoder.feed(chunk)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._raw:
            self._check_time()
            for out in self._decoder.feed(chunk):
                yield out

    def close(self) -> None:
        self._raw.close()

    async def aclose(self) -> None:
        await self._raw.aclose()


def bound_response(response: httpx.Response, limit: int = MAX_ANSWER_BYTES) -> None:
    """Replace an answer's body stream (before anything reads it) by the bounded, decoding one."""
    if _check_declared_length(response, limit) and "Content-Encoding" not in response.headers:
        # Not encoded, and its length within the cap: the HTTP layer reads exactly that many bytes, and each read
        # already has the deadline (sync: the network backend; async: the caller's asyncio.timeout).
        return
    decoder = _Decoder(_encodings(response), limit, response.status_code)
    deadline = response.request.extensions.get(DEADLINE_EXTENSION)
    response.stream = _BoundedStream(response.stream, decoder, deadline, response.request)
    if "Content-Encoding" in response.headers:
        # Decoded here: httpx must not decode it again.
        del response.headers["Content-Encoding"]


# -- the hooks, and the client that installs them ---------------------------------------------------------------


def _hooks(limit: int) -> tuple[Any, Any, Any, Any]:
    def request_hook(request: httpx.Request) -> None:
        _DEADLINE.set(_prepare(request))

    async def async_request_hook(request: httpx.Request) -> None:
        _prepare(request)

    def response_hook(response: httpx.Response) -> None:
        bound_response(response, limit)

    async def async_response_hook(response: httpx.Response) -> None:
        bound_response(response, limit)

    return request_hook, async_request_hook, response_hook, async_response_hook


def bound_httpx_client(client: httpx.Client | httpx.AsyncClient, *, max_bytes: int = MAX_ANSWER_BYTES) -> None:
    """Make ``client`` read every answer under ``max_bytes`` and each request's deadline (this module's
    docstring): hooks first in its event hooks, and (sync) the deadline on every socket operation."""
    request_hook, async_request_hook, response_hook, async_response_hook = _hooks(max_bytes)
    # All the client decodes itself (under the cap): a server must not answer in an encoding it cannot bound.
    client.headers["Accept-Encoding"] = ACCEPTED_ENCODINGS
    hooks = client.event_hooks
    is_sync = isinstance(client, httpx.Client)
    client.event_hooks = {
        "request": [request_hook if is_sync else async_request_hook, *hooks.get("request", [])],
        "response": [response_hook if is_sync else async_response_hook, *hooks.get("response", [])],
    }
    if isinstance(client, httpx.Client):
        for transport in (client._transport, *client._mounts.values()):
            _bound_transport(transport)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write gets at most the time left before the current request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _left(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _left(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SOCKET_OPTION] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, _left(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _bound_transport(transport: object) -> None:
    # httpx.HTTPTransport keeps its httpcore pool in _pool, and the pool its backend in _network_backend: the one
    # seam through which every socket read of a sync client passes (a test fails if either moves).
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, _DeadlineBackend):
        pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]


@define
class BoundedClient(AuthenticatedClient):
    """The generated ``AuthenticatedClient`` whose httpx clients read every answer under the size cap and the
    request's deadline (this module's docstring)."""

    def get_httpx_client(self) -> httpx.Client:
        new = self._client is None
        client = super().get_httpx_client()
        if new:
            bound_httpx_client(client)
        return client

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        new = self._async_client is None
        client = super().get_async_httpx_client()
        if new:
            bound_httpx_client(client)
        return client
