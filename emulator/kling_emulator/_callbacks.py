"""Delivering callbacks: a POST of the task to its ``callback_url``.

The payload is the task as its query answers it at that status, whatever the endpoint: the spec's callback of
each create says so (``ImageTaskCallback``, the legacy body, for image generation, multi-image to image and
outpainting; ``OmniImageTask``, ``MultiShotTask`` and ``ElementTask`` for the others, "the query's ``data``").

Safety first: the emulator only ever sends to loopback. A callback is delivered only when the
URL is http(s) and its host is literally ``localhost`` or a loopback IP address (127.0.0.0/8,
``::1``); any other host is skipped with a log line, without resolving its name. Proxies from
the environment are ignored and redirects are not followed, so nothing can bounce elsewhere.
Failures are logged and never affect the task. Logs name the task and the host only: never
the body, the headers or the rest of the URL.

Delivery: one task's callbacks go out one at a time, in order; different tasks' go out concurrently,
at most MAX_CONCURRENT_CALLBACKS at once. A slow receiver (up to CALLBACK_TIMEOUT) delays only the
callbacks of its own task.

Signing: with a webhook secret, each callback carries the Standard Webhooks headers the service sends
since 08/07/2026 (auth-and-general.md §5.4 [official: CB]): ``webhook-id`` (unique per delivery),
``webhook-timestamp`` (Unix seconds, the emulator's clock) and ``webhook-signature`` (``v1,<base64>``, an
HMAC-SHA256 of ``{id}.{timestamp}.{body}`` made by the ``standardwebhooks`` library over the exact bytes
sent). Without one, none of them: as the service does for an account without a secret. Whether the
service signs image (legacy) callbacks is not settled by its docs; the emulator does, when asked to.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

import anyio
import httpx
from standardwebhooks import Webhook

from ._constants import (
    CALLBACK_TIMEOUT,
    CALLBACK_USER_AGENT,
    LOGGER_NAME,
    MAX_CONCURRENT_CALLBACKS,
    WEBHOOK_ID_HEADER,
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
)
from ._errors import json_bytes
from ._tasks import Announcement

logger = logging.getLogger(LOGGER_NAME)


def loopback_host(url: str) -> str | None:
    """The URL's host when it may receive a callback (http(s), loopback literal); else None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if host.lower() == "localhost":
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        # A name other than localhost: never resolved, never contacted.
        return None
    return host if address.is_loopback else None


def _describe_host(url: str) -> str:
    try:
        return repr(urlsplit(url).hostname)
    except ValueError:
        return "(unparsable URL)"


class _NonClosingTransport(httpx.AsyncBaseTransport):
    """Lends an injected transport to a short-lived client without letting the client close it."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self._transport = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._transport.handle_async_request(request)


class Signer:
    """Signs callbacks with a webhook secret, the Standard Webhooks way. Its repr never shows the secret."""

    def __init__(self, secret: str, clock: Callable[[], float] = time.time) -> None:
        self._webhook = Webhook(secret)
        self._clock = clock

    def __repr__(self) -> str:
        return "Signer(secret=<hidden>)"

    def headers(self, body: bytes) -> dict[str, str]:
        """The three headers of a delivery of ``body`` (these exact bytes), with a fresh id."""
        # Digits, like the service's ids (its example: 8674665223082153551).
        message_id = str(10**18 + secrets.randbelow(9 * 10**18))
        # Whole seconds, as the header carries them: the signature is over the same number.
        timestamp = datetime.fromtimestamp(int(self._clock()), tz=UTC)
        return {
            WEBHOOK_ID_HEADER: message_id,
            WEBHOOK_TIMESTAMP_HEADER: str(int(timestamp.timestamp())),
            WEBHOOK_SIGNATURE_HEADER: self._webhook.sign(message_id, timestamp, body),
        }


class CallbackSender:
    """Sends announcements: each task's in order, one at a time; tasks concurrently, at most ``max_concurrent``.

    ``transport`` replaces the network (tests capture with it). ``signer`` signs each delivery (None: unsigned);
    it may be replaced at any time, and applies from the next delivery. Thread-safe: the queue of each task
    lives here, so a callback due while an earlier one of its task is still in flight (a slow receiver) waits
    for it, whichever event loop asked for it.
    """

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = CALLBACK_TIMEOUT,
        max_concurrent: int = MAX_CONCURRENT_CALLBACKS,
        signer: Signer | None = None,
    ) -> None:
        self.signer = signer
        self._transport = transport
        self._timeout = timeout
        self._max_concurrent = max_concurrent
        self._lock = threading.Lock()
        #: The callbacks not yet sent, per task; a task stays here while a worker sends its callbacks.
        self._queues: dict[str, deque[Announcement]] = {}
        #: Tasks with queued callbacks and no worker yet, oldest first.
        self._ready: deque[str] = deque()
        self._workers = 0

    async def send(self, announcements: Sequence[Announcement]) -> None:
        """Queue the announcements and send them; returns once the workers it started have nothing left.

        When every worker is busy (slow receivers), the announcements wait for the next free one.
        """
        with self._lock:
            for announcement in announcements:
                if loopback_host(announcement.url) is None:
                    logger.warning(
                        "callback for task %s (%s) skipped: host %s is not loopback",
                        announcement.task.task_id,
                        announcement.status.value,
                        _describe_host(announcement.url),
                    )
                    continue
                task_id = announcement.task.task_id
                queue = self._queues.get(task_id)
                if queue is None:
                    queue = self._queues[task_id] = deque()
                    self._ready.append(task_id)
                queue.append(announcement)
            started = min(self._max_concurrent - self._workers, len(self._ready))
            self._workers += max(0, started)
        if started <= 0:
            return
        began: list[None] = []
        try:
            # A client per batch: requests may come from different event loops (test clients, the
            # server's ticker), and a pooled connection must not outlive its loop.
            transport = _NonClosingTransport(self._transport) if self._transport is not None else None
            async with (
                httpx.AsyncClient(
                    transport=transport,
                    timeout=self._timeout,
                    trust_env=False,
                    follow_redirects=False,
                    headers={"User-Agent": CALLBACK_USER_AGENT},
                ) as client,
                anyio.create_task_group() as group,
            ):
                for _ in range(started):
                    group.start_soon(self._work, client, began)
        finally:
            # Workers cancelled before they began (the server stops) give their place back here.
            if len(began) < started:
                with self._lock:
                    self._workers -= started - len(began)

    async def _work(self, client: httpx.AsyncClient, began: list[None]) -> None:
        """Take a ready task, send its callbacks (and any queued meanwhile) in order; repeat until none is ready."""
        began.append(None)
        task_id: str | None = None
        while True:
            with self._lock:
                if task_id is None:
                    if not self._ready:
                        # Under the lock that saw nothing ready: a send() from now on starts a worker of its own.
                        self._workers -= 1
                        return
                    task_id = self._ready.popleft()
                queue = self._queues[task_id]
                if not queue:
                    del self._queues[task_id]
                    task_id = None
                    continue
                announcement = queue.popleft()
            try:
                await self._deliver(client, announcement)
            except BaseException:
                # Cancelled (the server stops): the task's other callbacks go to the next worker.
                with self._lock:
                    self._workers -= 1
                    if self._queues.get(task_id):
                        self._ready.appendleft(task_id)
                    else:
                        self._queues.pop(task_id, None)
                raise

    async def _deliver(self, client: httpx.AsyncClient, announcement: Announcement) -> None:
        task_id, status = announcement.task.task_id, announcement.status.value
        body = json_bytes(announcement.payload())
        headers = {"Content-Type": "application/json"}
        signer = self.signer
        if signer is not None:
            headers.update(signer.headers(body))
        try:
            response = await client.post(announcement.url, content=body, headers=headers)
        except Exception as error:  # a failed callback must never break the task
            logger.warning("callback for task %s (%s) failed: %s", task_id, status, type(error).__name__)
            return
        if response.is_success:
            logger.debug("callback for task %s (%s) delivered", task_id, status)
        else:
            logger.warning("callback for task %s (%s) answered HTTP %s", task_id, status, response.status_code)
