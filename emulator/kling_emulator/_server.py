"""Serving the emulator with uvicorn: in the foreground (the CLI) or in a background thread (tests)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from ._app import create_app
from ._constants import DEFAULT_HEAD_TIMEOUT, DEFAULT_IDLE_TIMEOUT, LOGGER_NAME
from ._errors import ConnectionDropped
from ._timeouts import slow_client_protocol

#: How long run_emulator waits for the server to start, and to stop.
STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0


class _QuietDrops(logging.Filter):
    """Turns uvicorn's traceback for an injected ``drop`` into one line: it is not a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], ConnectionDropped):
            record.msg, record.args = "connection dropped by fault injection", ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def _quiet_drops() -> None:
    error_logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(existing, _QuietDrops) for existing in error_logger.filters):
        error_logger.addFilter(_QuietDrops())


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY on accepted sockets only when their proto
    # says TCP. Without it, every answer on a kept-alive connection waited ~40 ms (Nagle vs delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextmanager
def run_emulator(
    app: ASGIApp | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    head_timeout: float = DEFAULT_HEAD_TIMEOUT,
    **options: Any,
) -> Iterator[str]:
    """Serve the emulator in a background thread; yields its base URL, e.g. ``http://127.0.0.1:54321``.

    ``app`` defaults to ``create_app(**options)``. ``port=0`` picks a free port. The socket is
    bound before the thread starts, so the URL is valid as soon as it is yielded; the server
    stops (and the thread ends) when the block exits.

    Slow clients: a connection that sends no byte of a request for ``idle_timeout`` seconds (from its
    opening, or from the end of an answer) is closed; a request head not complete ``head_timeout`` seconds
    after its first byte answers 408 and is closed. The body's limit is the app's (``body_timeout``).

        with run_emulator(processing_after=0.1, succeed_after=0.3) as base_url:
            ...
    """
    protocol = slow_client_protocol(idle_timeout=idle_timeout, head_timeout=head_timeout)
    if app is None:
        app = create_app(**options)
    elif options:
        raise TypeError("pass either an app or options for create_app, not both")
    sock = _bind(host, port)
    _quiet_drops()
    config = uvicorn.Config(
        app, http=protocol, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="kling-emulator", daemon=True)
    thread.start()
    try:
        # uvicorn has no "started" callback: poll its flag, and notice if the thread died.
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the emulator server failed to start")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the emulator server did not start within {STARTUP_TIMEOUT} s")
            time.sleep(0.01)
        yield _base_url(sock)
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT)
        sock.close()


def serve(
    app: ASGIApp,
    *,
    host: str,
    port: int,
    log_level: str = "info",
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    head_timeout: float = DEFAULT_HEAD_TIMEOUT,
) -> None:
    """Serve ``app`` in the foreground until interrupted (Ctrl-C); the limits are :func:`run_emulator`'s."""
    protocol = slow_client_protocol(idle_timeout=idle_timeout, head_timeout=head_timeout)
    _quiet_drops()
    # The emulator's own lines (tasks created, callbacks skipped or failed) beside uvicorn's.
    emulator_logger = logging.getLogger(LOGGER_NAME)
    if not emulator_logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        emulator_logger.addHandler(handler)
    emulator_logger.setLevel(log_level.upper())
    uvicorn.run(app, host=host, port=port, http=protocol, log_level=log_level, lifespan="on")
