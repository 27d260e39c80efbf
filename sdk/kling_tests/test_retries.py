"""Queries retry what is worth retrying, with capped, jittered backoff and the server's Retry-After.

The schedule a user sees, to the second: the first retry, the doubling, the cap, the server's Retry-After on every
retry and not only the first, and the debug line of each retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import kling
import pytest
from kling import _drivers as drivers
from kling._constants import (
    DEFAULT_MAX_RETRIES,
    RETRY_AFTER_MAX_SECONDS,
    RETRY_BASE_DELAY_SECONDS,
    RETRY_MAX_DELAY_SECONDS,
    RETRY_MIN_DELAY_SECONDS,
)
from kling._core import ClientCore, _Pools
from kling._effects import Flow
from kling._flows import with_retries
from kling._retry import backoff_delay, is_retryable_query_error, retry_after_seconds
from kling_api import AuthenticatedClient

from testsupport.spec_mock import SpecMock

from ._helpers import (
    CREATE_TASK,
    GET_TASK,
    LIST_TASKS,
    AnyKling,
    FakeTime,
    call,
    checked,
    error_body,
    example,
    operations,
    task_answer,
)

TASK_PATH = r"^/v1/images/generations/.+$"
TASK_ID = "783510947463159851"
REQUEST_ID = "3a8f6c2e-9d1b-4e7a-a4c5-2b9e7d1f6a99"


def _error(
    status: int, code: int, headers: dict[str, str] | None = None, *, operation: str = GET_TASK, message: str = "error"
) -> httpx.Response:
    return checked(operation, status, error_body(code, message), headers)


def _retry_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "kling" and r.getMessage().startswith("retrying")]


# -- what is retried -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        _error(500, 5000),
        _error(503, 5001),
        _error(504, 5002),
        _error(429, 1302),
        _error(429, 1303),
        httpx.Response(502, content=b"<html>Bad Gateway</html>"),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("dropped"),
    ],
    ids=["5000", "5001", "5002", "1302", "1303", "html-502", "refused", "read-timeout", "dropped"],
)
async def test_a_query_retries_a_transient_failure_then_succeeds(
    client: AnyKling, mock: SpecMock, fake_time: FakeTime, failure: httpx.Response | Exception
) -> None:
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=[failure, failure, task_answer("succeed")])
    task = await call(client.images.get(TASK_ID))
    assert task.task_id == TASK_ID
    assert operations(mock) == [GET_TASK] * 3
    assert len(fake_time.sleeps) == 2


@pytest.mark.parametrize("code", [1000, 1004, 1101, 1102, 1103, 1201, 1301, 1304])
async def test_a_non_retryable_code_raises_at_once(
    client: AnyKling, mock: SpecMock, fake_time: FakeTime, code: int
) -> None:
    status = {1000: 401, 1004: 401, 1103: 403, 1201: 400, 1301: 400}.get(code, 429)
    mock.router.get(path__regex=TASK_PATH).mock(return_value=_error(status, code))
    with pytest.raises(kling.APIError) as raised:
        await call(client.images.get(TASK_ID))
    assert raised.value.code == code
    assert not raised.value.retryable
    # 1004 may be re-signed and resent once by the auth plugin (nothing happened server-side); no SDK retry.
    assert len(operations(mock)) == (2 if code == 1004 else 1)
    assert fake_time.sleeps == []


async def test_retries_stop_after_max_retries_with_the_last_error(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make(max_retries=3)
    mock.router.get(path__regex=TASK_PATH).mock(return_value=_error(500, 5000))
    with pytest.raises(kling.ServerError):
        await call(client.images.get(TASK_ID))
    assert operations(mock) == [GET_TASK] * 4
    assert len(fake_time.sleeps) == 3


async def test_default_retries(client: AnyKling, mock: SpecMock) -> None:
    mock.router.get("/v1/images/generations").mock(return_value=_error(503, 5001))
    with pytest.raises(kling.ServerError):
        await call(client.images.list())
    assert operations(mock) == [LIST_TASKS] * (DEFAULT_MAX_RETRIES + 1)


async def test_max_retries_zero_sends_once(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    client = make(max_retries=0)
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(kling.APIConnectionError):
        await call(client.images.get(TASK_ID))
    assert len(mock.requests) == 1


async def test_max_retries_one_retries_exactly_once(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make(max_retries=1)
    mock.router.get("/v1/images/generations").mock(return_value=_error(500, 5000, operation=LIST_TASKS, message="busy"))
    with pytest.raises(kling.ServerError):
        await call(client.images.list())
    assert operations(mock) == [LIST_TASKS] * 2
    assert len(fake_time.sleeps) == 1


async def test_list_retries_too(client: AnyKling, mock: SpecMock) -> None:
    mock.router.get("/v1/images/generations").mock(
        side_effect=[httpx.ReadTimeout("slow"), checked(LIST_TASKS, 200, example(LIST_TASKS, 200, "onePage"))]
    )
    assert len(await call(client.images.list())) == 1
    assert operations(mock) == [LIST_TASKS] * 2


# -- the server's Retry-After ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "expected"), [("3", 3.0), ("0.5", 0.5), ("99999", RETRY_AFTER_MAX_SECONDS)])
async def test_retry_after_is_honoured_and_capped(
    client: AnyKling, mock: SpecMock, fake_time: FakeTime, header: str, expected: float
) -> None:
    mock.router.get(path__regex=TASK_PATH).mock(
        side_effect=[_error(429, 1302, {"Retry-After": header}), task_answer("succeed")]
    )
    await call(client.images.get(TASK_ID))
    assert fake_time.sleeps == [expected]


@pytest.mark.parametrize("value", ["Wed, 21 Oct 2015 07:28:00 GMT", "-1", "1e9", "", "\u0661", "9" * 5000, "nan"])
def test_an_unreadable_retry_after_is_ignored(value: str) -> None:
    assert retry_after_seconds({"retry-after": value}) is None


async def test_retry_after_is_honoured_on_every_retry_not_only_the_first(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make(max_retries=3)
    mock.router.get(path__regex=TASK_PATH).mock(
        side_effect=[
            _error(429, 1302, {"Retry-After": "3"}, message="busy"),
            _error(429, 1303, {"Retry-After": "0.5"}, message="busy"),
            _error(503, 5001, {"Retry-After": "7"}, message="busy"),
            task_answer("succeed"),
        ]
    )
    await call(client.images.get(TASK_ID))
    assert fake_time.sleeps == [3.0, 0.5, 7.0]


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


# -- the backoff schedule, to the second -----------------------------------------------------------------------


def test_backoff_grows_exponentially_with_full_jitter_and_a_cap() -> None:
    top = [backoff_delay(n, None, lambda: 1.0) for n in range(1, 10)]
    assert top[:3] == [RETRY_BASE_DELAY_SECONDS, 2 * RETRY_BASE_DELAY_SECONDS, 4 * RETRY_BASE_DELAY_SECONDS]
    assert max(top) == RETRY_MAX_DELAY_SECONDS
    assert top == sorted(top)
    # Full jitter: anywhere between the floor and the ceiling of that attempt.
    assert backoff_delay(3, None, lambda: 0.0) == RETRY_MIN_DELAY_SECONDS
    assert backoff_delay(3, None, lambda: 0.5) == 2 * RETRY_BASE_DELAY_SECONDS


async def test_a_query_backs_off_1_2_4_8_then_stays_at_the_cap(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    # Jitter drawing its top value: each delay is the ceiling of its retry.
    fake_time.jitter = 1.0
    client = make(max_retries=5)
    mock.router.get(path__regex=TASK_PATH).mock(return_value=_error(500, 5000, message="busy"))
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
    mock.router.post("/v1/images/generations").mock(
        return_value=_error(429, 1302, operation=CREATE_TASK, message="busy")
    )
    with pytest.raises(kling.RateLimitError):
        await call(client.images.create("a lighthouse"))
    assert fake_time.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert operations(mock) == [CREATE_TASK] * 5


# -- the debug line of each retry ------------------------------------------------------------------------------


async def test_each_retry_logs_what_which_attempt_how_long_and_why(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kling")
    fake_time.jitter = 1.0
    client = make(max_retries=3)
    mock.router.get(path__regex=TASK_PATH).mock(return_value=_error(500, 5000, message="busy"))
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
    mock.router.post("/v1/images/generations").mock(
        return_value=_error(429, 1302, {"Retry-After": "2"}, operation=CREATE_TASK, message="busy")
    )
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
