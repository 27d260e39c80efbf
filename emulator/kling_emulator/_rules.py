"""Turning a create request into the task the emulator runs.

The documented rules of the create request are the spec's (its cross-field rules included, in
``CreateImageTaskRequest.allOf``), checked by ``kling_spec`` with what needs the image's bytes: one
validator shared with the SDK and the contract mock, so a rule added to the spec applies here too.
A broken rule answers 400/1201 with a message naming the field. What stays here is the emulator's
own: the defaults filled in, and the size of the images it will render.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kling_spec import IMAGE_ONLY_MODELS, RequestValidationError, Spec, create_request_defaults, inspect_create_body

from ._errors import ApiError
from ._images import image_size, scaled_size
from ._tasks import TaskSpec


def task_spec(body: Mapping[str, Any], spec: Spec | None = None) -> TaskSpec:
    """The TaskSpec of a create body; ApiError (400/1201, naming the field) when a rule is broken."""
    try:
        info = inspect_create_body(body, spec=spec)
    except RequestValidationError as error:
        raise ApiError(error.status, error.api_code, str(error)) from None
    body = {**create_request_defaults(spec), **body}
    model: str = body["model_name"]
    resolution: str = body["resolution"]
    aspect_ratio: str = body["aspect_ratio"]

    if model in IMAGE_ONLY_MODELS and info is not None:
        width, height = scaled_size(info.width, info.height, resolution)
    else:
        width, height = image_size(aspect_ratio, resolution)
    # Only the documented field is echoed back: anything else in it is not ours to repeat.
    watermark = body.get("watermark_info")
    watermark_info = None
    if isinstance(watermark, Mapping):
        watermark_info = {key: watermark[key] for key in ("enabled",) if key in watermark}
    return TaskSpec(
        model_name=model,
        prompt=body["prompt"],
        # JSON Schema counts 1.0 as an integer; the store counts slots in ints.
        n=int(body["n"]),
        aspect_ratio=aspect_ratio,
        resolution=resolution,
        width=width,
        height=height,
        external_task_id=body.get("external_task_id"),
        callback_url=body.get("callback_url"),
        watermark_info=watermark_info,
    )
