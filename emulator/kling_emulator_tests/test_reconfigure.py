"""Changing a running app (what kling_testing's fixture does per test): faults, moderation, timeline, slots, keys.

The same app serves before and after each change; reset() undoes them all.
"""

from __future__ import annotations

import httpx
import pytest
from kling_emulator import FAULT_HEADER, Emulator, Fault, FaultConfig
from starlette.applications import Starlette

from .conftest import GENERATIONS, FakeClock, api_client


async def _create(client: httpx.AsyncClient, **body: object) -> httpx.Response:
    return await client.post(GENERATIONS, json={"prompt": "a cat", **body})


async def _status(client: httpx.AsyncClient, task_id: str) -> str:
    status: str = (await client.get(f"{GENERATIONS}/{task_id}")).json()["data"]["task_status"]
    return status


async def test_queued_faults_go_to_the_next_requests_in_order(client: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.queue_fault(Fault(error=5001), times=2)
    emulator.queue_fault(Fault(error=1102))

    codes = [(await client.get(GENERATIONS)).json()["code"] for _ in range(4)]

    assert codes == [5001, 5001, 1102, 0]


async def test_a_requests_header_wins_over_a_queued_fault(client: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.queue_fault(Fault(error=5001))

    answer = await client.get(GENERATIONS, headers={FAULT_HEADER: "error=1102"})

    assert answer.json()["code"] == 1102
    assert (await client.get(GENERATIONS)).json()["code"] == 0  # the queued fault was used up


async def test_a_queued_moderation_fault_fails_that_create(
    client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock
) -> None:
    emulator.queue_fault(Fault(moderation=True))
    task_id = (await _create(client)).json()["data"]["task_id"]
    clock.advance(5)

    assert await _status(client, task_id) == "failed"


async def test_moderate_next_fails_the_next_task_created_whatever_comes_between(
    client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock
) -> None:
    emulator.moderate_next()
    await client.get(GENERATIONS)
    assert (await _create(client, image_reference="subject")).status_code == 400  # refused: nothing created
    moderated = (await _create(client)).json()["data"]["task_id"]
    fine = (await _create(client)).json()["data"]["task_id"]
    clock.advance(5)

    assert [await _status(client, moderated), await _status(client, fine)] == ["failed", "succeed"]


async def test_a_moderation_is_kept_for_the_next_task_when_the_quota_refuses_one(
    client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock
) -> None:
    emulator.reconfigure(slots=1)
    running = (await _create(client)).json()["data"]["task_id"]
    emulator.moderate_next()
    assert (await _create(client)).json()["code"] == 1303
    clock.advance(5)  # the running task ends, its slot is free
    moderated = (await _create(client)).json()["data"]["task_id"]
    clock.advance(5)

    assert [await _status(client, running), await _status(client, moderated)] == ["succeed", "failed"]


async def test_reconfigure_sets_the_timeline_of_new_tasks(
    client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock
) -> None:
    before = (await _create(client)).json()["data"]["task_id"]  # 2 s to processing, 5 s to the end
    emulator.reconfigure(processing_after=0, succeed_after=1)
    after = (await _create(client)).json()["data"]["task_id"]
    clock.advance(1)

    assert [await _status(client, before), await _status(client, after)] == ["submitted", "succeed"]


async def test_reconfigure_sets_app_wide_faults(client: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.reconfigure(faults=FaultConfig(error_rate=1.0, error_codes=(5002,)))

    assert (await client.get(GENERATIONS)).json()["code"] == 5002


@pytest.mark.parametrize(
    "change",
    [
        {"processing_after": 9.0},  # after the current succeed_after (5)
        {"succeed_after": -1.0},
        {"slots": 0},
        {"slots": 5000},  # above max_tasks
    ],
)
async def test_a_refused_change_changes_nothing(
    client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock, change: dict[str, float]
) -> None:
    with pytest.raises(ValueError, match=r"need"):
        emulator.reconfigure(**change)  # type: ignore[arg-type]
    task_id = (await _create(client, n=9)).json()["data"]["task_id"]  # fits the 20 slots still
    clock.advance(5)

    assert await _status(client, task_id) == "succeed"  # the 2 s / 5 s timeline still


async def test_reset_undoes_every_change(client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock) -> None:
    emulator.reconfigure(processing_after=50, succeed_after=60, slots=1, faults=FaultConfig(error_rate=1.0))
    emulator.queue_fault(Fault(error=1102), times=3)
    emulator.moderate_next(3)

    emulator.reset()
    tasks = [(await _create(client, n=4)).json()["data"]["task_id"] for _ in range(5)]  # all 20 slots
    clock.advance(5)

    assert [await _status(client, task_id) for task_id in tasks] == ["succeed"] * 5


async def test_the_api_keys_can_change_while_running_and_reset_restores_them(
    app: Starlette, emulator: Emulator, client: httpx.AsyncClient
) -> None:
    async def answer(api_key: str) -> int:
        async with api_client(app, {"Authorization": f"Bearer {api_key}"}) as other:
            status: int = (await other.get(GENERATIONS)).status_code
            return status

    emulator.set_api_keys(["first-api-key"])
    assert await answer("first-api-key") == 200
    emulator.set_api_keys(["second-api-key"])
    assert (await answer("first-api-key"), await answer("second-api-key")) == (401, 200)
    assert (await client.get(GENERATIONS)).status_code == 200  # the key pair's tokens are untouched
    with pytest.raises(ValueError, match="spaces"):
        emulator.set_api_keys(["has spaces"])
    assert await answer("second-api-key") == 200  # a refused change changes nothing

    emulator.reset()

    assert await answer("second-api-key") == 401
