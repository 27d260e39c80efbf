"""Waiting on a fake clock: soon first poll, growing interval, a deadline, the failure reason surfaced."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import kling
import pytest
from kling._constants import (
    WAIT_FIRST_POLL_SECONDS,
    WAIT_MAX_INTERVAL_SECONDS,
    WAIT_MIN_INTERVAL_SECONDS,
    WAIT_POLL_FRACTION,
)
from kling._wait import next_poll_delay
from kling_api.models import ImageTask, TaskStatus

from testsupport.spec_mock import SpecMock

from ._helpers import GET_TASK, AnyKling, FakeTime, call, checked, example, make_client, operations, task_answer

TASK_PATH = r"^/v1/images/generations/.+$"
TASK_ID = "783510947463159851"


def test_the_poll_interval_starts_short_grows_with_the_wait_and_is_capped() -> None:
    assert next_poll_delay(0.0) == WAIT_FIRST_POLL_SECONDS
    assert next_poll_delay(1.0) == WAIT_MIN_INTERVAL_SECONDS
    assert next_poll_delay(40.0) == pytest.approx(40.0 * WAIT_POLL_FRACTION)
    assert next_poll_delay(10_000.0) == WAIT_MAX_INTERVAL_SECONDS
    delays = [next_poll_delay(t) for t in range(0, 200, 5)]
    assert delays[1:] == sorted(delays[1:])


def _finishing_at(fake_time: FakeTime, finish: float) -> Callable[[httpx.Request], httpx.Response]:
    """A server whose task runs until ``finish`` seconds of fake time."""

    def answer(request: httpx.Request) -> httpx.Response:
        if fake_time.now < 1.0:
            return task_answer("submitted")
        return task_answer("succeed" if fake_time.now >= finish else "processing")

    return answer


@pytest.mark.parametrize("finish", [0.5, 3.0, 17.0, 60.0, 240.0])
async def test_completion_is_noticed_within_a_small_share_of_the_run_time(
    client: AnyKling, mock: SpecMock, fake_time: FakeTime, finish: float
) -> None:
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=_finishing_at(fake_time, finish))
    task = await call(client.images.wait(TASK_ID))
    assert task.task_status == TaskStatus.SUCCEED
    detection_delay = fake_time.now - finish
    assert 0 <= detection_delay <= max(WAIT_MIN_INTERVAL_SECONDS, finish * WAIT_POLL_FRACTION * 1.1)
    assert fake_time.sleeps[0] == WAIT_FIRST_POLL_SECONDS


async def test_on_update_sees_every_poll(client: AnyKling, mock: SpecMock, fake_time: FakeTime) -> None:
    mock.router.get(path__regex=TASK_PATH).mock(
        side_effect=[task_answer("submitted"), task_answer("processing"), task_answer("succeed")]
    )
    seen: list[str] = []
    await call(client.images.wait(TASK_ID, on_update=lambda task: seen.append(str(task.task_status))))
    assert seen == ["submitted", "processing", "succeed"]


async def test_an_async_on_update_is_awaited(mock: SpecMock) -> None:
    client = make_client("async", mock.transport, FakeTime())
    assert isinstance(client, kling.AsyncKling)
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=[task_answer("processing"), task_answer("succeed")])
    seen: list[str] = []

    async def record(task: ImageTask) -> None:
        seen.append(str(task.task_status))

    async with client:
        await client.images.wait(TASK_ID, on_update=record)
    assert seen == ["processing", "succeed"]


async def test_a_failed_task_raises_with_its_reason(client: AnyKling, mock: SpecMock) -> None:
    mock.router.get(path__regex=TASK_PATH).mock(
        side_effect=[task_answer("processing"), checked(GET_TASK, 200, example(GET_TASK, 200, "failed"))]
    )
    with pytest.raises(kling.TaskFailedError) as raised:
        await call(client.images.wait(TASK_ID))
    assert raised.value.task_status_msg == "Failure to pass the risk control system"
    assert raised.value.task.task_status == TaskStatus.FAILED
    assert raised.value.task_id == "783510947463159852"


@pytest.mark.parametrize("deadline", [0.0, 5.0, 30.0, 600.0])
async def test_the_deadline_raises_never_returns(
    client: AnyKling, mock: SpecMock, fake_time: FakeTime, deadline: float
) -> None:
    mock.router.get(path__regex=TASK_PATH).mock(return_value=task_answer("processing"))
    with pytest.raises(kling.TaskTimeoutError) as raised:
        await call(client.images.wait(TASK_ID, deadline=deadline))
    assert (raised.value.task_id, raised.value.last_status) == (TASK_ID, "processing")
    # The last poll happens right at the deadline, not later and not earlier.
    assert fake_time.now == pytest.approx(deadline)
    assert len(operations(mock)) >= 1


async def test_an_unknown_status_keeps_waiting(client: AnyKling, mock: SpecMock) -> None:
    # A status a future API might add: deliberately outside today's spec, so not checked against it.
    future = example(GET_TASK, 200, "processing")
    future["data"]["task_status"] = "queued"
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=[httpx.Response(200, json=future), task_answer("succeed")])
    task = await call(client.images.wait(TASK_ID))
    assert task.task_status == TaskStatus.SUCCEED
    assert len(operations(mock)) == 2


async def test_generate_creates_then_waits(client: AnyKling, mock: SpecMock, fake_time: FakeTime) -> None:
    mock.replay("createImageTask", (200, "submitted"))
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=_finishing_at(fake_time, 12.0))
    task = await call(client.images.generate("a cat", deadline=60))
    assert task.task_status == TaskStatus.SUCCEED
    assert operations(mock)[0] == "createImageTask"


async def test_generate_times_out_with_the_task_id(client: AnyKling, mock: SpecMock) -> None:
    mock.replay("createImageTask", (200, "submitted"))
    mock.router.get(path__regex=TASK_PATH).mock(return_value=task_answer("submitted"))
    with pytest.raises(kling.TaskTimeoutError) as raised:
        await call(client.images.generate("a cat", deadline=10))
    assert (raised.value.task_id, raised.value.last_status) == (TASK_ID, "submitted")
