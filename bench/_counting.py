"""An ASGI wrapper that counts the emulator's answers by operation and status (what the server really saw)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class CountingApp:
    """Counts (method, route, status) of every answer, and the 429 answers by API code."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.answers: Counter[str] = Counter()
        self.codes: Counter[int] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = "create" if scope["method"] == "POST" else "query"
        status: list[int] = []

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
                self.answers[f"{route} {message['status']}"] += 1
            elif message["type"] == "http.response.body" and status and status[0] == 429:
                self.codes[_code(message.get("body", b""))] += 1
            await send(message)

        await self.app(scope, receive, counting_send)

    def __getattr__(self, name: str) -> Any:
        # run_emulator and tests reach app.state through the wrapper.
        return getattr(self.app, name)


def _code(body: bytes) -> int:
    try:
        code = json.loads(body).get("code")
    except (ValueError, AttributeError):
        return -1
    return code if isinstance(code, int) else -1
