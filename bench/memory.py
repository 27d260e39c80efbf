"""Memory: the SDK's peak RSS during batches of two sizes, and the emulator's after two counts of finished
tasks; each in a fresh process, so a figure that grows with the count shows a leak."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

from .batch import ROOT, run_once, sdk_baseline_rss_kib

#: Batch sizes for the SDK (fast clock, short tasks: memory does not depend on the timing).
SDK_COUNTS = (100, 500)
EMULATOR_COUNTS = (1_000, 10_000)


@dataclass(frozen=True)
class MemoryResult:
    sdk_import_only_kib: int
    #: count -> peak RSS (KiB) of the SDK process during a batch of that many tasks.
    sdk_batch_kib: dict[int, int]
    #: count -> (peak RSS KiB, tasks still held) of the emulator after that many finished tasks.
    emulator_kib: dict[int, tuple[int, int]]

    @staticmethod
    def growth(first: int, second: int) -> float:
        return second / first


def _emulator(count: int) -> tuple[int, int]:
    out = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench._emulator_memory", str(count)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    report = json.loads(out.splitlines()[-1])
    if report["finished"] != count:
        raise RuntimeError(f"only {report['finished']} of {count} emulator tasks finished")
    return int(report["peak_rss_kib"]), int(report["held"])


def run() -> MemoryResult:
    sdk = {}
    for count in SDK_COUNTS:
        batch = run_once(count, scale=100.0, task_seconds=5.0)
        if batch.sdk["ok"] != count:
            raise RuntimeError(f"the memory batch of {count} had failures: {batch.sdk['errors']}")
        sdk[count] = int(batch.sdk["peak_rss_kib"])
    return MemoryResult(sdk_baseline_rss_kib(), sdk, {count: _emulator(count) for count in EMULATOR_COUNTS})
