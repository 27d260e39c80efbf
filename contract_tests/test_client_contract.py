"""The generated client and the auth plugin against the spec's documented responses."""

from __future__ import annotations

import json
from typing import Any

import attrs
import kling_api.models
import pytest
from kling_api import AuthenticatedClient
from kling_api.api.account import get_account_costs, list_balance_deductions, list_package_deductions
from kling_api.api.elements import (
    create_element_task,
    delete_element,
    get_element_task,
    list_element_tasks,
    list_preset_elements,
)
from kling_api.api.expand import create_expand_image_task, get_expand_image_task, list_expand_image_tasks
from kling_api.api.images import create_image_task, get_image_task, list_image_tasks
from kling_api.api.multi_image import (
    create_multi_image_to_image_task,
    get_multi_image_to_image_task,
    list_multi_image_to_image_tasks,
)
from kling_api.api.multi_shot import create_multi_shot_task, get_multi_shot_task, list_multi_shot_tasks
from kling_api.api.omni_image import create_omni_image_task, get_omni_image_task, list_omni_image_tasks
from kling_api.models import (
    BalanceDeductionsRequest,
    CreateElementTaskRequest,
    CreateExpandImageTaskRequest,
    CreateImageTaskRequest,
    CreateImageTaskResponse,
    CreateMultiImageToImageTaskRequest,
    CreateMultiShotTaskRequest,
    CreateOmniImageTaskRequest,
    DeleteElementRequest,
    ErrorResponse,
    ImageTask,
    ImageTaskListResponse,
    ImageTaskResponse,
    PackageDeductionsRequest,
    TaskStatus,
)
from kling_api.types import UNSET
from kling_spec import load_spec

from testsupport.helpers import MODES, call, present
from testsupport.spec_mock import SpecMock

TASK_ID = "783510947463159851"
_SCHEMAS = "#/components/schemas/"


def _request_examples(operation_id: str = "createImageTask") -> dict[str, Any]:
    _, _, op = load_spec().operation(operation_id)
    return {name: ex["value"] for name, ex in op["requestBody"]["content"]["application/json"]["examples"].items()}


def _body(operation_id: str, model: Any) -> Any:
    """The spec's first request example of an operation, as the generated request model ``model``."""
    return model.from_dict(next(iter(_request_examples(operation_id).values())))


def _model(operation_id: str, media: Any) -> type[Any]:
    """The generated model of the schema a request body or response names (``$ref`` to a component)."""
    reference = str(media["content"]["application/json"]["schema"].get("$ref", ""))
    assert reference.startswith(_SCHEMAS), f"{operation_id}: not a named schema: {reference!r}"
    model: type[Any] = getattr(kling_api.models, reference.removeprefix(_SCHEMAS))
    return model


def _success_model(operation_id: str) -> type[Any]:
    spec = load_spec()
    _, _, op = spec.operation(operation_id)
    return _model(operation_id, spec.resolve(op["responses"]["200"]))


def _request_body_examples() -> list[Any]:
    return [
        pytest.param(op["operationId"], name, id=f"{op['operationId']}-{name}")
        for _, _, op in load_spec().operations()
        if "requestBody" in op
        for name in _request_examples(op["operationId"])
    ]


def _success_examples() -> list[Any]:
    spec = load_spec()
    return [
        pytest.param(op["operationId"], name, id=f"{op['operationId']}-{name}")
        for _, _, op in spec.operations()
        for name in spec.examples(op["operationId"], 200)
    ]


def _error_examples() -> list[Any]:
    spec = load_spec()
    cases = []
    for _, _, op in spec.operations():
        for status in op["responses"]:
            if status.startswith(("4", "5")):
                for name in spec.examples(op["operationId"], int(status)):
                    cases.append(pytest.param(op["operationId"], int(status), name, id=f"{op['operationId']}-{name}"))
    return cases


#: How to call each operation with a valid request, for tests that only vary the answer (a body: the spec's first
#: request example of the operation).
OPERATIONS: dict[str, tuple[Any, dict[str, Any]]] = {
    "createImageTask": (create_image_task, {"body": CreateImageTaskRequest(prompt="a red fox")}),
    "getImageTask": (get_image_task, {"task_id": TASK_ID}),
    "listImageTasks": (list_image_tasks, {}),
    "createOmniImageTask": (
        create_omni_image_task,
        {"body": _body("createOmniImageTask", CreateOmniImageTaskRequest)},
    ),
    "getOmniImageTask": (get_omni_image_task, {"task_id": TASK_ID}),
    "listOmniImageTasks": (list_omni_image_tasks, {}),
    "createMultiImageToImageTask": (
        create_multi_image_to_image_task,
        {"body": _body("createMultiImageToImageTask", CreateMultiImageToImageTaskRequest)},
    ),
    "getMultiImageToImageTask": (get_multi_image_to_image_task, {"task_id": TASK_ID}),
    "listMultiImageToImageTasks": (list_multi_image_to_image_tasks, {}),
    "createExpandImageTask": (
        create_expand_image_task,
        {"body": _body("createExpandImageTask", CreateExpandImageTaskRequest)},
    ),
    "getExpandImageTask": (get_expand_image_task, {"task_id": TASK_ID}),
    "listExpandImageTasks": (list_expand_image_tasks, {}),
    "createMultiShotTask": (create_multi_shot_task, {"body": _body("createMultiShotTask", CreateMultiShotTaskRequest)}),
    "getMultiShotTask": (get_multi_shot_task, {"task_id": TASK_ID}),
    "listMultiShotTasks": (list_multi_shot_tasks, {}),
    "createElementTask": (create_element_task, {"body": _body("createElementTask", CreateElementTaskRequest)}),
    "getElementTask": (get_element_task, {"task_id": TASK_ID}),
    "listElementTasks": (list_element_tasks, {}),
    "listPresetElements": (list_preset_elements, {}),
    "deleteElement": (delete_element, {"body": _body("deleteElement", DeleteElementRequest)}),
    # The window of the spec's documented answer (Unix milliseconds).
    "getAccountCosts": (get_account_costs, {"start_time": 1726124664368, "end_time": 1727366400000}),
    "listBalanceDeductions": (
        list_balance_deductions,
        {"body": _body("listBalanceDeductions", BalanceDeductionsRequest)},
    ),
    "listPackageDeductions": (
        list_package_deductions,
        {"body": _body("listPackageDeductions", PackageDeductionsRequest)},
    ),
}


def _undocumented(value: Any, where: str = "<body>") -> list[str]:
    """Where a parsed answer holds keys its generated model did not take as fields (``additional_properties``).

    An object whose schema lists no properties (``type: object`` only, as the page types it) keeps all of its keys
    there: that is its documented shape, not a miss.
    """
    found: list[str] = []
    if attrs.has(type(value)):
        fields = [
            attribute.name for attribute in attrs.fields(type(value)) if attribute.name != "additional_properties"
        ]
        if fields:
            found += [f"{where}.{key}" for key in getattr(value, "additional_properties", {})]
        for name in fields:
            found += _undocumented(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _undocumented(item, f"{where}.{index}")
    return found


def test_every_operation_of_the_spec_can_be_called() -> None:
    """A new operation in the spec fails here first, by name, not as a KeyError of a parametrized test."""
    assert sorted(OPERATIONS) == sorted(op["operationId"] for _, _, op in load_spec().operations())


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_each_operation_is_called_through_its_own_generated_module(operation_id: str) -> None:
    method, template, _ = load_spec().operation(operation_id)
    module, kwargs = OPERATIONS[operation_id]
    path_kwargs = {name: value for name, value in kwargs.items() if f"{{{name}}}" in template}

    sent = module._get_kwargs(**kwargs)

    assert (sent["method"].upper(), sent["url"]) == (method, template.format(**path_kwargs))


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
    assert created.task_id == TASK_ID
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


@pytest.mark.parametrize(("operation_id", "example"), _request_body_examples())
async def test_every_request_example_goes_on_the_wire_unchanged(
    mock_api: SpecMock, client: AuthenticatedClient, operation_id: str, example: str
) -> None:
    body = _request_examples(operation_id)[example]
    _, _, op = mock_api.spec.operation(operation_id)
    model = _model(operation_id, op["requestBody"])
    mock_api.replay(operation_id, (200, next(iter(mock_api.spec.examples(operation_id, 200)))))
    module, _ = OPERATIONS[operation_id]

    response = await call(module, "sync", client=client, body=model.from_dict(body))

    assert response.status_code == 200
    assert json.loads(mock_api.raw_requests[-1].content) == body, "the wire body must be exactly the example"
    assert mock_api.requests[-1].operation_id == operation_id


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("operation_id", "example"), _success_examples())
async def test_every_documented_success_parses_into_its_model(
    mock_api: SpecMock, client: AuthenticatedClient, operation_id: str, example: str, mode: str
) -> None:
    mock_api.replay(operation_id, (200, example))
    expected = mock_api.spec.examples(operation_id, 200)[example]
    module, kwargs = OPERATIONS[operation_id]

    response = await call(module, mode, client=client, **kwargs)

    assert mock_api.requests[-1].operation_id == operation_id
    assert response.status_code == 200
    assert type(response.parsed) is _success_model(operation_id)
    assert response.parsed.code == 0
    assert not isinstance(response.parsed.data, dict), "the data must parse into a model, not stay a raw object"
    assert _undocumented(response.parsed) == [], "every documented field parses into its model's field"
    assert response.parsed.to_dict() == expected, "parsed and dumped again, the answer is unchanged"


@pytest.mark.parametrize(("operation_id", "status", "example"), _error_examples())
async def test_every_documented_error_parses_with_its_code(
    mock_api: SpecMock, client: AuthenticatedClient, operation_id: str, status: int, example: str
) -> None:
    mock_api.replay(operation_id, (status, example))
    expected = mock_api.spec.examples(operation_id, status)[example]
    module, kwargs = OPERATIONS[operation_id]

    response = await call(module, "sync", client=client, **kwargs)

    assert mock_api.requests[-1].operation_id == operation_id
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
