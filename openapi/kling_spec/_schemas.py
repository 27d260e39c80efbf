"""Which request schema an operation takes, where its image inputs are, and what an operation's extensions say.

Every request body of the spec is a named component (``CreateImageTaskRequest``, ``CreateOmniImageTaskRequest``,
...). The functions of kling_spec that read a request's data (its defaults, capabilities, prices, rules) take that
name or the operationId whose body it is, so ``schema="createOmniImageTask"`` and
``schema="CreateOmniImageTaskRequest"`` mean the same::

    request_schema_name("createExpandImageTask")     # "CreateExpandImageTaskRequest"
    image_input_fields("createOmniImageTask")        # ("image_list[].image",)
    qps_limit("getAccountCosts")                     # 1.0: the publisher asks for at most 1 request a second

An image input is a string property marked ``x-kling-image-input: true`` in the spec: an image URL or the Base64 of
a JPG or PNG, held to the documented image rules (format, size, sides, aspect ratio), which need the image's bytes
and are checked in code.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from ._spec import Spec, load_spec

#: Marks a string property that holds an image (URL or Base64) under the documented image-input rules.
IMAGE_INPUT = "x-kling-image-input"
#: An operation's request-rate limit: ``{"requests_per_second": 1, ...}``.
RATE_LIMIT = "x-kling-rate-limit"
#: In a dotted field path, the items of an array (``image_list[].image``).
ITEMS = "[]"


def request_schema_name(name: str, *, spec: Spec | None = None) -> str:
    """The component name of a request body: ``name`` itself when it names a schema, else the request body schema
    of the operation whose operationId is ``name``; KeyError when it is neither."""
    spec = spec if spec is not None else load_spec()
    schemas = spec.document["components"]["schemas"]
    if name in schemas:
        return name
    try:
        _, _, operation = spec.operation(name)
    except KeyError:
        raise KeyError(f"{name!r} is neither a schema nor an operation of the spec") from None
    reference = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    target = str(reference.get("$ref", ""))
    if not target.startswith("#/components/schemas/"):
        raise KeyError(f"operation {name!r} has no request body schema")
    return target.removeprefix("#/components/schemas/")


def request_schema(name: str, spec: Spec) -> Mapping[str, Any]:
    """The request body schema :func:`request_schema_name` names."""
    schema: Mapping[str, Any] = spec.document["components"]["schemas"][request_schema_name(name, spec=spec)]
    return schema


def image_input_fields(name: str, *, spec: Spec | None = None) -> tuple[str, ...]:
    """The dotted paths of a request's image inputs, ``[]`` for an array's items (``("image_list[].image",)``)."""
    return _image_input_fields(spec if spec is not None else load_spec(), name)


@functools.lru_cache(maxsize=256)
def _image_input_fields(spec: Spec, name: str) -> tuple[str, ...]:
    # Read once per spec and request: every create the SDK validates asks.
    paths = _image_paths(spec, request_schema(name, spec), (), set())
    return tuple(".".join(path).replace(f".{ITEMS}", ITEMS) for path in paths)


def _image_paths(
    spec: Spec, node: Mapping[str, Any], path: tuple[str, ...], seen: set[str]
) -> Iterator[tuple[str, ...]]:
    reference = node.get("$ref")
    if isinstance(reference, str):
        if reference in seen:  # pragma: no cover - no request schema of the spec refers to itself
            return
        seen = seen | {reference}
    node = spec.resolve(node)
    if node.get(IMAGE_INPUT) is True:
        yield path
    for name, child in node.get("properties", {}).items():
        yield from _image_paths(spec, child, (*path, name), seen)
    if isinstance(node.get("items"), Mapping):
        yield from _image_paths(spec, node["items"], (*path, ITEMS), seen)


def image_inputs(body: Any, fields: tuple[str, ...], prefix: str = "body") -> Iterator[tuple[str, Any]]:
    """Each value the body holds at one of ``fields`` (dotted paths, ``[]`` for an array's items), with its name
    as validation errors give it (``body.image_list.0.image``). Missing parts are skipped, not reported."""
    for dotted in fields:
        yield from _values(body, dotted.replace(ITEMS, f".{ITEMS}").split("."), prefix)


def _values(node: Any, parts: list[str], where: str) -> Iterator[tuple[str, Any]]:
    if not parts:
        yield where, node
        return
    head, *rest = parts
    if head == ITEMS:
        if isinstance(node, list | tuple):
            for index, item in enumerate(node):
                yield from _values(item, rest, f"{where}.{index}")
    elif isinstance(node, Mapping) and head in node:
        yield from _values(node[head], rest, f"{where}.{head}")


def qps_limit(operation_id: str, *, spec: Spec | None = None) -> float | None:
    """The most requests a second the publisher asks for on an operation (``x-kling-rate-limit``); None when it
    states none (``qps_limit("getAccountCosts") == 1.0``)."""
    spec = spec if spec is not None else load_spec()
    _, _, operation = spec.operation(operation_id)
    limit = operation.get(RATE_LIMIT)
    if not isinstance(limit, Mapping):
        return None
    return float(limit["requests_per_second"])
