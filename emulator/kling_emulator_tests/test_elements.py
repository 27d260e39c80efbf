"""The element library: custom elements created by a task, listed, deleted; the preset elements."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from kling_emulator import FAULT_HEADER

from .conftest import (
    CREATE_BODIES,
    DELETE_ELEMENT,
    ELEMENTS,
    IMAGE_URL,
    OMNI,
    PRESETS,
    SPEC,
    FakeClock,
)

VIDEO_ELEMENT = {
    "element_name": "Presenter",
    "element_description": "The channel's presenter",
    "reference_type": "video_refer",
    "element_video_list": {"refer_videos": [{"video_url": "https://example.com/presenter.mp4"}]},
    "element_voice_id": "829836802793400001",
    "tag_list": [{"tag_id": "o_102"}, {"tag_id": "o_102"}, {"tag_id": "o_101"}],
}


async def _element_task(client: httpx.AsyncClient, clock: FakeClock, **fields: Any) -> dict[str, Any]:
    created = await client.post(ELEMENTS, json={**CREATE_BODIES[ELEMENTS], **fields})
    assert created.status_code == 200, created.text
    clock.advance(5)
    response = await client.get(f"{ELEMENTS}/{created.json()['data']['task_id']}")
    data: dict[str, Any] = response.json()["data"]
    return data


async def _delete(client: httpx.AsyncClient, element_id: Any) -> httpx.Response:
    return await client.post(DELETE_ELEMENT, json={"element_id": element_id})


async def test_an_element_task_lists_the_element_it_created(client: httpx.AsyncClient, clock: FakeClock) -> None:
    images = {"frontal_image": IMAGE_URL, "refer_images": [{"image_url": "https://example.com/side.png"}]}
    created = await client.post(
        ELEMENTS,
        json={
            **CREATE_BODIES[ELEMENTS],
            "element_image_list": images,
            "element_video_list": {"refer_videos": [{"video_url": "https://example.com/ignored.mp4"}]},
            "tag_list": [{"tag_id": "o_103"}],
            "external_task_id": "element-order-1",
        },
    )
    task_id = created.json()["data"]["task_id"]
    clock.advance(2)
    processing = (await client.get(f"{ELEMENTS}/{task_id}")).json()["data"]
    assert processing["task_status"] == "processing"
    assert "task_result" not in processing  # no element before the task succeeds

    clock.advance(3)
    task = (await client.get(f"{ELEMENTS}/element-order-1")).json()["data"]

    assert task["task_id"] == task_id
    assert task["final_unit_deduction"] == "0"
    [element] = task["task_result"]["elements"]
    assert isinstance(element["element_id"], int)
    assert 10**17 <= element["element_id"] < 2**63  # an int64, as element_list takes it
    assert element == {
        "element_id": element["element_id"],
        "element_name": "Red fox",
        "element_description": "A red fox with a white-tipped tail",
        "reference_type": "image_refer",
        "element_image_list": images,
        "element_video_list": {},  # ignored for image_refer (image-endpoints.md §7.1)
        "element_voice_info": {},
        "tag_list": [{"tag_id": "o_103"}],
        "owned_by": 100234,
        "status": "succeed",
    }


async def test_a_video_element_keeps_its_video_voice_and_tags_once(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = await client.post(ELEMENTS, json=VIDEO_ELEMENT)
    clock.advance(5)

    [element] = (await client.get(f"{ELEMENTS}/{created.json()['data']['task_id']}")).json()["data"]["task_result"][
        "elements"
    ]

    assert element["reference_type"] == "video_refer"
    assert element["element_video_list"] == VIDEO_ELEMENT["element_video_list"]
    assert element["element_image_list"] == {}
    assert element["element_voice_info"] == {"voice_id": "829836802793400001"}
    assert element["tag_list"] == [{"tag_id": "o_102"}, {"tag_id": "o_101"}]


async def test_element_tasks_are_listed_newest_first(client: httpx.AsyncClient, clock: FakeClock) -> None:
    first = await _element_task(client, clock, element_name="First")
    second = await _element_task(client, clock, element_name="Second")

    listed = (await client.get(ELEMENTS)).json()["data"]
    names = [task["task_result"]["elements"][0]["element_name"] for task in listed]

    assert [task["task_id"] for task in listed] == [second["task_id"], first["task_id"]]
    assert names == ["Second", "First"]
    assert (await client.get(f"{ELEMENTS}?pageNum=2&pageSize=1")).json()["data"][0]["task_id"] == first["task_id"]


async def test_an_element_is_deleted_once(client: httpx.AsyncClient, clock: FakeClock) -> None:
    task = await _element_task(client, clock)
    element_id = task["task_result"]["elements"][0]["element_id"]
    # Its id's digits, as a string: another spelling of the number names no element.
    assert (await _delete(client, f"0{element_id}")).status_code == 404
    assert (await _delete(client, f" {element_id}")).status_code == 404

    deleted = await _delete(client, str(element_id))

    assert deleted.status_code == 200, deleted.text
    answer = deleted.json()["data"]
    assert answer["task_status"] == "succeed"
    assert answer["task_id"].isdigit()
    assert answer["task_id"] != task["task_id"]
    after = (await client.get(f"{ELEMENTS}/{task['task_id']}")).json()["data"]
    assert after["task_result"]["elements"][0]["status"] == "deleted"
    listed = (await client.get(ELEMENTS)).json()["data"]
    assert listed[0]["task_result"]["elements"][0]["status"] == "deleted"
    # Deleted: no longer an element of the account.
    again = await _delete(client, str(element_id))
    assert (again.status_code, again.json()["code"]) == (404, 1203)
    assert again.json()["message"] == f"requested resource does not exist: element {element_id}"


@pytest.mark.parametrize(
    "element_id", ["829836802793406551", "0829836802793406551", "abc", "", "\uff11\uff12\uff13", "9" * 5000]
)
async def test_an_element_the_account_does_not_have_is_404_1203(client: httpx.AsyncClient, element_id: str) -> None:
    response = await _delete(client, element_id)

    assert (response.status_code, response.json()["code"]) == (404, 1203)
    message = response.json()["message"]
    assert message.startswith("requested resource does not exist: element ")
    assert len(message) < 120


async def test_an_element_not_created_yet_cannot_be_deleted(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = await client.post(ELEMENTS, json=CREATE_BODIES[ELEMENTS])
    clock.advance(2)  # processing: the element does not exist yet
    task = (await client.get(f"{ELEMENTS}/{created.json()['data']['task_id']}")).json()["data"]
    assert "task_result" not in task
    # Its id is not shown until it exists; the one any id names is not there.
    assert (await _delete(client, "1" * 18)).status_code == 404


async def test_a_failed_element_task_creates_no_element(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = await client.post(ELEMENTS, json=CREATE_BODIES[ELEMENTS], headers={FAULT_HEADER: "moderation"})
    clock.advance(5)

    task = (await client.get(f"{ELEMENTS}/{created.json()['data']['task_id']}")).json()["data"]

    assert task["task_status"] == "failed"
    assert "task_result" not in task


# -- the presets ----------------------------------------------------------------------------------------------------


async def test_the_presets_are_the_specs_documented_one_and_a_few_more(client: httpx.AsyncClient) -> None:
    presets = (await client.get(PRESETS)).json()["data"]

    [documented] = SPEC.examples("listPresetElements", 200)["onePage"]["data"]
    assert presets[0] == documented  # element 160, the snow leopard, as documented
    ids = [task["task_result"]["elements"][0]["element_id"] for task in presets]
    assert ids == [160, 161, 162]  # 161: the other element of the spec's omni-image series example
    for task in presets:
        assert "final_unit_deduction" not in task
        assert "final_balance_deduction" not in task
        [element] = task["task_result"]["elements"]
        assert (element["owned_by"], element["status"], task["task_status"]) == ("kling", "succeed", "succeed")
    assert [task["task_id"] for task in (await client.get(f"{PRESETS}?pageNum=2&pageSize=2")).json()["data"]] == [
        presets[2]["task_id"]
    ]
    assert (await client.get(f"{PRESETS}?pageNum=3&pageSize=2")).json()["data"] == []


async def test_a_preset_cannot_be_deleted(client: httpx.AsyncClient) -> None:
    response = await _delete(client, "160")

    assert (response.status_code, response.json()["code"]) == (400, 1201)
    assert response.json()["message"] == "body.element_id: 160 is a preset element: preset elements cannot be deleted"
    listed = (await client.get(PRESETS)).json()["data"]
    assert listed[0]["task_result"]["elements"][0]["status"] == "succeed"


async def test_the_presets_are_usable_in_the_spec_example_that_names_them(client: httpx.AsyncClient) -> None:
    # The spec's omni-image series example names elements 160 and 161: the presets.
    example = SPEC.document["paths"][OMNI]["post"]["requestBody"]["content"]["application/json"]["examples"]
    body = example["seriesWithElements"]["value"]
    presets = (await client.get(PRESETS)).json()["data"]
    preset_ids = {task["task_result"]["elements"][0]["element_id"] for task in presets}

    assert {element["element_id"] for element in body["element_list"]} <= preset_ids
    assert (await client.post(OMNI, json=body)).status_code == 200
