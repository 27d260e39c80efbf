"""The concurrency quota: a task holds n slots until it ends; queries take none."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from kling_emulator import FAULT_HEADER, Emulator
from starlette.applications import Starlette

from .conftest import GENERATIONS, FakeClock, api_client, bearer


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
