"""The generated client never lies about types: a broken answer is a documented exception, never a raw one.

Every answer here is one the spec does not allow (that is the point): HTML or empty bodies, truncated JSON,
undocumented statuses, missing or mistyped fields. Each must come back as ``kling_api.errors.ResponseError``
(``MalformedResponse`` for a documented status, ``UnexpectedStatus`` for another) carrying the status and a
short excerpt of the body, or, for a well-formed answer, as the model its type says, fully parsed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from kling_api import AuthenticatedClient, errors
from kling_api.api.images import create_image_task, get_image_task, list_image_tasks
from kling_api.models import CreateImageTaskRequest, ErrorResponse, ImageTask, ImageTaskResponse
from kling_api.types import Response
from kling_spec import load_spec

SPEC = load_spec()
SUCCEED = SPEC.examples("getImageTask", 200)["succeed"]


def _task_answer(**data_changes: Any) -> bytes:
    body = json.loads(json.dumps(SUCCEED))
    for key, value in data_changes.items():
        if value is _DROP:
            del body["data"][key]
        else:
            body["data"][key] = value
    return json.dumps(body).encode()


_DROP = object()

# (status, body, what the error must say): answers a real proxy, load balancer or buggy server can give.
MALFORMED: list[tuple[int, bytes, str]] = [
    (400, b"<html><body>Bad Request</body></html>", "Expecting value"),
    (429, b"<html>Too Many Requests</html>", "Expecting value"),
    (500, b"<html><h1>500 Internal Server Error</h1></html>", "Expecting value"),
    (503, b"", "Expecting value"),
    (400, b"", "Expecting value"),
    (200, b"", "Expecting value"),
    (200, b'{"code": 0, "message": "SUCCEED", "request_id": "r", "data": {"task_id": "1"', "Expecting"),
    (200, b'{"message": "SUCCEED", "request_id": "r"}', "code: missing required field"),
    (400, b'{"code": 1201, "message": "invalid"}', "request_id: missing required field"),
    (200, b"[]", "expected an object, got array"),
    (200, b"null", "expected an object, got null"),
    (200, b'"SUCCEED"', "expected an object, got string"),
    (200, b'{"code": "0", "message": "SUCCEED", "request_id": "r"}', "code: expected an integer, got string"),
    (200, b'{"code": true, "message": "SUCCEED", "request_id": "r"}', "code: expected an integer, got boolean"),
    (200, _task_answer(task_id=_DROP), "data.task_id: missing required field"),
    (200, _task_answer(task_id=783510947463159851), "data.task_id: expected a string, got number"),
    (200, _task_answer(created_at="yesterday"), "data.created_at: expected an integer, got string"),
    (200, _task_answer(created_at=1.5), "data.created_at: expected an integer, got number"),
    (200, _task_answer(created_at=1e300), "data.created_at: integer out of the 64-bit range"),
    (200, _task_answer(updated_at=10**40), "data.updated_at: integer out of the 64-bit range"),
    (200, _task_answer(task_status=7), "data.task_status"),
    (200, _task_answer(task_result={"images": ""}), "data.task_result.images: expected an array"),
    (200, _task_answer(task_result={"images": [{"index": 0}]}), "data.task_result.images.url: missing required field"),
    (200, _task_answer(task_result=[]), "data.task_result: expected an object, got array"),
    (200, json.dumps({**SUCCEED, "data": "783510947463159851"}).encode(), "data:"),
    (200, json.dumps({**SUCCEED, "data": [SUCCEED["data"]]}).encode(), "data:"),
    (200, b"[" * 100_000 + b"]" * 100_000, "recursion"),
    (200, b"\xff\xfe\x00garbage", "Expecting value"),
]


def _client(answer: Callable[[httpx.Request], httpx.Response], *, raise_on_unexpected_status: bool = True) -> Any:
    return AuthenticatedClient(
        base_url="https://api-singapore.klingai.com",
        token="unused",
        raise_on_unexpected_status=raise_on_unexpected_status,
        httpx_args={"transport": httpx.MockTransport(answer)},
    )


def _answering(status: int, content: bytes, content_type: str = "application/json") -> Any:
    return _client(lambda _: httpx.Response(status, content=content, headers={"content-type": content_type}))


async def _call_get(client: Any, is_async: bool, task_id: str = "783510947463159851") -> Response[Any]:
    if is_async:
        return await get_image_task.asyncio_detailed(task_id=task_id, client=client)
    return get_image_task.sync_detailed(task_id=task_id, client=client)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("status", "content", "problem"), MALFORMED, ids=lambda v: str(v)[:40])
async def test_a_malformed_answer_raises_MalformedResponse_with_status_and_excerpt(
    status: int, content: bytes, problem: str, is_async: bool
) -> None:
    with pytest.raises(errors.MalformedResponse) as raised:
        await _call_get(_answering(status, content), is_async)
    error = raised.value
    assert error.status_code == status
    assert problem.lower() in str(error).lower()
    assert error.content == content
    # The message quotes a short excerpt, never the whole body.
    assert len(str(error)) < 700
    assert error.excerpt == errors.excerpt(content)


@pytest.mark.parametrize("operation", ["create", "get", "list"])
def test_every_operation_reports_a_broken_body_the_same_way(operation: str) -> None:
    client = _answering(502 if operation == "list" else 500, b"<html>Bad Gateway</html>", "text/html")
    calls: dict[str, Callable[[], object]] = {
        "create": lambda: create_image_task.sync_detailed(client=client, body=CreateImageTaskRequest(prompt="a fox")),
        "get": lambda: get_image_task.sync_detailed(task_id="1", client=client),
        "list": lambda: list_image_tasks.sync_detailed(client=client),
    }
    with pytest.raises(errors.ResponseError) as raised:
        calls[operation]()
    assert raised.value.status_code in (500, 502)
    assert "Bad Gateway" in raised.value.excerpt


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("status", [499, 502, 520, 522, 599])
async def test_an_undocumented_status_raises_UnexpectedStatus_with_the_status(status: int, is_async: bool) -> None:
    with pytest.raises(errors.UnexpectedStatus) as raised:
        await _call_get(_answering(status, b"<html>origin unreachable</html>", "text/html"), is_async)
    assert raised.value.status_code == status
    assert "origin unreachable" in raised.value.excerpt


@pytest.mark.parametrize("status", [499, 520, 522])
def test_without_raise_on_unexpected_status_an_undocumented_status_is_a_plain_int(status: int) -> None:
    client = _client(lambda _: httpx.Response(status, content=b"?"), raise_on_unexpected_status=False)
    response = get_image_task.sync_detailed(task_id="1", client=client)
    assert response.status_code == status
    assert response.parsed is None


def test_a_registered_status_is_still_an_HTTPStatus() -> None:
    body = SPEC.examples("getImageTask", 200)["succeed"]
    response = get_image_task.sync_detailed(
        task_id="1", client=_client(lambda _: httpx.Response(200, json=body, headers={"x": "y"}))
    )
    assert response.status_code is HTTPStatus.OK
    assert isinstance(response.parsed, ImageTaskResponse)
    assert isinstance(response.parsed.data, ImageTask)


def test_a_documented_error_envelope_still_parses_to_ErrorResponse() -> None:
    body = SPEC.examples("getImageTask", 429)["concurrencyLimit"]
    parsed = get_image_task.sync(task_id="1", client=_client(lambda _: httpx.Response(429, json=body)))
    assert isinstance(parsed, ErrorResponse)
    assert (parsed.code, parsed.request_id) == (1303, body["request_id"])


def test_the_excerpt_is_short_and_printable() -> None:
    content = b"\x1b[31m" + "é".encode() * 5000 + b"\x00"
    with pytest.raises(errors.MalformedResponse) as raised:
        get_image_task.sync_detailed(task_id="1", client=_answering(500, content))
    excerpt = raised.value.excerpt
    assert len(excerpt) <= errors.EXCERPT_LENGTH + 3
    assert "\x1b" not in excerpt
    assert excerpt.isprintable()


# -- path parameters ------------------------------------------------------------------------------------------


def _recording(sent: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=SUCCEED)

    return answer


@pytest.mark.parametrize("task_id", ["", ".", ".."])
def test_an_id_that_would_change_the_path_is_refused_before_sending(task_id: str) -> None:
    sent: list[httpx.Request] = []
    client = _client(_recording(sent))
    with pytest.raises(ValueError, match="task_id must not be"):
        get_image_task.sync_detailed(task_id=task_id, client=client)
    assert sent == []


def test_an_id_with_a_lone_surrogate_is_refused_before_sending() -> None:
    sent: list[httpx.Request] = []
    client = _client(_recording(sent))
    with pytest.raises(ValueError, match="task_id is not valid Unicode"):
        get_image_task.sync_detailed(task_id="abc\udc80", client=client)
    assert sent == []


ODD_IDS = [
    "783510947463159851",
    "my-order-42",
    "...",
    "./a",
    "a/..",
    "../x",
    "a/b",
    "a?b=c",
    "a#b",
    "a b",
    "%2E",
    "%2e%2e",
    "100%",
    "ü",
    "日本語",
    "emoji-🦊",
    "\\..\\x",
    ";x=1",
]


@pytest.mark.parametrize("task_id", ODD_IDS)
def test_every_other_id_reaches_the_server_byte_for_byte_in_one_segment(task_id: str) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=SUCCEED)

    get_image_task.sync_detailed(task_id=task_id, client=_client(answer))
    raw_path = sent[0].url.raw_path.decode("ascii")
    prefix = "/v1/images/generations/"
    assert raw_path.startswith(prefix)
    segment = raw_path.removeprefix(prefix)
    assert not set("/?#") & set(segment)
    assert unquote(segment) == task_id
    # And the server routes it to the single-task query, with the id intact.
    matched = SPEC.validate_request("GET", raw_path)
    assert matched.operation_id == "getImageTask"
    assert matched.path_params["task_id"] == task_id


def test_an_integral_float_is_an_integer_as_in_json_schema() -> None:
    client = _client(lambda _: httpx.Response(200, content=_task_answer(created_at=1722769557708.0)))
    parsed = get_image_task.sync(task_id="1", client=client)
    assert isinstance(parsed, ImageTaskResponse)
    assert isinstance(parsed.data, ImageTask)
    assert parsed.data.created_at == 1722769557708
    assert type(parsed.data.created_at) is int
