"""Loading openapi/kling-images.yaml and validating HTTP messages against it."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ._constants import MAX_INTEGER_BITS, MAX_INTEGER_DIGITS, MAX_JSON_DEPTH, MAX_QUOTED_CHARS

_HERE = Path(__file__).resolve().parent
# Installed from a wheel, the spec sits beside this module; in a checkout, one folder up.
SPEC_PATH: Path = next(
    (p for p in (_HERE / "kling-images.yaml", _HERE.parent / "kling-images.yaml") if p.is_file()),
    _HERE.parent / "kling-images.yaml",
)

_BASE_URI = "urn:kling-images-spec"
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class RequestValidationError(ValueError):
    """A request the spec does not allow, with the HTTP status and API code it earns.

    ``field`` names the offending part (``body.n``, ``query.pageSize``, ``path.task_id``);
    ``rule`` says what it broke.
    """

    def __init__(self, field: str, rule: str, *, status: int = 400, api_code: int = 1201) -> None:
        super().__init__(f"{field}: {rule}" if field else rule)
        self.field = field
        self.rule = rule
        self.status = status
        self.api_code = api_code


@dataclass(frozen=True)
class MatchedRequest:
    """A request that passed validation: its operation and its parsed parts."""

    operation_id: str
    path_params: dict[str, str]
    query: dict[str, Any]
    body: Any = field(default=None)


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def describe_error(error: ValidationError, prefix: str) -> RequestValidationError:
    """A schema violation as a RequestValidationError naming the field (``body.n``) and a short rule."""
    location = ".".join(str(p) for p in error.absolute_path)
    where = f"{prefix}.{location}" if location else prefix
    if error.validator == "required" and isinstance(error.instance, dict):
        required: list[str] = list(error.validator_value) if isinstance(error.validator_value, list) else []
        missing = [name for name in required if name not in error.instance]
        if missing:
            return RequestValidationError(f"{where}.{missing[0]}", "is required")
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        unknown = sorted(str(name) for name in error.instance if name not in known)
        if unknown:
            # The name is the client's input: quoted in part, as any value is.
            name = _shorten(unknown[0])
            return RequestValidationError(f"{where}.{name}", "is not a documented field (unknown fields are refused)")
    return RequestValidationError(where, _rule(error))


def _rule(error: ValidationError) -> str:
    """jsonschema's message, minus the offending value when that could be long (a prompt, an image)."""
    expected, instance = error.validator_value, error.instance
    if error.validator == "maxLength":
        return f"is longer than {expected} characters"
    if error.validator == "minLength":
        return f"is shorter than {expected} characters"
    if error.validator == "enum" and isinstance(expected, list):
        return f"{_quote(instance)} is not one of {', '.join(str(v) for v in expected)}"
    if error.validator == "type":
        return f"must be of type {expected}, got {_json_type(instance)}"
    if error.validator == "format":
        return f"is not a valid {expected}"
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return error.message if len(repr(instance)) <= MAX_QUOTED_CHARS else error.message.split(" ", 1)[1]
    if error.validator == "maxItems":
        return f"has more than {expected} items"
    if error.validator == "minItems":
        return f"has fewer than {expected} items"
    if error.validator == "anyOf" and (types := _types_refused(error)):
        return f"must be of type {' or '.join(types)}, got {_json_type(instance)}"
    return _shorten(error.message, 2 * MAX_QUOTED_CHARS)


def _types_refused(error: ValidationError) -> list[str]:
    """The types an ``anyOf`` asked for, when every one of its branches refused the value's type (``model_name``
    is any string: a number is told so, not "not valid under any of the given schemas"); [] otherwise."""
    branches = error.validator_value if isinstance(error.validator_value, list) else []
    refused: dict[int, str] = {}
    for sub in error.context or []:
        path = list(sub.relative_schema_path)
        if sub.validator == "type" and not sub.relative_path and path and isinstance(path[0], int):
            refused[path[0]] = str(sub.validator_value)
    if not branches or len(refused) != len(branches):
        return []
    return sorted(set(refused.values()))


def _quote(value: Any) -> str:
    return _shorten(repr(value))


def _shorten(text: str, limit: int = MAX_QUOTED_CHARS) -> str:
    """At most ``limit`` characters of a text a client sent (a name, a value, a message quoting one), then "..."."""
    return text if len(text) <= limit else text[:limit] + "..."


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


class Spec:
    """The parsed spec, with validators for each operation's request and responses."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document: Mapping[str, Any] = document
        resource = Resource.from_contents(dict(document), default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_BASE_URI, resource)
        self._routes: list[tuple[re.Pattern[str], str, dict[str, Any]]] = []
        for template, item in document["paths"].items():
            regex = re.compile("^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")
            self._routes.append((regex, template, item))

    # -- lookup --------------------------------------------------------------------------

    def operations(self) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        """(method, path template, operation) for every operation."""
        for _, template, item in self._routes:
            for method in _METHODS:
                if method in item:
                    yield method.upper(), template, item[method]

    def operation(self, operation_id: str) -> tuple[str, str, Mapping[str, Any]]:
        for method, template, op in self.operations():
            if op["operationId"] == operation_id:
                return method, template, op
        raise KeyError(f"no operation {operation_id!r} in the spec")

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow a local ``$ref`` (for responses, parameters...) to what it names."""
        while "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def validator(self, pointer: str) -> Draft202012Validator:
        """A validator for the schema at a JSON pointer into the spec (``#/components/...``)."""
        return _validator(self, pointer)

    def schema_pointer(self, name: str) -> str:
        return _pointer("components", "schemas", name)

    def first_problem(self, instance: Any, pointer: str, prefix: str) -> RequestValidationError | None:
        """The one problem to report when ``instance`` breaks the schema at ``pointer``; None when it is valid.

        A field's own constraint first (the most relevant, as jsonschema's ``best_match`` ranks them),
        else the first cross-field rule of the object broken, in the spec's order: an ``allOf`` member
        with an ``x-kling-error`` (``field``, ``rule``), told in its words, ``{model_name}`` and the
        like filled in from the object or its defaults. A ``pattern`` is told by the ``x-kling-error``
        beside it, when there is one. Fields are named from ``prefix`` (``body.n``).
        """
        errors = list(self.validator(pointer).iter_errors(instance))
        schema = self.resolve({"$ref": pointer})
        rules: list[Any] = list(schema.get("allOf", []))
        own = [error for error in errors if _rule_broken(error, rules) is None]
        if own:
            error = best_match(own)
            assert error is not None
            if error.validator == "pattern":
                explanation = self._node(schema, list(error.relative_schema_path)[:-1]).get(_EXPLANATION)
                if isinstance(explanation, Mapping):
                    location = ".".join([prefix, *(str(part) for part in error.absolute_path)])
                    return RequestValidationError(location, str(explanation["rule"]))
            return describe_error(error, prefix)
        broken = [rule for error in errors if (rule := _rule_broken(error, rules)) is not None]
        if not broken:
            return None
        told = broken[0][_EXPLANATION]
        properties = schema.get("properties", {})
        values = {name: prop["default"] for name, prop in properties.items() if "default" in prop}
        values.update(instance if isinstance(instance, Mapping) else {})
        text = str(told["rule"]).format_map({name: _shorten(str(value)) for name, value in values.items()})
        return RequestValidationError(f"{prefix}.{told['field']}", text)

    def _node(self, schema: Mapping[str, Any], path: list[str | int]) -> Mapping[str, Any]:
        """The schema node at a jsonschema schema path (which leaves ``$ref`` steps out) under ``schema``."""
        node: Any = schema
        for part in path:
            while isinstance(node, Mapping) and "$ref" in node and part not in node:
                node = self.resolve(node)
            node = node[part]
        return self.resolve(node) if isinstance(node, Mapping) else {}

    # -- requests ------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[str, str, Mapping[str, Any], dict[str, str]]:
        """The operation a method and path address; RequestValidationError when none.

        ``path`` is the path as sent, percent-encoded (``/v1/images/generations/a%2Fb``), so an
        id holding a ``/`` stays one segment; path parameters come back decoded.
        """
        for regex, template, item in self._routes:
            found = regex.match(path)
            if found is None:
                continue
            op = item.get(method.lower())
            if op is None:
                allowed = ", ".join(m.upper() for m in _METHODS if m in item)
                raise RequestValidationError(
                    "method",
                    f"{method.upper()} is not allowed on {template} (allowed: {allowed})",
                    status=404,
                    api_code=1202,
                )
            return method.upper(), template, op, {name: unquote(value) for name, value in found.groupdict().items()}
        raise RequestValidationError("path", f"no such resource: {path}", status=404, api_code=1203)

    def validate_request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        content_type: str | None = None,
        body: bytes | None = None,
    ) -> MatchedRequest:
        """Check a request against the spec: route, path and query parameters, JSON body."""
        method, template, op, path_params = self.match(method, path)
        query = dict(query or {})
        parsed_query: dict[str, Any] = {}
        for index, raw_param in enumerate(op.get("parameters", [])):
            param = self.resolve(raw_param)
            name, where = param["name"], param["in"]
            if where == "path":
                raw: str | None = path_params.get(name)
            elif where == "query":
                raw = query.get(name)
            else:
                continue
            if raw is None:
                if param.get("required"):
                    raise RequestValidationError(f"{where}.{name}", "is required")
                continue
            value = _coerce(raw, param["schema"], f"{where}.{name}")
            pointer = _pointer(*_op_path(template, method), "parameters", str(index), "schema")
            error = best_match(self.validator(pointer).iter_errors(value))
            if error is not None:
                raise RequestValidationError(f"{where}.{name}", _rule(error))
            if where == "query":
                parsed_query[name] = value
        parsed_body: Any = None
        request_body = op.get("requestBody")
        if request_body is not None:
            if not body:
                if request_body.get("required"):
                    raise RequestValidationError("body", "a JSON request body is required", api_code=1200)
            else:
                if content_type is not None and content_type.split(";")[0].strip().lower() != "application/json":
                    raise RequestValidationError(
                        "Content-Type", f"must be application/json, got {content_type!r}", api_code=1200
                    )
                try:
                    parsed_body = json.loads(body, parse_constant=_reject_constant, parse_int=_parse_int)
                except RecursionError:
                    raise RequestValidationError(
                        "body", f"is nested more than {MAX_JSON_DEPTH} levels deep", api_code=1200
                    ) from None
                except ValueError:
                    raise RequestValidationError("body", "is not valid JSON", api_code=1200) from None
                check_json_limits(parsed_body, "body")
                pointer = _pointer(*_op_path(template, method), "requestBody", "content", "application/json", "schema")
                problem = self.first_problem(parsed_body, pointer, "body")
                if problem is not None:
                    raise problem
        return MatchedRequest(
            operation_id=op["operationId"],
            path_params=dict(path_params),
            query=parsed_query,
            body=parsed_body,
        )

    # -- responses -----------------------------------------------------------------------

    def response_pointer(self, operation_id: str, status: int) -> str:
        """Pointer to the JSON schema of an operation's response for a status code."""
        method, template, op = self.operation(operation_id)
        responses = op["responses"]
        key = str(status) if str(status) in responses else "default"
        if key not in responses:
            raise KeyError(f"{operation_id} documents no {status} response")
        response = responses[key]
        if "$ref" in response:
            return str(response["$ref"]) + "/content/application~1json/schema"
        return _pointer(*_op_path(template, method), "responses", key, "content", "application/json", "schema")

    def response_errors(self, operation_id: str, status: int, body: Any) -> list[str]:
        """Why a response body does not match the spec (empty when it does)."""
        try:
            pointer = self.response_pointer(operation_id, status)
        except KeyError as error:
            return [str(error.args[0])]
        return [
            f"{'.'.join(str(p) for p in e.absolute_path) or '<body>'}: {e.message}"
            for e in self.validator(pointer).iter_errors(body)
        ]

    def examples(self, operation_id: str, status: int) -> dict[str, Any]:
        """The named examples of an operation's response, straight from the spec."""
        _, _, op = self.operation(operation_id)
        response = self.resolve(op["responses"][str(status)])
        media = response["content"]["application/json"]
        return {name: self.resolve(example)["value"] for name, example in media.get("examples", {}).items()}


_EXPLANATION = "x-kling-error"


def _rule_broken(error: ValidationError, rules: list[Any]) -> Mapping[str, Any] | None:
    """The cross-field rule (an ``allOf`` member with an ``x-kling-error``) an error breaks, if any."""
    path = list(error.relative_schema_path)
    if len(path) > 1 and path[0] == "allOf" and isinstance(path[1], int) and path[1] < len(rules):
        rule = rules[path[1]]
        if isinstance(rule, Mapping) and isinstance(rule.get(_EXPLANATION), Mapping):
            return rule
    return None


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (RFC 8259), though Python's parser takes them, and a NaN
    # would slip through every minimum/maximum check.
    raise ValueError(f"{name} is not valid JSON")


def _op_path(template: str, method: str) -> tuple[str, ...]:
    return ("paths", template, method.lower())


def _parse_int(text: str) -> int:
    # int() refuses more than 4300 digits with a ValueError ("not valid JSON" would hide the field): an
    # integer that long is replaced by one just as far out of range, which check_json_limits then names.
    if len(text) > MAX_INTEGER_DIGITS + 1:
        return -_OUT_OF_RANGE if text.startswith("-") else _OUT_OF_RANGE
    return int(text)


_OUT_OF_RANGE = 1 << (2 * MAX_INTEGER_BITS)


def check_json_limits(value: Any, where: str) -> None:
    """Refuse nesting deeper than MAX_JSON_DEPTH and integers beyond MAX_INTEGER_BITS, naming the field.

    Iterative, so that a structure nested thousands deep (or one that contains itself) is refused, not
    a RecursionError.
    """
    pending: list[tuple[Any, str, int]] = [(value, where, 1)]
    while pending:
        item, location, depth = pending.pop()
        if isinstance(item, int) and not isinstance(item, bool):
            if item.bit_length() >= MAX_INTEGER_BITS:
                raise RequestValidationError(location, f"is an integer out of range (beyond {MAX_INTEGER_BITS} bits)")
            continue
        if isinstance(item, str):
            check_text(item, location)
            continue
        if not isinstance(item, Mapping | list | tuple):
            continue
        if depth > MAX_JSON_DEPTH:
            raise RequestValidationError(location, f"is nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(item, Mapping):
            for key in item:
                check_text(str(key), location)
        children = item.items() if isinstance(item, Mapping) else enumerate(item)
        pending.extend((child, f"{location}.{key}", depth + 1) for key, child in children)


# JSON's \ud800 escapes decode to lone surrogates, which are no text: an id holding one could be stored but never
# sent back (UTF-8 cannot encode it).
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(value: str, where: str) -> None:
    """Refuse a string holding a lone surrogate (not valid Unicode), naming the field."""
    if not value.isascii() and _SURROGATE.search(value) is not None:
        raise RequestValidationError(where, "is not valid Unicode text (it holds a lone surrogate)")


# ASCII only: "\d" (and str.isdigit) also match full-width, Arabic-Indic and superscript digits, which
# int() takes or chokes on.
_ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")


def _coerce(raw: str, schema: Mapping[str, Any], field: str) -> Any:
    """Query and path values arrive as text; the spec types them."""
    text = raw.strip(" \t")  # ASCII blanks only: str.strip() also takes NBSP and the like
    if schema.get("type") == "integer" and _ASCII_INTEGER.fullmatch(text):
        if len(text.lstrip("+-")) > MAX_INTEGER_DIGITS:
            raise RequestValidationError(field, f"is an integer out of range (more than {MAX_INTEGER_DIGITS} digits)")
        return int(text)
    return raw


# jsonschema knows no "int64": without this, a created_at of 30 digits passes for a valid answer.
_FORMATS = FormatChecker()


@_FORMATS.checks("int64")
def _is_int64(value: object) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or -(2**63) <= value < 2**63


@functools.lru_cache(maxsize=256)
def _validator(spec: Spec, pointer: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": _BASE_URI + pointer}, registry=spec._registry, format_checker=_FORMATS)


@functools.lru_cache(maxsize=4)
def load_spec(path: Path | str = SPEC_PATH) -> Spec:
    """The spec at ``path`` (default: the project's kling-images.yaml), parsed once."""
    with open(path, encoding="utf-8") as handle:
        return Spec(yaml.safe_load(handle))
