"""The emulator's state and request handling: tasks, quota, faults, callbacks, images.

Every request to the API goes through, in order: injected latency, ``drop`` and ``html`` faults, then
authentication (401, codes 1001-1004), injected ``error``/``rate_limit`` faults, validation by
``kling_spec`` (its status and code, the message naming the field), the documented rules the
schema cannot express (400/1201), then the operation, then ``stall`` and ``drop=after``. Every
answer is the documented envelope ``{"code", "message", "request_id", "data"}`` (except an
injected ``html`` gateway page, and the plain 408 for a body that did not arrive within ``body_timeout``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection, Mapping
from typing import Any

import anyio
from kling_spec import RequestValidationError, Spec, load_spec
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from ._auth import Authenticator
from ._callbacks import CallbackSender, Signer
from ._config import EmulatorConfig
from ._constants import (
    FAULT_HEADER,
    LOGGER_NAME,
    MAX_CALLBACK_URL_CHARS,
    MAX_EXTERNAL_TASK_ID_CHARS,
    MODERATION_MESSAGE,
    WATERMARK_SUFFIX,
)
from ._errors import ApiError, echo, success
from ._faults import Fault, FaultConfig, FaultInjector
from ._http import (
    JSON,
    BodyTimeout,
    DroppedResponse,
    NoAnswer,
    base_url,
    error_response,
    gateway_page,
    header_text,
    raw_path,
    read_body,
    request_timeout,
)
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
        # What reset() goes back to after reconfigure().
        self._built_with = config
        self.spec = spec if spec is not None else load_spec()
        self.images = ImageCache(config.image_cache_size)
        self.tasks = TaskStore(
            slots=config.slots, max_tasks=config.max_tasks, ttl=config.task_ttl, on_forget=self.images.forget_task
        )
        self.auth = Authenticator(config.keys, config.clock, config.api_keys)
        self.faults = FaultInjector(config.faults)
        self.callbacks = CallbackSender(config.callback_transport, signer=_signer(config))
        self._list_defaults = _query_defaults(self.spec, "listImageTasks")

    def now(self) -> float:
        return self.config.clock()

    def reset(self) -> None:
        """Forget every task, image and queued fault, undo :meth:`reconfigure` and restart the fault RNG:
        as good as a new app (for tests)."""
        self.tasks.clear()
        self.images.clear()
        self.config = self._built_with
        self.tasks.slots = self.config.slots
        self.faults = FaultInjector(self.config.faults)
        self._use_credentials(self.config)

    def advance(self) -> list[Announcement]:
        """Move every task to its current status; the callbacks that became due."""
        return self.tasks.advance(self.now())

    async def tick(self) -> None:
        """Advance tasks and send the callbacks now due (the ticker calls this periodically)."""
        due = self.advance()
        if due:
            await self.callbacks.send(due)

    async def run_ticker(self, interval: float) -> None:
        # Callbacks go out beside the ticker, never holding it up: a slow receiver must not delay the
        # next tick, hence the callbacks of every other task.
        async with anyio.create_task_group() as sending:
            while True:
                try:
                    due = self.advance()
                    if due:
                        sending.start_soon(self._send_callbacks, due)
                except Exception:
                    # The ticker must survive anything; the traceback has no secrets (no request here).
                    logger.exception("emulator tick failed")
                await anyio.sleep(interval)

    async def _send_callbacks(self, due: list[Announcement]) -> None:
        try:
            await self.callbacks.send(due)
        except Exception:
            logger.exception("sending callbacks failed")

    # -- the API ----------------------------------------------------------------------------

    async def handle_api(self, request: Request) -> Response:
        try:
            fault = self.faults.for_request(header_text(request.headers.get(FAULT_HEADER)))
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
            # It gave up (its read timeout, during injected latency) before sending its body: nobody to answer,
            # nothing wrong on this side. One line, no traceback.
            logger.debug("%s request: the client disconnected before sending its body; no answer", request.method)
            return NoAnswer()
        except BodyTimeout as timeout:
            # A slow client (a body sent a byte at a time): 408 and the connection closed; one line, no traceback.
            logger.debug("%s request: its body did not arrive within %g s; 408", request.method, timeout.seconds)
            return request_timeout(timeout)
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
        body = await read_body(request, self.config.body_timeout)
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
        # Path parameters come back decoded once by the spec's matcher (an id "order%41" is sent as
        # "order%2541"): decoding them again would look up "orderA".
        path_params = matched.path_params
        root = base_url(request)
        if matched.operation_id == "createImageTask":
            return self._create(matched.body, root, fault)
        if matched.operation_id == "getImageTask":
            return self._get(path_params["task_id"], root)
        if matched.operation_id == "listImageTasks":
            query = {**self._list_defaults, **matched.query}
            return self._list(query["pageNum"], query["pageSize"], root)
        raise ApiError.from_code(1203, f"no handler for {matched.operation_id}")  # pragma: no cover

    def create_task(self, body: Mapping[str, Any], *, base_url: str, moderation: bool = False) -> Task:
        """Create a task as the create call does, minus HTTP (tests use it to seed the store).

        ``body`` must already be schema-valid; ApiError on a broken rule, a duplicate
        ``external_task_id`` (400/1201) or a full quota (429/1303). ``moderation`` makes it fail.
        """
        spec = task_spec(body, self.spec)
        for name, limit in (
            ("external_task_id", MAX_EXTERNAL_TASK_ID_CHARS),
            ("callback_url", MAX_CALLBACK_URL_CHARS),
        ):
            value = body.get(name)
            if isinstance(value, str) and len(value) > limit:
                # The emulator's own bound on what a task keeps (see _constants): the spec states none.
                raise ApiError.invalid(f"body.{name}", f"is longer than {limit} characters (the emulator's limit)")
        # A moderation failure queued with moderate_next() goes to the next task actually created.
        queued_moderation = not moderation and self.faults.take_moderation()
        moderation = moderation or queued_moderation
        try:
            task = self.tasks.create(
                spec,
                now=self.now(),
                timeline=(self.config.processing_after, self.config.succeed_after),
                base_url=base_url,
                outcome=TaskStatus.FAILED if moderation else TaskStatus.SUCCEED,
                failure_message=MODERATION_MESSAGE if moderation else "",
            )
        except (DuplicateExternalId, QuotaExceeded) as refused:
            if queued_moderation:
                self.faults.queue_moderation()
            if isinstance(refused, QuotaExceeded):
                raise ApiError.from_code(1303) from None
            duplicate = f"duplicate external_task_id: {echo(str(refused))}"
            raise ApiError.invalid("body.external_task_id", duplicate) from None
        logger.info(
            "task %s created (n=%d, %s, %dx%d, %d elements)",
            task.task_id,
            spec.n,
            spec.model_name,
            spec.width,
            spec.height,
            spec.elements,
        )
        return task

    def _create(self, body: Mapping[str, Any], base_url: str, fault: Fault) -> Response:
        task = self.create_task(body, base_url=base_url, moderation=fault.moderation)
        return JSON(success(task.created_view()))

    def _get(self, task_id: str, base_url: str) -> Response:
        task = self.tasks.get(task_id, now=self.now())
        if task is None:
            raise ApiError(400, 1201, f"Task not found by id/external id: {echo(task_id)}")
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
            # ASCII digits only, as the URLs have them ("0", never "00", a superscript or a full-width digit),
            # checked before int(): str.isdigit() takes "\u00b2", which int() refuses, and int() refuses 4301 digits.
            or not (index_text.isascii() and index_text.isdigit() and len(index_text) <= 3)
            or index_text != str(int(index_text))
            or int(index_text) >= task.spec.n
            or (watermark and not task.spec.watermark)
            or task.task_id != request.path_params["task_id"]
        ):
            return error_response(ApiError.from_code(1203, "no such image"))
        png = await run_in_threadpool(self.images.get_or_render, _image_request(task, int(index_text), watermark))
        return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"})

    # -- changing a running app (test kits such as kling_testing) ----------------------------

    def reconfigure(
        self,
        *,
        processing_after: float | None = None,
        succeed_after: float | None = None,
        faults: FaultConfig | None = None,
        slots: int | None = None,
    ) -> None:
        """Change the timeline, the app-wide faults or the concurrency slots of the running app.

        Each argument means what it means to :func:`kling_emulator.create_app`; None keeps the current value.
        Tasks already created keep their timeline; new faults restart the fault RNG from their seed. A value
        ``create_app`` would refuse raises ValueError and changes nothing. :meth:`reset` undoes it all.
        """
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("processing_after", processing_after),
                ("succeed_after", succeed_after),
                ("faults", faults),
                ("slots", slots),
            )
            if value is not None
        }
        config = dataclasses.replace(self.config, **changes)  # validated like create_app's
        self.config = config
        self.tasks.slots = config.slots
        if faults is not None:
            self.faults.config = config.faults
            self.faults.reseed()

    def set_api_keys(self, api_keys: Collection[str]) -> None:
        """Accept these API keys from now on, instead of the current ones (the key pairs stay as they are).

        ValueError for a key ``create_app`` would refuse (and nothing changes); :meth:`reset` undoes it.
        """
        self._use_credentials(dataclasses.replace(self.config, api_keys=api_keys))

    def set_webhook_secret(self, secret: str | None) -> None:
        """Sign callbacks with ``secret`` (``whsec_`` + Base64) from the next delivery on; None: unsigned.

        ValueError for a secret ``create_app`` would refuse (and nothing changes); :meth:`reset` undoes it.
        """
        self._use_credentials(dataclasses.replace(self.config, webhook_secret=secret))

    def _use_credentials(self, config: EmulatorConfig) -> None:
        self.config = config
        self.auth = Authenticator(config.keys, config.clock, config.api_keys)
        self.callbacks.signer = _signer(config)

    def queue_fault(self, fault: Fault, times: int = 1) -> None:
        """The next ``times`` API requests get ``fault`` (never image downloads); a request's header still wins."""
        self.faults.queue(fault, times)

    def moderate_next(self, times: int = 1) -> None:
        """The next ``times`` tasks created end ``failed`` by risk control, as a moderation fault would."""
        self.faults.queue_moderation(times)


def _signer(config: EmulatorConfig) -> Signer | None:
    return None if config.webhook_secret is None else Signer(config.webhook_secret, config.clock)


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


def _query_defaults(spec: Spec, operation_id: str) -> dict[str, Any]:
    """The documented defaults of an operation's query parameters, from the spec (``{"pageNum": 1, ...}``)."""
    _, _, operation = spec.operation(operation_id)
    parameters = [spec.resolve(parameter) for parameter in operation.get("parameters", [])]
    return {
        parameter["name"]: parameter["schema"]["default"]
        for parameter in parameters
        if parameter["in"] == "query" and "default" in parameter.get("schema", {})
    }
