"""Large jobs in the SDK (``generate_many(job=, shard=, max_units=, on_start=, on_result=)``, ``estimate_job``),
sync and async, against the emulator (which checks every request against the spec) on a fake clock: each item's
stable external_task_id, lookups before creates, a duplicate found instead of failing, shards, the budget, and
the estimate against what the emulator charges."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import kling
import pytest
from kling import BatchResult, BudgetExceededError, InvalidRequestError, ItemStarted, ValidationError
from kling._jobs import item_external_task_id, parse_shard, plan_items
from kling_api.models import CreateImageTaskRequest
from kling_emulator import Emulator, create_app, run_emulator
from kling_spec import SDK_MAX_ID_CHARS

from testsupport.spec_mock import ACCESS_KEY, SECRET_KEY, SpecMock

from ._helpers import (
    CREATE_TASK,
    GET_TASK,
    SPEC,
    AnyKling,
    FakeTime,
    Flavor,
    b64,
    call,
    checked,
    close,
    error_body,
    example,
    image_file_bytes,
    make_client,
    operations,
)

GENERATIONS = "/v1/images/generations"


@dataclass
class Recorder(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps the emulator's transport: records each API request as "POST" or "GET", and runs ``before`` (when
    set) ahead of each one, as another process acting on the same account would."""

    inner: Any
    seen: list[str] = field(default_factory=list)
    before: Callable[[httpx.Request], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _note(self, request: httpx.Request) -> None:
        if request.url.path.startswith(GENERATIONS):
            with self.lock:
                self.seen.append(request.method)
        if self.before is not None:
            self.before(request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._note(request)
        response: httpx.Response = self.inner.handle_request(request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._note(request)
        response: httpx.Response = await self.inner.handle_async_request(request)
        return response


@dataclass
class Server:
    emulator: Emulator
    recorder: Recorder
    client: AnyKling
    make: Callable[[], AnyKling]

    def tasks(self) -> list[Any]:
        return self.emulator.tasks.page(1, 10_000, now=self.emulator.now())

    def tasks_by_external_id(self) -> Counter[str]:
        return Counter(str(task.spec.external_task_id) for task in self.tasks())

    def charged(self) -> Decimal:
        """What the emulator charged: the sum of final_unit_deduction over its tasks, as its answers carry it."""
        now = self.emulator.now()
        return sum((Decimal(task.view(now, "http://x")["final_unit_deduction"]) for task in self.tasks()), Decimal(0))


@pytest.fixture
async def server(flavor: Flavor) -> AsyncIterator[Server]:
    fake = FakeTime(now=time.time())
    app = create_app(keys={ACCESS_KEY: SECRET_KEY}, clock=fake, slots=4, tick_interval=None)
    emulator: Emulator = app.state.emulator
    made: list[AnyKling] = []
    with _serve(flavor, app) as (base_url, inner):
        recorder = Recorder(inner)

        def make() -> AnyKling:
            client = make_client(flavor, recorder, fake, base_url=base_url)
            made.append(client)
            return client

        try:
            yield Server(emulator, recorder, make(), make)
        finally:
            for client in made:
                await close(client)


@contextmanager
def _serve(flavor: Flavor, app: Any) -> Iterator[tuple[str, Any]]:
    if flavor == "async":
        yield "http://testserver", httpx.ASGITransport(app)
        return
    with run_emulator(app) as base_url, httpx.HTTPTransport() as transport:
        yield base_url, transport


PROMPTS = [f"catalogue item {number}: a ceramic vase" for number in range(6)]


# -- ids -----------------------------------------------------------------------------------------------------------


def test_an_items_id_is_the_job_its_number_and_a_hash_of_its_request() -> None:
    request = CreateImageTaskRequest(prompt="a red fox")
    external = item_external_task_id("catalogue-2026-12", 17, request)
    assert external.startswith("catalogue-2026-12-17-")
    assert len(external.rsplit("-", 1)[1]) == 16
    # The same job and item, built anew (another run, another machine): the same id.
    assert item_external_task_id("catalogue-2026-12", 17, CreateImageTaskRequest(prompt="a red fox")) == external
    # Another job, position or request: another id.
    others = {
        item_external_task_id("catalogue-2027-01", 17, request),
        item_external_task_id("catalogue-2026-12", 18, request),
        item_external_task_id("catalogue-2026-12", 17, CreateImageTaskRequest(prompt="a red fox", n=2)),
        item_external_task_id("catalogue-2026-12", 17, CreateImageTaskRequest(prompt="a red fox ")),
    }
    assert external not in others
    assert len(others) == 4


def test_the_id_ignores_an_earlier_external_task_id_and_stays_short() -> None:
    request = CreateImageTaskRequest(prompt="a fox")
    with_id = CreateImageTaskRequest(prompt="a fox", external_task_id="whatever")
    assert item_external_task_id("j", 0, request) == item_external_task_id("j", 0, with_id)
    longest = item_external_task_id("j" * 64, 2**63 - 1, CreateImageTaskRequest(prompt="p" * 2500))
    assert len(longest) <= 101 <= SDK_MAX_ID_CHARS


def test_the_ids_are_what_the_sdk_sends_whatever_form_the_item_takes() -> None:
    as_prompt, as_dict, as_request = plan_items(
        {0: "a fox", 1: {"prompt": "a fox", "n": 2}, 2: CreateImageTaskRequest(prompt="a fox")}, {}, job="j"
    )
    assert as_prompt.external_task_id == item_external_task_id("j", 0, CreateImageTaskRequest(prompt="a fox"))
    assert as_dict.external_task_id == item_external_task_id("j", 1, CreateImageTaskRequest(prompt="a fox", n=2))
    assert as_request.external_task_id == item_external_task_id("j", 2, CreateImageTaskRequest(prompt="a fox"))
    assert as_prompt.request.external_task_id == as_prompt.external_task_id


@pytest.mark.parametrize(
    ("job", "rule"),
    [
        ("", "must be 1 to 64"),
        ("a/b", "must be 1 to 64"),
        ("-leading", "must be 1 to 64"),
        ("x" * 65, "must be 1 to 64"),
        (7, "must be a name"),
    ],
)
def test_a_job_name_is_checked(job: object, rule: str) -> None:
    with pytest.raises(ValidationError) as refused:
        kling.Kling(ACCESS_KEY, SECRET_KEY).images.generate_many(["a"], job=job)  # type: ignore[arg-type]
    assert refused.value.field == "job"
    assert rule in refused.value.rule


@pytest.mark.parametrize(
    ("shard", "expected"), [("1/3", (1, 3)), ("3/3", (3, 3)), ((2, 5), (2, 5)), (" 1/1 ", (1, 1)), (None, None)]
)
def test_shards_parse(shard: object, expected: tuple[int, int] | None) -> None:
    assert parse_shard(shard) == expected


@pytest.mark.parametrize("shard", ["0/3", "4/3", "1/0", "1-3", "a/b", "\uff11/3", (0, 1), (True, 2), 3])
def test_bad_shards_are_refused(shard: object) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_shard(shard)
    assert refused.value.field == "shard"


@pytest.mark.parametrize(
    ("options", "field_name"),
    [
        ({"shard": "1/2"}, "shard"),  # without job=, machines sharing the items would create them twice
        ({"max_units": -1}, "max_units"),
        ({"max_units": float("nan")}, "max_units"),
        ({"max_units": "10"}, "max_units"),
        ({"on_result": "print"}, "on_result"),
    ],
)
def test_job_options_are_checked_before_anything_is_sent(options: dict[str, Any], field_name: str) -> None:
    mock = SpecMock(SPEC)
    with (
        kling.Kling(ACCESS_KEY, SECRET_KEY, httpx_args={"transport": mock.transport}) as client,
        pytest.raises(ValidationError) as refused,
    ):
        client.images.generate_many(["a"], **options)
    assert refused.value.field == field_name
    assert mock.requests == []


def test_items_are_checked_first_and_named_by_their_number() -> None:
    with pytest.raises(ValidationError) as refused:
        plan_items({3: "fine", 8: {"prompt": "a", "n": 12}}, {}, job="j")
    assert refused.value.field == "items[8].n"
    with pytest.raises(ValidationError) as refused:
        plan_items([{"n": 2}], {}, job="j")
    assert refused.value.field == "items[0].prompt"
    with pytest.raises(ValidationError) as refused:
        plan_items(["a", CreateImageTaskRequest(prompt="b", external_task_id="mine"), {"prompt": "c",
                    "external_task_id": "mine"}], {}, job="j")  # fmt: skip
    assert refused.value.field == "items[2].external_task_id"


def test_without_job_options_dict_items_and_numbered_items_are_refused() -> None:
    with kling.Kling(ACCESS_KEY, SECRET_KEY) as client:
        with pytest.raises(ValidationError) as refused:
            client.images.generate_many([{"prompt": "a"}])
        assert refused.value.field == "items[0]"
        with pytest.raises(ValidationError) as refused:
            client.images.generate_many({0: "a"})
        assert refused.value.field == "items"


# -- against the emulator --------------------------------------------------------------------------------------------


async def test_a_job_creates_each_item_once_and_a_second_run_only_queries(server: Server) -> None:
    first = await call(server.client.images.generate_many(PROMPTS, job="vases", concurrency=3))

    assert [result.index for result in first] == list(range(6))
    assert all(result.ok for result in first), [result.error for result in first]
    ids = [str(result.request.external_task_id) for result in first]
    assert ids == [item_external_task_id("vases", n, CreateImageTaskRequest(prompt=p)) for n, p in enumerate(PROMPTS)]
    assert server.tasks_by_external_id() == Counter(ids)
    # Each item: looked up (not found), created; then polled.
    assert server.recorder.seen.count("POST") == 6

    server.recorder.seen.clear()
    again = await call(server.make().images.generate_many(PROMPTS, job="vases", concurrency=3))

    # Found by its id and taken as it is (it ended): one query per item, no create, no wait.
    assert server.recorder.seen == ["GET"] * 6
    assert [result.task.task_id for result in again if result.task] == [r.task.task_id for r in first if r.task]
    assert server.tasks_by_external_id() == Counter(ids)


async def test_without_job_nothing_is_looked_up_and_ids_are_fresh(server: Server) -> None:
    results = await call(server.client.images.generate_many(PROMPTS[:2], concurrency=2))
    assert all(result.ok for result in results)
    assert server.recorder.seen[0] == "POST"  # no lookup first
    assert server.recorder.seen.count("POST") == 2
    assert all(str(result.request.external_task_id).startswith("kling-") for result in results)


async def test_a_running_task_of_the_job_is_waited_for_not_created_again(server: Server) -> None:
    external = item_external_task_id("vases", 1, CreateImageTaskRequest(prompt=PROMPTS[1]))
    existing = server.emulator.create_task({"prompt": PROMPTS[1], "external_task_id": external}, base_url="")
    started: list[ItemStarted] = []

    results = await call(server.client.images.generate_many(PROMPTS[:3], job="vases", on_start=started.append))

    assert all(result.ok for result in results)
    assert results[1].task is not None
    assert results[1].task.task_id == existing.task_id
    assert len(server.tasks()) == 3
    assert server.recorder.seen.count("POST") == 2
    by_index = {item.index: item for item in started}
    assert by_index[1].found
    assert by_index[1].task_id == existing.task_id
    assert not by_index[0].found


async def test_a_create_refused_as_a_duplicate_is_found_and_waited_for(server: Server) -> None:
    """Another process creates the item between this one's lookup and its create: the create answers 400/1201
    (a duplicate external_task_id), and the task is looked up and waited for instead of being an error."""
    external = item_external_task_id("race", 0, CreateImageTaskRequest(prompt="raced"))
    raced: list[str] = []

    def other_process(request: httpx.Request) -> None:
        if request.method == "POST" and not raced:
            raced.append(
                server.emulator.create_task({"prompt": "raced", "external_task_id": external}, base_url="").task_id
            )

    server.recorder.before = other_process
    [result] = await call(server.client.images.generate_many(["raced"], job="race"))

    assert result.ok, result.error
    assert result.task is not None
    assert result.task.task_id == raced[0]
    assert server.tasks_by_external_id() == Counter({external: 1})
    assert server.recorder.seen[:3] == ["GET", "POST", "GET"]  # lookup, refused create, lookup


async def test_a_1201_that_is_no_duplicate_is_the_items_error(client: AnyKling, mock: SpecMock) -> None:
    mock.router.post(GENERATIONS).mock(return_value=checked(CREATE_TASK, 400, error_body(1201, "bad parameter")))
    mock.router.get(path__regex=rf"^{GENERATIONS}/.+$").mock(
        return_value=checked(GET_TASK, 400, example(GET_TASK, 400, "taskNotFound"))
    )
    [result] = await call(client.images.generate_many(["a fox"], job="j"))

    assert isinstance(result.error, InvalidRequestError)
    assert result.error.code == 1201
    assert operations(mock) == [GET_TASK, CREATE_TASK, GET_TASK]


async def test_numbered_items_and_shards_keep_the_items_numbers(server: Server) -> None:
    results = await call(server.client.images.generate_many(PROMPTS, job="vases", shard="2/3"))
    assert [result.index for result in results] == [1, 4]
    numbered = await call(server.make().images.generate_many({1: PROMPTS[1], 5: PROMPTS[5]}, job="vases"))
    assert [result.index for result in numbered] == [1, 5]
    # Item 1 is the same task both times (same job, number and request); item 5 is new.
    assert numbered[0].task is not None
    assert results[0].task is not None
    assert numbered[0].task.task_id == results[0].task.task_id
    assert len(server.tasks()) == 3


async def test_dict_items_carry_their_own_fields(server: Server) -> None:
    items: list[dict[str, Any]] = [
        {"prompt": "a square vase", "aspect_ratio": "1:1", "n": 2},
        {"prompt": "an old vase", "model_name": "kling-v2-1", "resolution": "2k"},
    ]
    results = await call(server.client.images.generate_many(items, job="mixed", aspect_ratio="9:16"))
    assert all(result.ok for result in results)
    specs = {task.spec.prompt: task.spec for task in server.tasks()}
    assert (specs["a square vase"].aspect_ratio, specs["a square vase"].n) == ("1:1", 2)
    assert (specs["an old vase"].model_name, specs["an old vase"].resolution) == ("kling-v2-1", "2k")
    assert specs["an old vase"].aspect_ratio == "9:16"  # the call's fields apply where the item says nothing


async def test_the_estimate_is_what_the_emulator_charges(server: Server) -> None:
    image = b64(image_file_bytes(400, 400))
    items: list[str | dict[str, Any]] = [
        "a fox",
        {"prompt": "two foxes", "n": 2},
        {"prompt": "a fox, 2.1", "model_name": "kling-v2-1", "n": 3},
        {"prompt": "this fox, again", "model_name": "kling-v2-1", "image": image},
        {"prompt": "a fox in 2k", "resolution": "2k", "n": 1},
    ]
    estimate = kling.estimate_job(items)
    assert (estimate.tasks, estimate.images, estimate.units) == (5, 8, 8 + 16 + 12 + 8 + 8)
    assert estimate.usd == Decimal("0.0035") * 52
    assert estimate.complete

    results = await call(server.client.images.generate_many(items, job="priced", concurrency=4))

    assert all(result.ok for result in results)
    assert server.charged() == estimate.units
    assert sum(Decimal(str(result.task.final_unit_deduction)) for result in results if result.task) == 52


def test_an_unknown_models_price_is_unknown() -> None:
    estimate = kling.estimate_job(["a", {"prompt": "b", "model_name": "kling-v9", "n": 2}])
    assert estimate.units == 8
    assert estimate.unpriced == (1,)
    assert not estimate.complete
    assert estimate.models["kling-v9"].units is None
    assert estimate.models["kling-v9"].images == 2
    assert estimate.models["kling-v3"].units == 8


async def test_the_budget_stops_new_creates_and_lets_running_tasks_finish(server: Server) -> None:
    # 8 units a task: three fit in 28 units, the fourth would make 32.
    results = await call(server.client.images.generate_many(PROMPTS, job="budget", concurrency=4, max_units=28))

    assert [result.ok for result in results] == [True, True, True, False, False, False]
    assert len(server.tasks()) == 3
    assert server.charged() == 24
    first_refused = results[3].error
    assert isinstance(first_refused, BudgetExceededError)
    assert "would pass max_units=28" in str(first_refused)
    assert first_refused.units_committed == 24
    assert first_refused.units_needed == 8
    assert first_refused.max_units == 28
    assert all("stopped creating tasks at max_units=28" in str(result.error) for result in results[4:])

    # Again with room for everything: the three are found, the others created; nothing twice.
    server.recorder.seen.clear()
    again = await call(server.make().images.generate_many(PROMPTS, job="budget", concurrency=4, max_units=48))
    assert all(result.ok for result in again)
    assert server.recorder.seen.count("POST") == 3
    assert server.tasks_by_external_id() == Counter(str(result.request.external_task_id) for result in again)


async def test_once_the_budget_refuses_a_task_no_later_one_is_created_even_a_smaller_one(server: Server) -> None:
    items: list[Any] = [PROMPTS[0], PROMPTS[1], {"prompt": PROMPTS[2], "n": 3}, PROMPTS[3]]
    # 8 + 8 fit in 24; the third needs 24 more and is refused; the fourth (8) would fit, but the batch stopped.
    results = await call(server.client.images.generate_many(items, job="stop", concurrency=4, max_units=24))

    assert [result.ok for result in results] == [True, True, False, False]
    assert "would pass max_units=24" in str(results[2].error)
    assert "stopped creating tasks" in str(results[3].error)
    assert len(server.tasks()) == 2


async def test_the_budget_counts_the_tasks_found_and_refuses_an_unknown_price(server: Server) -> None:
    await call(server.client.images.generate_many(PROMPTS[:2], job="found", concurrency=2))
    # 16 units were spent by the two found tasks: 20 leaves room for none of the new ones.
    results = await call(server.make().images.generate_many(PROMPTS[:4], job="found", max_units=20))
    assert [result.ok for result in results] == [True, True, False, False]
    assert len(server.tasks()) == 2

    [unknown] = await call(
        server.make().images.generate_many([{"prompt": "x", "model_name": "kling-v9"}], max_units=99)
    )
    assert isinstance(unknown.error, BudgetExceededError)
    assert unknown.error.units_needed is None
    assert "no known price" in str(unknown.error)


async def test_the_hooks_see_each_item_start_and_end(server: Server, flavor: Flavor) -> None:
    started: list[ItemStarted] = []
    ended: list[BatchResult] = []
    threads: set[str] = set()

    def on_result(result: BatchResult) -> Any:
        threads.add(threading.current_thread().name)
        ended.append(result)
        if flavor == "async":
            return asyncio.sleep(0)  # an awaitable is awaited
        return None

    results = await call(
        server.client.images.generate_many(
            PROMPTS[:4], job="hooks", concurrency=2, on_start=started.append, on_result=on_result
        )
    )
    assert sorted(item.index for item in started) == [0, 1, 2, 3]
    assert all(not item.found and item.status == "submitted" for item in started)
    assert sorted(result.index for result in ended) == [0, 1, 2, 3]
    assert {result.task.task_id for result in ended if result.task} == {r.task.task_id for r in results if r.task}
    if flavor == "sync":
        assert threads
        assert threading.main_thread().name not in threads


def test_two_clients_running_the_same_job_at_once_create_each_item_once() -> None:
    """Two machines, one account: the whole job beside its second half (overlapping shards), at the same time,
    on real threads against one emulator; each item has one task."""
    app = create_app(keys={ACCESS_KEY: SECRET_KEY}, processing_after=0.05, succeed_after=0.2, slots=20)
    emulator: Emulator = app.state.emulator
    prompts = [f"shared item {number}" for number in range(12)]
    outcomes: dict[str, list[BatchResult]] = {}
    with run_emulator(app) as base_url:

        def machine(name: str, **options: Any) -> None:
            with kling.Kling(ACCESS_KEY, SECRET_KEY, base_url=base_url) as client:
                outcomes[name] = client.images.generate_many(prompts, job="shared", concurrency=6, **options)

        threads = [
            threading.Thread(target=machine, args=("all",)),
            threading.Thread(target=machine, args=("half",), kwargs={"shard": "2/2"}),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        tasks = emulator.tasks.page(1, 1000, now=time.time())

    assert all(result.ok for result in outcomes["all"] + outcomes["half"])
    assert Counter(task.spec.prompt for task in tasks) == Counter(prompts)
    shared = {r.index: r.task.task_id for r in outcomes["half"] if r.task}
    assert shared == {r.index: r.task.task_id for r in outcomes["all"] if r.task and r.index % 2 == 1}
