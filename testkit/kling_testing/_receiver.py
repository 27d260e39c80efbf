"""A loopback HTTP receiver for the emulator's callbacks: the ``kling_callback_receiver`` fixture.

Standard library only (``http.server`` in a thread): the emulator POSTs to loopback hosts only, so a test gets a
``callback_url`` here and reads back exactly what arrived, raw body and headers, to check the code that handles
callbacks (``kling.parse_callback(body, headers=..., secret=...)``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

#: A callback body larger than this is answered 413 and not kept (the emulator's are a few KB).
MAX_CALLBACK_BYTES: Final = 1024 * 1024
#: What ``wait_for`` waits at most by default, in seconds.
DEFAULT_WAIT: Final = 5.0


@dataclass(frozen=True)
class ReceivedCallback:
    """One POST as it arrived: the path, the headers (names in lower case) and the raw body."""

    path: str
    headers: dict[str, str]
    body: bytes = field(repr=False)

    def json(self) -> Any:
        """The body parsed as JSON (for a quick look; parse it with ``kling.parse_callback`` in real code)."""
        return json.loads(self.body)

    @property
    def signed(self) -> bool:
        """Whether it carries the Standard Webhooks signature headers."""
        return all(name in self.headers for name in ("webhook-id", "webhook-timestamp", "webhook-signature"))


class CallbackReceiver:
    """Where the emulator's callbacks land in a test: give ``url`` as a task's ``callback_url``, then read
    ``callbacks`` (or ``wait_for`` them: they are sent in the background, once the create has answered).

    Every POST is answered with ``status`` (200 by default; set it to see how your code copes with a failing
    receiver, the emulator only logs it).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.status = 200
        self._received: list[ReceivedCallback] = []
        self._arrived = threading.Condition()

    def __repr__(self) -> str:
        return f"CallbackReceiver(url={self.url!r}, received={len(self._received)})"

    @property
    def callbacks(self) -> list[ReceivedCallback]:
        """Every callback received so far, in the order they arrived."""
        with self._arrived:
            return list(self._received)

    def wait_for(self, count: int = 1, *, timeout: float = DEFAULT_WAIT) -> list[ReceivedCallback]:
        """The first ``count`` callbacks, once that many arrived; AssertionError if they do not within ``timeout``
        seconds. A task that ends at once sends three: ``submitted``, ``processing``, then ``succeed``/``failed``.
        """
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self._received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(self._received)} callback(s) arrived at {self.url} within {timeout} s, expected {count}"
                    )
                self._arrived.wait(left)
            return self._received[:count]

    def _record(self, callback: ReceivedCallback) -> None:
        with self._arrived:
            self._received.append(callback)
            self._arrived.notify_all()


@contextmanager
def serve_receiver() -> Iterator[CallbackReceiver]:
    """A CallbackReceiver on a free port of 127.0.0.1, for the duration of the block."""
    receiver: CallbackReceiver | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            assert receiver is not None
            length = self.headers.get("Content-Length", "")
            if not (length.isascii() and length.isdigit()) or int(length) > MAX_CALLBACK_BYTES:
                self.send_response(413)
                self.end_headers()
                return
            body = self.rfile.read(int(length))
            headers = {name.lower(): value for name, value in self.headers.items()}
            receiver._record(ReceivedCallback(self.path, headers, body))
            self.send_response(receiver.status)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            # Quiet: a test's output is not the place for an access log.
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = CallbackReceiver(f"http://127.0.0.1:{server.server_port}/kling/callback")
    thread = threading.Thread(target=server.serve_forever, name="kling-callback-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
