"""Queries retry what is worth retrying, with capped, jittered backoff and the server's Retry-After."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import kling
import pytest
from kling._constants import (
    DEFAULT_MAX_RETRIES,
    RETRY_AFTER_MAX_SECONDS,
    RETRY_BASE_DELAY_SECONDS,
    RETRY_MAX_DELAY_SECONDS,
    RETRY_MIN_DELAY_SECONDS,
)
from kling._retry import backoff_delay, retry_after_seconds

from contract_tests.spec_mock import SpecMock

from ._helpers import (
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


def _error(status: int, code: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return checked(GET_TASK, status, error_body(code), headers)


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


@pytest.mark.parametrize(("header", "expected"), [("3", 3.0), ("0.5", 0.5), ("99999", RETRY_AFTER_MAX_SECONDS)])
async def test_retry_after_is_honoured_and_capped(
    client: AnyKling, mock: SpecMock, fake_time: FakeTime, header: str, expected: float
) -> None:
    mock.router.get(path__regex=TASK_PATH).mock(
        side_effect=[_error(429, 1302, {"Retry-After": header}), task_answer("succeed")]
    )
    await call(client.images.get(TASK_ID))
    assert fake_time.sleeps == [expected]


async def test_list_retries_too(client: AnyKling, mock: SpecMock) -> None:
    mock.router.get("/v1/images/generations").mock(
        side_effect=[httpx.ReadTimeout("slow"), checked(LIST_TASKS, 200, example(LIST_TASKS, 200, "onePage"))]
    )
    assert len(await call(client.images.list())) == 1
    assert operations(mock) == [LIST_TASKS] * 2


@pytest.mark.parametrize("value", ["Wed, 21 Oct 2015 07:28:00 GMT", "-1", "1e9", "", "\u0661", "9" * 5000, "nan"])
def test_an_unreadable_retry_after_is_ignored(value: str) -> None:
    assert retry_after_seconds({"retry-after": value}) is None


def test_backoff_grows_exponentially_with_full_jitter_and_a_cap() -> None:
    top = [backoff_delay(n, None, lambda: 1.0) for n in range(1, 10)]
    assert top[:3] == [RETRY_BASE_DELAY_SECONDS, 2 * RETRY_BASE_DELAY_SECONDS, 4 * RETRY_BASE_DELAY_SECONDS]
    assert max(top) == RETRY_MAX_DELAY_SECONDS
    assert top == sorted(top)
    # Full jitter: anywhere between the floor and the ceiling of that attempt.
    assert backoff_delay(3, None, lambda: 0.0) == RETRY_MIN_DELAY_SECONDS
    assert backoff_delay(3, None, lambda: 0.5) == 2 * RETRY_BASE_DELAY_SECONDS
