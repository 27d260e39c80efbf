"""Every task endpoint beside /v1/images/generations, served like it: omni-image, multi-image to image, outpainting,
AI Multi-Shot and custom elements. Lifecycle on the clock, queries by id and external id, lists, duplicates, both
auth modes, prices, faults, callbacks, validation naming the field, hostile input."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from kling_auth import DEMO_API_KEY
from kling_emulator import FAULT_HEADER, ConnectionDropped, Emulator
from starlette.applications import Starlette

from .conftest import (
    BALANCE,
    BASE_URL,
    CREATE_BODIES,
    DELETE_ELEMENT,
    ELEMENTS,
    EXPAND,
    GENERATIONS,
    IMAGE_URL,
    MULTI_IMAGE,
    MULTI_SHOT,
    NEW_TASK_PATHS,
    OMNI,
    PACKAGE,
    START,
    CapturedCallbacks,
    FakeClock,
    api_client,
    bearer,
    callback_validator,
    png_base64,
)

CALLBACK_URL = "http://127.0.0.1:9/kling/callback"
#: The key of task_result each endpoint's finished task has.
RESULT_KEYS = {
    OMNI: {"result_type", "images"},
    MULTI_IMAGE: {"images"},
    EXPAND: {"images"},
    MULTI_SHOT: {"images"},
    ELEMENTS: {"elements"},
}


async def _create(client: httpx.AsyncClient, path: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(path, json={**CREATE_BODIES[path], **fields})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def _query(client: httpx.AsyncClient, path: str, task_id: str) -> dict[str, Any]:
    response = await client.get(f"{path}/{task_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def _assert_error(response: httpx.Response, status: int, code: int, message_start: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert (body["code"], body["data"]) == (code, None)
    assert body["message"].startswith(message_start), body["message"]
    message: str = body["message"]
    return message


# -- the lifecycle, queries and lists ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", NEW_TASK_PATHS)
async def test_a_task_moves_through_its_lifecycle_on_the_clock(
    client: httpx.AsyncClient, clock: FakeClock, path: str
) -> None:
    created = await _create(client, path, external_task_id="order-7")
    task_id = created["task_id"]
    assert created["task_status"] == "submitted"
    assert created["created_at"] == created["updated_at"] == int(START * 1000)
    assert created["task_info"] == {"external_task_id": "order-7"}
    assert len(task_id) == 18
    assert task_id.isdigit()

    clock.advance(1.9)
    assert (await _query(client, path, task_id))["task_status"] == "submitted"
    clock.advance(0.1)
    processing = await _query(client, path, task_id)
    assert processing["task_status"] == "processing"
    assert processing["updated_at"] == int((START + 2) * 1000)
    assert "task_result" not in processing
    assert "final_unit_deduction" not in processing

    clock.advance(3)
    done = await _query(client, path, task_id)
    assert done["task_status"] == "succeed"
    assert done["updated_at"] == int((START + 5) * 1000)
    assert done["task_info"] == {"external_task_id": "order-7"}
    assert set(done["task_result"]) == RESULT_KEYS[path]
    assert "final_unit_deduction" in done


@pytest.mark.parametrize("path", NEW_TASK_PATHS)
async def test_a_task_is_found_by_its_external_id_on_its_own_endpoint_only(
    client: httpx.AsyncClient, path: str
) -> None:
    created = await _create(client, path, external_task_id="my order/42")

    assert (await _query(client, path, "my%20order%2F42"))["task_id"] == created["task_id"]
    assert (await _query(client, path, created["task_id"]))["task_info"] == {"external_task_id": "my order/42"}
    # Another endpoint's query does not know it, by either id.
    other = GENERATIONS if path != GENERATIONS else OMNI
    for task_id in (created["task_id"], "my%20order%2F42"):
        response = await client.get(f"{other}/{task_id}")
        _assert_error(response, 400, 1201, "Task not found by id/external id: ")


@pytest.mark.parametrize("path", NEW_TASK_PATHS)
async def test_an_unknown_task_is_400_1201(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(f"{path}/000000000000000000")

    message = _assert_error(response, 400, 1201, "Task not found by id/external id: ")
    assert message == "Task not found by id/external id: 000000000000000000"


@pytest.mark.parametrize("path", NEW_TASK_PATHS)
async def test_the_list_holds_the_endpoints_own_tasks_newest_first_and_paged(
    client: httpx.AsyncClient, clock: FakeClock, path: str
) -> None:
    ids = []
    for _ in range(3):
        ids.append((await _create(client, path))["task_id"])
        await _create(client, GENERATIONS)  # another endpoint's, between them
        clock.advance(0.001)

    async def page(query: str) -> list[str]:
        response = await client.get(f"{path}?{query}")
        assert response.status_code == 200, response.text
        return [task["task_id"] for task in response.json()["data"]]

    assert await page("") == ids[::-1]
    assert await page("pageNum=1&pageSize=2") == [ids[2], ids[1]]
    assert await page("pageNum=2&pageSize=2") == [ids[0]]
    assert await page("pageNum=3&pageSize=2") == []
    beyond = await client.get(f"{path}?pageNum=1001")
    _assert_error(beyond, 400, 1201, "query.pageNum:")


@pytest.mark.parametrize("path", NEW_TASK_PATHS)
async def test_a_duplicate_external_task_id_is_refused_across_the_account(client: httpx.AsyncClient, path: str) -> None:
    await _create(client, path, external_task_id="order-1")

    for where in (path, GENERATIONS):
        body = {**CREATE_BODIES[where], "external_task_id": "order-1"}
        response = await client.post(where, json=body)
        _assert_error(response, 400, 1201, "body.external_task_id: duplicate external_task_id: order-1")
    # An empty one names nothing, as in the publisher's own examples: never a duplicate.
    for _ in range(2):
        assert (await _create(client, path, external_task_id=""))["task_info"] == {"external_task_id": ""}


@pytest.mark.parametrize("path", NEW_TASK_PATHS)
async def test_both_auth_modes_are_taken_and_nothing_else(
    make_app: Callable[..., Starlette], clock: FakeClock, path: str
) -> None:
    app = make_app(api_keys=[DEMO_API_KEY])
    async with api_client(app, {"Authorization": f"Bearer {DEMO_API_KEY}"}) as with_api_key:
        created = await _create(with_api_key, path)
    async with api_client(app, bearer(clock)) as with_jwt:
        assert (await _query(with_jwt, path, created["task_id"]))["task_id"] == created["task_id"]
        assert (await with_jwt.get(path)).status_code == 200
    async with api_client(app) as anonymous:
        _assert_error(await anonymous.post(path, json=CREATE_BODIES[path]), 401, 1001, "Authorization is empty")
        _assert_error(await anonymous.get(path), 401, 1001, "Authorization is empty")
    async with api_client(app, {"Authorization": "Bearer not-a-key"}) as wrong:
        _assert_error(await wrong.get(f"{path}/{created['task_id']}"), 401, 1002, "Authorization is invalid")


# -- prices: the spec's x-kling-pricing ----------------------------------------------------------------------------

PRICES = [
    # path, fields, units, USD (capability-and-pricing.md: $0.0035 a unit)
    (OMNI, {"n": 2}, "16", "0.056"),  # kling-image-o1, 8 a 1K/2K image
    (OMNI, {"model_name": "kling-v3-omni", "resolution": "4k", "aspect_ratio": "1:1"}, "16", "0.056"),  # 4K: 16
    (OMNI, {"model_name": "kling-v3-omni", "result_type": "series", "series_amount": 3}, "24", "0.084"),
    # A series of "auto" length: the emulator makes 4 images, and charges for them.
    (OMNI, {"model_name": "kling-v3-omni", "result_type": "series", "series_amount": "auto"}, "32", "0.112"),
    (MULTI_IMAGE, {"n": 2}, "32", "0.112"),  # 16 an image
    (EXPAND, {"n": 3}, "24", "0.084"),  # 8 an image
    (MULTI_SHOT, {}, "20", "0.07"),  # 20 a call
    (ELEMENTS, {}, "0", "0"),  # no price: charged 0, as the spec's element examples show
]


@pytest.mark.parametrize(("path", "fields", "units", "usd"), PRICES)
async def test_a_finished_task_is_charged_the_listed_price(
    client: httpx.AsyncClient, clock: FakeClock, path: str, fields: dict[str, Any], units: str, usd: str
) -> None:
    created = await _create(client, path, **fields)
    clock.advance(5)

    done = await _query(client, path, created["task_id"])

    assert done["final_unit_deduction"] == units
    assert done["final_balance_deduction"] == {"quota": usd, "list_price": usd}
    assert Decimal(usd) == Decimal(units) * Decimal("0.0035")


# -- faults ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NEW_TASK_PATHS)
async def test_faults_apply_to_every_endpoint(
    client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock, path: str
) -> None:
    _assert_error(await client.get(path, headers={FAULT_HEADER: "error=5001"}), 503, 5001, "server temporarily")
    _assert_error(await client.get(path, headers={FAULT_HEADER: "rate_limit"}), 429, 1302, "requests too fast")

    moderated = await client.post(path, json=CREATE_BODIES[path], headers={FAULT_HEADER: "moderation"})
    clock.advance(5)
    failed = await _query(client, path, moderated.json()["data"]["task_id"])
    assert failed["task_status"] == "failed"
    assert failed["task_status_msg"] == "Failure to pass the risk control system"
    assert "task_result" not in failed
    assert failed["final_unit_deduction"] == "0"

    before = len(emulator.tasks)
    with pytest.raises(ConnectionDropped):
        await client.post(path, json=CREATE_BODIES[path], headers={FAULT_HEADER: "drop=after"})
    assert len(emulator.tasks) == before + 1  # created, then the answer was lost


# -- callbacks ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NEW_TASK_PATHS)
async def test_every_status_change_is_posted_as_the_spec_says(
    client: httpx.AsyncClient, clock: FakeClock, callbacks: CapturedCallbacks, path: str
) -> None:
    task_id = (await _create(client, path, callback_url=CALLBACK_URL, external_task_id="order-9"))["task_id"]
    clock.advance(2)
    await client.get(path)
    clock.advance(3)
    query = await _query(client, path, task_id)

    assert callbacks.statuses == ["submitted", "processing", "succeed"]
    validator = callback_validator(path)
    for request, payload in zip(callbacks.requests, callbacks.payloads, strict=True):
        assert str(request.url) == CALLBACK_URL
        assert not [error.message for error in validator.iter_errors(payload)]
        assert payload["task_id"] == task_id
        assert payload["task_info"] == {"external_task_id": "order-9"}
    # The payload is the query's data (the spec's callbacks of these endpoints carry the task as queried).
    assert callbacks.payloads[-1] == query


@pytest.mark.parametrize("path", NEW_TASK_PATHS)
async def test_callbacks_are_signed_with_a_webhook_secret(
    make_app: Callable[..., Starlette], clock: FakeClock, callbacks: CapturedCallbacks, path: str
) -> None:
    secret = "whsec_" + "c2VjcmV0LW9mLXRoZS13ZWJob29rcy10ZXN0cw=="
    async with api_client(make_app(webhook_secret=secret), bearer(clock)) as client:
        await _create(client, path, callback_url=CALLBACK_URL)

    [request] = callbacks.requests
    # The documented recipe (auth-and-general.md §5.4): HMAC-SHA256 of "{id}.{timestamp}.{raw body}", keyed with the
    # Base64-decoded part of the secret after "whsec_".
    message_id, timestamp = request.headers["webhook-id"], request.headers["webhook-timestamp"]
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + request.content, hashlib.sha256).digest()
    assert request.headers["webhook-signature"] == "v1," + base64.b64encode(digest).decode()
    assert timestamp == str(int(START))  # the emulator's clock


# -- validation: the spec's rules, each naming its field ---------------------------------------------------------

INVALID = [
    # path, body, status, code, message (its start)
    (OMNI, {"prompt": "x", "result_type": "series"}, 400, 1201, "body.result_type: series is not supported by "),
    (
        OMNI,
        {"prompt": "x", "model_name": "kling-v3-omni"},  # text to image at the default ratio, auto
        400,
        1201,
        "body.aspect_ratio: auto is not supported by kling-v3-omni for text to image",
    ),
    (OMNI, {"prompt": "x", "model_name": "kling-v9"}, 404, 1203, "requested resource does not exist: model kling-v9"),
    # A retired model of /v1/images/generations was never an omni model: unknown here, not discontinued.
    (OMNI, {"prompt": "x", "model_name": "kling-v1"}, 404, 1203, "requested resource does not exist: model kling-v1"),
    (
        OMNI,
        {"prompt": "x", "image_list": [{"image": "not an image"}]},
        400,
        1201,
        "body.image_list.0.image: is neither an http(s) URL nor Base64-encoded image data",
    ),
    (
        OMNI,
        {"prompt": "x", "image_list": [{"image": IMAGE_URL}] * 10, "element_list": [{"element_id": 160}]},
        400,
        1201,
        "body.element_list: holds too many elements beside body.image_list",
    ),
    (OMNI, {"prompt": "x", "negative_prompt": "y"}, 400, 1201, "body.negative_prompt: is not a documented field"),
    (MULTI_IMAGE, {"subject_image_list": []}, 400, 1201, "body.subject_image_list: has fewer than 1 items"),
    (
        MULTI_IMAGE,
        {"subject_image_list": [{"subject_image": IMAGE_URL}], "scene_image": "data:image/png;base64,iVBO"},
        400,
        1201,
        "body.scene_image: must be the bare Base64 string, without a data: prefix",
    ),
    (
        MULTI_IMAGE,
        {"subject_image_list": [{"subject_image": IMAGE_URL}], "model_name": "kling-v3"},
        404,
        1203,
        "requested resource does not exist: model kling-v3",
    ),
    (
        EXPAND,
        {"image": IMAGE_URL, **{f"{side}_expansion_ratio": 1 for side in ("up", "down", "left", "right")}},
        400,
        1201,
        "body: the expansion ratios make the result 9 times the original's area, more than 3",
    ),
    (EXPAND, {"image": IMAGE_URL}, 400, 1201, "body.up_expansion_ratio: is required"),
    (MULTI_SHOT, {}, 400, 1201, "body.element_frontal_image: is required"),
    (
        MULTI_SHOT,
        {"element_frontal_image": png_base64(200, 200)},
        400,
        1201,
        "body.element_frontal_image: the image must be at least 300 px on each side, got 200x200",
    ),
    (
        ELEMENTS,
        {"element_name": "x", "element_description": "y", "reference_type": "image_refer"},
        400,
        1201,
        "body.element_image_list: is required when body.reference_type is image_refer",
    ),
    (
        ELEMENTS,
        {"element_name": "x", "element_description": "y", "reference_type": "video_refer"},
        400,
        1201,
        "body.element_video_list: is required when body.reference_type is video_refer",
    ),
    (
        ELEMENTS,
        {**CREATE_BODIES[ELEMENTS], "element_name": "x" * 21},
        400,
        1201,
        "body.element_name: is longer than 20 characters",
    ),
    (
        ELEMENTS,
        {**CREATE_BODIES[ELEMENTS], "tag_list": [{"tag_id": "o_999"}]},
        400,
        1201,
        "body.tag_list.0.tag_id: 'o_999' is not one of o_101",
    ),
    (
        ELEMENTS,
        {**CREATE_BODIES[ELEMENTS], "element_voice_id": "v" * 4097},
        400,
        1201,
        "body.element_voice_id: is longer than 4096 characters (the emulator's limit)",
    ),
    (BALANCE, {"start_time": 2, "end_time": 1}, 400, 1201, "body.end_time: must be after body.start_time"),
    (PACKAGE, {"end_time": 1}, 400, 1201, "body.start_time: is required when body.cursor is empty"),
    (
        PACKAGE,
        {
            "start_time": 1,
            "end_time": 2,
            "filters": [{"key": "package_name", "values": ["a"]}, {"key": "package_id", "values": ["b"]}],
        },
        400,
        1201,
        "body.filters: cannot filter by both package_name and package_id",
    ),
    (DELETE_ELEMENT, {"element_id": 829836802793406551}, 400, 1201, "body.element_id: must be of type string"),
]


@pytest.mark.parametrize(
    ("path", "body", "status", "code", "message"), INVALID, ids=[f"{row[0]}-{row[4][:30]}" for row in INVALID]
)
async def test_an_invalid_request_is_refused_naming_the_field(
    client: httpx.AsyncClient, emulator: Emulator, path: str, body: dict[str, Any], status: int, code: int, message: str
) -> None:
    response = await client.post(path, json=body)

    _assert_error(response, status, code, message)
    assert len(emulator.tasks) == 0


# -- hostile input: the documented envelope, never a 500 ---------------------------------------------------------

POST_PATHS = [*NEW_TASK_PATHS, DELETE_ELEMENT, BALANCE, PACKAGE]


@pytest.mark.parametrize("path", POST_PATHS)
@pytest.mark.parametrize(
    ("content", "content_type", "code", "message"),
    [
        (b"", "application/json", 1200, "body: a JSON request body is required"),
        (b"<html><body>hi</body></html>", "text/html", 1200, "Content-Type: must be application/json"),
        (b"<html><body>hi</body></html>", "application/json", 1200, "body: is not valid JSON"),
        (b"[" * 5000 + b"]" * 5000, "application/json", 1200, "body: is nested more than 32 levels deep"),
        (b'{"a":' * 40 + b"1" + b"}" * 40, "application/json", 1201, "body.a.a.a"),
        (b'{"n": 1' + b"0" * 5000 + b"}", "application/json", 1201, "body.n: is an integer out of range"),
        (b'{"n": NaN}', "application/json", 1200, "body: is not valid JSON"),
        (b"[1, 2]", "application/json", 1201, "body: "),
    ],
    ids=["empty", "html", "html-as-json", "deep", "deep-object", "huge-number", "nan", "array"],
)
async def test_hostile_bodies_get_the_documented_envelope(
    client: httpx.AsyncClient, emulator: Emulator, path: str, content: bytes, content_type: str, code: int, message: str
) -> None:
    response = await client.post(path, content=content, headers={"content-type": content_type})

    _assert_error(response, 400, code, message)
    assert len(response.text) < 1500
    assert len(emulator.tasks) == 0


async def test_huge_ids_in_any_endpoints_path_are_quoted_in_part(client: httpx.AsyncClient) -> None:
    for path in NEW_TASK_PATHS:
        response = await client.get(f"{path}/{'9' * 60_000}")
        message = _assert_error(response, 400, 1201, "Task not found by id/external id: ")
        assert message == "Task not found by id/external id: " + "9" * 64 + "…"


async def test_a_kept_url_over_the_emulators_limit_is_refused(client: httpx.AsyncClient) -> None:
    # An element keeps its image URLs to echo them: within the emulator's bound on what a task keeps.
    long_url = "https://example.com/" + "x" * 4096
    body = {**CREATE_BODIES[ELEMENTS], "element_image_list": {"frontal_image": long_url, "refer_images": []}}
    body["element_image_list"]["refer_images"] = [{"image_url": IMAGE_URL}]

    response = await client.post(ELEMENTS, json=body)

    _assert_error(response, 400, 1201, "body.element_image_list.frontal_image: is longer than 4096 characters")


async def test_every_answer_of_the_new_endpoints_is_the_base_url_the_client_used(
    app: Starlette, clock: FakeClock
) -> None:
    async with api_client(app, bearer(clock)) as client:
        created = await _create(client, MULTI_SHOT)
    clock.advance(5)
    other = api_client(app, bearer(clock))
    other.base_url = httpx.URL("http://other.test:8080")
    async with other:
        [views] = (await _query(other, MULTI_SHOT, created["task_id"]))["task_result"]["images"]
    assert all(views[f"url_{k}"].startswith("http://other.test:8080/emulator/images/") for k in (1, 2, 3))
    assert BASE_URL not in json.dumps(views)
