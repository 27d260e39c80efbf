"""Turning a create request into the task the emulator runs, for every task endpoint alike.

The documented rules of a create request are the spec's (its cross-field rules included, in the request schema's
``allOf``, and those JSON Schema cannot state in its ``x-kling-rules``, such as the outpainting area), checked by
``kling_spec.inspect_request_body`` with what needs the image's bytes: one validator shared with the SDK and the
contract mock, so a rule added to the spec applies here too. A broken rule answers 400/1201 with a message naming
the field.

Then the model, for an endpoint that has one, as the service decides it (the request's ``model_name`` is open: any
string is valid for the schema, and the server says whether it has that model):

- none given (or the legacy ``model`` field, which the service treats like an empty ``model_name``): the
  endpoint's default, ``kling_spec.default_model(schema=...)``;
- on /v1/images/generations, a retired model (``kling_spec.retired_models()``): 400/1201, in the words of the
  service's live answer;
- a model the endpoint does not list: 404/1203, as the spec's ``NotFound`` example ("requested resource does not
  exist: model kling-v9");
- a listed model asked for what it does not support (``kling_spec.capability_problems``, the spec's
  ``x-kling-capabilities``): 400/1201, the message naming the field and the model.

What stays here is the emulator's own: the defaults filled in, what the task will cost (the spec's
``x-kling-pricing``, through ``kling_spec.estimate_cost``), how many slots it holds and the images it will render
(their sizes and labels), all per endpoint (``_endpoints``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from kling_spec import (
    RequestValidationError,
    Spec,
    capability_problems,
    create_request_defaults,
    default_model,
    estimate_cost,
    inspect_request_body,
    known_models,
    retired_models,
)

from ._constants import (
    AUTO_SERIES_AMOUNT,
    DEFAULT_EXPAND_SOURCE,
    ELEMENT_TASK_SLOTS,
    MAX_CALLBACK_URL_CHARS,
    MAX_EXTERNAL_TASK_ID_CHARS,
    MAX_RENDER_SIDE,
    MULTI_SHOT_VIEWS,
)
from ._endpoints import ELEMENTS, EXPAND, GENERATIONS, MULTI_IMAGE, MULTI_SHOT, OMNI_IMAGE, Endpoint
from ._errors import ApiError, echo
from ._images import image_size, scaled_size
from ._tasks import ElementSpec, ImageSpec, TaskSpec


def discontinued(model: str) -> ApiError:
    """The answer to a retired model.

    The words are the service's live answer to a create naming ``kling-v1`` (auth-and-general.md §2.1,
    [3rd-party: SPEC §1.1]); that report gives no code or status. 400/1201, "invalid parameter (wrong key or
    value)" [official: ERR], is the code of a value the service knows and refuses, which a retired name is;
    404/1203 ("requested resource (e.g. model) does not exist") is kept for names it never had, as the
    spec's NotFound example has it. A client sees the difference: 1201 says "change the value", and the
    message says to what no longer works.
    """
    return ApiError(400, 1201, f"The model '{model}' has been discontinued and is no longer available.")


def unknown_model(model: str) -> ApiError:
    """The answer to a model name the service does not have: 404/1203, as the spec's NotFound example."""
    return ApiError.from_code(1203, f"model {echo(model)}")


def check_model(body: Mapping[str, Any], spec: Spec | None = None, endpoint: Endpoint = GENERATIONS) -> str:
    """The model a (schema-valid) create body runs on ("" for an endpoint without models); ApiError when the service
    would refuse it."""
    schema = endpoint.create
    listed = known_models(spec, schema=schema)
    if not listed:
        return ""
    model = body.get("model_name") or default_model(spec, schema=schema)
    if not isinstance(model, str):  # pragma: no cover - the schema allows strings only
        raise ApiError.invalid("body.model_name", "must be a string")
    if endpoint.retired_models and model in retired_models(spec):
        raise discontinued(model)
    if model not in listed:
        raise unknown_model(model)
    problems = capability_problems(body, spec=spec, schema=schema)
    if problems:
        raise ApiError(problems[0].status, problems[0].api_code, str(problems[0]))
    return model


def decimal_text(value: Decimal) -> str:
    """A decimal as the service writes money, plain and without trailing zeros: ``0.0280`` -> ``"0.028"``."""
    return format(value.normalize(), "f")


def task_spec(
    body: Mapping[str, Any], spec: Spec | None = None, endpoint: Endpoint = GENERATIONS, *, api_key_name: str = ""
) -> TaskSpec:
    """The TaskSpec of a create body of ``endpoint``; ApiError (400/1201 naming the field, 404/1203 for an unknown
    model) when the service would refuse it."""
    try:
        found = inspect_request_body(body, schema=endpoint.create, spec=spec)
    except RequestValidationError as error:
        raise ApiError(error.status, error.api_code, str(error)) from None
    _check_kept_lengths(body)
    model = check_model(body, spec, endpoint)
    body = {**create_request_defaults(spec, schema=endpoint.create), **body}
    if model:
        body["model_name"] = model
    shape = _SHAPES[endpoint](body, {field: (info.width, info.height) for field, info in found.items()})
    # Only the documented field is echoed back: anything else in it is not ours to repeat.
    watermark = body.get("watermark_info")
    watermark_info = None
    if isinstance(watermark, Mapping):
        watermark_info = {key: watermark[key] for key in ("enabled",) if key in watermark}
    units, list_price = _price(body, spec, endpoint)
    width, height = (shape.images[0].width, shape.images[0].height) if shape.images else (0, 0)
    caption = " · ".join(
        part for part in ("Kling emulator", endpoint.path, model, shape.aspect_ratio, shape.resolution) if part
    )
    return TaskSpec(
        model_name=model,
        prompt=shape.prompt if shape.prompt is not None else str(body.get("prompt") or endpoint.product_function),
        n=shape.generated,
        aspect_ratio=shape.aspect_ratio,
        resolution=shape.resolution,
        width=width,
        height=height,
        external_task_id=body.get("external_task_id"),
        callback_url=body.get("callback_url"),
        watermark_info=watermark_info,
        units=units,
        list_price=list_price,
        elements=len(body.get("element_list") or ()),
        endpoint=endpoint,
        images=shape.images,
        slot_count=shape.slots,
        result_type=str(body.get("result_type", "single")),
        element=shape.element,
        api_key_name=api_key_name,
        caption=caption + (f" · {shape.note}" if shape.note else ""),
    )


def _check_kept_lengths(body: Mapping[str, Any]) -> None:
    for name, limit in (
        ("external_task_id", MAX_EXTERNAL_TASK_ID_CHARS),
        ("callback_url", MAX_CALLBACK_URL_CHARS),
    ):
        value = body.get(name)
        if isinstance(value, str) and len(value) > limit:
            # The emulator's own bound on what a task keeps (see _constants): the spec states none.
            raise ApiError.invalid(f"body.{name}", f"is longer than {limit} characters (the emulator's limit)")


def _price(body: Mapping[str, Any], spec: Spec | None, endpoint: Endpoint) -> tuple[str | None, str | None]:
    """(units, USD) the task is charged when it succeeds, as the answers write them; (None, None) when unknown."""
    if not endpoint.priced:
        return "0", "0"
    priced = dict(body)
    if priced.get("result_type") == "series" and priced.get("series_amount") == "auto":
        # The price table prices a series by its length, unknown for "auto" until it is made: the emulator makes
        # AUTO_SERIES_AMOUNT images, and charges for them.
        priced["series_amount"] = AUTO_SERIES_AMOUNT
    estimate = estimate_cost(priced, spec=spec, schema=endpoint.create)
    if estimate is None:
        return None, None
    return str(estimate.units), decimal_text(estimate.usd)


# -- what each endpoint makes: its images (sizes, labels), the slots it holds ---------------------------------


class _Shape:
    """What a create makes, by endpoint: the images it serves and what it holds of the quota."""

    def __init__(
        self,
        images: tuple[ImageSpec, ...],
        *,
        generated: int | None = None,
        slots: int | None = None,
        aspect_ratio: str = "",
        resolution: str = "",
        prompt: str | None = None,
        note: str = "",
        element: ElementSpec | None = None,
    ) -> None:
        self.images = images
        self.generated = len(images) if generated is None else generated
        self.slots = slots
        self.aspect_ratio = aspect_ratio
        self.resolution = resolution
        self.prompt = prompt
        self.note = note
        self.element = element


Sizes = Mapping[str, tuple[int, int]]


def _numbered(count: int, width: int, height: int, label: Callable[[int], str]) -> tuple[ImageSpec, ...]:
    return tuple(ImageSpec(width, height, label(index)) for index in range(count))


def _count(value: Any) -> int:
    # JSON Schema counts 1.0 as an integer; the store counts slots (and the price counts images) in ints.
    return int(value)


def _generations(body: Mapping[str, Any], sizes: Sizes) -> _Shape:
    n, aspect_ratio, resolution = _count(body["n"]), str(body["aspect_ratio"]), str(body["resolution"])
    # Both models of the 2026 edition take the request's aspect ratio, with or without an input image.
    width, height = image_size(aspect_ratio, resolution)
    images = _numbered(n, width, height, lambda index: f"image {index + 1} of {n}")
    return _Shape(images, aspect_ratio=aspect_ratio, resolution=resolution)


def _omni(body: Mapping[str, Any], sizes: Sizes) -> _Shape:
    resolution, aspect_ratio = str(body["resolution"]), str(body["aspect_ratio"])
    if aspect_ratio == "auto":
        # "chosen from the inputs": the first Base64 input's shape (a URL is never fetched), else square.
        width, height = scaled_size(*next(iter(sizes.values()), (1, 1)), resolution)
    else:
        width, height = image_size(aspect_ratio, resolution)
    if body["result_type"] == "series":
        amount = body["series_amount"]
        count = AUTO_SERIES_AMOUNT if amount == "auto" else _count(amount)
        images = _numbered(count, width, height, lambda index: f"series {index + 1}/{count}")
    else:
        n = _count(body["n"])
        images = _numbered(n, width, height, lambda index: f"image {index + 1} of {n}")
    return _Shape(images, aspect_ratio=aspect_ratio, resolution=resolution)


def _multi_image(body: Mapping[str, Any], sizes: Sizes) -> _Shape:
    # No resolution to choose: priced as 1K (x-kling-pricing), rendered at 1K.
    n, aspect_ratio = _count(body["n"]), str(body["aspect_ratio"])
    width, height = image_size(aspect_ratio, "1k")
    return _Shape(_numbered(n, width, height, lambda index: f"image {index + 1} of {n}"), aspect_ratio=aspect_ratio)


def _expand(body: Mapping[str, Any], sizes: Sizes) -> _Shape:
    source_width, source_height = sizes.get("body.image", DEFAULT_EXPAND_SOURCE)
    left, right, up, down = (
        float(body[f"{side}_expansion_ratio"]) for side in ("left", "right", "up", "down")
    )  # the schema requires all four
    width, height = source_width * (1 + left + right), source_height * (1 + up + down)
    # The result, scaled down as a whole when a side would be longer than the emulator renders.
    scale = min(1.0, MAX_RENDER_SIDE / max(width, height))
    frame = (
        round(source_width * left * scale),
        round(source_height * up * scale),
        max(1, round(source_width * scale)),
        max(1, round(source_height * scale)),
    )
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    n = _count(body["n"])
    images = tuple(ImageSpec(*size, f"image {index + 1} of {n}", frame) for index in range(n))
    note = f"source {source_width}x{source_height}" + ("" if "body.image" in sizes else " (a URL: not fetched)")
    return _Shape(images, note=note)


def _multi_shot(body: Mapping[str, Any], sizes: Sizes) -> _Shape:
    width, height = scaled_size(*sizes.get("body.element_frontal_image", (1, 1)), "1k")
    images = _numbered(MULTI_SHOT_VIEWS, width, height, lambda index: f"view {index + 1} of {MULTI_SHOT_VIEWS}")
    return _Shape(images)


def _element(body: Mapping[str, Any], sizes: Sizes) -> _Shape:
    image_list = body.get("element_image_list") if body["reference_type"] == "image_refer" else None
    urls: list[str | None] = []
    images: list[ImageSpec] = []
    if isinstance(image_list, Mapping):
        inputs = [("body.element_image_list.frontal_image", image_list["frontal_image"], "frontal image")]
        refers = image_list["refer_images"]
        for index, refer in enumerate(refers):
            label = f"reference image {index + 1} of {len(refers)}"
            inputs.append((f"body.element_image_list.refer_images.{index}.image_url", refer["image_url"], label))
        for field, value, label in inputs:
            urls.append(_kept_url(value, field))
            images.append(ImageSpec(*scaled_size(*sizes.get(field, (1, 1)), "1k"), label))
    video_list = body.get("element_video_list") if body["reference_type"] == "video_refer" else None
    videos: tuple[str, ...] = ()
    if isinstance(video_list, Mapping):
        videos = tuple(
            _kept(str(video["video_url"]), f"body.element_video_list.refer_videos.{index}.video_url")
            for index, video in enumerate(video_list.get("refer_videos", []))
        )
    voice = body.get("element_voice_id")
    element = ElementSpec(
        name=str(body["element_name"]),
        description=str(body["element_description"]),
        reference_type=str(body["reference_type"]),
        image_urls=tuple(urls),
        video_urls=videos,
        voice_id=_kept(voice, "body.element_voice_id") if isinstance(voice, str) and voice else None,
        # Each tag once: a list of a million repeated tags keeps eight.
        tags=tuple(dict.fromkeys(str(tag["tag_id"]) for tag in body.get("tag_list") or ())),
    )
    prompt = f"{element.name}: {element.description}"
    return _Shape(tuple(images), generated=0, slots=ELEMENT_TASK_SLOTS, prompt=prompt, element=element)


def _kept(value: str, field: str) -> str:
    """A string an element keeps and echoes, within the emulator's bound on what a task keeps."""
    if len(value) > MAX_EXTERNAL_TASK_ID_CHARS:
        raise ApiError.invalid(field, f"is longer than {MAX_EXTERNAL_TASK_ID_CHARS} characters (the emulator's limit)")
    return value


def _kept_url(value: Any, field: str) -> str | None:
    """The URL an element image was given as, kept; None for Base64 (the emulator serves a placeholder of it)."""
    text = str(value)
    return _kept(text, field) if "://" in text else None


_SHAPES: dict[Endpoint, Callable[[Mapping[str, Any], Sizes], _Shape]] = {
    GENERATIONS: _generations,
    OMNI_IMAGE: _omni,
    MULTI_IMAGE: _multi_image,
    EXPAND: _expand,
    MULTI_SHOT: _multi_shot,
    ELEMENTS: _element,
}
