"""The task commands, written once for every task endpoint, with the resource they drive as a parameter.

``kling images``, ``kling omni``, ``kling multi-image``, ``kling outpaint`` and ``kling multi-shot`` are the same
verbs over a different SDK resource (``client.images``, ``client.omni_images``, ...): a :class:`TaskKind` names the
resource, and :func:`add_task_commands` adds to its group

- ``generate``: create a task, wait for it with live progress, download its images (their paths on stdout);
- ``create``: create it only (its task_id on stdout);
- ``get``, ``wait``, ``list``, ``download``: the task by id, a page of tasks, the images of a finished one.

What differs between endpoints is data: the options of ``generate`` and ``create`` and how they become the
request's fields (``build``), whether the endpoint has watermarks, and the option that carries each field (for the
error message when the SDK refuses a value before sending). ``kling elements`` reuses ``get``, ``wait`` and the
helpers. The progress, the ``--json`` documents and the exit codes are the same for all, since they are written
here once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from kling_api.models import CreatedImageTask, TaskStatus, WatermarkInfo

from .. import DownloadError, Kling
from ._app import CliState, CommandGroup, state_of
from ._errors import CliError, Interrupted, options_named
from ._exit_codes import API_ERROR, TASK_FAILED
from ._output import paths_document, picture_urls, task_lines, task_row
from ._params import ASCII_INT, POSITIVE_FLOAT

if TYPE_CHECKING:
    from .._endpoints import Picture, TaskEndpoint

DEFAULT_OUT = Path("kling-output")

#: A click decorator (``click.option(...)``, ``click.argument(...)``).
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
#: The options of generate/create (without the common ones) -> the request's fields.
Build = Callable[[dict[str, Any]], dict[str, Any]]


def _no_details(task: Any) -> list[tuple[str, str]]:
    return []


@dataclass(frozen=True)
class TaskKind:
    """One task endpoint as the command line knows it."""

    #: The ``kling`` subcommand: ``omni``; the resume hints name it (``kling omni wait ID``).
    command: str
    #: The client's resource: ``omni_images`` (``client.omni_images``).
    resource: str
    #: The SDK's descriptor of the endpoint (``kling._endpoints``): how its task lists its pictures.
    endpoint: Callable[[], TaskEndpoint[Any, Any]]
    #: Whether the request takes ``watermark_info`` (``--watermark``).
    watermark: bool = True
    #: Request field (its first dotted parts) -> the option or argument that sets it, when their names differ:
    #: a value refused before sending is reported with it (``invalid image_list.0.image (--image): ...``); ``""``
    #: names the options of a rule across fields.
    options_of_fields: Mapping[str, str] = field(default_factory=dict)
    #: More ``label  value`` lines of ``get`` and ``wait`` (an element task's element ids).
    details: Callable[[Any], list[tuple[str, str]]] = _no_details

    def tasks(self, client: Kling) -> Any:
        """The SDK resource (``client.omni_images``)."""
        return getattr(client, self.resource)

    def pictures(self, task: Any) -> list[Picture]:
        pictures: list[Picture] = self.endpoint().pictures(task)
        return pictures

    def option_of(self, field_name: str) -> str | None:
        """The option that carries ``field_name`` (``image_list.0.image`` -> ``--image``), if named differently."""
        parts = field_name.split(".")
        for end in range(len(parts), 0, -1):
            option = self.options_of_fields.get(".".join(parts[:end]))
            if option is not None:
                return option
        return None


def use_kind(ctx: click.Context, kind: TaskKind) -> None:
    """Called by a kind's group: its resume hints (after a timeout, Ctrl-C) name its ``wait`` command."""
    state_of(ctx).task_command = kind.command


# -- the helpers every task command shares ---------------------------------------------------------------------


def create_task(client: Kling, kind: TaskKind, request: Mapping[str, Any]) -> CreatedImageTask:
    """Create the task; a value the SDK refuses before sending is reported with the option that set it."""
    fields = dict(request)
    # The endpoint's main field first, as the SDK documents its use (the prompt; the image to extend, ...).
    first = fields.pop(kind.endpoint().first_field, None)
    with options_named(kind.option_of):
        created: CreatedImageTask = kind.tasks(client).create(first, **fields)
    return created


def print_created(state: CliState, created: CreatedImageTask) -> None:
    """A task created without waiting: its task_id on stdout (the created task with --json), how to wait on stderr."""
    if state.output.json_mode:
        state.output.data(created.to_dict())
        return
    state.output.line(created.task_id)
    state.output.note(f"created task {created.task_id}; wait for it with: {state.resume_command(created.task_id)}")


def wait_task(client: Kling, state: CliState, kind: TaskKind, task_id: str, timeout: float | None) -> Any:
    """Wait with live progress; Ctrl-C says how to pick the task up again."""
    options: dict[str, Any] = {} if timeout is None else {"deadline": timeout}
    with state.output.progress(task_id) as progress:
        try:
            return kind.tasks(client).wait(task_id, on_update=progress.update, **options)
        except KeyboardInterrupt:
            raise Interrupted(
                f"interrupted; task {task_id} goes on server-side. Resume with: {state.resume_command(task_id)}",
                task_id=task_id,
            ) from None


def download_task(
    client: Kling, state: CliState, kind: TaskKind, task: Any, out: Path, *, watermark: bool
) -> list[Path]:
    """Download the task's images; a failed download says how to fetch them again."""
    count = len(picture_urls(kind.pictures(task), watermark=watermark))
    state.output.note(f"downloading {count} image(s) to {out}")
    flags = ["--watermark"] if watermark else []
    again = state.command(kind.command, "download", task.task_id, "--out", str(out), *flags)
    try:
        paths: list[Path] = kind.tasks(client).download(task, out, watermark=watermark)
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
    return paths


def print_result(state: CliState, kind: TaskKind, task: Any, paths: list[Path], *, downloaded: bool) -> None:
    """The saved paths (or, without a download, the image URLs) on stdout; with --json, the task and the files."""
    if state.output.json_mode:
        state.output.data(paths_document(task, paths))
    elif downloaded:
        for path in paths:
            state.output.line(str(path))
    else:
        for url in picture_urls(kind.pictures(task)):
            state.output.line(url)


def show_task(state: CliState, kind: TaskKind, task: Any) -> None:
    """A task on stdout: ``label  value`` lines, or its JSON document."""
    if state.output.json_mode:
        state.output.data(task.to_dict())
    else:
        for line in task_lines(task, kind.pictures(task), kind.details(task)):
            state.output.line(line)


def finished(state: CliState, task: Any) -> None:
    """Refuse a task that did not succeed (a download, an element's id): failed (exit 4), or not done yet."""
    if task.task_status == TaskStatus.FAILED:
        reason = task.task_status_msg if isinstance(task.task_status_msg, str) else "no reason given"
        raise CliError(f"task {task.task_id} failed: {reason}", exit_code=TASK_FAILED, task_id=task.task_id)
    if task.task_status != TaskStatus.SUCCEED:
        raise CliError(
            f"task {task.task_id} is still {task.task_status}: wait for it with: {state.resume_command(task.task_id)}",
            exit_code=API_ERROR,
            task_id=task.task_id,
        )


# -- options ----------------------------------------------------------------------------------------------------


def timeout_option(kind: TaskKind) -> Decorator:
    return click.option(
        "--timeout",
        type=POSITIVE_FLOAT,
        metavar="SECONDS",
        help=f"Give up waiting after this long (the task goes on; resume with `kling {kind.command} wait ID`).",
    )


def out_option() -> Decorator:
    return click.option(
        "--out",
        type=click.Path(file_okay=False, writable=True, path_type=Path),
        default=DEFAULT_OUT,
        show_default=True,
        help="Folder the images are saved in (created if missing).",
    )


def task_id_argument() -> Decorator:
    return click.argument("task_id", metavar="ID")


def _request_options(kind: TaskKind, *, downloads: bool) -> list[Decorator]:
    """The options every create has: your own id, the callback, the watermark."""
    options: list[Decorator] = [
        click.option(
            "--external-task-id", help=f"Your own unique id for the task (query it with `kling {kind.command} get`)."
        ),
        click.option("--callback-url", metavar="URL", help="The server POSTs each status change here."),
    ]
    if kind.watermark:
        what = "Also produce watermarked images" + (", and download those." if downloads else ".")
        options.append(click.option("--watermark", is_flag=True, help=what))
    return options


def _command(name: str, callback: Callable[..., Any], decorators: Sequence[Decorator], help_text: str) -> click.Command:
    """A command from its callback and its decorators, listed in the order the options show in --help."""
    for decorator in reversed(decorators):
        callback = decorator(callback)
    return click.command(name, help=help_text)(callback)


def _request(kind: TaskKind, build: Build, params: dict[str, Any], watermark: bool) -> dict[str, Any]:
    request = {name: value for name, value in build(params).items() if value is not None}
    if watermark:
        request["watermark_info"] = WatermarkInfo(enabled=True)
    return request


# -- the commands -----------------------------------------------------------------------------------------------


def generate_command(kind: TaskKind, params: Sequence[Decorator], build: Build, help_text: str) -> click.Command:
    """``generate``: create, wait with progress, download (or print the URLs)."""

    @click.pass_context
    def generate(
        ctx: click.Context,
        /,
        out: Path,
        timeout: float | None,
        no_download: bool,
        watermark: bool = False,
        **fields: Any,
    ) -> None:
        state = state_of(ctx)
        request = _request(kind, build, fields, watermark)
        client = state.client(ctx)
        created = create_task(client, kind, request)
        state.output.note(f"created task {created.task_id}")
        task = wait_task(client, state, kind, created.task_id, timeout)
        paths = [] if no_download else download_task(client, state, kind, task, out, watermark=watermark)
        print_result(state, kind, task, paths, downloaded=not no_download)

    decorators: list[Decorator] = [
        *params,
        *_request_options(kind, downloads=True),
        out_option(),
        timeout_option(kind),
        click.option("--no-download", is_flag=True, help="Print the image URLs instead of downloading."),
    ]
    return _command("generate", generate, decorators, help_text)


def create_command(kind: TaskKind, params: Sequence[Decorator], build: Build, help_text: str) -> click.Command:
    """``create``: submit the task and print its task_id (the created task with --json); no wait."""

    @click.pass_context
    def create(ctx: click.Context, /, watermark: bool = False, **fields: Any) -> None:
        state = state_of(ctx)
        print_created(state, create_task(state.client(ctx), kind, _request(kind, build, fields, watermark)))

    return _command("create", create, [*params, *_request_options(kind, downloads=False)], help_text)


def get_command(kind: TaskKind) -> click.Command:
    @click.pass_context
    def get(ctx: click.Context, task_id: str) -> None:
        state = state_of(ctx)
        show_task(state, kind, kind.tasks(state.client(ctx)).get(task_id))

    return _command("get", get, [task_id_argument()], "Show task ID (a task_id or your external_task_id).")


def wait_command(kind: TaskKind) -> click.Command:
    @click.pass_context
    def wait(ctx: click.Context, task_id: str, timeout: float | None) -> None:
        state = state_of(ctx)
        show_task(state, kind, wait_task(state.client(ctx), state, kind, task_id, timeout))

    help_text = "Wait until task ID ends; exit code 4 when it failed, 5 on timeout."
    return _command("wait", wait, [task_id_argument(), timeout_option(kind)], help_text)


def page_options() -> list[Decorator]:
    return [
        click.option("--page", type=ASCII_INT, default=1, show_default=True, help="Page number, from 1."),
        click.option("--page-size", type=ASCII_INT, default=30, show_default=True, help="Tasks per page."),
    ]


def list_command(kind: TaskKind) -> click.Command:
    @click.pass_context
    def list_tasks(ctx: click.Context, page: int, page_size: int) -> None:
        state = state_of(ctx)
        tasks = kind.tasks(state.client(ctx)).list(page=page, page_size=page_size)
        if state.output.json_mode:
            state.output.data([task.to_dict() for task in tasks])
            return
        if not tasks:
            state.output.note("no tasks on this page")
        for task in tasks:
            state.output.line(task_row(task, kind.pictures(task)))

    return _command("list", list_tasks, page_options(), "List your tasks, a page at a time.")


def download_command(kind: TaskKind) -> click.Command:
    @click.pass_context
    def download(ctx: click.Context, task_id: str, out: Path, watermark: bool = False) -> None:
        state = state_of(ctx)
        client = state.client(ctx)
        task = kind.tasks(client).get(task_id)
        finished(state, task)
        paths = download_task(client, state, kind, task, out, watermark=watermark)
        print_result(state, kind, task, paths, downloaded=True)

    decorators = [task_id_argument(), out_option()]
    if kind.watermark:
        decorators.append(click.option("--watermark", is_flag=True, help="Download the watermarked images."))
    help_text = "Download the images of the finished task ID (their paths go to stdout)."
    return _command("download", download, decorators, help_text)


def add_task_commands(
    group: click.Group,
    kind: TaskKind,
    *,
    params: Sequence[Decorator],
    build: Build,
    generate_help: str,
    create_help: str,
) -> None:
    """Add every task verb to ``group``: ``params`` are the options (and the argument) of generate and create."""
    for command in (
        generate_command(kind, params, build, generate_help),
        create_command(kind, params, build, create_help),
        get_command(kind),
        wait_command(kind),
        list_command(kind),
        download_command(kind),
    ):
        group.add_command(command)


class DefaultCommandGroup(CommandGroup):
    """A group whose default command runs when the first word is not one of its commands.

    ``kling outpaint photo.png --left 0.5`` is ``kling outpaint generate photo.png --left 0.5``; ``kling outpaint
    wait ID`` is still the wait. (An image file named like a command is given as ``kling outpaint generate get``.)
    """

    default_command = "generate"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", {}).setdefault("ignore_unknown_options", True)
        super().__init__(*args, **kwargs)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands:
            return self.default_command, self.commands[self.default_command], args
        return super().resolve_command(ctx, args)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        """``IMAGE [OPTIONS] | COMMAND [ARGS]...``: the default command's arguments, or a command."""
        command = self.commands.get(self.default_command)
        if command is None:  # pragma: no cover - every such group has its default command
            return super().collect_usage_pieces(ctx)
        first = [param.make_metavar(ctx) for param in command.params if isinstance(param, click.Argument)]
        return [*first, "[OPTIONS]", "|", "COMMAND", "[ARGS]..."]
