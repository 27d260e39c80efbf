"""Waiting: how soon completion is noticed, and at what cost in queries, for tasks that finish at random times.

Simulated time: the real ``client.images.wait`` runs against an in-memory server (the spec's ``processing``
and ``succeed`` examples) on a fake clock that its sleeps advance. Fixed polling every 1 s and every 3 s is
simulated on the same server and clock: poll at once, then every interval.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from kling._retry import Timing

from ._setup import MEMORY_BASE_URL, example_body, example_task_id, sdk_client

#: Run times of the simulated tasks: uniform in this range, seconds.
RUN_TIME_RANGE = (2.0, 60.0)


class _FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:  # pragma: no cover - the sync client never calls it
        self.now += seconds


class _TaskServer:
    """One task at a time: ``processing`` until ``done_at`` on the fake clock, then ``succeed``. Counts queries."""

    def __init__(self, clock: _FakeClock) -> None:
        self._clock = clock
        self._processing = example_body("processing")
        self._succeed = example_body("succeed")
        self.done_at = 0.0
        self.queries = 0
        self.detected_at: float | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.queries += 1
        finished = self._clock() >= self.done_at
        if finished and self.detected_at is None:
            self.detected_at = self._clock()
        body = self._succeed if finished else self._processing
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    def start(self, run_time: float) -> None:
        self.done_at = self._clock() + run_time
        self.queries = 0
        self.detected_at = None


@dataclass(frozen=True)
class Strategy:
    name: str
    mean_queries: float
    mean_delay: float
    #: Detection delay as a share of the task's run time: mean over tasks, 95th percentile, worst.
    mean_share: float
    p95_share: float
    max_share: float


@dataclass(frozen=True)
class WaitingResult:
    tasks: int
    mean_run_time: float
    strategies: list[Strategy]


def _summarise(name: str, run_times: list[float], queries: list[int], delays: list[float]) -> Strategy:
    shares = sorted(delay / run_time for delay, run_time in zip(delays, run_times, strict=True))
    return Strategy(
        name=name,
        mean_queries=statistics.fmean(queries),
        mean_delay=statistics.fmean(delays),
        mean_share=statistics.fmean(shares),
        p95_share=shares[int(0.95 * (len(shares) - 1))],
        max_share=shares[-1],
    )


def _simulate(run_times: list[float], wait: Callable[[_FakeClock, _TaskServer], None]) -> tuple[list[int], list[float]]:
    clock = _FakeClock()
    server = _TaskServer(clock)
    queries: list[int] = []
    delays: list[float] = []
    for run_time in run_times:
        server.start(run_time)
        wait(clock, server)
        assert server.detected_at is not None, "the wait returned before the task ended"
        queries.append(server.queries)
        delays.append(server.detected_at - server.done_at)
    return queries, delays


def _fixed(interval: float) -> Callable[[_FakeClock, _TaskServer], None]:
    def wait(clock: _FakeClock, server: _TaskServer) -> None:
        transport = httpx.MockTransport(server.handle)
        with httpx.Client(base_url=MEMORY_BASE_URL, transport=transport) as client:
            while client.get("/v1/images/generations/x").json()["data"]["task_status"] != "succeed":
                clock.sleep(interval)

    return wait


def run(*, tasks: int = 500, seed: int = 7) -> WaitingResult:
    rng = random.Random(seed)  # noqa: S311 - reproducible run times, not security
    run_times = [rng.uniform(*RUN_TIME_RANGE) for _ in range(tasks)]
    task_id = example_task_id()

    def sdk_wait(clock: _FakeClock, server: _TaskServer) -> None:
        with sdk_client(MEMORY_BASE_URL, httpx.MockTransport(server.handle)) as sdk:
            sdk._timing = Timing(clock=clock, sleep=clock.sleep, async_sleep=clock.async_sleep)
            sdk.images.wait(task_id, deadline=3600)

    strategies = []
    for name, wait in (
        ("SDK `images.wait` (its real schedule)", sdk_wait),
        ("fixed polling, every 1 s", _fixed(1.0)),
        ("fixed polling, every 3 s", _fixed(3.0)),
    ):
        queries, delays = _simulate(run_times, wait)
        strategies.append(_summarise(name, run_times, queries, delays))
    return WaitingResult(tasks, statistics.fmean(run_times), strategies)
