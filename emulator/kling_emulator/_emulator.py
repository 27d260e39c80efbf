"""The emulator's state and request handling: tasks, quota, faults, callbacks, images.

Every request to the API goes through, in order: injected latency, ``drop`` and ``html`` faults, then
authentication (401, codes 1001-1004), injected ``error``/``rate_limit`` faults, validation by
``kling_spec`` (its status and code, the message naming the field), the documented rules the
schema cannot express (400/1201), then the operation, then ``stall`` and ``drop=after``. Every
answer is the documented envelope ``{"code", "message", "request_id", "data"}`` (except an
injected ``html`` gateway page).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

import anyio
from kling_spec import RequestValidationError, Spec, load_spec
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from ._auth import Authenticator
from ._callbacks import CallbackSender
from ._config import EmulatorConfig
from ._constants import FAULT_HEADER, LOGGER_NAME, MODERATION_MESSAGE, WATERMARK_SUFFIX
from ._errors import ApiError, success
from ._faults import Fault, FaultInjector
from ._http import JSON, DroppedResponse, NoAnswer, error_response, gateway_page, raw_path, read_body
from ._images import ImageCache, ImageRequest
from ._rules import task_spec
from ._tasks import Announcement, DuplicateExternalId, QuotaExceeded, Task, TaskStatus, TaskStore

logger = logging.getLogger(LOGGER_NAME)


class Emulator:
    """The state behind one app: tasks, quota, faults, callbacks and the image cache.

    Reachable as ``app.state.emulator``; tests use it to inspect the store or to advance
    tasks and send due callbacks with :meth:`tick`.
    """

    def __init__(self, config: EmulatorConfig, spec: Spec | None = None) -> None:
        self.config = config
        self.spec = spec if spec is not None else load_spec()
        self.images = ImageCache(config.image_cache_size)
        self.tasks = TaskStore(
            slots=config.slots, max_tasks=config.max_tasks, ttl=config.task_ttl, on_forget=self.images.forget_task
        )
        self.auth = Authenticator(config.keys, config.clock)
        self.faults = FaultInjector(config.faults)
        self.callbacks = CallbackSender(config.callback_transport)

    def now(self) -> float:
        return self.config.clock()

    def reset(self) -> None:
        """Forget every task and image and restart the fault RNG: as good as a new app (for tests)."""
        self.tasks.clear()
        self.images.clear()
        self.faults.reseed()

    def advance(self) -> list[Announcement]:
        """Move every task to its current status; the callbacks that became due."""
        return self.tasks.advance(self.now())

    async def tick(self) -> None:
        """Advance tasks and send the callbacks now due (the ticker calls this periodically)."""
        due = self.advance()
        if due:
            await self.callbacks.send(due)

    async def run_ticker(self, interval: float) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                # The ticker must survive anything; the traceback has no secrets (no request here).
                logger.exception("emulator tick failed")
            await anyio.sleep(interval)

    # -- the API ----------------------------------------------------------------------------

    async def handle_api(self, request: Request) -> Response:
        try:
            fault = self.faults.for_request(request.headers.get(FAULT_HEADER))
        except ApiError as error:
            return error_response(error)
        if fault.latency:
            await anyio.sleep(fault.latency)
        if fault.drop == "before":
            return DroppedResponse()
        if fault.html is not None:
            return gateway_page(fault.html)
        try:
            self.auth.authenticate(request.headers.get("authorization"))
            if fault.error is not None:
                raise ApiError.from_code(fault.error, "injected fault")
            response = await self._dispatch(request, fault)
        except ApiError as error:
            response = error_response(error)
        except ClientDisconnect:
            # It gave up (its read timeout, during injected latency) before sending its body: nobody to answer.
            return NoAnswer()
        if fault.stall:
            # Handled (a create did create its task), but the answer comes late: past a client's read timeout.
            await anyio.sleep(fault.stall)
        if fault.drop == "after":
            return DroppedResponse()
        due = self.advance()
        if due:
            # Sent once the answer is out (in process: before the client gets it back).
            response.background = BackgroundTask(self.callbacks.send, due)
        return response

    async def _dispatch(self, request: Request, fault: Fault) -> Response:
        body = await read_body(request)
        try:
            matched = self.spec.validate_request(
                request.method,
                raw_path(request.scope),
                query=dict(request.query_params),
                content_type=request.headers.get("content-type"),
                body=body,
            )
        except RequestValidationError as error:
            raise ApiError(error.status, error.api_code, str(error)) from None
        path_params = {name: unquote(value) for name, value in matched.path_params.items()}
        base_url = str(request.base_url).rstrip("/")
        if matched.operation_id == "createImageTask":
            return self._create(matched.body, base_url, fault)
        if matched.operation_id == "getImageTask":
            return self._get(path_params["task_id"], base_url)
        if matched.operation_id == "listImageTasks":
            return self._list(matched.query.get("pageNum", 1), matched.query.get("pageSize", 30), base_url)
        raise ApiError.from_code(1203, f"no handler for {matched.operation_id}")  # pragma: no cover

    def create_task(self, body: Mapping[str, Any], *, base_url: str, moderation: bool = False) -> Task:
        """Create a task as the create call does, minus HTTP (tests use it to seed the store).

        ``body`` must already be schema-valid; ApiError on a broken rule, a duplicate
        ``external_task_id`` (400/1201) or a full quota (429/1303). ``moderation`` makes it fail.
        """
        spec = task_spec(body, self.spec)
        try:
            task = self.tasks.create(
                spec,
                now=self.now(),
                timeline=(self.config.processing_after, self.config.succeed_after),
                base_url=base_url,
                outcome=TaskStatus.FAILED if moderation else TaskStatus.SUCCEED,
                failure_message=MODERATION_MESSAGE if moderation else "",
            )
        except DuplicateExternalId as error:
            raise ApiError.invalid("body.external_task_id", f"duplicate external_task_id: {error}") from None
        except QuotaExceeded:
            raise ApiError.from_code(1303) from None
        logger.info("task %s created (n=%d, %s, %dx%d)", task.task_id, spec.n, spec.model_name, spec.width, spec.height)
        return task

    def _create(self, body: Mapping[str, Any], base_url: str, fault: Fault) -> Response:
        task = self.create_task(body, base_url=base_url, moderation=fault.moderation)
        return JSON(success(task.created_view()))

    def _get(self, task_id: str, base_url: str) -> Response:
        task = self.tasks.get(task_id, now=self.now())
        if task is None:
            raise ApiError(400, 1201, f"Task not found by id/external id: {task_id}")
        return JSON(success(task.view(self.now(), base_url)))

    def _list(self, page_num: int, page_size: int, base_url: str) -> Response:
        now = self.now()
        tasks = self.tasks.page(page_num, page_size, now=now)
        return JSON(success([task.view(now, base_url) for task in tasks]))

    # -- images -----------------------------------------------------------------------------

    async def handle_image(self, request: Request) -> Response:
        task = self.tasks.get(request.path_params["task_id"], now=self.now())
        name: str = request.path_params["name"]
        watermark = name.endswith(WATERMARK_SUFFIX)
        index_text = name.removesuffix(WATERMARK_SUFFIX)
        if (
            task is None
            or task.status(self.now())[0] is not TaskStatus.SUCCEED
            or not (index_text.isascii() and index_text.isdigit() and len(index_text) <= 3)
            or int(index_text) >= task.spec.n
            or (watermark and not task.spec.watermark)
            or task.task_id != request.path_params["task_id"]
        ):
            return error_response(ApiError.from_code(1203, "no such image"))
        png = await run_in_threadpool(self.images.get_or_render, _image_request(task, int(index_text), watermark))
        return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"})


def _image_request(task: Task, index: int, watermark: bool) -> ImageRequest:
    spec = task.spec
    return ImageRequest(
        task_id=task.task_id,
        index=index,
        count=spec.n,
        width=spec.width,
        height=spec.height,
        prompt=spec.prompt,
        caption=" · ".join(
            ("Kling emulator", spec.model_name, spec.aspect_ratio, spec.resolution, f"{spec.width}x{spec.height}")
        ),
        watermark=watermark,
    )
