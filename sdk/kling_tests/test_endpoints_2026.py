"""The endpoints added in 2026, through the SDK: omni-image, multi-image, outpainting, multi-shot, elements, account.

Every request goes through the SpecMock (checked against the spec, body rules included) and every answer is one of
the spec's documented examples; each test runs with the sync and the async client (the ``client`` fixture).
"""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import kling
import pytest
from kling import Kling, ValidationError, element_ids
from kling_api.models import (
    AccountCosts,
    BalanceDeductionPage,
    CreateOmniImageTaskRequest,
    DeletedElementTask,
    ElementTask,
    ImageTask,
    MultiShotTask,
    OmniImageTask,
    PresetElementTask,
)
from PIL import Image

from testsupport.helpers import present
from testsupport.spec_mock import BASE_URL, SpecMock

from ._helpers import AnyKling, call, image_file_bytes, sent_bodies

PNG_300 = image_file_bytes(300, 300)

#: resource attribute, create / get / list operationIds, the task type, a minimal valid create (keywords).
TASK_ENDPOINTS: list[tuple[str, str, str, str, type, dict[str, Any]]] = [
    ("omni_images", "createOmniImageTask", "getOmniImageTask", "listOmniImageTasks", OmniImageTask,
     {"prompt": "a fox"}),
    ("multi_images", "createMultiImageToImageTask", "getMultiImageToImageTask", "listMultiImageToImageTasks",
     ImageTask, {"subject_image_list": [{"subject_image": "https://example.com/a.png"}]}),
    ("outpainting", "createExpandImageTask", "getExpandImageTask", "listExpandImageTasks", ImageTask,
     {"image": "https://example.com/a.png", "up_expansion_ratio": 0.1, "down_expansion_ratio": 0.1,
      "left_expansion_ratio": 0.2, "right_expansion_ratio": 0.2}),
    ("multi_shots", "createMultiShotTask", "getMultiShotTask", "listMultiShotTasks", MultiShotTask,
     {"element_frontal_image": "https://example.com/front.png"}),
    ("elements", "createElementTask", "getElementTask", "listElementTasks", ElementTask,
     {"element_name": "Fox", "element_description": "a red fox", "reference_type": "image_refer",
      "element_image_list": {"frontal_image": "https://example.com/front.png",
                             "refer_images": [{"image_url": "https://example.com/side.png"}]}}),
]  # fmt: skip
IDS = [row[0] for row in TASK_ENDPOINTS]


def _succeed_example(mock: SpecMock, get_op: str) -> str:
    return "series" if get_op == "getOmniImageTask" else "succeed"


@pytest.mark.parametrize(("resource", "create_op", "get_op", "list_op", "task_type", "fields"), TASK_ENDPOINTS, ids=IDS)
async def test_each_task_endpoint_creates_waits_and_lists_with_typed_answers(
    client: AnyKling,
    mock: SpecMock,
    resource: str,
    create_op: str,
    get_op: str,
    list_op: str,
    task_type: type,
    fields: dict[str, Any],
) -> None:
    mock.replay(create_op, (200, "submitted"))
    # A pending answer first where the spec documents one: the wait polls until the task ends.
    examples = mock.spec.examples(get_op, 200)
    pending = [(200, name) for name in ("processing", "submitted") if name in examples][:1]
    mock.replay(get_op, *pending, (200, _succeed_example(mock, get_op)))
    mock.replay(list_op, (200, "onePage"))
    tasks = getattr(client, resource)

    task = await call(tasks.generate(**fields))
    listed = await call(tasks.list(page=1, page_size=10))

    assert isinstance(task, task_type)
    assert task.task_status == "succeed"  # type: ignore[attr-defined]
    assert listed
    assert all(isinstance(item, task_type) for item in listed)
    [body] = sent_bodies(mock, create_op)
    for name, value in fields.items():
        assert body[name] == value
    # Every create carries an external_task_id: the no-duplicate create works on every endpoint.
    assert body["external_task_id"].startswith("kling-")


async def test_an_omni_series_answer_parses_to_its_series_images(client: AnyKling, mock: SpecMock) -> None:
    mock.replay("getOmniImageTask", (200, "series"))
    task = await call(client.omni_images.get("829836802793406601"))
    assert isinstance(task, OmniImageTask)
    result = present(task.task_result)
    assert str(result.result_type) == "series"
    assert [image.index for image in present(result.series_images)] == [0, 1]


async def test_a_multi_shot_answer_parses_to_its_three_views(client: AnyKling, mock: SpecMock) -> None:
    mock.replay("getMultiShotTask", (200, "succeed"))
    task = await call(client.multi_shots.get("829836802793406900"))
    shot = present(present(task.task_result).images)[0]
    assert all(isinstance(getattr(shot, f"url_{view}"), str) for view in (1, 2, 3))


async def test_a_created_element_gives_its_id_for_element_list(client: AnyKling, mock: SpecMock) -> None:
    mock.replay("getElementTask", (200, "succeed"))
    task = await call(client.elements.get("829836802793407001"))
    assert element_ids(task) == [829836802793406552]


async def test_presets_and_deletion(client: AnyKling, mock: SpecMock) -> None:
    mock.replay("listPresetElements", (200, "onePage"))
    mock.replay("deleteElement", (200, "deleted"))
    presets = await call(client.elements.list_presets(page=1, page_size=5))
    deleted = await call(client.elements.delete(829836802793406552))
    assert presets
    assert all(isinstance(p, PresetElementTask) for p in presets)
    assert isinstance(deleted, DeletedElementTask)
    # The delete body carries the id as a string (the spec's decision), whatever the caller passed.
    [body] = sent_bodies(mock, "deleteElement")
    assert body == {"element_id": "829836802793406552"}


async def test_account_costs_and_ledgers(client: AnyKling, mock: SpecMock) -> None:
    mock.replay("getAccountCosts", (200, "documented"))
    mock.replay("listBalanceDeductions", (200, "documented"))
    start = datetime(2026, 11, 1, tzinfo=UTC)
    costs = await call(client.account.costs(start, datetime(2026, 12, 1, tzinfo=UTC)))
    page = await call(client.account.balance_deductions(start_time=start, end_time=start.replace(day=2), limit=10))
    assert isinstance(costs, AccountCosts)
    assert present(costs.resource_pack_subscribe_infos)[0].remaining_quantity == 118.0
    assert isinstance(page, BalanceDeductionPage)
    [costs_request] = [r for r in mock.requests if r.operation_id == "getAccountCosts"]
    assert costs_request.query["start_time"] == int(start.timestamp() * 1000)


async def test_account_costs_keep_the_publishers_one_request_a_second(client: AnyKling, mock: SpecMock) -> None:
    mock.replay("getAccountCosts", (200, "documented"))
    clock = client._timing.clock
    started = clock()
    for _ in range(3):
        await call(client.account.costs(1_700_000_000_000, 1_700_000_100_000))
    # The client's own (fake) clock moved by the waits it took: 3 requests at 1 a second need 2 s of waiting.
    assert clock() - started >= 2.0


# -- local files are read, checked and encoded wherever the request takes an image ---------------------------------


async def test_local_files_are_encoded_in_every_image_input(client: AnyKling, mock: SpecMock, tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG_300)
    encoded = base64.b64encode(PNG_300).decode()
    mock.replay("createOmniImageTask", (200, "submitted"))
    mock.replay("createMultiImageToImageTask", (200, "submitted"))
    mock.replay("createExpandImageTask", (200, "submitted"))
    mock.replay("createMultiShotTask", (200, "submitted"))

    await call(client.omni_images.create("a fox like <<<image_1>>>", image_list=[{"image": photo}]))
    await call(client.multi_images.create(subject_image_list=[{"subject_image": str(photo)}], scene_image=photo))
    await call(client.outpainting.create(photo, up_expansion_ratio=0, down_expansion_ratio=0,
                                         left_expansion_ratio=0.5, right_expansion_ratio=0.5))  # fmt: skip
    await call(client.multi_shots.create(str(photo)))

    assert sent_bodies(mock, "createOmniImageTask")[0]["image_list"] == [{"image": encoded}]
    multi = sent_bodies(mock, "createMultiImageToImageTask")[0]
    assert multi["subject_image_list"] == [{"subject_image": encoded}]
    assert multi["scene_image"] == encoded
    assert sent_bodies(mock, "createExpandImageTask")[0]["image"] == encoded
    assert sent_bodies(mock, "createMultiShotTask")[0]["element_frontal_image"] == encoded


# -- the documented rules, refused before anything is sent, naming the field --------------------------------------

REFUSED: list[tuple[str, str, Callable[[AnyKling], Any], str, str]] = [
    ("omni series of 10", "omni_images",
     lambda c: c.omni_images.create("x", result_type="series", series_amount=10), "series_amount", ""),
    ("omni 11 references", "omni_images",
     lambda c: c.omni_images.create("x", image_list=[{"image": "https://e.com/a.png"}] * 11), "image_list", ""),
    ("omni images plus elements over 10", "omni_images",
     lambda c: c.omni_images.create("x", image_list=[{"image": "https://e.com/a.png"}] * 6,
                                    element_list=[{"element_id": 1}] * 5), "", "10"),
    ("omni unknown resolution", "omni_images",
     lambda c: c.omni_images.create("x", resolution="8k"), "resolution", ""),  # type: ignore[arg-type]
    ("five subjects", "multi_images",
     lambda c: c.multi_images.create(subject_image_list=[{"subject_image": "https://e.com/a.png"}] * 5),
     "subject_image_list", ""),
    ("no subjects", "multi_images", lambda c: c.multi_images.create("x"), "", "subject_image_list"),
    ("an outpainting ratio over 2", "outpainting",
     lambda c: c.outpainting.create("https://e.com/a.png", up_expansion_ratio=2.5, down_expansion_ratio=0,
                                    left_expansion_ratio=0, right_expansion_ratio=0), "up_expansion_ratio", ""),
    ("an outpainting over 3 times the area", "outpainting",
     lambda c: c.outpainting.create("https://e.com/a.png", up_expansion_ratio=1.5, down_expansion_ratio=1,
                                    left_expansion_ratio=0, right_expansion_ratio=0), "", "3"),
    ("a typo in a known field", "omni_images",
     lambda c: c.omni_images.create("x", aspect_ration="1:1"),  # type: ignore[call-arg]
     "aspect_ration", "known fields"),
    ("a multi-shot with no image", "multi_shots", lambda c: c.multi_shots.create(), "",
     "element_frontal_image"),
    ("a missing local file", "multi_shots", lambda c: c.multi_shots.create("./nowhere/front.png"),
     "element_frontal_image", "no such file"),
    ("an element id that is no id", "elements", lambda c: c.elements.delete(-4), "element_id", ""),
    ("costs in the wrong order", "account", lambda c: c.account.costs(2_000, 1_000), "start_time", "before"),
    ("a naive datetime", "account",
     lambda c: c.account.costs(datetime(2026, 1, 1), datetime(2026, 2, 1)), "start_time", "timezone"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "resource", "make_call", "field", "words"), REFUSED, ids=[r[0] for r in REFUSED])
async def test_documented_rules_are_refused_before_sending_naming_the_field(
    client: AnyKling,
    mock: SpecMock,
    case: str,
    resource: str,
    make_call: Callable[[AnyKling], Any],
    field: str,
    words: str,
) -> None:
    with pytest.raises(ValidationError) as raised:
        await call(make_call(client))
    assert not mock.raw_requests, f"{case}: something was sent"
    if field:
        assert raised.value.field == field, str(raised.value)
    assert words in str(raised.value)


async def test_a_ready_request_object_and_extra_body(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    # extra_body sends what the spec does not know yet, so this answer comes from a transport that takes it.
    sent: list[dict[str, Any]] = []
    answer = mock.example_response("createOmniImageTask", 200, "submitted")

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, content=answer.content, headers={"content-type": "application/json"})

    client = make(transport=httpx.MockTransport(handle))
    request = CreateOmniImageTaskRequest(prompt="a fox", n=2)
    await call(client.omni_images.create(request, resolution="2k", extra_body={"future_field": 1}))
    [body] = sent
    assert body["prompt"] == "a fox"
    assert body["n"] == 2
    assert body["resolution"] == "2k"
    assert body["future_field"] == 1


async def test_a_model_the_spec_does_not_list_is_sent_with_a_warning(
    client: AnyKling, mock: SpecMock, caplog: pytest.LogCaptureFixture
) -> None:
    mock.replay("createOmniImageTask", (200, "submitted"))
    with caplog.at_level(logging.WARNING, logger="kling"):
        await call(client.omni_images.create("x", model_name="kling-image-o9"))
    assert sent_bodies(mock, "createOmniImageTask")[0]["model_name"] == "kling-image-o9"
    assert any("kling-image-o9" in record.getMessage() for record in caplog.records)


# -- downloads: a series and a multi-shot's views land as named files ----------------------------------------------


def _png(width: int = 8, height: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _api_and_cdn(mock: SpecMock) -> httpx.MockTransport:
    """The SpecMock for the API's host, a PNG for any other (the image host)."""
    api_host = httpx.URL(BASE_URL).host
    api = mock.transport

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == api_host:
            return api.handle_request(request)
        return httpx.Response(200, content=_png(), headers={"content-type": "image/png"})

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("resource", "get_op", "example", "names"),
    [
        ("omni_images", "getOmniImageTask", "series", ["series-0", "series-1"]),
        ("multi_shots", "getMultiShotTask", "succeed", ["0-view-1", "0-view-2", "0-view-3"]),
    ],
)
async def test_downloads_of_series_and_multi_shot_views(
    make: Callable[..., AnyKling],
    mock: SpecMock,
    tmp_path: Path,
    resource: str,
    get_op: str,
    example: str,
    names: list[str],
) -> None:
    client = make(transport=_api_and_cdn(mock))
    mock.replay(get_op, (200, example))
    tasks = getattr(client, resource)
    task = await call(tasks.get("829836802793406601"))
    paths = await call(tasks.download(task, tmp_path))
    assert [p.name for p in paths] == [f"{task.task_id}-{name}.png" for name in names]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)


def test_a_task_of_another_endpoint_is_not_downloaded_as_this_ones(tmp_path: Path) -> None:
    with Kling(api_key="k-" + "0" * 30, base_url="http://127.0.0.1:9") as client:
        task = ImageTask.from_dict({"task_id": "1", "task_status": "succeed", "created_at": 1, "updated_at": 1})
        with pytest.raises(ValidationError, match="must be a MultiShotTask"):
            client.multi_shots.download(task, tmp_path)  # type: ignore[arg-type]


def test_with_options_copies_make_their_own_resources() -> None:
    with Kling(api_key="k-" + "0" * 30, base_url="http://127.0.0.1:9") as client:
        omni = client.omni_images
        copy = client.with_options(max_retries=0)
        assert copy.omni_images is not omni
        assert copy.omni_images._core.max_retries == 0
        assert omni._core.max_retries != 0
        assert copy.account._core.pacer is client.account._core.pacer


async def test_raw_responses_and_request_ids_on_a_new_endpoint(client: AnyKling, mock: SpecMock) -> None:
    mock.replay("getOmniImageTask", (200, "series"))
    raw = await call(client.omni_images.with_raw_response.get("829836802793406601"))
    task = raw.parse()
    assert raw.http_status == 200
    assert raw.request_id == "9b3d6f1a-4c8e-4a2b-b7d9-1e5f3a8c2d06"
    assert isinstance(task, OmniImageTask)
    assert kling.request_id_of(task) == raw.request_id
