"""Every endpoint of today's API end to end: the SDK (sync and async) against the local emulator, over HTTP.

What a user runs: generate, wait, download; the images that land on disk are the emulator's PNGs.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from kling import AsyncKling, Kling, element_ids
from kling_api.models import AccountCosts, ElementTask, ImageTask, MultiShotTask, OmniImageTask
from kling_emulator import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, create_app, run_emulator
from PIL import Image

from ._helpers import AnyKling, call, close, image_file_bytes

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    """Tasks end about 0.1 s after creation."""
    with run_emulator(create_app(processing_after=0.05, succeed_after=0.1)) as base_url:
        yield base_url


@pytest.fixture(params=["sync", "async"])
async def client(request: pytest.FixtureRequest, emulator_url: str) -> AsyncIterator[AnyKling]:
    cls: Callable[..., AnyKling] = Kling if request.param == "sync" else AsyncKling
    made = cls(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, base_url=emulator_url)
    yield made
    await close(made)


def size_of(path: Path) -> tuple[int, int]:
    with Image.open(io.BytesIO(path.read_bytes())) as image:
        return image.size


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    path.write_bytes(image_file_bytes(400, 300))
    return path


async def test_omni_image_single_and_series(client: AnyKling, tmp_path: Path) -> None:
    single = await call(client.omni_images.generate("a red fox", deadline=30))
    series = await call(
        client.omni_images.generate(
            "a fox through the seasons",
            model_name="kling-v3-omni",
            aspect_ratio="1:1",
            result_type="series",
            series_amount=3,
            deadline=30,
        )
    )
    paths = await call(client.omni_images.download(series, tmp_path))

    assert isinstance(single, OmniImageTask)
    assert single.task_status == "succeed"
    assert [p.name for p in paths] == [f"{series.task_id}-series-{n}.png" for n in range(3)]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)


async def test_multi_image_from_local_files(client: AnyKling, photo: Path, tmp_path: Path) -> None:
    task = await call(
        client.multi_images.generate(
            "the two of them", subject_image_list=[{"subject_image": photo}, {"subject_image": str(photo)}], deadline=30
        )
    )
    [path] = await call(client.multi_images.download(task, tmp_path / "out"))
    assert isinstance(task, ImageTask)
    assert path.read_bytes().startswith(b"\x89PNG")


async def test_outpainting_extends_the_source_by_its_ratios(client: AnyKling, photo: Path, tmp_path: Path) -> None:
    task = await call(
        client.outpainting.generate(
            photo,
            left_expansion_ratio=0.5,
            right_expansion_ratio=0.5,
            up_expansion_ratio=0,
            down_expansion_ratio=0,
            deadline=30,
        )
    )
    [path] = await call(client.outpainting.download(task, tmp_path / "out"))
    width, height = size_of(path)
    # The source is 400x300: twice as wide, as tall as it was (the emulator reads the Base64 it was sent).
    assert width / height == pytest.approx(800 / 300, rel=0.05)


async def test_multi_shot_downloads_three_views(client: AnyKling, photo: Path, tmp_path: Path) -> None:
    task = await call(client.multi_shots.generate(photo, deadline=30))
    paths = await call(client.multi_shots.download(task, tmp_path))
    assert isinstance(task, MultiShotTask)
    assert [p.name.removeprefix(f"{task.task_id}-") for p in paths][:3] == [
        "0-view-1.png",
        "0-view-2.png",
        "0-view-3.png",
    ]


async def test_an_element_is_made_used_and_deleted(client: AnyKling, photo: Path) -> None:
    made = await call(
        client.elements.generate(
            "Fox",
            element_description="a red fox",
            reference_type="image_refer",
            element_image_list={"frontal_image": photo, "refer_images": [{"image_url": photo}]},
            deadline=30,
        )
    )
    [fox] = element_ids(made)
    image = await call(client.images.generate("the fox in the snow", element_list=[{"element_id": fox}], deadline=30))
    presets = await call(client.elements.list_presets())
    deleted = await call(client.elements.delete(fox))

    assert isinstance(made, ElementTask)
    assert image.task_status == "succeed"
    assert presets
    assert deleted.task_status == "succeed"


async def test_account_costs_in_a_window(client: AnyKling) -> None:
    now = datetime.now(UTC)
    costs: Any = await call(client.account.costs(now - timedelta(days=30), now))
    assert isinstance(costs, AccountCosts)
