"""Inputs and answers a careless caller or a broken network produces: refused or typed, never a hang or a leak.

Each case here was found by trying the SDK as a hostile user would; each asserts what the user would notice:
nothing sent (no credits spent), a deadline that holds, a KlingError rather than a raw exception.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import kling
import pytest
from kling_api.models import ImageTask

from testsupport.spec_mock import SpecMock

from ._helpers import (
    CREATE_TASK,
    GET_TASK,
    AnyKling,
    FakeTime,
    Flavor,
    call,
    checked,
    close,
    error_body,
    example,
    image_file_bytes,
    make_client,
    operations,
    task_answer,
)

TASK_ID = "783510947463159851"
TASK_PATH = r"^/v1/images/generations/.+$"
TOKEN_ECHO = b"<html>upstream said: Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhayJ9.c2ln</html>"


async def test_a_single_string_is_not_a_batch_of_one_character_prompts(
    make: Callable[..., AnyKling], mock: SpecMock
) -> None:
    client = make()
    with pytest.raises(kling.ValidationError, match="not a single string") as refused:
        # mypy cannot catch it: a str is an Iterable[str].
        await call(client.images.generate_many("a red fox"))
    assert refused.value.field == "items"
    assert mock.raw_requests == []


@pytest.mark.parametrize("deadline", [float("nan"), float("inf"), -1.0, "10", True])
async def test_a_wait_deadline_that_could_never_fire_is_refused_before_any_request(
    make: Callable[..., AnyKling], mock: SpecMock, deadline: object
) -> None:
    client = make()
    with pytest.raises(kling.ValidationError) as refused:
        await call(client.images.generate("a red fox", deadline=deadline))  # type: ignore[arg-type]
    assert refused.value.field == "deadline"
    # Above all no create: a task that costs credits is never started for a wait that cannot work.
    assert mock.raw_requests == []


@pytest.mark.parametrize(
    "outage",
    [
        httpx.Response(502, content=b"<html>Bad Gateway</html>"),
        httpx.Response(429, json=error_body(1302, "requests too fast"), headers={"Retry-After": "60"}),
        httpx.ReadTimeout("read timed out"),
    ],
    ids=["html-502", "429-retry-after-60", "read-timeout"],
)
async def test_the_wait_deadline_holds_through_an_outage(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime, outage: httpx.Response | Exception
) -> None:
    client = make()
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=[task_answer("processing"), *[outage] * 200])
    with pytest.raises(kling.TaskTimeoutError) as timed_out:
        await call(client.images.wait(TASK_ID, deadline=10))
    # The deadline is the caller's, not the retry budget's: it fires on time, with the task id to come back to.
    assert fake_time.now <= 10
    assert timed_out.value.task_id == TASK_ID
    assert timed_out.value.last_status == "processing"
    # And the outage is the cause, for whoever wants to know why.
    assert isinstance(timed_out.value.__cause__, kling.KlingError)


async def test_a_short_outage_does_not_end_a_long_wait(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make(max_retries=0)
    gateway = httpx.Response(502, content=b"<html>Bad Gateway</html>")
    mock.router.get(path__regex=TASK_PATH).mock(
        side_effect=[task_answer("processing"), gateway, gateway, gateway, task_answer("succeed")]
    )
    task = await call(client.images.wait(TASK_ID, deadline=600))
    assert isinstance(task, ImageTask)
    assert task.task_status == "succeed"


async def test_a_non_retryable_error_ends_the_wait_at_once(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    client = make()
    mock.router.get(path__regex=TASK_PATH).mock(return_value=checked(GET_TASK, 400, error_body(1201, "not found")))
    with pytest.raises(kling.InvalidRequestError):
        await call(client.images.wait(TASK_ID, deadline=600))
    assert operations(mock) == [GET_TASK]


@pytest.mark.parametrize("task_id", ["x" * 100_000, "."])
async def test_an_id_that_cannot_be_queried_is_refused_before_sending(
    make: Callable[..., AnyKling], mock: SpecMock, task_id: str
) -> None:
    client = make()
    with pytest.raises(kling.ValidationError) as refused:
        await call(client.images.get(task_id))
    assert refused.value.field == "task_id"
    assert mock.raw_requests == []


@pytest.mark.parametrize("external_task_id", ["", ".", "..", "x" * 5000])
async def test_an_external_task_id_that_could_not_be_looked_up_is_refused_before_creating(
    make: Callable[..., AnyKling], mock: SpecMock, external_task_id: str
) -> None:
    client = make()
    with pytest.raises(kling.ValidationError) as refused:
        await call(client.images.create("a red fox", external_task_id=external_task_id))
    assert refused.value.field == "external_task_id"
    assert mock.raw_requests == []


async def test_a_request_that_cannot_be_serialised_is_local_never_ambiguous(
    make: Callable[..., AnyKling], mock: SpecMock
) -> None:
    client = make()
    with pytest.raises(kling.ValidationError):
        await call(client.images.create("a red fox", watermark_info={"enabled": True, "extra": object()}))  # type: ignore[arg-type]
    # Not mistaken for "maybe created": no lookups, no retries, nothing sent.
    assert mock.raw_requests == []


async def test_a_token_echoed_in_an_error_page_is_never_repeated(
    make: Callable[..., AnyKling], mock: SpecMock, caplog: pytest.LogCaptureFixture
) -> None:
    client = make(max_retries=0)
    mock.router.get(path__regex=TASK_PATH).mock(return_value=httpx.Response(502, content=TOKEN_ECHO))
    with caplog.at_level(logging.DEBUG, logger="kling"), pytest.raises(kling.ServerError) as raised:
        await call(client.images.get(TASK_ID))
    shown = str(raised.value) + raised.value.message + caplog.text
    assert "eyJ" not in shown
    assert "[redacted]" in str(raised.value)


async def test_a_429_page_without_the_envelope_is_a_rate_limit_honouring_retry_after(
    make: Callable[..., AnyKling], mock: SpecMock, fake_time: FakeTime
) -> None:
    client = make(max_retries=1)
    limiter = httpx.Response(429, content=b"<html>Too Many Requests</html>", headers={"Retry-After": "7"})
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=[limiter, task_answer("succeed")])
    task = await call(client.images.get(TASK_ID))
    assert task.task_status == "succeed"
    assert fake_time.sleeps == [7.0]


@pytest.mark.parametrize(
    "lookup",
    [
        httpx.Response(404, json=error_body(1202, "invalid request method")),
        httpx.Response(404, content=b"<html>Not Found</html>"),
    ],
    ids=["404-1202", "bare-404"],
)
async def test_a_lookup_answer_that_proves_nothing_never_leads_to_a_second_create(
    make: Callable[..., AnyKling], mock: SpecMock, lookup: httpx.Response
) -> None:
    client = make(max_retries=2)
    mock.router.post("/v1/images/generations").mock(side_effect=httpx.ReadTimeout("no answer"))
    mock.router.get(path__regex=TASK_PATH).mock(return_value=lookup)
    with pytest.raises(kling.KlingError):
        await call(client.images.create("a red fox"))
    assert operations(mock).count(CREATE_TASK) == 1


async def test_a_download_through_a_plain_mock_transport_works(
    flavor: Flavor, fake_time: FakeTime, tmp_path: Path
) -> None:
    png = example(GET_TASK, 200, "succeed")
    url = png["data"]["task_result"]["images"][0]["url"]

    image = image_file_bytes(320, 320)

    def answer(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == url
        return httpx.Response(200, content=image, headers={"Content-Type": "image/png"})

    client = make_client(flavor, httpx.MockTransport(answer), fake_time)
    task = ImageTask.from_dict(png["data"])
    try:
        saved = await call(client.images.download(task, tmp_path))
    finally:
        await close(client)
    assert [path.read_bytes() for path in saved] == [image]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
async def test_a_device_named_as_the_image_is_refused_not_read_forever(
    make: Callable[..., AnyKling], mock: SpecMock
) -> None:
    client = make()
    with pytest.raises(kling.ValidationError, match="not a regular file"):
        await call(client.images.create("a red fox", image=Path("/dev/zero")))
    assert mock.raw_requests == []


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("timeout", "x"),
        ("timeout", -1),
        ("timeout", float("nan")),
        ("base_url", "https://"),
        ("base_url", 5),
        ("httpx_args", [1]),
        ("max_retries", -1),
    ],
)
def test_a_client_built_with_a_bad_argument_says_which(argument: str, value: object) -> None:
    arguments: dict[str, object] = {"base_url": "https://api.example", argument: value}
    with pytest.raises(kling.ValidationError) as refused:
        kling.Kling("ak", "s" * 32, **arguments)  # type: ignore[arg-type]
    assert refused.value.field == argument


@pytest.mark.parametrize(("task", "directory"), [({"task_id": "1"}, "out"), (None, "out"), ("TASK", None)])
async def test_download_with_the_wrong_arguments_is_a_validation_error(
    make: Callable[..., AnyKling], task: object, directory: object, tmp_path: Path
) -> None:
    client = make()
    real_task = ImageTask.from_dict(example(GET_TASK, 200, "succeed")["data"])
    with pytest.raises(kling.ValidationError):
        await call(client.images.download(real_task if task == "TASK" else task, directory))  # type: ignore[arg-type]


async def test_an_integral_float_n_is_sent_as_an_integer(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    client = make()
    mock.replay(CREATE_TASK, (200, "submitted"))
    await call(client.images.create("a red fox", n=2.0))  # type: ignore[arg-type]
    sent = json.loads(mock.raw_requests[-1].content)
    assert sent["n"] == 2
    assert type(sent["n"]) is int


async def test_an_empty_data_uri_is_refused(make: Callable[..., AnyKling], mock: SpecMock) -> None:
    client = make()
    with pytest.raises(kling.ValidationError, match="no image data"):
        await call(client.images.create("a red fox", image="data:image/png;base64,"))
    assert mock.raw_requests == []
