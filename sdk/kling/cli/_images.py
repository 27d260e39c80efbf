"""``kling images ...``: create, query, wait for and download image tasks (``/v1/images/generations``).

The verbs are the shared task commands (``_tasks``) over ``client.images``; this module says the options of
``generate`` and ``create`` and how they become the request.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import click
from kling_api.models import AspectRatio, ImageReference, ModelName, Resolution

from .._endpoints import IMAGES
from ._app import cli
from ._params import ASCII_FLOAT, ASCII_INT, OpenChoice
from ._tasks import TaskKind, add_task_commands, use_kind

KIND = TaskKind(command="images", resource="images", endpoint=lambda: IMAGES)


def choice(enum: type[StrEnum]) -> click.Choice[str]:
    """The values the spec lists, read from the generated enum, so a spec change reaches the CLI."""
    return click.Choice([member.value for member in enum])


def element_option(help_text: str) -> Any:
    """``--element ID`` (repeatable): ``element_ids``, turned into ``element_list`` by :func:`element_list`."""
    return click.option("--element", "element_ids", type=ASCII_INT, multiple=True, metavar="ID", help=help_text)


def element_list(element_ids: tuple[int, ...]) -> list[dict[str, int]] | None:
    return [{"element_id": element_id} for element_id in element_ids] or None


@cli.group()
@click.pass_context
def images(ctx: click.Context) -> None:
    """Create image tasks, follow them and download their images."""
    use_kind(ctx, KIND)


_PARAMS = [
    click.argument("prompt"),
    click.option(
        "--model",
        "model_name",
        type=OpenChoice([member.value for member in ModelName]),
        help="Model (server default: kling-v3). Any other name is sent as it is: the server decides.",
    ),
    click.option("--n", "n", type=ASCII_INT, help="Number of images, 1 to 9 (server default: 1)."),
    click.option("--aspect-ratio", type=choice(AspectRatio), help="Width:height (server default: 16:9)."),
    click.option("--resolution", type=choice(Resolution), help="1k or 2k (server default: 1k)."),
    click.option("--negative-prompt", help="What to avoid (not with --image)."),
    click.option("--image", metavar="URL|BASE64|PATH", help="Reference image: a URL, Base64, or a local .jpg/.png."),
    click.option(
        "--image-reference", type=choice(ImageReference), help="subject or face, with --image (kling-v2-1's)."
    ),
    click.option("--image-fidelity", type=ASCII_FLOAT, help="Reference strength of --image, 0 to 1 (kling-v2-1's)."),
    click.option(
        "--human-fidelity",
        type=ASCII_FLOAT,
        help="Facial likeness, 0 to 1, with --image-reference subject (kling-v2-1's).",
    ),
    element_option("An element of your element library to use (repeat it; at most 10 with --image counted)."),
]


def _build(params: dict[str, Any]) -> dict[str, Any]:
    fields = dict(params)
    fields["element_list"] = element_list(fields.pop("element_ids"))
    return fields


add_task_commands(
    images,
    KIND,
    params=_PARAMS,
    build=_build,
    generate_help="Create a task for PROMPT, wait for it, and download its images (their paths go to stdout).",
    create_help="Create a task for PROMPT and print its task_id, without waiting.",
)

# `kling images batch` (large jobs) lives in its own module, which adds it to this group.
from . import _batch as _batch  # noqa: E402
