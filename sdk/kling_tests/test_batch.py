"""The batch scheduler (arun_batch) against a fake account with a slot quota: order, per-item errors, quota, 1303
waits; through the async client's shell and the sync client's (a private event loop in a worker thread, each
create and wait in a thread of it)."""

from __future__ import annotations

import asyncio
import copy
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx
import pytest
from kling import AsyncKling, ContentPolicyError, Kling, KlingError, RateLimitError, TaskFailedError, ValidationError
from kling._batch import QUOTA_FULL_CODE, BatchResult, arun_batch, run_in_private_loop, slots_needed
from kling._constants import BATCH_QUOTA_BACKOFF_MAX_SECONDS
from kling._errors import api_error
from kling_api.models import CreatedImageTask, CreateImageTaskRequest, ImageResult, ImageTask
from kling_api.types import Unset
from kling_emulator import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, create_app, run_emulator
from kling_spec import load_spec

from ._helpers import FakeTime

SPEC = load_spec()
CREATED = SPEC.examples("createImageTask", 200)["submitted"]["data"]
SUCCEEDED = SPEC.examples("getImageTask", 200)["succeed"]["data"]
FAILED = SPEC.examples("getImageTask", 200)["failed"]["data"]


def spec_error(status: int, name: str) -> KlingError:
    """The SDK error for one of the spec's documented error answers."""
    body = SPEC.examples("createImageTask", status)[name]
    return api_error(status, body["code"], body["message"], body["request_id"])


class FakeAccount:
    """A server's view of one account: ``quota`` slots, a task holds ``n`` until it ends.

    ``busy`` slots are held by tasks started elsewhere; they end once the fake clock reaches ``busy_until``.
    A prompt containing "refused" is refused (1301), one containing "fails" ends ``failed``, one containing
    "crash" makes the wait raise a plain RuntimeError (a bug in a user's callback, say), one containing "full"
    is always refused with 1303.
    """

    def __init__(self, quota: int, clock: FakeTime, *, busy: int = 0, busy_until: float = float("inf")) -> None:
        self.quota, self.clock = quota, clock
        self.busy, self.busy_until = busy, busy_until
        self.lock = threading.Lock()
        self.in_use = 0
        self.max_in_use = 0
        self.running: dict[str, int] = {}
        self.created: list[str] = []  # prompts, in creation order
        self.quota_refusals = 0

    def _outside(self) -> int:
        return self.busy if self.clock() < self.busy_until else 0

    def create(self, request: CreateImageTaskRequest) -> CreatedImageTask:
        with self.lock:
            if "refused" in request.prompt:
                raise spec_error(400, "contentSecurity")
            need = slots_needed(request)
            if "full" in request.prompt or self._outside() + self.in_use + need > self.quota:
                self.quota_refusals += 1
                raise spec_error(429, "concurrencyLimit")
            self.in_use += need
            self.max_in_use = max(self.max_in_use, self.in_use)
            task_id = f"task-{len(self.created)}"
            self.created.append(request.prompt)
            self.running[task_id] = need
            return CreatedImageTask.from_dict({**CREATED, "task_id": task_id})

    def finish(self, task_id: str) -> ImageTask:
        with self.lock:
            self.in_use -= self.running.pop(task_id)
            prompt = self.created[int(task_id.removeprefix("task-"))]
        if "crash" in prompt:
            raise RuntimeError("a bug in the caller's on_update")
        if "fails" in prompt:
            raise TaskFailedError(ImageTask.from_dict({**copy.deepcopy(FAILED), "task_id": task_id}))
        return ImageTask.from_dict({**copy.deepcopy(SUCCEEDED), "task_id": task_id})

    # The two flavours of the client's create and wait.

    def wait(self, task_id: str) -> ImageTask:
        time.sleep(0.002)  # real threads: give the others a chance to overlap
        return self.finish(task_id)

    async def acreate(self, request: CreateImageTaskRequest) -> CreatedImageTask:
        await asyncio.sleep(0)
        return self.create(request)

    async def await_(self, task_id: str) -> ImageTask:
        for _ in range(3):
            await asyncio.sleep(0)
        return self.finish(task_id)


def requests(*prompts: str, n: dict[int, int] | None = None) -> list[CreateImageTaskRequest]:
    sizes = n or {}
    made = []
    for index, prompt in enumerate(prompts):
        request = CreateImageTaskRequest(prompt=prompt)
        if index in sizes:
            request.n = sizes[index]
        made.append(request)
    return made


def run(
    flavor: str,
    account: FakeAccount,
    batch: Sequence[CreateImageTaskRequest],
    *,
    slots: int,
    deadline: float = 60.0,
    wait: Callable[[str], ImageTask] | None = None,
) -> list[BatchResult]:
    time_ = account.clock
    if flavor == "sync":
        # As Images.generate_many does: blocking create and wait in the private loop's worker threads.
        sync_wait = wait or account.wait

        async def create(request: CreateImageTaskRequest) -> CreatedImageTask:
            return await asyncio.to_thread(account.create, request)

        async def wait_for(task_id: str) -> ImageTask:
            return await asyncio.to_thread(sync_wait, task_id)

        return run_in_private_loop(
            lambda: arun_batch(
                batch,
                slots=slots,
                create=create,
                wait=wait_for,
                deadline_seconds=deadline,
                clock=time_,
                sleep=time_.async_sleep,
            ),
            workers=max(1, slots),
        )
    return asyncio.run(
        arun_batch(
            batch,
            slots=slots,
            create=account.acreate,
            wait=account.await_,
            deadline_seconds=deadline,
            clock=time_,
            sleep=time_.async_sleep,
        )
    )


@pytest.fixture(params=["sync", "async"])
def flavor(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_results_come_in_input_order_with_per_item_errors(flavor: str, fake_time: FakeTime) -> None:
    account = FakeAccount(quota=20, clock=fake_time)
    batch = requests("a", "b refused", "c", "d fails", "e", "f", "g", n={2: 2, 4: 3})

    results = run(flavor, account, batch, slots=4)

    assert [r.index for r in results] == list(range(len(batch)))
    assert [r.request for r in results] == batch
    assert [r.ok for r in results] == [True, False, True, False, True, True, True]
    assert isinstance(results[1].error, ContentPolicyError)
    assert results[1].task is None
    assert isinstance(results[3].error, TaskFailedError)
    assert results[3].error.task_status_msg == FAILED["task_status_msg"]
    # Each task came back for its own request.
    for result in results:
        if result.task is not None:
            assert account.created[int(result.task.task_id.removeprefix("task-"))] == result.request.prompt
    assert Counter(account.created) == Counter(r.prompt for r in batch if "refused" not in r.prompt)


@pytest.mark.parametrize("slots", [1, 3])
def test_never_more_slots_in_use_than_allowed(flavor: str, fake_time: FakeTime, slots: int) -> None:
    # The server would take 100 slots: only the batch's own limit holds it back.
    account = FakeAccount(quota=100, clock=fake_time)
    sizes = {i: 1 + i % slots for i in range(16)}
    batch = requests(*(f"p{i}" for i in range(16)), n=sizes)

    results = run(flavor, account, batch, slots=slots)

    assert all(r.ok for r in results)
    assert 1 <= account.max_in_use <= slots
    if flavor == "async":  # deterministic scheduling: the batch does fill its slots
        assert account.max_in_use == slots
    assert sorted(account.created) == sorted(r.prompt for r in batch)


def test_a_request_needing_more_slots_than_the_batch_has_is_refused_locally(flavor: str, fake_time: FakeTime) -> None:
    account = FakeAccount(quota=20, clock=fake_time)
    batch = requests("small", "big", "small too", n={1: 4})

    results = run(flavor, account, batch, slots=3)

    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, ValidationError)
    assert results[1].error.field == "n"
    assert "big" not in account.created


def test_a_full_account_is_waited_out_not_reported(flavor: str, fake_time: FakeTime) -> None:
    # Two of the three slots are taken elsewhere until t=30; the batch believes it has three.
    account = FakeAccount(quota=3, clock=fake_time, busy=2, busy_until=30.0)
    batch = requests(*(f"p{i}" for i in range(7)))

    results = run(flavor, account, batch, slots=3, deadline=120.0)

    assert [r.ok for r in results] == [True] * 7, [r.error for r in results]
    assert account.quota_refusals > 0  # the 1303 path did run...
    assert sorted(account.created) == sorted(r.prompt for r in batch)  # ...and no request was created twice
    assert account.max_in_use <= 3
    assert all(delay <= BATCH_QUOTA_BACKOFF_MAX_SECONDS for delay in fake_time.sleeps)


def test_a_1303_past_the_deadline_becomes_the_items_error(flavor: str, fake_time: FakeTime) -> None:
    account = FakeAccount(quota=2, clock=fake_time, busy=2)  # full for good

    results = run(flavor, account, requests("a", "b"), slots=2, deadline=60.0)

    for result in results:
        assert isinstance(result.error, RateLimitError)
        assert result.error.code == QUOTA_FULL_CODE
    assert account.created == []
    # It backed off (growing, capped, jittered) until the deadline, not forever and not in a busy loop.
    assert 2 <= len(fake_time.sleeps) <= 40
    assert fake_time.now >= 60.0
    assert all(0 < delay <= BATCH_QUOTA_BACKOFF_MAX_SECONDS for delay in fake_time.sleeps)


def test_an_exception_that_is_not_a_kling_error_is_raised_and_stops_the_batch(flavor: str, fake_time: FakeTime) -> None:
    account = FakeAccount(quota=20, clock=fake_time)
    batch = requests("a", "b crash", "c", "d", "e")

    with pytest.raises(RuntimeError, match="on_update"):
        run(flavor, account, batch, slots=1)

    assert account.created == ["a", "b crash"]  # nothing started after the crash


def test_the_crash_is_raised_not_the_items_that_gave_up_because_of_it(flavor: str, fake_time: FakeTime) -> None:
    account = FakeAccount(quota=20, clock=fake_time)
    # "a full" sits in its 1303 retry loop, ahead of the crash in input order, when the batch stops.
    batch = requests("a full", "b crash", "c")

    with pytest.raises(RuntimeError, match="on_update"):
        run(flavor, account, batch, slots=2, deadline=1e9)

    assert "c" not in account.created


@pytest.mark.parametrize("slots", [0, -1])
def test_a_batch_without_slots_is_refused(flavor: str, fake_time: FakeTime, slots: int) -> None:
    with pytest.raises(ValidationError, match="concurrency"):
        run(flavor, FakeAccount(quota=20, clock=fake_time), requests("a"), slots=slots)


def test_an_empty_batch_sends_nothing(flavor: str, fake_time: FakeTime) -> None:
    account = FakeAccount(quota=20, clock=fake_time)

    assert run(flavor, account, [], slots=2) == []
    assert account.created == []


def test_batch_result_ok_needs_a_task_and_no_error() -> None:
    request = CreateImageTaskRequest(prompt="x")
    task = ImageTask.from_dict(copy.deepcopy(SUCCEEDED))

    assert BatchResult(0, request, task=task).ok
    assert not BatchResult(0, request, error=spec_error(400, "contentSecurity")).ok
    assert not BatchResult(0, request).ok
    with pytest.raises(AttributeError):
        BatchResult(0, request).index = 1  # type: ignore[misc]


def test_slots_needed_defaults_to_one() -> None:
    assert slots_needed(CreateImageTaskRequest(prompt="x")) == 1
    assert slots_needed(CreateImageTaskRequest(prompt="x", n=4)) == 4


# -- end to end: the real client's generate_many against the emulator with a three-slot account ----------------


def test_a_batch_through_the_client_stays_within_a_small_quota_on_the_emulator(flavor: str, tmp_path: Path) -> None:
    # One clock for the emulator's timeline and the client's sleeps: waiting costs no real time. It starts
    # at the real time because the client signs its tokens with it.
    clock = FakeTime(now=time.time())
    app = create_app(
        keys={DEMO_ACCESS_KEY: DEMO_SECRET_KEY}, slots=3, clock=clock, processing_after=1.0, succeed_after=3.0
    )
    batch = [
        CreateImageTaskRequest(prompt=f"lighthouse {i}", external_task_id=f"batch-{i}", n=1 + i % 2) for i in range(6)
    ]
    with run_emulator(app) as base_url:
        # No retries in the client: every 1303 reaches the batch, which must absorb it.
        if flavor == "sync":
            with Kling(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, base_url=base_url, max_retries=0) as client:
                client._timing = clock.timing()
                client.images.create("started elsewhere, holds two of the three slots", n=2)
                results = client.images.generate_many(batch, concurrency=3, deadline=600)
                saved = client.images.download(results[1].task, tmp_path)  # type: ignore[arg-type]
        else:

            async def go() -> tuple[list[BatchResult], list[Path]]:
                async with AsyncKling(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, base_url=base_url, max_retries=0) as client:
                    client._timing = clock.timing()
                    await client.images.create("started elsewhere, holds two of the three slots", n=2)
                    results = await client.images.generate_many(batch, concurrency=3, deadline=600)
                    return results, await client.images.download(results[1].task, tmp_path)  # type: ignore[arg-type]

            results, saved = asyncio.run(go())

    assert [r.ok for r in results] == [True] * 6, [r.error for r in results]
    tasks = [r.task for r in results if r.task is not None]
    # In input order, each result the task of its own request...
    assert [external_id(task) for task in tasks] == [f"batch-{i}" for i in range(6)]
    assert [len(images(task)) for task in tasks] == [1, 2, 1, 2, 1, 2]
    # ...and the emulator saw each request exactly once (plus the task started elsewhere).
    assert len(app.state.emulator.tasks) == 7
    assert [p.name for p in saved] == [f"{tasks[1].task_id}-0.png", f"{tasks[1].task_id}-1.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in saved)


def external_id(task: ImageTask) -> str | None:
    info = task.task_info
    return None if isinstance(info, Unset) or isinstance(info.external_task_id, Unset) else info.external_task_id


def images(task: ImageTask) -> list[ImageResult]:
    result = task.task_result
    return [] if isinstance(result, Unset) or isinstance(result.images, Unset) else result.images


def test_a_results_repr_leaves_out_the_request_and_its_image_payload() -> None:
    request = CreateImageTaskRequest(prompt="x", image="QUJD" * 1000)

    assert "QUJD" not in repr(BatchResult(3, request, error=spec_error(400, "contentSecurity")))


def test_generate_many_refuses_a_bad_item_before_sending_anything(flavor: str) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    httpx_args = {"transport": httpx.MockTransport(answer)}
    items: list[str | CreateImageTaskRequest] = ["a fox", CreateImageTaskRequest(prompt="an owl", n=10), "a cat"]

    def run() -> None:
        if flavor == "sync":
            with Kling("ak", "s" * 32, base_url="https://api.example", httpx_args=httpx_args) as client:
                client.images.generate_many(items)
            return

        async def go() -> None:
            async with AsyncKling("ak", "s" * 32, base_url="https://api.example", httpx_args=httpx_args) as client:
                await client.images.generate_many(items)

        asyncio.run(go())

    with pytest.raises(ValidationError) as refused:
        run()
    assert refused.value.field == "items[1].n"
    assert "9" in refused.value.rule
    assert sent == []


def test_every_batch_result_names_an_external_task_id_to_come_back_to() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(429, json={"code": 1102, "message": "resource pack depleted", "request_id": "r"})

    with Kling(
        "ak", "s" * 32, base_url="https://api.example", httpx_args={"transport": httpx.MockTransport(answer)}
    ) as client:
        results = client.images.generate_many(["a fox", "an owl"])
    ids = [result.request.external_task_id for result in results]
    assert all(isinstance(value, str) and value.startswith("kling-") for value in ids)
    assert len(set(ids)) == 2
    # The id in the result is the one the server was sent.
    assert sorted(json.loads(request.content)["external_task_id"] for request in sent) == sorted(ids)
