"""What every benchmark shares: keys, the spec's example answers, clients for the loopback emulator and
for an in-memory transport."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import httpx
from kling import Kling
from kling_auth import sign_token
from kling_emulator import run_emulator
from kling_spec import load_spec

ACCESS_KEY: Final = "bench-access-key"
# A local fake of 32+ bytes (shorter HMAC keys make PyJWT warn).
SECRET_KEY: Final = "bench-secret-key-0123456789abcdef-0123456789abcdef"  # noqa: S105
KEYS: Final = {ACCESS_KEY: SECRET_KEY}
MEMORY_BASE_URL: Final = "https://api-singapore.klingai.com"
GENERATIONS: Final = "/v1/images/generations"


def example_body(status: str) -> bytes:
    """The spec's own example answer of the task query, for a task in ``status``."""
    return json.dumps(load_spec().examples("getImageTask", 200)[status]).encode()


def example_task_id() -> str:
    task_id = json.loads(example_body("succeed"))["data"]["task_id"]
    assert isinstance(task_id, str)
    return task_id


def memory_transport(body: bytes) -> httpx.MockTransport:
    """An in-memory server answering every request with ``body`` (a spec example)."""
    headers = {"content-type": "application/json"}
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body, headers=headers))


def fixed_header() -> dict[str, str]:
    """What a hand-written client would send: one token, signed once, reused."""
    return {"Authorization": f"Bearer {sign_token(ACCESS_KEY, SECRET_KEY)}"}


def sdk_client(base_url: str, transport: httpx.BaseTransport | None = None) -> Kling:
    httpx_args = {} if transport is None else {"transport": transport}
    return Kling(ACCESS_KEY, SECRET_KEY, base_url=base_url, httpx_args=httpx_args)


@contextmanager
def loopback_emulator(**options: Any) -> Iterator[str]:
    """The emulator on loopback (uvicorn in a thread of this process), with the bench keys; its base URL."""
    with run_emulator(keys=KEYS, tick_interval=None, **options) as base_url:
        yield base_url
