"""Slow clients: the deadlines that close idle and trickling connections, which uvicorn alone leaves open.

uvicorn (0.55) starts its keep-alive timer only once an answer is out, and every byte received cancels it: a
connection that never sends a byte, or sends its head (or the rest of a body the app answered without
reading) a byte every few seconds, stays open for good. :class:`SlowClientProtocol`, uvicorn's h11 protocol
with its own timers, closes them:

- idle: from the connection opening, or from the end of an answer, until the first byte of the next request
  (the rest of an unread body does not count): ``idle_timeout``, then closed without a word, as uvicorn
  closes a kept-alive connection;
- head: from the first byte of a request until its head (request line and headers) is complete:
  ``head_timeout``, then a 408 and closed.

The third deadline, for the body, is the app's (``body_timeout``, in ``read_body``): it starts when the
emulator first reads the body, after any injected latency, and works under any ASGI server.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from typing import Any, ClassVar

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from ._config import check_seconds
from ._constants import DEFAULT_HEAD_TIMEOUT, DEFAULT_IDLE_TIMEOUT, LOGGER_NAME
from ._http import timeout_message

logger = logging.getLogger(LOGGER_NAME)


class _Wait(enum.Enum):
    """What a connection is waiting for, with a deadline."""

    IDLE = "the first byte of a request"
    HEAD = "the rest of a request head"


class SlowClientProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection idle for ``idle_timeout`` seconds and one whose request
    head is not complete ``head_timeout`` seconds after its first byte (see the module's docstring).

    Use :func:`slow_client_protocol` for a class with other limits.
    """

    idle_timeout: ClassVar[float] = DEFAULT_IDLE_TIMEOUT
    head_timeout: ClassVar[float] = DEFAULT_HEAD_TIMEOUT

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._waiting: _Wait | None = None
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait(_Wait.IDLE)

    def connection_lost(self, exc: Exception | None) -> None:
        self._wait(None)
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Ours replaces uvicorn's keep-alive timer, which any byte would cancel.
        self._unset_keepalive_if_required()
        if not self.transport.is_closing() and self._between_requests():
            self._wait(_Wait.IDLE)
        self._follow()

    def _between_requests(self) -> bool:
        """No request is being read or answered: the next one has not started (or only its first bytes have),
        or the app answered before reading the whole body, whose rest is still coming."""
        their, our = self.conn.their_state, self.conn.our_state
        return their is h11.IDLE or (their is h11.SEND_BODY and our is h11.DONE)

    def _follow(self) -> None:
        """Move to the deadline the connection's state calls for, after what was just received or sent."""
        if self._waiting is None:
            return
        if not self._between_requests() or self.transport.is_closing():
            # A request head is complete: its body and answer are the app's business.
            self._wait(None)
        elif self._waiting is _Wait.IDLE and self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:
            # The first bytes of a request: its head has head_timeout from now. Never back to IDLE before it
            # is complete, so no pattern of bytes restarts a deadline.
            self._wait(_Wait.HEAD)

    def _wait(self, waiting: _Wait | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._waiting = waiting
        if waiting is not None:
            limit = self.idle_timeout if waiting is _Wait.IDLE else self.head_timeout
            self._deadline = self.loop.call_later(limit, self._expired)

    def _expired(self) -> None:
        waiting, self._waiting, self._deadline = self._waiting, None, None
        if waiting is None or self.transport.is_closing():
            return
        if waiting is _Wait.HEAD:
            logger.debug("closed a connection: its request head was not complete within %s s", self.head_timeout)
            body = timeout_message("head", self.head_timeout).encode("ascii")
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
            )
        # Between requests h11 always takes it (as uvicorn's keep-alive timeout sends it); never a traceback.
        with contextlib.suppress(h11.LocalProtocolError):
            self.conn.send(h11.ConnectionClosed())
        self.transport.close()


def slow_client_protocol(
    *, idle_timeout: float = DEFAULT_IDLE_TIMEOUT, head_timeout: float = DEFAULT_HEAD_TIMEOUT
) -> type[SlowClientProtocol]:
    """A :class:`SlowClientProtocol` with these limits, for ``uvicorn.Config(http=...)``."""
    check_seconds("idle_timeout", idle_timeout)
    check_seconds("head_timeout", head_timeout)

    class Limited(SlowClientProtocol):
        pass

    Limited.idle_timeout, Limited.head_timeout = float(idle_timeout), float(head_timeout)
    return Limited
