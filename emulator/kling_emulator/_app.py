"""create_app(): the emulator as a Starlette (ASGI) app, with the ticker in its lifespan."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
from kling_spec import Spec
from starlette.applications import Starlette
from starlette.routing import Route

from ._config import Clock, EmulatorConfig
from ._constants import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_IMAGE_CACHE_SIZE,
    DEFAULT_MAX_TASKS,
    DEFAULT_PROCESSING_AFTER,
    DEFAULT_QPS_LIMITS,
    DEFAULT_SLOTS,
    DEFAULT_SUCCEED_AFTER,
    DEFAULT_TASK_TTL,
    DEFAULT_TICK_INTERVAL,
    IMAGE_ROUTE_PREFIX,
)
from ._emulator import Emulator
from ._faults import FaultConfig
from ._http import AnyMethod


def create_app(
    *,
    keys: Mapping[str, str] | None = None,
    api_keys: Collection[str] | None = None,
    webhook_secret: str | None = None,
    processing_after: float = DEFAULT_PROCESSING_AFTER,
    succeed_after: float = DEFAULT_SUCCEED_AFTER,
    slots: int = DEFAULT_SLOTS,
    faults: FaultConfig | None = None,
    task_ttl: float = DEFAULT_TASK_TTL,
    max_tasks: int | None = None,
    image_cache_size: int = DEFAULT_IMAGE_CACHE_SIZE,
    clock: Clock = time.time,
    callback_transport: httpx.AsyncBaseTransport | None = None,
    tick_interval: float | None = DEFAULT_TICK_INTERVAL,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
    qps_limits: bool = DEFAULT_QPS_LIMITS,
    spec: Spec | None = None,
) -> Starlette:
    """A local emulator of the Kling image API, as a Starlette (ASGI) app.

    - ``keys``: access key -> secret key pairs whose JWTs are accepted; default ``$KLING_ACCESS_KEY`` /
      ``$KLING_SECRET_KEY``.
    - ``api_keys``: API keys accepted as ``Authorization: Bearer <API key>``; default ``$KLING_API_KEY``.
      When neither ``keys`` nor ``api_keys`` is given nor set in the environment, the public demo pair
      (``DEMO_ACCESS_KEY``, ``DEMO_SECRET_KEY``) and the demo API key (``DEMO_API_KEY``) are accepted.
      A wrong API key or token answers 401 (code 1002; 1003/1004 for a token outside its validity).
    - ``webhook_secret``: a Standard Webhooks secret (``whsec_`` + Base64, as the console creates one);
      default ``$KLING_WEBHOOK_SECRET``. With one, each callback carries ``webhook-id``,
      ``webhook-timestamp`` and ``webhook-signature`` over the exact bytes sent; without, none.
    - ``processing_after``, ``succeed_after``: seconds from creation until a task turns
      ``processing``, and until it ends (``succeed``, or ``failed`` on an injected moderation).
    - ``slots``: concurrency slots of the account; a task holds one per image it makes (``n``; a series its
      length, 4 for ``series_amount: "auto"``; AI Multi-Shot 3; an element task 1) until it ends (429/1303
      beyond).
    - ``faults``: app-wide injected faults (see :class:`FaultConfig`); requests add their own
      with the ``X-Kling-Emulator-Fault`` header.
    - ``task_ttl``, ``max_tasks``: finished tasks (and their images) are forgotten ``task_ttl``
      seconds after they end; at most ``max_tasks`` are kept (oldest finished evicted first).
      ``max_tasks`` defaults to 1000 or ``slots``, whichever is larger; it may not be below ``slots``.
    - ``image_cache_size``: rendered PNGs kept in memory.
    - ``clock``: Unix time in seconds; drives the timeline and token checks (tests inject one).
    - ``callback_transport``: an ``httpx.AsyncBaseTransport`` callbacks go through (tests
      capture them in process); callbacks only ever go to loopback hosts either way.
    - ``tick_interval``: seconds between background advances (callbacks without requests),
      when the server runs the lifespan; None disables the ticker.
    - ``body_timeout``: seconds from the first read of a request's body until all of it must have arrived;
      a slower body answers 408 and the connection is closed (the idle and head limits are the server's:
      :func:`run_emulator`).
    - ``qps_limits``: hold the operations with an ``x-kling-rate-limit`` (``GET /account/costs``, 1 request a
      second) to it: 429/1302 beyond, with ``Retry-After``; False turns it off.

    The state is at ``app.state.emulator`` (an :class:`Emulator`).
    """
    # Left out, a credential or the webhook secret is EmulatorConfig's default (the environment, else the demo).
    given: dict[str, Any] = {
        name: value
        for name, value in (("keys", keys), ("api_keys", api_keys), ("webhook_secret", webhook_secret))
        if value is not None
    }
    config = EmulatorConfig(
        **given,
        processing_after=processing_after,
        succeed_after=succeed_after,
        slots=slots,
        faults=faults if faults is not None else FaultConfig(),
        task_ttl=task_ttl,
        max_tasks=max_tasks if max_tasks is not None else max(DEFAULT_MAX_TASKS, slots),
        image_cache_size=image_cache_size,
        clock=clock,
        callback_transport=callback_transport,
        tick_interval=tick_interval,
        body_timeout=body_timeout,
        qps_limits=qps_limits,
    )
    return app_from_config(config, spec=spec)


def app_from_config(config: EmulatorConfig, *, spec: Spec | None = None) -> Starlette:
    """The app for a ready-made :class:`EmulatorConfig`."""
    emulator = Emulator(config, spec)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if config.tick_interval is None:
            yield
            return
        async with anyio.create_task_group() as group:
            group.start_soon(emulator.run_ticker, config.tick_interval)
            yield
            group.cancel_scope.cancel()

    api = Route("/{path:path}", AnyMethod(emulator.handle_api))
    # Starlette's path pattern is ".*", which stops at a newline: an id holding %0A would miss every route and
    # get Starlette's text/plain 404 instead of the API's JSON answer. Everything must reach the API.
    api.path_regex = re.compile(api.path_regex.pattern, re.DOTALL)
    routes = [
        Route(IMAGE_ROUTE_PREFIX + "/{task_id}/{name}.png", emulator.handle_image, methods=["GET"]),
        # Everything else is the API: the spec decides what exists (404/1202, 404/1203 otherwise).
        api,
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.emulator = emulator
    return app
