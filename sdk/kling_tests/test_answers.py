"""How every kind of answer becomes a model or the right error (kling._answers), with the status, code, request id,
excerpt and Retry-After a user reads.

Broken answers are deliberately outside the spec. The last tests call the parsers with models the generated
client would have refused: the SDK's own checks must hold even if a field slips through. Broken answers of every
size to every operation, and downloads of what they say: test_hostile_answers.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import httpx
import kling
import kling_auth
import pytest
from kling import _answers
from kling._retry import backoff_delay
from kling_api import errors as api_errors
from kling_api import errors as api_errors_module
from kling_api.models import (
    AccountCosts,
    AccountCostsResponse,
    CreatedImageTask,
    CreateImageTaskResponse,
    DeletedElementTask,
    DeleteElementResponse,
    ImageTask,
    ImageTaskListResponse,
    ImageTaskResponse,
    TaskStatus,
)
from kling_api.types import UNSET, Response

from testsupport.spec_mock import SpecMock

from ._helpers import GET_TASK, LIST_TASKS, AnyKling, FakeTime, call, checked, example, task_answer

TASK_PATH = r"^/v1/images/generations/.+$"
TASK_ID = "783510947463159851"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhIn0.c2lnbmF0dXJl"
LIMIT = 64 * 1024


async def _get_error(make: Callable[..., AnyKling], mock: SpecMock, answer: httpx.Response | Exception) -> Any:
    """The error a get raises for ``answer`` (no retries)."""
    client = make(max_retries=0)
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=[answer])
    with pytest.raises(kling.KlingError) as raised:
        await call(client.images.get(TASK_ID))
    return raised.value


def _raw(status: int, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=body, headers=headers)


# -- answers outside the documented statuses, or without the API's envelope ------------------------------------


async def test_an_undocumented_status_with_the_envelope_is_read(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    body = b'{"code": 5000, "message": "busy", "request_id": "r-502"}'
    error = await _get_error(make, mock, _raw(502, body, {"Retry-After": "4"}))
    assert type(error) is kling.ServerError
    assert (error.http_status, error.code, error.message, error.request_id) == (502, 5000, "busy", "r-502")
    assert error.retryable is True
    assert str(error) == "HTTP 502, code 5000: busy (request_id r-502)"
    assert backoff_delay(1, error, lambda: 1.0) == 4.0


async def test_the_retry_after_of_an_undocumented_status_is_honoured(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make(max_retries=1)
    busy = _raw(502, b'{"code": 5000, "message": "busy", "request_id": "r-502"}', {"Retry-After": "4"})
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=[busy, task_answer("succeed")])
    await call(client.images.get(TASK_ID))
    assert fake_time.sleeps == [4.0]


async def test_an_envelope_with_odd_message_and_request_id_still_gives_its_code(
    make: Callable[..., AnyKling], mock: SpecMock
) -> None:
    error = await _get_error(make, mock, _raw(502, b'{"code": 1303, "message": 5, "request_id": 7}'))
    assert type(error) is kling.ServerError
    assert (error.code, error.message, error.request_id) == (1303, "", None)
    assert str(error) == "HTTP 502, code 1303: "


@pytest.mark.parametrize(
    "body",
    [b'{"code": 0, "message": "SUCCEED", "request_id": "r"}', b'{"code": true, "message": "x"}', b"[5000]", b""],
    ids=["code-0", "code-bool", "not-an-object", "empty"],
)
async def test_a_5xx_without_an_error_code_is_a_server_error_quoting_the_body(
    make: Callable[..., AnyKling], mock: SpecMock, body: bytes
) -> None:
    error = await _get_error(make, mock, _raw(502, body))
    assert type(error) is kling.ServerError
    assert (error.http_status, error.code, error.request_id, error.retryable) == (502, None, None, True)
    excerpt = body.decode()
    assert error.message == f"server error without the API's envelope; body starts {excerpt!r}"


@pytest.mark.parametrize(("size", "read"), [(LIMIT, True), (LIMIT + 1, False)])
async def test_an_envelope_is_read_up_to_64_kib(
    make: Callable[..., AnyKling], mock: SpecMock, size: int, read: bool
) -> None:
    envelope = b'{"code": 5001, "message": "maintenance", "request_id": "r-big"}'
    body = envelope + b" " * (size - len(envelope))
    assert len(body) == size
    error = await _get_error(make, mock, _raw(502, body))
    assert type(error) is kling.ServerError
    if read:
        assert (error.code, error.message, error.request_id) == (5001, "maintenance", "r-big")
    else:
        assert (error.code, error.request_id) == (None, None)
        assert error.message.startswith("server error without the API's envelope; body starts '{\"code\": 5001")
        assert error.message.endswith("...'")


async def test_a_rate_limiter_page_is_a_retryable_rate_limit(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    page = b"<html>Too Many Requests</html>"
    error = await _get_error(make, mock, _raw(429, page, {"Retry-After": "9"}))
    assert type(error) is kling.RateLimitError
    assert (error.http_status, error.code, error.request_id, error.retryable) == (429, None, None, True)
    assert error.message == "rate limited without the API's envelope; body starts '<html>Too Many Requests</html>'"
    assert backoff_delay(1, error, lambda: 1.0) == 9.0


async def test_a_gateway_page_on_a_documented_500_is_a_server_error(
    make: Callable[..., AnyKling], mock: SpecMock
) -> None:
    error = await _get_error(make, mock, _raw(500, b"<html>Internal Server Error</html>"))
    assert type(error) is kling.ServerError
    assert error.http_status == 500
    assert error.message == "server error without the API's envelope; body starts '<html>Internal Server Error</html>'"


async def test_an_unreadable_success_is_malformed_with_status_problem_and_excerpt(
    make: Callable[..., AnyKling], mock: SpecMock
) -> None:
    error = await _get_error(make, mock, _raw(200, b"<html>nope</html>"))
    assert type(error) is kling.MalformedResponseError
    assert (error.http_status, error.body_excerpt, error.retryable) == (200, "<html>nope</html>", False)
    assert error.message.startswith("malformed body: ")
    assert str(error).startswith("malformed answer (HTTP 200): malformed body: ")


async def test_an_undocumented_4xx_page_is_malformed(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    error = await _get_error(make, mock, _raw(418, b"<html>teapot</html>"))
    assert type(error) is kling.MalformedResponseError
    assert str(error) == "malformed answer (HTTP 418): undocumented status code; body starts '<html>teapot</html>'"
    assert (error.http_status, error.body_excerpt) == (418, "<html>teapot</html>")


# -- failures before an answer ---------------------------------------------------------------------------------


async def test_a_timeout_names_its_kind(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    error = await _get_error(make, mock, httpx.ReadTimeout("slow"))
    assert type(error) is kling.APITimeoutError
    assert str(error) == "no answer in time (ReadTimeout)"


async def test_a_connection_failure_names_its_kind_and_never_a_token(
    make: Callable[..., AnyKling], mock: SpecMock
) -> None:
    error = await _get_error(make, mock, httpx.ConnectError(f"proxy refused Bearer {TOKEN}"))
    assert type(error) is kling.APIConnectionError
    assert str(error) == "connection failed (ConnectError: proxy refused [redacted])"


def test_an_answer_that_cannot_be_decoded_is_malformed_and_never_shows_a_token() -> None:
    error = _answers.error_from_exception(httpx.DecodingError(f"bad gzip near {TOKEN}"))
    assert type(error) is kling.MalformedResponseError
    assert "bad gzip near [redacted]" in str(error)


def test_an_answer_that_cannot_be_decoded_has_no_status_to_show() -> None:
    # httpx fails while decoding the body and keeps no status: the error says HTTP 0, not a status never received.
    error = _answers.error_from_exception(httpx.DecodingError("Error -3 while decompressing data"))
    assert isinstance(error, kling.MalformedResponseError)
    assert (error.http_status, error.retryable) == (0, False)
    assert str(error) == "malformed answer (HTTP 0): Error -3 while decompressing data"


def test_other_http_failures_name_their_kind_and_never_a_token() -> None:
    error = _answers.error_from_exception(httpx.UnsupportedProtocol(f"no scheme near {TOKEN}"))
    assert type(error) is kling.APIConnectionError
    assert str(error) == "connection failed (UnsupportedProtocol: no scheme near [redacted])"


def test_a_redirect_loop_is_an_http_failure_naming_its_kind_and_never_a_token() -> None:
    # With follow_redirects on (a client option), a server redirecting for ever ends in TooManyRedirects.
    request = httpx.Request("GET", "https://api.example/v1/images/generations/1")
    error = _answers.error_from_exception(httpx.TooManyRedirects(f"too many redirects near {TOKEN}", request=request))
    assert type(error) is kling.APIConnectionError
    assert str(error) == "HTTP failure (TooManyRedirects: too many redirects near [redacted])"


def test_an_unsendable_url_is_a_validation_error_on_the_url() -> None:
    error = _answers.error_from_exception(httpx.InvalidURL(f"bad host {TOKEN}"))
    assert isinstance(error, kling.ValidationError)
    assert (error.field, error.rule) == ("url", "the request cannot be sent: bad host [redacted]")


def test_a_value_that_cannot_be_serialised_is_a_validation_error_on_the_request() -> None:
    error = _answers.error_from_exception(TypeError(f"not serialisable: {TOKEN}"))
    assert isinstance(error, kling.ValidationError)
    assert (error.field, error.rule) == ("request", "cannot be sent: TypeError: not serialisable: [redacted]")
    assert str(error) == "request: cannot be sent: TypeError: not serialisable: [redacted]"


def test_a_kling_error_passes_through_and_a_bug_is_left_alone() -> None:
    original = kling.ServerError("down", http_status=503)
    assert _answers.error_from_exception(original) is original
    assert _answers.error_from_exception(RuntimeError("bug")) is None


# -- success statuses that are not a success -------------------------------------------------------------------


async def test_a_200_whose_envelope_says_rate_limited_honours_retry_after(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make(max_retries=1)
    limited = httpx.Response(
        200, json={"code": 1302, "message": "slow down", "request_id": "r-1302"}, headers={"Retry-After": "5"}
    )
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=[limited, task_answer("succeed")])
    await call(client.images.get(TASK_ID))
    assert fake_time.sleeps == [5.0]


async def test_a_success_without_data_says_so_with_its_request_id(
    make: Callable[..., AnyKling], mock: SpecMock
) -> None:
    body = example(GET_TASK, 200, "processing")
    body["data"] = None
    error = await _get_error(make, mock, httpx.Response(200, json=body))
    assert type(error) is kling.MalformedResponseError
    assert str(error) == "malformed answer (HTTP 200): the answer says success but carries no data"
    assert (error.http_status, error.request_id) == (200, body["request_id"])


async def test_a_list_without_data_says_so_with_its_request_id(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    client = make(max_retries=0)
    body = example(LIST_TASKS, 200, "onePage")
    body["data"] = None
    mock.router.get("/v1/images/generations").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(kling.MalformedResponseError) as raised:
        await call(client.images.list())
    assert raised.value.message == "the answer says success but carries no data"
    assert (raised.value.http_status, raised.value.request_id) == (200, body["request_id"])


async def test_a_task_with_an_empty_id_is_malformed(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    body = example(GET_TASK, 200, "processing")
    body["data"]["task_id"] = ""
    error = await _get_error(make, mock, httpx.Response(200, json=body))
    assert type(error) is kling.MalformedResponseError
    assert str(error) == "malformed answer (HTTP 200): the task has missing or mistyped fields: task_id"
    assert (error.http_status, error.request_id) == (200, body["request_id"])


async def test_a_listed_task_with_an_empty_id_is_malformed(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    client = make(max_retries=0)
    body = example(LIST_TASKS, 200, "onePage")
    body["data"][0]["task_id"] = ""
    mock.router.get("/v1/images/generations").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(kling.MalformedResponseError) as raised:
        await call(client.images.list())
    assert raised.value.message == "the task has missing or mistyped fields: task_id"
    assert (raised.value.http_status, raised.value.request_id) == (200, body["request_id"])


async def test_a_valid_list_gives_its_tasks(client: AnyKling, mock: SpecMock) -> None:
    body = example(LIST_TASKS, 200, "onePage")
    mock.router.get("/v1/images/generations").mock(return_value=checked(LIST_TASKS, 200, body))
    tasks = await call(client.images.list())
    assert [task.task_id for task in tasks] == [task["task_id"] for task in body["data"]]


# -- the SDK's own checks, behind the generated parser ---------------------------------------------------------


def _response(parsed: object, content: bytes = b"{}", status: int = 200) -> Response[Any]:
    return Response(status_code=HTTPStatus(status), content=content, headers=httpx.Headers(), parsed=parsed)


def _image_task(**fields: Any) -> ImageTask:
    values: dict[str, Any] = {"task_id": "t-1", "task_status": TaskStatus.SUBMITTED, "created_at": 1, "updated_at": 2}
    return ImageTask(**(values | fields))


def _created(**fields: Any) -> CreatedImageTask:
    values: dict[str, Any] = {"task_id": "t-1", "task_status": TaskStatus.SUBMITTED, "created_at": 1, "updated_at": 2}
    return CreatedImageTask(**(values | fields))


# The parsers are made in the test, as every endpoint makes its own on first use (TaskEndpoint.parse_task, the
# account's and the elements' calls). One made at import, or cached on an endpoint, is built before any mutant is
# switched on: `make mutation` could not see a slip in it.
def _parse_task(response: Response[Any]) -> tuple[ImageTask, str]:
    return _answers.task_parser(ImageTaskResponse, ImageTask)(response)


def _parse_tasks(response: Response[Any]) -> tuple[list[ImageTask], str]:
    return _answers.tasks_parser(ImageTaskListResponse, ImageTask)(response)


def _parse_costs(response: Response[Any]) -> tuple[AccountCosts, str]:
    return _answers.data_parser(AccountCostsResponse, AccountCosts)(response)


def test_an_answer_of_the_wrong_type_is_malformed_with_its_excerpt() -> None:
    content = b"x" * 300
    with pytest.raises(kling.MalformedResponseError) as raised:
        _parse_task(_response(None, content))
    error = raised.value
    assert error.message == "expected ImageTaskResponse, got NoneType"
    assert (error.http_status, error.body_excerpt) == (200, "x" * 200 + "...")
    listed = ImageTaskListResponse(code=0, message="SUCCEED", request_id="r-l", data=[])
    with pytest.raises(kling.MalformedResponseError) as raised:
        _parse_task(_response(listed, status=201))
    assert raised.value.message == "expected ImageTaskResponse, got ImageTaskListResponse"
    assert raised.value.http_status == 201


def test_a_created_task_without_data_says_so_with_its_request_id() -> None:
    envelope = CreateImageTaskResponse(code=0, message="SUCCEED", request_id="r-create", data=None)
    with pytest.raises(kling.MalformedResponseError) as raised:
        _answers.created_task(_response(envelope))
    assert raised.value.message == "the answer says success but carries no data"
    assert (raised.value.http_status, raised.value.request_id) == (200, "r-create")


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"task_id": ""}, "task_id"),
        ({"task_id": 5}, "task_id"),
        ({"task_status": "submitted"}, "task_status"),
        ({"created_at": True}, "created_at"),
        ({"created_at": "1"}, "created_at"),
        ({"updated_at": False}, "updated_at"),
        ({"updated_at": 2.5}, "updated_at"),
        (
            {"task_id": "", "task_status": None, "created_at": None, "updated_at": None},
            "task_id, task_status, created_at, updated_at",
        ),
    ],
)
def test_a_task_field_that_slipped_through_is_named(fields: dict[str, Any], named: str) -> None:
    message = f"the task has missing or mistyped fields: {named}"
    created = CreateImageTaskResponse(code=0, message="SUCCEED", request_id="r-c", data=_created(**fields))
    with pytest.raises(kling.MalformedResponseError) as raised:
        _answers.created_task(_response(created))
    assert (raised.value.message, raised.value.http_status, raised.value.request_id) == (message, 200, "r-c")
    got = ImageTaskResponse(code=0, message="SUCCEED", request_id="r-g", data=_image_task(**fields))
    with pytest.raises(kling.MalformedResponseError) as raised:
        _parse_task(_response(got))
    assert (raised.value.message, raised.value.http_status, raised.value.request_id) == (message, 200, "r-g")
    listed = ImageTaskListResponse(code=0, message="SUCCEED", request_id="r-l", data=[_image_task(**fields)])
    with pytest.raises(kling.MalformedResponseError) as raised:
        _parse_tasks(_response(listed))
    assert (raised.value.message, raised.value.http_status, raised.value.request_id) == (message, 200, "r-l")


def test_sound_tasks_pass_the_checks() -> None:
    created = CreateImageTaskResponse(code=0, message="SUCCEED", request_id="r-c", data=_created())
    assert _answers.created_task(_response(created)) == (created.data, "r-c")
    got = ImageTaskResponse(code=0, message="SUCCEED", request_id="r-g", data=_image_task(task_status_msg=UNSET))
    assert _parse_task(_response(got)) == (got.data, "r-g")
    tasks = [_image_task(), _image_task(task_id="t-2")]
    listed = ImageTaskListResponse(code=0, message="SUCCEED", request_id="r-l", data=tasks)
    assert _parse_tasks(_response(listed)) == (tasks, "r-l")
    assert _parse_tasks(_response(ImageTaskListResponse(code=0, message="SUCCEED", request_id="r-e", data=[]))) == (
        [],
        "r-e",
    )


@pytest.mark.parametrize("data", [None, UNSET], ids=["null", "absent"])
def test_a_query_or_a_list_without_data_says_so_with_its_request_id(data: Any) -> None:
    got = ImageTaskResponse(code=0, message="SUCCEED", request_id="r-g", data=data)
    with pytest.raises(kling.MalformedResponseError) as raised:
        _parse_task(_response(got, status=201))
    assert raised.value.message == "the answer says success but carries no data"
    assert (raised.value.http_status, raised.value.request_id) == (201, "r-g")
    listed = ImageTaskListResponse(code=0, message="SUCCEED", request_id="r-l", data=data)
    with pytest.raises(kling.MalformedResponseError) as raised:
        _parse_tasks(_response(listed, status=201))
    assert raised.value.message == "the answer says success but carries no data"
    assert (raised.value.http_status, raised.value.request_id) == (201, "r-l")


def test_an_answer_with_one_object_gives_it_with_its_request_id() -> None:
    # The account's costs (and a deleted element, and the ledgers' pages) are one object, not a task.
    costs = AccountCosts(code=0, msg="ok")
    answer = AccountCostsResponse(code=0, message="SUCCEED", request_id="r-costs", data=costs)
    assert _parse_costs(_response(answer)) == (costs, "r-costs")
    deleted = DeletedElementTask(task_id="e-1", task_status=TaskStatus.SUCCEED)
    answer_deleted = DeleteElementResponse(code=0, message="SUCCEED", request_id="r-del", data=deleted)
    parse_deleted = _answers.data_parser(DeleteElementResponse, DeletedElementTask)
    assert parse_deleted(_response(answer_deleted)) == (deleted, "r-del")


@pytest.mark.parametrize("data", [None, UNSET, DeletedElementTask(task_id="e-1")], ids=["null", "absent", "other type"])
def test_an_answer_without_its_one_object_says_so_with_its_request_id(data: Any) -> None:
    answer = AccountCostsResponse(code=0, message="SUCCEED", request_id="r-costs", data=data)
    with pytest.raises(kling.MalformedResponseError) as raised:
        _parse_costs(_response(answer, status=201))
    assert raised.value.message == "the answer says success but carries no data"
    assert (raised.value.http_status, raised.value.request_id) == (201, "r-costs")


def test_an_answer_of_another_shape_than_the_one_object_is_malformed() -> None:
    listed = ImageTaskListResponse(code=0, message="SUCCEED", request_id="r-l", data=[])
    with pytest.raises(kling.MalformedResponseError) as raised:
        _parse_costs(_response(listed, b"[]", status=200))
    assert raised.value.message == "expected AccountCostsResponse, got ImageTaskListResponse"
    assert (raised.value.http_status, raised.value.body_excerpt) == (200, "[]")


def test_a_listed_item_that_is_not_a_task_is_named() -> None:
    listed = ImageTaskListResponse(code=0, message="SUCCEED", request_id="r-l", data=[{"task_id": "t"}])  # type: ignore[list-item]
    with pytest.raises(kling.MalformedResponseError) as raised:
        _parse_tasks(_response(listed))
    assert (raised.value.message, raised.value.http_status) == ("a listed task is a dict", 200)


def test_a_task_found_by_lookup_reads_as_the_create_answer() -> None:
    task = _image_task(task_status=TaskStatus.PROCESSING, created_at=11, updated_at=22)
    created = _answers.created_from_task(task)
    assert (created.task_id, created.task_status, created.created_at, created.updated_at) == (
        "t-1",
        TaskStatus.PROCESSING,
        11,
        22,
    )


def test_a_response_error_keeps_its_status_and_retry_after() -> None:
    raised = api_errors.UnexpectedStatus(
        520, json.dumps({"code": 5002, "message": "backlog", "request_id": "r-520"}).encode(), {"retry-after": "2"}
    )
    error = _answers.error_from_exception(raised)
    assert isinstance(error, kling.ServerError)
    assert (error.http_status, error.code, error.message, error.request_id) == (520, 5002, "backlog", "r-520")
    assert backoff_delay(1, error, lambda: 1.0) == 2.0


def test_an_answer_over_the_cap_is_a_response_too_large_error_with_its_limit_and_status() -> None:
    error = _answers.error_from_exception(kling_auth.AnswerTooLargeError(10, "bytes received", 429))
    assert type(error) is kling.ResponseTooLargeError
    assert (error.limit, error.http_status) == (10, 429)
    assert str(error) == "malformed answer (HTTP 429): the answer is over the 10-byte limit (bytes received)"


def test_a_401_without_the_envelope_is_an_authentication_error() -> None:
    error = _answers.error_from_exception(api_errors_module.MalformedResponse(401, b"<html>no</html>", "not JSON"))
    assert type(error) is kling.AuthenticationError
    assert error.http_status == 401
    assert str(error) == ("HTTP 401: authentication refused, without the API's envelope; body starts '<html>no</html>'")
