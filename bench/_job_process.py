"""The SDK side of the job benchmark's resume, in a process of its own:
``python -m bench._job_process URL FILE JOB --concurrency N``.

Runs ``generate_many(prompts, job=JOB)`` over the prompts of FILE (one a line, as ``kling images batch`` reads a
text file) against a job that has already run, and prints one JSON line: the seconds the call took, its results
and how many succeeded (each is found by its external_task_id and taken as it is: no create, no wait).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from kling import Kling

from ._setup import ACCESS_KEY, SECRET_KEY


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("file", type=Path)
    parser.add_argument("job")
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    prompts = [line.strip() for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    with Kling(ACCESS_KEY, SECRET_KEY, base_url=args.base_url) as client:
        started = time.monotonic()
        results = client.images.generate_many(prompts, job=args.job, concurrency=args.concurrency)
        seconds = time.monotonic() - started
    print(json.dumps({"seconds": seconds, "results": len(results), "ok": sum(1 for r in results if r.ok)}), flush=True)


if __name__ == "__main__":
    main()
