"""Callbacks: one POST per status change, the documented payload, loopback hosts only, signed when asked."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anyio
import httpx
import pytest
from kling_emulator import FAULT_HEADER, Emulator, loopback_host
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette

from .conftest import GENERATIONS, SPEC, START, CapturedCallbacks, FakeClock, api_client, bearer

CALLBACK_URL = "http://127.0.0.1:9/kling/callback"
CALLBACK_VALIDATOR = SPEC.validator(SPEC.schema_pointer("ImageTaskCallback"))


def _assert_valid_callback(payload: dict[str, Any]) -> None:
    errors = [error.message for error in CALLBACK_VALIDATOR.iter_errors(payload)]
    assert not errors, errors


async def _create(client: httpx.AsyncClient, **fields: Any) -> str:
    response = await client.post(GENERATIONS, json={"prompt": "a cat", "callback_url": CALLBACK_URL, **fields})
    assert response.status_code == 200, response.text
    task_id: str = response.json()["data"]["task_id"]
    return task_id


async def test_every_status_change_is_posted(
    client: httpx.AsyncClient, clock: FakeClock, callbacks: CapturedCallbacks
) -> None:
    task_id = await _create(client, n=2, external_task_id="order-9", watermark_info={"enabled": True})
    assert callbacks.statuses == ["submitted"]

    clock.advance(2)
    await client.get(GENERATIONS)  # any request advances tasks and sends what is due
    assert callbacks.statuses == ["submitted", "processing"]

    clock.advance(3)
    query = (await client.get(f"{GENERATIONS}/{task_id}")).json()["data"]
    assert callbacks.statuses == ["submitted", "processing", "succeed"]

    for request in callbacks.requests:
        assert request.method == "POST"
        assert str(request.url) == CALLBACK_URL
        assert request.headers["content-type"] == "application/json"
        assert "authorization" not in request.headers
    for payload in callbacks.payloads:
        _assert_valid_callback(payload)
        assert payload["task_id"] == task_id
        assert payload["task_info"] == {"external_task_id": "order-9"}
    # The final callback carries what the query shows.
    assert callbacks.payloads[-1] == query
    assert [p["updated_at"] for p in callbacks.payloads] == [query["created_at"] + ms for ms in (0, 2000, 5000)]


async def test_skipped_statuses_are_still_announced_in_order(
    client: httpx.AsyncClient, clock: FakeClock, callbacks: CapturedCallbacks
) -> None:
    await _create(client)
    clock.advance(60)

    await client.get(GENERATIONS)

    assert callbacks.statuses == ["submitted", "processing", "succeed"]


async def test_a_failed_task_is_announced_as_failed(
    client: httpx.AsyncClient, clock: FakeClock, callbacks: CapturedCallbacks
) -> None:
    await client.post(
        GENERATIONS, json={"prompt": "x", "callback_url": CALLBACK_URL}, headers={FAULT_HEADER: "moderation"}
    )
    clock.advance(5)
    await client.get(GENERATIONS)

    assert callbacks.statuses == ["submitted", "processing", "failed"]
    final = callbacks.payloads[-1]
    _assert_valid_callback(final)
    assert final["task_status_msg"] == "Failure to pass the risk control system"
    assert "task_result" not in final


async def test_the_ticker_sends_callbacks_without_requests(
    make_app: Callable[..., Starlette], callbacks: CapturedCallbacks
) -> None:
    # The real clock and the app's lifespan (which runs the ticker), as under uvicorn.
    app = make_app(clock=time.time, processing_after=0.05, succeed_after=0.1, tick_interval=0.01)
    emulator: Emulator = app.state.emulator
    async with app.router.lifespan_context(app), api_client(app, bearer()) as client:
        await _create(client)
        with anyio.fail_after(5):
            while len(callbacks.requests) < 3:  # noqa: ASYNC110 - the ticker has no event to wait on
                await anyio.sleep(0.01)
    assert callbacks.statuses == ["submitted", "processing", "succeed"]
    assert emulator.tasks.slots_in_use == 0


async def test_tick_sends_due_callbacks(
    client: httpx.AsyncClient, emulator: Emulator, clock: FakeClock, callbacks: CapturedCallbacks
) -> None:
    await _create(client)
    clock.advance(5)

    await emulator.tick()
    await emulator.tick()

    assert callbacks.statuses == ["submitted", "processing", "succeed"]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/callback",
        "http://localhost.example.com/callback",
        "http://10.0.0.1/callback",
        "http://0.0.0.0:8080/callback",
        "http://[::ffff:8.8.8.8]/callback",
        "file:///etc/passwd",
        "http://user:secret-in-url@example.org/hook?token=abc",
    ],
)
async def test_non_loopback_callbacks_are_skipped_and_logged(
    client: httpx.AsyncClient,
    clock: FakeClock,
    callbacks: CapturedCallbacks,
    caplog: pytest.LogCaptureFixture,
    url: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    task_id = await _create(client, callback_url=url)
    clock.advance(5)
    await client.get(GENERATIONS)

    assert callbacks.requests == []
    skipped = [record.getMessage() for record in caplog.records if "skipped" in record.getMessage()]
    assert len(skipped) == 3
    assert all(task_id in line and "not loopback" in line for line in skipped)
    assert "secret-in-url" not in caplog.text
    assert "token=abc" not in caplog.text
    assert "a cat" not in caplog.text  # no body


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://127.0.0.1:8080/cb", "127.0.0.1"),
        ("http://127.45.6.7/cb", "127.45.6.7"),
        ("https://localhost/cb", "localhost"),
        ("http://LOCALHOST:1/cb", "localhost"),
        ("http://[::1]:9000/cb", "::1"),
        ("http://example.com/cb", None),
        ("http://127.0.0.1.nip.io/cb", None),
        ("http://2130706433/cb", None),  # 127.0.0.1 as one number: not a literal we accept
        ("ftp://127.0.0.1/cb", None),
        ("http://[::1/cb", None),
        ("not a url", None),
    ],
)
def test_loopback_host(url: str, host: str | None) -> None:
    assert loopback_host(url) == host


async def test_a_failing_receiver_never_breaks_the_task(
    make_app: Callable[..., Starlette], clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    app = make_app(callback_transport=httpx.MockTransport(refuse))
    async with api_client(app, bearer(clock)) as client:
        task_id = await _create(client)
        clock.advance(5)
        response = await client.get(f"{GENERATIONS}/{task_id}")

    assert response.json()["data"]["task_status"] == "succeed"
    assert "failed: ConnectError" in caplog.text


async def test_an_error_answer_from_the_receiver_is_logged(
    client: httpx.AsyncClient, callbacks: CapturedCallbacks, caplog: pytest.LogCaptureFixture
) -> None:
    callbacks.status_code = 500

    await _create(client)

    assert "answered HTTP 500" in caplog.text


@contextmanager
def _loopback_receiver() -> Iterator[tuple[str, list[bytes]]]:
    """A real HTTP server on 127.0.0.1 that records the bodies POSTed to it."""
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/kling/callback", received
    finally:
        server.shutdown()
        server.server_close()


async def test_callbacks_reach_a_real_loopback_receiver_ignoring_proxies(
    make_app: Callable[..., Starlette], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A closed loopback port as the "proxy": if it were used, the callback would never arrive.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(callback_transport=None)  # the real network stack (loopback only)

    with _loopback_receiver() as (url, received):
        async with api_client(app, bearer(clock)) as client:
            await _create(client, callback_url=url)

    assert len(received) == 1
    payload = json.loads(received[0])
    _assert_valid_callback(payload)
    assert payload["task_status"] == "submitted"


# -- signed callbacks (Standard Webhooks) ------------------------------------------------------------------

WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"emulator-test-webhook-secret-32b").decode()
SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


def _documented_signature(secret: str, headers: Mapping[str, str], body: bytes) -> str:
    """The recipe of the callbacks page, by hand: HMAC-SHA256 of ``{id}.{timestamp}.{body}`` keyed with the
    Base64-decoded part of the secret after ``whsec_``, Base64-encoded, after ``v1,``."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


@contextmanager
def _verifying_receiver(secret: str) -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]], list[str]]]:
    """A real loopback HTTP server that verifies each callback with the standardwebhooks library, as a user's
    receiver would: (url, [(headers, raw body) of each verified callback], [why each refused one was refused])."""
    webhook = Webhook(secret)
    verified: list[tuple[dict[str, str], bytes]] = []
    refused: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = dict(self.headers.items())
            try:
                webhook.verify(body, headers)
            except WebhookVerificationError as error:
                refused.append(str(error))
                self.send_response(400)
            else:
                verified.append((headers, body))
                self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/kling/callback", verified, refused
    finally:
        server.shutdown()
        server.server_close()


async def test_with_a_webhook_secret_every_callback_verifies_at_a_real_receiver(
    make_app: Callable[..., Starlette],
) -> None:
    # The real clock (the library checks the timestamp against it) and the real network stack, to loopback.
    app = make_app(
        webhook_secret=WEBHOOK_SECRET, clock=time.time, callback_transport=None, processing_after=0, succeed_after=0
    )
    with _verifying_receiver(WEBHOOK_SECRET) as (url, verified, refused):
        async with api_client(app, bearer()) as client:
            task_id = await _create(client, n=2, callback_url=url)

    assert refused == []
    payloads = [json.loads(body) for _, body in verified]
    assert [payload["task_status"] for payload in payloads] == ["submitted", "processing", "succeed"]
    assert all(payload["task_id"] == task_id for payload in payloads)
    ids = [headers["webhook-id"] for headers, _ in verified]
    assert len(set(ids)) == 3  # one id per delivery
    for headers, _ in verified:
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60  # Unix seconds, not ms
        assert headers["webhook-signature"].startswith("v1,")


async def test_the_signature_covers_the_exact_bytes_sent(
    make_app: Callable[..., Starlette], clock: FakeClock, callbacks: CapturedCallbacks
) -> None:
    app = make_app(webhook_secret=WEBHOOK_SECRET)
    async with api_client(app, bearer(clock)) as client:
        await _create(client, external_task_id="order-signed")
        clock.advance(5)
        await client.get(GENERATIONS)

    assert callbacks.statuses == ["submitted", "processing", "succeed"]
    # When each was sent (the processing one went out with the succeed one, at the request 5 s in).
    for request, sent_at in zip(callbacks.requests, (START, START + 5, START + 5), strict=True):
        headers = {name: request.headers[name] for name in SIGNATURE_HEADERS}
        # The emulator's clock, in whole seconds.
        assert headers["webhook-timestamp"] == str(int(sent_at))
        assert headers["webhook-id"].isdigit()
        assert headers["webhook-signature"] == _documented_signature(WEBHOOK_SECRET, headers, request.content)
        # Another body, or another secret, does not verify.
        tampered = request.content.replace(b"order-signed", b"order-signex")
        assert headers["webhook-signature"] != _documented_signature(WEBHOOK_SECRET, headers, tampered)
        other = "whsec_" + base64.b64encode(b"another-secret-of-thirty-two-by!").decode()
        assert headers["webhook-signature"] != _documented_signature(other, headers, request.content)


async def test_without_a_webhook_secret_callbacks_carry_no_signature(
    client: httpx.AsyncClient, clock: FakeClock, callbacks: CapturedCallbacks
) -> None:
    await _create(client)
    clock.advance(5)
    await client.get(GENERATIONS)

    assert len(callbacks.requests) == 3
    for request in callbacks.requests:
        assert not [name for name in request.headers if name.lower().startswith("webhook-")]


async def test_the_webhook_secret_comes_from_the_environment(
    make_app: Callable[..., Starlette], clock: FakeClock, callbacks: CapturedCallbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLING_WEBHOOK_SECRET", WEBHOOK_SECRET)
    app = make_app()
    async with api_client(app, bearer(clock)) as client:
        await _create(client)

    [request] = callbacks.requests
    headers = {name: request.headers[name] for name in SIGNATURE_HEADERS}
    assert headers["webhook-signature"] == _documented_signature(WEBHOOK_SECRET, headers, request.content)


async def test_signing_can_be_turned_on_and_off_while_running(
    make_app: Callable[..., Starlette], clock: FakeClock, callbacks: CapturedCallbacks
) -> None:
    app = make_app()
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        emulator.set_webhook_secret(WEBHOOK_SECRET)
        await _create(client)
        emulator.set_webhook_secret(None)
        await _create(client)
        emulator.set_webhook_secret(WEBHOOK_SECRET)
        emulator.reset()  # back to how it was built: unsigned
        await _create(client)

    assert ["webhook-signature" in request.headers for request in callbacks.requests] == [True, False, False]


@pytest.mark.parametrize(
    "secret",
    [
        base64.b64encode(b"no-prefix-secret-of-32-bytes-len").decode(),
        "whsec_",
        "whsec_not base64!",
        "whsec_" + base64.b64encode(b"valid").decode()[:-1],  # Base64 cut short
    ],
)
def test_a_webhook_secret_that_is_not_one_is_refused_without_showing_it(
    make_app: Callable[..., Starlette], secret: str
) -> None:
    with pytest.raises(ValueError, match="webhook_secret must be 'whsec_' followed by Base64") as refused:
        make_app(webhook_secret=secret)
    encoded = secret.removeprefix("whsec_")
    assert not encoded or encoded not in str(refused.value)
    app = make_app()
    with pytest.raises(ValueError, match="webhook_secret"):
        app.state.emulator.set_webhook_secret(secret)
    assert app.state.emulator.config.webhook_secret is None  # nothing changed


async def test_the_webhook_secret_is_never_logged_or_shown(
    make_app: Callable[..., Starlette],
    clock: FakeClock,
    callbacks: CapturedCallbacks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    callbacks.status_code = 500  # logged as a failed delivery
    app = make_app(webhook_secret=WEBHOOK_SECRET)
    emulator: Emulator = app.state.emulator
    async with api_client(app, bearer(clock)) as client:
        await _create(client)

    encoded = WEBHOOK_SECRET.removeprefix("whsec_")
    assert "answered HTTP 500" in caplog.text
    for text in (caplog.text, repr(emulator.config), repr(emulator.callbacks.signer)):
        assert encoded not in text
    assert "signed_callbacks=True" in repr(emulator.config)
