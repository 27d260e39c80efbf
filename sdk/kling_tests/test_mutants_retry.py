"""The retry schedule a user sees, to the second: first retry, doubling, cap, Retry-After on every retry, and
the debug line of each retry (kills mutmut's survivors in kling._retry; see scripts/mutation.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import kling
import pytest
from kling import _drivers as drivers
from kling._constants import RETRY_AFTER_MAX_SECONDS, RETRY_BASE_DELAY_SECONDS, RETRY_MAX_DELAY_SECONDS
from kling._core import ClientCore, _Pools
from kling._effects import Flow
from kling._flows import with_retries
from kling._retry import backoff_delay, is_retryable_query_error, retry_after_seconds
from kling_api import AuthenticatedClient

from contract_tests.spec_mock import SpecMock

from ._helpers import CREATE_TASK, GET_TASK, LIST_TASKS, AnyKling, FakeTime, call, checked, error_body, operations
from ._helpers import task_answer as _task_answer

TASK_PATH = r"^/v1/images/generations/.+$"
TASK_ID = "783510947463159851"
REQUEST_ID = "3a8f6c2e-9d1b-4e7a-a4c5-2b9e7d1f6a99"


def _error(operation: str, status: int, code: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return checked(operation, status, error_body(code, "busy"), headers)


def _retry_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "kling" and r.getMessage().startswith("retrying")]


async def test_a_query_backs_off_1_2_4_8_then_stays_at_the_cap(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    # Jitter drawing its top value: each delay is the ceiling of its retry.
    fake_time.jitter = 1.0
    client = make(max_retries=5)
    mock.router.get(path__regex=TASK_PATH).mock(return_value=_error(GET_TASK, 500, 5000))
    with pytest.raises(kling.ServerError):
        await call(client.images.get(TASK_ID))
    base = RETRY_BASE_DELAY_SECONDS
    assert fake_time.sleeps == [base, 2 * base, 4 * base, RETRY_MAX_DELAY_SECONDS, RETRY_MAX_DELAY_SECONDS]
    assert operations(mock) == [GET_TASK] * 6


async def test_a_create_backs_off_on_the_same_schedule(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    fake_time.jitter = 1.0
    client = make(max_retries=4)
    mock.router.post("/v1/images/generations").mock(return_value=_error(CREATE_TASK, 429, 1302))
    with pytest.raises(kling.RateLimitError):
        await call(client.images.create("a lighthouse"))
    assert fake_time.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert operations(mock) == [CREATE_TASK] * 5


async def test_retry_after_is_honoured_on_every_retry_not_only_the_first(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make(max_retries=3)
    mock.router.get(path__regex=TASK_PATH).mock(
        side_effect=[
            _error(GET_TASK, 429, 1302, {"Retry-After": "3"}),
            _error(GET_TASK, 429, 1303, {"Retry-After": "0.5"}),
            _error(GET_TASK, 503, 5001, {"Retry-After": "7"}),
            _task_answer("succeed"),
        ]
    )
    await call(client.images.get(TASK_ID))
    assert fake_time.sleeps == [3.0, 0.5, 7.0]


async def test_max_retries_one_retries_exactly_once(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make(max_retries=1)
    mock.router.get("/v1/images/generations").mock(return_value=_error(LIST_TASKS, 500, 5000))
    with pytest.raises(kling.ServerError):
        await call(client.images.list())
    assert operations(mock) == [LIST_TASKS] * 2
    assert len(fake_time.sleeps) == 1


async def test_each_retry_logs_what_which_attempt_how_long_and_why(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kling")
    fake_time.jitter = 1.0
    client = make(max_retries=3)
    mock.router.get(path__regex=TASK_PATH).mock(return_value=_error(GET_TASK, 500, 5000))
    with pytest.raises(kling.ServerError):
        await call(client.images.get(TASK_ID))
    why = f"ServerError: HTTP 500, code 5000: busy (request_id {REQUEST_ID})"
    assert _retry_lines(caplog) == [
        f"retrying get (attempt 2) in 1.00 s after {why}",
        f"retrying get (attempt 3) in 2.00 s after {why}",
        f"retrying get (attempt 4) in 4.00 s after {why}",
    ]


async def test_a_create_retry_logs_its_attempts_too(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kling")
    client = make(max_retries=2)
    mock.router.post("/v1/images/generations").mock(return_value=_error(CREATE_TASK, 429, 1302, {"Retry-After": "2"}))
    with pytest.raises(kling.RateLimitError):
        await call(client.images.create("a lighthouse"))
    why = f"RateLimitError: HTTP 429, code 1302: busy (request_id {REQUEST_ID})"
    assert _retry_lines(caplog) == [
        f"retrying create (attempt 2) in 2.00 s after {why}",
        f"retrying create (attempt 3) in 2.00 s after {why}",
    ]


def test_the_one_retry_loop_logs_the_first_retry_and_gives_up_silently(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="kling")
    error = kling.ServerError("down", http_status=503, code=5001)
    fake = FakeTime(jitter=1.0)

    def failing() -> Flow[None]:
        raise error
        yield  # a flow: a generator

    def core(max_retries: int) -> ClientCore:
        return ClientCore(
            api=AuthenticatedClient(base_url="https://api.invalid", token=""),
            timing=fake.timing(),
            max_retries=max_retries,
            strict_capabilities=False,
            download_schemes=frozenset({"https"}),
            pools=_Pools({}),
        )

    with pytest.raises(kling.ServerError):
        drivers.run(with_retries("list", failing, core(1), is_retryable_query_error), core(1))
    assert _retry_lines(caplog) == ["retrying list (attempt 2) in 1.00 s after ServerError: HTTP 503, code 5001: down"]
    assert fake.sleeps == [RETRY_BASE_DELAY_SECONDS]
    # No retry allowed, or nothing worth retrying: give up at once, silently.
    caplog.clear()
    with pytest.raises(kling.ServerError):
        drivers.run(with_retries("list", failing, core(0), is_retryable_query_error), core(0))
    refused = kling.InvalidRequestError("no", http_status=400, code=1200)

    def refusing() -> Flow[None]:
        raise refused
        yield

    with pytest.raises(kling.InvalidRequestError):
        drivers.run(with_retries("list", refusing, core(3), is_retryable_query_error), core(3))
    assert _retry_lines(caplog) == []
    assert fake.sleeps == [RETRY_BASE_DELAY_SECONDS]


def test_retry_after_is_read_from_the_answers_headers() -> None:
    assert retry_after_seconds(httpx.Headers({"Retry-After": " 12 "})) == 12.0
    assert retry_after_seconds(httpx.Headers({"retry-after": "1.25"})) == 1.25
    assert retry_after_seconds(httpx.Headers({"Retry-After": "61"})) == RETRY_AFTER_MAX_SECONDS
    assert retry_after_seconds(httpx.Headers({})) is None


def test_the_servers_retry_after_beats_the_backoff_even_when_longer() -> None:
    error = kling.RateLimitError("slow down", http_status=429, code=1302)
    error._retry_after = 30.0
    assert backoff_delay(1, error, lambda: 1.0) == 30.0
    error._retry_after = None
    assert backoff_delay(1, error, lambda: 1.0) == RETRY_BASE_DELAY_SECONDS
