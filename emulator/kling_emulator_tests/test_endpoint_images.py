"""The PNGs each endpoint serves: their size, what they are labelled (drawn, and in their text chunks), the prompt
and the endpoint that made them; an outpainting is its source grown by the ratios, the source outlined."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import httpx
import pytest
from kling_emulator._images import ImageRequest, render_png
from PIL import Image, ImageChops
from PIL.PngImagePlugin import PngImageFile

from .conftest import (
    CREATE_BODIES,
    ELEMENTS,
    EXPAND,
    IMAGE_URL,
    MULTI_IMAGE,
    MULTI_SHOT,
    OMNI,
    FakeClock,
    png_base64,
)

WHITE = (255, 255, 255)


async def _finished(client: httpx.AsyncClient, clock: FakeClock, path: str, **fields: Any) -> dict[str, Any]:
    created = await client.post(path, json={**CREATE_BODIES[path], **fields})
    assert created.status_code == 200, created.text
    clock.advance(5)
    response = await client.get(f"{path}/{created.json()['data']['task_id']}")
    assert response.json()["data"]["task_status"] == "succeed"
    data: dict[str, Any] = response.json()["data"]
    return data


async def _png(client: httpx.AsyncClient, url: str) -> PngImageFile:
    """The PNG at ``url``; its ``text`` holds its text chunks (Title: the label, Description: the prompt, ...)."""
    response = await client.get(url)
    assert (response.status_code, response.headers["content-type"]) == (200, "image/png"), response.text
    image = Image.open(io.BytesIO(response.content))
    assert isinstance(image, PngImageFile)
    image.load()
    return image


# -- omni-image: single results and numbered series -------------------------------------------------------------


async def test_an_omni_series_is_numbered_in_series_images(client: httpx.AsyncClient, clock: FakeClock) -> None:
    task = await _finished(
        client,
        clock,
        OMNI,
        model_name="kling-v3-omni",
        result_type="series",
        series_amount=3,
        aspect_ratio="16:9",
        resolution="2k",
        prompt="Three seasons of the garden",
    )
    result = task["task_result"]
    assert result["result_type"] == "series"
    assert "images" not in result
    assert [image["index"] for image in result["series_images"]] == [0, 1, 2]

    images = [await _png(client, image["url"]) for image in result["series_images"]]
    assert [image.text["Title"] for image in images] == ["series 1/3", "series 2/3", "series 3/3"]
    assert {image.size for image in images} == {(2048, 1152)}
    for image in images:
        assert image.text["Description"] == "Three seasons of the garden"
        assert image.text["Source"] == "POST /v1/images/omni-image"
        assert "kling-v3-omni" in image.text["Comment"]
    assert len({image.tobytes() for image in images}) == 3


async def test_an_auto_series_has_four_images(client: httpx.AsyncClient, clock: FakeClock) -> None:
    task = await _finished(client, clock, OMNI, model_name="kling-v3-omni", result_type="series", series_amount="auto")

    series = task["task_result"]["series_images"]
    assert len(series) == 4
    titles = [(await _png(client, image["url"])).text["Title"] for image in series]
    assert titles == ["series 1/4", "series 2/4", "series 3/4", "series 4/4"]


async def test_a_single_omni_result_is_in_images_watermarked_when_asked(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    task = await _finished(client, clock, OMNI, n=2, aspect_ratio="3:2", watermark_info={"enabled": True})

    result = task["task_result"]
    assert (result["result_type"], "series_images" in result) == ("single", False)
    for index, image in enumerate(result["images"]):
        plain, marked = await _png(client, image["url"]), await _png(client, image["watermark_url"])
        assert plain.size == marked.size == (1024, 683)
        assert plain.text["Title"] == f"image {index + 1} of 2"
        assert ImageChops.difference(plain.convert("RGB"), marked.convert("RGB")).getbbox() is not None


async def test_omni_4k_is_4096_pixels_long(client: httpx.AsyncClient, clock: FakeClock) -> None:
    task = await _finished(client, clock, OMNI, model_name="kling-v3-omni", resolution="4k", aspect_ratio="9:16")

    image = await _png(client, task["task_result"]["images"][0]["url"])

    assert image.size == (2304, 4096)


async def test_an_auto_ratio_takes_the_shape_of_the_first_readable_input(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    inputs = [{"image": IMAGE_URL}, {"image": png_base64(600, 300)}]  # a URL is never fetched: the Base64 one decides
    task = await _finished(client, clock, OMNI, image_list=inputs, aspect_ratio="auto")

    assert (await _png(client, task["task_result"]["images"][0]["url"])).size == (1024, 512)


# -- AI Multi-Shot: three labelled views -------------------------------------------------------------------------


async def test_multi_shot_serves_three_labelled_views(client: httpx.AsyncClient, clock: FakeClock) -> None:
    task = await _finished(client, clock, MULTI_SHOT, element_frontal_image=png_base64(400, 800))

    [result_set] = task["task_result"]["images"]
    assert set(result_set) == {"index", "url_1", "url_2", "url_3"}
    assert result_set["index"] == 0
    views = [await _png(client, result_set[f"url_{k}"]) for k in (1, 2, 3)]
    assert [view.text["Title"] for view in views] == ["view 1 of 3", "view 2 of 3", "view 3 of 3"]
    assert {view.size for view in views} == {(512, 1024)}  # the frontal image's shape, at 1K
    assert {view.text["Source"] for view in views} == {"POST /v1/general/ai-multi-shot"}
    assert len({view.tobytes() for view in views}) == 3
    assert (await client.get(result_set["url_3"].replace("/2.png", "/3.png"))).status_code == 404


# -- outpainting: the source grown by the ratios -----------------------------------------------------------------


async def test_an_outpainting_is_its_source_grown_by_the_ratios(client: httpx.AsyncClient, clock: FakeClock) -> None:
    ratios = {"left_expansion_ratio": 0.5, "right_expansion_ratio": 0.25, "up_expansion_ratio": 0.25}
    task = await _finished(client, clock, EXPAND, image=png_base64(600, 400), down_expansion_ratio=0, **ratios)

    image = (await _png(client, task["task_result"]["images"][0]["url"])).convert("RGB")

    assert image.size == (round(600 * 1.75), round(400 * 1.25))  # (1050, 500)
    # The source is outlined where it sits: 300 px in (0.5 of its width), 100 px down (0.25 of its height).
    left, top = 300, 100
    assert image.getpixel((left, top + 200)) == WHITE
    assert image.getpixel((left + 599, top + 200)) == WHITE
    assert image.getpixel((left + 300, top)) == WHITE
    assert image.getpixel((left + 300, top + 399)) == WHITE
    assert image.getpixel((left - 10, top + 200)) != WHITE  # the new area: the gradient
    assert image.getpixel((left + 300, top - 10)) != WHITE


async def test_an_outpainting_of_a_url_is_a_default_canvas_with_the_ratios(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    # CREATE_BODIES' outpainting: up 0.5, left and right 0.25 each, of a URL (never fetched): 1024x1024 assumed.
    task = await _finished(client, clock, EXPAND, n=2)

    images = [await _png(client, image["url"]) for image in task["task_result"]["images"]]
    assert {image.size for image in images} == {(1536, 1536)}
    assert "source 1024x1024 (a URL: not fetched)" in images[0].text["Comment"]
    assert [image.text["Title"] for image in images] == ["image 1 of 2", "image 2 of 2"]


async def test_a_large_outpainting_is_scaled_down_to_the_longest_side_rendered(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    ratios = {f"{side}_expansion_ratio": 0 for side in ("up", "down", "right")}
    task = await _finished(client, clock, EXPAND, image=png_base64(3000, 1500), left_expansion_ratio=1, **ratios)

    image = await _png(client, task["task_result"]["images"][0]["url"])

    assert image.size == (4096, 1024)  # 6000x1500, scaled to 4096 px long


# -- multi-image to image and elements ----------------------------------------------------------------------------


async def test_multi_image_results_have_the_requested_ratio(client: httpx.AsyncClient, clock: FakeClock) -> None:
    task = await _finished(client, clock, MULTI_IMAGE, n=2, aspect_ratio="9:16", prompt="the friends at a picnic")

    images = [await _png(client, image["url"]) for image in task["task_result"]["images"]]
    assert {image.size for image in images} == {(576, 1024)}
    assert images[1].text["Title"] == "image 2 of 2"
    assert images[0].text["Source"] == "POST /v1/images/multi-image2image"


async def test_an_elements_base64_images_are_served_and_its_urls_echoed(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    images = {"frontal_image": png_base64(300, 600), "refer_images": [{"image_url": IMAGE_URL}]}
    task = await _finished(client, clock, ELEMENTS, element_image_list=images)

    [element] = task["task_result"]["elements"]
    frontal = element["element_image_list"]["frontal_image"]
    # Never the megabytes of Base64 again: a URL of the emulator's, serving the image's shape.
    assert frontal.startswith("http://testserver/emulator/images/")
    assert element["element_image_list"]["refer_images"] == [{"image_url": IMAGE_URL}]
    picture = await _png(client, frontal)
    assert (picture.size, picture.text["Title"]) == ((512, 1024), "frontal image")


# -- what a picture shows -----------------------------------------------------------------------------------------

BASE = ImageRequest(
    task_id="829836802793406900",
    index=0,
    width=600,
    height=400,
    prompt="a lighthouse at dusk",
    caption="Kling emulator · /v1/general/ai-multi-shot · 600x400",
    label="view 1 of 3",
    source="POST /v1/general/ai-multi-shot",
)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"prompt": "a red fox in the snow"}, (0, 0, 600, 200)),  # the prompt, from the top
        ({"label": "view 2 of 3"}, (0, 200, 600, 400)),  # the label, above the footer
        ({"caption": "Kling emulator · /v1/images/omni-image · 600x400"}, (0, 300, 600, 400)),  # the endpoint
    ],
)
def test_the_prompt_label_and_endpoint_are_drawn(change: dict[str, Any], where: tuple[int, int, int, int]) -> None:
    base = Image.open(io.BytesIO(render_png(BASE))).convert("RGB")
    changed = Image.open(io.BytesIO(render_png(dataclasses.replace(BASE, **change)))).convert("RGB")

    difference = ImageChops.difference(base, changed).getbbox()

    assert difference is not None
    left, top, right, bottom = where
    # Within the region (the bounding box is left, top, right, bottom).
    assert difference[0] >= left
    assert difference[1] >= top
    assert difference[2] <= right
    assert difference[3] <= bottom
