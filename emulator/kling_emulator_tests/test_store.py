"""Memory stays bounded over long runs: finished tasks expire, the store has a maximum size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from kling_emulator import Emulator, EmulatorConfig, create_app
from starlette.applications import Starlette

from .conftest import GENERATIONS, FakeClock, api_client, bearer


async def _create(client: httpx.AsyncClient, **fields: Any) -> str:
    response = await client.post(GENERATIONS, json={"prompt": "a cat", **fields})
    assert response.status_code == 200, response.text
    task_id: str = response.json()["data"]["task_id"]
    return task_id


async def test_finished_tasks_and_their_images_expire(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    app = make_app(task_ttl=60)
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        task_id = await _create(client, external_task_id="order-1")
        clock.advance(5)
        assert (await client.get(f"/emulator/images/{task_id}/0.png")).status_code == 200
        assert len(emulator.images) == 1

        clock.advance(59.9)  # ended 59.9 s ago
        assert (await client.get(f"{GENERATIONS}/{task_id}")).status_code == 200

        clock.advance(0.1)
        assert (await client.get(f"{GENERATIONS}/{task_id}")).status_code == 400
        assert (await client.get(f"{GENERATIONS}/order-1")).status_code == 400
        assert (await client.get(f"/emulator/images/{task_id}/0.png")).status_code == 404
        assert (await client.get(GENERATIONS)).json()["data"] == []
        # The external id is free again.
        await _create(client, external_task_id="order-1")

    assert len(emulator.tasks) == 1
    assert len(emulator.images) == 0


async def test_running_tasks_never_expire(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    app = make_app(task_ttl=1, processing_after=100, succeed_after=200)
    async with api_client(app, bearer(clock)) as client:
        task_id = await _create(client)
        clock.advance(150)

        assert (await client.get(f"{GENERATIONS}/{task_id}")).json()["data"]["task_status"] == "processing"


async def test_the_store_evicts_the_oldest_finished_task(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    app = make_app(max_tasks=3, slots=2)
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        ids = []
        for _ in range(3):
            ids.append(await _create(client))
            clock.advance(10)  # each one ends before the next
        ids.append(await _create(client))

        assert len(emulator.tasks) == 3
        assert (await client.get(f"{GENERATIONS}/{ids[0]}")).status_code == 400
        for task_id in ids[1:]:
            assert (await client.get(f"{GENERATIONS}/{task_id}")).status_code == 200


async def test_running_tasks_are_never_evicted(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    app = make_app(max_tasks=2, slots=2)
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        first = await _create(client)
        clock.advance(10)
        running = await _create(client)
        clock.advance(1)
        newest = await _create(client)  # evicts `first`, the only finished one

        assert (await client.get(f"{GENERATIONS}/{first}")).status_code == 400
        assert (await client.get(f"{GENERATIONS}/{running}")).status_code == 200
        assert (await client.get(f"{GENERATIONS}/{newest}")).status_code == 200
        # Both slots are held by running tasks: the quota answers before the store fills.
        assert (await client.post(GENERATIONS, json={"prompt": "x"})).status_code == 429
    assert len(emulator.tasks) == 2


async def test_a_long_run_stays_bounded(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    app = make_app(max_tasks=50, slots=20, task_ttl=30, image_cache_size=4)
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        for round_number in range(300):
            task_id = await _create(client, external_task_id=f"order-{round_number}", aspect_ratio="1:1")
            clock.advance(1)
            if round_number % 25 == 0:
                clock.advance(5)
                await client.get(f"/emulator/images/{task_id}/0.png")
            assert len(emulator.tasks) <= 50
            assert len(emulator.images) <= 4

    # With a 30 s TTL and one task a second, about 36 are alive; every index agrees.
    assert len(emulator.tasks) <= 50
    assert len(emulator.tasks._by_external_id) == len(emulator.tasks)


@pytest.mark.parametrize(
    "options",
    [
        {"slots": 0},
        {"slots": 10, "max_tasks": 5},
        {"processing_after": 5, "succeed_after": 1},
        {"processing_after": -1},
        {"task_ttl": 0},
        {"image_cache_size": -1},
        {"tick_interval": 0},
        {"keys": {}},
        {"keys": {"access": ""}},
    ],
)
def test_the_config_is_validated(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must|need"):
        create_app(**options)


def test_the_config_never_shows_a_secret() -> None:
    config = EmulatorConfig(keys={"visible-access-key": "hidden-secret-key-value-0123456789"})

    assert "visible-access-key" in repr(config)
    assert "hidden-secret" not in repr(config)
    assert "hidden-secret" not in str(config)


async def test_reset_forgets_everything(make_app: Callable[..., Starlette], clock: FakeClock) -> None:
    app = make_app(slots=2)
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        task_id = await _create(client, n=2, external_task_id="order-1")

        emulator.reset()

        assert emulator.tasks.slots_in_use == 0
        assert len(emulator.tasks) == 0
        assert (await client.get(f"{GENERATIONS}/{task_id}")).status_code == 400
        await _create(client, n=2, external_task_id="order-1")
