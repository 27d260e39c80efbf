"""Turning a create request into the task the emulator runs.

The documented rules of the create request are the spec's (its cross-field rules included, in
``CreateImageTaskRequest.allOf``), checked by ``kling_spec`` with what needs the image's bytes: one
validator shared with the SDK and the contract mock, so a rule added to the spec applies here too.
A broken rule answers 400/1201 with a message naming the field.

Then the model, as the service decides it (the request's ``model_name`` is open: any string is valid for
the schema, and the server says whether it has that model):

- none given (or the legacy ``model`` field, which the service treats like an empty ``model_name``): the
  spec's default, ``kling_spec.default_model()``;
- a retired model (``kling_spec.retired_models()``): 400/1201, in the words of the service's live answer;
- a model the spec does not list: 404/1203, as the spec's ``NotFound`` example ("requested resource does not
  exist: model kling-v9");
- a listed model asked for what it does not support (``kling_spec.capability_problems``, the spec's
  ``x-kling-capabilities``): 400/1201, the message naming the field and the model.

What stays here is the emulator's own: the defaults filled in, what the task will cost (the spec's
``x-kling-pricing``, through ``kling_spec.estimate_cost``), and the size of the images it will render.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kling_spec import (
    RequestValidationError,
    Spec,
    capability_problems,
    create_request_defaults,
    default_model,
    estimate_cost,
    inspect_create_body,
    known_models,
    retired_models,
)

from ._errors import ApiError, echo
from ._images import image_size
from ._tasks import TaskSpec


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


def check_model(body: Mapping[str, Any], spec: Spec | None = None) -> str:
    """The model a (schema-valid) create body runs on; ApiError when the service would refuse it."""
    model = body.get("model_name") or default_model(spec)
    if not isinstance(model, str):  # pragma: no cover - the schema allows strings only
        raise ApiError.invalid("body.model_name", "must be a string")
    if model in retired_models(spec):
        raise discontinued(model)
    if model not in known_models(spec):
        raise unknown_model(model)
    problems = capability_problems(body, spec=spec)
    if problems:
        raise ApiError(problems[0].status, problems[0].api_code, str(problems[0]))
    return model


def decimal_text(value: Decimal) -> str:
    """A decimal as the service writes money, plain and without trailing zeros: ``0.0280`` -> ``"0.028"``."""
    return format(value.normalize(), "f")


def task_spec(body: Mapping[str, Any], spec: Spec | None = None) -> TaskSpec:
    """The TaskSpec of a create body; ApiError (400/1201 naming the field, 404/1203 for an unknown model)
    when the service would refuse it."""
    try:
        inspect_create_body(body, spec=spec)
    except RequestValidationError as error:
        raise ApiError(error.status, error.api_code, str(error)) from None
    model = check_model(body, spec)
    body = {**create_request_defaults(spec), **body, "model_name": model}
    # JSON Schema counts 1.0 as an integer; the store counts slots (and the price counts images) in ints.
    body["n"] = int(body["n"])
    resolution: str = body["resolution"]
    aspect_ratio: str = body["aspect_ratio"]
    # Both models of the 2026 edition take the request's aspect ratio, with or without an input image.
    width, height = image_size(aspect_ratio, resolution)
    # Only the documented field is echoed back: anything else in it is not ours to repeat.
    watermark = body.get("watermark_info")
    watermark_info = None
    if isinstance(watermark, Mapping):
        watermark_info = {key: watermark[key] for key in ("enabled",) if key in watermark}
    estimate = estimate_cost(body, spec=spec)
    return TaskSpec(
        model_name=model,
        prompt=body["prompt"],
        n=body["n"],
        aspect_ratio=aspect_ratio,
        resolution=resolution,
        width=width,
        height=height,
        external_task_id=body.get("external_task_id"),
        callback_url=body.get("callback_url"),
        watermark_info=watermark_info,
        units=None if estimate is None else str(estimate.units),
        list_price=None if estimate is None else decimal_text(estimate.usd),
        elements=len(body.get("element_list") or ()),
    )
