"""A callback is a hint: confirm_callback re-queries the task and the caller acts on what the API says now."""

from __future__ import annotations

import json

import pytest
from kling import AsyncKling, Kling, ValidationError, parse_callback
from kling_api.models import TaskStatus
from kling_spec import load_spec

from testsupport.spec_mock import ACCESS_KEY, BASE_URL, SECRET_KEY, SpecMock

SPEC = load_spec()


def _forged_success() -> bytes:
    # What anyone could POST to a callback URL: a "succeed" for a task that is in fact still processing.
    return json.dumps(SPEC.examples("getImageTask", 200)["succeed"]["data"]).encode()


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_confirm_callback_returns_the_task_as_the_api_reports_it(is_async: bool) -> None:
    mock = SpecMock(SPEC)
    mock.replay("getImageTask", (200, "processing"))
    callback = parse_callback(_forged_success())
    assert callback.task_status is TaskStatus.SUCCEED
    httpx_args = {"transport": mock.transport}
    if is_async:
        async with AsyncKling(ACCESS_KEY, SECRET_KEY, base_url=BASE_URL, httpx_args=httpx_args) as aclient:
            task = await aclient.images.confirm_callback(callback)
    else:
        with Kling(ACCESS_KEY, SECRET_KEY, base_url=BASE_URL, httpx_args=httpx_args) as client:
            task = client.images.confirm_callback(callback)
    assert task.task_id == callback.task_id
    assert task.task_status is TaskStatus.PROCESSING
    assert [r.path_params["task_id"] for r in mock.requests] == [callback.task_id]
    assert mock.violations == []


def test_confirm_callback_refuses_what_is_not_a_parsed_callback() -> None:
    mock = SpecMock(SPEC)
    not_parsed = json.loads(_forged_success())
    with (
        Kling(ACCESS_KEY, SECRET_KEY, base_url=BASE_URL, httpx_args={"transport": mock.transport}) as client,
        pytest.raises(ValidationError, match="parse_callback"),
    ):
        client.images.confirm_callback(not_parsed)
    assert mock.requests == []
