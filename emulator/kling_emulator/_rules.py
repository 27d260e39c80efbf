"""The documented rules of the create request that its JSON schema cannot express.

Each broken rule answers 400/1201 with a message naming the field. Checked, in this order:

- ``negative_prompt`` is not supported together with ``image`` (image-to-image);
- ``image_reference`` needs ``image``, and only kling-v1-5 supports it;
- kling-v1-5 with ``image`` needs ``image_reference``;
- kling-v2-new (restyle only) needs ``image``;
- the capability map: kling-v1 has no 21:9; 2k only with kling-v2 and kling-v2-1;
- ``image`` is an http(s) URL (never fetched) or bare Base64 (no ``data:`` prefix) of a JPG or
  PNG of at most 10 MB, at least 300 px a side, aspect ratio between 1:2.5 and 2.5:1.

Empty strings count as absent for ``image`` and ``negative_prompt`` ("when the image field is
not empty"). ``image_fidelity`` and ``human_fidelity`` are accepted and have no effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ._constants import (
    DEFAULT_ASPECT_RATIO,
    DEFAULT_MODEL,
    DEFAULT_N,
    DEFAULT_RESOLUTION,
    HIGH_RES_MODELS,
    IMAGE_ONLY_MODELS,
    REFERENCE_MODELS,
    UNSUPPORTED_RATIOS,
)
from ._errors import ApiError
from ._images import ImageInfo, image_size, inspect_base64_image, scaled_size
from ._tasks import TaskSpec


def task_spec(body: Mapping[str, Any]) -> TaskSpec:
    """The TaskSpec of a create body that passed schema validation; ApiError when a rule is broken."""
    model: str = body.get("model_name", DEFAULT_MODEL)
    resolution: str = body.get("resolution", DEFAULT_RESOLUTION)
    aspect_ratio: str = body.get("aspect_ratio", DEFAULT_ASPECT_RATIO)
    image: str | None = body.get("image") or None
    reference: str | None = body.get("image_reference")

    if body.get("negative_prompt") and image:
        raise ApiError.invalid("body.negative_prompt", "is not supported with body.image (image-to-image)")
    if reference is not None and not image:
        raise ApiError.invalid("body.image", "is required when body.image_reference is set")
    if reference is not None and model not in REFERENCE_MODELS:
        raise ApiError.invalid("body.image_reference", f"is only supported by kling-v1-5, not {model}")
    if model in REFERENCE_MODELS and image and reference is None:
        raise ApiError.invalid("body.image_reference", f"is required with {model} when body.image is set")
    if model in IMAGE_ONLY_MODELS and not image:
        raise ApiError.invalid("body.image", f"is required by {model}, which only restyles an input image")
    if aspect_ratio in UNSUPPORTED_RATIOS.get(model, ()):
        raise ApiError.invalid("body.aspect_ratio", f"{aspect_ratio} is not supported by {model}")
    if resolution != DEFAULT_RESOLUTION and model not in HIGH_RES_MODELS:
        raise ApiError.invalid(
            "body.resolution", f"{resolution} is only supported by {' and '.join(sorted(HIGH_RES_MODELS))}, not {model}"
        )
    info = check_image(image) if image else None

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
        n=int(body.get("n", DEFAULT_N)),
        aspect_ratio=aspect_ratio,
        resolution=resolution,
        width=width,
        height=height,
        external_task_id=body.get("external_task_id"),
        callback_url=body.get("callback_url"),
        watermark_info=watermark_info,
    )


def check_image(value: str) -> ImageInfo | None:
    """Check a reference image; its size when it is Base64 (URLs are never fetched: None)."""
    if value[:5].lower() == "data:":
        raise ApiError.invalid("body.image", "must be the bare Base64 string, without a data: prefix")
    if "://" in value:
        try:
            parts = urlsplit(value)
        except ValueError:
            raise ApiError.invalid("body.image", "is not a valid URL") from None
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ApiError.invalid("body.image", "a URL must be http(s) with a host")
        return None
    try:
        return inspect_base64_image(value)
    except ValueError as error:
        raise ApiError.invalid("body.image", str(error)) from None
