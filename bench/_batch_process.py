"""The SDK side of the batch benchmark, in a process of its own: ``python -m bench._batch_process URL COUNT``.

Runs ``generate_many`` over COUNT distinct prompts on a clock ``--scale`` times faster than real time (the
emulator's is too), then prints one JSON line: emulated seconds taken, results, errors by type, 1303 errors
surfaced to the caller, and the process's peak RSS. COUNT 0 only imports the SDK (the RSS baseline).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter

from kling import Kling, RateLimitError
from kling._retry import Timing

from ._rss import peak_rss_kib
from ._setup import ACCESS_KEY, SECRET_KEY


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("count", type=int)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    if args.count == 0:
        print(json.dumps({"peak_rss_kib": peak_rss_kib()}), flush=True)
        return
    scale = args.scale

    async def scaled_async_sleep(seconds: float) -> None:  # pragma: no cover - the sync client never calls it
        await asyncio.sleep(seconds / scale)

    prompts = [f"benchmark batch item {index}: a lighthouse at dusk" for index in range(args.count)]
    with Kling(ACCESS_KEY, SECRET_KEY, base_url=args.base_url) as client:
        client._timing = Timing(
            clock=lambda: time.monotonic() * scale,
            sleep=lambda seconds: time.sleep(seconds / scale),
            async_sleep=scaled_async_sleep,
        )
        started = time.monotonic()
        results = client.images.generate_many(prompts, concurrency=args.concurrency, deadline=3600)
        elapsed = time.monotonic() - started
    errors = Counter(type(result.error).__name__ for result in results if result.error is not None)
    surfaced_1303 = sum(
        1 for result in results if isinstance(result.error, RateLimitError) and result.error.code == 1303
    )
    print(
        json.dumps(
            {
                "emulated_seconds": elapsed * scale,
                "real_seconds": elapsed,
                "results": len(results),
                "ok": sum(1 for result in results if result.ok),
                "errors": dict(errors),
                "surfaced_1303": surfaced_1303,
                "peak_rss_kib": peak_rss_kib(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
