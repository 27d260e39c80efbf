"""Forward compatibility: what the API may add tomorrow must parse today.

These responses start from the spec's own examples and deliberately step outside the
spec (a new enum value, new fields, ``data: null``), as a newer API would.
"""

from __future__ import annotations

import copy
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

from .helpers import MODES, call, present
from .spec_mock import SpecMock
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
@pytest.mark.parametrize("operation_id", ["getImageTask", "createImageTask", "listImageTasks"])
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


def test_new_model_names_can_be_sent_before_the_spec_lists_them() -> None:
    model = ModelName("kling-v3")
    assert model == "kling-v3"
    assert not model.is_known
    assert CreateImageTaskRequest(prompt="x", model_name=model).to_dict() == {"prompt": "x", "model_name": "kling-v3"}
    assert ModelName("kling-v2-1") is ModelName.KLING_V2_1, "listed values stay the real members"


def test_the_callback_payload_parses_with_the_generated_model(spec: Any) -> None:
    payload = copy.deepcopy(spec.examples("getImageTask", 200)["succeed"]["data"])
    assert not spec.validator(spec.schema_pointer("ImageTaskCallback")).is_valid(None)
    assert spec.validator(spec.schema_pointer("ImageTaskCallback")).is_valid(payload)
    payload["task_status"] = "archived"

    callback = ImageTaskCallback.from_dict(payload)

    assert callback.task_id == TASK_ID
    assert callback.task_status == "archived"
    assert present(callback.task_info).external_task_id == "my-order-42"
