"""A local emulator of the Kling AI image-generation API, in the spirit of stripe-mock.

    from kling_emulator import create_app, run_emulator

    app = create_app(processing_after=0.1, succeed_after=0.3)   # an ASGI (Starlette) app
    with run_emulator(slots=5) as base_url:                      # uvicorn in a thread, loopback
        ...

It follows the 2026 edition of the API and serves every operation of ``openapi/kling-images.yaml``: image
generation, omni-image, multi-image to image, outpainting, AI Multi-Shot (one code path for all these task
endpoints, ``_endpoints``), the element library and the account. It authenticates API keys and JWTs like the real
service, validates every request against the spec, enforces the documented rules the schema cannot express and the
capability map of each model (retired and unknown models refused as the service does), runs tasks through
``submitted -> processing -> succeed/failed`` on a clock, charges them at the listed price (the account's resource
pack, balance and ledgers show it), serves the PNGs it "generates" (and their watermarked copies), holds the
concurrency quota and the 1 request a second of ``GET /account/costs``, sends callbacks (to loopback hosts only;
signed the Standard Webhooks way when it has a webhook secret) and injects faults (see
:mod:`kling_emulator._faults` for the ``X-Kling-Emulator-Fault`` header).

Hostile input gets the documented error envelope, never a 500 or a hang, and memory stays bounded:
bodies of at most 16 MB, JSON at most 32 levels deep, and two limits of the emulator's own (the spec
states none): ``external_task_id`` and ``callback_url`` of at most 4096 characters (400/1201 beyond).
Error messages quote at most 64 characters of an id or header value. Slow clients are cut (limits in
``_constants``): a connection idle for 5 s is closed, a request head not complete 10 s after its first byte
and a body not all there 30 s after the first read are answered 408 and closed (``run_emulator``'s
``idle_timeout`` and ``head_timeout``, ``create_app``'s ``body_timeout``).
"""

from kling_auth import DEMO_ACCESS_KEY, DEMO_API_KEY, DEMO_SECRET_KEY

from ._app import app_from_config, create_app
from ._callbacks import loopback_host
from ._config import Clock, EmulatorConfig, default_api_keys, default_keys, default_webhook_secret
from ._constants import FAULT_HEADER, IMAGE_ROUTE_PREFIX, LONG_SIDE, WEBHOOK_SECRET_ENV
from ._emulator import Emulator
from ._errors import ApiError, ConnectionDropped
from ._faults import Fault, FaultConfig, parse_fault_header
from ._images import image_size
from ._server import run_emulator, serve
from ._tasks import TaskStatus

__all__ = [
    "DEMO_ACCESS_KEY",
    "DEMO_API_KEY",
    "DEMO_SECRET_KEY",
    "FAULT_HEADER",
    "IMAGE_ROUTE_PREFIX",
    "LONG_SIDE",
    "WEBHOOK_SECRET_ENV",
    "ApiError",
    "Clock",
    "ConnectionDropped",
    "Emulator",
    "EmulatorConfig",
    "Fault",
    "FaultConfig",
    "TaskStatus",
    "app_from_config",
    "create_app",
    "default_api_keys",
    "default_keys",
    "default_webhook_secret",
    "image_size",
    "loopback_host",
    "parse_fault_header",
    "run_emulator",
    "serve",
]
