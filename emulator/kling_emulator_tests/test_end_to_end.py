"""The generated client and kling_auth against the emulator: create, poll, download, as a user would.

Sync: the emulator runs in a thread (uvicorn on a free loopback port) and the client talks HTTP.
Async: the app runs in process through ``httpx.ASGITransport``. Both on the real clock. Waiting for a task
is the SDK's job (``images.wait``): no test writes its own polling loop.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from kling import AsyncKling, Kling, TaskFailedError
from kling_api import AuthenticatedClient
from kling_api.api.images import create_image_task, get_image_task, list_image_tasks
from kling_api.models import (
    AspectRatio,
    CreatedImageTask,
    CreateImageTaskRequest,
    CreateImageTaskResponse,
    ErrorResponse,
    FinalBalanceDeduction,
    ImageTask,
    ImageTaskListResponse,
    ImageTaskResponse,
    ModelName,
    Resolution,
    TaskInfo,
    TaskResult,
    TaskStatus,
    WatermarkInfo,
)
from kling_api.types import UNSET, Unset
from kling_auth import authenticated_client
from kling_emulator import FAULT_HEADER, create_app, image_size, run_emulator
from PIL import Image
from starlette.applications import Starlette

from .conftest import ACCESS_KEY, SECRET_KEY

TIMELINE: dict[str, Any] = {"processing_after": 0.05, "succeed_after": 0.2}
WAIT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Job:
    model: ModelName
    aspect_ratio: AspectRatio
    resolution: Resolution
    n: int
    #: The listed price of one image (text to image), units and USD (capability-and-pricing.md §4).
    units_per_image: int
    usd_per_image: Decimal

    def request(self, external_task_id: str) -> CreateImageTaskRequest:
        return CreateImageTaskRequest(
            prompt=f"a red fox in snow, {self.aspect_ratio.value}",
            model_name=self.model,
            aspect_ratio=self.aspect_ratio,
            resolution=self.resolution,
            n=self.n,
            external_task_id=external_task_id,
            watermark_info=WatermarkInfo(enabled=True),
        )

    @property
    def size(self) -> tuple[int, int]:
        return image_size(self.aspect_ratio.value, self.resolution.value)


JOBS = [
    Job(ModelName.KLING_V3, AspectRatio.RATIO_16_9, Resolution.RES_1K, 2, 8, Decimal("0.028")),
    Job(ModelName.KLING_V2_1, AspectRatio.RATIO_2_3, Resolution.RES_2K, 3, 4, Decimal("0.014")),
]


def _created_id(parsed: CreateImageTaskResponse | ErrorResponse | None) -> str:
    assert isinstance(parsed, CreateImageTaskResponse), parsed
    assert parsed.code == 0
    assert isinstance(parsed.data, CreatedImageTask)
    return parsed.data.task_id


def _task(parsed: ImageTaskResponse | ErrorResponse | None) -> ImageTask:
    assert isinstance(parsed, ImageTaskResponse), parsed
    assert isinstance(parsed.data, ImageTask), parsed.data  # a model, not a raw dict
    return parsed.data


def _urls(task: ImageTask) -> list[str]:
    assert isinstance(task.task_result, TaskResult)
    assert not isinstance(task.task_result.images, Unset)
    urls = []
    for image in task.task_result.images:
        urls.append(image.url)
        assert isinstance(image.watermark_url, str)
        urls.append(image.watermark_url)
    return urls


def _assert_pngs(contents: list[bytes], size: tuple[int, int], count: int) -> None:
    assert len(contents) == count
    for content in contents:
        with Image.open(io.BytesIO(content)) as image:
            assert image.format == "PNG"
            assert image.size == size


# -- sync: over a real loopback socket -----------------------------------------------------------


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with run_emulator(keys={ACCESS_KEY: SECRET_KEY}, slots=50, **TIMELINE) as url:
        yield url


def _sync_client(base_url: str, **options: Any) -> AuthenticatedClient:
    # trust_env=False: a proxy from the environment must not see loopback traffic.
    return authenticated_client(ACCESS_KEY, SECRET_KEY, base_url=base_url, httpx_args={"trust_env": False}, **options)


def _sync_wait(base_url: str, task_id: str, **headers: str) -> ImageTask:
    """The task once it ended, succeeded or failed, waited for by the SDK."""
    seen: list[str] = []
    httpx_args: dict[str, Any] = {"trust_env": False, "headers": headers}
    with Kling(ACCESS_KEY, SECRET_KEY, base_url=base_url, httpx_args=httpx_args) as sdk:
        try:
            task = sdk.images.wait(task_id, deadline=WAIT_TIMEOUT, on_update=lambda t: seen.append(t.task_status))
        except TaskFailedError as failed:
            ended = failed.task
            assert isinstance(ended, ImageTask)  # a task of /v1/images/generations
            task = ended
    assert seen[0] in (TaskStatus.SUBMITTED, TaskStatus.PROCESSING)
    return task


@pytest.mark.parametrize("job", JOBS, ids=lambda job: f"{job.model.value}-{job.aspect_ratio.value}")
def test_sync_create_poll_download(base_url: str, job: Job) -> None:
    external_id = f"sync-{job.model.value}-{time.monotonic_ns()}"
    with _sync_client(base_url) as client:
        task_id = _created_id(create_image_task.sync(client=client, body=job.request(external_id)))
        task = _sync_wait(base_url, task_id)
        by_external_id = _task(get_image_task.sync(external_id, client=client))
        listed = list_image_tasks.sync(client=client, page_num=1, page_size=10)

    assert task.task_status == TaskStatus.SUCCEED
    assert by_external_id.task_id == task_id
    assert isinstance(listed, ImageTaskListResponse)
    assert isinstance(listed.data, list)
    assert task_id in [item.task_id for item in listed.data]
    with httpx.Client(trust_env=False) as downloader:
        contents = [downloader.get(url).raise_for_status().content for url in _urls(task)]
    _assert_pngs(contents, job.size, 2 * job.n)


def test_sync_moderation_failure(base_url: str) -> None:
    with _sync_client(base_url, headers={FAULT_HEADER: "moderation"}) as client:
        task_id = _created_id(create_image_task.sync(client=client, body=CreateImageTaskRequest(prompt="x")))
        task = _sync_wait(base_url, task_id, **{FAULT_HEADER: "moderation"})

    assert task.task_status == TaskStatus.FAILED
    assert task.task_status_msg == "Failure to pass the risk control system"
    assert task.task_result is UNSET


def test_sync_errors_parse_as_error_responses(base_url: str) -> None:
    with _sync_client(base_url) as client:
        missing = get_image_task.sync("no-such-task", client=client)
        invalid = create_image_task.sync(client=client, body=CreateImageTaskRequest(prompt="x", n=10))
    with authenticated_client(ACCESS_KEY, "a-wrong-secret-key-that-is-long-enough", base_url=base_url) as client:
        unauthorized = get_image_task.sync("x", client=client)

    assert isinstance(missing, ErrorResponse)
    assert missing.code == 1201
    assert isinstance(invalid, ErrorResponse)
    assert invalid.code == 1201
    assert invalid.message.startswith("body.n:")
    assert isinstance(unauthorized, ErrorResponse)
    assert unauthorized.code == 1002


# -- async: in process through httpx.ASGITransport -----------------------------------------------


@pytest.fixture
def asgi_app() -> Starlette:
    return create_app(keys={ACCESS_KEY: SECRET_KEY}, slots=50, **TIMELINE)


def _async_client(app: Starlette, **options: Any) -> AuthenticatedClient:
    transport = httpx.ASGITransport(app)
    return authenticated_client(
        ACCESS_KEY, SECRET_KEY, base_url="http://emulator.test", httpx_args={"transport": transport}, **options
    )


async def _async_wait(app: Starlette, task_id: str) -> ImageTask:
    """The task once it ended, succeeded or failed, waited for by the async SDK."""
    httpx_args: dict[str, Any] = {"transport": httpx.ASGITransport(app)}
    async with AsyncKling(ACCESS_KEY, SECRET_KEY, base_url="http://emulator.test", httpx_args=httpx_args) as sdk:
        try:
            return await sdk.images.wait(task_id, deadline=WAIT_TIMEOUT)
        except TaskFailedError as failed:
            ended = failed.task
            assert isinstance(ended, ImageTask)  # a task of /v1/images/generations
            return ended


@pytest.mark.parametrize("job", JOBS, ids=lambda job: f"{job.model.value}-{job.aspect_ratio.value}")
async def test_async_create_poll_download(asgi_app: Starlette, job: Job) -> None:
    async with _async_client(asgi_app) as client:
        task_id = _created_id(await create_image_task.asyncio(client=client, body=job.request("async-1")))
        task = await _async_wait(asgi_app, task_id)
        downloader = client.get_async_httpx_client()
        contents = [(await downloader.get(url)).raise_for_status().content for url in _urls(task)]

    assert task.task_status == TaskStatus.SUCCEED
    assert task.final_unit_deduction == str(job.units_per_image * job.n)
    assert isinstance(task.final_balance_deduction, FinalBalanceDeduction)
    assert Decimal(str(task.final_balance_deduction.list_price)) == job.usd_per_image * job.n
    assert task.final_balance_deduction.quota == task.final_balance_deduction.list_price
    assert isinstance(task.task_info, TaskInfo)
    assert task.task_info.external_task_id == "async-1"
    _assert_pngs(contents, job.size, 2 * job.n)


async def test_async_moderation_failure(asgi_app: Starlette) -> None:
    async with _async_client(asgi_app, headers={FAULT_HEADER: "moderation"}) as client:
        body = CreateImageTaskRequest(prompt="x", n=3)
        task = await _async_wait(asgi_app, _created_id(await create_image_task.asyncio(client=client, body=body)))

    assert task.task_status == TaskStatus.FAILED
    assert task.task_status_msg == "Failure to pass the risk control system"
    assert task.task_result is UNSET


async def test_async_quota_error_parses_as_error_response(asgi_app: Starlette) -> None:
    async with _async_client(asgi_app) as client:
        for _ in range(5):
            await create_image_task.asyncio(client=client, body=CreateImageTaskRequest(prompt="x", n=9))
        refused = await create_image_task.asyncio(client=client, body=CreateImageTaskRequest(prompt="x", n=9))

    assert isinstance(refused, ErrorResponse)
    assert refused.code == 1303
