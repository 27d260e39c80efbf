"""``kling multi-image ...``: multi-image-to-image tasks (``/v1/images/multi-image2image``: up to four subjects, a
scene and a style combined), with the shared task commands (``_tasks``) over ``client.multi_images``."""

from __future__ import annotations

from typing import Any

import click
from kling_api.models import AspectRatio, MultiImageModelName

from .._endpoints import multi_image
from ._app import cli
from ._images import choice
from ._params import ASCII_INT, OpenChoice
from ._tasks import TaskKind, add_task_commands, use_kind

KIND = TaskKind(
    command="multi-image",
    resource="multi_images",
    endpoint=multi_image,
    options_of_fields={
        "model_name": "--model",
        "subject_image_list": "--subject",
        "scene_image": "--scene",
        "style_image": "--style",
        "prompt": "PROMPT",
    },
)


@cli.group(name="multi-image")
@click.pass_context
def multi_image_group(ctx: click.Context) -> None:
    """Multi-image tasks: up to four subjects, a scene and a style in one image."""
    use_kind(ctx, KIND)


_IMAGE = "a URL, Base64, or a local .jpg/.png"
_PARAMS = [
    click.argument("prompt", required=False),
    click.option(
        "--subject",
        "subjects",
        multiple=True,
        metavar="URL|BASE64|PATH",
        help=f"A subject, cropped to it (repeat it: 1 to 4): {_IMAGE}.",
    ),
    click.option("--scene", "scene_image", metavar="URL|BASE64|PATH", help=f"The scene to put them in: {_IMAGE}."),
    click.option("--style", "style_image", metavar="URL|BASE64|PATH", help=f"The style to paint in: {_IMAGE}."),
    click.option(
        "--model",
        "model_name",
        type=OpenChoice([member.value for member in MultiImageModelName]),
        help="Model (server default: kling-v2-1). Any other name is sent as it is: the server decides.",
    ),
    click.option("--n", "n", type=ASCII_INT, help="Number of images, 1 to 9 (server default: 1)."),
    click.option("--aspect-ratio", type=choice(AspectRatio), help="Width:height (server default: 16:9)."),
]


def _build(params: dict[str, Any]) -> dict[str, Any]:
    fields = dict(params)
    subjects: tuple[str, ...] = fields.pop("subjects")
    # Left out when none is given: the SDK then says that subject_image_list is required (before sending).
    fields["subject_image_list"] = [{"subject_image": subject} for subject in subjects] or None
    return fields


add_task_commands(
    multi_image_group,
    KIND,
    params=_PARAMS,
    build=_build,
    generate_help="Combine the --subject images (with a --scene, a --style, a PROMPT), wait, and download the "
    "images (paths to stdout).",
    create_help="Create a multi-image task and print its task_id, without waiting.",
)
