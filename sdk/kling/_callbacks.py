"""Parsing what the API POSTs to your ``callback_url``.

A callback body comes from the network, unauthenticated: it is parsed defensively (size cap, no NaN or
Infinity, no duplicate keys, bounded nesting), checked against the spec's ``ImageTaskCallback`` schema (the same
``kling_spec`` source the emulator uses), then built into the generated model. Anything wrong is a
:class:`ValidationError` naming the field and the rule, never a raw exception. Treat a parsed callback as a hint
and confirm it by querying the task (``client.images.confirm_callback``): anyone can POST to your URL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, NoReturn

from jsonschema.exceptions import best_match
from kling_api.models import ImageTaskCallback
from kling_spec import load_spec

from ._constants import CALLBACK_MAX_BYTES, CALLBACK_MAX_DEPTH
from ._errors import ValidationError

_FIELD: Final = "callback"
_RULE_TEXT_LIMIT: Final = 200


def _refuse(rule: str, where: str = "") -> NoReturn:
    rule = rule if len(rule) <= _RULE_TEXT_LIMIT else rule[:_RULE_TEXT_LIMIT] + "..."
    raise ValidationError(f"{_FIELD}.{where}" if where else _FIELD, rule)


def _reject_constant(name: str) -> NoReturn:
    # Python's parser takes NaN and Infinity, which are not JSON (RFC 8259).
    raise ValueError(f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Two parsers may keep different copies of a repeated key; refusing it removes the ambiguity.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _check_depth(value: Any) -> None:
    """Refuses nesting deeper than CALLBACK_MAX_DEPTH, iteratively (a self-containing mapping ends here too)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, Mapping):
            children: list[Any] = list(item.values())
        elif isinstance(item, list | tuple):
            children = list(item)
        else:
            continue
        if depth > CALLBACK_MAX_DEPTH:
            _refuse(f"is nested deeper than {CALLBACK_MAX_DEPTH} levels")
        pending.extend((child, depth + 1) for child in children)


def _decode(body: bytes | str) -> Any:
    size = len(body)
    if size > CALLBACK_MAX_BYTES:
        _refuse(f"is {size} {'bytes' if isinstance(body, bytes) else 'characters'}, over {CALLBACK_MAX_BYTES}")
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            _refuse("is not UTF-8 text")
    try:
        return json.loads(body, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        _refuse(f"is nested deeper than {CALLBACK_MAX_DEPTH} levels")
    except ValueError as error:
        # JSONDecodeError, NaN/Infinity, duplicate keys, integers past Python's digit limit.
        _refuse(f"is not valid JSON ({error})")


def parse_callback(body: bytes | str | Mapping[str, Any]) -> ImageTaskCallback:
    """The task a callback body describes, as the generated :class:`ImageTaskCallback` model.

    ``body`` is the raw request body (``bytes`` or ``str``) or JSON already parsed by your web framework.
    Raises :class:`ValidationError` (also a ``ValueError``) with ``field`` ``"callback"`` or
    ``"callback.<path>"`` for anything that is not a valid callback.
    """
    if isinstance(body, bytes | bytearray | memoryview):
        data = _decode(bytes(body))
    elif isinstance(body, str):
        data = _decode(body)
    elif isinstance(body, Mapping):
        data = body
    else:
        _refuse(f"must be bytes, str or a mapping, got {type(body).__name__}")
    if not isinstance(data, Mapping):
        _refuse(f"must be a JSON object, got {type(data).__name__}")
    _check_depth(data)
    try:
        # A plain JSON copy of what a framework handed us: no NaN, no objects JSON cannot carry.
        data = json.loads(json.dumps(dict(data), allow_nan=False))
    except (TypeError, ValueError, RecursionError) as exc:
        _refuse(f"is not JSON data ({type(exc).__name__})")
    problem = _schema_problem(data)
    if problem is not None:
        rule, where = problem
        _refuse(rule, where)
    try:
        return ImageTaskCallback.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # the schema passed; belt and braces
        _refuse(f"does not fit the model ({type(exc).__name__}: {exc})")


def _schema_problem(data: dict[str, Any]) -> tuple[str, str] | None:
    """The most telling way ``data`` breaks the spec's ImageTaskCallback schema, as (rule, path); None if none."""
    spec = load_spec()
    validator = spec.validator(spec.schema_pointer("ImageTaskCallback"))
    # Enum values the spec does not list yet are accepted, as the generated models accept them (forward
    # compatibility: a new task status must not break a callback handler).
    error = best_match(e for e in validator.iter_errors(data) if e.validator != "enum")
    if error is None:
        return None
    where = ".".join(str(part) for part in error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            return "is required", ".".join(filter(None, [where, str(missing[0])]))
    return error.message, where


__all__ = ["parse_callback"]
