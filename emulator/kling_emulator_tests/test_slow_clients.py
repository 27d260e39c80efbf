"""Slow clients: idle and trickling connections are closed after the stated limits (issue 14).

Raw sockets on loopback against run_emulator, with limits of half a second. In each test the limit under test
is the only short one (the others are 30 s), so what closed the connection is that limit and no other. Every
wait is bounded: a connection left open fails the test in seconds, never hangs it.
"""

from __future__ import annotations

import logging
import select
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
import kling_emulator.__main__ as cli
import pytest
from kling_emulator import create_app, run_emulator
from kling_emulator._constants import DEFAULT_BODY_TIMEOUT, DEFAULT_HEAD_TIMEOUT, DEFAULT_IDLE_TIMEOUT

from .conftest import ACCESS_KEY, GENERATIONS, SECRET_KEY, bearer

LIMIT = 0.5
LONG = 30.0
#: A byte every this many seconds: well inside LIMIT, so only a deadline that is not reset by bytes cuts it.
TRICKLE = 0.2
#: How late past its limit a connection may be closed (a loaded machine), and the bound on every wait.
SLACK = 1.5


@contextmanager
def _emulator(idle: float = LONG, head: float = LONG, body: float = LONG) -> Iterator[tuple[str, int]]:
    with run_emulator(
        keys={ACCESS_KEY: SECRET_KEY}, idle_timeout=idle, head_timeout=head, body_timeout=body
    ) as base_url:
        host, port = base_url.removeprefix("http://").rsplit(":", 1)
        yield host, int(port)


@contextmanager
def _logs() -> Iterator[list[logging.LogRecord]]:
    """Every record of the emulator's and uvicorn's loggers (uvicorn's do not propagate to caplog)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("kling_emulator", "uvicorn", "uvicorn.error")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
    logging.getLogger("kling_emulator").setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def _no_error_logged(records: list[logging.LogRecord]) -> None:
    assert [record.getMessage() for record in records if record.levelno >= logging.WARNING or record.exc_info] == []


def _read_until_closed(sock: socket.socket, within: float) -> bytes:
    """Everything the server sends until it closes the connection; fails if it is still open after ``within``."""
    received = b""
    deadline = time.monotonic() + within
    while True:
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            pytest.fail(f"the connection was still open {within} s later")
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk


def _trickle(sock: socket.socket, data: bytes) -> None:
    """``data`` a byte every TRICKLE seconds, stopping as soon as the server sends anything (or closes); fails
    if the server has done neither LIMIT + SLACK seconds on, or once all of ``data`` is sent."""
    deadline = time.monotonic() + LIMIT + SLACK
    for byte in data:
        sock.sendall(bytes([byte]))
        readable, _, _ = select.select([sock], [], [], TRICKLE)
        if readable:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"still sending a byte every {TRICKLE} s, {LIMIT + SLACK} s on: nothing cut it")
    pytest.fail("the whole of the data was sent a byte at a time: nothing cut it")


def _read_answer(sock: socket.socket) -> tuple[int, bytes]:
    """One whole answer on a kept-alive connection: its status and head (the body is read and dropped)."""
    sock.settimeout(SLACK)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed before a whole answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return int(head.split(b" ", 2)[1]), head


def _get(host: str) -> bytes:
    token = bearer()["Authorization"]
    return f"GET {GENERATIONS} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n\r\n".encode()


# -- idle connections ---------------------------------------------------------------------------------------


def test_a_connection_that_sends_nothing_is_closed_after_the_idle_limit() -> None:
    with _logs() as records, _emulator(idle=LIMIT) as (host, port), socket.create_connection((host, port)) as sock:
        opened = time.monotonic()
        received = _read_until_closed(sock, LIMIT + SLACK)
        waited = time.monotonic() - opened

    assert received == b""  # closed without a word, as uvicorn closes a kept-alive connection
    assert waited >= LIMIT * 0.9
    _no_error_logged(records)


def test_a_kept_alive_connection_is_closed_after_the_idle_limit() -> None:
    with _emulator(idle=LIMIT) as (host, port), socket.create_connection((host, port)) as sock:
        sock.sendall(_get(host))
        status, _ = _read_answer(sock)
        answered = time.monotonic()
        received = _read_until_closed(sock, LIMIT + SLACK)
        waited = time.monotonic() - answered

    assert status == 200
    assert received == b""
    assert waited >= LIMIT * 0.9


def test_two_hundred_idle_connections_are_all_closed() -> None:
    with _emulator(idle=LIMIT) as (host, port), ExitStack() as stack:
        sockets = [stack.enter_context(socket.create_connection((host, port))) for _ in range(200)]
        deadline = time.monotonic() + LIMIT + 2 * SLACK
        still_open = set(sockets)
        while still_open and time.monotonic() < deadline:
            readable, _, _ = select.select(list(still_open), [], [], 0.05)
            for sock in readable:
                try:
                    closed = sock.recv(1) == b""
                except ConnectionResetError:
                    closed = True
                if closed:
                    still_open.discard(sock)
        # And the server still serves.
        answer = httpx.get(f"http://{host}:{port}{GENERATIONS}", headers=bearer(), trust_env=False)

    assert len(still_open) == 0, f"{len(still_open)} of 200 idle connections still open"
    assert answer.status_code == 200


def test_a_kept_alive_connection_in_use_stays_open() -> None:
    # Three answers LIMIT*0.6 apart: longer than the idle limit in all, so the limit restarts with each answer.
    with _emulator(idle=LIMIT, head=LIMIT, body=LIMIT) as (host, port), socket.create_connection((host, port)) as sock:
        statuses = []
        for _ in range(3):
            sock.sendall(_get(host))
            statuses.append(_read_answer(sock)[0])
            time.sleep(LIMIT * 0.6)

    assert statuses == [200, 200, 200]


def test_a_normal_client_is_served_under_short_limits() -> None:
    with (
        _emulator(idle=LIMIT, head=LIMIT, body=LIMIT) as (host, port),
        httpx.Client(base_url=f"http://{host}:{port}", headers=bearer(), trust_env=False) as http,
    ):
        created = http.post(GENERATIONS, json={"prompt": "a cat " * 400})
        # A megabyte-sized body, in one go: far within the body limit over loopback (refused, but read whole).
        large = http.post(GENERATIONS, content=b'{"prompt": "' + b"x" * 1_000_000 + b'"}')
        listed = http.get(GENERATIONS)

    assert created.status_code == 200
    assert large.status_code == 400
    assert listed.status_code == 200


# -- trickled heads and bodies ------------------------------------------------------------------------------


def test_a_head_sent_a_byte_at_a_time_is_cut_after_the_head_limit() -> None:
    head = _get("127.0.0.1")
    with _logs() as records, _emulator(head=LIMIT) as (host, port), socket.create_connection((host, port)) as sock:
        started = time.monotonic()
        _trickle(sock, head)
        received = _read_until_closed(sock, SLACK)
        waited = time.monotonic() - started

    assert received.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"connection: close" in received
    assert received.endswith(b"the request head did not arrive within 0.5 s\n")
    assert LIMIT * 0.9 <= waited <= LIMIT + SLACK
    _no_error_logged(records)


def test_a_body_sent_a_byte_at_a_time_is_cut_after_the_body_limit() -> None:
    body = b'{"prompt": "' + b"a cat " * 20 + b'"}'
    with _logs() as records, _emulator(body=LIMIT) as (host, port), socket.create_connection((host, port)) as sock:
        token = bearer()["Authorization"]
        sock.sendall(
            f"POST {GENERATIONS} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        started = time.monotonic()
        _trickle(sock, body)
        received = _read_until_closed(sock, SLACK)
        waited = time.monotonic() - started

    assert received.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"connection: close" in received
    assert received.endswith(b"the request body did not arrive within 0.5 s\n")
    assert LIMIT * 0.9 <= waited <= LIMIT + SLACK
    _no_error_logged(records)
    # One DEBUG line of the emulator's, no traceback.
    timeouts = [record for record in records if "did not arrive" in record.getMessage()]
    assert [record.levelno for record in timeouts] == [logging.DEBUG]


def test_the_rest_of_a_body_answered_unread_cannot_keep_the_connection_open() -> None:
    # A wrong token is answered before the body is read; the body's remaining bytes then arrive one at a time.
    # They are no new request: the connection is idle from the answer on, and closed after the idle limit.
    body = b'{"prompt": "' + b"a cat " * 20 + b'"}'
    with _emulator(idle=LIMIT) as (host, port), socket.create_connection((host, port)) as sock:
        sock.sendall(
            f"POST {GENERATIONS} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer wrong\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        status, _ = _read_answer(sock)
        answered = time.monotonic()
        _trickle(sock, body)
        received = _read_until_closed(sock, SLACK)
        waited = time.monotonic() - answered

    assert status == 401
    assert received == b""
    assert LIMIT * 0.9 <= waited <= LIMIT + SLACK


# -- configuration ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -1.0, float("nan"), float("inf")])
@pytest.mark.parametrize("name", ["idle_timeout", "head_timeout", "body_timeout"])
def test_a_limit_must_be_a_positive_number_of_seconds(name: str, value: float) -> None:
    limit: dict[str, Any] = {name: value}
    with pytest.raises(ValueError, match=f"{name} must be a positive number of seconds"), run_emulator(**limit):
        pass


def test_the_default_limits_are_the_stated_ones() -> None:
    assert (DEFAULT_IDLE_TIMEOUT, DEFAULT_HEAD_TIMEOUT, DEFAULT_BODY_TIMEOUT) == (5.0, 10.0, 30.0)
    assert create_app().state.emulator.config.body_timeout == DEFAULT_BODY_TIMEOUT


def test_the_cli_passes_the_limits_on(monkeypatch: pytest.MonkeyPatch) -> None:
    served: dict[str, Any] = {}

    def fake_serve(app: Any, **kwargs: Any) -> None:
        served.update(kwargs, app=app)

    monkeypatch.setattr(cli, "serve", fake_serve)
    assert cli.main(["--idle-timeout", "1.5", "--head-timeout", "2.5", "--body-timeout", "3.5"]) == 0
    assert (served["idle_timeout"], served["head_timeout"]) == (1.5, 2.5)
    assert served["app"].state.emulator.config.body_timeout == 3.5

    assert cli.main([]) == 0
    assert (served["idle_timeout"], served["head_timeout"]) == (DEFAULT_IDLE_TIMEOUT, DEFAULT_HEAD_TIMEOUT)
    assert served["app"].state.emulator.config.body_timeout == DEFAULT_BODY_TIMEOUT
