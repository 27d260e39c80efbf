"""``kling images ...``: create, query, wait for and download image tasks."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import click
from kling_api.models import AspectRatio, ImageReference, ImageTask, ModelName, Resolution, TaskStatus, WatermarkInfo

from .. import DownloadError, Kling
from ._app import CliState, cli, state_of
from ._errors import CliError, Interrupted
from ._exit_codes import API_ERROR, TASK_FAILED
from ._output import image_urls, paths_document, task_lines, task_row
from ._params import ASCII_FLOAT, ASCII_INT, POSITIVE_FLOAT, OpenChoice

DEFAULT_OUT = Path("kling-output")

_TIMEOUT_OPTION = click.option(
    "--timeout",
    type=POSITIVE_FLOAT,
    metavar="SECONDS",
    help="Give up waiting after this long (the task goes on; resume with `kling images wait ID`).",
)
_OUT_OPTION = click.option(
    "--out",
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder the images are saved in (created if missing).",
)


def _choice(enum: type[StrEnum]) -> click.Choice[str]:
    """The values the spec lists, read from the generated enum, so a spec change reaches the CLI."""
    return click.Choice([member.value for member in enum])


@cli.group()
def images() -> None:
    """Create image tasks, follow them and download their images."""


def _wait(client: Kling, state: CliState, task_id: str, timeout: float | None) -> ImageTask:
    """Wait with live progress; Ctrl-C says how to pick the task up again."""
    options: dict[str, Any] = {} if timeout is None else {"deadline": timeout}
    with state.output.progress(task_id) as progress:
        try:
            return client.images.wait(task_id, on_update=progress.update, **options)
        except KeyboardInterrupt:
            raise Interrupted(
                f"interrupted; task {task_id} goes on server-side. Resume with: {state.resume_command(task_id)}",
                task_id=task_id,
            ) from None


def _download(client: Kling, state: CliState, task: ImageTask, out: Path, *, watermark: bool) -> list[Path]:
    count = len(image_urls(task, watermark=watermark))
    state.output.note(f"downloading {count} image(s) to {out}")
    flags = ["--watermark"] if watermark else []
    again = state.command("images", "download", task.task_id, "--out", str(out), *flags)
    try:
        return client.images.download(task, out, watermark=watermark)
    except DownloadError as error:
        # The task succeeded and its images stay available for a while: say how to fetch them again.
        raise CliError(
            f"download failed: {error}. The task succeeded; download again with: {again}",
            exit_code=API_ERROR,
            task_id=task.task_id,
            url=error.url,
            reason=error.reason,
            retry=again,
        ) from None
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted; download again with: {again}", task_id=task.task_id) from None


def _print_result(state: CliState, task: ImageTask, paths: list[Path], *, downloaded: bool) -> None:
    if state.output.json_mode:
        state.output.data(paths_document(task, paths))
    elif downloaded:
        for path in paths:
            state.output.line(str(path))
    else:
        for url in image_urls(task):
            state.output.line(url)


@images.command()
@click.argument("prompt")
@click.option(
    "--model",
    "model_name",
    type=OpenChoice([member.value for member in ModelName]),
    help="Model (server default: kling-v3). Any other name is sent as it is: the server decides.",
)
@click.option("--n", "n", type=ASCII_INT, help="Number of images, 1 to 9 (server default: 1).")
@click.option("--aspect-ratio", type=_choice(AspectRatio), help="Width:height (server default: 16:9).")
@click.option("--resolution", type=_choice(Resolution), help="1k or 2k (server default: 1k).")
@click.option("--negative-prompt", help="What to avoid (not with --image).")
@click.option("--image", metavar="URL|BASE64|PATH", help="Reference image: a URL, Base64, or a local .jpg/.png.")
@click.option("--image-reference", type=_choice(ImageReference), help="subject or face, with --image (kling-v2-1's).")
@click.option("--image-fidelity", type=ASCII_FLOAT, help="Reference strength of --image, 0 to 1 (kling-v2-1's).")
@click.option(
    "--human-fidelity",
    type=ASCII_FLOAT,
    help="Facial likeness, 0 to 1, with --image-reference subject (kling-v2-1's).",
)
@click.option(
    "--element",
    "element_ids",
    type=ASCII_INT,
    multiple=True,
    metavar="ID",
    help="An element of your element library to use (repeat it; at most 10 with --image counted).",
)
@click.option("--external-task-id", help="Your own unique id for the task (query it with `kling images get`).")
@click.option("--callback-url", metavar="URL", help="The server POSTs each status change here.")
@click.option("--watermark", is_flag=True, help="Also produce watermarked images, and download those.")
@_OUT_OPTION
@_TIMEOUT_OPTION
@click.option("--no-download", is_flag=True, help="Print the image URLs instead of downloading.")
@click.pass_context
def generate(
    ctx: click.Context,
    /,
    prompt: str,
    out: Path,
    timeout: float | None,
    no_download: bool,
    watermark: bool,
    **fields: Any,
) -> None:
    """Create a task for PROMPT, wait for it, and download its images (their paths go to stdout)."""
    state = state_of(ctx)
    element_ids: tuple[int, ...] = fields.pop("element_ids")
    request = {name: value for name, value in fields.items() if value is not None}
    if element_ids:
        request["element_list"] = [{"element_id": element_id} for element_id in element_ids]
    if watermark:
        request["watermark_info"] = WatermarkInfo(enabled=True)
    client = state.client(ctx)
    created = client.images.create(prompt, **request)
    state.output.note(f"created task {created.task_id}")
    task = _wait(client, state, created.task_id, timeout)
    paths = [] if no_download else _download(client, state, task, out, watermark=watermark)
    _print_result(state, task, paths, downloaded=not no_download)


@images.command()
@click.argument("task_id", metavar="ID")
@click.pass_context
def get(ctx: click.Context, task_id: str) -> None:
    """Show task ID (a task_id or your external_task_id)."""
    state = state_of(ctx)
    task = state.client(ctx).images.get(task_id)
    if state.output.json_mode:
        state.output.data(task.to_dict())
    else:
        for line in task_lines(task):
            state.output.line(line)


@images.command()
@click.argument("task_id", metavar="ID")
@_TIMEOUT_OPTION
@click.pass_context
def wait(ctx: click.Context, task_id: str, timeout: float | None) -> None:
    """Wait until task ID ends; exit code 4 when it failed, 5 on timeout."""
    state = state_of(ctx)
    task = _wait(state.client(ctx), state, task_id, timeout)
    if state.output.json_mode:
        state.output.data(task.to_dict())
    else:
        for line in task_lines(task):
            state.output.line(line)


@images.command(name="list")
@click.option("--page", type=ASCII_INT, default=1, show_default=True, help="Page number, from 1.")
@click.option("--page-size", type=ASCII_INT, default=30, show_default=True, help="Tasks per page.")
@click.pass_context
def list_tasks(ctx: click.Context, page: int, page_size: int) -> None:
    """List your tasks, a page at a time."""
    state = state_of(ctx)
    tasks = state.client(ctx).images.list(page=page, page_size=page_size)
    if state.output.json_mode:
        state.output.data([task.to_dict() for task in tasks])
        return
    if not tasks:
        state.output.note("no tasks on this page")
    for task in tasks:
        state.output.line(task_row(task))


@images.command()
@click.argument("task_id", metavar="ID")
@_OUT_OPTION
@click.option("--watermark", is_flag=True, help="Download the watermarked images.")
@click.pass_context
def download(ctx: click.Context, task_id: str, out: Path, watermark: bool) -> None:
    """Download the images of the finished task ID (their paths go to stdout)."""
    state = state_of(ctx)
    client = state.client(ctx)
    task = client.images.get(task_id)
    if task.task_status == TaskStatus.FAILED:
        reason = task.task_status_msg if isinstance(task.task_status_msg, str) else "no reason given"
        raise CliError(f"task {task.task_id} failed: {reason}", exit_code=TASK_FAILED, task_id=task.task_id)
    if task.task_status != TaskStatus.SUCCEED:
        raise CliError(
            f"task {task.task_id} is still {task.task_status}: wait for it with: {state.resume_command(task.task_id)}",
            exit_code=API_ERROR,
            task_id=task.task_id,
        )
    paths = _download(client, state, task, out, watermark=watermark)
    _print_result(state, task, paths, downloaded=True)


# `kling images batch` (large jobs) lives in its own module, which adds it to this group.
from . import _batch as _batch  # noqa: E402
