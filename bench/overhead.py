"""SDK overhead: ``client.images.get(id)`` against a bare ``httpx.Client.get`` + ``json.loads`` of the same URL
with a fixed Authorization header, on the loopback emulator and on an in-memory transport; where the time goes
on the in-memory path (layer by layer, and a cProfile of the SDK call)."""

from __future__ import annotations

import cProfile
import json
import pstats
from collections import defaultdict
from dataclasses import dataclass

import httpx
from kling_api.api.images import get_image_task
from kling_auth import KlingAuth, authenticated_client

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
from ._stats import Comparison, compare


@dataclass(frozen=True)
class Layer:
    name: str
    comparison: Comparison


@dataclass(frozen=True)
class ProfileLine:
    where: str
    calls_per_get: float
    own_us: float
    cumulative_us: float


@dataclass(frozen=True)
class OverheadResult:
    loopback: Comparison
    memory: Comparison
    #: In memory, each layer against the bare call: auth, generated client, SDK.
    layers: list[Layer]
    #: Share of the SDK call's own time per package (cProfile tottime), largest first.
    by_package: list[tuple[str, float]]
    top: list[ProfileLine]
    profiled_calls: int


def _raw_get(client: httpx.Client, path: str, headers: dict[str, str]) -> object:
    return json.loads(client.get(path, headers=headers).content)


def loopback(rounds: int, calls: int) -> Comparison:
    with loopback_emulator() as base_url, sdk_client(base_url) as sdk, httpx.Client(base_url=base_url) as raw:
        task_id = sdk.images.create("benchmark: a red fox in snow").task_id
        path = f"{GENERATIONS}/{task_id}"
        headers = fixed_header()
        return compare(
            lambda: _raw_get(raw, path, headers), lambda: sdk.images.get(task_id), rounds=rounds, calls=calls
        )


def _package(filename: str) -> str:
    for marker, name in (
        ("/kling_api/", "kling_api (generated: parsing into models)"),
        ("/kling_auth/", "kling_auth (token, auth flow)"),
        ("/sdk/kling/", "kling (SDK: retries, answer checks, logging)"),
        ("/httpx/", "httpx"),
        ("/httpcore/", "httpcore"),
        ("/attr/", "attrs"),
        ("/json/", "json"),
        ("/logging/", "logging"),
    ):
        if marker in filename:
            return name
    if filename == "~":
        return "builtins (C)"
    return "other Python"


def _profile(calls: int) -> tuple[list[tuple[str, float]], list[ProfileLine]]:
    task_id = example_task_id()
    with sdk_client(MEMORY_BASE_URL, memory_transport(example_body("succeed"))) as sdk:
        for _ in range(50):
            sdk.images.get(task_id)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            sdk.images.get(task_id)
        profiler.disable()
    stats = pstats.Stats(profiler)
    raw_stats: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = stats.stats  # type: ignore[attr-defined]
    total = sum(own for _, _, own, _, _ in raw_stats.values())
    packages: defaultdict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in raw_stats.items():
        packages[_package(filename)] += own
    by_package = sorted(((name, own / total) for name, own in packages.items()), key=lambda item: -item[1])
    lines = []
    for (filename, line, function), (_, ncalls, own, cumulative, _) in sorted(
        raw_stats.items(), key=lambda item: -item[1][2]
    )[:15]:
        short = filename.split("site-packages/")[-1].split("/work/main/")[-1]
        where = function if filename == "~" else f"{short}:{line} {function}"
        lines.append(ProfileLine(where, ncalls / calls, own / calls * 1e6, cumulative / calls * 1e6))
    return by_package, lines


def in_memory(
    rounds: int, calls: int, profiled_calls: int
) -> tuple[Comparison, list[Layer], list[tuple[str, float]], list[ProfileLine]]:
    body = example_body("succeed")
    task_id = example_task_id()
    path = f"{GENERATIONS}/{task_id}"
    headers = fixed_header()
    with (
        httpx.Client(base_url=MEMORY_BASE_URL, transport=memory_transport(body)) as raw,
        httpx.Client(
            base_url=MEMORY_BASE_URL, transport=memory_transport(body), auth=KlingAuth(ACCESS_KEY, SECRET_KEY)
        ) as with_auth,
        sdk_client(MEMORY_BASE_URL, memory_transport(body)) as sdk,
    ):
        generated = authenticated_client(
            base_url=MEMORY_BASE_URL,
            auth=KlingAuth(ACCESS_KEY, SECRET_KEY),
            raise_on_unexpected_status=True,
            httpx_args={"transport": memory_transport(body)},
        )

        def bare() -> object:
            return _raw_get(raw, path, headers)

        sdk_vs_bare = compare(bare, lambda: sdk.images.get(task_id), rounds=rounds, calls=calls)
        layers = [
            Layer(
                "+ KlingAuth (httpx auth flow, cached JWT), still json.loads",
                compare(bare, lambda: json.loads(with_auth.get(path).content), rounds=rounds, calls=calls),
            ),
            Layer(
                "+ generated client (parses into attrs models, strict checks)",
                compare(
                    bare,
                    lambda: get_image_task.sync_detailed(task_id, client=generated).parsed,
                    rounds=rounds,
                    calls=calls,
                ),
            ),
            Layer("+ SDK (`client.images.get`: retries, answer checks, logging)", sdk_vs_bare),
        ]
        generated.get_httpx_client().close()
    by_package, top = _profile(profiled_calls)
    return sdk_vs_bare, layers, by_package, top


def run(
    *, rounds: int = 31, loopback_calls: int = 100, memory_calls: int = 300, profiled_calls: int = 2000
) -> OverheadResult:
    looped = loopback(rounds, loopback_calls)
    memory, layers, by_package, top = in_memory(15, memory_calls, profiled_calls)
    return OverheadResult(looped, memory, layers, by_package, top, profiled_calls)
