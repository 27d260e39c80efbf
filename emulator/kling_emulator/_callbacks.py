"""Delivering callbacks: a POST of the task (``ImageTaskCallback``) to its ``callback_url``.

Safety first: the emulator only ever sends to loopback. A callback is delivered only when the
URL is http(s) and its host is literally ``localhost`` or a loopback IP address (127.0.0.0/8,
``::1``); any other host is skipped with a log line, without resolving its name. Proxies from
the environment are ignored and redirects are not followed, so nothing can bounce elsewhere.
Failures are logged and never affect the task. Logs name the task and the host only: never
the body, the headers or the rest of the URL.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

import httpx

from ._constants import CALLBACK_TIMEOUT, CALLBACK_USER_AGENT, LOGGER_NAME
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


class CallbackSender:
    """Sends announcements in order; ``transport`` replaces the network (tests capture with it)."""

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None, timeout: float = CALLBACK_TIMEOUT) -> None:
        self._transport = transport
        self._timeout = timeout

    async def send(self, announcements: Sequence[Announcement]) -> None:
        deliverable: list[Announcement] = []
        for announcement in announcements:
            if loopback_host(announcement.url) is None:
                logger.warning(
                    "callback for task %s (%s) skipped: host %s is not loopback",
                    announcement.task.task_id,
                    announcement.status.value,
                    _describe_host(announcement.url),
                )
            else:
                deliverable.append(announcement)
        if not deliverable:
            return
        # A client per batch: requests may come from different event loops (test clients, the
        # server's ticker), and a pooled connection must not outlive its loop.
        transport = _NonClosingTransport(self._transport) if self._transport is not None else None
        async with httpx.AsyncClient(
            transport=transport,
            timeout=self._timeout,
            trust_env=False,
            follow_redirects=False,
            headers={"User-Agent": CALLBACK_USER_AGENT},
        ) as client:
            for announcement in deliverable:
                await self._deliver(client, announcement)

    async def _deliver(self, client: httpx.AsyncClient, announcement: Announcement) -> None:
        task_id, status = announcement.task.task_id, announcement.status.value
        try:
            response = await client.post(
                announcement.url,
                content=json_bytes(announcement.payload()),
                headers={"Content-Type": "application/json"},
            )
        except Exception as error:  # a failed callback must never break the task
            logger.warning("callback for task %s (%s) failed: %s", task_id, status, type(error).__name__)
            return
        if response.is_success:
            logger.debug("callback for task %s (%s) delivered", task_id, status)
        else:
            logger.warning("callback for task %s (%s) answered HTTP %s", task_id, status, response.status_code)
