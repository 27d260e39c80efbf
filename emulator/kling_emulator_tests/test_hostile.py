"""The emulator under hostile input: every request gets the documented envelope; no 500, no hang, no
unbounded memory, no traceback for what is the client's doing (issue 8, part 3)."""

from __future__ import annotations

import base64
import gc
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import anyio
import httpx
import kling_emulator.__main__ as cli
import pytest
from kling_auth import Credentials, MissingCredentialsError
from kling_emulator import FAULT_HEADER, IMAGE_ROUTE_PREFIX, Emulator, EmulatorConfig, create_app, run_emulator
from kling_emulator._constants import MAX_CALLBACK_URL_CHARS, MAX_EXTERNAL_TASK_ID_CHARS, MAX_MESSAGE_CHARS
from starlette.applications import Starlette

from .conftest import ACCESS_KEY, BASE_URL, GENERATIONS, SECRET_KEY, FakeClock, api_client, bearer, spec_errors

JSON_HEADERS = {"Content-Type": "application/json"}


def assert_error(response: httpx.Response, status: int, *codes: int) -> str:
    """The documented error envelope with this status and one of these codes, valid against the spec; its message."""
    assert spec_errors(response) == []
    body = response.json()
    assert set(body) == {"code", "message", "request_id", "data"}, body
    assert (response.status_code, body["data"]) == (status, None), body
    assert body["code"] in codes, body
    message: str = body["message"]
    return message


def wait_until(predicate: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Whether ``predicate`` came true within ``seconds`` (a bound against hanging, never a timing assert)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


# -- 1. JSON nested thousands deep --------------------------------------------------------------


def _nested(kind: str, depth: int) -> bytes:
    opening, closing = ("[", "]") if kind == "array" else ('{"a":', "}")
    return b'{"prompt": "a cat", "watermark_info": ' + (opening * depth + "1" + closing * depth).encode() + b"}"


@pytest.mark.parametrize("kind", ["array", "object"])
@pytest.mark.parametrize("depth", [40, 5000, 100_000])
async def test_json_nested_thousands_deep_is_refused_with_400(client: httpx.AsyncClient, kind: str, depth: int) -> None:
    response = await client.post(GENERATIONS, content=_nested(kind, depth), headers=JSON_HEADERS)

    message = assert_error(response, 400, 1200, 1201)
    assert message.startswith("body")
    assert "nested more than" in message


def test_deep_json_leaves_the_keep_alive_connection_usable() -> None:
    with (
        run_emulator(keys={ACCESS_KEY: SECRET_KEY}) as base_url,
        httpx.Client(base_url=base_url, headers=bearer(), trust_env=False) as http,
    ):
        refused = http.post(GENERATIONS, content=_nested("array", 5000), headers=JSON_HEADERS)
        first = refused.extensions["network_stream"].get_extra_info("client_addr")
        listed = http.get(GENERATIONS)
        second = listed.extensions["network_stream"].get_extra_info("client_addr")

    assert_error(refused, 400, 1200, 1201)
    assert listed.status_code == 200
    # The same connection answered both: the server did not close it after the first.
    assert first == second


# -- 2. Query integers: ASCII digits only, bounded --------------------------------------------


@pytest.mark.parametrize("name", ["pageNum", "pageSize"])
@pytest.mark.parametrize("value", ["9" * 5000, "\uff11", "٣", "²", "९", "1_0", "0x1", "1e1", ""])
async def test_a_page_parameter_that_is_not_ascii_digits_is_refused_by_name(
    client: httpx.AsyncClient, name: str, value: str
) -> None:
    response = await client.get(GENERATIONS, params={name: value})

    message = assert_error(response, 400, 1201)
    assert message.startswith(f"query.{name}")
    assert len(message) < 200


async def test_ascii_page_parameters_are_integers(client: httpx.AsyncClient, emulator: Emulator) -> None:
    for _ in range(3):
        emulator.create_task({"prompt": "a cat"}, base_url=BASE_URL)

    response = await client.get(GENERATIONS, params={"pageNum": "2", "pageSize": "2"})

    assert response.status_code == 200
    assert len(response.json()["data"]) == 1


# -- 3. Image indexes ----------------------------------------------------------------------------


@pytest.fixture
async def finished_task(client: httpx.AsyncClient, clock: FakeClock) -> str:
    response = await client.post(GENERATIONS, json={"prompt": "a cat", "n": 2})
    clock.advance(60)
    task_id: str = response.json()["data"]["task_id"]
    return task_id


@pytest.mark.parametrize("index", ["%C2%B2", "9" * 5000, "%EF%BC%90", "%D9%A0", "00", "01", "-0", "+1", "2", "0x0"])
async def test_an_image_index_that_is_not_one_of_the_tasks_is_a_404(
    client: httpx.AsyncClient, finished_task: str, index: str
) -> None:
    response = await client.get(f"{IMAGE_ROUTE_PREFIX}/{finished_task}/{index}.png")

    assert_error(response, 404, 1203)


async def test_the_images_of_a_task_are_served(client: httpx.AsyncClient, finished_task: str) -> None:
    for index in ("0", "1"):
        response = await client.get(f"{IMAGE_ROUTE_PREFIX}/{finished_task}/{index}.png")
        assert (response.status_code, response.headers["content-type"]) == (200, "image/png")


# -- 4. The fault header ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "error=" + "9" * 5000,
        "html=" + "5" * 5000,
        "latency=" + "9" * 5000,
        "stall=" + "1" * 5000,
        "error=²",
        "error=\uff11\uff12\uff10\uff11",
        "latency=\uff11",
        "latency=1e1",
        "latency=1_0",
        "stall=nan",
        "stall=infinity",
        "drop=" + "x" * 5000,
        "x" * 100_000,
        "error=5000,",
    ],
)
async def test_a_junk_fault_header_is_a_400_naming_the_header(client: httpx.AsyncClient, value: str) -> None:
    response = await client.get(GENERATIONS, headers={FAULT_HEADER.encode(): value.encode()})

    if value == "error=5000,":  # an empty directive is no junk: the control case
        assert_error(response, 500, 5000)
        return
    message = assert_error(response, 400, 1201)
    assert message.startswith(f"header.{FAULT_HEADER}")
    # What it quotes is short, and as sent (UTF-8, not read back as Latin-1).
    assert len(message) < 300
    assert "Ã" not in message
    assert "ï¼" not in message


async def test_a_fault_header_quotes_non_ascii_text_as_sent(client: httpx.AsyncClient) -> None:
    response = await client.get(GENERATIONS, headers={FAULT_HEADER.encode(): "error=\uff11\uff12\uff10\uff11".encode()})

    assert "'\uff11\uff12\uff10\uff11'" in assert_error(response, 400, 1201)


# -- 5. Path parameters are decoded exactly once --------------------------------------------------


@pytest.mark.parametrize(
    "external_id",
    [
        "order%41",
        "order%2541",
        "%",
        "%%",
        "%2F",
        "order 41",
        "a+b",
        "a?b#c",
        "a;b=c",
        "a\\b",
        "ünïcødé",
        "😀",
        "\uff21\uff22",
    ],
)
async def test_a_task_is_found_by_its_external_id_percent_encoded_once(
    client: httpx.AsyncClient, external_id: str
) -> None:
    created = await client.post(GENERATIONS, json={"prompt": "a cat", "external_task_id": external_id})
    task_id = created.json()["data"]["task_id"]

    response = await client.get(f"{GENERATIONS}/{quote(external_id, safe='')}")

    assert response.status_code == 200, response.text
    assert response.json()["data"]["task_id"] == task_id
    assert response.json()["data"]["task_info"] == {"external_task_id": external_id}


async def test_an_encoded_id_is_not_decoded_twice(client: httpx.AsyncClient) -> None:
    await client.post(GENERATIONS, json={"prompt": "a cat", "external_task_id": "orderA"})

    # "order%2541" is the id "order%41", which no task has: decoding twice would find "orderA".
    response = await client.get(f"{GENERATIONS}/order%2541")

    assert assert_error(response, 400, 1201) == "Task not found by id/external id: order%41"


# -- 6. Tokens with NaN or infinite times; secret keys that are not text ---------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forged(claims: str, secret: str = SECRET_KEY) -> dict[str, str]:
    """A token signed by hand over claims written as raw JSON text (NaN and Infinity included)."""
    signing_input = _b64(b'{"alg":"HS256","typ":"JWT"}') + "." + _b64(claims.encode())
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return {"Authorization": f"Bearer {signing_input}.{_b64(signature)}"}


@pytest.mark.parametrize("claim", ["exp", "nbf"])
@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
async def test_a_token_whose_times_are_not_finite_is_refused(
    app: Starlette, clock: FakeClock, claim: str, value: str
) -> None:
    times = {"exp": str(int(clock.now) + 1800), "nbf": str(int(clock.now) - 5), claim: value}
    claims = f'{{"iss":"{ACCESS_KEY}","exp":{times["exp"]},"nbf":{times["nbf"]}}}'
    async with api_client(app) as client:
        refused = await client.get(GENERATIONS, headers=_forged(claims))
        # The control: the same hand-made token with finite times is accepted.
        good = f'{{"iss":"{ACCESS_KEY}","exp":{int(clock.now) + 1800},"nbf":{int(clock.now) - 5}}}'
        accepted = await client.get(GENERATIONS, headers=_forged(good))

    message = assert_error(refused, 401, 1002)
    assert f"'{claim}' claim" in message
    assert accepted.status_code == 200


LONE_SURROGATE_SECRET = "secret-\udcff-of-at-least-32-bytes-long"


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def test_the_emulator_refuses_a_secret_key_that_is_not_text() -> None:
    for keys in ({ACCESS_KEY: LONE_SURROGATE_SECRET}, {"access-\udcff": SECRET_KEY}):
        with pytest.raises(ValueError, match="not valid text") as refused:
            create_app(keys=keys)
        # Not in the message, nor in the repr of anything chained to it (a UnicodeEncodeError quotes it whole).
        for error in _chain(refused.value):
            for text in (str(error), repr(error)):
                assert "-of-at-least-32-bytes-long" not in text
                assert "access-" not in text
        with pytest.raises(ValueError, match="not valid text"):
            EmulatorConfig(keys=keys)


def test_credentials_refuse_a_secret_key_that_is_not_text_without_showing_it() -> None:
    with pytest.raises(MissingCredentialsError) as refused:
        Credentials(ACCESS_KEY, LONE_SURROGATE_SECRET)

    assert LONE_SURROGATE_SECRET not in str(refused.value)
    assert LONE_SURROGATE_SECRET not in repr(refused.value)


def test_the_cli_refuses_a_secret_key_that_is_not_text_without_printing_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "serve", lambda *args, **kwargs: None)

    with pytest.raises(SystemExit) as exited:
        cli.main(["--access-key", ACCESS_KEY, "--secret-key", LONE_SURROGATE_SECRET])

    assert exited.value.code == 2
    output = capsys.readouterr()
    assert "not valid text" in output.err
    assert "-of-at-least-32-bytes-long" not in output.out + output.err


# -- 7. Bounded memory -------------------------------------------------------------------------------


def _traced_growth(action: Callable[[], None]) -> tuple[int, int]:
    """(bytes still held after ``action``, peak bytes during it), as tracemalloc counts them."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        action()
        gc.collect()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return after - before, peak - before


def test_huge_external_ids_are_refused_and_neither_kept_nor_listed() -> None:
    app = create_app(keys={ACCESS_KEY: SECRET_KEY}, slots=30)
    headers = bearer()
    messages: list[str] = []

    async def create_many() -> None:
        async with api_client(app, headers) as client:
            for number in range(24):
                body = {"prompt": "a cat", "external_task_id": f"{number}-" + "x" * (4 * 1024 * 1024)}
                # Only the message is kept: a response holds its request, 4 MB of it.
                messages.append(assert_error(await client.post(GENERATIONS, json=body), 400, 1201))

    grown, _ = _traced_growth(lambda: anyio.run(create_many))

    limit = f"body.external_task_id: is longer than {MAX_EXTERNAL_TASK_ID_CHARS} characters (the emulator's limit)"
    assert messages == [limit] * 24
    assert grown < 4 * 1024 * 1024  # 24 x 4 MB kept would be ~100 MB

    # The worst a task may keep: an id at the limit, of characters JSON escapes to 12 bytes each.
    listed: list[httpx.Response] = []
    longest = "\U0001f600" * MAX_EXTERNAL_TASK_ID_CHARS

    async def fill_and_list() -> None:
        async with api_client(app, headers) as client:
            for number in range(24):
                body = {
                    "prompt": "a cat",
                    "external_task_id": longest[: MAX_EXTERNAL_TASK_ID_CHARS - 3] + f"{number:03}",
                }
                assert (await client.post(GENERATIONS, json=body)).status_code == 200
            listed.append(await client.get(GENERATIONS, params={"pageSize": 500}))

    anyio.run(fill_and_list)
    assert listed[0].status_code == 200
    tasks = listed[0].json()["data"]
    assert len(tasks) == 24
    # Each task's share of the page is bounded by the id limit: a 500-task page stays under ~25 MB.
    assert len(listed[0].content) / len(tasks) < 12 * MAX_EXTERNAL_TASK_ID_CHARS + 2048


@pytest.mark.parametrize(
    ("name", "limit", "value"),
    [
        ("external_task_id", MAX_EXTERNAL_TASK_ID_CHARS, "x"),
        ("callback_url", MAX_CALLBACK_URL_CHARS, "http://127.0.0.1:9/"),
    ],
)
async def test_ids_and_urls_up_to_the_emulators_limit_are_kept(
    client: httpx.AsyncClient, name: str, limit: int, value: str
) -> None:
    at_limit = value + "y" * (limit - len(value))
    beyond = at_limit + "y"

    accepted = await client.post(GENERATIONS, json={"prompt": "a cat", name: at_limit})
    refused = await client.post(GENERATIONS, json={"prompt": "a cat", name: beyond})

    assert accepted.status_code == 200, accepted.text
    message = assert_error(refused, 400, 1201)
    assert message.startswith(f"body.{name}")
    assert str(limit) in message


async def test_ids_echoed_in_error_messages_are_cut(client: httpx.AsyncClient) -> None:
    long_id = "z" * MAX_EXTERNAL_TASK_ID_CHARS
    await client.post(GENERATIONS, json={"prompt": "a cat", "external_task_id": long_id})

    duplicate = await client.post(GENERATIONS, json={"prompt": "a cat", "external_task_id": long_id})
    unknown = await client.get(f"{GENERATIONS}/{'q' * 60_000}")

    assert assert_error(duplicate, 400, 1201) == "body.external_task_id: duplicate external_task_id: " + "z" * 64 + "…"
    assert assert_error(unknown, 400, 1201) == "Task not found by id/external id: " + "q" * 64 + "…"


@pytest.mark.parametrize(
    "model",
    [
        "m" * 1_000_000,
        "kling-v3\n",
        "kling-v3\u0000",
        "kling-v1 ",
        "../../etc/passwd",
        "kling-v3; DROP TABLE",
        "\u202ekling",
    ],
)
async def test_a_hostile_model_name_is_a_short_404(client: httpx.AsyncClient, emulator: Emulator, model: str) -> None:
    # model_name is open in the schema: whatever string it is, the answer is the documented 404/1203, quoting
    # at most 64 characters of it, and no task is made.
    response = await client.post(GENERATIONS, json={"prompt": "a cat", "model_name": model})

    message = assert_error(response, 404, 1203)
    assert message == "requested resource does not exist: model " + model[:64] + ("…" if len(model) > 64 else "")
    assert len(emulator.tasks) == 0


async def test_no_error_message_quotes_a_megabyte(client: httpx.AsyncClient) -> None:
    body = b'{"prompt": "a cat", "' + b"k" * 1_000_000 + b'": 1}'

    response = await client.post(GENERATIONS, content=body, headers=JSON_HEADERS)

    message = assert_error(response, 400, 1201)
    assert message.startswith("body.kkkk")
    assert len(message) <= MAX_MESSAGE_CHARS + 1


@pytest.mark.parametrize("host", ["h" * 10_000, "evil host/with?junk", "a" * 300 + ":80"])
async def test_image_urls_never_repeat_a_junk_host_header(
    client: httpx.AsyncClient, clock: FakeClock, host: str
) -> None:
    created = await client.post(GENERATIONS, json={"prompt": "a cat", "n": 9, "watermark_info": {"enabled": True}})
    clock.advance(60)
    task_id = created.json()["data"]["task_id"]

    response = await client.get(f"{GENERATIONS}/{task_id}", headers={"Host": host})

    images = response.json()["data"]["task_result"]["images"]
    urls = [image[key] for image in images for key in ("url", "watermark_url")]
    assert len(urls) == 18
    assert all(url.startswith(f"{BASE_URL}{IMAGE_ROUTE_PREFIX}/") for url in urls)


async def test_a_plain_host_header_makes_the_image_urls(client: httpx.AsyncClient, clock: FakeClock) -> None:
    created = await client.post(GENERATIONS, json={"prompt": "a cat"})
    clock.advance(60)
    task_id = created.json()["data"]["task_id"]

    for host in ("emulator.local:8765", "[::1]:8765"):
        response = await client.get(f"{GENERATIONS}/{task_id}", headers={"Host": host})
        assert response.json()["data"]["task_result"]["images"][0]["url"].startswith(f"http://{host}/")


# -- 8. Callbacks: a slow receiver delays only its own task ------------------------------------------


SLOW_URL = "http://127.0.0.1:9/slow"
FAST_URL = "http://127.0.0.1:9/fast"


class OneSlowReceiver(httpx.AsyncBaseTransport):
    """Answers every callback at once, except those to SLOW_URL announcing one of ``slow_statuses``: they wait
    until ``release`` is set.

    Thread-safe, so the server's own event loop can use it (a threading.Event, polled without blocking it).
    """

    def __init__(self, slow_statuses: frozenset[str] = frozenset({"submitted", "processing", "succeed"})) -> None:
        self.slow_statuses = slow_statuses
        self.release = threading.Event()
        self._lock = threading.Lock()
        self.received: dict[str, list[str]] = {SLOW_URL: [], FAST_URL: []}
        self.in_flight = 0

    def statuses(self, url: str) -> list[str]:
        with self._lock:
            return list(self.received[url])

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        status = json.loads(request.content)["task_status"]
        with self._lock:
            self.received[str(request.url)].append(status)
        if str(request.url) == SLOW_URL and status in self.slow_statuses:
            with self._lock:
                self.in_flight += 1
            while not self.release.is_set():  # noqa: ASYNC110 - a threading.Event: shared with the server's loop
                await anyio.sleep(0.005)
            with self._lock:
                self.in_flight -= 1
        return httpx.Response(200)


async def test_a_slow_receiver_delays_only_its_own_tasks_callbacks(
    make_app: Callable[..., Starlette], clock: FakeClock
) -> None:
    receiver = OneSlowReceiver()
    emulator: Emulator = make_app(callback_transport=receiver).state.emulator
    emulator.create_task({"prompt": "slow", "callback_url": SLOW_URL}, base_url=BASE_URL)
    emulator.create_task({"prompt": "fast", "callback_url": FAST_URL}, base_url=BASE_URL)

    async with anyio.create_task_group() as group:
        group.start_soon(emulator.tick)
        with anyio.move_on_after(5):
            while not receiver.statuses(FAST_URL):  # noqa: ASYNC110 - polled: the transport is thread-safe
                await anyio.sleep(0.005)
        clock.advance(60)
        group.start_soon(emulator.tick)
        with anyio.move_on_after(5):
            while len(receiver.statuses(FAST_URL)) < 3:  # noqa: ASYNC110
                await anyio.sleep(0.005)

        # The fast receiver got all three while the slow one still holds its first.
        assert receiver.statuses(FAST_URL) == ["submitted", "processing", "succeed"]
        assert receiver.statuses(SLOW_URL) == ["submitted"]
        receiver.release.set()

    # One at a time and in order for the slow task too.
    assert receiver.statuses(SLOW_URL) == ["submitted", "processing", "succeed"]


def test_the_servers_ticker_is_not_held_up_by_a_slow_receiver() -> None:
    # Slow from "processing" on: a callback the ticker sends (a create's "submitted" goes out with its answer).
    receiver = OneSlowReceiver(slow_statuses=frozenset({"processing"}))
    timeline: dict[str, Any] = {"processing_after": 0.05, "succeed_after": 0.1, "tick_interval": 0.01}
    with (
        run_emulator(keys={ACCESS_KEY: SECRET_KEY}, callback_transport=receiver, **timeline) as base_url,
        httpx.Client(base_url=base_url, headers=bearer(), trust_env=False) as http,
    ):
        try:
            http.post(GENERATIONS, json={"prompt": "slow", "callback_url": SLOW_URL}).raise_for_status()
            assert wait_until(lambda: receiver.in_flight == 1)
            http.post(GENERATIONS, json={"prompt": "fast", "callback_url": FAST_URL}).raise_for_status()
            fast_done = wait_until(lambda: len(receiver.statuses(FAST_URL)) == 3)
            slow_meanwhile = receiver.statuses(SLOW_URL)
        finally:
            receiver.release.set()
        slow_done = wait_until(lambda: len(receiver.statuses(SLOW_URL)) == 3)

    assert fast_done
    assert slow_meanwhile == ["submitted", "processing"]
    assert slow_done
    assert receiver.statuses(SLOW_URL) == ["submitted", "processing", "succeed"]


# -- 9. A client that disconnects --------------------------------------------------------------------


@contextmanager
def _captured(caplog: pytest.LogCaptureFixture, *names: str) -> Iterator[None]:
    # uvicorn's loggers do not propagate to the root logger, where caplog listens.
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(caplog.handler)


def test_a_client_that_disconnects_is_one_quiet_log_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="kling_emulator")
    token = bearer()["Authorization"]
    with (
        run_emulator(keys={ACCESS_KEY: SECRET_KEY}) as base_url,
        _captured(caplog, "uvicorn", "uvicorn.error"),
    ):
        host, port = base_url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port))) as sock:
            # Half a body, then gone while the emulator waits out the injected latency.
            sock.sendall(
                f"POST {GENERATIONS} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n"
                f"{FAULT_HEADER}: latency=0.2\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                '{"prompt": '.encode()
            )
        logged = wait_until(lambda: any("disconnected" in record.getMessage() for record in caplog.records))
        still_serving = httpx.get(base_url + GENERATIONS, headers={"Authorization": token}, trust_env=False)

    assert logged
    assert still_serving.status_code == 200
    disconnects = [record for record in caplog.records if "disconnected" in record.getMessage()]
    assert len(disconnects) == 1
    assert disconnects[0].levelno <= logging.INFO
    assert "\n" not in disconnects[0].getMessage()
    assert [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info] == []
    assert "Traceback" not in caplog.text
