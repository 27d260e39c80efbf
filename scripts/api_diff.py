"""What changed in the API between a git ref and the working tree: the spec, then the public Python API.

    make api-diff                 # against the latest tag, or HEAD when the repository has no tag
    make api-diff BASE=663b264    # against any commit, branch or tag

The spec part compares `git show BASE:openapi/kling-images.yaml` with the working tree's spec; the Python part
runs `griffe check` on `kling_api` (the generated client: regenerate it first, `make generate`) and on `kling`
(the SDK), each against the same BASE; griffe lists breakages only (a removed or moved name, a parameter made
required, ...), never additions. The default BASE is the latest tag reachable from HEAD (the last
release: what changes for its users), else HEAD (what your uncommitted edit changes). The command always
prints everything and ends with one summary line; it exits 0 whatever it finds (it is a report, not a gate),
and 2 when it cannot compare at all (an unknown BASE, say in a shallow clone; no spec there). A griffe run
that fails (rather than finding breakages) is said so in the summary, never counted as "0 breaking".

Classification: BREAKING means code or requests that worked with the client generated from BASE can fail
with the new spec (a request the server now refuses, a keyword, class or enum member that disappears, an
answer the old client cannot read, a request that now means something else). Everything else is
non-breaking. A request is what the client writes and the server reads: narrowing what a request may hold is
breaking, widening it is not. A response (and a callback, which the server sends and the client reads) is the
reverse: widening what it may hold is breaking for the code that reads it, narrowing it is not. In detail:

- Operations: removed, BREAKING; added, non-breaking; operationId renamed, BREAKING (the generated module is
  named after it). Response status added, BREAKING (the old client does not parse it); removed, non-breaking.
  Callback removed, BREAKING (the receiver is no longer called); added, non-breaking. A request body removed,
  or made required, BREAKING; a media type removed from a request, BREAKING, added, non-breaking (the
  reverse for a response).
- Security: a scheme removed or changed (type, scheme, bearerFormat, in, name, flows), BREAKING; added,
  non-breaking. An operation's alternative removed, BREAKING (callers using it are refused); an alternative
  added, non-breaking.
- Fields (object properties, parameters): in a request, an optional field added, non-breaking; a required one
  added, BREAKING; a field removed, BREAKING (callers setting it lose the keyword and are refused); a field
  made required, BREAKING; made optional, non-breaking. In a response, a field added, required or not,
  non-breaking (the old client ignores it), unless the old schema refused unknown fields; a field removed,
  BREAKING (code reading it finds nothing); made optional, BREAKING; made required, non-breaking. Deprecated
  or no longer deprecated: non-breaking.
- Types: a type removed from a request (integer -> string), BREAKING; one added (a union widened),
  non-breaking; the reverse for a response. `integer` is covered by `number`.
- Enums: a value removed from a request enum, BREAKING (the generated member disappears and the server no
  longer offers the value), even when the field is open (anyOf enum|string) and still takes any string; a
  value added, non-breaking. In a response, a value added to a string enum is non-breaking, because this
  project's generated string enums parse values they do not list (openapi/templates/str_enum.py.jinja); to
  any other enum, BREAKING; a value removed, non-breaking. An enum member renamed (x-enum-varnames),
  BREAKING.
- Alternatives (anyOf/oneOf, a nullable `null` branch, a $ref): an alternative added to a request,
  non-breaking (e.g. "now also accepts any string"); removed, BREAKING. The reverse for a response (a new
  `null` alternative is BREAKING for code that reads the field).
- Defaults: changed, BREAKING (a request leaving the field out now means something else: another model,
  another price; a response without it reads differently); added, non-breaking; removed from a request,
  BREAKING (callers relying on it must now send the value), from a response non-breaking.
- Limits (minimum, maximum, exclusive bounds, minLength, maxLength, minItems, maxItems, minProperties,
  maxProperties, uniqueItems), `format`, `const`, `additionalProperties`: tightened (fewer values valid) in a
  request, BREAKING; loosened, non-breaking; the reverse for a response. A `pattern` or `format` that
  changes (not just added or removed) cannot be ordered: BREAKING either way.
- Cross-field rules (allOf members with if/then/else/not, or a schema's own if/then/not): a rule removed
  from a request, non-breaking (the request accepts more); a rule added, BREAKING, unless it provably holds
  for every request the old spec accepted: the old schema refused unknown fields (additionalProperties
  false) and the rule holds for any body without the fields this same change adds, which is worked out from
  its required/properties/if/then/else/not/allOf/anyOf (a limit on the new `element_list` cannot refuse a
  request written before `element_list` existed; a rule requiring it can). In a response a rule added or removed is
  non-breaking: the generated client never checks cross-field rules when it parses. A rule whose text only
  changed (description, x-kling-error) is the same rule.
- Extensions (`x-kling-capabilities`, `x-kling-pricing`, `x-kling-retired`, `x-kling-error`, any other
  `x-`): added, removed or changed, non-breaking, reported leaf by leaf: they are data for the SDK, the
  emulator and the docs, not the wire contract (the SDK may warn differently). Prose is not compared:
  `description`, `summary`, `title`, examples, `x-kling-decision`, and `source` inside an extension.
- Components: a schema removed, BREAKING (its generated model class disappears); added, non-breaking.
  `info.version` changed: reported, non-breaking. A server URL removed, BREAKING; added, non-breaking.

$refs are resolved, so a change inside a referenced schema is reported where an operation uses it (the
request body, a response, a callback), once: the line names the component in brackets and lists the other
places that reach the same change ("also ...").
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = "openapi/kling-images.yaml"
# (search path, package) pairs given to `griffe check`.
PYTHON_PACKAGES = (("generated", "kling_api"), ("sdk", "kling"))

Schema = dict[str, Any]
Direction = Literal["request", "response"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Never compared: they change no client's behaviour.
PROSE = frozenset({"description", "summary", "title", "example", "examples", "$comment", "x-kling-decision"})
# Prose inside an extension's value.
EXTENSION_PROSE = frozenset({"description", "source", "title", "summary"})
RULE_KEYS = ("if", "then", "else", "not", "dependentRequired", "dependentSchemas")
# Keywords that say what a value is; the rest of a schema (default, prose, extensions) annotates it.
ANNOTATIONS = frozenset({"default", "deprecated", "readOnly", "writeOnly", *PROSE})
LOWER_LIMITS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_LIMITS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
SECURITY_SCHEME_KEYS = ("type", "scheme", "bearerFormat", "in", "name", "flows", "openIdConnectUrl")


@dataclass
class Change:
    """One change, as one line of the report."""

    breaking: bool
    section: str  # "Operations", "Security", "createImageTask request", "getImageTask response 200", ...
    where: str  # inside the section: "body.model_name", "query pageNum", "" for the section itself
    what: str  # "enum value 'kling-v1' removed"
    component: str = ""  # the component schema the change sits in, when it sits in one
    also: list[str] = field(default_factory=list)  # other sections that reach the same change

    @property
    def label(self) -> str:
        return "BREAKING" if self.breaking else "non-breaking"

    def line(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        notes = [self.component] if self.component else []
        if self.also:
            notes.append("also " + ", ".join(self.also))
        if notes:
            text += f"  [{'; '.join(notes)}]"
        return f"{self.label:<13} {text}"


class _Report:
    def __init__(self) -> None:
        self.changes: list[Change] = []
        self._seen: dict[tuple[str, ...], Change] = {}

    def add(self, breaking: bool, section: str, where: str, what: str, origin: str = "") -> None:
        """Record a change; one already recorded at the same place of the same component gains an "also"."""
        key = ("component", origin, what, str(breaking)) if origin else ("place", section, where, what)
        known = self._seen.get(key)
        if known is not None:
            if section != known.section and section not in known.also:
                known.also.append(section)
            return
        component = origin.split(".", 1)[0] if origin else ""
        change = Change(breaking, section, where, what, component)
        self._seen[key] = change
        self.changes.append(change)


@dataclass(frozen=True)
class _Walk:
    """Where a schema comparison stands: which spec pair, direction and report section."""

    report: _Report
    old_spec: Mapping[str, Any]
    new_spec: Mapping[str, Any]
    direction: Direction
    section: str

    def add(self, breaking: bool, where: str, what: str, origin: str) -> None:
        self.report.add(breaking, self.section, where, what, origin)

    def narrowed(self, where: str, what: str, origin: str) -> None:
        """Fewer values are valid than before: breaking for a request, not for a response."""
        self.add(self.direction == "request", where, what, origin)

    def widened(self, where: str, what: str, origin: str) -> None:
        """More values are valid than before: breaking for a response, not for a request."""
        self.add(self.direction == "response", where, what, origin)


# --- helpers -------------------------------------------------------------------------------------------------


def resolve_ref(spec: Mapping[str, Any], ref: str) -> Any:
    """The value a local `$ref` ("#/components/schemas/X") points to."""
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, not {ref!r}")
    node: Any = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _deref(spec: Mapping[str, Any], node: Any) -> Any:
    """A parameter, response or request body with its `$ref` (possibly chained) followed."""
    for _ in range(32):
        if not (isinstance(node, dict) and "$ref" in node):
            return node
        node = resolve_ref(spec, node["$ref"])
    raise ValueError("$ref chain too long")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _join(where: str, part: str) -> str:
    if not where:
        return part
    return where + part if part.startswith("[") else f"{where}.{part}"


def _extend(origin: str, part: str) -> str:
    return _join(origin, part) if origin else ""


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _canonical(node: Any) -> str:
    """A rule's identity: its JSON without prose and extensions."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in PROSE and not k.startswith("x-")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return json.dumps(strip(node), sort_keys=True)


def _types(schema: Schema) -> set[str] | None:
    declared = schema.get("type")
    if declared is None:
        return None
    types = {declared} if isinstance(declared, str) else set(declared)
    if schema.get("nullable") is True:
        types.add("null")
    return types


def _covered(kind: str, types: set[str]) -> bool:
    return kind in types or (kind == "integer" and "number" in types)


def _is_rule(member: Schema) -> bool:
    """An allOf member that states a rule (if/then, not) rather than composing a schema."""
    return any(k in member for k in RULE_KEYS) and not any(k in member for k in ("$ref", "properties", "type"))


def _rule_label(member: Schema) -> str:
    description = str(member.get("description") or "").strip()
    if description:
        first = re.split(r"(?<=\.)\s|\n\n", description, maxsplit=1)[0]
        first = " ".join(first.split())
        return first if len(first) <= 90 else first[:87] + "..."
    error = member.get("x-kling-error")
    if isinstance(error, dict) and error.get("field"):
        return f"{error['field']} {error.get('rule', '')}".strip()
    return _show(json.loads(_canonical(member)))


# --- a rule that provably holds without the fields a change adds ---------------------------------------------


def _always_true(schema: Any, absent: frozenset[str]) -> bool:
    """True when `schema` holds for every object lacking every field in `absent` (False: unknown)."""
    if schema is True or schema == {}:
        return True
    if not isinstance(schema, dict):
        return False
    if _always_false(schema, absent):
        return False
    constraining = {k for k in schema if k not in PROSE and not k.startswith("x-")}
    handled = {"properties", "not", "if", "then", "else", "allOf", "anyOf"}
    if constraining - handled:
        return False
    if "properties" in schema and not set(schema["properties"]) <= absent:
        return False
    if "not" in schema and not _always_false(schema["not"], absent):
        return False
    if "allOf" in schema and not all(_always_true(m, absent) for m in schema["allOf"]):
        return False
    if "anyOf" in schema and not any(_always_true(m, absent) for m in schema["anyOf"]):
        return False
    if "then" in schema or "else" in schema:
        condition = schema.get("if", True)
        then_ok = "then" not in schema or _always_true(schema["then"], absent) or _always_false(condition, absent)
        else_ok = "else" not in schema or _always_true(schema["else"], absent) or _always_true(condition, absent)
        if not (then_ok and else_ok):
            return False
    return True


def _always_false(schema: Any, absent: frozenset[str]) -> bool:
    """True when `schema` fails for every object lacking every field in `absent` (False: unknown)."""
    if schema is False:
        return True
    if not isinstance(schema, dict):
        return False
    if set(schema.get("required", [])) & absent:
        return True
    if "not" in schema and _always_true(schema["not"], absent):
        return True
    if "allOf" in schema and any(_always_false(m, absent) for m in schema["allOf"]):
        return True
    return "anyOf" in schema and all(_always_false(m, absent) for m in schema["anyOf"])


# --- schemas ---------------------------------------------------------------------------------------------------


def compare_schema(
    walk: _Walk, old: Any, new: Any, where: str, origin: str = "", active: frozenset[tuple[str, str]] = frozenset()
) -> None:
    """Report how `new` differs from `old` at `where` (a field path), following $refs on both sides."""
    old = old if isinstance(old, dict) else ({} if old in (None, True) else {"not": {}})
    new = new if isinstance(new, dict) else ({} if new in (None, True) else {"not": {}})
    old_pure = set(old) == {"$ref"}
    new_pure = set(new) == {"$ref"}
    if old_pure or new_pure:
        # A bare $ref: compare what it points to, named after the component.
        pair = (old.get("$ref", ""), new.get("$ref", ""))
        if pair in active:
            return
        name = _ref_name(new["$ref"] if new_pure else old["$ref"])
        compare_schema(
            walk,
            resolve_ref(walk.old_spec, old["$ref"]) if old_pure else old,
            resolve_ref(walk.new_spec, new["$ref"]) if new_pure else new,
            where,
            name,
            active | {pair},
        )
        return

    old_local, old_alts = _split(old)
    new_local, new_alts = _split(new)
    if (old_alts is None) != (new_alts is None):
        # One side is a union (or a $ref with siblings), the other a plain schema: the plain one becomes a
        # union of one, so that `{$ref: ModelName}` meets `anyOf: [{$ref: ModelName}, {type: string}]`.
        if old_alts is None:
            old_local, old_alts = _lift(old_local)
        else:
            new_local, new_alts = _lift(new_local)
    _compare_keywords(walk, old_local, new_local, where, origin, active)
    if old_alts is not None and new_alts is not None:
        _compare_alternatives(walk, old_alts, new_alts, where, origin, active)


def _split(schema: Schema) -> tuple[Schema, list[Any] | None]:
    if "$ref" in schema:
        return {k: v for k, v in schema.items() if k != "$ref"}, [{"$ref": schema["$ref"]}]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return {k: v for k, v in schema.items() if k != key}, list(schema[key])
    return schema, None


def _lift(local: Schema) -> tuple[Schema, list[Any]]:
    core = {k: v for k, v in local.items() if k not in ANNOTATIONS and not k.startswith("x-")}
    rest = {k: v for k, v in local.items() if k not in core}
    return rest, [core]


def _signature(spec: Mapping[str, Any], schema: Any) -> str:
    """What kind of value an alternative is, to pair alternatives that moved."""
    schema = _deref(spec, schema)
    if not isinstance(schema, dict):
        return "any"
    types = _types(schema)
    if types:
        return "|".join(sorted(types))
    if "const" in schema:
        return type(schema["const"]).__name__
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    if "enum" in schema:
        return "enum"
    return "any"


def _describe(spec: Mapping[str, Any], schema: Any) -> str:
    if isinstance(schema, dict) and "$ref" in schema:
        return _ref_name(schema["$ref"])
    if not isinstance(schema, dict) or not schema:
        return "any value"
    if "enum" in schema:
        return "one of " + ", ".join(map(_show, schema["enum"]))
    if "const" in schema:
        return _show(schema["const"])
    kind = _signature(spec, schema)
    if kind == "null":
        return "null"
    if kind == "array" and "items" in schema:
        return f"an array of {_describe(spec, schema['items'])}"
    return f"any {kind}" if kind != "any" else "any value"


def _compare_alternatives(
    walk: _Walk, old_alts: list[Any], new_alts: list[Any], where: str, origin: str, active: frozenset[tuple[str, str]]
) -> None:
    pairs: list[tuple[Any, Any]] = []
    olds = list(old_alts)
    news = list(new_alts)
    # Pair by component name, then by kind of value.
    for matcher in (
        lambda s, spec: s.get("$ref") if isinstance(s, dict) else None,
        lambda s, spec: _signature(spec, s),
    ):
        for old in list(olds):
            key = matcher(old, walk.old_spec)
            if key is None:
                continue
            for new in news:
                if matcher(new, walk.new_spec) == key:
                    pairs.append((old, new))
                    olds.remove(old)
                    news.remove(new)
                    break
    for old, new in pairs:
        compare_schema(walk, old, new, where, origin, active)
    for old in olds:
        walk.narrowed(where, f"alternative {_describe(walk.old_spec, old)} removed", origin)
    for new in news:
        walk.widened(where, f"now also accepts {_describe(walk.new_spec, new)}", origin)


def _compare_keywords(
    walk: _Walk, old: Schema, new: Schema, where: str, origin: str, active: frozenset[tuple[str, str]]
) -> None:
    _compare_type(walk, old, new, where, origin)
    _compare_enum(walk, old, new, where, origin)
    _compare_default(walk, old, new, where, origin)
    _compare_limits(walk, old, new, where, origin)
    _compare_properties(walk, old, new, where, origin, active)
    _compare_rules(walk, old, new, where, origin, active)
    if "items" in old or "items" in new:
        compare_schema(walk, old.get("items"), new.get("items"), _join(where, "[]"), _extend(origin, "[]"), active)
    if old.get("deprecated") != new.get("deprecated"):
        state = "now deprecated" if new.get("deprecated") else "no longer deprecated"
        walk.add(False, where, state, origin)
    compare_extensions(walk, old, new, where, origin)


def _compare_type(walk: _Walk, old: Schema, new: Schema, where: str, origin: str) -> None:
    old_types, new_types = _types(old), _types(new)
    if old_types == new_types:
        return
    if old_types is None and new_types is not None:
        walk.narrowed(where, f"type now restricted to {'|'.join(sorted(new_types))}", origin)
        return
    if new_types is None and old_types is not None:
        walk.widened(where, f"type no longer restricted (was {'|'.join(sorted(old_types))})", origin)
        return
    assert old_types is not None
    assert new_types is not None
    removed = sorted(t for t in old_types if not _covered(t, new_types))
    added = sorted(t for t in new_types if not _covered(t, old_types))
    change = f"type {'|'.join(sorted(old_types))} -> {'|'.join(sorted(new_types))}"
    if removed and added:
        walk.add(True, where, change, origin)
    elif removed:
        walk.narrowed(where, change, origin)
    elif added:
        walk.widened(where, change, origin)


def _compare_enum(walk: _Walk, old: Schema, new: Schema, where: str, origin: str) -> None:
    old_enum, new_enum = old.get("enum"), new.get("enum")
    if old_enum is None and new_enum is None:
        pass
    elif old_enum is None:
        walk.narrowed(where, f"now restricted to {', '.join(_show(v) for v in new.get('enum', []))}", origin)
    elif new_enum is None:
        walk.widened(where, "no longer restricted to an enum", origin)
    else:
        for value in old_enum:
            if value not in new_enum:
                walk.narrowed(where, f"enum value {_show(value)} removed", origin)
        open_enum = all(isinstance(v, str) for v in new_enum) and walk.direction == "response"
        for value in new_enum:
            if value not in old_enum:
                if open_enum:
                    walk.add(False, where, f"enum value {_show(value)} added (the generated enum parses it)", origin)
                else:
                    walk.widened(where, f"enum value {_show(value)} added", origin)
        old_names = dict(zip(old_enum, old.get("x-enum-varnames", []), strict=False))
        new_names = dict(zip(new_enum, new.get("x-enum-varnames", []), strict=False))
        for value, name in old_names.items():
            if value in new_names and new_names[value] != name:
                walk.add(True, where, f"enum member for {_show(value)} renamed {name} -> {new_names[value]}", origin)
    if "const" in old or "const" in new:
        if "const" not in old:
            walk.narrowed(where, f"now always {_show(new['const'])}", origin)
        elif "const" not in new:
            walk.widened(where, f"no longer always {_show(old['const'])}", origin)
        elif old["const"] != new["const"]:
            walk.add(True, where, f"const {_show(old['const'])} -> {_show(new['const'])}", origin)


def _compare_default(walk: _Walk, old: Schema, new: Schema, where: str, origin: str) -> None:
    if "default" in old and "default" in new:
        if old["default"] != new["default"]:
            what = f"default changed {_show(old['default'])} -> {_show(new['default'])}"
            walk.add(True, where, what, origin)
    elif "default" in new:
        walk.add(False, where, f"default {_show(new['default'])} added", origin)
    elif "default" in old:
        what = f"default {_show(old['default'])} removed"
        walk.add(walk.direction == "request", where, what, origin)


def _compare_limits(walk: _Walk, old: Schema, new: Schema, where: str, origin: str) -> None:
    for key in (*LOWER_LIMITS, *UPPER_LIMITS):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        lower = key in LOWER_LIMITS
        if before is None:
            walk.narrowed(where, f"{key} {_show(after)} added", origin)
        elif after is None:
            walk.widened(where, f"{key} {_show(before)} removed", origin)
        elif (after > before) == lower:
            walk.narrowed(where, f"{key} {_show(before)} -> {_show(after)} (tightened)", origin)
        else:
            walk.widened(where, f"{key} {_show(before)} -> {_show(after)} (loosened)", origin)
    if bool(old.get("uniqueItems")) != bool(new.get("uniqueItems")):
        if new.get("uniqueItems"):
            walk.narrowed(where, "items must now be unique", origin)
        else:
            walk.widened(where, "items no longer need to be unique", origin)
    for key in ("pattern", "format", "multipleOf"):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if before is None:
            walk.narrowed(where, f"{key} {_show(after)} added", origin)
        elif after is None:
            walk.widened(where, f"{key} {_show(before)} removed", origin)
        else:
            walk.add(True, where, f"{key} {_show(before)} -> {_show(after)}", origin)


def _closed(schema: Schema) -> bool:
    return schema.get("additionalProperties", True) is False


def _compare_properties(
    walk: _Walk, old: Schema, new: Schema, where: str, origin: str, active: frozenset[tuple[str, str]]
) -> None:
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    request = walk.direction == "request"
    for name in [*new_props, *(n for n in old_props if n not in new_props)]:
        at, at_origin = _join(where, name), _extend(origin, name)
        if name not in old_props:
            required = name in new_required
            deprecated = isinstance(new_props[name], dict) and new_props[name].get("deprecated")
            what = f"{'required' if required else 'optional'} field added" + (" (deprecated)" if deprecated else "")
            if request:
                walk.add(required, at, what, at_origin)
            elif _closed(old):
                walk.add(True, at, what + " (the old schema refused unknown fields)", at_origin)
            else:
                walk.add(False, at, what, at_origin)
        elif name not in new_props:
            what = "field removed" + (" (it was required)" if name in old_required else "")
            walk.add(True, at, what, at_origin)
        else:
            compare_schema(walk, old_props[name], new_props[name], at, at_origin, active)
            if name in new_required and name not in old_required:
                walk.add(request, at, "now required", at_origin)
            elif name in old_required and name not in new_required:
                walk.add(not request, at, "no longer required", at_origin)
    # Required names without a property of their own (an object that only requires keys).
    for name in sorted((new_required - old_required) - set(new_props)):
        walk.narrowed(_join(where, name), "now required", _extend(origin, name))
    for name in sorted((old_required - new_required) - set(old_props)):
        walk.widened(_join(where, name), "no longer required", _extend(origin, name))

    before, after = old.get("additionalProperties", True), new.get("additionalProperties", True)
    if before != after:
        if isinstance(before, dict) and isinstance(after, dict):
            compare_schema(walk, before, after, _join(where, "*"), _extend(origin, "*"), active)
        elif after is False or before is True:
            walk.narrowed(where, "unknown fields now refused (additionalProperties)", origin)
        else:
            walk.widened(where, "unknown fields now allowed (additionalProperties)", origin)


def _compare_rules(
    walk: _Walk, old: Schema, new: Schema, where: str, origin: str, active: frozenset[tuple[str, str]]
) -> None:
    """allOf members: components by name, inline members in order, rules (if/then, not) by identity."""
    old_members: list[Any] = list(old.get("allOf", []))
    new_members: list[Any] = list(new.get("allOf", []))
    # A schema's own if/then/else/not is a rule like an allOf member.
    for schema, members in ((old, old_members), (new, new_members)):
        own = {k: schema[k] for k in RULE_KEYS if k in schema}
        if own:
            members.append(own)

    def refs(members: list[Any]) -> dict[str, Any]:
        return {m["$ref"]: m for m in members if isinstance(m, dict) and "$ref" in m}

    old_refs, new_refs = refs(old_members), refs(new_members)
    for ref in new_refs:
        if ref in old_refs:
            compare_schema(walk, old_refs[ref], new_refs[ref], where, origin, active)
        else:
            walk.add(True, where, f"now also composed of {_ref_name(ref)} (allOf)", origin)
    for ref in old_refs:
        if ref not in new_refs:
            walk.add(True, where, f"no longer composed of {_ref_name(ref)} (allOf)", origin)

    def inline(members: list[Any], rules: bool) -> list[Schema]:
        return [m for m in members if isinstance(m, dict) and "$ref" not in m and _is_rule(m) == rules]

    for old_part, new_part in zip(inline(old_members, False), inline(new_members, False), strict=False):
        compare_schema(walk, old_part, new_part, where, origin, active)
    old_parts, new_parts = inline(old_members, False), inline(new_members, False)
    for extra in new_parts[len(old_parts) :]:
        walk.narrowed(where, f"allOf member added: {_show(json.loads(_canonical(extra)))}", origin)
    for extra in old_parts[len(new_parts) :]:
        walk.widened(where, f"allOf member removed: {_show(json.loads(_canonical(extra)))}", origin)

    old_rules = {_canonical(m): m for m in inline(old_members, True)}
    new_rules = {_canonical(m): m for m in inline(new_members, True)}
    request = walk.direction == "request"
    for key, rule in old_rules.items():
        if key not in new_rules:
            walk.add(False, where, f"rule removed: {_rule_label(rule)}", origin)
    added_fields = frozenset(set(new.get("properties", {})) - set(old.get("properties", {})))
    for key, rule in new_rules.items():
        if key in old_rules:
            continue
        what = f"rule added: {_rule_label(rule)}"
        if not request:
            walk.add(False, where, what, origin)
        elif _closed(old) and added_fields and _always_true(rule, added_fields):
            names = ", ".join(sorted(added_fields & _named_fields(rule)))
            walk.add(False, where, f"{what} (it only constrains the new {names})", origin)
        else:
            walk.add(True, where, what, origin)


def _named_fields(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        names.update(node.get("properties", {}))
        names.update(n for n in node.get("required", []) if isinstance(n, str))
        for value in node.values():
            names |= _named_fields(value)
    elif isinstance(node, list):
        for value in node:
            names |= _named_fields(value)
    return names


# --- extensions ------------------------------------------------------------------------------------------------


def summarize(value: Any) -> str:
    """A short account of an extension's value: its data, not its prose."""
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if key in EXTENSION_PROSE:
                continue
            if isinstance(item, dict):
                parts.append(f"{key}: {', '.join(map(str, item))}")
            else:
                parts.append(f"{key}={summarize(item)}")
        text = "; ".join(parts)
    elif isinstance(value, list):
        if all(isinstance(v, dict) and "name" in v for v in value):
            text = ", ".join(str(v["name"]) for v in value)
        else:
            text = ", ".join(summarize(v) for v in value)
        text = f"[{text}]"
    else:
        text = _show(value)
    return text if len(text) <= 100 else text[:97] + "..."


def _extension_diff(old: Any, new: Any, path: str) -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*new, *(k for k in old if k not in new)]:
            if key in EXTENSION_PROSE:
                continue
            sub = f"{path}.{key}"
            if key not in old:
                yield f"{sub} added: {summarize(new[key])}"
            elif key not in new:
                yield f"{sub} removed (was {summarize(old[key])})"
            else:
                yield from _extension_diff(old[key], new[key], sub)
        return
    named = (
        isinstance(old, list)
        and isinstance(new, list)
        and all(isinstance(v, dict) and "name" in v for v in [*old, *new])
    )
    if named:
        old_by, new_by = {v["name"]: v for v in old}, {v["name"]: v for v in new}
        for name in new_by:
            if name not in old_by:
                yield f"{path} added {name}"
            else:
                yield from _extension_diff(old_by[name], new_by[name], f"{path}[{name}]")
        for name in old_by:
            if name not in new_by:
                yield f"{path} removed {name}"
        return
    if old != new:
        yield f"{path}: {summarize(old)} -> {summarize(new)}"


def compare_extensions(walk: _Walk, old: Mapping[str, Any], new: Mapping[str, Any], where: str, origin: str) -> None:
    """x- keys (but x-enum-varnames, compared with the enum, and prose): non-breaking, leaf by leaf."""
    keys = [k for k in [*new, *(k for k in old if k not in new)] if k.startswith("x-")]
    for key in keys:
        if key in PROSE or key == "x-enum-varnames":
            continue
        if key not in old:
            walk.add(False, where, f"{key} added: {summarize(new[key])}", origin)
        elif key not in new:
            walk.add(False, where, f"{key} removed", origin)
        else:
            for what in _extension_diff(old[key], new[key], key):
                walk.add(False, where, what, origin)


# --- operations, parameters, bodies, security --------------------------------------------------------------------


def _operations(spec: Mapping[str, Any]) -> dict[tuple[str, str], tuple[Schema, Schema]]:
    found: dict[tuple[str, str], tuple[Schema, Schema]] = {}
    for path, item in (spec.get("paths") or {}).items():
        for method, op in item.items() if isinstance(item, dict) else ():
            if method in HTTP_METHODS:
                found[(method.upper(), path)] = (op, item)
    return found


def _op_label(op: Mapping[str, Any], method: str, path: str) -> str:
    return str(op.get("operationId") or f"{method} {path}")


def _security(spec: Mapping[str, Any], op: Mapping[str, Any]) -> set[frozenset[str]]:
    requirements = op["security"] if "security" in op else spec.get("security", [])
    return {frozenset(req) for req in requirements or []}


def _parameters(
    spec: Mapping[str, Any], op: Mapping[str, Any], item: Mapping[str, Any]
) -> dict[tuple[str, str], Schema]:
    params: dict[tuple[str, str], Schema] = {}
    for raw in [*item.get("parameters", []), *op.get("parameters", [])]:
        param = _deref(spec, raw)
        params[(param["in"], param["name"])] = param
    return params


def _compare_parameters(walk: _Walk, old: dict[tuple[str, str], Schema], new: dict[tuple[str, str], Schema]) -> None:
    request = walk.direction == "request"
    for key in [*new, *(k for k in old if k not in new)]:
        where = f"{key[0]} {key[1]}"
        if key not in old:
            required = bool(new[key].get("required"))
            what = f"{'required' if required else 'optional'} parameter added"
            walk.add(request and required, where, what, "")
        elif key not in new:
            walk.add(True, where, "parameter removed", "")
        else:
            before, after = bool(old[key].get("required")), bool(new[key].get("required"))
            if after and not before:
                walk.add(request, where, "now required", "")
            elif before and not after:
                walk.add(not request, where, "no longer required", "")
            if old[key].get("deprecated") != new[key].get("deprecated"):
                walk.add(False, where, "now deprecated" if after else "no longer deprecated", "")
            compare_schema(walk, old[key].get("schema", {}), new[key].get("schema", {}), where)


def _compare_content(walk: _Walk, old: Mapping[str, Any], new: Mapping[str, Any], where: str) -> None:
    old_content, new_content = old.get("content") or {}, new.get("content") or {}
    for media in [*new_content, *(m for m in old_content if m not in new_content)]:
        label = where if len(set(old_content) | set(new_content)) == 1 else f"{where} ({media})"
        if media not in old_content:
            walk.widened(where, f"media type {media} added", "")
        elif media not in new_content:
            walk.narrowed(where, f"media type {media} removed", "")
        else:
            compare_schema(walk, old_content[media].get("schema", {}), new_content[media].get("schema", {}), label)


def _compare_body(walk: _Walk, old: Any, new: Any) -> None:
    old_body, new_body = _deref(walk.old_spec, old) or {}, _deref(walk.new_spec, new) or {}
    if not old_body and not new_body:
        return
    if not old_body:
        walk.add(bool(new_body.get("required")), "body", "request body added", "")
    elif not new_body:
        walk.add(True, "body", "request body removed", "")
    else:
        before, after = bool(old_body.get("required")), bool(new_body.get("required"))
        if before != after:
            walk.add(after, "body", "now required" if after else "no longer required", "")
        _compare_content(walk, old_body, new_body, "body")


def _compare_operation(
    report: _Report,
    old_spec: Mapping[str, Any],
    new_spec: Mapping[str, Any],
    label: str,
    old: tuple[Schema, Schema],
    new: tuple[Schema, Schema],
) -> None:
    (old_op, old_item), (new_op, new_item) = old, new
    if old_op.get("operationId") != new_op.get("operationId"):
        what = f"{label}: operationId {old_op.get('operationId')} -> {new_op.get('operationId')}"
        report.add(True, "Operations", "", what)
    if old_op.get("deprecated") != new_op.get("deprecated"):
        report.add(False, "Operations", "", f"{label}: {'now' if new_op.get('deprecated') else 'no longer'} deprecated")
    old_security, new_security = _security(old_spec, old_op), _security(new_spec, new_op)
    for requirement in sorted(new_security - old_security, key=sorted):
        schemes = " + ".join(sorted(requirement)) or "no authentication"
        report.add(False, "Security", "", f"{label}: callers may also authenticate with {schemes}")
    for requirement in sorted(old_security - new_security, key=sorted):
        schemes = " + ".join(sorted(requirement)) or "no authentication"
        report.add(True, "Security", "", f"{label}: authenticating with {schemes} no longer accepted")

    request = _Walk(report, old_spec, new_spec, "request", f"{label} request")
    _compare_parameters(request, _parameters(old_spec, old_op, old_item), _parameters(new_spec, new_op, new_item))
    _compare_body(request, old_op.get("requestBody"), new_op.get("requestBody"))

    old_responses, new_responses = old_op.get("responses") or {}, new_op.get("responses") or {}
    for status in [*new_responses, *(s for s in old_responses if s not in new_responses)]:
        section = f"{label} response {status}"
        if status not in old_responses:
            report.add(True, section, "", "response added (the old client does not parse it)")
        elif status not in new_responses:
            report.add(False, section, "", "response removed")
        else:
            walk = _Walk(report, old_spec, new_spec, "response", section)
            before, after = _deref(old_spec, old_responses[status]), _deref(new_spec, new_responses[status])
            _compare_content(walk, before, after, "body")

    old_callbacks, new_callbacks = old_op.get("callbacks") or {}, new_op.get("callbacks") or {}
    for name in [*new_callbacks, *(n for n in old_callbacks if n not in new_callbacks)]:
        section = f"{label} callback {name}"
        if name not in old_callbacks:
            report.add(False, section, "", "callback added")
            continue
        if name not in new_callbacks:
            report.add(True, section, "", "callback removed")
            continue
        old_ops = _operations({"paths": _deref(old_spec, old_callbacks[name])})
        new_ops = _operations({"paths": _deref(new_spec, new_callbacks[name])})
        for key in [*new_ops, *(k for k in old_ops if k not in new_ops)]:
            if key not in old_ops:
                report.add(False, section, "", f"{key[0]} {key[1]} added")
            elif key not in new_ops:
                report.add(True, section, "", f"{key[0]} {key[1]} removed")
            else:
                # The server sends a callback and the client reads it: the response direction.
                walk = _Walk(report, old_spec, new_spec, "response", section)
                (cb_old, cb_old_item), (cb_new, cb_new_item) = old_ops[key], new_ops[key]
                _compare_parameters(
                    walk, _parameters(old_spec, cb_old, cb_old_item), _parameters(new_spec, cb_new, cb_new_item)
                )
                old_body = _deref(old_spec, cb_old.get("requestBody")) or {}
                new_body = _deref(new_spec, cb_new.get("requestBody")) or {}
                _compare_content(walk, old_body, new_body, "body")


def _compare_security_schemes(report: _Report, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    old_schemes = (old.get("components") or {}).get("securitySchemes") or {}
    new_schemes = (new.get("components") or {}).get("securitySchemes") or {}
    for name in [*new_schemes, *(n for n in old_schemes if n not in new_schemes)]:
        if name not in old_schemes:
            scheme = new_schemes[name]
            kind = " ".join(str(scheme[k]) for k in ("type", "scheme", "bearerFormat", "in", "name") if k in scheme)
            report.add(False, "Security", "", f"scheme {name} added ({kind})")
        elif name not in new_schemes:
            report.add(True, "Security", "", f"scheme {name} removed")
        else:
            for key in SECURITY_SCHEME_KEYS:
                before, after = old_schemes[name].get(key), new_schemes[name].get(key)
                if before != after:
                    report.add(True, "Security", "", f"scheme {name}: {key} {_show(before)} -> {_show(after)}")


def diff_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from the `old` spec to the `new` one, classified for a client (see the module docstring)."""
    report = _Report()
    old_version, new_version = (old.get("info") or {}).get("version"), (new.get("info") or {}).get("version")
    if old_version != new_version:
        report.add(False, "Spec", "", f"info.version {_show(old_version)} -> {_show(new_version)}")
    old_servers = [s.get("url") for s in old.get("servers") or []]
    new_servers = [s.get("url") for s in new.get("servers") or []]
    for url in new_servers:
        if url not in old_servers:
            report.add(False, "Spec", "", f"server {url} added")
    for url in old_servers:
        if url not in new_servers:
            report.add(True, "Spec", "", f"server {url} removed")

    old_ops, new_ops = _operations(old), _operations(new)
    for key in [*new_ops, *(k for k in old_ops if k not in new_ops)]:
        method, path = key
        if key not in old_ops:
            report.add(False, "Operations", "", f"{_op_label(new_ops[key][0], method, path)} ({method} {path}) added")
        elif key not in new_ops:
            label = _op_label(old_ops[key][0], method, path)
            report.add(True, "Operations", "", f"{label} ({method} {path}) removed")

    _compare_security_schemes(report, old, new)
    old_schemas = (old.get("components") or {}).get("schemas") or {}
    new_schemas = (new.get("components") or {}).get("schemas") or {}
    for name in new_schemas:
        if name not in old_schemas:
            report.add(False, "Components", "", f"schema {name} added")
    for name in old_schemas:
        if name not in new_schemas:
            report.add(True, "Components", "", f"schema {name} removed (its generated model goes)")

    for key in new_ops:
        if key in old_ops:
            label = _op_label(new_ops[key][0], *key)
            _compare_operation(report, old, new, label, old_ops[key], new_ops[key])
    return report.changes


def format_changes(changes: Iterable[Change]) -> list[str]:
    """The report's lines: one heading per section, one line per change."""
    sections: dict[str, list[Change]] = {}
    for change in changes:
        sections.setdefault(change.section, []).append(change)
    lines: list[str] = []
    for section, members in sections.items():
        lines.append(section)
        lines.extend(f"  {change.line()}" for change in members)
    return lines


# --- the command -------------------------------------------------------------------------------------------------


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603, S607


def default_base() -> str:
    """The latest tag reachable from HEAD, else HEAD."""
    tag = _git("describe", "--tags", "--abbrev=0")
    return tag.stdout.strip() if tag.returncode == 0 and tag.stdout.strip() else "HEAD"


GRIFFE_LINE = re.compile(r"^\S+:\d+: .+: .+")


def run_griffe(search: str, package: str, base: str) -> tuple[int | None, str]:
    """`griffe check` of one package against `base`: (breakages found, or None if it failed; its output)."""
    command = [sys.executable, "-m", "griffe", "check", "-s", search, package, "-a", base]
    done = subprocess.run(  # noqa: S603
        [*command, "--no-color", "-f", "oneline"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    output = (done.stdout + done.stderr).strip()
    count = sum(1 for line in output.splitlines() if GRIFFE_LINE.match(line))
    if done.returncode not in (0, 1) or (done.returncode == 1 and count == 0):
        return None, output
    return count, output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--base", default="", help="git ref to compare with (default: the latest tag, else HEAD)")
    parser.add_argument("--spec-only", action="store_true", help="skip griffe")
    args = parser.parse_args(argv)
    base = args.base or default_base()

    commit = _git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    if commit.returncode != 0:
        print(f"api-diff: {base!r} is not a commit of this repository (a shallow clone?)", file=sys.stderr)
        return 2
    sha = commit.stdout.strip()
    shown = _git("show", f"{sha}:{SPEC}")
    if shown.returncode != 0:
        print(f"api-diff: no {SPEC} at {base}: {shown.stderr.strip()}", file=sys.stderr)
        return 2
    changes = diff_specs(yaml.safe_load(shown.stdout), yaml.safe_load((ROOT / SPEC).read_text(encoding="utf-8")))

    print(f"== spec: {SPEC}, {base} ({sha[:7]}) -> working tree ==")
    print("\n".join(format_changes(changes)) if changes else "no change")
    breaking = sum(c.breaking for c in changes)
    summary = [f"spec: {breaking} breaking, {len(changes) - breaking} non-breaking"]

    if not args.spec_only:
        for search, package in PYTHON_PACKAGES:
            print(f"\n== {package}: griffe check -s {search} {package} -a {base} (breakages only) ==")
            count, output = run_griffe(search, package, sha)
            print("\n".join(f"  {line}" for line in output.splitlines()) if output else "  no breakage")
            summary.append(f"{package}: griffe failed (see above)" if count is None else f"{package}: {count} breaking")
    print()
    print("; ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
