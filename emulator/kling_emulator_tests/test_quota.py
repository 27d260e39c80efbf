"""The concurrency quota: a task holds a slot per image it makes until it ends; queries take none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from kling_emulator import FAULT_HEADER, Emulator
from starlette.applications import Starlette

from .conftest import (
    CREATE_BODIES,
    ELEMENTS,
    EXPAND,
    GENERATIONS,
    MULTI_IMAGE,
    MULTI_SHOT,
    OMNI,
    FakeClock,
    api_client,
    bearer,
)


async def _create(client: httpx.AsyncClient, n: int, **headers: str) -> httpx.Response:
    return await client.post(GENERATIONS, json={"prompt": "a cat", "n": n}, headers=headers)


def _assert_over_quota(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert response.json()["code"] == 1303
    assert response.json()["message"] == "parallel task over resource pack limit"


async def test_a_task_holds_n_slots_until_it_ends(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    app = make_app(slots=5)
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        assert (await _create(client, 3)).status_code == 200
        _assert_over_quota(await _create(client, 3))
        assert (await _create(client, 2)).status_code == 200
        assert emulator.tasks.slots_in_use == 5
        _assert_over_quota(await _create(client, 1))

        # Queries take no slot, however many.
        for _ in range(20):
            assert (await client.get(GENERATIONS)).status_code == 200

        clock.advance(4.9)  # still processing
        _assert_over_quota(await _create(client, 1))

        clock.advance(0.1)  # both ended: every slot is free again
        assert (await _create(client, 5)).status_code == 200
        assert emulator.tasks.slots_in_use == 5


async def test_nine_images_need_nine_slots(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    async with api_client(make_app(slots=8), bearer(clock)) as client:
        _assert_over_quota(await _create(client, 9))
        assert (await _create(client, 8)).status_code == 200


async def test_a_failed_task_frees_its_slots_too(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    async with api_client(make_app(slots=2), bearer(clock)) as client:
        assert (await _create(client, 2, **{FAULT_HEADER: "moderation"})).status_code == 200
        _assert_over_quota(await _create(client, 1))

        clock.advance(5)

        assert (await _create(client, 2)).status_code == 200


async def test_a_refused_create_creates_nothing(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    async with api_client(make_app(slots=1), bearer(clock)) as client:
        await _create(client, 1)
        _assert_over_quota(await _create(client, 1))

        listed = (await client.get(GENERATIONS)).json()["data"]

    assert len(listed) == 1


# -- every endpoint: what its task holds --------------------------------------------------------------------------

SERIES = {"model_name": "kling-v3-omni", "result_type": "series"}
HELD = [
    # path, fields, slots held
    (OMNI, {"n": 3}, 3),
    (OMNI, {**SERIES, "series_amount": 5, "n": 9}, 5),  # a series: its length (n is ignored)
    (OMNI, {**SERIES, "series_amount": "auto"}, 4),  # "auto": the images it makes, 4 in the emulator
    (OMNI, {"series_amount": 9}, 1),  # a single result: n (series_amount is ignored)
    (MULTI_IMAGE, {"n": 4}, 4),
    (EXPAND, {"n": 2}, 2),
    (MULTI_SHOT, {}, 3),  # three views
    (ELEMENTS, {}, 1),  # no image: one slot, as a video task
]


@pytest.mark.parametrize(("path", "fields", "held"), HELD)
async def test_each_endpoints_task_holds_its_images_slots_until_it_ends(
    make_app: Callable[..., Starlette], clock: FakeClock, path: str, fields: dict[str, Any], held: int
) -> None:
    app = make_app(slots=held + 1)
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        assert (await client.post(path, json={**CREATE_BODIES[path], **fields})).status_code == 200
        assert emulator.tasks.slots_in_use == held
        _assert_over_quota(await client.post(GENERATIONS, json={"prompt": "a cat", "n": 2}))
        assert (await client.post(GENERATIONS, json={"prompt": "a cat", "n": 1})).status_code == 200

        clock.advance(5)
        await client.get(path)
        assert emulator.tasks.slots_in_use == 0


@pytest.mark.parametrize("path", [OMNI, MULTI_IMAGE, EXPAND, MULTI_SHOT, ELEMENTS])
async def test_a_full_quota_refuses_any_create_with_1303(
    make_app: Callable[..., Starlette], clock: FakeClock, path: str
) -> None:
    async with api_client(make_app(slots=1), bearer(clock)) as client:
        assert (await _create(client, 1)).status_code == 200
        _assert_over_quota(await client.post(path, json=CREATE_BODIES[path]))
        listed = (await client.get(path)).json()["data"]
    assert listed == []  # nothing created


async def test_an_auto_series_over_the_quota_is_refused(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    async with api_client(make_app(slots=3), bearer(clock)) as client:
        _assert_over_quota(await client.post(OMNI, json={**CREATE_BODIES[OMNI], **SERIES, "series_amount": "auto"}))
        fixed = {**CREATE_BODIES[OMNI], **SERIES, "series_amount": 3}
        assert (await client.post(OMNI, json=fixed)).status_code == 200
