"""``kling images batch FILE --job NAME --out DIR``: a large job, resumable, shareable between machines, budgeted.

FILE holds one prompt a line, or JSON Lines (one object a line: ``prompt`` and any create field). Its items are
numbered from 0 in file order (blank lines do not count): the job's name, an item's number and its request make
its ``external_task_id`` (the SDK's ``generate_many(job=...)``, ``kling._jobs``), so no task is ever created
twice, whoever runs the job again or alongside.

The manifest, ``DIR/<job>.manifest.jsonl``, gets a line per item when its task exists and when it ends, appended
and flushed at once (it survives a kill); an item's last line says where it stands. Running the command again
skips the items the manifest records as done (their files checked, not downloaded again) or failed, and hands
the others to the SDK, which waits for the tasks that exist and creates the missing ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import click

from .._constants import DEFAULT_BATCH_CONCURRENCY, LOGGER_NAME
from ._app import CliState, state_of
from ._errors import CliError, Interrupted
from ._exit_codes import API_ERROR, BUDGET, OK, TASK_FAILED, TIMEOUT, USAGE
from ._images import images
from ._params import ASCII_INT

if TYPE_CHECKING:
    from .. import AsyncKling, BatchResult, ItemStarted, JobEstimate
    from .._endpoints import Task
    from .._jobs import _Item
    from ._output import Output

#: The statuses of a manifest line. ``succeed`` and ``failed`` are final; an item whose last line says anything
#: else is run again (``running``: waited for; ``error`` and ``not_started``: looked up, created if missing).
RUNNING, SUCCEED, FAILED, ERROR, NOT_STARTED = "running", "succeed", "failed", "error", "not_started"
FINAL = (SUCCEED, FAILED)
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
_UNITS = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,6})?")
_ITEM_FIELD = re.compile(r"items\[(\d+)\]\.?(.*)")


def units_text(units: Decimal) -> str:
    """Units as a person writes them: 8, 12.5 (never 8.00 or 1E+2)."""
    return format(units.normalize(), "f") if units else "0"


# -- options ---------------------------------------------------------------------------------------------------


class ShardParam(click.ParamType[tuple[int, int]]):
    """``K/N``: the K-th of N shares of a job (items whose number % N == K - 1)."""

    name = "K/N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        from .. import ValidationError
        from .._jobs import parse_shard

        try:
            shard = parse_shard(str(value))
        except ValidationError as error:
            self.fail(error.rule, param, ctx)
        assert shard is not None
        return shard


class UnitsParam(click.ParamType[Decimal]):
    """A number of units above 0, in ASCII digits (``100``, ``12.5``)."""

    name = "units"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        if not _UNITS.fullmatch(text) or Decimal(text) <= 0:
            self.fail(f"{text[:40]!r} is not a number of units above 0 (e.g. 500)", param, ctx)
        return Decimal(text)


# -- the job file ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobLine:
    """An item of the job file: its number (from 0), its line in the file, the item (a prompt or create fields)."""

    number: int
    line: int
    item: str | dict[str, Any]

    @property
    def prompt(self) -> str:
        prompt = self.item.get("prompt") if isinstance(self.item, dict) else self.item
        return prompt if isinstance(prompt, str) else ""


def read_job_file(path: Path) -> list[JobLine]:
    """The items of FILE: JSON Lines for a .jsonl/.ndjson file or one whose first item starts with ``{``, else one
    prompt a line. A line that is not what the format says is a usage error naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {path}: {error}", exit_code=USAGE) from None
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise CliError(f"{path} holds no items (one prompt, or one JSON object, a line)", exit_code=USAGE)
    json_lines = path.suffix.lower() in JSON_LINES_SUFFIXES or lines[0][1].startswith("{")
    items = []
    for number, (line, content) in enumerate(lines):
        if not json_lines:
            items.append(JobLine(number, line, content))
            continue
        try:
            value = json.loads(content)
        except json.JSONDecodeError as error:
            raise CliError(f"{path} line {line}: not JSON ({error.msg})", exit_code=USAGE) from None
        if not isinstance(value, dict):
            raise CliError(
                f"{path} line {line}: must be a JSON object (a prompt and create fields)", exit_code=USAGE
            ) from None
        items.append(JobLine(number, line, value))
    return items


def _checked(path: Path, lines: Sequence[JobLine], check: Any) -> Any:
    """``check()``, a ValidationError naming ``items[N]`` said as the line of the file it comes from."""
    from .. import ValidationError

    try:
        return check()
    except ValidationError as error:
        match = _ITEM_FIELD.fullmatch(error.field or "")
        if match is None:
            raise
        line = next((entry.line for entry in lines if entry.number == int(match.group(1))), 0)
        field_name = f"{match.group(2)}: " if match.group(2) else ""
        raise CliError(f"{path} line {line}: invalid {field_name}{error.rule}", exit_code=USAGE) from None


# -- the manifest ------------------------------------------------------------------------------------------------


def manifest_path(out: Path, job: str) -> Path:
    return out / f"{job}.manifest.jsonl"


class Manifest:
    """The job's JSON Lines record in DIR: read once at the start, appended a line at a time (one ``write`` on an
    ``O_APPEND`` descriptor, so lines of processes sharing the file never interleave)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def read(self) -> list[dict[str, Any]]:
        """Every readable line; a line cut short by a kill, or not an object, is skipped."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        records = []
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and isinstance(record.get("item"), int):
                records.append(record)
        return records

    def __enter__(self) -> Manifest:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        size = os.fstat(self._fd).st_size
        if size and os.pread(self._fd, 1, size - 1) != b"\n":
            os.write(self._fd, b"\n")  # a line cut short by a kill ends here; the next one starts whole
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def append(self, record: Mapping[str, Any]) -> None:
        assert self._fd is not None, "the manifest is not open"
        os.write(self._fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass"))


@dataclass
class ItemState:
    """What the manifest says of one item of this run."""

    line: JobLine
    external_task_id: str
    estimate: Decimal | None
    last: dict[str, Any] | None = None

    @property
    def status(self) -> str | None:
        return None if self.last is None else str(self.last.get("status"))

    def files(self, out: Path) -> list[Path]:
        names = self.last.get("files") if self.last is not None else None
        return [out / name for name in names if isinstance(name, str)] if isinstance(names, list) else []

    def units(self) -> Decimal:
        value = self.last.get("units") if self.last is not None else None
        try:
            return Decimal(value) if isinstance(value, str) else Decimal(0)
        except ArithmeticError:
            return Decimal(0)


def _where_things_stand(states: Sequence[ItemState], records: Sequence[dict[str, Any]]) -> None:
    """Each item's last line (of its current external_task_id: an edited item is a new one); a final line is
    never undone by a later one (another process's ``running``, written before it saw the task end)."""
    by_id = {state.external_task_id: state for state in states}
    for record in records:
        state = by_id.get(str(record.get("external_task_id")))
        if state is None or state.line.number != record.get("item"):
            continue
        if state.status in FINAL and record.get("status") not in FINAL:
            continue
        state.last = record


def _files_present(paths: Sequence[Path]) -> bool:
    return bool(paths) and all(path.is_file() and path.stat().st_size > 0 for path in paths)


# -- progress ----------------------------------------------------------------------------------------------------


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


@dataclass
class Tally:
    """The job's counts: what the progress line, the summary and the exit code say."""

    total: int
    done: int = 0
    failed: int = 0
    errors: int = 0
    running: int = 0
    not_started: int = 0
    units: Decimal = Decimal(0)
    ended_this_run: int = 0
    started_at: float = field(default_factory=time.monotonic)

    @property
    def queued(self) -> int:
        return max(0, self.total - self.done - self.failed - self.errors - self.running - self.not_started)

    def elapsed(self) -> float:
        return time.monotonic() - self.started_at

    def eta(self) -> str:
        left = self.queued + self.running
        if not left:
            return "0:00"
        if not self.ended_this_run:
            return "?"
        return _clock(self.elapsed() / self.ended_this_run * left)

    def line(self) -> str:
        parts = [
            f"done {self.done}/{self.total}",
            f"running {self.running}",
            f"failed {self.failed + self.errors}",
            f"queued {self.queued}",
        ]
        if self.not_started:
            parts.append(f"not started {self.not_started}")
        parts += [f"{units_text(self.units)} units", f"{_clock(self.elapsed())} elapsed", f"ETA {self.eta()}"]
        return " · ".join(parts)


class JobProgress:
    """Live progress on stderr: a rich bar with the counts on a terminal, a plain line per item ended elsewhere,
    nothing with --json."""

    def __init__(self, output: Output, job: str, tally: Tally) -> None:
        self._output, self._job, self.tally = output, job, tally
        self._live: Any = None
        self._row: Any = None

    def __enter__(self) -> JobProgress:
        if not self._output.json_mode and self._output.stderr.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

            self._live = Progress(
                SpinnerColumn(),
                TextColumn(f"job {self._job}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[counts]}"),
                console=self._output.stderr,
                refresh_per_second=4,
            )
            self._live.start()
            self._row = self._live.add_task(self._job, total=self.tally.total, counts=self.tally.line())
            self.refresh()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._live is not None:
            self.refresh()
            self._live.stop()
            self._live = None

    def refresh(self) -> None:
        if self._live is not None:
            tally = self.tally
            completed = tally.done + tally.failed + tally.errors + tally.not_started
            self._live.update(self._row, completed=completed, counts=tally.line())

    def item(self, text: str) -> None:
        """An item ended: the live line moves on, or a plain line says so."""
        if self._live is not None:
            self.refresh()
        else:
            self._output.note(f"{text} [{self.tally.line()}]")

    def note(self, text: str) -> None:
        if self._live is not None:
            self._live.console.print(text, highlight=False, markup=False)
        else:
            self._output.note(text)


# -- the run -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobCommand:
    """The command's arguments, and the command line that runs it again."""

    file: Path
    job: str
    out: Path
    concurrency: int
    shard: tuple[int, int] | None
    max_units: Decimal | None

    def words(self) -> list[str]:
        words = ["images", "batch", str(self.file), "--job", self.job, "--out", str(self.out)]
        if self.concurrency != DEFAULT_BATCH_CONCURRENCY:
            words += ["--concurrency", str(self.concurrency)]
        if self.shard is not None:
            words += ["--shard", f"{self.shard[0]}/{self.shard[1]}"]
        if self.max_units is not None:
            words += ["--max-units", units_text(self.max_units)]
        return words


class JobRun:
    """One run of the job: the manifest, the counts, the progress, and what the SDK reports of each item."""

    def __init__(self, command: JobCommand, states: list[ItemState], manifest: Manifest, progress: JobProgress) -> None:
        self.command, self.manifest, self.progress = command, manifest, progress
        self.tally = progress.tally
        self._states = {state.line.number: state for state in states}
        self._started: set[int] = set()
        self._budget_said = False
        self.lost: list[str] = []

    def record(self, state: ItemState, status: str, **values: Any) -> None:
        record: dict[str, Any] = {
            "job": self.command.job,
            "item": state.line.number,
            "line": state.line.line,
            "prompt": state.line.prompt,
            "task_id": None,
            "external_task_id": state.external_task_id,
            "status": status,
            "files": [],
            "units": None,
            "error": None,
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        }
        record.update(values)
        self.manifest.append(record)
        state.last = record

    # The SDK's hooks (generate_many's on_start and on_result), on the event loop.

    def on_start(self, started: ItemStarted) -> None:
        state = self._states[started.index]
        self._started.add(started.index)
        self.tally.running += 1
        self.record(state, RUNNING, task_id=started.task_id, found=started.found)
        self.progress.refresh()

    async def on_result(self, client: AsyncKling, result: BatchResult) -> None:
        from .. import BudgetExceededError, DownloadError, TaskError, TaskFailedError, TaskTimeoutError

        state = self._states[result.index]
        paths: list[Path] = []
        failure: DownloadError | None = None
        if result.task is not None:
            try:  # the item counts as running until its files are there
                paths = await client.images.download(result.task, self.command.out)
            except DownloadError as refused:
                failure = refused
        if result.index in self._started:
            self.tally.running -= 1
        self.tally.ended_this_run += 1
        if result.task is not None:
            if failure is not None:
                self._ended(state, ERROR, f"download failed: {failure}", task_id=result.task.task_id)
                return
            units = _charged(result.task, state.estimate)
            self.tally.done += 1
            self.tally.units += units
            names = [path.name for path in paths]
            self.record(state, SUCCEED, task_id=result.task.task_id, files=names, units=units_text(units))
            self.progress.item(f"item {state.line.number} (line {state.line.line}): succeed, {len(names)} file(s)")
            return
        error = result.error
        task_id = error.task_id if isinstance(error, TaskError) else None
        if isinstance(error, TaskFailedError):
            units = _charged(error.task, None)
            self.tally.units += units
            self._ended(state, FAILED, str(error), task_id=task_id, units=units_text(units))
        elif isinstance(error, TaskTimeoutError):
            self.tally.running += 1  # still running server-side: the next run waits for it
            self._ended(state, RUNNING, str(error), task_id=task_id)
        elif isinstance(error, BudgetExceededError):
            if not self._budget_said:
                self._budget_said = True
                self.progress.note(
                    f"budget: --max-units {units_text(error.max_units)} reached ({units_text(error.units_committed)} "
                    "units spent or running): no new task is created; the running ones finish"
                )
            self._ended(state, NOT_STARTED, str(error))
        else:
            self._ended(state, ERROR, str(error), task_id=task_id)

    def _ended(self, state: ItemState, status: str, error: str, **values: Any) -> None:
        if status == FAILED:
            self.tally.failed += 1
        elif status == NOT_STARTED:
            self.tally.not_started += 1
        elif status == ERROR:
            self.tally.errors += 1
        self.record(state, status, error=error, **values)
        self.progress.item(f"item {state.line.number} (line {state.line.line}): {status}: {error}")

    async def fetch_again(self, client: AsyncKling, state: ItemState) -> None:
        """An item done before whose files are missing: its task's images, downloaded again (never a new task)."""
        from .. import KlingError

        assert state.last is not None
        task_id = str(state.last.get("task_id"))
        try:
            task = await client.images.get(task_id)
            paths = await client.images.download(task, self.command.out)
        except KlingError as error:
            self.lost.append(f"item {state.line.number}")
            self._ended(
                state,
                ERROR,
                f"its files are missing and could not be downloaded again from task {task_id}: {error}",
                task_id=task_id,
            )
            return
        units = state.units()
        self.tally.done += 1
        self.tally.units += units
        names = [path.name for path in paths]
        self.record(state, SUCCEED, task_id=task_id, files=names, units=units_text(units))
        self.progress.item(f"item {state.line.number} (line {state.line.line}): files downloaded again")


def _charged(task: Task, estimate: Decimal | None) -> Decimal:
    from .._jobs import charged_units

    return charged_units(task, estimate)


@contextlib.contextmanager
def _warnings_said_later() -> Iterator[None]:
    """The SDK's warnings about the items (an unknown model...) left out while the command checks them: the SDK
    says them once more as the job runs."""

    def before_warnings(record: logging.LogRecord) -> bool:
        return record.levelno < logging.WARNING

    logger = logging.getLogger(LOGGER_NAME)
    logger.addFilter(before_warnings)
    try:
        yield
    finally:
        logger.removeFilter(before_warnings)


def _async_client(state: CliState) -> AsyncKling:
    from .. import AsyncKling

    base_url = state.base_url
    keys = state.keys(base_url)
    if keys.api_key is not None:
        return AsyncKling(api_key=keys.api_key, base_url=base_url)
    return AsyncKling(keys.access_key, keys.secret_key, base_url=base_url)


async def _run(
    state: CliState, run: JobRun, pending: list[ItemState], again: list[ItemState], planned: Mapping[int, _Item]
) -> None:
    command = run.command
    async with _async_client(state) as client:
        for item_state in again:
            await run.fetch_again(client, item_state)
        if not pending:
            return
        limit = None
        if command.max_units is not None:
            limit = max(Decimal(0), command.max_units - run.tally.units)

        async def on_result(result: BatchResult) -> None:
            await run.on_result(client, result)

        await client.images.generate_many(
            {item.line.number: planned[item.line.number].request for item in pending},
            job=command.job,
            concurrency=command.concurrency,
            max_units=limit,
            on_start=run.on_start,
            on_result=on_result,
        )


def _estimate_document(command: JobCommand, lines: int, estimate: JobEstimate) -> dict[str, Any]:
    return {
        "job": command.job,
        "file_items": lines,
        "shard": None if command.shard is None else f"{command.shard[0]}/{command.shard[1]}",
        "tasks": estimate.tasks,
        "images": estimate.images,
        "units": estimate.units,
        "usd": str(estimate.usd),
        "complete": estimate.complete,
        "unpriced_items": list(estimate.unpriced),
        "models": {
            name: {"tasks": share.tasks, "images": share.images, "units": share.units}
            for name, share in estimate.models.items()
        },
    }


def _print_estimate(output: Output, command: JobCommand, lines: int, estimate: JobEstimate) -> None:
    if output.json_mode:
        output.data(_estimate_document(command, lines, estimate))
        return
    share = f" (shard {command.shard[0]}/{command.shard[1]} of {lines} items)" if command.shard else ""
    output.line(f"job {command.job}: {estimate.tasks} tasks, {estimate.images} images{share}")
    total = f"estimated {estimate.units} units (USD {estimate.usd}), from the spec's price table"
    if estimate.unpriced:
        total += f"; {len(estimate.unpriced)} task(s) of unknown price not counted"
    output.line(total)
    width = max((len(name) for name in estimate.models), default=0)
    for name, part in sorted(estimate.models.items()):
        units = "unknown price" if part.units is None else f"{part.units} units"
        output.line(f"  {name.ljust(width)}  {part.tasks} tasks  {part.images} images  {units}")


def _exit_code(tally: Tally) -> int:
    if tally.errors:
        return API_ERROR
    if tally.running:
        return TIMEOUT
    if tally.not_started:
        return BUDGET
    if tally.failed:
        return TASK_FAILED
    return OK


def _summary(output: Output, command: JobCommand, tally: Tally, manifest: Path, *, interrupted: bool) -> None:
    share = f" (shard {command.shard[0]}/{command.shard[1]})" if command.shard else ""
    counts = [f"{tally.done} done", f"{tally.failed} failed"]
    if tally.errors:
        counts.append(f"{tally.errors} error(s)")
    if tally.running:
        counts.append(f"{tally.running} still running")
    if tally.not_started:
        counts.append(f"{tally.not_started} not started (budget)")
    if tally.queued:
        counts.append(f"{tally.queued} not started")
    word = "interrupted" if interrupted else "finished"
    if output.json_mode:
        output.data(
            {
                "job": command.job,
                "items": tally.total,
                "done": tally.done,
                "failed": tally.failed,
                "errors": tally.errors,
                "running": tally.running,
                "not_started": tally.not_started + tally.queued,
                "units": units_text(tally.units),
                "elapsed_seconds": round(tally.elapsed(), 3),
                "manifest": str(manifest),
                "exit_code": _exit_code(tally),
            }
        )
        return
    output.note(
        f"job {command.job}{share} {word}: {tally.total} items: {', '.join(counts)}; "
        f"{units_text(tally.units)} units spent; {_clock(tally.elapsed())}"
    )
    output.line(str(manifest))


@images.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--job", "job_name", required=True, metavar="NAME", help="The job's name: its tasks' ids derive from it.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    metavar="DIR",
    help="Folder for the images and the manifest (NAME.manifest.jsonl); created if missing.",
)
@click.option(
    "--concurrency",
    type=ASCII_INT,
    default=DEFAULT_BATCH_CONCURRENCY,
    show_default=True,
    help="Concurrency slots to use (a task holds n of them).",
)
@click.option("--shard", type=ShardParam(), help="Take the items whose number % N == K-1 (N machines, one share each).")
@click.option(
    "--max-units", type=UnitsParam(), help="Create no task once spent + running units would pass this (a budget)."
)
@click.option("--dry-run", is_flag=True, help="Print the tasks, images and estimated units; send nothing.")
@click.pass_context
def batch(
    ctx: click.Context,
    file: Path,
    job_name: str,
    out: Path,
    concurrency: int,
    shard: tuple[int, int] | None,
    max_units: Decimal | None,
    dry_run: bool,
) -> None:
    """Generate every item of FILE (a prompt a line, or JSON Lines of create fields) as job NAME, saving the
    images and a manifest in DIR. Run it again to resume: finished items are skipped, running ones waited for,
    missing ones created; two machines (or --shard K/N) never pay twice for an item. Exit code 6: the budget
    stopped new tasks."""
    from .._jobs import check_job_name, estimate_planned, in_shard, plan_items

    state = state_of(ctx)
    output = state.output
    job = check_job_name(job_name)
    command = JobCommand(file, job, out, concurrency, shard, max_units)
    lines = read_job_file(file)
    chosen = [line for line in lines if in_shard(line.number, shard)]
    items = {line.number: line.item for line in chosen}
    with contextlib.nullcontext() if dry_run else _warnings_said_later():
        planned = _checked(file, lines, lambda: plan_items(items, {}, job=job))
    if dry_run:
        _print_estimate(output, command, len(lines), estimate_planned(planned))
        return
    by_number = {item.number: item for item in planned}
    states = [ItemState(line, by_number[line.number].external_task_id, by_number[line.number].units) for line in chosen]
    manifest = Manifest(manifest_path(out, job))
    _where_things_stand(states, manifest.read())
    tally = Tally(total=len(states))
    pending, again = [], []
    for item_state in states:
        if item_state.status == SUCCEED and _files_present(item_state.files(out)):
            tally.done += 1
            tally.units += item_state.units()
        elif item_state.status == SUCCEED and item_state.last and item_state.last.get("task_id"):
            again.append(item_state)
        elif item_state.status == FAILED:
            tally.failed += 1
            tally.units += item_state.units()
        else:
            pending.append(item_state)
    skipped = tally.done + tally.failed
    if skipped:
        output.note(f"resuming job {job}: {tally.done} done and {tally.failed} failed already (per {manifest.path})")
    resume = state.command(*command.words())
    with manifest, JobProgress(output, job, tally) as progress:
        run = JobRun(command, states, manifest, progress)
        try:
            asyncio.run(_run(state, run, pending, again, by_number))
        except KeyboardInterrupt:
            progress.__exit__(None, None, None)
            _summary(output, command, tally, manifest.path, interrupted=True)
            raise Interrupted(
                f"interrupted: no new task is created; {tally.running} task(s) go on server-side (the manifest "
                f"records where each item stands). Resume with: {resume}",
                resume=resume,
            ) from None
    _summary(output, command, tally, manifest.path, interrupted=False)
    code = _exit_code(tally)
    if code == BUDGET:
        output.note(f"to go on, run it again with a larger --max-units: {resume}")
    elif code in (API_ERROR, TIMEOUT):
        output.note(f"run it again to go on: {resume}")
    if code != OK:
        ctx.exit(code)
