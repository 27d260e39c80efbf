"""A create is never sent twice blindly: count the tasks the server saw after every kind of failure."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import kling
import pytest
from kling_emulator import FAULT_HEADER, Emulator, create_app, run_emulator

from testsupport.spec_mock import ACCESS_KEY, SECRET_KEY, SpecMock

from ._helpers import (
    CREATE_TASK,
    GET_TASK,
    AnyKling,
    FakeTime,
    Flavor,
    call,
    checked,
    close,
    error_body,
    example,
    make_client,
    operations,
    sent_bodies,
)

# Directives of the wrapper transport below, besides the emulator's own fault header values.
REFUSE = "refuse"  # the connection is refused: nothing reaches the server
TIMEOUT_AFTER = "timeout-after"  # the server handles the request, the client times out reading the answer


@dataclass
class ScriptedFaults(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps the emulator's transport; the n-th POST gets the n-th scripted fault ("" for none)."""

    inner: Any
    posts: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)

    def _prepare(self, request: httpx.Request) -> str:
        self.seen.append(request.method)
        fault = self.posts.pop(0) if request.method == "POST" and self.posts else ""
        if fault == REFUSE:
            raise httpx.ConnectError("connection refused", request=request)
        if fault and fault != TIMEOUT_AFTER:
            request.headers[FAULT_HEADER] = fault
        return fault

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self._prepare(request)
        response: httpx.Response = self.inner.handle_request(request)
        if fault == TIMEOUT_AFTER:
            response.close()
            raise httpx.ReadTimeout("timed out", request=request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = self._prepare(request)
        response: httpx.Response = await self.inner.handle_async_request(request)
        if fault == TIMEOUT_AFTER:
            await response.aclose()
            raise httpx.ReadTimeout("timed out", request=request)
        return response


@dataclass
class Server:
    emulator: Emulator
    faults: ScriptedFaults
    client: AnyKling

    @property
    def task_count(self) -> int:
        return len(self.emulator.tasks)


@pytest.fixture
async def server(flavor: Flavor) -> AsyncIterator[Server]:
    fake = FakeTime(now=time.time())
    app = create_app(keys={ACCESS_KEY: SECRET_KEY}, clock=fake, slots=3, tick_interval=None)
    emulator: Emulator = app.state.emulator
    with _serve(flavor, app) as (base_url, inner):
        faults = ScriptedFaults(inner)
        client = make_client(flavor, faults, fake, base_url=base_url)
        try:
            yield Server(emulator, faults, client)
        finally:
            await close(client)


@contextmanager
def _serve(flavor: Flavor, app: Any) -> Iterator[tuple[str, Any]]:
    if flavor == "async":
        yield "http://testserver", httpx.ASGITransport(app)
        return
    with run_emulator(app) as base_url, httpx.HTTPTransport() as transport:
        yield base_url, transport


@pytest.mark.parametrize(
    ("fault", "expected_requests"),
    [
        ("drop=after", ["POST", "GET"]),  # created, answer lost: found by its external_task_id
        (TIMEOUT_AFTER, ["POST", "GET"]),  # created, answer too slow: found
        ("drop", ["POST", "GET", "POST"]),  # dropped before: not found, created once
        ("error=5000", ["POST", "GET", "POST"]),
        ("error=5001", ["POST", "GET", "POST"]),
        ("error=5002", ["POST", "GET", "POST"]),
        ("rate_limit", ["POST", "POST"]),  # 1302: surely not created, sent again as is
        (REFUSE, ["POST", "POST"]),  # connection refused: surely not created
    ],
)
async def test_after_any_failure_exactly_one_task_exists(
    server: Server, fault: str, expected_requests: list[str]
) -> None:
    server.faults.posts = [fault]
    created = await call(server.client.images.create("a lighthouse"))
    assert server.task_count == 1
    assert server.faults.seen == expected_requests
    [task] = [server.emulator.tasks.get(created.task_id, now=server.emulator.now())]
    assert task is not None
    assert task.task_id == created.task_id
    assert created.task_info.external_task_id.startswith("kling-")  # type: ignore[union-attr]


async def test_two_ambiguous_failures_in_a_row_still_make_one_task(server: Server) -> None:
    server.faults.posts = ["error=5000", "drop=after"]
    created = await call(server.client.images.create("a lighthouse"))
    assert server.task_count == 1
    assert server.faults.seen == ["POST", "GET", "POST", "GET"]
    assert server.emulator.tasks.get(created.task_id, now=server.emulator.now()) is not None


async def test_a_non_retryable_code_raises_at_once(server: Server) -> None:
    server.faults.posts = ["error=1102"]
    with pytest.raises(kling.AccountError):
        await call(server.client.images.create("a lighthouse"))
    assert server.faults.seen == ["POST"]
    assert server.task_count == 0


async def test_a_full_quota_is_retried_then_raised_without_extra_tasks(server: Server) -> None:
    await call(server.client.images.create("takes every slot", n=3))
    with pytest.raises(kling.RateLimitError) as raised:
        await call(server.client.images.create("one more"))
    assert raised.value.code == 1303
    assert server.faults.seen == ["POST"] + ["POST"] * 3  # first create, then 1 + max_retries, no lookups
    assert server.task_count == 1


async def test_a_1201_after_an_ambiguous_attempt_is_checked_before_giving_up(client: AnyKling, mock: SpecMock) -> None:
    # The 5000 hid a created task that the lookup did not see yet; the second create is refused as a
    # duplicate external_task_id (1201): the client looks again and finds it.
    mock.router.post("/v1/images/generations").mock(
        side_effect=[
            checked(CREATE_TASK, 500, error_body(5000)),
            checked(CREATE_TASK, 400, error_body(1201, "duplicate external_task_id")),
        ]
    )
    mock.router.get(path__regex=r"^/v1/images/generations/.+$").mock(
        side_effect=[
            checked(GET_TASK, 400, example(GET_TASK, 400, "taskNotFound")),
            checked(GET_TASK, 200, example(GET_TASK, 200, "processing")),
        ]
    )
    created = await call(client.images.create("a lighthouse"))
    assert created.task_id == "783510947463159851"
    assert operations(mock) == [CREATE_TASK, GET_TASK, CREATE_TASK, GET_TASK]
    external = sent_bodies(mock)[0]["external_task_id"]
    assert [r.path_params["task_id"] for r in mock.requests if r.operation_id == GET_TASK] == [external, external]
    assert sent_bodies(mock)[1]["external_task_id"] == external


async def test_a_1201_without_an_ambiguous_attempt_raises_at_once(client: AnyKling, mock: SpecMock) -> None:
    mock.router.post("/v1/images/generations").mock(
        return_value=checked(CREATE_TASK, 400, example(CREATE_TASK, 400, "invalidParameter"))
    )
    with pytest.raises(kling.InvalidRequestError):
        await call(client.images.create("a lighthouse"))
    assert operations(mock) == [CREATE_TASK]


async def test_every_create_carries_an_external_task_id(client: AnyKling, mock: SpecMock) -> None:
    mock.replay(CREATE_TASK, (200, "submitted"))
    await call(client.images.create("one"))
    await call(client.images.create("two"))
    await call(client.images.create("mine", external_task_id="order-42"))
    ids = [body["external_task_id"] for body in sent_bodies(mock)]
    assert all(re.fullmatch(r"kling-[0-9a-f]{32}", value) for value in ids[:2])
    assert ids[0] != ids[1]
    assert ids[2] == "order-42"


async def test_when_retries_run_out_after_an_ambiguous_failure_the_error_is_raised(
    make: Callable[..., AnyKling], mock: SpecMock
) -> None:
    client = make(max_retries=1)
    mock.router.post("/v1/images/generations").mock(return_value=checked(CREATE_TASK, 504, error_body(5002)))
    mock.router.get(path__regex=r"^/v1/images/generations/.+$").mock(
        return_value=checked(GET_TASK, 400, example(GET_TASK, 400, "taskNotFound"))
    )
    with pytest.raises(kling.ServerError):
        await call(client.images.create("a lighthouse"))
    assert operations(mock) == [CREATE_TASK, GET_TASK, CREATE_TASK]
