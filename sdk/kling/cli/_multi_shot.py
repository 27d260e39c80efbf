"""``kling multi-shot FRONTAL_IMAGE``: AI Multi-Shot tasks (``/v1/general/ai-multi-shot``: three views of a subject
from its frontal image), with the shared task commands (``_tasks``) over ``client.multi_shots``.

``kling multi-shot IMAGE`` is ``kling multi-shot generate IMAGE``: it downloads the three views
(``{task}-{set}-view-{1..3}``); ``kling multi-shot get|wait|list|download`` follow the tasks.
"""

from __future__ import annotations

from typing import Any

import click

from .._endpoints import multi_shot
from ._app import cli
from ._tasks import DefaultCommandGroup, TaskKind, add_task_commands, use_kind

KIND = TaskKind(
    command="multi-shot",
    resource="multi_shots",
    endpoint=multi_shot,
    watermark=False,
    options_of_fields={"element_frontal_image": "FRONTAL_IMAGE"},
)


@cli.group(name="multi-shot", cls=DefaultCommandGroup)
@click.pass_context
def multi_shot_group(ctx: click.Context) -> None:
    """Three views of a subject from its frontal image: kling multi-shot FRONTAL_IMAGE."""
    use_kind(ctx, KIND)


def _build(params: dict[str, Any]) -> dict[str, Any]:
    return dict(params)


add_task_commands(
    multi_shot_group,
    KIND,
    params=[click.argument("element_frontal_image", metavar="FRONTAL_IMAGE")],
    build=_build,
    generate_help="Make three views of the subject of FRONTAL_IMAGE (a URL, Base64, or a local .jpg/.png), wait, "
    "and download them (paths to stdout).",
    create_help="Create a multi-shot task for FRONTAL_IMAGE and print its task_id, without waiting.",
)
