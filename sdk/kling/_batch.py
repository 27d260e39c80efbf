"""Running many create-and-wait jobs within the account's concurrency quota (``generate_many``).

The rules:

- a request holds ``n`` slots (1 when ``n`` is unset) from just before its create until its wait ends; never
  more than ``slots`` are held at once. Slots are granted in input order, so a request needing many slots is
  not starved by small ones behind it. A request needing more than ``slots`` gets a ValidationError result
  and sends nothing;
- a create refused with code 1303 (the account's quota is full, e.g. because of tasks started elsewhere) is
  retried, keeping the slots it holds: as soon as one of the batch's own tasks ends, or, when none of them is
  running, after a backoff with jitter. The 1303 only becomes the item's error once the item's deadline
  (``deadline_seconds`` after its slots were granted) has passed. The wait itself has its own timeout, set by
  the ``wait`` callable;
- any other :class:`KlingError` becomes that item's error and the batch goes on; results come back in input
  order, one per request, and each is handed to ``on_result`` (when given) as its item ends, its slots released;
- an exception that is not a :class:`KlingError` (a bug, or an ``on_update`` callback that raised) is not
  swallowed: no new item starts, items waiting for slots or backing off give up, the running items are
  cancelled, and the exception is raised (for the sync client, once the calls already running in its worker
  threads have returned: threads cannot be interrupted). The results are then lost; the tasks already created
  keep running on the server.

The scheduler is written once, for asyncio (``arun_batch``); the sync client runs it on a private event loop in a
worker thread (``run_in_private_loop``), with each create and wait in a thread of that loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from kling_api.models import CreatedImageTask, ImageTask
from kling_api.types import Unset

from ._constants import (
    BATCH_QUOTA_BACKOFF_FIRST_SECONDS,
    BATCH_QUOTA_BACKOFF_MAX_SECONDS,
    BATCH_QUOTA_RECHECK_SECONDS,
    LOGGER_NAME,
)
from ._errors import KlingError, RateLimitError, ValidationError

#: The API code for "the account's concurrency quota is full".
QUOTA_FULL_CODE = 1303

_logger = logging.getLogger(LOGGER_NAME)
T = TypeVar("T")
if TYPE_CHECKING:  # the default needs typing_extensions (PEP 696), which only the type checker reads here
    from typing_extensions import TypeVar as DefaultedTypeVar

    TaskT = DefaultedTypeVar("TaskT", default=ImageTask)
else:
    TaskT = TypeVar("TaskT")

#: Slots an omni-image series of ``series_amount: auto`` holds: the most a series has (the model chooses how many,
#: "the task then holds as many concurrency slots as images it produces"); fewer when the batch has fewer.
SERIES_AUTO_MOST_SLOTS = 9
#: Slots of a series whose ``series_amount`` is left out: the documented default.
SERIES_DEFAULT_SLOTS = 4


@dataclass(frozen=True)
class BatchResult(Generic[TaskT]):
    """One request's outcome: ``task`` (the succeeded task) or ``error``, at ``index`` in the input."""

    index: int
    # Out of the repr: a request may carry a reference image of several MB in Base64.
    request: Any = field(repr=False)
    task: TaskT | None = None
    error: KlingError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.task is not None


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def slots_needed(request: object, slots: int | None = None) -> int:
    """Slots a request holds while it runs: its ``n``, 1 when unset (the server's default) or without ``n``
    (a multi-shot, an element); a series its ``series_amount`` (``auto``: up to SERIES_AUTO_MOST_SLOTS, at most
    ``slots``, the batch's)."""
    if str(getattr(request, "result_type", "")) == "series":
        amount = getattr(request, "series_amount", None)
        if isinstance(amount, Unset) or amount is None:
            return SERIES_DEFAULT_SLOTS
        counted = _count(amount)
        if counted is not None:
            return counted
        return SERIES_AUTO_MOST_SLOTS if slots is None else min(SERIES_AUTO_MOST_SLOTS, slots)
    return _count(getattr(request, "n", None)) or 1


def _is_quota_full(error: KlingError) -> bool:
    return isinstance(error, RateLimitError) and error.code == QUOTA_FULL_CODE


def _backoff(attempt: int) -> float:
    delay = min(BATCH_QUOTA_BACKOFF_MAX_SECONDS, BATCH_QUOTA_BACKOFF_FIRST_SECONDS * 2.0 ** min(attempt, 30))
    # Jitter spreads retries of several waiting items (and of several processes) apart; not security.
    return delay * random.uniform(0.5, 1.0)  # noqa: S311


class _Stopped(Exception):
    """The batch is stopping (another item raised): this item gives up without creating anything."""


@dataclass(frozen=True)
class _Plan:
    results: list[BatchResult | None]
    runnable: list[tuple[int, int, Any]]  # (index, slots needed, request), input order


def _plan(requests: Sequence[Any], slots: int) -> _Plan:
    if isinstance(slots, bool) or not isinstance(slots, int) or slots < 1:
        raise ValidationError("concurrency", f"must be a whole number of at least 1, got {slots!r}")
    results: list[BatchResult | None] = [None] * len(requests)
    runnable: list[tuple[int, int, Any]] = []
    for index, request in enumerate(requests):
        need = slots_needed(request, slots)
        if need > slots:
            error = ValidationError("n", f"the request needs {need} slots, more than the batch's {slots}")
            results[index] = BatchResult(index, request, error=error)
        else:
            runnable.append((index, need, request))
    return _Plan(results, runnable)


def _first_failure(outcomes: Iterable[BaseException | None]) -> BaseException | None:
    """The exception that stopped the batch: the first that is not an item giving up because of it."""
    failures = [outcome for outcome in outcomes if outcome is not None]
    return next((f for f in failures if not isinstance(f, _Stopped)), failures[0] if failures else None)


def _finish(plan: _Plan) -> list[BatchResult]:
    results = [result for result in plan.results if result is not None]
    assert len(results) == len(plan.results), "an item of the batch has no result"
    return results


# -- the sync client's shell --------------------------------------------------------------------------------


def run_in_private_loop(main: Callable[[], Coroutine[Any, Any, T]], *, workers: int) -> T:
    """Run ``main()`` on a private event loop in a worker thread, and wait for it.

    The sync client's ``generate_many`` drives the one (async) scheduler this way, its blocking calls running in
    ``workers`` threads of that loop's executor; it works whether or not the caller's thread runs an event loop.
    Ctrl-C cancels the batch. The loop ends once the threads still running have finished their call (threads
    cannot be interrupted): tasks already created keep running on the server.
    """
    outcome: dict[str, Any] = {}
    started = threading.Event()

    def target() -> None:
        loop = asyncio.new_event_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kling-batch"))
        try:
            outcome["task"] = loop.create_task(main())
            outcome["loop"] = loop
            started.set()
            outcome["value"] = loop.run_until_complete(outcome["task"])
        except BaseException as error:  # handed to the caller's thread below
            outcome["error"] = error
        finally:
            started.set()
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    thread = threading.Thread(target=target, name="kling-batch-loop", daemon=True)
    thread.start()
    try:
        thread.join()
    except KeyboardInterrupt:
        started.wait()
        if "loop" in outcome:
            outcome["loop"].call_soon_threadsafe(outcome["task"].cancel)
        thread.join()
        raise
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


# -- async --------------------------------------------------------------------------------------------------


class _Slots:
    """The batch's share of the quota, shared by its asyncio tasks."""

    def __init__(self, total: int) -> None:
        self._changed = asyncio.Condition()
        self._total = total
        self._in_use = 0
        self._next_turn = 0
        self._running = 0
        self._ended = 0
        self._stopped = False

    async def acquire(self, turn: int, need: int) -> None:
        async with self._changed:
            await self._changed.wait_for(
                lambda: self._stopped or (self._next_turn == turn and self._in_use + need <= self._total)
            )
            if self._stopped:
                raise _Stopped
            self._in_use += need
            self._next_turn += 1
            self._changed.notify_all()

    def created(self) -> None:
        self._running += 1

    def stop(self) -> None:
        # Read by the waits' predicates the next time they wake; the batch cancels its tasks anyway.
        self._stopped = True

    @property
    def stopped(self) -> bool:
        return self._stopped

    async def release(self, need: int, *, was_created: bool) -> None:
        async with self._changed:
            self._in_use -= need
            if was_created:
                self._running -= 1
                self._ended += 1
            self._changed.notify_all()

    def ended_so_far(self) -> int:
        return self._ended

    async def wait_for_an_end(self, seen: int, seconds: float) -> bool:
        """Waits (up to ``seconds``) until one of our tasks ends after ``seen``; False if none runs."""
        async with self._changed:
            if self._stopped:
                raise _Stopped
            if self._ended > seen:
                return True
            if self._running == 0:
                return False
            # asyncio.timeout, not wait_for: on 3.11, wait_for can swallow a cancellation that races a wake-up.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self._changed.wait_for(lambda: self._stopped or self._ended > seen)
            if self._stopped:
                raise _Stopped
            return True


async def arun_batch(
    requests: Sequence[Any],
    *,
    slots: int,
    create: Callable[[Any], Awaitable[CreatedImageTask]],
    wait: Callable[[str], Awaitable[Any]],
    deadline_seconds: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_result: Callable[[BatchResult[Any]], Awaitable[object]] | None = None,
) -> list[BatchResult[Any]]:
    """Creates and waits for every request, ``slots`` at a time; one result per request, in input order.

    ``on_result`` is awaited with each result as its item ends (after its slots are given back), in the order
    the items end; an exception it raises stops the batch like any other."""
    plan = _plan(requests, slots)
    if on_result is not None:
        for refused in [result for result in plan.results if result is not None]:
            await on_result(refused)
    if not plan.runnable:
        return _finish(plan)
    pool = _Slots(slots)

    async def create_within_quota(request: Any, deadline: float) -> CreatedImageTask:
        attempt = 0
        while True:
            seen = pool.ended_so_far()
            try:
                return await create(request)
            except KlingError as error:
                remaining = deadline - clock()
                if not _is_quota_full(error) or remaining <= 0:
                    raise
            if await pool.wait_for_an_end(seen, min(remaining, BATCH_QUOTA_RECHECK_SECONDS)):
                _logger.debug("quota full (1303): retrying after one of the batch's tasks ended")
                continue
            delay = min(_backoff(attempt), remaining)
            _logger.debug("quota full (1303) and none of the batch's tasks running: retrying in %.1f s", delay)
            await sleep(delay)
            attempt += 1
            if pool.stopped:
                raise _Stopped

    async def work(turn: int, index: int, need: int, request: Any) -> BatchResult:
        await pool.acquire(turn, need)
        was_created = False
        try:
            created = await create_within_quota(request, clock() + deadline_seconds)
            pool.created()
            was_created = True
            result = BatchResult(index, request, task=await wait(created.task_id))
        except KlingError as error:
            result = BatchResult(index, request, error=error)
        except BaseException:
            pool.stop()  # before the slots are released: nothing may start after this
            raise
        finally:
            # Shielded: a cancelled item still gives its slots back, or the items behind it would wait forever.
            await asyncio.shield(pool.release(need, was_created=was_created))
        if on_result is not None:
            try:
                await on_result(result)
            except BaseException:
                pool.stop()
                raise
        return result

    tasks = [
        asyncio.create_task(work(turn, index, need, request), name=f"kling-batch-{index}")
        for turn, (index, need, request) in enumerate(plan.runnable)
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    failure = _first_failure(t.exception() for t in tasks if not t.cancelled())
    if failure is not None:
        raise failure
    for task in tasks:
        result = task.result()
        plan.results[result.index] = result
    return _finish(plan)


__all__ = ["QUOTA_FULL_CODE", "BatchResult", "arun_batch", "run_in_private_loop", "slots_needed"]
