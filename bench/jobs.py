"""Large jobs: ``kling images batch`` over 200 prompts with 10 slots, against the emulator in a process of its own
(tasks of 3 s, real time, the emulator's default timeline), wall time against the slot-limited ideal (items x task
seconds / slots). Then the same command again, once every item is done (what a resumed run spends on finished
items, and the requests it sends), and the SDK's ``generate_many(job=)`` over the same finished job (one query per
item, no create). The CLI runs as a user runs it: ``python -m kling.cli`` in a process of its own, downloads and
manifest included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ._setup import ACCESS_KEY, SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
ITEMS = 200
SLOTS = 10
#: Seconds from a task's creation until it turns processing, and until it ends (the emulator's defaults).
PROCESSING_AFTER = 1.0
TASK_SECONDS = 3.0
JOB = "bench-job"


@dataclass(frozen=True)
class JobResult:
    items: int
    #: The first run: the command's wall time (interpreter start to exit) and what the server saw.
    wall_seconds: float
    first: dict[str, int]
    summary: dict[str, Any]
    files: int
    manifest_done: int
    #: The same command again, every item done: wall time, and the requests the server saw meanwhile.
    resume_cli_seconds: float
    resume_cli: dict[str, int]
    #: generate_many(job=) over the finished job: the call's time, its results, the requests.
    resume_sdk_seconds: float
    resume_sdk_ok: int
    resume_sdk: dict[str, int]
    tasks: int
    duplicates: int

    @property
    def ideal_seconds(self) -> float:
        return self.items * TASK_SECONDS / SLOTS

    @property
    def ratio(self) -> float:
        return self.wall_seconds / self.ideal_seconds


def _requests(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """Creates and queries the server answered between two of its stats lines, by status."""
    delta = Counter(after["answers"])
    delta.subtract(before["answers"])
    return {key: count for key, count in sorted(delta.items()) if count}


def _count(requests: dict[str, int], route: str) -> int:
    return sum(count for key, count in requests.items() if key.startswith(route))


class _Emulator:
    def __init__(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "bench._emulator_process",
                f"--slots={SLOTS}",
                f"--processing-after={PROCESSING_AFTER}",
                f"--succeed-after={TASK_SECONDS}",
                f"--max-tasks={max(1000, ITEMS)}",
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.base_url = self._out.readline().strip()
        if not self.base_url.startswith("http://"):
            raise RuntimeError(f"the emulator process did not start: {self.base_url!r}")

    @property
    def _out(self) -> IO[str]:
        assert self.process.stdout is not None
        return self.process.stdout

    def stats(self) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        stats: dict[str, Any] = json.loads(self._out.readline())
        return stats

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def _kling_batch(base_url: str, job_file: Path, out: Path) -> tuple[float, dict[str, Any]]:
    """``kling --json images batch``: its wall time and its summary document."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("KLING_")}
    environment.update(KLING_ACCESS_KEY=ACCESS_KEY, KLING_SECRET_KEY=SECRET_KEY)
    command = [sys.executable, "-m", "kling.cli", "--json", "--base-url", base_url, "images", "batch", str(job_file)]
    command += ["--job", JOB, "--out", str(out), "--concurrency", str(SLOTS)]
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"kling images batch exited {done.returncode}: {done.stderr[-2000:]}")
    summary: dict[str, Any] = json.loads(done.stdout)
    return seconds, summary


def _manifest_done(out: Path) -> int:
    last: dict[int, str] = {}
    for line in (out / f"{JOB}.manifest.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        last[record["item"]] = record["status"]
    return sum(1 for status in last.values() if status == "succeed")


def run() -> JobResult:
    with tempfile.TemporaryDirectory(prefix="kling-bench-job-") as folder:
        job_file, out = Path(folder) / "prompts.txt", Path(folder) / "out"
        prompts = [f"benchmark job item {number}: a lighthouse at dusk" for number in range(ITEMS)]
        job_file.write_text("".join(f"{prompt}\n" for prompt in prompts), encoding="utf-8")
        emulator = _Emulator()
        try:
            start = emulator.stats()
            wall, summary = _kling_batch(emulator.base_url, job_file, out)
            after_first = emulator.stats()
            files = sum(1 for path in out.iterdir() if path.suffix == ".png")
            manifest_done = _manifest_done(out)
            resume_wall, _ = _kling_batch(emulator.base_url, job_file, out)
            after_resume = emulator.stats()
            sdk = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "bench._job_process", emulator.base_url, str(job_file), JOB],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
                check=True,
            )
            sdk_side = json.loads(sdk.stdout.splitlines()[-1])
            after_sdk = emulator.stats()
        finally:
            emulator.close()
    return JobResult(
        items=ITEMS,
        wall_seconds=wall,
        first=_requests(start, after_first),
        summary=summary,
        files=files,
        manifest_done=manifest_done,
        resume_cli_seconds=resume_wall,
        resume_cli=_requests(after_first, after_resume),
        resume_sdk_seconds=float(sdk_side["seconds"]),
        resume_sdk_ok=int(sdk_side["ok"]),
        resume_sdk=_requests(after_resume, after_sdk),
        tasks=int(after_sdk["tasks"]),
        duplicates=int(after_sdk["duplicates"]),
    )


def creates(requests: dict[str, int]) -> int:
    return _count(requests, "create")


def queries(requests: dict[str, int]) -> int:
    return _count(requests, "query")


if __name__ == "__main__":
    print(run())
