"""The thin sync and async shells that run the SDK's flows (``_effects``): the only code written twice.

A driver performs each effect a flow yields and sends the result back, or throws the exception into the flow at
the ``yield`` that asked for it (a ``CancelledError`` or ``KeyboardInterrupt`` too, so a flow cleans up by its
own rules, e.g. a download removes its temporary file). Streams a flow leaves open are closed when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from kling_auth import DEADLINE_EXTENSION

from ._constants import DOWNLOAD_CHUNK_SIZE
from ._core import ClientCore
from ._effects import Call, CloseStream, Effect, Flow, Notify, OpenStream, ReadChunk, Sleep

T = TypeVar("T")


class _Stepper:
    """Advances a flow: the next effect, or the flow's result once it returns."""

    def __init__(self, flow: Flow[Any]) -> None:
        self._flow = flow
        self._value: Any = None
        self._error: BaseException | None = None
        self.done = False
        self.result: Any = None

    def next_effect(self) -> Effect | None:
        value, error = self._value, self._error
        self._value, self._error = None, None
        try:
            return self._flow.send(value) if error is None else self._flow.throw(error)
        except StopIteration as stop:
            self.done, self.result = True, stop.value
            return None

    def resolved(self, value: Any) -> None:
        self._value = value

    def failed(self, error: BaseException) -> None:
        self._error = error

    def close(self) -> None:
        self._flow.close()


@dataclass
class _SyncStream:
    response: httpx.Response
    chunks: Iterator[bytes]


@dataclass
class _AsyncStream:
    response: httpx.Response
    chunks: AsyncIterator[bytes]
    deadline: float | None = None


def _request(effect: OpenStream, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
    """A redirect's next request as httpx built it (its deadline carried over), or a GET of the URL with the
    download client's defaults and the image's deadline."""
    extensions = {DEADLINE_EXTENSION: effect.deadline}
    return effect.request or http.build_request("GET", effect.url or "", extensions=extensions)


def _deadline(deadline: float | None) -> contextlib.AbstractAsyncContextManager[object]:
    """The async driver's bound on an effect: the whole of it ends by ``deadline`` (``time.monotonic()``)."""
    if deadline is None:
        return contextlib.nullcontext()
    return asyncio.timeout_at(asyncio.get_running_loop().time() + (deadline - time.monotonic()))


S = TypeVar("S", _SyncStream, _AsyncStream)


def _opened(streams: list[S], stream: S) -> S:
    streams.append(stream)
    return stream


def run(flow: Flow[T], core: ClientCore) -> T:
    """Run a flow to its result, synchronously."""
    stepper, streams = _Stepper(flow), list[_SyncStream]()
    try:
        while (effect := stepper.next_effect()) is not None:
            try:
                stepper.resolved(_perform(effect, core, streams))
            except BaseException as error:  # thrown into the flow, which decides
                stepper.failed(error)
        result: T = stepper.result
        return result
    finally:
        for stream in streams:
            stream.response.close()
        stepper.close()


def _perform(effect: Effect, core: ClientCore, streams: list[_SyncStream]) -> Any:
    if isinstance(effect, Call):
        return effect.endpoint.sync_detailed(client=core.api, **effect.kwargs)
    if isinstance(effect, Sleep):
        return core.timing.sleep(effect.seconds)
    if isinstance(effect, Notify):
        return effect.callback(effect.task)
    if isinstance(effect, OpenStream):
        http = core.pools.sync_client()
        response = http.send(_request(effect, http), stream=True, follow_redirects=False)
        return _opened(streams, _SyncStream(response, response.iter_bytes(DOWNLOAD_CHUNK_SIZE)))
    if isinstance(effect, ReadChunk):
        assert isinstance(effect.stream, _SyncStream)
        return next(effect.stream.chunks, None)
    assert isinstance(effect, CloseStream)
    assert isinstance(effect.stream, _SyncStream)
    streams.remove(effect.stream)
    return effect.stream.response.close()


async def run_async(flow: Flow[T], core: ClientCore) -> T:
    """Run a flow to its result, with ``await``."""
    stepper, streams = _Stepper(flow), list[_AsyncStream]()
    try:
        while (effect := stepper.next_effect()) is not None:
            try:
                stepper.resolved(await _perform_async(effect, core, streams))
            except BaseException as error:  # thrown into the flow, which decides
                stepper.failed(error)
        result: T = stepper.result
        return result
    finally:
        for stream in streams:
            await stream.response.aclose()
        stepper.close()


async def _perform_async(effect: Effect, core: ClientCore, streams: list[_AsyncStream]) -> Any:
    try:
        async with _deadline(_deadline_of(effect)):
            return await _perform_async_once(effect, core, streams)
    except TimeoutError:
        # asyncio.timeout's own: the same error a sync client's socket deadline gives, for the flow to convert.
        raise httpx.ReadTimeout("the request's deadline passed") from None


def _deadline_of(effect: Effect) -> float | None:
    if isinstance(effect, Call | OpenStream):
        return effect.deadline
    if isinstance(effect, ReadChunk):
        return getattr(effect.stream, "deadline", None)
    return None  # a sleep, a callback, closing a stream: never cut


async def _perform_async_once(effect: Effect, core: ClientCore, streams: list[_AsyncStream]) -> Any:
    if isinstance(effect, Call):
        return await effect.endpoint.asyncio_detailed(client=core.api, **effect.kwargs)
    if isinstance(effect, Sleep):
        return await core.timing.async_sleep(effect.seconds)
    if isinstance(effect, Notify):
        outcome = effect.callback(effect.task)
        return await outcome if inspect.isawaitable(outcome) else outcome
    if isinstance(effect, OpenStream):
        http = core.pools.async_client()
        response = await http.send(_request(effect, http), stream=True, follow_redirects=False)
        chunks = response.aiter_bytes(DOWNLOAD_CHUNK_SIZE)
        return _opened(streams, _AsyncStream(response, chunks, effect.deadline))
    if isinstance(effect, ReadChunk):
        assert isinstance(effect.stream, _AsyncStream)
        return await anext(effect.stream.chunks, None)
    assert isinstance(effect, CloseStream)
    assert isinstance(effect.stream, _AsyncStream)
    streams.remove(effect.stream)
    return await effect.stream.response.aclose()
