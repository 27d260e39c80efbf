"""The generated client and the auth plugin against the spec's documented responses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kling_api import AuthenticatedClient
from kling_api.api.images import create_image_task, get_image_task, list_image_tasks
from kling_api.models import (
    CreateImageTaskRequest,
    CreateImageTaskResponse,
    ErrorResponse,
    ImageTask,
    ImageTaskListResponse,
    ImageTaskResponse,
    TaskStatus,
)
from kling_api.types import UNSET
from kling_spec import load_spec

from testsupport.helpers import MODES, call, present
from testsupport.spec_mock import SpecMock


def _request_examples() -> dict[str, Any]:
    op = load_spec().document["paths"]["/v1/images/generations"]["post"]
    return {name: ex["value"] for name, ex in op["requestBody"]["content"]["application/json"]["examples"].items()}


def _error_examples() -> list[Any]:
    spec = load_spec()
    cases = []
    for _, _, op in spec.operations():
        for status in op["responses"]:
            if status.startswith(("4", "5")):
                for name in spec.examples(op["operationId"], int(status)):
                    cases.append(pytest.param(op["operationId"], int(status), name, id=f"{op['operationId']}-{name}"))
    return cases


#: How to call each operation with a valid request, for tests that only vary the answer.
OPERATIONS: dict[str, tuple[Any, dict[str, Any]]] = {
    "createImageTask": (create_image_task, {"body": CreateImageTaskRequest(prompt="a red fox")}),
    "getImageTask": (get_image_task, {"task_id": "783510947463159851"}),
    "listImageTasks": (list_image_tasks, {}),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("example", sorted(_request_examples()))
async def test_create_sends_the_documented_body_and_parses_the_documented_answer(
    mock_api: SpecMock, client: AuthenticatedClient, mode: str, example: str
) -> None:
    body = _request_examples()[example]
    mock_api.replay("createImageTask", (200, "submitted"))

    response = await call(create_image_task, mode, client=client, body=CreateImageTaskRequest.from_dict(body))

    assert response.status_code == 200
    assert isinstance(response.parsed, CreateImageTaskResponse)
    assert response.parsed.code == 0
    created = present(response.parsed.data)
    assert created.task_id == "783510947463159851"
    assert created.task_status is TaskStatus.SUBMITTED
    sent = mock_api.raw_requests[-1]
    assert json.loads(sent.content) == body, "the wire body must be exactly what the caller set"
    assert sent.headers["content-type"] == "application/json"
    assert mock_api.requests[-1].operation_id == "createImageTask"


async def test_defaults_are_left_to_the_server(mock_api: SpecMock, client: AuthenticatedClient) -> None:
    """Only what the caller sets goes on the wire: human_fidelity, for one, only applies with a subject reference."""
    mock_api.replay("createImageTask", (200, "submitted"))
    request = CreateImageTaskRequest(prompt="a red fox")
    assert request.n is UNSET
    assert request.human_fidelity is UNSET

    create_image_task.sync_detailed(client=client, body=request)

    assert json.loads(mock_api.raw_requests[-1].content) == {"prompt": "a red fox"}


@pytest.mark.parametrize("mode", MODES)
async def test_polling_walks_the_documented_lifecycle(
    mock_api: SpecMock, client: AuthenticatedClient, mode: str
) -> None:
    mock_api.replay("getImageTask", (200, "submitted"), (200, "processing"), (200, "succeed"))

    seen = []
    for _ in range(10):  # bounded: a poll loop never runs forever
        response = await call(get_image_task, mode, client=client, task_id="783510947463159851")
        assert isinstance(response.parsed, ImageTaskResponse)
        task = present(response.parsed.data)
        assert isinstance(task, ImageTask)
        seen.append(task.task_status)
        if task.task_status in (TaskStatus.SUCCEED, TaskStatus.FAILED):
            break

    assert seen == [TaskStatus.SUBMITTED, TaskStatus.PROCESSING, TaskStatus.SUCCEED]
    images = present(present(task.task_result).images)
    assert [(image.index, image.url) for image in images] == [
        (0, "https://h1.inkwai.com/bs2/upload-ylab-stunt/1fa0ac67d8ce6cd55b50d68b967b3a59.png")
    ]
    assert present(task.task_info).external_task_id == "my-order-42"
    assert task.final_unit_deduction == "8"
    assert [r.path_params for r in mock_api.requests] == [{"task_id": "783510947463159851"}] * 3


@pytest.mark.parametrize("mode", MODES)
async def test_a_failed_task_is_http_200_with_the_reason(
    mock_api: SpecMock, client: AuthenticatedClient, mode: str
) -> None:
    mock_api.replay("getImageTask", (200, "failed"))

    response = await call(get_image_task, mode, client=client, task_id="783510947463159852")

    assert response.status_code == 200
    task = response.parsed.data
    assert task.task_status is TaskStatus.FAILED
    assert task.task_status_msg == "Failure to pass the risk control system"
    assert task.task_result is UNSET


async def test_task_ids_are_escaped_into_one_path_segment(mock_api: SpecMock, client: AuthenticatedClient) -> None:
    mock_api.replay("getImageTask", (200, "submitted"))

    get_image_task.sync_detailed(client=client, task_id="order/42 ä")

    assert mock_api.raw_requests[-1].url.raw_path == b"/v1/images/generations/order%2F42%20%C3%A4"
    assert mock_api.requests[-1].path_params == {"task_id": "order/42 ä"}


@pytest.mark.parametrize("mode", MODES)
async def test_list_sends_paging_and_parses_tasks(mock_api: SpecMock, client: AuthenticatedClient, mode: str) -> None:
    mock_api.replay("listImageTasks", (200, "onePage"))

    response = await call(list_image_tasks, mode, client=client, page_num=2, page_size=50)

    assert isinstance(response.parsed, ImageTaskListResponse)
    assert [task.task_status for task in present(response.parsed.data)] == [TaskStatus.SUCCEED]
    assert mock_api.requests[-1].query == {"pageNum": 2, "pageSize": 50}


@pytest.mark.parametrize(("operation_id", "status", "example"), _error_examples())
async def test_every_documented_error_parses_with_its_code(
    mock_api: SpecMock, client: AuthenticatedClient, operation_id: str, status: int, example: str
) -> None:
    mock_api.replay(operation_id, (status, example))
    expected = mock_api.spec.examples(operation_id, status)[example]
    module, kwargs = OPERATIONS[operation_id]

    response = await call(module, "sync", client=client, **kwargs)

    assert response.status_code == status
    assert isinstance(response.parsed, ErrorResponse)
    assert (response.parsed.code, response.parsed.message, response.parsed.request_id) == (
        expected["code"],
        expected["message"],
        expected["request_id"],
    )


async def test_a_request_the_spec_forbids_fails_the_test(mock_api: SpecMock, client: AuthenticatedClient) -> None:
    """The mock is a real check: n=10 is refused before any response is replayed."""
    from testsupport.spec_mock import ContractViolation

    mock_api.replay("createImageTask", (200, "submitted"))
    with pytest.raises(ContractViolation, match=r"body\.n: 10 is greater than the maximum of 9"):
        create_image_task.sync_detailed(client=client, body=CreateImageTaskRequest(prompt="x", n=10))
    mock_api.violations.clear()  # expected here; any other violation fails the fixture
