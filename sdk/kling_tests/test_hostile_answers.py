"""Hostile or broken answers through the client, sync and async: a typed error or a clear outcome, never a crash,
nothing written outside the target folder, no half-written file.

Already covered elsewhere, not repeated here: a truncated, empty, HTML or deeply nested answer to ``get``
(test_client.py BROKEN), hostile URLs, redirect loops, size caps and dropped streams in the downloader itself
(test_download.py), broken callbacks (test_callbacks.py), the exact error and text each kind of answer gives
(test_answers.py). Here: the same families on the other operations,
answers of 10 MB, integers of thousands of digits, and downloads of what a hostile ``get`` answered, end to end
through ``client.images.get`` then ``client.images.download``.

What the SDK does with a 10 MB answer: httpx reads an API answer whole (the generated client does not stream),
so memory grows with the answer; the SDK then refuses anything that is not the documented JSON with a
MalformedResponseError whose excerpt is at most 200 characters, and keeps a documented answer as is. Image
downloads, in contrast, are streamed and cut off at DOWNLOAD_MAX_BYTES (test_download.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import kling
import pytest

from testsupport.spec_mock import BASE_URL, SpecMock

from ._helpers import (
    CREATE_TASK,
    GET_TASK,
    LIST_TASKS,
    SPEC,
    AnyKling,
    call,
    checked,
    example,
    image_file_bytes,
    operations,
)

TASK_ID = "783510947463159851"
TASK_PATH = r"^/v1/images/generations/.+$"
TEN_MB = 10 * 1024 * 1024
FIVE_THOUSAND_DIGITS = "1" + "0" * 5000
PNG = image_file_bytes(320, 320)


def _answer_of(operation_id: str) -> bytes:
    name = {CREATE_TASK: "submitted", GET_TASK: "succeed", LIST_TASKS: next(iter(SPEC.examples(LIST_TASKS, 200)))}
    return json.dumps(example(operation_id, 200, name[operation_id])).encode()


async def _send(client: AnyKling, operation_id: str) -> Any:
    if operation_id == CREATE_TASK:
        return await call(client.images.create("a red fox"))
    if operation_id == GET_TASK:
        return await call(client.images.get(TASK_ID))
    return await call(client.images.list())


def _route(mock: SpecMock, operation_id: str, response: httpx.Response) -> None:
    if operation_id == GET_TASK:
        mock.router.get(path__regex=TASK_PATH).mock(return_value=response)
    elif operation_id == CREATE_TASK:
        mock.router.post("/v1/images/generations").mock(return_value=response)
    else:
        mock.router.get("/v1/images/generations").mock(return_value=response)


ANSWERS: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda good: good[: len(good) // 2],
    "10 MB of garbage": lambda good: b"\x00garbage" * (TEN_MB // 8),
    "10 MB of spaces after the answer": lambda good: good + b" " * TEN_MB + b"x",
    "an integer of 5000 digits": lambda good: good.replace(
        b'"code": 0', b'"code": ' + FIVE_THOUSAND_DIGITS.encode(), 1
    ),
    "nested 100000 deep": lambda good: b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("answer", ANSWERS.values(), ids=ANSWERS.keys())
@pytest.mark.parametrize("operation_id", [CREATE_TASK, GET_TASK, LIST_TASKS])
async def test_a_broken_answer_to_any_operation_is_a_malformed_response_error(
    make: Callable[..., AnyKling], mock: SpecMock, operation_id: str, answer: Callable[[bytes], bytes]
) -> None:
    client = make(max_retries=0)
    _route(mock, operation_id, httpx.Response(200, content=answer(_answer_of(operation_id))))
    with pytest.raises(kling.MalformedResponseError) as raised:
        await _send(client, operation_id)
    error = raised.value
    assert error.http_status == 200
    assert len(error.body_excerpt) <= 210
    assert len(str(error)) < 1000
    # A broken answer to a create is not proof that nothing was created: never a second create.
    assert operations(mock).count(CREATE_TASK) <= 1


@pytest.mark.parametrize("status", [502, 503])
async def test_a_10_mb_error_page_is_a_server_error_with_a_short_excerpt(
    make: Callable[..., AnyKling], mock: SpecMock, status: int
) -> None:
    client = make(max_retries=1)
    page = b"<html>" + b"<p>Bad gateway</p>" * (TEN_MB // 18) + b"</html>"
    mock.router.get(path__regex=TASK_PATH).mock(return_value=httpx.Response(status, content=page))
    with pytest.raises(kling.ServerError) as raised:
        await call(client.images.get(TASK_ID))
    assert raised.value.http_status == status
    assert len(str(raised.value)) < 1000
    assert operations(mock) == [GET_TASK, GET_TASK]  # retried once, as a 5xx is


async def test_a_documented_answer_of_10_mb_is_kept_whole(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    body = example(GET_TASK, 200, "failed")
    body["data"]["task_status_msg"] = "m" * TEN_MB
    mock.router.get(path__regex=TASK_PATH).mock(return_value=checked(GET_TASK, 200, body))
    task = await call(make(max_retries=0).images.get(TASK_ID))
    assert task.task_status_msg == "m" * TEN_MB


@pytest.mark.parametrize("digits", [20, 5001])
async def test_a_timestamp_of_many_digits_is_malformed_not_a_crash(
    make: Callable[..., AnyKling], mock: SpecMock, digits: int
) -> None:
    good = _answer_of(GET_TASK)
    created_at = str(example(GET_TASK, 200, "succeed")["data"]["created_at"]).encode()
    content = good.replace(created_at, b"9" * digits, 1)
    mock.router.get(path__regex=TASK_PATH).mock(return_value=httpx.Response(200, content=content))
    with pytest.raises(kling.MalformedResponseError, match=r"created_at|digits"):
        await call(make(max_retries=0).images.get(TASK_ID))


# -- downloads of what a hostile answer said -----------------------------------------------------------------------


class Cdn:
    """The API (the SpecMock) and an image host on one transport, as a client sees them."""

    def __init__(self, mock: SpecMock) -> None:
        self.mock = mock
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == httpx.URL(BASE_URL).host:
            return self.mock.transport.handle_request(request)
        self.requests.append(request)
        return httpx.Response(200, content=PNG, headers={"Content-Type": "image/png"})

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def _serve_task(mock: SpecMock, images: list[dict[str, Any]]) -> None:
    body = example(GET_TASK, 200, "succeed")
    body["data"]["task_result"] = {"images": images}
    # Deliberately not spec-checked: a relative URL is not a "uri", and that is the point.
    mock.router.get(path__regex=TASK_PATH).mock(return_value=httpx.Response(200, json=body))


async def _get_then_download(client: AnyKling, target: Path) -> list[Path]:
    task = await call(client.images.get(TASK_ID))
    paths: list[Path] = await call(client.images.download(task, target))
    return paths


def _contents(folder: Path) -> list[bytes]:
    return [path.read_bytes() for path in folder.rglob("*") if path.is_file()]


def _everything(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


async def test_a_task_with_zero_images_then_download_writes_nothing(
    make: Callable[..., AnyKling], mock: SpecMock, tmp_path: Path
) -> None:
    cdn = Cdn(mock)
    client = make(cdn.transport)
    _serve_task(mock, [])
    task = await call(client.images.get(TASK_ID))
    with pytest.raises(kling.DownloadError, match="no images"):
        await call(client.images.download(task, tmp_path / "out"))
    assert _everything(tmp_path) == []
    assert cdn.requests == []


HOSTILE_URLS = [
    "../x.png",
    "../../../../tmp/x.png",
    "//cdn.example/x.png",
    "http://cdn.example/x.png",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:image/png;base64,iVBORw0KGgo=",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
async def test_an_image_url_that_is_not_https_is_never_fetched_and_nothing_is_written(
    make: Callable[..., AnyKling], mock: SpecMock, tmp_path: Path, url: str
) -> None:
    cdn = Cdn(mock)
    client = make(cdn.transport)
    _serve_task(mock, [{"index": 0, "url": url}])
    target = tmp_path / "deep" / "out"
    with pytest.raises(kling.KlingError) as raised:
        await _get_then_download(client, target)
    assert isinstance(raised.value, kling.DownloadError | kling.MalformedResponseError)
    assert cdn.requests == []
    assert [p for p in _everything(tmp_path) if not p.startswith("deep")] == []
    assert [p for p in _everything(tmp_path) if p.endswith(".png") or ".tmp" in p or p.startswith("deep/out/")] == []


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example/a/..%2F..%2F..%2Fx.png",
        "https://cdn.example/../../x.png",
        "https://cdn.example/x.png?name=../../x.png",
        "https://cdn.example/%2e%2e/%2e%2e/x.png",
    ],
)
async def test_an_https_url_with_dot_dot_lands_inside_the_folder_under_the_tasks_name(
    make: Callable[..., AnyKling], mock: SpecMock, tmp_path: Path, url: str
) -> None:
    cdn = Cdn(mock)
    client = make(cdn.transport)
    _serve_task(mock, [{"index": 0, "url": url}])
    target = tmp_path / "deep" / "out"
    task = await call(client.images.get(TASK_ID))
    paths = await call(client.images.download(task, target))
    assert paths == [target / f"{TASK_ID}-0.png"]
    assert _everything(tmp_path) == ["deep", "deep/out", f"deep/out/{TASK_ID}-0.png"]
    assert paths[0].read_bytes() == PNG
    assert len(cdn.requests) == 1


async def test_a_second_hostile_image_keeps_the_first_and_leaves_no_partial_file(
    make: Callable[..., AnyKling], mock: SpecMock, tmp_path: Path
) -> None:
    cdn = Cdn(mock)
    client = make(cdn.transport)
    _serve_task(mock, [{"index": 0, "url": "https://cdn.example/0.png"}, {"index": 1, "url": "file:///etc/passwd"}])
    task = await call(client.images.get(TASK_ID))
    with pytest.raises(kling.DownloadError, match="is not allowed"):
        await call(client.images.download(task, tmp_path))
    # Checked before anything is fetched, or the first saved whole: never a half-written file.
    assert _everything(tmp_path) in ([], [f"{TASK_ID}-0.png"])
    assert all(content == PNG for content in _contents(tmp_path))
