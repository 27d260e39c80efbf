"""What each model supports and costs: data in the spec, never a rule of the request.

The spec's ``CreateImageTaskRequest`` carries the publisher's capability map as ``x-kling-capabilities`` and its
price table as ``x-kling-pricing``. A body that goes beyond a model's capabilities is still a valid request:
whether the model takes it is the server's call. The SDK warns and sends it (or refuses it when asked to), the
emulator refuses it as the service would. A model the spec does not list has no known capabilities and no known
price: nothing is checked for it, and its cost is unknown (None).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ._rules import CREATE_REQUEST_SCHEMA
from ._spec import RequestValidationError, Spec, _shorten, load_spec

_CAPABILITIES = "x-kling-capabilities"
_PRICING = "x-kling-pricing"


def _request_schema(spec: Spec | None) -> Mapping[str, Any]:
    spec = spec if spec is not None else load_spec()
    schema: Mapping[str, Any] = spec.document["components"]["schemas"][CREATE_REQUEST_SCHEMA]
    return schema


def known_models(spec: Spec | None = None) -> tuple[str, ...]:
    """The model names the spec lists for the create request (``("kling-v3", "kling-v2-1")``)."""
    spec = spec if spec is not None else load_spec()
    return tuple(spec.document["components"]["schemas"]["ModelName"]["enum"])


def retired_models(spec: Spec | None = None) -> dict[str, str]:
    """Model names the publisher no longer lists, each with its source (``{"kling-v1": "..."}``)."""
    spec = spec if spec is not None else load_spec()
    retired = spec.document["components"]["schemas"]["ModelName"].get("x-kling-retired", [])
    return {str(entry["name"]): str(entry["source"]) for entry in retired}


def default_model(spec: Spec | None = None) -> str:
    """The documented default model of the create request (what the server uses when none is given)."""
    return str(_request_schema(spec)["properties"]["model_name"]["default"])


def _is_set(value: Any) -> bool:
    # Empty strings count as absent, as the docs count an empty `image` ("when image is non-empty").
    return value is not None and value != "" and value != []


def capability_problems(body: Mapping[str, Any], *, spec: Spec | None = None) -> list[RequestValidationError]:
    """Every way ``body`` goes beyond what its model supports, by the spec's capability map; [] when none.

    ``body`` is a create request body (already valid for the schema). The model is ``model_name``, else the
    documented default. A model the map does not list gives [] (the server decides). Each problem names the
    field (``body.aspect_ratio``) and the rule, with the model.
    """
    schema = _request_schema(spec)
    models: Mapping[str, Any] = schema.get(_CAPABILITIES, {}).get("models", {})
    model = body.get("model_name") or default_model(spec)
    capabilities = models.get(str(model))
    if capabilities is None:
        return []
    problems: list[RequestValidationError] = []
    for field, reason in capabilities.get("unsupported", {}).items():
        if _is_set(body.get(field)):
            because = " ".join(str(reason).split())
            problems.append(RequestValidationError(f"body.{field}", f"is not supported by {model} ({because})"))
    defaults = {name: prop["default"] for name, prop in schema["properties"].items() if "default" in prop}
    for field, allowed in capabilities.get("values", {}).items():
        value = body.get(field, defaults.get(field))
        if _is_set(value) and value not in allowed:
            problems.append(
                RequestValidationError(
                    f"body.{field}",
                    f"{_shorten(str(value))} is not supported by {model} (it supports {', '.join(map(str, allowed))})",
                )
            )
    return problems


@dataclass(frozen=True)
class Estimate:
    """What a create request is expected to cost, from the spec's price table.

    ``usd`` is the list price at the table's rate, as the pricing page writes it (``Decimal("0.112")``, never
    ``0.1120``); what a task really took is in its ``final_unit_deduction`` and ``final_balance_deduction``.
    """

    model: str
    units_per_image: int
    images: int
    units: int
    usd: Decimal


def estimate_cost(body: Mapping[str, Any], *, spec: Spec | None = None) -> Estimate | None:
    """The expected cost of a create request (units per image times ``n``); None for a model with no known price."""
    schema = _request_schema(spec)
    pricing: Mapping[str, Any] = schema.get(_PRICING, {})
    model = str(body.get("model_name") or default_model(spec))
    prices = pricing.get("models", {}).get(model)
    if prices is None:
        return None
    kind = "image_to_image" if _is_set(body.get("image")) else "text_to_image"
    per_image = int(prices[kind])
    images = _image_count(body.get("n", schema["properties"]["n"]["default"]))
    units = per_image * images
    return Estimate(model, per_image, images, units, _plain(Decimal(str(pricing["usd_per_unit"])) * units))


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
