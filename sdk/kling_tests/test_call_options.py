"""Per-call options, as the best SDKs offer them: a timeout, extra headers, query and body per call; a configured copy
of a client (with_options); the raw answer around a result (with_raw_response); the request id of any result.
One test body for the sync and the async client (the ``flavor`` fixture)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import kling
import pytest
from kling_api.models import CreatedImageTask, ImageTask

from testsupport.spec_mock import SpecMock

from ._helpers import CREATE_TASK, GET_TASK, LIST_TASKS, SPEC, AnyKling, FakeTime, call, make_client, task_answer

TASK_ID = "783510947463159851"


def _timeouts(mock: SpecMock) -> list[dict[str, float]]:
    # Every part is set on the SDK's requests (each cut to the time left before the request's deadline).
    return [request.extensions["timeout"] for request in mock.raw_requests]


class Capture:
    """A transport that records requests and answers the spec's create example (for bodies the spec does not know)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=SPEC.examples(CREATE_TASK, 200)["submitted"])

    def bodies(self) -> list[Any]:
        return [json.loads(request.content) for request in self.requests]


# -- timeout, headers, query -------------------------------------------------------------------------------------


async def test_a_calls_timeout_applies_to_its_request_only(client: AnyKling, mock: SpecMock) -> None:
    mock.replay(GET_TASK, (200, "succeed"))
    await call(client.images.get(TASK_ID, timeout=2.5))
    await call(client.images.get(TASK_ID))
    first, second = _timeouts(mock)
    # Each part at most the call's 2.5 s (a part is cut to the time left before the request's deadline).
    assert all(2.0 < part <= 2.5 for part in first.values())
    assert 29.0 < second["read"] <= 30.0  # the client's own, untouched by the call before


async def test_extra_headers_and_query_reach_the_request(client: AnyKling, mock: SpecMock) -> None:
    mock.replay(LIST_TASKS, (200, "onePage"))
    await call(client.images.list(extra_headers={"X-Trace": "abc"}, extra_query={"debug": "1"}))
    [request] = mock.raw_requests
    assert request.headers["X-Trace"] == "abc"
    assert request.url.params["debug"] == "1"
    assert request.url.params["pageNum"] == "1"  # the documented ones stay


async def test_extra_body_sends_a_field_the_spec_does_not_know_yet(make: Callable[..., AnyKling]) -> None:
    capture = Capture()
    client = make(transport=httpx.MockTransport(capture.handle))
    await call(client.images.create("a cat", n=2, extra_body={"new_field": {"x": 1}}))
    [body] = capture.bodies()
    assert body["new_field"] == {"x": 1}
    assert (body["prompt"], body["n"]) == ("a cat", 2)
    assert body["external_task_id"].startswith("kling-")


async def test_a_typo_in_a_known_keyword_is_still_refused(client: AnyKling, mock: SpecMock) -> None:
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.create("a cat", aspect_ration="16:9", extra_body={"x": 1}))  # type: ignore[call-arg]
    assert raised.value.field == "aspect_ration"
    assert mock.raw_requests == []


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"extra_body": {"x": float("nan")}}, "extra_body"),
        ({"extra_body": ["not", "a", "mapping"]}, "extra_body"),
        ({"extra_headers": {"X-N": 1}}, "extra_headers"),
        ({"extra_query": {1: "x"}}, "extra_query"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
    ],
    ids=["nan body", "list body", "int header", "int key", "negative timeout", "infinite timeout"],
)
async def test_bad_call_options_are_refused_before_sending(
    client: AnyKling, mock: SpecMock, options: dict[str, Any], field: str
) -> None:
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.create("a cat", **options))
    assert raised.value.field == field
    assert mock.raw_requests == []


async def test_a_creates_lookup_after_an_ambiguous_failure_keeps_the_calls_headers(
    make: Callable[..., AnyKling], mock: SpecMock
) -> None:
    client = make()
    mock.router.post("/v1/images/generations").mock(side_effect=[httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow")])
    mock.router.get(path__regex=r"^/v1/images/generations/.+$").mock(return_value=task_answer("submitted"))
    extra = {"watermark_info": {"enabled": True}}
    created = await call(client.images.create("a cat", extra_headers={"X-Trace": "t1"}, extra_body=extra))
    assert isinstance(created, CreatedImageTask)
    methods = [(request.method, request.headers.get("X-Trace")) for request in mock.raw_requests]
    assert methods == [("POST", "t1"), ("GET", "t1")]  # looked up, not created twice
    assert mock.raw_requests[1].content == b""  # the body's extra fields are the create's only


# -- with_options ---------------------------------------------------------------------------------------------------


async def test_with_options_is_a_configured_copy_sharing_the_pool(client: AnyKling, mock: SpecMock) -> None:
    mock.router.get(path__regex=r"^/v1/images/generations/.+$").mock(
        side_effect=[httpx.Response(503, json={"code": 5001, "message": "down", "request_id": "r1", "data": None})]
        + [task_answer("succeed")] * 3
    )
    impatient = client.with_options(timeout=4.0, max_retries=0)
    assert type(impatient) is type(client)
    assert impatient._core.api is client._core.api  # one connection pool
    assert (impatient.max_retries, client.max_retries) == (0, 2)
    with pytest.raises(kling.ServerError):
        await call(impatient.images.get(TASK_ID))  # no retry
    task = await call(client.images.get(TASK_ID))  # the original still retries
    assert task.task_status == "succeed"
    assert 3.5 < _timeouts(mock)[0]["read"] <= 4.0
    assert 29.0 < _timeouts(mock)[1]["read"] <= 30.0
    strict = client.with_options(strict_capabilities=True)
    with pytest.raises(kling.ValidationError):
        await call(strict.images.create("a cat", model_name="kling-v2-1", element_list=[{"element_id": 1}]))


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"strict_capabilities": "yes"}, "strict_capabilities"),
    ],
)
def test_with_options_checks_its_arguments(client: AnyKling, options: dict[str, Any], field: str) -> None:
    with pytest.raises(kling.ValidationError) as raised:
        client.with_options(**options)
    assert raised.value.field == field


# -- raw responses and request ids ---------------------------------------------------------------------------------


async def test_with_raw_response_gives_status_headers_request_id_and_time(client: AnyKling, mock: SpecMock) -> None:
    mock.replay(GET_TASK, (200, "succeed"))
    raw = await call(client.images.with_raw_response.get(TASK_ID))
    assert raw.http_status == 200
    assert raw.headers["content-type"] == "application/json"
    assert raw.request_id == SPEC.examples(GET_TASK, 200)["succeed"]["request_id"]
    assert raw.elapsed >= 0
    task = raw.parse()
    assert isinstance(task, ImageTask)
    assert task.task_id == TASK_ID


async def test_a_raw_create_reports_the_create(client: AnyKling, mock: SpecMock) -> None:
    mock.replay(CREATE_TASK, (200, "submitted"))
    raw = await call(client.images.with_raw_response.create("a cat"))
    assert raw.request_id == SPEC.examples(CREATE_TASK, 200)["submitted"]["request_id"]
    assert isinstance(raw.parse(), CreatedImageTask)


async def test_every_result_knows_its_request_id(client: AnyKling, mock: SpecMock) -> None:
    mock.replay(GET_TASK, (200, "succeed"))
    mock.replay(LIST_TASKS, (200, "onePage"))
    task = await call(client.images.get(TASK_ID))
    [listed] = await call(client.images.list())
    assert kling.request_id_of(task) == SPEC.examples(GET_TASK, 200)["succeed"]["request_id"]
    assert kling.request_id_of(listed) == SPEC.examples(LIST_TASKS, 200)["onePage"]["request_id"]
    assert kling.request_id_of(object()) is None


# -- the wait's deadline ------------------------------------------------------------------------------------------


async def test_timeout_on_wait_still_works_as_the_deadline_with_a_warning(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make()
    mock.router.get(path__regex=r"^/v1/images/generations/.+$").mock(return_value=task_answer("processing"))
    with pytest.warns(DeprecationWarning, match="use deadline="), pytest.raises(kling.TaskTimeoutError):
        await call(client.images.wait(TASK_ID, timeout=5))
    assert 4.9 <= fake_time.now <= 5.1


async def test_deadline_and_its_old_name_together_are_refused(client: AnyKling) -> None:
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.wait(TASK_ID, deadline=5, timeout=5))
    assert raised.value.field == "timeout"


async def test_deadline_is_the_new_name_and_warns_nothing(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make()
    mock.router.get(path__regex=r"^/v1/images/generations/.+$").mock(return_value=task_answer("processing"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(kling.TaskTimeoutError):
            await call(client.images.wait(TASK_ID, deadline=3))
    assert 2.9 <= fake_time.now <= 3.1


def test_the_default_client_timeout_is_thirty_seconds() -> None:
    mock = SpecMock(SPEC)
    client = make_client("sync", mock.transport, FakeTime())
    assert client._core.api.get_httpx_client().timeout.read == 30.0
