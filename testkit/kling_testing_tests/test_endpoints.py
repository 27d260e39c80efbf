"""The plugin's emulator serves every endpoint of the spec, not only image generation: a user's code that makes an
omni-image series, an AI Multi-Shot, an element or reads the account is tested with the same fixtures.

Plain HTTP here (``httpx`` with the fixture's ``base_url`` and ``api_key``), as code of a user's own would call an
endpoint; faults, the quota and the rate limit are set through ``kling_emulator`` as for any other test.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from kling_testing import KlingEmulator
from PIL import Image
from PIL.PngImagePlugin import PngImageFile

SERIES = {
    "model_name": "kling-v3-omni",
    "prompt": "Four seasons of the garden in <<<image_1>>>",
    "image_list": [{"image": "https://example.com/garden.png"}],
    "result_type": "series",
    "series_amount": "auto",
}
NOW_MS = int(time.time() * 1000)
WINDOW = {"start_time": NOW_MS - 60_000, "end_time": NOW_MS + 3_600_000}


@pytest.fixture
def http(kling_emulator: KlingEmulator) -> Iterator[httpx.Client]:
    """The emulator's API, with its API key (``Authorization: Bearer <API key>``)."""
    headers = {"Authorization": f"Bearer {kling_emulator.api_key}"}
    with httpx.Client(base_url=kling_emulator.base_url, headers=headers, trust_env=False, timeout=10) as client:
        yield client


def _data(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_an_omni_image_series_is_made_and_its_images_served(kling_emulator: KlingEmulator, http: httpx.Client) -> None:
    created = _data(http.post("/v1/images/omni-image", json={**SERIES, "external_task_id": "my-series"}))

    task = _data(http.get("/v1/images/omni-image/my-series"))  # tasks end at once in the plugin's emulator

    assert task["task_id"] == created["task_id"]
    assert task["task_status"] == "succeed"
    assert task["final_unit_deduction"] == "32"  # 4 images (an "auto" series) of 8 units
    series = task["task_result"]["series_images"]
    assert len(series) == 4
    image = Image.open(io.BytesIO(http.get(series[1]["url"]).content))
    assert isinstance(image, PngImageFile)
    assert image.text["Title"] == "series 2/4"
    assert image.text["Source"] == "POST /v1/images/omni-image"
    assert kling_emulator.task_count == 1


def test_faults_and_the_quota_apply_to_the_new_endpoints(kling_emulator: KlingEmulator, http: httpx.Client) -> None:
    kling_emulator.inject_next(error=5001)
    refused = http.post("/v1/general/ai-multi-shot", json={"element_frontal_image": "https://example.com/front.png"})
    assert (refused.status_code, refused.json()["code"]) == (503, 5001)

    kling_emulator.set_slots(3)  # an "auto" series holds 4
    over = http.post("/v1/images/omni-image", json=SERIES)
    assert (over.status_code, over.json()["code"]) == (429, 1303)
    assert kling_emulator.task_count == 0


def test_the_account_shows_what_the_tasks_took(kling_emulator: KlingEmulator, http: httpx.Client) -> None:
    _data(http.post("/v1/general/ai-multi-shot", json={"element_frontal_image": "https://example.com/front.png"}))

    packs = _data(http.get("/account/costs", params=WINDOW))["resource_pack_subscribe_infos"]
    # At most 1 request a second, as the publisher asks: faster is 429/1302, unless the test turns it off.
    too_fast = http.get("/account/costs", params=WINDOW)
    ledger = _data(http.post("/account/billing/package", json=WINDOW))["result"]["detail"]

    [pack] = [pack for pack in packs if pack["status"] == "online"]
    assert pack["total_quantity"] - pack["remaining_quantity"] == 20  # an AI Multi-Shot call: 20 units
    assert [(entry["product_function"], entry["deduction_amount"]) for entry in ledger] == [("AI Multi-Shot", 20)]
    assert (too_fast.status_code, too_fast.json()["code"]) == (429, 1302)
    kling_emulator.set_qps_limits(False)
    assert http.get("/account/costs", params=WINDOW).status_code == 200


def test_each_test_starts_with_a_full_pack_and_the_rate_limit_on(http: httpx.Client) -> None:
    packs = _data(http.get("/account/costs", params=WINDOW))["resource_pack_subscribe_infos"]
    again = http.get("/account/costs", params=WINDOW)

    assert again.status_code == 429  # on in every test, whatever a test before it turned off
    assert all(pack["remaining_quantity"] == pack["total_quantity"] for pack in packs if pack["status"] == "online")
    assert _data(http.post("/account/billing/balance", json=WINDOW))["result"]["detail"] == []


def test_an_element_is_created_and_deleted(http: httpx.Client) -> None:
    body = {
        "element_name": "Red fox",
        "element_description": "A red fox, cartoon style",
        "reference_type": "image_refer",
        "element_image_list": {
            "frontal_image": "https://example.com/fox-front.png",
            "refer_images": [{"image_url": "https://example.com/fox-side.png"}],
        },
    }
    created = _data(http.post("/v1/general/advanced-custom-elements", json=body))
    task = _data(http.get(f"/v1/general/advanced-custom-elements/{created['task_id']}"))
    [element] = task["task_result"]["elements"]

    assert (
        _data(http.post("/v1/general/delete-elements", json={"element_id": str(element["element_id"])}))["task_status"]
        == "succeed"
    )
    gone = http.post("/v1/general/delete-elements", json={"element_id": str(element["element_id"])})
    assert (gone.status_code, gone.json()["code"]) == (404, 1203)
