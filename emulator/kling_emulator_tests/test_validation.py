"""Validation: the spec's schema (via kling_spec) and the documented rules beyond it, each naming its field."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from kling_emulator import Emulator
from kling_spec import default_model, known_models, retired_models

from .conftest import GENERATIONS, FakeClock, png_base64

URL_IMAGE = "https://example.com/reference.png"


def _assert_invalid(response: httpx.Response, message_start: str, *, status: int = 400, code: int = 1201) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"].startswith(message_start), body["message"]
    assert body["data"] is None


# -- the schema, through kling_spec ----------------------------------------------------------


async def test_n_over_nine_names_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post(GENERATIONS, json={"prompt": "a cat", "n": 10})

    _assert_invalid(response, "body.n: 10 is greater than the maximum of 9")


async def test_a_missing_prompt_names_the_field(client: httpx.AsyncClient) -> None:
    _assert_invalid(await client.post(GENERATIONS, json={"n": 1}), "body.prompt: is required")


# -- the model: open in the schema, decided by the service --------------------------------------


@pytest.mark.parametrize("model", ["kling-v9", "Kling-V3", "kling-v3 ", "kling-image-o1", "kling-v3-omni"])
async def test_a_model_the_service_does_not_have_is_404_1203(client: httpx.AsyncClient, model: str) -> None:
    # Valid for the schema (model_name is open), refused by the service: as the spec's NotFound example.
    # The omni models exist, but on /v1/images/omni-image only (image-endpoints.md §3).
    response = await client.post(GENERATIONS, json={"prompt": "x", "model_name": model})

    _assert_invalid(response, f"requested resource does not exist: model {model}", status=404, code=1203)
    assert response.json()["message"] == f"requested resource does not exist: model {model}"


@pytest.mark.parametrize("model", sorted(retired_models()))
async def test_a_retired_model_is_refused_as_discontinued(client: httpx.AsyncClient, model: str) -> None:
    response = await client.post(GENERATIONS, json={"prompt": "x", "model_name": model})

    _assert_invalid(response, f"The model '{model}' has been discontinued and is no longer available.")


def test_the_retired_models_are_the_2024_editions() -> None:
    # Guards the parametrisation above: an empty list would test nothing.
    assert set(retired_models()) == {"kling-v1", "kling-v1-5", "kling-v2", "kling-v2-new"}


@pytest.mark.parametrize("model", known_models())
async def test_every_model_of_the_spec_is_accepted(
    client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock, model: str
) -> None:
    created = await client.post(GENERATIONS, json={"prompt": "x", "model_name": model})

    assert created.status_code == 200, created.text
    task = emulator.tasks.get(created.json()["data"]["task_id"], now=clock.now)
    assert task is not None
    assert task.spec.model_name == model


@pytest.mark.parametrize(
    "fields", [{}, {"model_name": ""}, {"model": "kling-v1"}], ids=["none", "empty model_name", "legacy model field"]
)
async def test_without_a_model_name_the_task_runs_on_the_default_model(
    client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock, fields: dict[str, str]
) -> None:
    # The legacy `model` field is accepted and treated like an empty model_name [official: GEN21]: the default.
    created = await client.post(GENERATIONS, json={"prompt": "x", **fields})

    assert created.status_code == 200, created.text
    task = emulator.tasks.get(created.json()["data"]["task_id"], now=clock.now)
    assert task is not None
    assert task.spec.model_name == default_model() == "kling-v3"


async def test_invalid_json_is_1200(client: httpx.AsyncClient) -> None:
    response = await client.post(GENERATIONS, content=b"{not json", headers={"Content-Type": "application/json"})

    _assert_invalid(response, "body: is not valid JSON", code=1200)


async def test_an_empty_body_is_1200(client: httpx.AsyncClient) -> None:
    _assert_invalid(await client.post(GENERATIONS), "body: a JSON request body is required", code=1200)


async def test_a_body_over_the_size_limit_is_1200(client: httpx.AsyncClient) -> None:
    response = await client.post(GENERATIONS, content=b" " * (17 * 1024 * 1024))

    _assert_invalid(response, "body: larger than", code=1200)


@pytest.mark.parametrize(("query", "field"), [("pageSize=0", "query.pageSize"), ("pageNum=abc", "query.pageNum")])
async def test_bad_query_parameters_name_the_field(client: httpx.AsyncClient, query: str, field: str) -> None:
    _assert_invalid(await client.get(f"{GENERATIONS}?{query}"), f"{field}:")


async def test_a_wrong_method_is_404_1202(client: httpx.AsyncClient) -> None:
    _assert_invalid(await client.delete(GENERATIONS), "method: DELETE is not allowed", status=404, code=1202)


async def test_an_unknown_path_is_404_1203(client: httpx.AsyncClient) -> None:
    _assert_invalid(await client.get("/v1/videos"), "path: no such resource", status=404, code=1203)


# -- the documented rules the schema cannot express -------------------------------------------

ELEMENTS = [{"element_id": 829836802793406551 + index} for index in range(10)]

SEMANTIC_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("negative prompt with an image", {"negative_prompt": "blurry", "image": URL_IMAGE}, "body.negative_prompt:"),
    ("image_reference without image", {"model_name": "kling-v2-1", "image_reference": "subject"}, "body.image:"),
    (
        "10 elements beside an image",
        {"image": URL_IMAGE, "element_list": ELEMENTS},
        "body.element_list: holds at most 9",
    ),
    ("11 elements", {"element_list": [*ELEMENTS, {"element_id": 1}]}, "body.element_list:"),
    ("an element without its id", {"element_list": [{}]}, "body.element_list.0.element_id: is required"),
    ("an element id as a string", {"element_list": [{"element_id": "160"}]}, "body.element_list.0.element_id: must be"),
    ("an element id beyond int64", {"element_list": [{"element_id": 2**63}]}, "body.element_list.0.element_id:"),
    ("data: prefix", {"image": "data:image/png;base64," + png_base64(400, 400)}, "body.image: must be the bare Base64"),
    ("neither URL nor Base64", {"image": "not an image!"}, "body.image: is neither an http(s) URL nor Base64"),
    ("ftp URL", {"image": "ftp://example.com/a.png"}, "body.image: a URL must be http(s)"),
    ("Base64 of text", {"image": base64.b64encode(b"hello world").decode()}, "body.image: the Base64 data is not"),
    ("a GIF", {"image": png_base64(400, 400, "GIF")}, "body.image: the image must be JPG or PNG, got GIF"),
    ("too small", {"image": png_base64(299, 400)}, "body.image: the image must be at least 300 px on each side"),
    ("too wide", {"image": png_base64(1000, 399)}, "body.image: the image aspect ratio must be between 1:2.5"),
    ("too tall", {"image": png_base64(300, 751)}, "body.image: the image aspect ratio must be between 1:2.5"),
    # The capability map (x-kling-capabilities): valid requests the model does not take.
    (
        "face reference on kling-v3",
        {"image": URL_IMAGE, "image_reference": "face"},
        "body.image_reference: is not supported by kling-v3",
    ),
    (
        "subject reference on kling-v3 by name",
        {"model_name": "kling-v3", "image": URL_IMAGE, "image_reference": "subject"},
        "body.image_reference: is not supported by kling-v3",
    ),
    (
        "image_fidelity on kling-v3",
        {"image": URL_IMAGE, "image_fidelity": 0.9},
        "body.image_fidelity: is not supported by kling-v3",
    ),
    ("human_fidelity on kling-v3", {"human_fidelity": 0.1}, "body.human_fidelity: is not supported by kling-v3"),
    (
        "elements on kling-v2-1",
        {"model_name": "kling-v2-1", "element_list": ELEMENTS[:1]},
        "body.element_list: is not supported by kling-v2-1",
    ),
]


@pytest.mark.parametrize(
    ("fields", "message"), [case[1:] for case in SEMANTIC_CASES], ids=[c[0] for c in SEMANTIC_CASES]
)
async def test_each_documented_rule_names_its_field(
    client: httpx.AsyncClient, fields: dict[str, Any], message: str
) -> None:
    _assert_invalid(await client.post(GENERATIONS, json={"prompt": "a cat", **fields}), message)


async def test_an_image_over_10_mb_is_refused(client: httpx.AsyncClient) -> None:
    big = base64.b64encode(b"\x89PNG" + bytes(10 * 1024 * 1024)).decode()

    _assert_invalid(
        await client.post(GENERATIONS, json={"prompt": "x", "image": big}), "body.image: the image is larger"
    )


VALID_CASES: list[tuple[str, dict[str, Any]]] = [
    ("text only, defaults", {}),
    ("URL image on kling-v3 (never fetched)", {"image": URL_IMAGE}),
    ("PNG at the limits", {"image": png_base64(300, 750)}),
    ("JPEG", {"image": png_base64(640, 480, "JPEG")}),
    (
        "kling-v2-1 subject reference with fidelities",
        {
            "model_name": "kling-v2-1",
            "image": URL_IMAGE,
            "image_reference": "subject",
            "image_fidelity": 0.9,
            "human_fidelity": 0.1,
        },
    ),
    ("kling-v2-1 face reference", {"model_name": "kling-v2-1", "image": URL_IMAGE, "image_reference": "face"}),
    ("kling-v2-1 image to image", {"model_name": "kling-v2-1", "image": png_base64(600, 300)}),
    ("2k at 21:9 on kling-v3", {"model_name": "kling-v3", "resolution": "2k", "aspect_ratio": "21:9"}),
    ("2k on kling-v2-1", {"model_name": "kling-v2-1", "resolution": "2k"}),
    ("elements on kling-v3", {"element_list": ELEMENTS}),
    ("9 elements beside an image", {"image": URL_IMAGE, "element_list": ELEMENTS[:9]}),
    ("an empty element list", {"element_list": []}),
    ("empty negative prompt with image", {"negative_prompt": "", "image": URL_IMAGE}),
    ("watermark on", {"watermark_info": {"enabled": True}}),
]


@pytest.mark.parametrize("fields", [case[1] for case in VALID_CASES], ids=[case[0] for case in VALID_CASES])
async def test_valid_requests_are_accepted(client: httpx.AsyncClient, fields: dict[str, Any]) -> None:
    response = await client.post(GENERATIONS, json={"prompt": "a cat", **fields})

    assert response.status_code == 200, response.text
    assert response.json()["data"]["task_status"] == "submitted"


async def test_an_integral_float_n_counts_as_that_many_images(client: httpx.AsyncClient, clock: FakeClock) -> None:
    # JSON Schema's "integer" accepts 2.0; the emulator must not choke on it (found by schemathesis).
    created = await client.post(GENERATIONS, json={"prompt": "a cat", "n": 2.0})
    assert created.status_code == 200
    clock.advance(5)

    listed = await client.get(GENERATIONS)

    assert listed.status_code == 200
    assert len(listed.json()["data"][0]["task_result"]["images"]) == 2


async def test_a_duplicate_external_task_id_is_1201(client: httpx.AsyncClient) -> None:
    first = await client.post(GENERATIONS, json={"prompt": "a cat", "external_task_id": "order-1"})
    assert first.status_code == 200

    second = await client.post(GENERATIONS, json={"prompt": "a dog", "external_task_id": "order-1"})

    _assert_invalid(second, "body.external_task_id: duplicate external_task_id: order-1")


async def test_odd_but_valid_json_is_answered_not_crashed_on(client: httpx.AsyncClient, clock: FakeClock) -> None:
    # A lone surrogate escape is valid JSON but no text: an id holding one could be stored, never queried back.
    lone = b'{"prompt": "x", "external_task_id": "id-\\ud800"}'
    refused = await client.post(GENERATIONS, content=lone, headers={"Content-Type": "application/json"})
    _assert_invalid(refused, "body.external_task_id: is not valid Unicode text (it holds a lone surrogate)")
    # A surrogate pair is an emoji; an unknown key inside watermark_info is not echoed.
    raw = b'{"prompt": "x", "external_task_id": "id-\\ud83d\\ude00", "watermark_info": {"enabled": true, "x": 1}}'
    created = await client.post(GENERATIONS, content=raw, headers={"Content-Type": "application/json"})
    assert created.status_code == 200, created.text
    clock.advance(5)

    response = await client.get(GENERATIONS)

    assert response.status_code == 200
    task = response.json()["data"][0]
    assert task["task_info"] == {"external_task_id": "id-\U0001f600"}
    assert task["watermark_info"] == {"enabled": True}
    queried = await client.get(f"{GENERATIONS}/id-%F0%9F%98%80")
    assert queried.json()["data"]["task_id"] == task["task_id"]
    duplicate = await client.post(GENERATIONS, content=raw, headers={"Content-Type": "application/json"})
    assert duplicate.status_code == 400


async def test_nan_is_not_json(client: httpx.AsyncClient) -> None:
    """Python's parser takes NaN, and NaN passes every range check: it must be refused as bad JSON."""
    raw = b'{"prompt": "x", "image_fidelity": NaN}'
    response = await client.post(GENERATIONS, content=raw, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json()["code"] == 1200
