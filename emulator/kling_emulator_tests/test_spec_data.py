"""The emulator's copies of spec data, checked against the spec (issue 8, part 4).

What the emulator restates by hand (the resolutions it renders, the task statuses, the messages of its answers,
the keys of ``watermark_info`` it echoes) must equal what the spec says; what it fills in (the create request's
defaults, the list's page defaults) must be the spec's defaults; what it reads from the spec (the error table,
``x-kling-errors``) must follow the spec when it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from kling_emulator import LONG_SIDE, Emulator, TaskStatus, image_size
from kling_emulator._constants import (
    ELEMENT_OWNER_ID,
    MAX_BODY_BYTES,
    MAX_CALLBACK_URL_CHARS,
    MAX_EXTERNAL_TASK_ID_CHARS,
    MODERATION_MESSAGE,
    SUCCESS_MESSAGE,
)
from kling_emulator._endpoints import TASK_ENDPOINTS
from kling_emulator._errors import ApiError
from kling_emulator._faults import FaultConfig, parse_fault_header
from kling_emulator._rules import unknown_model
from kling_spec import (
    EMULATOR_MAX_KEPT_CHARS,
    MAX_IMAGE_BASE64_CHARS,
    SDK_MAX_ID_CHARS,
    DocumentedError,
    create_request_defaults,
    default_model,
    documented_errors,
    estimate_cost,
    known_models,
    request_schema_name,
    retired_models,
)
from starlette.applications import Starlette

from .conftest import BASE_URL, GENERATIONS, SPEC, FakeClock, api_client, bearer

SCHEMAS: Mapping[str, Any] = SPEC.document["components"]["schemas"]
CREATE_SCHEMA = SCHEMAS["CreateImageTaskRequest"]
CREATE = CREATE_SCHEMA["properties"]

ERRORS = documented_errors()


def enum(name: str) -> list[str]:
    values: list[str] = SCHEMAS[name]["enum"]
    return values


@pytest.mark.parametrize("row", list(ERRORS.values()), ids=[str(code) for code in ERRORS])
def test_every_error_code_is_answered_as_the_spec_says(row: DocumentedError) -> None:
    error = ApiError.from_code(row.code)

    assert (error.status, error.code, error.message) == (row.status, row.code, row.message)
    assert error.envelope()["message"] == row.message
    assert parse_fault_header(f"error={row.code}").error == row.code


def test_the_emulator_follows_the_error_data_when_it_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = dict(ERRORS)
    changed[1303] = DocumentedError(1303, 503, "server", True, "full", "retry later", "all slots busy")
    changed[1399] = DocumentedError(1399, 400, "invalid-request", False, "new", "fix it", "a new refusal")
    monkeypatch.setattr("kling_emulator._errors.documented_errors", lambda: changed)
    monkeypatch.setattr("kling_emulator._faults.documented_errors", lambda: changed)

    full = ApiError.from_code(1303, "20 of 20 slots")

    assert (full.status, full.message) == (503, "all slots busy: 20 of 20 slots")
    assert parse_fault_header("error=1399").error == 1399
    assert FaultConfig(error_codes=(1399,)).error_codes == (1399,)


def test_an_undocumented_code_cannot_be_injected() -> None:
    assert 1399 not in ERRORS
    with pytest.raises(ApiError, match="documented error code"):
        parse_fault_header("error=1399")
    with pytest.raises(ValueError, match="documented error codes"):
        FaultConfig(error_codes=(1399,))


def test_error_messages_are_plain_text() -> None:
    for code, row in ERRORS.items():
        assert row.message, code
        assert row.message == row.message.strip(), code
        assert "|" not in row.message, code


def test_the_injected_server_errors_are_documented_5xx_codes() -> None:
    for code in FaultConfig().error_codes:
        assert ERRORS[code].status >= 500


def test_task_statuses_are_the_specs() -> None:
    assert [status.value for status in TaskStatus] == enum("TaskStatus")


def test_every_resolution_of_the_spec_has_a_size() -> None:
    assert sorted(LONG_SIDE) == sorted({*enum("Resolution"), *enum("OmniResolution")})


def test_the_endpoint_table_is_the_specs() -> None:
    # Every task endpoint of the spec, with its create (POST), query (GET .../{task_id}) and list (GET).
    for endpoint in TASK_ENDPOINTS:
        assert SPEC.operation(endpoint.create)[:2] == ("POST", endpoint.path)
        assert SPEC.operation(endpoint.get)[:2] == ("GET", f"{endpoint.path}/{{task_id}}")
        assert SPEC.operation(endpoint.list)[:2] == ("GET", endpoint.path)
        priced = "x-kling-pricing" in SCHEMAS[request_schema_name(endpoint.create)]
        assert endpoint.priced == priced, endpoint.path
    creates = {op["operationId"] for method, _, op in SPEC.operations() if "callbacks" in op}
    assert creates == {endpoint.create for endpoint in TASK_ENDPOINTS}
    # Only the generations endpoint's models have retired names.
    assert [endpoint.path for endpoint in TASK_ENDPOINTS if endpoint.retired_models] == ["/v1/images/generations"]


def test_the_element_examples_are_the_emulators() -> None:
    # The owner of the account's elements, and the price of an element task, as the spec's element examples show.
    examples = [*SPEC.examples("getElementTask", 200).values(), *SPEC.examples("listElementTasks", 200).values()]
    tasks = [task for example in examples for task in _as_list(example["data"])]
    owners = {element["owned_by"] for task in tasks for element in task.get("task_result", {}).get("elements", [])}
    assert owners == {ELEMENT_OWNER_ID}
    assert {task["final_unit_deduction"] for task in tasks if "final_unit_deduction" in task} == {"0"}


def _as_list(data: Any) -> list[Any]:
    return data if isinstance(data, list) else [data]


@pytest.mark.parametrize("resolution", enum("Resolution"))
@pytest.mark.parametrize("aspect_ratio", enum("AspectRatio"))
def test_every_aspect_ratio_of_the_spec_gives_an_image_of_that_shape(aspect_ratio: str, resolution: str) -> None:
    width, height = image_size(aspect_ratio, resolution)

    wide, high = (int(part) for part in aspect_ratio.split(":"))
    assert max(width, height) == LONG_SIDE[resolution]
    assert abs(width / height - wide / high) < 0.01


def test_the_unknown_model_answer_is_the_specs_not_found_example() -> None:
    # The spec's NotFound example is the answer to a model the service does not have.
    examples = SPEC.document["components"]["responses"]["NotFound"]["content"]["application/json"]["examples"]
    [example] = [value["value"] for value in examples.values() if value["value"]["code"] == 1203]
    model = example["message"].rpartition(" ")[2]
    assert model not in enum("ModelName")

    refused = unknown_model(model)

    assert (refused.status, refused.code, refused.message) == (404, 1203, example["message"])


@pytest.mark.parametrize("model", known_models())
def test_every_model_the_emulator_accepts_has_a_price_and_a_capability_entry(model: str) -> None:
    # Without a price, the emulator's answers would carry no final_unit_deduction for the model's tasks.
    body = {"prompt": "x", "model_name": model}
    assert estimate_cost(body) is not None
    assert model in CREATE_SCHEMA["x-kling-capabilities"]["models"]
    assert model not in retired_models()


def test_the_emulator_fills_in_the_specs_default_model() -> None:
    assert CREATE["model_name"]["default"] == default_model() == "kling-v3"


def test_answer_messages_are_the_specs_examples() -> None:
    examples = SPEC.examples("getImageTask", 200)
    assert {example["message"] for example in examples.values()} == {SUCCESS_MESSAGE}
    failed = [example["data"] for example in examples.values() if example["data"]["task_status"] == "failed"]
    assert [data["task_status_msg"] for data in failed] == [MODERATION_MESSAGE]


async def test_a_create_fills_in_the_specs_defaults(
    client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock
) -> None:
    defaults = create_request_defaults()
    # Read from the spec here too, not through kling_spec alone: the emulator must fill each one.
    assert defaults == {name: schema["default"] for name, schema in CREATE.items() if "default" in schema}

    created = await client.post(GENERATIONS, json={"prompt": "a cat"})

    task = emulator.tasks.get(created.json()["data"]["task_id"], now=clock.now)
    assert task is not None
    spec = task.spec
    filled = {"model_name": spec.model_name, "n": spec.n, "aspect_ratio": spec.aspect_ratio}
    filled["resolution"] = spec.resolution
    assert filled == {name: defaults[name] for name in filled}
    assert (spec.width, spec.height) == image_size(defaults["aspect_ratio"], defaults["resolution"])


async def test_a_list_without_parameters_uses_the_specs_page_defaults(
    make_app: Callable[..., Starlette], clock: FakeClock
) -> None:
    _, _, operation = SPEC.operation("listImageTasks")
    defaults = {
        parameter["name"]: parameter["schema"]["default"]
        for parameter in map(SPEC.resolve, operation["parameters"])
        if parameter["in"] == "query"
    }
    app = make_app(slots=defaults["pageSize"] + 5)
    emulator: Emulator = app.state.emulator
    for _ in range(defaults["pageSize"] + 5):
        emulator.create_task({"prompt": "a cat"}, base_url=BASE_URL)

    async with api_client(app, bearer(clock)) as client:
        implicit = (await client.get(GENERATIONS)).json()["data"]
        explicit = (await client.get(GENERATIONS, params=defaults)).json()["data"]

    assert len(implicit) == defaults["pageSize"]
    assert [task["task_id"] for task in implicit] == [task["task_id"] for task in explicit]


async def test_watermark_info_echoes_every_field_the_spec_gives_it(client: httpx.AsyncClient) -> None:
    sample = {"boolean": True, "string": "x", "integer": 1, "number": 0.5}
    properties = SCHEMAS["WatermarkInfo"]["properties"]
    watermark_info = {name: sample[schema["type"]] for name, schema in properties.items()}

    created = await client.post(GENERATIONS, json={"prompt": "a cat", "watermark_info": watermark_info})
    task = (await client.get(f"{GENERATIONS}/{created.json()['data']['task_id']}")).json()["data"]

    assert task["watermark_info"] == watermark_info


async def test_the_emulator_keeps_and_finds_the_longest_id_the_sdk_sends(client: httpx.AsyncClient) -> None:
    # Two bounds of the project's own, stated side by side in kling_spec: the emulator's is for memory, the SDK's
    # for URLs, and whatever the SDK sends, the emulator takes (here, characters percent-encoded to 2 bytes each).
    assert MAX_EXTERNAL_TASK_ID_CHARS == EMULATOR_MAX_KEPT_CHARS
    longest = "é" * SDK_MAX_ID_CHARS

    created = await client.post(GENERATIONS, json={"prompt": "a cat", "external_task_id": longest})
    found = await client.get(f"{GENERATIONS}/{quote(longest, safe='')}")

    assert created.status_code == 200, created.text
    assert found.status_code == 200, found.text
    assert found.json()["data"]["task_id"] == created.json()["data"]["task_id"]


def test_the_emulators_own_limits_are_stated_where_schemathesis_reads_them() -> None:
    # The spec sets no length on these (no source does): the emulator's limits are a divergence of its own,
    # stated in schemathesis.toml beside the API's, so a CLI run knows why a 4097-character id is refused.
    stated = " ".join((Path(__file__).resolve().parents[2] / "schemathesis.toml").read_text().split())
    assert MAX_EXTERNAL_TASK_ID_CHARS == MAX_CALLBACK_URL_CHARS
    assert f"`external_task_id` or `callback_url` over {MAX_EXTERNAL_TASK_ID_CHARS} characters" in stated
    for name in ("external_task_id", "callback_url"):
        assert "maxLength" not in CREATE[name]
    # The largest body the spec allows fits: the largest Base64 image, the longest prompts (JSON-escaped,
    # 12 bytes a character at worst), the longest id and URL the emulator keeps, and room for the rest.
    prompts = CREATE["prompt"]["maxLength"] + CREATE["negative_prompt"]["maxLength"]
    largest = MAX_IMAGE_BASE64_CHARS + 12 * (prompts + MAX_EXTERNAL_TASK_ID_CHARS + MAX_CALLBACK_URL_CHARS) + 4096
    assert largest <= MAX_BODY_BYTES
