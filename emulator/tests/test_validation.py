"""Validation: the spec's schema (via kling_spec) and the documented rules beyond it, each naming its field."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

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


async def test_an_unknown_model_names_the_field(client: httpx.AsyncClient) -> None:
    _assert_invalid(await client.post(GENERATIONS, json={"prompt": "x", "model_name": "kling-v9"}), "body.model_name:")


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

SEMANTIC_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("negative prompt with an image", {"negative_prompt": "blurry", "image": URL_IMAGE}, "body.negative_prompt:"),
    ("image_reference without image", {"model_name": "kling-v1-5", "image_reference": "subject"}, "body.image:"),
    (
        "image_reference on kling-v1",
        {"model_name": "kling-v1", "image": URL_IMAGE, "image_reference": "face"},
        "body.image_reference: is only supported by kling-v1-5",
    ),
    (
        "kling-v1-5 image without reference",
        {"model_name": "kling-v1-5", "image": URL_IMAGE},
        "body.image_reference: is required",
    ),
    ("data: prefix", {"image": "data:image/png;base64," + png_base64(400, 400)}, "body.image: must be the bare Base64"),
    ("neither URL nor Base64", {"image": "not an image!"}, "body.image: is neither an http(s) URL nor Base64"),
    ("ftp URL", {"image": "ftp://example.com/a.png"}, "body.image: a URL must be http(s)"),
    ("Base64 of text", {"image": base64.b64encode(b"hello world").decode()}, "body.image: the Base64 data is not"),
    ("a GIF", {"image": png_base64(400, 400, "GIF")}, "body.image: the image must be JPG or PNG, got GIF"),
    ("too small", {"image": png_base64(299, 400)}, "body.image: the image must be at least 300 px on each side"),
    ("too wide", {"image": png_base64(1000, 399)}, "body.image: the image aspect ratio must be between 1:2.5"),
    ("too tall", {"image": png_base64(300, 751)}, "body.image: the image aspect ratio must be between 1:2.5"),
    ("kling-v1 at 21:9", {"model_name": "kling-v1", "aspect_ratio": "21:9"}, "body.aspect_ratio: 21:9 is not"),
    ("2k on kling-v1", {"resolution": "2k"}, "body.resolution: 2k is only supported by kling-v2 and kling-v2-1"),
    ("2k on kling-v1-5", {"model_name": "kling-v1-5", "resolution": "2k"}, "body.resolution:"),
    ("kling-v2-new without image", {"model_name": "kling-v2-new"}, "body.image: is required by kling-v2-new"),
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
    ("URL image on kling-v1 (never fetched)", {"image": URL_IMAGE}),
    ("PNG at the limits", {"image": png_base64(300, 750)}),
    ("JPEG", {"image": png_base64(640, 480, "JPEG")}),
    ("kling-v1-5 with reference", {"model_name": "kling-v1-5", "image": URL_IMAGE, "image_reference": "subject"}),
    ("2k on kling-v2", {"model_name": "kling-v2", "resolution": "2k", "aspect_ratio": "21:9"}),
    ("2k on kling-v2-1", {"model_name": "kling-v2-1", "resolution": "2k"}),
    ("kling-v2-new restyles", {"model_name": "kling-v2-new", "image": png_base64(600, 300)}),
    ("empty negative prompt with image", {"negative_prompt": "", "image": URL_IMAGE}),
    ("fidelities are accepted", {"image": URL_IMAGE, "image_fidelity": 0.9, "human_fidelity": 0.1}),
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
