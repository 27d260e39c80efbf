"""The documented rules JSON Schema cannot state, checked in code: a request schema's ``x-kling-rules``.

Each entry of a request schema's ``x-kling-rules`` names its ``check`` (one of the functions below), the data it
needs, its source (quoted word for word in its description) and its ``x-kling-error``. Two kinds exist:

- ``expand_area`` (outpainting): the expanded image is at most ``max_area_factor`` (3) times the original's area,
  ``(1 + left + right) * (1 + up + down) <= 3`` with the four expansion ratios; :func:`expand_area_problem`.
- ``ascending`` (the billing ledgers): ``start_time`` before ``end_time``, unless a ``cursor`` overrides both.

A body is checked against its JSON schema first (:func:`kling_spec.validate_request_body` does both, in that
order): these functions look only at values of the right type and skip the rest, never raising on them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from ._schemas import request_schema
from ._spec import RequestValidationError, Spec, load_spec

RULES = "x-kling-rules"
EXPAND_SCHEMA = "CreateExpandImageTaskRequest"

#: What a check is given: the rule's data, the body, the (width, height) of the body's Base64 images by field.
Check = Callable[[Mapping[str, Any], Mapping[str, Any], Mapping[str, tuple[int, int]]], RequestValidationError | None]


def rule_problems(
    body: Mapping[str, Any],
    *,
    schema: str,
    spec: Spec | None = None,
    image_sizes: Mapping[str, tuple[int, int]] | None = None,
) -> list[RequestValidationError]:
    """Every ``x-kling-rules`` rule of the request schema (or operation) ``schema`` that ``body`` breaks; [] when
    none or when the schema has no such rules. ``image_sizes`` gives the (width, height) of images already
    inspected, by field (``{"body.image": (1024, 768)}``), for messages that can name the sizes."""
    spec = spec if spec is not None else load_spec()
    problems: list[RequestValidationError] = []
    for rule in request_schema(schema, spec).get(RULES, []):
        check = _CHECKS.get(str(rule.get("check")))
        if check is None:
            raise ValueError(f"{RULES}: no code checks {rule.get('check')!r} (rule {rule.get('name')!r})")
        problem = check(rule, body, image_sizes or {})
        if problem is not None:
            problems.append(problem)
    return problems


def expand_area_problem(
    body: Mapping[str, Any],
    image_width: int | None = None,
    image_height: int | None = None,
    *,
    spec: Spec | None = None,
) -> RequestValidationError | None:
    """Whether an outpainting body makes the image more than 3 times its area (the spec's ``expand_area`` rule).

    The ratios decide, whatever the image (``(1 + left + right) * (1 + up + down)``, a ratio left out counting as
    0); given the image's width and height, the message also says what size the result would be. None when the
    body keeps the rule (or holds no numbers to check).
    """
    spec = spec if spec is not None else load_spec()
    (rule,) = [rule for rule in request_schema(EXPAND_SCHEMA, spec)[RULES] if rule["check"] == "expand_area"]
    size = (image_width, image_height) if image_width is not None and image_height is not None else None
    return _expand_area(rule, body, {"": size} if size is not None else {})


def _ratio(body: Mapping[str, Any], name: str) -> float | None:
    value = body.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _expand_area(
    rule: Mapping[str, Any], body: Mapping[str, Any], sizes: Mapping[str, tuple[int, int]]
) -> RequestValidationError | None:
    left, right, up, down = (_ratio(body, name) for name in rule["fields"])
    if left is None or right is None or up is None or down is None:
        return None
    factor = (1 + left + right) * (1 + up + down)
    limit = float(rule["max_area_factor"])
    if factor <= limit * (1 + float(rule.get("relative_tolerance", 0))):
        return None
    text = str(rule["x-kling-error"]["rule"]).format(factor=f"{factor:.4g}", max_area_factor=f"{limit:g}")
    size = next(iter(sizes.values()), None)
    if size is not None:
        width, height = size
        wide, high = round(width * (1 + left + right)), round(height * (1 + up + down))
        text += f"; the {width}x{height} image would become about {wide}x{high}"
    return RequestValidationError("body", text)


def _ascending(
    rule: Mapping[str, Any], body: Mapping[str, Any], sizes: Mapping[str, tuple[int, int]]
) -> RequestValidationError | None:
    overriding = body.get(str(rule.get("unless", "")))
    if overriding not in (None, ""):
        return None
    first, second = (body.get(name) for name in rule["fields"])
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in (first, second)):
        return None
    assert isinstance(first, int)
    assert isinstance(second, int)
    if first < second:
        return None
    told = rule["x-kling-error"]
    return RequestValidationError(f"body.{told['field']}", str(told["rule"]))


_CHECKS: dict[str, Check] = {"expand_area": _expand_area, "ascending": _ascending}
