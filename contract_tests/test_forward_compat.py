"""Forward compatibility: what the API may add tomorrow must parse today.

These responses start from the spec's own examples and deliberately step outside the
spec (a new enum value, new fields, ``data: null``), as a newer API would.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
from kling_api.api.images import create_image_task, get_image_task
from kling_api.models import (
    CreatedImageTask,
    CreateImageTaskRequest,
    ImageResult,
    ImageTask,
    ImageTaskCallback,
    ModelName,
    TaskStatus,
)

from testsupport.helpers import MODES, call, present
from testsupport.spec_mock import SpecMock

from .test_client_contract import OPERATIONS

TASK_ID = "783510947463159851"


def _answer_with(mock: SpecMock, operation_id: str, body: Any, status: int = 200) -> None:
    mock.replay(operation_id, (200, next(iter(mock.spec.examples(operation_id, 200))))).side_effect = [
        httpx.Response(status, json=body)
    ]


def _succeed_example(mock: SpecMock) -> dict[str, Any]:
    return copy.deepcopy(mock.spec.examples("getImageTask", 200)["succeed"])


@pytest.mark.parametrize("mode", MODES)
async def test_an_unknown_task_status_parses_to_a_model(mock_api: SpecMock, client: Any, mode: str) -> None:
    body = _succeed_example(mock_api)
    body["data"]["task_status"] = "queued"
    assert mock_api.spec.response_errors("getImageTask", 200, body), "the premise: this is off-spec"
    _answer_with(mock_api, "getImageTask", body)

    response = await call(get_image_task, mode, client=client, task_id=TASK_ID)

    task = response.parsed.data
    assert isinstance(task, ImageTask), "a new status must not degrade the task to a raw dict"
    assert isinstance(task.task_status, TaskStatus)
    assert task.task_status == "queued"
    assert not task.task_status.is_known
    assert TaskStatus.SUCCEED.is_known
    assert task.task_status not in (TaskStatus.SUCCEED, TaskStatus.FAILED)
    assert task.to_dict()["task_status"] == "queued", "round-trips unchanged"


@pytest.mark.parametrize("mode", MODES)
async def test_unknown_fields_are_kept_not_rejected(mock_api: SpecMock, client: Any, mode: str) -> None:
    body = _succeed_example(mock_api)
    body["trace"] = {"region": "sg"}
    body["data"]["task_progress"] = 0.5
    body["data"]["task_result"]["images"][0]["seed"] = 42
    body["data"]["task_result"]["videos"] = []
    _answer_with(mock_api, "getImageTask", body)

    response = await call(get_image_task, mode, client=client, task_id=TASK_ID)

    parsed = response.parsed
    assert parsed.additional_properties == {"trace": {"region": "sg"}}
    assert isinstance(parsed.data, ImageTask)
    assert parsed.data.additional_properties == {"task_progress": 0.5}
    image = present(present(parsed.data.task_result).images)[0]
    assert isinstance(image, ImageResult)
    assert image.additional_properties == {"seed": 42}
    assert image.url.endswith(".png")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
async def test_data_null_parses(mock_api: SpecMock, client: Any, mode: str, operation_id: str) -> None:
    body = copy.deepcopy(next(iter(mock_api.spec.examples(operation_id, 200).values())))
    body["data"] = None
    assert not mock_api.spec.response_errors(operation_id, 200, body), "data: null is in the spec"
    _answer_with(mock_api, operation_id, body)
    module, kwargs = OPERATIONS[operation_id]

    response = await call(module, mode, client=client, **kwargs)

    assert response.status_code == 200
    assert response.parsed.code == 0
    assert response.parsed.data is None


@pytest.mark.parametrize("mode", MODES)
async def test_an_unknown_status_on_create_parses(mock_api: SpecMock, client: Any, mode: str) -> None:
    body = copy.deepcopy(mock_api.spec.examples("createImageTask", 200)["submitted"])
    body["data"]["task_status"] = "queued"
    _answer_with(mock_api, "createImageTask", body)

    response = await call(create_image_task, mode, client=client, body=CreateImageTaskRequest(prompt="a red fox"))

    assert isinstance(response.parsed.data, CreatedImageTask)
    assert response.parsed.data.task_status == "queued"


@pytest.mark.parametrize("name", ["kling-v4", "kling-v1"], ids=["newer", "retired"])
def test_model_names_the_spec_does_not_list_can_be_sent_and_read(name: str) -> None:
    model = ModelName(name)
    assert model == name
    assert not model.is_known
    assert CreateImageTaskRequest(prompt="x", model_name=model).to_dict() == {"prompt": "x", "model_name": name}
    # A plain string goes too (the request's model_name is any string), and a body naming it parses back.
    assert CreateImageTaskRequest(prompt="x", model_name=name).to_dict() == {"prompt": "x", "model_name": name}
    parsed = CreateImageTaskRequest.from_dict({"prompt": "x", "model_name": name})
    assert parsed.model_name == name
    assert ModelName("kling-v3") is ModelName.KLING_V3, "listed values stay the real members"
    assert ModelName("kling-v2-1") is ModelName.KLING_V2_1


@pytest.mark.parametrize("mode", MODES)
async def test_a_create_with_a_model_the_spec_does_not_list_reaches_the_wire(
    mock_api: SpecMock, client: Any, mode: str
) -> None:
    mock_api.replay("createImageTask", (200, "submitted"))

    body = CreateImageTaskRequest(prompt="a red fox", model_name="kling-v4")
    response = await call(create_image_task, mode, client=client, body=body)

    assert response.status_code == 200
    assert json.loads(mock_api.raw_requests[-1].content) == {"prompt": "a red fox", "model_name": "kling-v4"}


@pytest.mark.parametrize("mode", MODES)
async def test_new_billing_fields_are_kept(mock_api: SpecMock, client: Any, mode: str) -> None:
    """The 2026 edition added final_balance_deduction; a later one may add a currency to it, or a new charge."""
    body = _succeed_example(mock_api)
    body["data"]["final_balance_deduction"]["currency"] = "USD"
    body["data"]["final_cash_deduction"] = "0.028"
    _answer_with(mock_api, "getImageTask", body)

    response = await call(get_image_task, mode, client=client, task_id=TASK_ID)

    task = response.parsed.data
    assert isinstance(task, ImageTask)
    deduction = present(task.final_balance_deduction)
    assert (deduction.quota, deduction.list_price) == ("0.028", "0.028")
    assert deduction.additional_properties == {"currency": "USD"}
    assert task.additional_properties == {"final_cash_deduction": "0.028"}
    assert task.to_dict()["final_balance_deduction"]["currency"] == "USD", "round-trips unchanged"


def test_the_callback_payload_parses_with_the_generated_model(spec: Any) -> None:
    payload = copy.deepcopy(spec.examples("getImageTask", 200)["succeed"]["data"])
    assert not spec.validator(spec.schema_pointer("ImageTaskCallback")).is_valid(None)
    assert spec.validator(spec.schema_pointer("ImageTaskCallback")).is_valid(payload)
    payload["task_status"] = "archived"

    callback = ImageTaskCallback.from_dict(payload)

    assert callback.task_id == TASK_ID
    assert callback.task_status == "archived"
    assert present(callback.task_info).external_task_id == "my-order-42"
    assert present(callback.final_balance_deduction).list_price == "0.028"


def test_a_callback_with_the_video_only_fields_still_parses(spec: Any) -> None:
    """The legacy callback body also describes video tasks (task_info.parent_video, task_result.videos): the
    spec's image callback leaves them out, and a callback that carries them anyway parses."""
    payload = copy.deepcopy(spec.examples("getImageTask", 200)["succeed"]["data"])
    payload["task_info"]["parent_video"] = {"id": "v-1", "url": "https://example.com/v.mp4", "duration": "5"}
    payload["task_result"]["videos"] = []

    callback = ImageTaskCallback.from_dict(payload)

    assert present(callback.task_info).additional_properties == {"parent_video": payload["task_info"]["parent_video"]}
    assert present(callback.task_result).additional_properties == {"videos": []}
    assert callback.to_dict() == payload
