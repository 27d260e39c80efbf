"""Tasks on the (fake) clock: statuses, results, queries, the list, and the images served."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from kling_emulator import Emulator, image_size
from PIL import Image, ImageChops, ImageStat
from starlette.applications import Starlette

from .conftest import BASE_URL, GENERATIONS, START, FakeClock, api_client, bearer, png_base64


async def _create(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await client.post(GENERATIONS, json={"prompt": "a lighthouse at dusk", **fields})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def _query(client: httpx.AsyncClient, task_id: str) -> dict[str, Any]:
    response = await client.get(f"{GENERATIONS}/{task_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_a_task_moves_through_its_lifecycle_on_the_clock(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = await _create(client, n=2, external_task_id="order-7")
    task_id = created["task_id"]
    assert created["task_status"] == "submitted"
    assert created["created_at"] == created["updated_at"] == int(START * 1000)
    assert created["task_info"] == {"external_task_id": "order-7"}
    assert len(task_id) == 18
    assert task_id.isdigit()

    clock.advance(1.9)
    assert (await _query(client, task_id))["task_status"] == "submitted"

    clock.advance(0.1)
    processing = await _query(client, task_id)
    assert processing["task_status"] == "processing"
    assert processing["updated_at"] == int((START + 2) * 1000)
    assert "task_result" not in processing

    clock.advance(3)
    done = await _query(client, task_id)
    assert done["task_status"] == "succeed"
    assert done["task_status_msg"] == ""
    assert done["updated_at"] == int((START + 5) * 1000)
    # kling-v3, the default: 8 units ($0.028) an image, two images [official: PRICE].
    assert done["final_unit_deduction"] == "16"
    assert done["final_balance_deduction"] == {"quota": "0.056", "list_price": "0.056"}
    assert done["task_info"] == {"external_task_id": "order-7"}
    images = done["task_result"]["images"]
    assert [image["index"] for image in images] == [0, 1]
    assert images[0]["url"] == f"{BASE_URL}/emulator/images/{task_id}/0.png"
    assert all("watermark_url" not in image for image in images)


async def test_a_task_is_found_by_its_external_id(client: httpx.AsyncClient) -> None:
    created = await _create(client, external_task_id="my order/42")

    # The generated client percent-encodes the id; "/" stays inside one path segment.
    assert (await _query(client, "my%20order%2F42"))["task_id"] == created["task_id"]


async def test_an_unknown_task_is_400_1201(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{GENERATIONS}/000000000000000000")

    assert response.status_code == 400
    assert response.json()["code"] == 1201
    assert response.json()["message"] == "Task not found by id/external id: 000000000000000000"


async def test_the_list_is_newest_first_and_paged(client: httpx.AsyncClient, clock: FakeClock) -> None:
    ids = []
    for _ in range(5):
        ids.append((await _create(client))["task_id"])
        clock.advance(0.001)

    async def page(query: str) -> list[str]:
        response = await client.get(f"{GENERATIONS}?{query}")
        assert response.status_code == 200
        return [task["task_id"] for task in response.json()["data"]]

    assert await page("") == ids[::-1]
    assert await page("pageNum=1&pageSize=2") == [ids[4], ids[3]]
    assert await page("pageNum=2&pageSize=2") == [ids[2], ids[1]]
    assert await page("pageNum=3&pageSize=2") == [ids[0]]
    assert await page("pageNum=4&pageSize=2") == []


async def test_pages_go_up_to_1000(client: httpx.AsyncClient) -> None:
    await _create(client)

    last = await client.get(f"{GENERATIONS}?pageNum=1000&pageSize=500")
    beyond = await client.get(f"{GENERATIONS}?pageNum=1001")

    assert last.status_code == 200
    assert last.json()["data"] == []
    assert beyond.status_code == 400
    assert beyond.json()["code"] == 1201
    assert beyond.json()["message"].startswith("query.pageNum:")


async def test_the_list_shows_current_statuses(client: httpx.AsyncClient, clock: FakeClock) -> None:
    await _create(client)
    clock.advance(10)

    response = await client.get(GENERATIONS)

    assert response.json()["data"][0]["task_status"] == "succeed"
    assert response.json()["data"][0]["task_result"]["images"][0]["url"].startswith(BASE_URL)


@pytest.mark.parametrize("resolution", ["1k", "2k"])
@pytest.mark.parametrize("aspect_ratio", ["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9"])
async def test_images_have_the_size_of_their_ratio_and_resolution(
    client: httpx.AsyncClient, clock: FakeClock, aspect_ratio: str, resolution: str
) -> None:
    created = await _create(client, aspect_ratio=aspect_ratio, resolution=resolution)
    clock.advance(5)
    url = (await _query(client, created["task_id"]))["task_result"]["images"][0]["url"]

    response = await client.get(url)

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "PNG"
        assert image.size == image_size(aspect_ratio, resolution)
    long_side = {"1k": 1024, "2k": 2048}[resolution]
    width, height = (int(part) for part in aspect_ratio.split(":"))
    assert max(image.size) == long_side
    assert abs(image.size[0] / image.size[1] - width / height) < 0.01


def test_documented_sizes() -> None:
    assert image_size("16:9", "1k") == (1024, 576)
    assert image_size("9:16", "2k") == (1152, 2048)
    assert image_size("1:1", "1k") == (1024, 1024)
    assert image_size("21:9", "1k") == (1024, 439)


@pytest.mark.parametrize("model", ["kling-v3", "kling-v2-1"])
async def test_an_input_image_keeps_the_requested_shape(
    client: httpx.AsyncClient, clock: FakeClock, model: str
) -> None:
    created = await _create(client, model_name=model, image=png_base64(600, 300), aspect_ratio="9:16")
    clock.advance(5)
    url = (await _query(client, created["task_id"]))["task_result"]["images"][0]["url"]

    with Image.open(io.BytesIO((await client.get(url)).content)) as image:
        assert image.size == (576, 1024)


# -- what a task costs: the spec's price table (x-kling-pricing) --------------------------------------------

PRICES = [
    # model, with an image?, n, units, USD (capability-and-pricing.md §4: $0.0035 a unit)
    ("kling-v3", False, 1, "8", "0.028"),
    ("kling-v3", True, 1, "8", "0.028"),
    ("kling-v3", False, 9, "72", "0.252"),
    ("kling-v2-1", False, 1, "4", "0.014"),
    ("kling-v2-1", False, 3, "12", "0.042"),
    ("kling-v2-1", True, 2, "16", "0.056"),
]


@pytest.mark.parametrize(("model", "with_image", "n", "units", "usd"), PRICES)
async def test_a_finished_task_is_charged_the_listed_price(
    client: httpx.AsyncClient, clock: FakeClock, model: str, with_image: bool, n: int, units: str, usd: str
) -> None:
    fields: dict[str, Any] = {"model_name": model, "n": n}
    if with_image:
        fields["image"] = png_base64(400, 400)
    created = await _create(client, **fields)
    assert "final_unit_deduction" not in created  # the create answer is a subset (image-endpoints.md §2.3)
    clock.advance(3)
    assert "final_unit_deduction" not in await _query(client, created["task_id"])  # charged once it ends

    clock.advance(2)
    done = await _query(client, created["task_id"])

    assert done["final_unit_deduction"] == units
    assert done["final_balance_deduction"] == {"quota": usd, "list_price": usd}
    assert Decimal(usd) == Decimal(units) * Decimal("0.0035")


async def test_a_failed_task_is_charged_nothing(
    emulator: Emulator, client: httpx.AsyncClient, clock: FakeClock
) -> None:
    emulator.moderate_next()
    created = await _create(client, n=3)
    clock.advance(5)

    failed = await _query(client, created["task_id"])

    assert failed["task_status"] == "failed"
    assert failed["final_unit_deduction"] == "0"
    assert failed["final_balance_deduction"] == {"quota": "0", "list_price": "0"}


async def test_each_image_of_a_task_is_distinct(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = await _create(client, n=3, aspect_ratio="1:1")
    clock.advance(5)
    images = (await _query(client, created["task_id"]))["task_result"]["images"]

    contents = [(await client.get(image["url"])).content for image in images]

    assert len(set(contents)) == 3


async def test_watermark_adds_a_watermarked_variant(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = await _create(client, n=2, watermark_info={"enabled": True})
    clock.advance(5)
    done = await _query(client, created["task_id"])

    assert done["watermark_info"] == {"enabled": True}
    for image in done["task_result"]["images"]:
        assert image["watermark_url"].endswith(f"/{image['index']}-watermark.png")
        plain, marked = (await client.get(image["url"])), (await client.get(image["watermark_url"]))
        assert plain.status_code == marked.status_code == 200
        assert plain.content != marked.content
        with Image.open(io.BytesIO(plain.content)) as original, Image.open(io.BytesIO(marked.content)) as picture:
            assert picture.size == original.size == (1024, 576)
            # Visibly marked: a band across the middle (the label) differs, the top and bottom rows do not.
            difference = ImageChops.difference(original.convert("RGB"), picture.convert("RGB")).convert("L")
            middle = difference.crop((0, 576 * 2 // 5, 1024, 576 * 3 // 5))
            assert ImageStat.Stat(middle).mean[0] > 20
            assert difference.crop((0, 0, 1024, 576 // 5)).getbbox() is None


async def test_watermark_disabled_has_no_watermark_url(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = await _create(client, watermark_info={"enabled": False})
    clock.advance(5)
    done = await _query(client, created["task_id"])

    assert "watermark_url" not in done["task_result"]["images"][0]
    missing = await client.get(f"/emulator/images/{created['task_id']}/0-watermark.png")
    assert missing.status_code == 404


@pytest.mark.parametrize("name", ["1.png", "9.png", "x.png", "-1.png"])
async def test_images_that_do_not_exist_are_404(client: httpx.AsyncClient, clock: FakeClock, name: str) -> None:
    created = await _create(client)
    clock.advance(5)

    response = await client.get(f"/emulator/images/{created['task_id']}/{name}")

    assert response.status_code == 404
    assert response.json()["code"] == 1203


async def test_no_image_before_the_task_succeeds(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = await _create(client)
    clock.advance(3)

    assert (await client.get(f"/emulator/images/{created['task_id']}/0.png")).status_code == 404


async def test_image_urls_follow_the_requests_base_url(app: Starlette, clock: FakeClock) -> None:
    async with api_client(app, bearer(clock)) as client:
        created = await _create(client)
    clock.advance(5)
    other = httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://other.test:8080", headers=bearer(clock)
    )
    async with other:
        url = (await _query(other, created["task_id"]))["task_result"]["images"][0]["url"]

    assert url.startswith("http://other.test:8080/emulator/images/")


async def test_rendered_images_are_cached_within_bounds(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    app = make_app(image_cache_size=2)
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        created = await _create(client, n=4, aspect_ratio="1:1")
        clock.advance(5)
        urls = [image["url"] for image in (await _query(client, created["task_id"]))["task_result"]["images"]]
        first = (await client.get(urls[0])).content
        assert len(emulator.images) == 1
        for url in urls:
            await client.get(url)
        assert len(emulator.images) == 2
        assert (await client.get(urls[0])).content == first  # rendered again, identical
