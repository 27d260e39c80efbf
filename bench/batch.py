"""Batch: tasks through ``generate_many`` with a 5-slot quota, against the slot-limited ideal (total work /
slots), on an accelerated timeline. The emulator and the SDK run in processes of their own, so that each
process's peak RSS is its own: that is also where the SDK's memory during the batch is measured."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._stats import Spread

ROOT = Path(__file__).resolve().parent.parent
SLOTS = 5
#: Emulated seconds each task runs (the real service takes tens of seconds), and the clock's speed-up.
TASK_SECONDS = 20.0
SCALE = 25.0


@dataclass(frozen=True)
class BatchRun:
    sdk: dict[str, Any]
    server: dict[str, Any]

    @property
    def ideal_seconds(self) -> float:
        return float(self.server["tasks_requested"]) * TASK_SECONDS / SLOTS


@dataclass(frozen=True)
class BatchResult:
    tasks: int
    runs: list[BatchRun]
    ratio: Spread

    def total(self, side: str, key: str) -> int:
        return sum(int(getattr(run, side)[key]) for run in self.runs)


def _python(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def run_once(count: int, *, scale: float = SCALE, task_seconds: float = TASK_SECONDS) -> BatchRun:
    """One batch of ``count`` tasks against a fresh emulator process."""
    emulator = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        _python(
            "bench._emulator_process",
            f"--slots={SLOTS}",
            f"--scale={scale}",
            f"--processing-after={task_seconds / 4}",
            f"--succeed-after={task_seconds}",
            f"--max-tasks={max(1000, count)}",
        ),
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert emulator.stdin is not None
    assert emulator.stdout is not None
    try:
        base_url = emulator.stdout.readline().strip()
        if not base_url.startswith("http://"):
            raise RuntimeError(f"the emulator process did not start: {base_url!r}")
        sdk_side = subprocess.run(  # noqa: S603 - our own interpreter and module
            _python("bench._batch_process", base_url, str(count), f"--concurrency={SLOTS}", f"--scale={scale}"),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        emulator.stdin.close()
        server = json.loads(emulator.stdout.readline())
    finally:
        if not emulator.stdin.closed:
            emulator.stdin.close()
        emulator.wait(timeout=30)
    server["tasks_requested"] = count
    return BatchRun(json.loads(sdk_side.stdout.splitlines()[-1]), server)


def run(*, tasks: int = 100, repeats: int = 3) -> BatchResult:
    runs = [run_once(tasks) for _ in range(repeats)]
    ratio = Spread.of([run.sdk["emulated_seconds"] / run.ideal_seconds for run in runs])
    return BatchResult(tasks, runs, ratio)


def sdk_baseline_rss_kib() -> int:
    """Peak RSS of a process that only imports the SDK (what the batch adds is measured against it)."""
    out = subprocess.run(  # noqa: S603 - our own interpreter and module
        _python("bench._batch_process", "http://127.0.0.1:9", "0"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return int(json.loads(out.splitlines()[-1])["peak_rss_kib"])
