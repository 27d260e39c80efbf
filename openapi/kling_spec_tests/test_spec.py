"""The spec itself: a valid OpenAPI 3.1 document whose examples obey its own schemas."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from kling_spec import SPEC_PATH, Spec, load_spec
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename


def test_the_spec_is_valid_openapi_3_1() -> None:
    document, _ = read_from_filename(str(SPEC_PATH))
    assert document["openapi"].startswith("3.1")
    validate(document)


def _all_examples() -> Iterator[Any]:
    spec = load_spec()
    for _, _, op in spec.operations():
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        for name, example in body.get("examples", {}).items():
            yield pytest.param(("request", op["operationId"], None), example["value"], id=f"{op['operationId']}-{name}")
        for status in op["responses"]:
            for name, value in spec.examples(op["operationId"], int(status)).items():
                yield pytest.param(
                    ("response", op["operationId"], int(status)), value, id=f"{op['operationId']}-{status}-{name}"
                )


@pytest.mark.parametrize(("where", "example"), list(_all_examples()))
def test_every_example_validates_against_its_schema(
    spec: Spec, where: tuple[str, str, int | None], example: Any
) -> None:
    kind, operation_id, status = where
    if kind == "request":
        method, template, _ = spec.operation(operation_id)
        matched = spec.validate_request(
            method, template, content_type="application/json", body=json.dumps(example).encode()
        )
        assert matched.body == example
    else:
        assert status is not None
        assert spec.response_errors(operation_id, status, example) == []


def test_every_operation_documents_every_error_family(spec: Spec) -> None:
    for _, _, op in spec.operations():
        assert {"200", "400", "401", "403", "404", "429", "500", "503", "504"} <= set(op["responses"]), op[
            "operationId"
        ]
        for status in op["responses"]:
            examples = spec.examples(op["operationId"], int(status))
            assert examples, f"{op['operationId']} {status} has no example"
            if status != "200":
                assert all(int(e["code"]) >= 1000 for e in examples.values())


def test_the_create_response_links_to_the_query(spec: Spec) -> None:
    _, _, create = spec.operation("createImageTask")
    link = create["responses"]["200"]["links"]["GetImageTaskByTaskId"]
    _, _, target = spec.operation(link["operationId"])
    assert [p["name"] for p in target["parameters"] if p["in"] == "path"] == list(link["parameters"])
    assert link["parameters"]["task_id"] == "$response.body#/data/task_id"
    created = spec.examples("createImageTask", 200)["submitted"]
    assert created["data"]["task_id"]  # the pointer resolves in the documented response


def test_enum_members_have_readable_names(spec: Spec) -> None:
    from kling_api.models import AspectRatio, ModelName, Resolution, TaskStatus

    for name, schema in spec.document["components"]["schemas"].items():
        if "enum" in schema:
            assert len(schema["x-enum-varnames"]) == len(schema["enum"]), name
    assert AspectRatio("16:9") is AspectRatio.RATIO_16_9
    assert ModelName("kling-v3") is ModelName.KLING_V3
    assert ModelName("kling-v2-1") is ModelName.KLING_V2_1
    assert Resolution("2k") is Resolution.RES_2K
    assert TaskStatus("succeed") is TaskStatus.SUCCEED
    assert not any(
        member.startswith("VALUE_") for enum in (AspectRatio, ModelName, Resolution) for member in enum.__members__
    )


def test_the_callback_payload_is_a_named_generated_schema(spec: Spec) -> None:
    _, _, create = spec.operation("createImageTask")
    callback = create["callbacks"]["imageTaskStatusChanged"]["{$request.body#/callback_url}"]["post"]
    schema = callback["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ImageTaskCallback"}
    from kling_api.models import FinalBalanceDeduction, ImageTaskCallback

    callback = ImageTaskCallback.from_dict(spec.examples("getImageTask", 200)["succeed"]["data"])
    assert callback.task_status == "succeed"
    assert callback.final_unit_deduction == "8"
    assert isinstance(callback.final_balance_deduction, FinalBalanceDeduction)
    assert (callback.final_balance_deduction.quota, callback.final_balance_deduction.list_price) == ("0.028", "0.028")


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_request_validation_refuses_non_json_numbers(spec: Spec, constant: bytes) -> None:
    """Python's json module takes NaN, and NaN passes every minimum/maximum check: refuse it first."""
    from kling_spec import RequestValidationError

    body = b'{"prompt": "x", "image_fidelity": ' + constant + b"}"
    with pytest.raises(RequestValidationError, match="not valid JSON") as caught:
        spec.validate_request("POST", "/v1/images/generations", content_type="application/json", body=body)
    assert (caught.value.status, caught.value.api_code) == (400, 1200)


def test_the_request_examples_cover_the_2026_fields(spec: Spec) -> None:
    """The examples show a user each model and the fields the 2026 edition added."""
    _, _, create = spec.operation("createImageTask")
    examples = [e["value"] for e in create["requestBody"]["content"]["application/json"]["examples"].values()]
    assert {e.get("model_name") for e in examples} >= {"kling-v3", "kling-v2-1"}
    assert any(e.get("element_list") for e in examples)
    assert any(e.get("watermark_info") for e in examples)
    succeed = spec.examples("getImageTask", 200)["succeed"]["data"]
    assert {"final_unit_deduction", "final_balance_deduction", "watermark_info", "task_info"} <= set(succeed)
    assert all("watermark_url" in image for image in succeed["task_result"]["images"])


def test_the_model_name_of_a_request_is_open(spec: Spec) -> None:
    """Any model name is a valid request (the server answers one it does not have); the listed ones stay an enum
    for the generated client."""
    from kling_api.models import CreateImageTaskRequest, ModelName

    for model in ("kling-v3", "kling-v9", "kling-v1"):
        body = {"prompt": "x", "model_name": model}
        spec.validate_request(
            "POST", "/v1/images/generations", content_type="application/json", body=json.dumps(body).encode()
        )
        request = CreateImageTaskRequest.from_dict(body)
        assert request.to_dict() == body
        assert isinstance(request.model_name, ModelName)
        assert request.model_name.is_known == (model == "kling-v3")
