"""``kling omni ...``: omni-image tasks (``/v1/images/omni-image``: Kling Image O1 and Image 3.0 Omni; up to 4K,
image series), with the shared task commands (``_tasks``) over ``client.omni_images``."""

from __future__ import annotations

from typing import Any

import click
from kling_api.models import OmniAspectRatio, OmniModelName, OmniResolution, ResultType

from .._endpoints import omni_image
from ._app import cli
from ._images import choice, element_list, element_option
from ._params import ASCII_INT, SERIES_AMOUNT, OpenChoice
from ._tasks import TaskKind, add_task_commands, use_kind

KIND = TaskKind(
    command="omni",
    resource="omni_images",
    endpoint=omni_image,
    options_of_fields={
        "model_name": "--model",
        "image_list": "--image",
        "element_list": "--element",
        "result_type": "--series",
        "series_amount": "--series",
    },
)


@cli.group()
@click.pass_context
def omni(ctx: click.Context) -> None:
    """Omni-image tasks (Image O1, Image 3.0 Omni): references, elements, 4K, series."""
    use_kind(ctx, KIND)


_PARAMS = [
    click.argument("prompt"),
    click.option(
        "--image",
        "images",
        multiple=True,
        metavar="URL|BASE64|PATH",
        help="A reference image (repeat it), <<<image_1>>> in the prompt: a URL, Base64, or a local .jpg/.png.",
    ),
    element_option("An element of your library (repeat it), <<<element_1>>>; images and elements at most 10."),
    click.option(
        "--model",
        "model_name",
        type=OpenChoice([member.value for member in OmniModelName]),
        help="Model (server default: kling-image-o1). Any other name is sent as it is: the server decides.",
    ),
    click.option("--resolution", type=choice(OmniResolution), help="1k, 2k or 4k (server default: 1k)."),
    click.option("--n", "n", type=ASCII_INT, help="Number of images, 1 to 9 (server default: 1)."),
    click.option(
        "--series",
        "series_amount",
        type=SERIES_AMOUNT,
        metavar="N|auto",
        help="An image series of N images, 2 to 9, or auto (the model chooses); kling-v3-omni's.",
    ),
    click.option("--aspect-ratio", type=choice(OmniAspectRatio), help="Width:height, or auto (server default)."),
]


def _build(params: dict[str, Any]) -> dict[str, Any]:
    fields = dict(params)
    images: tuple[str, ...] = fields.pop("images")
    fields["image_list"] = [{"image": image} for image in images] or None
    fields["element_list"] = element_list(fields.pop("element_ids"))
    if fields["series_amount"] is not None:
        fields["result_type"] = ResultType.SERIES
    return fields


add_task_commands(
    omni,
    KIND,
    params=_PARAMS,
    build=_build,
    generate_help="Create an omni-image task for PROMPT, wait for it, and download its images (paths to stdout).",
    create_help="Create an omni-image task for PROMPT and print its task_id, without waiting.",
)
