"""Shared helpers of the SDK tests: fake time, clients over a SpecMock or the emulator, spec-checked answers."""

from __future__ import annotations

import base64
import copy
import inspect
import io
import json
import time
from collections.abc import Awaitable
from typing import Any, Literal, TypeVar

import httpx
from kling import AsyncKling, Kling
from kling._retry import Timing
from kling_spec import Spec, load_spec
from PIL import Image

from testsupport.spec_mock import ACCESS_KEY, BASE_URL, SECRET_KEY, SpecMock

SPEC: Spec = load_spec()
Flavor = Literal["sync", "async"]
AnyKling = Kling | AsyncKling
T = TypeVar("T")

GET_TASK = "getImageTask"
CREATE_TASK = "createImageTask"
LIST_TASKS = "listImageTasks"


class FakeTime:
    """A clock that moves only when the SDK sleeps; records every sleep. Jitter draws are fixed."""

    def __init__(self, now: float = 0.0, jitter: float = 0.5) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self.jitter = jitter

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, seconds
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def timing(self) -> Timing:
        return Timing(clock=self, sleep=self.sleep, async_sleep=self.async_sleep, random=lambda: self.jitter)


def make_client(
    flavor: Flavor,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport,
    fake_time: FakeTime,
    *,
    base_url: str = BASE_URL,
    access_key: str = ACCESS_KEY,
    secret_key: str = SECRET_KEY,
    **options: Any,
) -> AnyKling:
    cls = Kling if flavor == "sync" else AsyncKling
    client = cls(access_key, secret_key, base_url=base_url, httpx_args={"transport": transport}, **options)
    client._timing = fake_time.timing()
    return client


async def call(value: T | Awaitable[T]) -> T:
    """The result of a sync call, or of an async one: one test body serves both clients."""
    if inspect.isawaitable(value):
        return await value
    return value


async def close(client: AnyKling) -> None:
    if isinstance(client, AsyncKling):
        await client.aclose()
    else:
        client.close()


def example(operation_id: str, status: int, name: str) -> dict[str, Any]:
    """A deep copy of a named example of the spec (safe to modify)."""
    return copy.deepcopy(SPEC.examples(operation_id, status)[name])


def checked(operation_id: str, status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    """An answer the spec allows for ``operation_id`` (asserted), as an httpx.Response."""
    errors = SPEC.response_errors(operation_id, status, body)
    assert not errors, errors
    return httpx.Response(status, json=body, headers=headers)


def task_answer(status: str, *, task_id: str = "783510947463159851", **fields: Any) -> httpx.Response:
    """A getImageTask 200 answer with the given task status (built on the spec's example)."""
    body = example(GET_TASK, 200, "processing")
    body["data"].update(task_id=task_id, task_status=status, **fields)
    if status == "succeed":
        body["data"]["task_result"] = example(GET_TASK, 200, "succeed")["data"]["task_result"]
    return checked(GET_TASK, 200, body)


def error_body(code: int, message: str = "error") -> dict[str, Any]:
    return {"code": code, "message": message, "request_id": "3a8f6c2e-9d1b-4e7a-a4c5-2b9e7d1f6a99", "data": None}


def sent_bodies(mock: SpecMock, operation_id: str = CREATE_TASK) -> list[dict[str, Any]]:
    return [request.body for request in mock.requests if request.operation_id == operation_id]


def operations(mock: SpecMock) -> list[str]:
    return [request.operation_id for request in mock.requests]


def image_file_bytes(width: int, height: int, image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 200)).save(buffer, image_format)
    return buffer.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def now() -> float:
    return time.time()


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.content)
