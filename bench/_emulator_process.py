"""The emulator in a process of its own, on an accelerated clock: ``python -m bench._emulator_process``.

Prints its base URL on the first line, serves until stdin closes, then prints one JSON line: the answers it
gave (by route and status), the 429 codes, the tasks it holds, how many prompts it saw more than once (the
duplicates), and its peak RSS. A line ``stats`` on stdin prints the same line at once (and serving goes on).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter

from kling_emulator import create_app, run_emulator

from ._counting import CountingApp
from ._rss import peak_rss_kib
from ._setup import KEYS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slots", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--processing-after", type=float, default=1.0)
    parser.add_argument("--succeed-after", type=float, default=20.0)
    parser.add_argument("--max-tasks", type=int, default=None)
    args = parser.parse_args()
    start = time.time()
    scale = args.scale

    def clock() -> float:
        return float(start + (time.time() - start) * scale)

    app = create_app(
        keys=KEYS,
        slots=args.slots,
        processing_after=args.processing_after,
        succeed_after=args.succeed_after,
        max_tasks=args.max_tasks,
        clock=clock,
        tick_interval=None,
    )
    counting = CountingApp(app)

    def stats() -> str:
        tasks = app.state.emulator.tasks.page(1, 1_000_000, now=clock())
        prompts = Counter(task.spec.prompt for task in tasks)
        return json.dumps(
            {
                "answers": dict(counting.answers),
                "codes_429": {str(code): count for code, count in counting.codes.items()},
                "tasks": len(tasks),
                "duplicates": sum(count - 1 for count in prompts.values() if count > 1),
                "peak_rss_kib": peak_rss_kib(),
            }
        )

    with run_emulator(counting) as base_url:
        print(base_url, flush=True)
        for line in sys.stdin:
            if line.strip() == "stats":
                print(stats(), flush=True)
    print(stats(), flush=True)


if __name__ == "__main__":
    main()
