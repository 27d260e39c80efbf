"""The client as a user meets it: configuration, broken answers, ids, and whole runs against the emulator."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import kling
import pytest
from kling_api.models import ImageTask, TaskStatus
from kling_emulator import Emulator, create_app, run_emulator

from testsupport.spec_mock import ACCESS_KEY, SECRET_KEY, SpecMock

from ._helpers import (
    CREATE_TASK,
    GET_TASK,
    LIST_TASKS,
    AnyKling,
    FakeTime,
    Flavor,
    call,
    checked,
    close,
    example,
    make_client,
    operations,
    task_answer,
)

TASK_PATH = r"^/v1/images/generations/.+$"

# -- configuration ---------------------------------------------------------------------------------------


def test_keys_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLING_ACCESS_KEY", "env-access")
    monkeypatch.setenv("KLING_SECRET_KEY", "env-secret-key-0123456789abcdef-0123456789")
    monkeypatch.setenv("KLING_BASE_URL", "http://127.0.0.1:9")
    with kling.Kling() as client:
        assert client.base_url == "http://127.0.0.1:9"
        assert "env-access" in repr(client)
        assert "env-secret" not in repr(client)
        assert "eyJ" not in repr(client)


def test_without_a_base_url_the_official_domain_is_used() -> None:
    with kling.Kling("a", "b" * 32) as client:
        assert client.base_url == "https://api-singapore.klingai.com"


@pytest.mark.parametrize(
    "options",
    [{"max_retries": -1}, {"max_retries": 1.5}, {"base_url": "ftp://example.com"}],
)
def test_bad_options_are_refused_when_the_client_is_built(options: dict[str, Any]) -> None:
    with pytest.raises(kling.ValidationError):
        kling.Kling("a", "b" * 32, **options)


async def test_requests_are_signed_and_go_through_the_given_transport(client: AnyKling, mock: SpecMock) -> None:
    mock.replay(GET_TASK, (200, "succeed"))
    task = await call(client.images.get("783510947463159851"))
    assert isinstance(task, ImageTask)
    assert task.task_status == TaskStatus.SUCCEED
    assert operations(mock) == [GET_TASK]  # the mock verified the JWT and the request against the spec


async def test_the_client_is_a_context_manager_that_closes_its_pool(flavor: Flavor, mock: SpecMock) -> None:
    mock.replay(LIST_TASKS, (200, "onePage"))
    fake = FakeTime()
    built = make_client(flavor, mock.transport, fake)
    if isinstance(built, kling.Kling):
        with built as sync_client:
            assert len(sync_client.images.list()) == 1
        assert sync_client._core.api.get_httpx_client().is_closed
    else:
        async with built as async_client:
            assert len(await async_client.images.list()) == 1
        assert async_client._core.api.get_async_httpx_client().is_closed


# -- ids --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task_id", ["", ".", ".."])
async def test_ids_that_would_change_the_path_are_refused_before_sending(
    client: AnyKling, mock: SpecMock, task_id: str
) -> None:
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.get(task_id))
    assert raised.value.field == "task_id"
    assert mock.raw_requests == []


@pytest.mark.parametrize("task_id", ["a/b", "a b", "100%", "..a", "é", "a?b#c"])
async def test_other_ids_reach_the_server_byte_for_byte(client: AnyKling, mock: SpecMock, task_id: str) -> None:
    mock.router.get(path__regex=TASK_PATH).mock(return_value=task_answer("processing", task_id=task_id))
    await call(client.images.get(task_id))
    assert [request.path_params["task_id"] for request in mock.requests] == [task_id]


# -- broken answers ---------------------------------------------------------------------------------------

HTML = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
GOOD = example(GET_TASK, 200, "succeed")


def _without(key: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(json.dumps(GOOD))
    del body[key]
    return body


def _data_with(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(json.dumps(GOOD))
    body["data"].update(changes)
    for key, value in changes.items():
        if value is ...:
            del body["data"][key]
    return body


BROKEN: list[tuple[str, int, bytes, type[kling.KlingError]]] = [
    ("html 400", 400, HTML, kling.MalformedResponseError),
    ("empty 400", 400, b"", kling.MalformedResponseError),
    ("html 429", 429, HTML, kling.RateLimitError),
    ("empty 429", 429, b"", kling.RateLimitError),
    ("html 500", 500, HTML, kling.ServerError),
    ("empty 500", 500, b"", kling.ServerError),
    ("html 502", 502, HTML, kling.ServerError),
    ("empty 520", 520, b"", kling.ServerError),
    ("html 499", 499, HTML, kling.MalformedResponseError),
    ("truncated 200", 200, json.dumps(GOOD).encode()[:60], kling.MalformedResponseError),
    ("empty 200", 200, b"", kling.MalformedResponseError),
    ("200 without code", 200, json.dumps(_without("code")).encode(), kling.MalformedResponseError),
    ("json array", 200, b"[1, 2]", kling.MalformedResponseError),
    ("json null", 200, b"null", kling.MalformedResponseError),
    ("data null", 200, json.dumps({**GOOD, "data": None}).encode(), kling.MalformedResponseError),
    ("data missing", 200, json.dumps(_without("data")).encode(), kling.MalformedResponseError),
    ("data without task_id", 200, json.dumps(_data_with(task_id=...)).encode(), kling.MalformedResponseError),
    ("data a string", 200, json.dumps({**GOOD, "data": "task"}).encode(), kling.MalformedResponseError),
    (
        "created_at yesterday",
        200,
        json.dumps(_data_with(created_at="yesterday")).encode(),
        kling.MalformedResponseError,
    ),
    ("deep nesting", 200, b"[" * 100_000 + b"]" * 100_000, kling.MalformedResponseError),
    ("400 without request_id", 400, b'{"code": 1201, "message": "bad"}', kling.InvalidRequestError),
]


@pytest.mark.parametrize(("status", "content", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
async def test_a_broken_answer_is_a_kling_error_with_its_status(
    make: Callable[..., AnyKling], mock: SpecMock, status: int, content: bytes, expected: type[kling.KlingError]
) -> None:
    client = make(max_retries=0)
    mock.router.get(path__regex=TASK_PATH).mock(return_value=httpx.Response(status, content=content))
    with pytest.raises(expected) as raised:
        await call(client.images.get("783510947463159851"))
    error = raised.value
    assert type(error) is expected
    assert isinstance(error, kling.APIError)
    assert error.http_status == status
    if isinstance(error, kling.MalformedResponseError):
        assert len(error.body_excerpt) <= 210


async def test_a_200_whose_envelope_says_error_raises_that_error(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    client = make(max_retries=0)
    body = {"code": 1303, "message": "parallel task over resource pack limit", "request_id": "r-1", "data": None}
    mock.router.get(path__regex=TASK_PATH).mock(return_value=checked(GET_TASK, 200, body))
    with pytest.raises(kling.RateLimitError) as raised:
        await call(client.images.get("783510947463159851"))
    assert (raised.value.http_status, raised.value.code, raised.value.request_id) == (200, 1303, "r-1")


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (httpx.ConnectError("refused"), kling.APIConnectionError),
        (httpx.ReadTimeout("slow"), kling.APITimeoutError),
        (httpx.RemoteProtocolError("dropped"), kling.APIConnectionError),
    ],
)
async def test_transport_failures_are_connection_errors(
    make: Callable[..., AnyKling], mock: SpecMock, failure: Exception, expected: type[kling.KlingError]
) -> None:
    client = make(max_retries=0)
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=failure)
    with pytest.raises(expected) as raised:
        await call(client.images.get("783510947463159851"))
    assert type(raised.value) is expected
    assert isinstance(raised.value.__cause__, httpx.TransportError)


async def test_a_malformed_task_in_a_list_is_refused(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    client = make(max_retries=0)
    body = example(LIST_TASKS, 200, "onePage")
    body["data"][0]["created_at"] = "yesterday"
    mock.router.get("/v1/images/generations").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(kling.MalformedResponseError):
        await call(client.images.list())


@pytest.mark.parametrize(
    ("page", "page_size", "field"), [(0, 30, "page"), (1, 501, "page_size"), (1, True, "page_size")]
)
async def test_list_pages_are_checked_before_sending(
    client: AnyKling, mock: SpecMock, page: Any, page_size: Any, field: str
) -> None:
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.list(page=page, page_size=page_size))
    assert raised.value.field == field
    assert mock.raw_requests == []


async def test_list_sends_the_page_asked_for(client: AnyKling, mock: SpecMock) -> None:
    mock.replay(LIST_TASKS, (200, "onePage"))
    tasks = await call(client.images.list(page=3, page_size=500))
    assert [t.task_id for t in tasks] == ["783510947463159851"]
    assert mock.requests[0].query == {"pageNum": 3, "pageSize": 500}


# -- whole runs against the emulator ----------------------------------------------------------------------


class EmulatorClock(FakeTime):
    """One fake clock for the emulator's timeline and the SDK's waits (starting now, so JWTs are valid)."""


def _emulator_app(clock: EmulatorClock, **options: Any) -> Any:
    return create_app(
        keys={ACCESS_KEY: SECRET_KEY},
        clock=clock,
        processing_after=2.0,
        succeed_after=20.0,
        tick_interval=None,
        **options,
    )


def test_generate_and_download_against_the_emulator_sync() -> None:
    clock = EmulatorClock(now=time.time())
    app = _emulator_app(clock)
    emulator: Emulator = app.state.emulator
    seen: list[str] = []
    with run_emulator(app) as base_url, kling.Kling(ACCESS_KEY, SECRET_KEY, base_url=base_url) as client:
        client._timing = clock.timing()
        task = client.images.generate("a lighthouse", n=2, on_update=lambda t: seen.append(str(t.task_status)))
        assert task.task_status == TaskStatus.SUCCEED
        assert seen[0] == "submitted"
        assert seen[-1] == "succeed"
        assert "processing" in seen
        with tempfile.TemporaryDirectory() as folder:
            paths = client.images.download(task, folder)
            assert [p.suffix for p in paths] == [".png", ".png"]
            assert all(p.stat().st_size > 0 for p in paths)
        assert client.images.get(task.task_id).task_id == task.task_id
    assert len(emulator.tasks) == 1
    # Detection came soon after completion (20 s of run time; polls every <= ~8 % of it).
    assert sum(clock.sleeps) <= 20.0 + 2.0


async def test_generate_and_download_against_the_emulator_async(tmp_path: Path) -> None:
    clock = EmulatorClock(now=time.time())
    app = _emulator_app(clock)
    seen: list[str] = []

    async def record(task: ImageTask) -> None:
        seen.append(str(task.task_status))

    client = make_client("async", httpx.ASGITransport(app), clock, base_url="http://testserver")
    try:
        assert isinstance(client, kling.AsyncKling)
        task = await client.images.generate("a lighthouse", on_update=record)
        assert task.task_status == TaskStatus.SUCCEED
        assert seen[-1] == "succeed"
        paths = await client.images.download(task, tmp_path)
        assert len(paths) == 1
        assert paths[0].parent == tmp_path
        external_task_id = task.task_info.external_task_id  # type: ignore[union-attr]
        assert isinstance(external_task_id, str)
        by_external = await client.images.get(external_task_id)
        assert by_external.task_id == task.task_id
    finally:
        await close(client)


async def test_create_returns_the_created_task(client: AnyKling, mock: SpecMock) -> None:
    mock.replay(CREATE_TASK, (200, "submitted"))
    created = await call(client.images.create("a cat"))
    assert created.task_id == "783510947463159851"
    assert created.task_status == TaskStatus.SUBMITTED
