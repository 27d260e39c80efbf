"""``kling outpaint IMAGE --left R ...``: outpainting tasks (``/v1/images/editing/expand``: an image extended on its
four sides), with the shared task commands (``_tasks``) over ``client.outpainting``.

``kling outpaint IMAGE ...`` is ``kling outpaint generate IMAGE ...``; ``kling outpaint get|wait|list|download``
follow the tasks.
"""

from __future__ import annotations

from typing import Any

import click

from .._endpoints import expand
from ._app import cli
from ._params import ASCII_FLOAT, ASCII_INT
from ._tasks import DefaultCommandGroup, TaskKind, add_task_commands, use_kind

#: The sides, as the options and the request name them.
SIDES = (("left", "left_expansion_ratio"), ("right", "right_expansion_ratio"), ("up", "up_expansion_ratio"),
         ("down", "down_expansion_ratio"))  # fmt: skip

KIND = TaskKind(
    command="outpaint",
    resource="outpainting",
    endpoint=expand,
    options_of_fields={
        "image": "IMAGE",
        **{field: f"--{side}" for side, field in SIDES},
        "": "/".join(f"--{side}" for side, _ in SIDES),  # the area rule: (1 + left + right) x (1 + up + down) <= 3
    },
)


@cli.group(cls=DefaultCommandGroup)
@click.pass_context
def outpaint(ctx: click.Context) -> None:
    """Extend an image on its sides: kling outpaint IMAGE --left 0.5 --right 0.5."""
    use_kind(ctx, KIND)


def _ratio(side: str, dimension: str) -> Any:
    return click.option(
        f"--{side}",
        type=ASCII_FLOAT,
        default=0.0,
        metavar="RATIO",
        help=f"How far to extend {side if side in ('up', 'down') else 'to the ' + side}, "
        f"a multiple of the {dimension}, 0 to 2 (default 0).",
    )


_PARAMS = [
    click.argument("image", metavar="IMAGE"),
    _ratio("left", "width"),
    _ratio("right", "width"),
    _ratio("up", "height"),
    _ratio("down", "height"),
    click.option("--prompt", help="What to put in the new area."),
    click.option("--n", "n", type=ASCII_INT, help="Number of images, 1 to 9 (server default: 1)."),
]


def _build(params: dict[str, Any]) -> dict[str, Any]:
    fields = dict(params)
    ratios = {field: fields.pop(side) for side, field in SIDES}
    if not any(ratios.values()):
        raise click.UsageError("nothing to extend: give --left, --right, --up or --down (a ratio above 0)")
    return {**fields, **ratios}


add_task_commands(
    outpaint,
    KIND,
    params=_PARAMS,
    build=_build,
    generate_help="Extend IMAGE (a URL, Base64, or a local .jpg/.png) by the ratios, wait, and download the images "
    "(paths to stdout). The result is at most 3 times the original's area.",
    create_help="Create an outpainting task for IMAGE and print its task_id, without waiting.",
)
