"""The main job: generate images end to end and save the PNGs.

    make demo                              # no keys: against the local emulator, free
    make demo ARGS='--prompt "a fox" --n 2'
    KLING_ACCESS_KEY=... KLING_SECRET_KEY=... make demo   # the real API: COSTS CREDITS

It creates a task with the generated client and the JWT auth plugin, polls it (with a
deadline) until it succeeds or fails, downloads every image and prints where it saved
them. Without keys it starts the local emulator on a free loopback port first.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from kling_api import AuthenticatedClient
from kling_api.api.images import create_image_task, get_image_task
from kling_api.models import (
    AspectRatio,
    CreatedImageTask,
    CreateImageTaskRequest,
    CreateImageTaskResponse,
    ErrorResponse,
    ImageTask,
    ModelName,
    Resolution,
    TaskResult,
    TaskStatus,
)
from kling_api.types import UNSET, Unset
from kling_auth import ACCESS_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, SECRET_KEY_ENV, authenticated_client

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIRST_POLL_INTERVAL = 0.5
MAX_POLL_INTERVAL = 5.0
DOWNLOAD_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class DemoError(Exception):
    """A failure worth one clear line to the user, not a traceback."""


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--prompt", default="A lighthouse on a cliff at dusk, oil painting")
    parser.add_argument("--n", type=int, default=2, help="images to generate, 1-9 (default 2)")
    parser.add_argument("--model", default=ModelName.KLING_V1.value, help="model_name (default kling-v1)")
    parser.add_argument("--aspect-ratio", default=AspectRatio.RATIO_16_9.value, help="e.g. 16:9, 1:1 (default 16:9)")
    parser.add_argument("--resolution", default=Resolution.RES_1K.value, help="1k or 2k (default 1k)")
    parser.add_argument("--out", type=Path, default=Path("kling-output"), help="folder for the PNGs")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the task (default 600)")
    args = parser.parse_args(argv)
    if not 1 <= args.n <= 9:
        parser.error(f"--n must be between 1 and 9, got {args.n}")
    if args.aspect_ratio not in {r.value for r in AspectRatio}:
        parser.error(f"--aspect-ratio must be one of {', '.join(r.value for r in AspectRatio)}")
    if args.resolution not in {r.value for r in Resolution}:
        parser.error("--resolution must be 1k or 2k")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    return args


@contextlib.contextmanager
def _target() -> Iterator[tuple[str, AuthenticatedClient]]:
    """The real API when the user's keys are set, else a fresh local emulator."""
    if os.environ.get(ACCESS_KEY_ENV) and os.environ.get(SECRET_KEY_ENV):
        base_url = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        print(f"Using the Kling API at {base_url} with your keys (this costs credits).")
        with authenticated_client(base_url=base_url) as client:
            yield base_url, client
        return
    from kling_emulator import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, run_emulator

    with run_emulator(keys={DEMO_ACCESS_KEY: DEMO_SECRET_KEY}) as base_url:
        print(f"No {ACCESS_KEY_ENV}/{SECRET_KEY_ENV} set: using the local emulator at {base_url} (free, offline).")
        with authenticated_client(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, base_url=base_url) as client:
            yield base_url, client


def _fail_on_error(parsed: object, what: str) -> None:
    if isinstance(parsed, ErrorResponse):
        raise DemoError(f"{what} failed: code {parsed.code}: {parsed.message} (request_id {parsed.request_id})")
    if parsed is None:
        raise DemoError(f"{what} failed: an undocumented answer from the API")


def _wait(client: AuthenticatedClient, task_id: str, timeout: float) -> ImageTask:
    deadline = time.monotonic() + timeout
    interval = FIRST_POLL_INTERVAL
    last_status = None
    while True:
        response = get_image_task.sync_detailed(client=client, task_id=task_id)
        _fail_on_error(response.parsed, "querying the task")
        task = response.parsed.data if response.parsed is not None else None
        if not isinstance(task, ImageTask):
            raise DemoError(f"querying the task returned no task data (HTTP {response.status_code})")
        if task.task_status != last_status:
            print(f"  task {task_id}: {task.task_status}")
            last_status = task.task_status
        if task.task_status in (TaskStatus.SUCCEED, TaskStatus.FAILED):
            return task
        if time.monotonic() + interval > deadline:
            raise DemoError(f"task {task_id} still {task.task_status} after {timeout:.0f} s; query it later by its id")
        time.sleep(interval)
        interval = min(interval * 1.5, MAX_POLL_INTERVAL)


def _download(task: ImageTask, folder: Path) -> list[Path]:
    images = task.task_result.images if isinstance(task.task_result, TaskResult) else UNSET
    if isinstance(images, Unset) or not images:
        raise DemoError(f"task {task.task_id} succeeded without images")
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    with httpx.Client(timeout=DOWNLOAD_TIMEOUT, follow_redirects=True) as downloader:
        for image in images:
            path = folder / f"{task.task_id}-{image.index}.png"
            partial = path.with_suffix(".part")
            with downloader.stream("GET", image.url) as response:
                response.raise_for_status()
                with partial.open("wb") as handle:
                    for chunk in response.iter_bytes():
                        handle.write(chunk)
            with partial.open("rb") as handle:
                if handle.read(len(PNG_SIGNATURE)) != PNG_SIGNATURE:
                    partial.unlink()
                    raise DemoError(f"image {image.index} of task {task.task_id} is not a PNG")
            partial.replace(path)  # only complete files get the .png name
            saved.append(path)
    return saved


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    request = CreateImageTaskRequest(
        prompt=args.prompt,
        model_name=ModelName(args.model),
        n=args.n,
        aspect_ratio=AspectRatio(args.aspect_ratio),
        resolution=Resolution(args.resolution),
    )
    try:
        with _target() as (_, client):
            created = create_image_task.sync_detailed(client=client, body=request)
            _fail_on_error(created.parsed, "creating the task")
            data = created.parsed.data if isinstance(created.parsed, CreateImageTaskResponse) else None
            if not isinstance(data, CreatedImageTask):
                raise DemoError(f"creating the task returned no task (HTTP {created.status_code})")
            print(f"Created task {data.task_id}: {args.n} image(s), {args.aspect_ratio}, {args.resolution}")
            task = _wait(client, data.task_id, args.timeout)
            if task.task_status == TaskStatus.FAILED:
                raise DemoError(f"task {task.task_id} failed: {task.task_status_msg or 'no reason given'}")
            saved = _download(task, args.out)
    except DemoError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except httpx.HTTPError as error:
        print(f"error: network failure talking to the API: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(f"Saved {len(saved)} image(s) to {args.out.resolve()}:")
    for path in saved:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
