"""Human vs ``--json`` rendering, and the live progress of a wait.

Data goes to stdout (saved paths, a task, a token); everything for the eyes of a person goes to
stderr, so ``kling images generate ... | xargs open`` works. With ``--json`` stdout carries exactly
one JSON document and stderr only JSON errors: no progress, no notes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import click
from kling_api.types import Unset
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from ._errors import Failure

if TYPE_CHECKING:
    from .._endpoints import Picture, Task


class Output:
    """Where and how a command writes; built once per invocation from the global options."""

    def __init__(self, *, json_mode: bool) -> None:
        self.json_mode = json_mode
        # Resolved at write time (rich looks up sys.stderr on each write), so test runners that
        # swap the streams see everything.
        self.stderr = Console(stderr=True, highlight=False, soft_wrap=True)

    # -- stdout ------------------------------------------------------------------------------

    def data(self, document: Any) -> None:
        """The one JSON document of a ``--json`` run."""
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))

    def line(self, text: str) -> None:
        click.echo(text)

    # -- stderr ------------------------------------------------------------------------------

    def note(self, text: str) -> None:
        """A remark for a person (silent with --json)."""
        if not self.json_mode:
            click.echo(text, err=True)

    def error(self, failure: Failure) -> None:
        if self.json_mode:
            click.echo(json.dumps(failure.as_json(), ensure_ascii=False), err=True)
        else:
            click.echo(f"error: {failure.message}", err=True)

    @contextmanager
    def progress(self, task_id: str) -> Iterator[WaitProgress]:
        with WaitProgress(self, task_id) as progress:
            yield progress


class WaitProgress:
    """Status and elapsed time of one task while it runs, then its downloads.

    On a terminal: a live spinner line (rich) that disappears when done. Elsewhere (a pipe, a log
    file, CI): one plain line per status change. With --json: nothing.
    """

    def __init__(self, output: Output, task_id: str) -> None:
        self._output = output
        self._task_id = task_id
        self._started = time.monotonic()
        self._last_status: str | None = None
        self._live: Progress | None = None
        self._row: TaskID | None = None

    def __enter__(self) -> WaitProgress:
        if not self._output.json_mode and self._output.stderr.is_terminal:
            self._live = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self._output.stderr,
                transient=True,
            )
            self._live.start()
            self._row = self._live.add_task(f"task {self._task_id}: submitted", total=None)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.stop()
            # The live line vanishes; leave the outcome behind (plain output already printed it).
            if kind is None and self._last_status is not None:
                self._output.note(f"task {self._task_id}: {self._last_status} after {self.elapsed:.1f} s")

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def update(self, task: Task) -> None:
        """The SDK's ``on_update`` hook: called with each task state the wait sees."""
        status = str(task.task_status)
        if status == self._last_status:
            return
        self._last_status = status
        self._show(f"task {self._task_id}: {status}")

    def stage(self, text: str) -> None:
        """A step after the wait, e.g. the downloads."""
        self._show(text)

    def _show(self, text: str) -> None:
        if self._output.json_mode:
            return
        if self._live is not None and self._row is not None:
            self._live.update(self._row, description=text)
        else:
            self._output.note(f"{text} ({self.elapsed:.1f} s)")


def _timestamp(milliseconds: int) -> str:
    try:
        return datetime.fromtimestamp(milliseconds / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, ValueError, OSError):
        # An answer's timestamp beyond the years datetime knows: shown as it came, never a traceback.
        return f"{milliseconds} ms"


def picture_urls(pictures: Sequence[Picture], *, watermark: bool = False) -> list[str]:
    """The URLs of a task's pictures (``TaskEndpoint.pictures``: its images, a series, a multi-shot's views), in
    order; the watermarked copies' with ``watermark``."""
    urls: list[str] = []
    for picture in pictures:
        url = picture.watermark_url if watermark else picture.url
        if isinstance(url, str):
            urls.append(url)
    return urls


def task_lines(task: Task, pictures: Sequence[Picture], details: Sequence[tuple[str, str]] = ()) -> list[str]:
    """A task for a person: one ``label  value`` per line (``details``: more rows, e.g. an element's id)."""
    rows: list[tuple[str, str]] = [
        ("task_id", task.task_id),
        ("status", str(task.task_status)),
        ("created", _timestamp(task.created_at)),
        ("updated", _timestamp(task.updated_at)),
    ]
    if not isinstance(task.task_info, Unset) and isinstance(task.task_info.external_task_id, str):
        rows.append(("external_task_id", task.task_info.external_task_id))
    if isinstance(task.task_status_msg, str) and task.task_status_msg:
        rows.append(("message", task.task_status_msg))
    rows.extend(details)
    rows.extend(("image", url) for url in picture_urls(pictures))
    rows.extend(("watermarked", url) for url in picture_urls(pictures, watermark=True))
    width = max(len(label) for label, _ in rows)
    return [f"{label.ljust(width)}  {value}" for label, value in rows]


def task_row(task: Task, pictures: Sequence[Picture]) -> str:
    """A task in one line, for ``kling images list`` (and every task list)."""
    images = len(picture_urls(pictures))
    return f"{task.task_id}  {task.task_status!s:<10}  {_timestamp(task.created_at)}  {images} image(s)"


def paths_document(task: Any, paths: Sequence[Path]) -> dict[str, Any]:
    return {"task": task.to_dict(), "files": [str(path) for path in paths]}
