"""Auth: a request signed by KlingAuth (cached JWT) against the same request with a fixed header; signing cost."""

from __future__ import annotations

import json
import timeit
from collections.abc import Generator
from dataclasses import dataclass

import httpx
from kling_auth import KlingAuth, sign_token

from ._setup import (
    ACCESS_KEY,
    GENERATIONS,
    MEMORY_BASE_URL,
    SECRET_KEY,
    example_body,
    example_task_id,
    fixed_header,
    loopback_emulator,
    memory_transport,
    sdk_client,
)
from ._stats import Comparison, Spread, compare


@dataclass(frozen=True)
class AuthResult:
    loopback: Comparison
    memory: Comparison
    #: Seconds to sign one token, and to hand out the cached one (per repeat).
    #: An httpx.Auth that only sets a constant header, against the fixed header (in memory): httpx's own cost.
    constant_auth: Comparison
    sign: Spread
    cached: Spread


class _ConstantAuth(httpx.Auth):
    def __init__(self, header: str) -> None:
        self._header = header

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


def _pair(
    base_url: str, path: str, transport: httpx.BaseTransport | None, rounds: int, calls: int, auth: httpx.Auth
) -> Comparison:
    with (
        httpx.Client(base_url=base_url, transport=transport, headers=fixed_header()) as fixed,
        httpx.Client(base_url=base_url, transport=transport, auth=auth) as signed,
    ):
        return compare(
            lambda: json.loads(fixed.get(path).content),
            lambda: json.loads(signed.get(path).content),
            rounds=rounds,
            calls=calls,
        )


def run(*, rounds: int = 31, loopback_calls: int = 100, memory_calls: int = 300) -> AuthResult:
    with loopback_emulator() as base_url:
        with sdk_client(base_url) as sdk:
            task_id = sdk.images.create("benchmark: auth").task_id
        loopback = _pair(
            base_url, f"{GENERATIONS}/{task_id}", None, rounds, loopback_calls, KlingAuth(ACCESS_KEY, SECRET_KEY)
        )
    memory_path = f"{GENERATIONS}/{example_task_id()}"
    transport = memory_transport(example_body("succeed"))
    memory = _pair(MEMORY_BASE_URL, memory_path, transport, rounds, memory_calls, KlingAuth(ACCESS_KEY, SECRET_KEY))
    constant = _ConstantAuth(fixed_header()["Authorization"])
    constant_auth = _pair(MEMORY_BASE_URL, memory_path, transport, rounds, memory_calls, constant)
    auth = KlingAuth(ACCESS_KEY, SECRET_KEY)
    sign_times = [t / 500 for t in timeit.repeat(lambda: sign_token(ACCESS_KEY, SECRET_KEY), number=500, repeat=9)]
    cached_times = [t / 5000 for t in timeit.repeat(auth.token, number=5000, repeat=9)]
    return AuthResult(loopback, memory, constant_auth, Spread.of(sign_times), Spread.of(cached_times))
