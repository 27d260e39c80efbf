"""The fault-injection suite: the SDK against the in-process emulator while it injects faults.

Each scenario runs a batch of tasks (``generate_many``) through the sync client (``Kling``, over a real
loopback socket: ``run_emulator``) or the async one (``AsyncKling``, in process: ``httpx.ASGITransport``),
while the emulator answers some requests with a fault. Faults target creates or queries separately: a request
event hook of the client sets the emulator's ``X-Kling-Emulator-Fault`` header on the requests a scenario
picks, deterministically (the first ``k`` attempts of each task, ``k`` drawn from a hash of its id), so the
figures do not depend on thread scheduling.

What really happened is counted on the server side: the tasks in the emulator's store, by prompt (every
requested task has its own), and the create requests it received. A run passes when every requested task is
accounted for (its succeeded task, or a typed ``KlingError`` naming it: a ``TaskError`` carries the task id,
any other error belongs to a request carrying its ``external_task_id``) and the server holds exactly one task
per task the client got back, never two for one request.

Time runs ``SPEED`` times faster than real time for everyone (SDK polling and backoff, the auth plugin's
token clock, the emulator's task timeline), so a task's seconds cost milliseconds; read timeouts and injected
latencies stay real (they are what the network does). Run it with ``python -m contract_tests.faults`` (``make
faults``) for the summary table; ``contract_tests/test_faults.py`` runs the same scenarios under pytest.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from kling import AsyncKling, BatchResult, Kling, KlingError, TaskError, TaskFailedError, TaskTimeoutError
from kling._retry import Timing
from kling_api.models import CreateImageTaskRequest, CreateMultiImageToImageTaskRequest, CreateOmniImageTaskRequest
from kling_auth import KlingAuth
from kling_emulator import FAULT_HEADER, ConnectionDropped, create_app, run_emulator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Mode = Literal["sync", "async"]
MODES: tuple[Mode, ...] = ("sync", "async")

ACCESS_KEY = "faults-access-key"
SECRET_KEY = "faults-secret-key-of-at-least-32-bytes"
START = 1_750_000_000.0
#: Simulated seconds per real second.
SPEED = 100.0
GENERATIONS = "/v1/images/generations"
#: The task endpoints a scenario may run on (``Scenario.resource``): the SDK's resource and its path. The endpoints
#: share one core (flows, drivers, retries): a representative few of the faults run on the newer ones.
PATHS = {
    "images": GENERATIONS,
    "omni_images": "/v1/images/omni-image",
    "multi_images": "/v1/images/multi-image2image",
}
MODERATION_MESSAGE = "Failure to pass the risk control system"
#: Attempts per call the SDK makes (max_retries=2): a task whose first 3 attempts fail gets a typed error.
MAX_RETRIES = 2

#: Decides the fault header of one request: (the task's key, how many requests of this kind it sent before).
FaultRule = Callable[[str, int], str | None]


# -- time ------------------------------------------------------------------------------------------------------


class SimClock:
    """Unix time running ``speed`` times faster than real time, plus jumps; thread-safe.

    One instance drives the SDK's waits and backoffs, the auth plugin's token times and (offset by
    ``skew``) the emulator's, so a wait of 600 s takes 6 s... of simulated time only.
    """

    def __init__(self, start: float = START, speed: float = SPEED) -> None:
        self._start = start
        self._speed = speed
        self._origin = time.monotonic()
        self._jumped = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._start + self._jumped + (time.monotonic() - self._origin) * self._speed

    def jump(self, seconds: float) -> None:
        with self._lock:
            self._jumped += seconds

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds) / self._speed)

    async def async_sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self._speed)

    def skewed(self, seconds: float) -> Callable[[], float]:
        """This clock, ``seconds`` ahead (negative: behind): another machine's clock."""
        return lambda: self() + seconds


# -- fault rules -----------------------------------------------------------------------------------------------


def _draw(key: str, salt: str, weights: Sequence[int]) -> int:
    """A deterministic pick in range(len(weights)) for ``key``, weighted."""
    digest = hashlib.sha256(f"{salt}/{key}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") % sum(weights)
    for value, weight in enumerate(weights):
        if point < weight:
            return value
        point -= weight
    raise AssertionError("unreachable")  # pragma: no cover


def first_attempts(directives: Sequence[str], weights: Sequence[int], salt: str) -> FaultRule:
    """The first ``k`` requests of each task get a fault, ``k`` drawn with ``weights`` (k = 0, 1, 2...);
    the directives take turns (5000, 5001, 5002...)."""

    def rule(key: str, attempt: int) -> str | None:
        if attempt >= _draw(key, salt, weights):
            return None
        return directives[(attempt + _draw(key, salt + "/turn", [1] * len(directives))) % len(directives)]

    return rule


def every_nth(directive: str, n: int) -> FaultRule:
    """The first request of every ``n``-th task (by the number its prompt ends with) gets the fault."""

    def rule(key: str, attempt: int) -> str | None:
        return directive if attempt == 0 and int(key.rsplit(" ", 1)[-1]) % n == 0 else None

    return rule


# -- scenarios -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One fault family: what goes wrong, on which operation, and what the run must show besides the rules."""

    name: str
    target: str  # "create", "query", "both", "auth", "task"
    create: FaultRule | None = None
    query: FaultRule | None = None
    tasks: int = 50
    concurrency: int = 10
    server_slots: int = 100
    processing_after: float = 1.0
    succeed_after: float = 3.0
    wait_timeout: float = 600.0
    #: Real seconds the client waits for an answer (None: the SDK's default).
    read_timeout: float | None = None
    #: The server's clock minus the client's, seconds.
    server_skew: float = 0.0
    #: Jump everyone's clock by this many seconds every ``jump_every`` real seconds while the batch runs.
    jump: float = 0.0
    jump_every: float = 0.04
    #: Extra checks of the outcome; each returns what is wrong.
    expect: Callable[[Run], list[str]] = lambda run: []
    #: The SDK resource (and so the endpoint) the batch runs on: a key of PATHS.
    resource: str = "images"


@dataclass
class Run:
    """What one scenario run produced, seen from both sides."""

    scenario: Scenario
    mode: Mode
    results: list[BatchResult]
    #: Requests the client sent (every attempt, lookup and poll; the auth plugin's resends too).
    sent: Counter[str]
    #: Requests the server received, by kind, and its 401 answers.
    received: Counter[str]
    #: The server's tasks: prompt -> task ids.
    server_tasks: dict[str, list[str]]
    #: Status of each server task, by task id.
    server_status: dict[str, str]
    seconds: float
    #: A task fetched again after the run, to show it can be come back to (the never-finishing scenario).
    came_back: str | None = None

    @property
    def prompts(self) -> list[str]:
        return [str(result.request.prompt) for result in self.results]

    @property
    def ok(self) -> int:
        return sum(result.ok for result in self.results)

    @property
    def typed_errors(self) -> int:
        return sum(isinstance(result.error, KlingError) for result in self.results)

    @property
    def duplicates(self) -> int:
        """Server tasks beyond one per requested task, plus tasks nobody asked for."""
        asked = set(self.prompts)
        extra = sum(len(ids) - 1 for prompt, ids in self.server_tasks.items() if prompt in asked and len(ids) > 1)
        return extra + sum(len(ids) for prompt, ids in self.server_tasks.items() if prompt not in asked)

    def problems(self) -> list[str]:
        """Every broken rule of the suite, and of the scenario's own expectations."""
        found: list[str] = []
        if len(self.results) != self.scenario.tasks:
            found.append(f"{len(self.results)} results for {self.scenario.tasks} tasks")
        if self.duplicates:
            found.append(f"the server holds {self.duplicates} duplicate task(s)")
        for result in self.results:
            prompt = str(result.request.prompt)
            on_server = self.server_tasks.get(prompt, [])
            if result.task is not None and result.error is None:
                if on_server != [result.task.task_id]:
                    found.append(f"{prompt}: got task {result.task.task_id}, the server holds {on_server}")
            elif isinstance(result.error, TaskError):
                if result.error.task_id not in on_server:
                    found.append(f"{prompt}: {type(result.error).__name__} names {result.error.task_id}, not on server")
            elif isinstance(result.error, KlingError):
                if not isinstance(result.request.external_task_id, str):
                    found.append(f"{prompt}: {type(result.error).__name__} without an external_task_id to look up")
            else:
                found.append(f"{prompt}: neither a task nor a typed error")
        return found + self.scenario.expect(self)

    @property
    def error_kinds(self) -> str:
        kinds = Counter(type(result.error).__name__ for result in self.results if result.error is not None)
        return ", ".join(f"{count} {name}" for name, count in sorted(kinds.items()))


def _all_succeed(run: Run) -> list[str]:
    return [] if run.ok == run.scenario.tasks else [f"expected every task to succeed, {run.ok} did ({run.error_kinds})"]


def _exhausted_only(run: Run) -> list[str]:
    """Only tasks whose faults outlast the retries may fail; every other one succeeds."""
    rule = run.scenario.create or run.scenario.query
    assert rule is not None
    doomed = sum(rule(prompt, MAX_RETRIES) is not None for prompt in run.prompts)
    # Query rules key on the task id, unknown in advance: only the count of failures can be bounded then.
    if run.scenario.create is not None and run.ok != run.scenario.tasks - doomed:
        return [f"expected {run.scenario.tasks - doomed} results ({doomed} exhaust the retries), got {run.ok}"]
    return []


def _one_create_each(run: Run) -> list[str]:
    """Every task succeeds, and the server saw one create per task: the ambiguous attempt was looked up,
    never sent again."""
    found = _all_succeed(run)
    if run.received["create"] != run.scenario.tasks:
        found.append(f"{run.received['create']} creates reached the server for {run.scenario.tasks} tasks")
    return found


def _moderated(run: Run) -> list[str]:
    found = []
    for result in run.results:
        error = result.error
        if error is None:
            continue
        if not isinstance(error, TaskFailedError) or error.task_status_msg != MODERATION_MESSAGE:
            found.append(
                f"{result.request.prompt}: expected TaskFailedError with the moderation message, got {error!r}"
            )
    if run.typed_errors != (run.scenario.tasks + 2) // 3:
        found.append(f"expected {(run.scenario.tasks + 2) // 3} moderated tasks, got {run.typed_errors}")
    return found


def _never_finish(run: Run) -> list[str]:
    found = []
    for result in run.results:
        error = result.error
        if not isinstance(error, TaskTimeoutError):
            found.append(f"{result.request.prompt}: expected TaskTimeoutError, got {error!r}")
        elif run.server_status.get(error.task_id) not in ("submitted", "processing"):
            found.append(f"{error.task_id}: not running on the server any more")
    if run.came_back not in ("submitted", "processing"):
        found.append(f"coming back to a timed-out task gave {run.came_back!r}")
    return found


def _burst(codes: Sequence[str], weights: Sequence[int], salt: str) -> FaultRule:
    return first_attempts(codes, weights, salt)


_SERVER_ERRORS = ["error=5000", "error=5001", "error=5002"]
#: k = 0, 1, 2 or 3 failed attempts in a row (3 outlasts the retries).
_BURST = [3, 3, 3, 1]

#: The client's read timeout in the two timeout scenarios (the fault delays 0.9 s): room for an ordinary
#: answer on a loaded 2-core machine (two test workers), none for a faulted one.
READ_TIMEOUT = 0.6

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("5xx-create", "create", create=_burst(_SERVER_ERRORS, _BURST, "5xx-c"), expect=_exhausted_only),
    Scenario("5xx-query", "query", query=_burst(_SERVER_ERRORS, _BURST, "5xx-q")),
    Scenario(
        "html-create", "create", create=_burst(["html=502", "html=503"], _BURST, "html-c"), expect=_exhausted_only
    ),
    Scenario("html-query", "query", query=_burst(["html=502", "html=503"], _BURST, "html-q")),
    # Dropped once the task exists: only a lookup by external_task_id can tell; every task must succeed.
    Scenario(
        "drop-after-create", "create", create=first_attempts(["drop=after"], [0, 1], "da"), expect=_one_create_each
    ),
    Scenario("drop-before-create", "create", create=first_attempts(["drop"], [1, 2, 2], "db"), expect=_all_succeed),
    # The server creates the task, then answers after the client's read timeout.
    Scenario(
        "timeout-create",
        "create",
        create=first_attempts(["stall=0.9"], [0, 1], "tc"),
        read_timeout=READ_TIMEOUT,
        concurrency=25,
        expect=_one_create_each,
    ),
    Scenario(
        "timeout-query",
        "query",
        query=first_attempts(["latency=0.9"], [1, 1, 1], "tq"),
        read_timeout=READ_TIMEOUT,
        concurrency=25,
        expect=_all_succeed,
    ),
    Scenario(
        "1302-rate-limit",
        "both",
        create=first_attempts(["rate_limit"], [1, 1, 1], "rl-c"),
        query=first_attempts(["rate_limit"], [1, 1, 1], "rl-q"),
        expect=_all_succeed,
    ),
    # 8 of ours at a time against an account of 3 slots: 1303 all along, waited out by the batch.
    Scenario("1303-quota-storm", "create", concurrency=8, server_slots=3, expect=_all_succeed),
    # Tasks of 40 minutes, longer than a token's life; the clock jumps 1900 s (past exp) again and again.
    Scenario(
        "token-expiry-jump",
        "auth",
        processing_after=60.0,
        succeed_after=2400.0,
        wait_timeout=4 * 3600.0,
        jump=1900.0,
        expect=_all_succeed,
    ),
    # The server's clock 10 s behind: a token with nbf = now - 5 is "not yet valid" (1003) there.
    Scenario("nbf-server-behind", "auth", server_skew=-10.0, expect=_all_succeed),
    Scenario("moderation", "task", create=every_nth("moderation", 3), expect=_moderated),
    # The endpoints added in 2026, on the same core: an ambiguous create, a create timing out, failing queries.
    Scenario(
        "omni-drop-after-create",
        "create",
        create=first_attempts(["drop=after"], [0, 1], "o-da"),
        expect=_one_create_each,
        resource="omni_images",
    ),
    Scenario(
        "omni-timeout-create",
        "create",
        create=first_attempts(["stall=0.9"], [0, 1], "o-tc"),
        read_timeout=READ_TIMEOUT,
        concurrency=25,
        expect=_one_create_each,
        resource="omni_images",
    ),
    Scenario("omni-5xx-query", "query", query=_burst(_SERVER_ERRORS, _BURST, "o-5xx-q"), resource="omni_images"),
    Scenario(
        "multi-image-drop-after-create",
        "create",
        create=first_attempts(["drop=after"], [0, 1], "m-da"),
        expect=_one_create_each,
        resource="multi_images",
    ),
    Scenario(
        "never-finishes",
        "task",
        succeed_after=10**7,
        processing_after=2.0,
        wait_timeout=20.0,
        concurrency=25,
        expect=_never_finish,
    ),
)


# -- counting on both sides ------------------------------------------------------------------------------------


def _kind(method: str, path: str) -> str:
    for endpoint in PATHS.values():
        if path == endpoint:
            return "create" if method == "POST" else "list"
        if path.startswith(endpoint + "/"):
            return "query"
    return "other"


class Recorder:
    """ASGI middleware in front of the emulator: counts the requests it receives and its 401 answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.received: Counter[str] = Counter()
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind = _kind(scope["method"], scope["path"])
        with self._lock:
            self.received[kind] += 1

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                with self._lock:
                    self.received["401"] += 1
            await send(message)

        await self.app(scope, receive, recording_send)


@dataclass
class FaultHook:
    """Sets the fault header on the requests a scenario picks, and counts what the client sends."""

    scenario: Scenario
    sent: Counter[str] = field(default_factory=Counter)
    _attempts: Counter[tuple[str, str]] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    in_flight: int = 0

    def answered(self, response: httpx.Response) -> None:
        with self._lock:
            self.in_flight -= 1

    async def async_answered(self, response: httpx.Response) -> None:
        self.answered(response)

    def jump_when_idle(self, clock: SimClock, seconds: float) -> None:
        """Jump the clock, but only while no request is in flight: a token signed just before a jump would
        otherwise meet the server just after it, twice in a row now and then (a flaky typed error)."""
        with self._lock:
            if self.in_flight == 0:
                clock.jump(seconds)

    def __call__(self, request: httpx.Request) -> None:
        kind = _kind(request.method, request.url.path)
        rule = {"create": self.scenario.create, "query": self.scenario.query}.get(kind)
        key = _create_key(request) if kind == "create" else request.url.path.rsplit("/", 1)[-1]
        with self._lock:
            self.in_flight += 1
            self.sent[kind] += 1
            attempt = self._attempts[(kind, key)]
            self._attempts[(kind, key)] += 1
        directive = rule(key, attempt) if rule is not None else None
        if directive is not None:
            request.headers[FAULT_HEADER] = directive

    async def async_hook(self, request: httpx.Request) -> None:
        self(request)


def _create_key(request: httpx.Request) -> str:
    # The prompt, not the external_task_id: stable across attempts whatever the SDK does to the id.
    return str(json.loads(request.content).get("prompt"))


class ASGIWithTimeouts(httpx.AsyncBaseTransport):
    """httpx.ASGITransport ignores timeouts; a network does not. The read timeout is enforced here, and the
    app goes on with the request it was handling (as a server does when its client gives up)."""

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app)
        self._orphans: set[asyncio.Task[httpx.Response]] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        read_timeout = request.extensions.get("timeout", {}).get("read")
        handling = asyncio.create_task(self._inner.handle_async_request(request))
        done, _ = await asyncio.wait({handling}, timeout=read_timeout)
        if not done:
            self._orphans.add(handling)
            handling.add_done_callback(self._forget)
            raise httpx.ReadTimeout("no answer within the read timeout", request=request)
        return handling.result()

    def _forget(self, task: asyncio.Task[httpx.Response]) -> None:
        self._orphans.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: a dropped connection nobody waits for is no error

    async def aclose(self) -> None:
        if self._orphans:
            await asyncio.wait(set(self._orphans))


# -- running ---------------------------------------------------------------------------------------------------


def _items(scenario: Scenario, mode: Mode) -> list[Any]:
    # A prompt of its own per task: the server-side count of tasks per prompt catches a duplicate even if the
    # SDK changed the external_task_id between attempts.
    def item(index: int) -> Any:
        prompt, external_task_id = f"fault suite {scenario.name} {mode} task {index}", f"{scenario.name}-{mode}-{index}"
        if scenario.resource == "omni_images":
            return CreateOmniImageTaskRequest(prompt=prompt, external_task_id=external_task_id)
        if scenario.resource == "multi_images":
            subjects = [{"subject_image": "https://example.com/subject.png"}]
            return CreateMultiImageToImageTaskRequest.from_dict(
                {"prompt": prompt, "external_task_id": external_task_id, "subject_image_list": subjects}
            )
        return CreateImageTaskRequest(prompt=prompt, external_task_id=external_task_id)

    return [item(index) for index in range(scenario.tasks)]


def _app(scenario: Scenario, clock: SimClock) -> tuple[Any, Recorder]:
    app = create_app(
        keys={ACCESS_KEY: SECRET_KEY},
        clock=clock.skewed(scenario.server_skew),
        slots=scenario.server_slots,
        processing_after=scenario.processing_after,
        succeed_after=scenario.succeed_after,
        task_ttl=10.0**9,
        max_tasks=10_000,
        tick_interval=None,
    )
    return app, Recorder(app)


def _client_options(scenario: Scenario) -> dict[str, Any]:
    timeout = httpx.Timeout(scenario.read_timeout) if scenario.read_timeout is not None else None
    return {"timeout": timeout} if timeout is not None else {}


def _install_clock(client: Kling | AsyncKling, clock: SimClock, seed: str) -> None:
    # The seams a test has: the SDK's timing, and the token clock of the auth plugin the client signs with.
    client._timing = Timing(
        # Seeded jitter, for runs that repeat; not for security.
        clock=clock,
        sleep=clock.sleep,
        async_sleep=clock.async_sleep,
        random=random.Random(seed).random,  # noqa: S311
    )
    api = client._core.api
    http = api.get_httpx_client() if isinstance(client, Kling) else api.get_async_httpx_client()
    http.auth = KlingAuth(ACCESS_KEY, SECRET_KEY, clock=clock)


def _server_view(app: Any, clock: SimClock, scenario: Scenario) -> tuple[dict[str, list[str]], dict[str, str]]:
    emulator = app.state.emulator
    now = clock() + scenario.server_skew
    tasks: dict[str, list[str]] = {}
    statuses: dict[str, str] = {}
    for task in emulator.tasks.page(1, 10**6, now=now):
        tasks.setdefault(task.spec.prompt, []).append(task.task_id)
        statuses[task.task_id] = task.status(now)[0].value
    return tasks, statuses


@contextlib.contextmanager
def _jumping(clock: SimClock, scenario: Scenario, hook: FaultHook) -> Iterator[None]:
    """Jumps the clock every ``jump_every`` real seconds while the block runs (a thread: both modes), between
    requests (a request costs real milliseconds: at this speed, hours could pass while one is in flight)."""
    if not scenario.jump:
        yield
        return
    stop = threading.Event()

    def jumper() -> None:
        while not stop.wait(scenario.jump_every):
            hook.jump_when_idle(clock, scenario.jump)

    thread = threading.Thread(target=jumper, name="clock-jumper", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_sync(scenario: Scenario) -> Run:
    clock = SimClock()
    app, recorder = _app(scenario, clock)
    hook = FaultHook(scenario)
    started = time.perf_counter()
    with (
        run_emulator(recorder) as base_url,
        Kling(
            ACCESS_KEY,
            SECRET_KEY,
            base_url=base_url,
            max_retries=MAX_RETRIES,
            httpx_args={"event_hooks": {"request": [hook], "response": [hook.answered]}, "trust_env": False},
            **_client_options(scenario),
        ) as client,
    ):
        _install_clock(client, clock, scenario.name)
        with _jumping(clock, scenario, hook):
            tasks_of = getattr(client, scenario.resource)
            results = tasks_of.generate_many(
                _items(scenario, "sync"), concurrency=scenario.concurrency, deadline=scenario.wait_timeout
            )
        came_back = _come_back(results, tasks_of.get)
    tasks, statuses = _server_view(app, clock, scenario)
    return Run(
        scenario,
        "sync",
        results,
        hook.sent,
        recorder.received,
        tasks,
        statuses,
        time.perf_counter() - started,
        came_back,
    )


async def run_async(scenario: Scenario) -> Run:
    clock = SimClock()
    app, recorder = _app(scenario, clock)
    hook = FaultHook(scenario)
    started = time.perf_counter()
    async with AsyncKling(
        ACCESS_KEY,
        SECRET_KEY,
        base_url="http://testserver",
        max_retries=MAX_RETRIES,
        httpx_args={
            "transport": ASGIWithTimeouts(recorder),
            "event_hooks": {"request": [hook.async_hook], "response": [hook.async_answered]},
        },
        **_client_options(scenario),
    ) as client:
        _install_clock(client, clock, scenario.name)
        with _jumping(clock, scenario, hook):
            tasks_of = getattr(client, scenario.resource)
            results = await tasks_of.generate_many(
                _items(scenario, "async"), concurrency=scenario.concurrency, deadline=scenario.wait_timeout
            )
        came_back = await _acome_back(results, tasks_of.get)
    tasks, statuses = _server_view(app, clock, scenario)
    return Run(
        scenario,
        "async",
        results,
        hook.sent,
        recorder.received,
        tasks,
        statuses,
        time.perf_counter() - started,
        came_back,
    )


def _timed_out(results: list[BatchResult]) -> str | None:
    return next((r.error.task_id for r in results if isinstance(r.error, TaskTimeoutError)), None)


def _come_back(results: list[BatchResult], get: Callable[[str], Any]) -> str | None:
    task_id = _timed_out(results)
    return None if task_id is None else str(get(task_id).task_status)


async def _acome_back(results: list[BatchResult], get: Callable[[str], Awaitable[Any]]) -> str | None:
    task_id = _timed_out(results)
    return None if task_id is None else str((await get(task_id)).task_status)


def run(scenario: Scenario, mode: Mode) -> Run:
    return run_sync(scenario) if mode == "sync" else asyncio.run(run_async(scenario))


# -- the table -------------------------------------------------------------------------------------------------

HEADER = (
    "| fault | on | client | tasks | results | typed errors | duplicates (server) | requests sent | "
    "creates received | 401s (re-signed) | verdict |"
)


def table_row(outcome: Run) -> str:
    problems = outcome.problems()
    errors = f"{outcome.typed_errors}" + (f" ({outcome.error_kinds})" if outcome.typed_errors else "")
    duplicates = f"**{outcome.duplicates} ✗**" if outcome.duplicates else "0"
    return (
        f"| {outcome.scenario.name} | {outcome.scenario.target} | {outcome.mode} | {outcome.scenario.tasks} | "
        f"{outcome.ok} | {errors} | {duplicates} | {sum(outcome.sent.values())} | "
        f"{outcome.received['create']} | {outcome.received['401']} | {'ok' if not problems else 'FAIL'} |"
    )


def table(outcomes: Sequence[Run]) -> str:
    lines = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    lines += [table_row(outcome) for outcome in outcomes]
    return "\n".join(lines)


class _NoDropNoise(logging.Filter):
    """Injected drops are the point here, not news: keep the server's one line per drop off the terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        dropped = record.exc_info is not None and isinstance(record.exc_info[1], ConnectionDropped)
        return not dropped and record.getMessage() != "connection dropped by fault injection"


def main(argv: Sequence[str] = ()) -> int:
    logging.getLogger("uvicorn.error").addFilter(_NoDropNoise())
    selected = [s for s in SCENARIOS if not argv or s.name in argv]
    outcomes: list[Run] = []
    started = time.perf_counter()
    for scenario in selected:
        for mode in MODES:
            outcomes.append(run(scenario, mode))
    print(table(outcomes))
    failed = [(outcome, outcome.problems()) for outcome in outcomes if outcome.problems()]
    for outcome, problems in failed:
        print(f"\n{outcome.scenario.name} ({outcome.mode}):", *problems[:10], sep="\n  ", file=sys.stderr)
    print(
        f"\n{len(outcomes)} runs in {time.perf_counter() - started:.1f} s: "
        f"{'all passed' if not failed else f'{len(failed)} failed'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
