"""The emulator's state and request handling: tasks, quota, faults, callbacks, images, elements, the account.

Every request to the API goes through, in order: injected latency, ``drop`` and ``html`` faults, then
authentication (401, codes 1001-1004), injected ``error``/``rate_limit`` faults, validation by
``kling_spec`` (its status and code, the message naming the field), an operation's ``x-kling-rate-limit``
(429/1302), the documented rules the schema cannot express (400/1201), then the operation, then ``stall`` and
``drop=after``. Every answer is the documented envelope ``{"code", "message", "request_id", "data"}`` (except an
injected ``html`` gateway page, and the plain 408 for a body that did not arrive within ``body_timeout``).

Every task endpoint (``_endpoints.TASK_ENDPOINTS``) is served by the same three handlers, its create, query and
list; the element library and the account have one handler per operation.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import anyio
from kling_spec import RequestValidationError, Spec, inspect_request_body, load_spec
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from ._account import Account, Ledger
from ._auth import API_KEY_IDENTITY, Authenticator
from ._callbacks import CallbackSender, Signer
from ._config import EmulatorConfig
from ._constants import (
    FAULT_HEADER,
    LOGGER_NAME,
    MODERATION_MESSAGE,
    WATERMARK_SUFFIX,
)
from ._endpoints import BY_CREATE, GENERATIONS, TASK_ENDPOINTS, Endpoint
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
from ._presets import preset_element_ids, preset_elements
from ._ratelimit import QpsLimiter, retry_after_header, spec_qps_limits
from ._rules import task_spec
from ._tasks import (
    Announcement,
    DuplicateExternalId,
    ElementNotFound,
    QuotaExceeded,
    Task,
    TaskStatus,
    TaskStore,
    new_task_id,
)

logger = logging.getLogger(LOGGER_NAME)


@dataclass(frozen=True)
class Call:
    """A request that passed validation, as an operation's handler sees it."""

    operation_id: str
    path_params: dict[str, str]
    query: dict[str, Any]
    body: Any
    #: Where the client reached the emulator: the start of the URLs in the answer.
    base_url: str
    fault: Fault
    #: Who made it, as the ledgers name a task's creator: the JWT's access key, or "api-key".
    identity: str


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
        costs = self.spec.examples("getAccountCosts", 200)
        ledger = self.spec.document["components"]["schemas"]["BalanceDeductionsRequest"]["properties"]["limit"]
        self.account = Account(
            opened_at=config.clock(),
            documented_packs=[
                pack for example in costs.values() for pack in example["data"]["resource_pack_subscribe_infos"]
            ],
            default_limit=int(ledger["default"]),
        )
        self.tasks = TaskStore(
            slots=config.slots,
            max_tasks=config.max_tasks,
            ttl=config.task_ttl,
            on_forget=self.images.forget_task,
            on_end=self.account.charge,
        )
        self.auth = Authenticator(config.keys, config.clock, config.api_keys)
        self.faults = FaultInjector(config.faults)
        self.callbacks = CallbackSender(config.callback_transport, signer=_signer(config))
        self.qps = QpsLimiter(spec_qps_limits(self.spec))
        self.presets = preset_elements(self.spec)
        self._preset_ids = preset_element_ids(self.presets)
        self._handlers = self._routes()
        # Each operation with pageNum/pageSize: its documented defaults.
        self._query_defaults = {
            operation["operationId"]: _query_defaults(self.spec, operation["operationId"])
            for _, _, operation in self.spec.operations()
        }

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
        self.qps.reset()
        self.account.reset(self.now())
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
            identity = self.auth.authenticate(request.headers.get("authorization"))
            if fault.error is not None:
                raise ApiError.from_code(fault.error, "injected fault")
            response = await self._dispatch(request, fault, identity)
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

    async def _dispatch(self, request: Request, fault: Fault, identity: str) -> Response:
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
        operation_id = matched.operation_id
        if self.config.qps_limits:
            wait = self.qps.admit(operation_id, self.now())
            if wait is not None:
                method, path, _ = self.spec.operation(operation_id)
                rate = self.qps.rate(operation_id)
                too_fast = ApiError.from_code(1302, f"{method} {path} takes at most {rate:g} request(s) a second")
                too_fast.headers["Retry-After"] = retry_after_header(wait)
                raise too_fast
        handler = self._handlers.get(operation_id)
        if handler is None:  # pragma: no cover - every operation of the spec has one (test_schemathesis.py)
            raise ApiError.from_code(1203, f"no handler for {operation_id}")
        # Path parameters come back decoded once by the spec's matcher (an id "order%41" is sent as
        # "order%2541"): decoding them again would look up "orderA".
        call = Call(
            operation_id=operation_id,
            path_params=matched.path_params,
            query={**self._query_defaults.get(operation_id, {}), **matched.query},
            body=matched.body,
            base_url=base_url(request),
            fault=fault,
            identity=identity,
        )
        return JSON(success(handler(call)))

    def _routes(self) -> dict[str, Callable[[Call], Any]]:
        """operationId -> the handler that answers it (the ``data`` of its success)."""
        routes: dict[str, Callable[[Call], Any]] = {}
        for endpoint in TASK_ENDPOINTS:
            routes[endpoint.create] = functools.partial(self._create, endpoint)
            routes[endpoint.get] = functools.partial(self._get, endpoint)
            routes[endpoint.list] = functools.partial(self._list, endpoint)
        routes["listPresetElements"] = self._list_presets
        routes["deleteElement"] = self._delete_element
        routes["getAccountCosts"] = self._account_costs
        routes["listBalanceDeductions"] = functools.partial(self._ledger, "balance")
        routes["listPackageDeductions"] = functools.partial(self._ledger, "package")
        return routes

    def create_task(
        self,
        body: Mapping[str, Any],
        *,
        base_url: str,
        moderation: bool = False,
        operation: str = GENERATIONS.create,
        api_key_name: str = API_KEY_IDENTITY,
    ) -> Task:
        """Create a task as the create call ``operation`` (default: ``createImageTask``) does, minus HTTP (tests
        use it to seed the store).

        ``body`` must already be schema-valid; ApiError on a broken rule, a duplicate
        ``external_task_id`` (400/1201) or a full quota (429/1303). ``moderation`` makes it fail.
        ``api_key_name`` is the creator the ledgers name.
        """
        endpoint = BY_CREATE[operation]
        spec = task_spec(body, self.spec, endpoint, api_key_name=api_key_name)
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
            "task %s created (%s, n=%d, %s, %dx%d, %d elements)",
            task.task_id,
            endpoint.path,
            spec.n,
            spec.model_name or "no model",
            spec.width,
            spec.height,
            spec.elements,
        )
        return task

    # -- the task endpoints: one create, query and list for all -----------------------------------------------

    def _create(self, endpoint: Endpoint, call: Call) -> dict[str, Any]:
        task = self.create_task(
            call.body,
            base_url=call.base_url,
            moderation=call.fault.moderation,
            operation=endpoint.create,
            api_key_name=call.identity,
        )
        return task.created_view()

    def _get(self, endpoint: Endpoint, call: Call) -> dict[str, Any]:
        task_id = call.path_params["task_id"]
        now = self.now()
        task = self.tasks.get(task_id, now=now, endpoint=endpoint)
        if task is None:
            raise ApiError(400, 1201, f"Task not found by id/external id: {echo(task_id)}")
        return task.view(now, call.base_url)

    def _list(self, endpoint: Endpoint, call: Call) -> list[dict[str, Any]]:
        now = self.now()
        tasks = self.tasks.page(call.query["pageNum"], call.query["pageSize"], now=now, endpoint=endpoint)
        return [task.view(now, call.base_url) for task in tasks]

    # -- the element library ----------------------------------------------------------------------------------

    def _list_presets(self, call: Call) -> list[dict[str, Any]]:
        start = (call.query["pageNum"] - 1) * call.query["pageSize"]
        return [dict(task) for task in self.presets[start : start + call.query["pageSize"]]]

    def _delete_element(self, call: Call) -> dict[str, Any]:
        text = str(call.body["element_id"])
        # The id's digits, as the spec's decision has it (a string); anything else ("0123", "+123", " 123", full-width
        # digits) names no element. ASCII and short before int(): isdigit() takes "²", and int() refuses 4301 digits.
        canonical = text.isascii() and text.isdigit() and len(text) <= 19 and text == str(int(text))
        element_id = int(text) if canonical else None
        if element_id is not None and element_id in self._preset_ids:
            raise ApiError.invalid("body.element_id", f"{text} is a preset element: preset elements cannot be deleted")
        try:
            if element_id is None:
                raise ElementNotFound(text)
            self.tasks.delete_element(element_id, now=self.now())
        except ElementNotFound:
            raise ApiError.from_code(1203, f"element {echo(text)}") from None
        logger.info("element %s deleted", element_id)
        # The deletion is a task of its own, done at once (the documented answer).
        return {"task_id": new_task_id(), "task_status": TaskStatus.SUCCEED.value}

    # -- the account --------------------------------------------------------------------------------------------

    def _account_costs(self, call: Call) -> dict[str, Any]:
        now = self.now()
        self.tasks.settle(now)  # every task ended by now is charged
        return self.account.costs(
            start_ms=call.query["start_time"],
            end_ms=call.query["end_time"],
            pack_name=call.query.get("resource_pack_name"),
            now=now,
        )

    def _ledger(self, ledger: Ledger, call: Call) -> dict[str, Any]:
        try:
            # The rules JSON Schema cannot state (x-kling-rules: the window runs forward).
            inspect_request_body(call.body, schema=call.operation_id, spec=self.spec)
        except RequestValidationError as error:
            raise ApiError(error.status, error.api_code, str(error)) from None
        self.tasks.settle(self.now())
        return self.account.ledger_page(ledger, call.body)

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
            or int(index_text) >= len(task.spec.images)
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
        qps_limits: bool | None = None,
    ) -> None:
        """Change the timeline, the app-wide faults, the concurrency slots or the rate limits of the running app.

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
                ("qps_limits", qps_limits),
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
    image = spec.images[index]
    return ImageRequest(
        task_id=task.task_id,
        index=index,
        width=image.width,
        height=image.height,
        prompt=spec.prompt,
        caption=f"{spec.caption} · {image.width}x{image.height}",
        label=image.label,
        watermark=watermark,
        source=f"POST {spec.endpoint.path}",
        frame=image.frame,
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
