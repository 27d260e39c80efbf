"""Hostile servers (issue 14): the client against real sockets that misbehave, sync and async.

Each server is a raw socket on 127.0.0.1 (``_hostile_server``), bounded in time: it stops by itself. Each test
states its limit as a constant and measures it:

- **size**: every API answer is read under ``kling_auth.MAX_ANSWER_BYTES`` (32 MiB), on the bytes received and after
  decoding: a body that never ends, a 2 GB ``Content-Length``, a gzip bomb and a stacked ``gzip, gzip`` one end in a
  ``ResponseTooLargeError`` (a ``MalformedResponseError`` with ``.limit``), soon after the cap is crossed, with the
  peak memory of the process (measured in a subprocess, ``VmHWM``) under the cap + 150 MiB; the same for
  create, list and a 401 read by the auth plugin; a stacked-gzip image is a ``DownloadError`` naming its limit;
- **time**: a call's ``timeout`` bounds the whole answer, not each byte: a server trickling the body or the head
  one byte every 0.5 s gives an ``APITimeoutError`` after about ``timeout``; a wait's ``deadline`` cuts the poll in
  flight (``TaskTimeoutError``); a download's ``timeout`` bounds each image (``DownloadError``);
- **parsing**: a 401 nested 100,000 deep is an ``AuthenticationError``, never a ``RecursionError`` or a
  ``ValidationError``;
- **server text is inert**: control characters in a message or a request id never reach ``str(error)``,
  ``repr(error)`` or a log line raw, and a huge message is cut there (kept on ``raw_message``);
- **downloads trust nothing**: too many images, an image number outside 0-9, ids that clean to the same name, an
  empty or NUL-holding folder, ``~``;
- **callbacks**: an already-parsed dict with a 200 MB id or a million images is refused at once.

A time bound is generous: ``within(t) = 3 t + 1 s`` for a configured time ``t`` (the machine is shared and noisy).
"""

from __future__ import annotations

import copy
import inspect
import io
import json
import logging
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, Final, TypeVar

import kling
import kling_auth
import pytest
from kling import AsyncKling, Kling, parse_callback
from kling._constants import DOWNLOAD_MAX_BYTES
from kling_api.models import ImageTask
from kling_spec import load_spec
from PIL import Image

from ._hostile_server import (
    DEFAULT_SEND_BUDGET,
    Behaviour,
    Connection,
    HostileServer,
    chunked,
    gzip_bomb,
    head_bytes,
    run_client_script,
    stacked_gzip_bomb,
)

T = TypeVar("T")
AnyKling = Kling | AsyncKling

FLAVORS: Final = ["sync", "async"]
API_KEY: Final = "hostile-servers-api-key-0123456789abcdef"
ACCESS_KEY: Final = "hostile-servers-access-key"
SECRET_KEY: Final = "hostile-servers-secret-key-0123456789abcdef"
CREDENTIALS: Final = {"api_key": API_KEY, "access_key": ACCESS_KEY, "secret_key": SECRET_KEY}
TASK_ID: Final = "783510947463159851"
SPEC = load_spec()

#: The answer cap, and the peak memory allowed to a process reading an answer over it.
CAP: Final = kling_auth.MAX_ANSWER_BYTES
PEAK_RSS_LIMIT: Final = CAP + 150 * 1024 * 1024
DOWNLOAD_PEAK_RSS_LIMIT: Final = DOWNLOAD_MAX_BYTES + 150 * 1024 * 1024
#: A refusal comes within this long of the server crossing the cap (then within(...) of it, for noise).
CAP_REACTION_SECONDS: Final = 1.0
#: What the bombs inflate to: 32 times the answer cap, 16 times the download cap.
BOMB_MIB: Final = 1024
#: The per-call timeout (and wait deadline) of the time tests, and the pace of the trickling servers.
CALL_TIMEOUT: Final = 1.5
TRICKLE_INTERVAL: Final = 0.5
#: The client's own timeout in the wait test: far longer than the deadline that must win.
LONG_CLIENT_TIMEOUT: Final = 30.0


def within(configured: float) -> float:
    """The wall-time bound for something configured to take ``configured`` seconds: generous, for a noisy machine."""
    return 3 * configured + 1.0


#: Servers outlive the bound they test by a second, so that a client without the bound fails on time, not on a
#: server that went away first; a test never waits longer than this.
TIME_TEST_SERVER_LIFETIME: Final = within(CALL_TIMEOUT) + 1.0
SIZE_TEST_SERVER_LIFETIME: Final = 8.0


# -- helpers -----------------------------------------------------------------------------------------------------------


async def call(value: T | Any) -> T:
    """The result of a sync call, or of an async one: one test body serves both clients."""
    if inspect.isawaitable(value):
        result: T = await value
        return result
    return value


@pytest.fixture
async def clients() -> AsyncIterator[Callable[..., AnyKling]]:
    """Builds clients (``flavor``, ``base_url``, options); closes them all after the test."""
    made: list[AnyKling] = []

    def factory(flavor: str, base_url: str, *, auth: str = "api_key", **options: Any) -> AnyKling:
        cls = Kling if flavor == "sync" else AsyncKling
        options.setdefault("max_retries", 0)
        if auth == "jwt":
            client: AnyKling = cls(ACCESS_KEY, SECRET_KEY, base_url=base_url, **options)
        else:
            client = cls(api_key=API_KEY, base_url=base_url, **options)
        made.append(client)
        return client

    yield factory
    for client in made:
        if isinstance(client, AsyncKling):
            await client.aclose()
        else:
            client.close()


class Timer:
    """Wall time of a block (``time.monotonic``)."""

    def __enter__(self) -> Timer:
        self.started = time.monotonic()
        self.elapsed = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.monotonic() - self.started


def envelope(operation_id: str, example_name: str) -> dict[str, Any]:
    value: dict[str, Any] = copy.deepcopy(SPEC.examples(operation_id, 200)[example_name])
    return value


#: The documented 200 answer of each operation: "get" is ``client.images.get``, "omni_images.get" the same verb of
#: ``client.omni_images``, which shares the one core (flows, drivers, limits) with every task resource.
GOOD_ANSWERS: Final = {
    "get": ("getImageTask", "processing"),
    "create": ("createImageTask", "submitted"),
    "list": ("listImageTasks", "onePage"),
    "omni_images.create": ("createOmniImageTask", "submitted"),
    "multi_shots.get": ("getMultiShotTask", "succeed"),
    "elements.list": ("listElementTasks", "onePage"),
    "account.costs": ("getAccountCosts", "documented"),
}


def good_answer(operation: str) -> bytes:
    """A documented 200 answer for ``operation`` (the spec's example)."""
    return json.dumps(envelope(*GOOD_ANSWERS[operation])).encode()


async def run_operation(client: AnyKling, operation: str, **options: Any) -> Any:
    resource, _, verb = operation.rpartition(".")
    tasks = getattr(client, resource or "images")
    if verb == "get":
        return await call(tasks.get(TASK_ID, **options))
    if verb == "create":
        return await call(tasks.create("a red fox", **options))
    if verb == "costs":
        return await call(tasks.costs(1_700_000_000_000, 1_700_000_100_000, **options))
    assert verb == "list"
    return await call(tasks.list(**options))


def png(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), color).save(buffer, "PNG")
    return buffer.getvalue()


PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"


def task_data(images: list[dict[str, Any]], task_id: str = TASK_ID) -> dict[str, Any]:
    """The spec's succeed example, with these images and this id."""
    data: dict[str, Any] = envelope("getImageTask", "succeed")["data"]
    data["task_result"] = {"images": images}
    data["task_id"] = task_id
    return data


def image_task(images: list[dict[str, Any]], task_id: str = TASK_ID) -> ImageTask:
    return ImageTask.from_dict(task_data(images, task_id))


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# -- behaviours --------------------------------------------------------------------------------------------------------

JSON: Final = ("Content-Type", "application/json")
OPENING: Final = b'{"code": 0, "message": "SUCCEED", "request_id": "r", "data": {"task_id": "'
FILLER: Final = b"a" * 65536


def endless(status: int, *, declared: int | None = None) -> Behaviour:
    """A JSON-looking answer whose body never ends (chunked), or that announces ``declared`` bytes; it stops sending
    after DEFAULT_SEND_BUDGET bytes (then holds the connection), so a client without a cap is hurt a known amount.
    Marks "crossed" when the cap is crossed: the declared length once the head is out, else the bytes sent."""

    def behave(connection: Connection) -> None:
        if connection.read_request() is None:
            return
        framing = ("Content-Length", str(declared)) if declared is not None else ("Transfer-Encoding", "chunked")
        if not connection.send_head(status, [JSON, framing]):
            return
        if declared is not None and declared > CAP:
            connection.mark("crossed")

        def pieces() -> Iterator[bytes]:
            sent = 0
            for piece in [OPENING] + [FILLER] * (DEFAULT_SEND_BUDGET // len(FILLER)):
                sent += len(piece)
                if sent > CAP:
                    connection.mark("crossed")
                yield piece

        if connection.stream(pieces() if declared is not None else chunked(pieces())):
            connection.hold()

    return behave


def encoded(payload: Callable[[], bytes], encoding: str, content_type: str = "application/json") -> Behaviour:
    """An answer whose body is ``payload()`` under ``Content-Encoding: encoding``; marks "crossed" once the head is
    out (the decoded size crosses the cap within the first few KB received)."""

    def behave(connection: Connection) -> None:
        if connection.read_request() is None:
            return
        body = payload()
        head = [("Content-Type", content_type), ("Content-Encoding", encoding), ("Content-Length", str(len(body)))]
        if not connection.send_head(200, head):
            return
        connection.mark("crossed")
        if connection.send(body):
            connection.hold()

    return behave


def trickling(body: bytes, *, head_too: bool, status: int = 200, content_type: str = "application/json") -> Behaviour:
    """An answer sent one byte every TRICKLE_INTERVAL: the body only (the head at once), or the head too."""
    head = [("Content-Type", content_type), ("Content-Length", str(len(body)))]

    def behave(connection: Connection) -> None:
        if connection.read_request() is None:
            return
        if head_too:
            connection.trickle(head_bytes(status, head) + body, TRICKLE_INTERVAL)
        elif connection.send_head(status, head):
            connection.trickle(body, TRICKLE_INTERVAL)
        connection.hold()

    return behave


def silent(connection: Connection) -> None:
    """Accepts, reads the request, never answers."""
    if connection.read_request() is not None:
        connection.hold()


def answering(status: int, body: bytes | Callable[[], Iterator[bytes]], length: int | None = None) -> Behaviour:
    """Answers every request with ``status`` and ``body`` (bytes, or a function giving its pieces and ``length``)."""

    def behave(connection: Connection) -> None:
        while connection.read_request() is not None:
            size = len(body) if isinstance(body, bytes) else length
            if not connection.send_head(status, [JSON, ("Content-Length", str(size))]):
                return
            if not connection.stream([body] if isinstance(body, bytes) else body()):
                return

    return behave


def images_by_path(images: dict[str, bytes]) -> Behaviour:
    """Serves each path's bytes as a PNG (keep-alive), 404 for any other path."""

    def behave(connection: Connection) -> None:
        while (request := connection.read_request()) is not None:
            data = images.get(request.target)
            if data is None:
                connection.send_head(404, [("Content-Length", "0")])
                continue
            head = [("Content-Type", "image/png"), ("Content-Length", str(len(data)))]
            if not (connection.send_head(200, head) and connection.send(data)):
                return

    return behave


# -- 1. and 2.: the answer size cap, measured in a subprocess ----------------------------------------------------------

SIZE_CASES: Final = [
    # (id, operation, auth, behaviour)
    ("get-endless-body", "get", "api_key", endless(200)),
    ("get-2GB-content-length", "get", "api_key", endless(200, declared=2 * 1024**3)),
    ("create-endless-body", "create", "api_key", endless(200)),
    ("list-endless-body", "list", "api_key", endless(200)),
    ("omni-create-endless-body", "omni_images.create", "api_key", endless(200)),
    ("get-401-endless-body-read-by-the-jwt-auth-plugin", "get", "jwt", endless(401)),
    ("get-gzip-bomb-1GiB", "get", "api_key", encoded(lambda: gzip_bomb(BOMB_MIB), "gzip")),
    ("get-stacked-gzip-gzip", "get", "api_key", encoded(lambda: stacked_gzip_bomb(BOMB_MIB), "gzip, gzip")),
]


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize(
    ("operation", "auth", "behaviour"), [case[1:] for case in SIZE_CASES], ids=[case[0] for case in SIZE_CASES]
)
def test_an_answer_over_the_cap_is_refused_soon_in_bounded_memory(
    flavor: str, operation: str, auth: str, behaviour: Behaviour, tmp_path: Path
) -> None:
    """Limit: ResponseTooLargeError (limit = MAX_ANSWER_BYTES) within within(CAP_REACTION_SECONDS) of the server
    crossing the cap; the client process's peak RSS under PEAK_RSS_LIMIT (cap + 150 MiB)."""
    with HostileServer(behaviour, lifetime=SIZE_TEST_SERVER_LIFETIME) as server:
        result = run_client_script(
            flavor=flavor,
            base_url=server.url,
            operation=operation,
            auth=auth,
            credentials=CREDENTIALS,
            cwd=tmp_path,
            timeout=SIZE_TEST_SERVER_LIFETIME + 10,
        )
    assert not server.errors, server.errors
    assert result.error == "ResponseTooLargeError", result.describe()
    assert "MalformedResponseError" in result.classes, result.describe()
    assert result.limit == CAP, result.describe()
    assert "crossed" in server.marks, "the server never crossed the cap"
    reaction = result.raised_at - server.marks["crossed"]
    assert reaction <= within(CAP_REACTION_SECONDS), f"{reaction:.2f} s after crossing; {result.describe()}"
    assert result.rss_peak_bytes < PEAK_RSS_LIMIT, result.describe()


def test_the_bombs_are_honest_and_the_stacked_one_is_tiny() -> None:
    """The bombs the tests send are valid gzip of what they claim (checked on a 4 MiB one: the same code builds
    the 1 GiB ones), and ``gzip, gzip`` of 1 GiB fits in a few KB."""
    small = gzip_bomb(4, prefix=b"head")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    content = inflater.decompress(small) + inflater.flush()
    assert inflater.eof
    assert not inflater.unused_data
    assert content == b"head" + b" " * (4 * 1024 * 1024)
    assert len(gzip_bomb(BOMB_MIB)) < 2 * 1024 * 1024
    assert len(stacked_gzip_bomb(BOMB_MIB)) < 16 * 1024


@pytest.mark.parametrize("flavor", FLAVORS)
def test_a_stacked_gzip_image_is_a_download_error_naming_the_limit_in_bounded_memory(
    flavor: str, tmp_path: Path
) -> None:
    """Limit: DownloadError naming DOWNLOAD_MAX_BYTES, within within(CAP_REACTION_SECONDS) of the head; peak RSS
    under DOWNLOAD_PEAK_RSS_LIMIT (download cap + 150 MiB); no file left in the folder."""
    bomb = encoded(lambda: stacked_gzip_bomb(BOMB_MIB, PNG_SIGNATURE, 0), "gzip, gzip", content_type="image/png")
    folder = tmp_path / "images"
    with HostileServer(bomb, lifetime=SIZE_TEST_SERVER_LIFETIME) as server:
        result = run_client_script(
            flavor=flavor,
            base_url=server.url,
            operation="download",
            credentials=CREDENTIALS,
            cwd=tmp_path,
            timeout=SIZE_TEST_SERVER_LIFETIME + 10,
            task=task_data([{"index": 0, "url": f"{server.url}/image.png"}]),
            directory=str(folder),
        )
    assert result.error == "DownloadError", result.describe()
    assert str(DOWNLOAD_MAX_BYTES) in result.message or result.limit == DOWNLOAD_MAX_BYTES, result.describe()
    reaction = result.raised_at - server.marks["crossed"]
    assert reaction <= within(CAP_REACTION_SECONDS), f"{reaction:.2f} s after the head; {result.describe()}"
    assert result.rss_peak_bytes < DOWNLOAD_PEAK_RSS_LIMIT, result.describe()
    assert files_in(folder) == []


# -- 3.: a deadline per call, whatever the server trickles -------------------------------------------------------------

TRICKLE_CASES: Final = [
    ("get-body", "get", False),
    ("get-head", "get", True),
    ("create-body", "create", False),
    ("list-body", "list", False),
    # The endpoints added in 2026 run on the same core: one of each verb's kinds is enough.
    ("omni-create-body", "omni_images.create", False),
    ("multi-shot-get-head", "multi_shots.get", True),
    ("elements-list-body", "elements.list", False),
    ("account-costs-body", "account.costs", False),
]


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize(("operation", "head_too"), [c[1:] for c in TRICKLE_CASES], ids=[c[0] for c in TRICKLE_CASES])
async def test_a_trickling_server_cannot_hold_a_call_past_its_timeout(
    flavor: str, operation: str, head_too: bool, clients: Callable[..., AnyKling]
) -> None:
    """Limit: APITimeoutError, after at least most of CALL_TIMEOUT and within within(CALL_TIMEOUT), of a call with
    timeout=CALL_TIMEOUT against a server sending one byte every TRICKLE_INTERVAL (each byte would reset a read
    timeout)."""
    with HostileServer(
        trickling(good_answer(operation), head_too=head_too), lifetime=TIME_TEST_SERVER_LIFETIME
    ) as server:
        client = clients(flavor, server.url)
        with Timer() as timer, pytest.raises(kling.KlingError) as raised:
            await run_operation(client, operation, timeout=CALL_TIMEOUT)
    assert isinstance(raised.value, kling.APITimeoutError), repr(raised.value)
    assert timer.elapsed <= within(CALL_TIMEOUT), f"{timer.elapsed:.2f} s"
    assert timer.elapsed >= CALL_TIMEOUT * 0.66, f"gave up after {timer.elapsed:.2f} s, before the timeout"


@pytest.mark.parametrize("flavor", FLAVORS)
async def test_a_wait_deadline_cuts_the_poll_in_flight(flavor: str, clients: Callable[..., AnyKling]) -> None:
    """Limit: TaskTimeoutError within within(CALL_TIMEOUT) of wait(deadline=CALL_TIMEOUT), on a client whose own
    timeout is LONG_CLIENT_TIMEOUT, against a server that accepts and never answers."""
    with HostileServer(silent, lifetime=TIME_TEST_SERVER_LIFETIME) as server:
        client = clients(flavor, server.url, timeout=LONG_CLIENT_TIMEOUT)
        with Timer() as timer, pytest.raises(kling.KlingError) as raised:
            await call(client.images.wait(TASK_ID, deadline=CALL_TIMEOUT))
    assert isinstance(raised.value, kling.TaskTimeoutError), repr(raised.value)
    assert raised.value.task_id == TASK_ID
    assert timer.elapsed <= within(CALL_TIMEOUT), f"{timer.elapsed:.2f} s"


@pytest.mark.parametrize("flavor", FLAVORS)
async def test_a_trickling_image_host_cannot_hold_a_download_past_its_timeout(
    flavor: str, clients: Callable[..., AnyKling], tmp_path: Path
) -> None:
    """Limit: DownloadError within within(CALL_TIMEOUT) of download(..., timeout=CALL_TIMEOUT) from an image host
    sending one byte every TRICKLE_INTERVAL; no partial file left."""
    image = png((200, 30, 30))
    with HostileServer(
        trickling(image, head_too=False, content_type="image/png"), lifetime=TIME_TEST_SERVER_LIFETIME
    ) as server:
        client = clients(flavor, server.url)
        task = image_task([{"index": 0, "url": f"{server.url}/image.png"}])
        with Timer() as timer, pytest.raises(kling.KlingError) as raised:
            await call(client.images.download(task, tmp_path / "images", timeout=CALL_TIMEOUT))
    assert isinstance(raised.value, kling.DownloadError), repr(raised.value)
    assert timer.elapsed <= within(CALL_TIMEOUT), f"{timer.elapsed:.2f} s"
    assert files_in(tmp_path / "images") == []


# -- 4.: a 401 nested 100,000 deep -------------------------------------------------------------------------------------

DEPTH: Final = 100_000
NESTED_401: Final = {
    "bare": b"[" * DEPTH + b"]" * DEPTH,
    "in-the-envelope": b'{"code": 1000, "message": "no", "request_id": "r", "data": '
    + b"[" * DEPTH
    + b"]" * DEPTH
    + b"}",
}


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("auth", ["api_key", "jwt"])
@pytest.mark.parametrize("shape", sorted(NESTED_401))
async def test_a_401_nested_100000_deep_is_an_authentication_error(
    flavor: str, auth: str, shape: str, clients: Callable[..., AnyKling]
) -> None:
    """Limit: AuthenticationError (HTTP 401), never a RecursionError nor a ValidationError, whichever auth mode reads
    the body (the JWT plugin reads every 401)."""
    with HostileServer(answering(401, NESTED_401[shape]), lifetime=TIME_TEST_SERVER_LIFETIME) as server:
        client = clients(flavor, server.url, auth=auth, timeout=5.0)
        with pytest.raises(BaseException) as raised:  # noqa: PT011 - the type is the assertion below
            await call(client.images.get(TASK_ID))
    assert isinstance(raised.value, kling.AuthenticationError), repr(raised.value)
    assert not isinstance(raised.value, kling.ValidationError)
    assert raised.value.http_status == 401


# -- 5.: server text is inert ------------------------------------------------------------------------------------------

CONTROL_MESSAGE: Final = "first line\nsecond line\x1b[31m red\x07 bell\r end"
CONTROL_REQUEST_ID: Final = "req-\x1b[2J-\n-id"
RAW_CONTROLS: Final = ("\n", "\r", "\x1b", "\x07")


def error_envelope(message: str, request_id: str = "3a8f6c2e-9d1b-4e7a-a4c5-2b9e7d1f6a99") -> bytes:
    return json.dumps({"code": 1200, "message": message, "request_id": request_id, "data": None}).encode()


def printable(text: str) -> bool:
    return all(ch.isprintable() for ch in text)


@pytest.mark.parametrize("flavor", FLAVORS)
async def test_control_characters_from_the_server_never_reach_a_message_or_a_log_line_raw(
    flavor: str, clients: Callable[..., AnyKling], caplog: pytest.LogCaptureFixture
) -> None:
    """Limit: str(error), repr(error) and every ``kling`` log record are one printable line: no raw newline, CR, ESC
    or BEL, each shown escaped instead."""
    caplog.set_level(logging.INFO, logger="kling")
    body = error_envelope(CONTROL_MESSAGE, CONTROL_REQUEST_ID)
    with HostileServer(answering(400, body), lifetime=TIME_TEST_SERVER_LIFETIME) as server:
        client = clients(flavor, server.url)
        with pytest.raises(kling.APIError) as raised:
            await call(client.images.get(TASK_ID))
    error = raised.value
    assert isinstance(error, kling.InvalidRequestError), repr(error)
    for text in (str(error), repr(error)):
        assert printable(text), text
        assert not any(control in text for control in RAW_CONTROLS), text
    assert "first line" in str(error)
    assert "second line" in str(error)
    assert "\\x1b" in str(error)
    assert "\\n" in str(error)
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("kling")]
    assert lines, "no log line from the kling logger"
    for line in lines:
        assert printable(line), repr(line)
    info = [line for line in lines if "request_id=" in line]
    assert info, lines
    assert all("\\x1b" in line for line in info), info


MiB: Final = 1024 * 1024
MESSAGE_HEAD: Final = "huge\n\x1b[31m message: "
#: Text shown in str(error) at most (a few KB), whatever the server's message.
SHOWN_TEXT_LIMIT: Final = 4096


def huge_error_answer(message_bytes: int) -> tuple[Callable[[], Iterator[bytes]], int]:
    """A 400 envelope whose message is MESSAGE_HEAD then ``message_bytes`` of "a": its pieces (streamed, never held
    whole by the test) and its length."""
    before = error_envelope(MESSAGE_HEAD + "\0").split(b"\\u0000")[0]
    after = b'", "request_id": "3a8f6c2e-9d1b-4e7a-a4c5-2b9e7d1f6a99", "data": null}'
    pieces = message_bytes // len(FILLER)

    def body() -> Iterator[bytes]:
        yield before
        for _ in range(pieces):
            yield FILLER
        yield after

    return body, len(before) + pieces * len(FILLER) + len(after)


@pytest.mark.parametrize("flavor", FLAVORS)
async def test_a_30_MB_message_under_the_cap_is_cut_in_the_message_and_kept_raw(
    flavor: str, clients: Callable[..., AnyKling]
) -> None:
    """Limit: a 400 whose message is 30 MiB (under the 32 MiB cap) is an InvalidRequestError whose str() and repr()
    hold at most SHOWN_TEXT_LIMIT characters, one printable line; ``raw_message`` keeps the server's text (its
    start at least: whether it is cut is the SDK's choice)."""
    body, length = huge_error_answer(30 * MiB)
    assert length < CAP
    with HostileServer(answering(400, body, length), lifetime=TIME_TEST_SERVER_LIFETIME) as server:
        client = clients(flavor, server.url, timeout=10.0)
        with pytest.raises(kling.APIError) as raised:
            await call(client.images.get(TASK_ID))
    error = raised.value
    assert isinstance(error, kling.InvalidRequestError), repr(error)[:500]
    assert len(str(error)) <= SHOWN_TEXT_LIMIT, len(str(error))
    assert len(repr(error)) <= SHOWN_TEXT_LIMIT + 100, len(repr(error))
    assert printable(str(error))
    raw = error.raw_message
    assert isinstance(raw, str)
    assert raw.startswith(MESSAGE_HEAD + "aaa"), raw[:100]
    assert len(raw) <= len(MESSAGE_HEAD) + 30 * MiB


@pytest.mark.parametrize("flavor", FLAVORS)
async def test_a_50_MB_message_is_over_the_cap_and_shown_short(flavor: str, clients: Callable[..., AnyKling]) -> None:
    """Limit: a 400 answer of 50 MiB is over MAX_ANSWER_BYTES: ResponseTooLargeError, str() at most
    SHOWN_TEXT_LIMIT characters, one printable line."""
    body, length = huge_error_answer(50 * MiB)
    with HostileServer(answering(400, body, length), lifetime=TIME_TEST_SERVER_LIFETIME) as server:
        client = clients(flavor, server.url, timeout=10.0)
        with pytest.raises(kling.APIError) as raised:
            await call(client.images.get(TASK_ID))
    error = raised.value
    assert isinstance(error, kling.ResponseTooLargeError), repr(error)[:500]
    assert error.limit == CAP
    assert len(str(error)) <= SHOWN_TEXT_LIMIT, len(str(error))
    assert printable(str(error))


# -- 6.: downloads trust nothing ---------------------------------------------------------------------------------------


def refusing_server() -> HostileServer:
    """A server that must see no request: it answers nothing, and counts connections."""
    return HostileServer(silent, lifetime=TIME_TEST_SERVER_LIFETIME)


HOSTILE_IMAGE_LISTS: Final = {
    "1000-images": lambda url: [{"index": i % 10, "url": f"{url}/{i}.png"} for i in range(1000)],
    "index-10": lambda url: [{"index": 10, "url": f"{url}/10.png"}],
    "index-minus-1": lambda url: [{"index": -1, "url": f"{url}/m1.png"}],
    "index-2-to-the-40": lambda url: [{"index": 2**40, "url": f"{url}/big.png"}],
}


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("case", sorted(HOSTILE_IMAGE_LISTS))
async def test_a_task_with_too_many_images_or_a_number_outside_0_to_9_writes_nothing(
    flavor: str, case: str, clients: Callable[..., AnyKling], tmp_path: Path
) -> None:
    """Limit: MalformedResponseError before any request to the image host and before any file is written."""
    folder = tmp_path / "images"
    with refusing_server() as server:
        client = clients(flavor, server.url)
        task = image_task(HOSTILE_IMAGE_LISTS[case](server.url))
        with pytest.raises(kling.KlingError) as raised:
            await call(client.images.download(task, folder))
    assert isinstance(raised.value, kling.MalformedResponseError), repr(raised.value)
    assert server.connections == 0
    assert files_in(folder) == []


@pytest.mark.parametrize("flavor", FLAVORS)
async def test_ids_that_clean_to_the_same_name_never_overwrite_each_other(
    flavor: str, clients: Callable[..., AnyKling], tmp_path: Path
) -> None:
    """Limit: tasks ``a/b`` and ``a?b`` downloaded into one folder give two files, each with its own image."""
    first, second = png((255, 0, 0)), png((0, 0, 255))
    folder = tmp_path / "images"
    with HostileServer(images_by_path({"/1.png": first, "/2.png": second}), lifetime=10.0) as server:
        client = clients(flavor, server.url)
        first_task = image_task([{"index": 0, "url": f"{server.url}/1.png"}], "a/b")
        second_task = image_task([{"index": 0, "url": f"{server.url}/2.png"}], "a?b")
        one: list[Path] = await call(client.images.download(first_task, folder))
        two: list[Path] = await call(client.images.download(second_task, folder))
    assert len(one) == len(two) == 1
    assert one[0] != two[0]
    assert one[0].read_bytes() == first
    assert two[0].read_bytes() == second
    assert len(files_in(folder)) == 2
    assert all(path.parent == folder for path in (*one, *two))


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("directory", ["", "images\0evil"], ids=["empty", "nul"])
async def test_an_empty_or_nul_folder_is_a_validation_error(
    flavor: str, directory: str, clients: Callable[..., AnyKling], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Limit: ValidationError naming ``directory``, before any request (and nothing lands in the working folder)."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    with refusing_server() as server:
        client = clients(flavor, server.url)
        task = image_task([{"index": 0, "url": f"{server.url}/1.png"}])
        with pytest.raises(kling.KlingError) as raised:
            await call(client.images.download(task, directory))
    assert isinstance(raised.value, kling.ValidationError), repr(raised.value)
    assert raised.value.field == "directory"
    assert server.connections == 0
    assert files_in(cwd) == []


@pytest.mark.parametrize("flavor", FLAVORS)
async def test_a_tilde_folder_is_the_home_folder(
    flavor: str, clients: Callable[..., AnyKling], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Limit: "~/x" saves into $HOME/x; no folder named "~" appears in the working folder."""
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    image = png((0, 255, 0))
    with HostileServer(images_by_path({"/1.png": image}), lifetime=10.0) as server:
        client = clients(flavor, server.url)
        task = image_task([{"index": 0, "url": f"{server.url}/1.png"}])
        paths: list[Path] = await call(client.images.download(task, "~/x"))
    assert len(paths) == 1
    assert paths[0].parent.resolve() == (home / "x").resolve()
    assert paths[0].read_bytes() == image
    assert files_in(cwd) == []


# -- 7.: parse_callback with an already-parsed dict --------------------------------------------------------------------

#: Refusing a hostile callback takes less than this (wall for the 200 MB id, CPU of the calling thread for the million
#: images: "well under a second").
CALLBACK_REFUSAL_SECONDS: Final = 1.0
CALLBACK_REFUSAL_CPU_SECONDS: Final = 0.5


def test_a_callback_dict_with_a_200_MB_task_id_is_refused_at_once() -> None:
    """Limit: ValidationError within CALLBACK_REFUSAL_SECONDS (wall)."""
    data = task_data([{"index": 0, "url": "https://cdn.example/1.png"}])
    data["task_id"] = "x" * (200 * 1000 * 1000)
    with Timer() as timer, pytest.raises(kling.ValidationError):
        parse_callback(data)
    assert timer.elapsed < CALLBACK_REFUSAL_SECONDS, f"{timer.elapsed:.2f} s"


def test_a_callback_dict_listing_a_million_images_is_refused_at_once() -> None:
    """Limit: ValidationError within CALLBACK_REFUSAL_CPU_SECONDS of CPU (the calling thread's)."""
    image = {"index": 0, "url": "https://cdn.example/1.png"}
    data = task_data([image])
    data["task_result"]["images"] = [image] * 1_000_000
    started = time.thread_time()
    with pytest.raises(kling.ValidationError):
        parse_callback(data)
    cpu = time.thread_time() - started
    assert cpu < CALLBACK_REFUSAL_CPU_SECONDS, f"{cpu:.2f} s of CPU"
