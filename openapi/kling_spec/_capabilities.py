"""What each model supports and costs: data in the spec, never a rule of the request.

The spec's request schemas (``CreateImageTaskRequest``, ``CreateOmniImageTaskRequest``, ...) carry the publisher's
capability map as ``x-kling-capabilities`` and its price table as ``x-kling-pricing``; each function takes the
request's schema name or operationId as ``schema`` (default: ``CreateImageTaskRequest``). A body that goes beyond a
model's capabilities is still a valid request: whether the model takes it is the server's call. The SDK warns and
sends it (or refuses it when asked to), the emulator refuses it as the service would. A model the spec does not
list has no known capabilities and no known price: nothing is checked for it, and its cost is unknown (None).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ._rules import CREATE_REQUEST_SCHEMA
from ._schemas import image_input_fields, image_inputs, request_schema
from ._spec import RequestValidationError, Spec, _shorten, load_spec

_CAPABILITIES = "x-kling-capabilities"
_PRICING = "x-kling-pricing"
#: In a model's capabilities: what a request without input images may hold instead of ``values``.
_TEXT_TO_IMAGE = "text_to_image"


def _request_schema(spec: Spec | None, schema: str = CREATE_REQUEST_SCHEMA) -> Mapping[str, Any]:
    return request_schema(schema, spec if spec is not None else load_spec())


def known_models(spec: Spec | None = None, *, schema: str = CREATE_REQUEST_SCHEMA) -> tuple[str, ...]:
    """The model names the spec lists for a request (``("kling-v3", "kling-v2-1")`` for the default, the create
    request of /v1/images/generations); () for a request without ``model_name`` (outpainting, elements)."""
    spec = spec if spec is not None else load_spec()
    model_name = _request_schema(spec, schema).get("properties", {}).get("model_name")
    if model_name is None:
        return ()
    for member in model_name.get("anyOf", [model_name]):
        listed = spec.resolve(member).get("enum")
        if listed is not None:
            return tuple(str(name) for name in listed)
    return ()


def retired_models(spec: Spec | None = None) -> dict[str, str]:
    """Model names the publisher no longer lists, each with its source (``{"kling-v1": "..."}``)."""
    spec = spec if spec is not None else load_spec()
    retired = spec.document["components"]["schemas"]["ModelName"].get("x-kling-retired", [])
    return {str(entry["name"]): str(entry["source"]) for entry in retired}


def default_model(spec: Spec | None = None, *, schema: str = CREATE_REQUEST_SCHEMA) -> str:
    """The documented default model of a request (what the server uses when none is given): ``"kling-v3"`` for
    the default, the create request of /v1/images/generations; "" for a request without ``model_name``."""
    model_name = _request_schema(spec, schema).get("properties", {}).get("model_name", {})
    return str(model_name.get("default", ""))


def _is_set(value: Any) -> bool:
    # Empty strings count as absent, as the docs count an empty `image` ("when image is non-empty").
    return value is not None and value != "" and value != []


def has_image_input(body: Mapping[str, Any], *, spec: Spec | None = None, schema: str = CREATE_REQUEST_SCHEMA) -> bool:
    """Whether a request body holds an input image (its ``image``, an ``image_list`` item...): image to image, as
    the capability map and the price table tell it from text to image."""
    spec = spec if spec is not None else load_spec()
    return any(_is_set(value) for _, value in image_inputs(body, image_input_fields(schema, spec=spec)))


def capability_problems(
    body: Mapping[str, Any], *, spec: Spec | None = None, schema: str = CREATE_REQUEST_SCHEMA
) -> list[RequestValidationError]:
    """Every way ``body`` goes beyond what its model supports, by the spec's capability map; [] when none.

    ``body`` is a request body (already valid for its schema); ``schema`` names the request's schema or operation
    (default: the create request of /v1/images/generations; ``schema="createOmniImageTask"`` for omni-image). The
    model is ``model_name``, else the documented default. A model the map does not list gives [] (the server
    decides), and so does a request without a capability map. A field left out counts as its default. Each
    problem names the field (``body.aspect_ratio``) and the rule, with the model.
    """
    spec = spec if spec is not None else load_spec()
    request = _request_schema(spec, schema)
    models: Mapping[str, Any] = request.get(_CAPABILITIES, {}).get("models", {})
    model = body.get("model_name") or default_model(spec, schema=schema)
    capabilities = models.get(str(model))
    if capabilities is None:
        return []
    problems: list[RequestValidationError] = []
    for field, reason in capabilities.get("unsupported", {}).items():
        if _is_set(body.get(field)):
            because = " ".join(str(reason).split())
            problems.append(RequestValidationError(f"body.{field}", f"is not supported by {model} ({because})"))
    defaults = {name: prop["default"] for name, prop in request["properties"].items() if "default" in prop}
    listed: dict[str, tuple[list[Any], str]] = {
        field: (list(allowed), "") for field, allowed in capabilities.get("values", {}).items()
    }
    if _TEXT_TO_IMAGE in capabilities and not has_image_input(body, spec=spec, schema=schema):
        for field, allowed in capabilities[_TEXT_TO_IMAGE].get("values", {}).items():
            listed[field] = (list(allowed), " for text to image")
    for field, (allowed, when) in listed.items():
        value = body.get(field, defaults.get(field))
        if _is_set(value) and value not in allowed:
            problems.append(
                RequestValidationError(
                    f"body.{field}",
                    f"{_shorten(str(value))} is not supported by {model}{when} "
                    f"(it supports {', '.join(map(str, allowed))})",
                )
            )
    return problems


@dataclass(frozen=True)
class Estimate:
    """What a request is expected to cost, from the spec's price table.

    ``usd`` is the list price at the table's rate, as the pricing page writes it (``Decimal("0.112")``, never
    ``0.1120``); what a task really took is in its ``final_unit_deduction`` and ``final_balance_deduction``.
    ``basis`` is ``"per_image"`` (``units_per_image`` times ``images``) or ``"per_call"`` (``units_per_image`` is
    the call's price, ``images`` 1). ``model`` is "" for an endpoint without models (outpainting, AI Multi-Shot).
    """

    model: str
    units_per_image: int
    images: int
    units: int
    usd: Decimal
    basis: str = "per_image"


def estimate_cost(
    body: Mapping[str, Any], *, spec: Spec | None = None, schema: str = CREATE_REQUEST_SCHEMA
) -> Estimate | None:
    """The expected cost of a request: units per image times the images it asks for (``n``, or ``series_amount``
    for an omni-image series), or the price of a call; ``schema`` names the request's schema or operation
    (default: the create request of /v1/images/generations). None when the price is unknown: a model or a
    resolution with no row in the table, a series of ``auto`` length, an endpoint with no price table."""
    spec = spec if spec is not None else load_spec()
    request = _request_schema(spec, schema)
    pricing: Mapping[str, Any] = request.get(_PRICING, {})
    if not pricing:
        return None
    model = ""
    prices: Any = pricing.get("units")
    if "models" in pricing:
        model = str(body.get("model_name") or default_model(spec, schema=schema))
        prices = pricing["models"].get(model)
    if isinstance(prices, Mapping) and "by_resolution" in prices:
        resolution = body.get("resolution") or request["properties"]["resolution"]["default"]
        prices = prices["by_resolution"].get(str(resolution))
    if isinstance(prices, Mapping):
        kind = "image_to_image" if has_image_input(body, spec=spec, schema=schema) else "text_to_image"
        per_image = int(prices[kind])
    elif isinstance(prices, int) and not isinstance(prices, bool):
        per_image = prices
    else:
        return None
    basis = str(pricing.get("basis", "per_image"))
    images = 1 if basis == "per_call" else _images_asked(body, request["properties"])
    if images is None:
        return None
    units = per_image * images
    return Estimate(model, per_image, images, units, _plain(Decimal(str(pricing["usd_per_unit"])) * units), basis)


def _images_asked(body: Mapping[str, Any], properties: Mapping[str, Any]) -> int | None:
    """How many images a request asks for: ``series_amount`` for a series (None for ``auto``), else ``n``."""
    if "result_type" in properties and body.get("result_type", properties["result_type"].get("default")) == "series":
        amount = body.get("series_amount", properties["series_amount"].get("default"))
        return None if isinstance(amount, str) else _image_count(amount)
    if "n" not in properties:
        return 1
    return _image_count(body.get("n", properties["n"].get("default", 1)))


def _image_count(n: Any) -> int:
    # JSON Schema counts 2.0 as an integer, and so does the validator: it is 2 images, not 1.
    if isinstance(n, bool):
        return 1
    if isinstance(n, int):
        return n
    if isinstance(n, float) and n.is_integer():
        return int(n)
    return 1


def _plain(amount: Decimal) -> Decimal:
    """Trailing zeros dropped (0.1120 -> 0.112), never an exponent (70, not 7E+1)."""
    normal = amount.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal
