"""The main job: generate images end to end and save them.

    make demo                              # no keys: the local emulator, free; its images are placeholders
    make demo ARGS='--prompt "a fox" --n 2'
    KLING_API_KEY=... make demo                           # the real API: COSTS CREDITS
    KLING_ACCESS_KEY=... KLING_SECRET_KEY=... make demo   # the same, with the key pair

A short user of the `kling` SDK: `images.generate` creates the task and waits for it (with a deadline),
`images.download` saves every image. Without keys it starts the local emulator on a free loopback port
first: the whole path runs (create, wait, download), but the emulator generates nothing, its images are
placeholders that show the prompt. With keys, the same code gets real images from Kling, for credits.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from kling import Kling, KlingError, TaskTimeoutError, ValidationError
from kling_api.models import ImageTask
from kling_auth import ACCESS_KEY_ENV, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, SECRET_KEY_ENV


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--prompt", default="A lighthouse on a cliff at dusk, oil painting")
    parser.add_argument("--n", type=int, default=2, help="images to generate, 1-9 (default 2)")
    parser.add_argument("--model", default="kling-v3", help="model_name (default kling-v3, Kling Image 3.0)")
    parser.add_argument("--aspect-ratio", default="16:9", help="e.g. 16:9, 1:1 (default 16:9)")
    parser.add_argument("--resolution", default="1k", help="1k or 2k (default 1k)")
    parser.add_argument("--out", type=Path, default=Path("kling-output"), help="folder for the images")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the task (default 600)")
    return parser.parse_args(argv)


#: Said after the images are saved, when they came from the emulator.
PLACEHOLDERS = (
    "These are the local emulator's placeholder images: each shows its prompt, nothing was generated. "
    f"With {API_KEY_ENV} (or {ACCESS_KEY_ENV} and {SECRET_KEY_ENV}) set, the same command calls the Kling API "
    "and saves real images from Kling Image 3.0, which costs credits."
)


def _real_api() -> bool:
    return bool(os.environ.get(API_KEY_ENV) or (os.environ.get(ACCESS_KEY_ENV) and os.environ.get(SECRET_KEY_ENV)))


@contextlib.contextmanager
def _client() -> Iterator[Kling]:
    """The real API when the user's keys are set, else a fresh local emulator."""
    if _real_api():
        base_url = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        print(f"Using the Kling API at {base_url} with your keys (this costs credits).")
        with Kling() as client:
            yield client
        return
    from kling_emulator import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, run_emulator

    with run_emulator(keys={DEMO_ACCESS_KEY: DEMO_SECRET_KEY}) as base_url:
        print(
            f"No {API_KEY_ENV} or {ACCESS_KEY_ENV}/{SECRET_KEY_ENV} set: using the local emulator at {base_url} "
            "(free, offline; it generates nothing: its images are placeholders that show the prompt)."
        )
        with Kling(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, base_url=base_url) as client:
            yield client


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.monotonic()
    shown: list[str] = []

    def show(task: ImageTask) -> None:
        if shown[-1:] != [task.task_status]:
            shown.append(task.task_status)
            print(f"  task {task.task_id}: {task.task_status} ({time.monotonic() - started:.1f} s)")

    try:
        with _client() as client:
            task = client.images.generate(
                args.prompt,
                n=args.n,
                model_name=args.model,
                aspect_ratio=args.aspect_ratio,
                resolution=args.resolution,
                deadline=args.timeout,
                on_update=show,
            )
            saved = client.images.download(task, args.out)
    except ValidationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except TaskTimeoutError as error:
        print(f"error: {error}; query it later by its id", file=sys.stderr)
        return 1
    except KlingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Saved {len(saved)} image(s) to {args.out.resolve()}:")
    for path in saved:
        print(f"  {path}")
    if not _real_api():
        print(PLACEHOLDERS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
