"""Fixtures: an emulator on a fake clock, clients whose every answer is checked against the spec."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from kling_auth import sign_token
from kling_emulator import IMAGE_ROUTE_PREFIX, Emulator, create_app
from kling_spec import RequestValidationError, Spec, load_spec
from PIL import Image
from starlette.applications import Starlette

SPEC: Spec = load_spec()
BASE_URL = "http://testserver"
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key-of-at-least-32-bytes!"
START = 1_750_000_000.0
GENERATIONS = "/v1/images/generations"
OMNI = "/v1/images/omni-image"
MULTI_IMAGE = "/v1/images/multi-image2image"
EXPAND = "/v1/images/editing/expand"
MULTI_SHOT = "/v1/general/ai-multi-shot"
ELEMENTS = "/v1/general/advanced-custom-elements"
PRESETS = "/v1/general/advanced-presets-elements"
DELETE_ELEMENT = "/v1/general/delete-elements"
COSTS = "/account/costs"
BALANCE = "/account/billing/balance"
PACKAGE = "/account/billing/package"
IMAGE_URL = "https://example.com/reference.png"

#: A small valid create body of each task endpoint (images by URL, never fetched), by its path.
CREATE_BODIES: dict[str, dict[str, Any]] = {
    GENERATIONS: {"prompt": "a lighthouse at dusk"},
    OMNI: {"prompt": "a lighthouse at dusk", "image_list": [{"image": IMAGE_URL}]},
    MULTI_IMAGE: {"prompt": "a lighthouse at dusk", "subject_image_list": [{"subject_image": IMAGE_URL}]},
    EXPAND: {
        "image": IMAGE_URL,
        "prompt": "the sea around it",
        "up_expansion_ratio": 0.5,
        "down_expansion_ratio": 0,
        "left_expansion_ratio": 0.25,
        "right_expansion_ratio": 0.25,
    },
    MULTI_SHOT: {"element_frontal_image": IMAGE_URL},
    ELEMENTS: {
        "element_name": "Red fox",
        "element_description": "A red fox with a white-tipped tail",
        "reference_type": "image_refer",
        "element_image_list": {"frontal_image": IMAGE_URL, "refer_images": [{"image_url": IMAGE_URL}]},
    },
}
#: The task endpoints the emulator serves besides /v1/images/generations.
NEW_TASK_PATHS = [OMNI, MULTI_IMAGE, EXPAND, MULTI_SHOT, ELEMENTS]


def callback_validator(path: str) -> Any:
    """A validator of the payload the spec says the create at ``path`` POSTs to its callback_url."""
    operation = SPEC.document["paths"][path]["post"]
    [callback] = operation["callbacks"].values()
    [expression] = callback.values()
    return SPEC.validator(expression["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"])


class FakeClock:
    """Unix time that only moves when a test says so."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class CapturedCallbacks:
    """An httpx transport standing in for the network: records every callback POST."""

    status_code: int = 200
    requests: list[httpx.Request] = field(default_factory=list)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status_code)

    @property
    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.requests]

    @property
    def statuses(self) -> list[str]:
        return [payload["task_status"] for payload in self.payloads]


def spec_errors(response: httpx.Response) -> list[str]:
    """Why an emulator answer breaks the spec; image downloads are not API answers."""
    path = response.request.url.raw_path.split(b"?")[0].decode()
    if path.startswith(IMAGE_ROUTE_PREFIX) and response.status_code == 200:
        return []
    try:
        body = response.json()
    except ValueError:
        return [f"not JSON: {response.text[:80]!r}"]
    if response.headers.get("content-type", "").split(";")[0] != "application/json":
        return [f"content type {response.headers.get('content-type')!r}"]
    try:
        _, _, operation, _ = SPEC.match(response.request.method, path)
    except RequestValidationError:
        # No operation there (404/1202, 404/1203, image 404s): still the error envelope.
        validator = SPEC.validator(SPEC.schema_pointer("ErrorResponse"))
        return [error.message for error in validator.iter_errors(body)] + (
            [] if set(body) == {"code", "message", "request_id", "data"} else [f"keys {sorted(body)}"]
        )
    return SPEC.response_errors(operation["operationId"], response.status_code, body)


@dataclass
class SpecCheck:
    checked: int = 0

    async def __call__(self, response: httpx.Response) -> None:
        await response.aread()
        errors = spec_errors(response)
        assert not errors, f"{response.request.method} {response.request.url} -> {response.status_code}: {errors}"
        self.checked += 1


def token(clock: Callable[[], float] | None = None, *, access: str = ACCESS_KEY, secret: str = SECRET_KEY) -> str:
    return sign_token(access, secret, now=clock() if clock is not None else None)


def bearer(clock: Callable[[], float] | None = None, **kwargs: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(clock, **kwargs)}"}


def png_base64(width: int, height: int, image_format: str = "PNG") -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, image_format)
    return base64.b64encode(buffer.getvalue()).decode()


def api_client(app: Starlette, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    """An in-process client; every answer it gets is checked against the spec."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app),
        base_url=BASE_URL,
        headers=headers,
        event_hooks={"response": [SpecCheck()]},
    )


@pytest.fixture(autouse=True)
def _no_environment_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own keys must never change what the emulator accepts in a test.
    for name in ("KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_API_KEY", "KLING_WEBHOOK_SECRET", "KLING_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def callbacks() -> CapturedCallbacks:
    return CapturedCallbacks()


@pytest.fixture
def make_app(clock: FakeClock, callbacks: CapturedCallbacks) -> Callable[..., Starlette]:
    """create_app with test keys, the fake clock and captured callbacks, plus any overrides."""

    def make(**options: Any) -> Starlette:
        defaults: dict[str, Any] = {
            "keys": {ACCESS_KEY: SECRET_KEY},
            "clock": clock,
            "callback_transport": callbacks.transport,
            "processing_after": 2.0,
            "succeed_after": 5.0,
        }
        return create_app(**{**defaults, **options})

    return make


@pytest.fixture
def app(make_app: Callable[..., Starlette]) -> Starlette:
    return make_app()


@pytest.fixture
def emulator(app: Starlette) -> Emulator:
    state: Emulator = app.state.emulator
    return state


@pytest.fixture
async def client(app: Starlette, clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    """Signed with a token valid for the fake clock's "now" (it lives 30 minutes of it)."""
    async with api_client(app, bearer(clock)) as client:
        yield client
