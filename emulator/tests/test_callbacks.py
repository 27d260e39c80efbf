"""Callbacks: one POST per status change, the documented payload, loopback hosts only."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anyio
import httpx
import pytest
from kling_emulator import FAULT_HEADER, Emulator, loopback_host
from starlette.applications import Starlette

from .conftest import GENERATIONS, SPEC, CapturedCallbacks, FakeClock, api_client, bearer

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
    import time

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
