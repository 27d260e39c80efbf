"""`make api-diff` (scripts/api_diff.py): what a spec change does to a client, and the version in one place.

The comparison is tested on small specs built here, one rule of the module docstring at a time, then on the
real move to the 2026 edition (the spec at commit 663b264 against the working tree's).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import kling
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "api_diff.py"
BEFORE_2026 = "663b264"

_spec = importlib.util.spec_from_file_location("api_diff", SCRIPT)
assert _spec is not None
assert _spec.loader is not None
api_diff: Any = importlib.util.module_from_spec(_spec)
sys.modules["api_diff"] = api_diff
_spec.loader.exec_module(api_diff)


def make_spec(
    body: dict[str, Any] | None = None,
    answer: dict[str, Any] | None = None,
    schemas: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One operation, createThing (POST /things): `body` is its request schema, `answer` its 200 schema."""
    operation: dict[str, Any] = {
        "operationId": "createThing",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": answer or {}}}}},
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    operation.update(extra.pop("operation", {}))
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": operation}},
        "components": {"schemas": schemas or {}},
    }
    spec.update(extra)
    return spec


def obj(required: list[str] | None = None, **properties: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    changes: list[Any] = api_diff.diff_specs(old, new)
    return changes


def one(changes: list[Any], what: str, where: str | None = None, section: str | None = None) -> Any:
    """The only change whose text contains `what` (at `where`, in `section`, when given)."""
    found = [
        c
        for c in changes
        if what in c.what and (where is None or c.where == where) and (section is None or section in c.section)
    ]
    assert len(found) == 1, f"{what!r} at {where!r}: {found} in\n" + "\n".join(api_diff.format_changes(changes))
    return found[0]


STRING = {"type": "string"}


# --- fields and required ---------------------------------------------------------------------------------------


def test_request_fields_added_and_removed() -> None:
    old = make_spec(body=obj(["prompt"], prompt=STRING, style=STRING))
    new = make_spec(body=obj(["prompt", "seed"], prompt=STRING, size={"type": "integer"}, seed={"type": "integer"}))

    changes = diff(old, new)

    assert not one(changes, "optional field added", "body.size", "createThing request").breaking
    assert one(changes, "required field added", "body.seed").breaking
    assert one(changes, "field removed", "body.style").breaking
    assert len(changes) == 3


def test_response_fields_added_and_removed() -> None:
    old = make_spec(answer=obj(["id"], id=STRING, status=STRING, old=STRING))
    new = make_spec(answer=obj(["id", "created"], id=STRING, status=STRING, created={"type": "integer"}))

    changes = diff(old, new)

    # The old client ignores a field it does not know, required or not.
    assert not one(changes, "required field added", "body.created", "createThing response 200").breaking
    assert one(changes, "field removed", "body.old").breaking


def test_a_response_field_added_to_a_closed_schema_is_breaking() -> None:
    closed = {**obj(id=STRING), "additionalProperties": False}
    changes = diff(make_spec(answer=closed), make_spec(answer={**closed, "properties": {"id": STRING, "x": STRING}}))

    assert one(changes, "optional field added", "body.x").breaking


def test_required_changes_are_classified_by_direction() -> None:
    old = make_spec(body=obj(["a"], a=STRING, b=STRING), answer=obj(["c"], c=STRING, d=STRING))
    new = make_spec(body=obj(["b"], a=STRING, b=STRING), answer=obj(["d"], c=STRING, d=STRING))

    changes = diff(old, new)

    assert one(changes, "now required", "body.b", "request").breaking
    assert not one(changes, "no longer required", "body.a", "request").breaking
    assert not one(changes, "now required", "body.d", "response").breaking
    assert one(changes, "no longer required", "body.c", "response").breaking


# --- enums, types, alternatives, defaults ------------------------------------------------------------------------


def test_enum_values_in_a_request() -> None:
    old = make_spec(body=obj(model={"type": "string", "enum": ["v1", "v2"]}))
    new = make_spec(body=obj(model={"type": "string", "enum": ["v2", "v3"]}))

    changes = diff(old, new)

    assert one(changes, "enum value 'v1' removed", "body.model").breaking
    assert not one(changes, "enum value 'v3' added", "body.model").breaking


def test_enum_values_in_a_response() -> None:
    old = make_spec(answer=obj(status={"type": "string", "enum": ["a", "b"]}, level={"type": "integer", "enum": [1]}))
    new = make_spec(
        answer=obj(status={"type": "string", "enum": ["b", "c"]}, level={"type": "integer", "enum": [1, 2]})
    )

    changes = diff(old, new)

    # The generated string enums parse values they do not list; an integer enum has no such fallback.
    assert not one(changes, "enum value 'c' added", "body.status").breaking
    assert not one(changes, "enum value 'a' removed", "body.status").breaking
    assert one(changes, "enum value 2 added", "body.level").breaking


def test_an_enum_member_renamed_is_breaking() -> None:
    old = make_spec(body=obj(m={"type": "string", "enum": ["a"], "x-enum-varnames": ["A"]}))
    new = make_spec(body=obj(m={"type": "string", "enum": ["a"], "x-enum-varnames": ["ALPHA"]}))

    assert one(diff(old, new), "enum member for 'a' renamed A -> ALPHA").breaking


def test_types_widened_and_narrowed() -> None:
    old = make_spec(
        body=obj(n={"type": "integer"}, s={"type": ["string", "integer"]}), answer=obj(k={"type": "integer"})
    )
    new = make_spec(body=obj(n={"type": "number"}, s={"type": "string"}), answer=obj(k={"type": ["integer", "null"]}))

    changes = diff(old, new)

    assert not one(changes, "type integer -> number", "body.n").breaking  # number covers integer
    assert one(changes, "type integer|string -> string", "body.s").breaking
    assert one(changes, "type integer -> integer|null", "body.k", "response").breaking


def test_a_closed_enum_opened_through_any_of() -> None:
    schemas = {"Model": {"type": "string", "enum": ["v1", "v2"]}}
    new_schemas = {"Model": {"type": "string", "enum": ["v2"]}}
    old = make_spec(body=obj(model={"$ref": "#/components/schemas/Model", "default": "v1"}), schemas=schemas)
    opened = {"anyOf": [{"$ref": "#/components/schemas/Model"}, STRING], "default": "v2"}
    new = make_spec(body=obj(model=opened), schemas=new_schemas)

    changes = diff(old, new)

    removed = one(changes, "enum value 'v1' removed", "body.model")
    assert removed.breaking
    assert removed.component == "Model"
    assert not one(changes, "now also accepts any string", "body.model").breaking
    assert one(changes, "default changed 'v1' -> 'v2'", "body.model").breaking


def test_nullable_response_and_alternatives_removed_from_a_request() -> None:
    old = make_spec(body=obj(v={"anyOf": [STRING, {"type": "integer"}]}), answer=obj(d=STRING))
    new = make_spec(body=obj(v=STRING), answer=obj(d={"anyOf": [STRING, {"type": "null"}]}))

    changes = diff(old, new)

    assert one(changes, "alternative any integer removed", "body.v").breaking
    assert one(changes, "now also accepts null", "body.d", "response").breaking


def test_defaults() -> None:
    old = make_spec(body=obj(a={"type": "integer", "default": 1}, b={"type": "integer", "default": 1}, c=STRING))
    new = make_spec(body=obj(a={"type": "integer", "default": 2}, b={"type": "integer"}, c={**STRING, "default": "x"}))

    changes = diff(old, new)

    assert one(changes, "default changed 1 -> 2", "body.a").breaking
    assert one(changes, "default 1 removed", "body.b").breaking
    assert not one(changes, "default 'x' added", "body.c").breaking


# --- limits ------------------------------------------------------------------------------------------------------


def test_limits_tightened_and_loosened_in_a_request() -> None:
    old = make_spec(body=obj(p={"type": "string", "maxLength": 100}, n={"type": "integer", "minimum": 1}, s=STRING))
    new = make_spec(
        body=obj(p={"type": "string", "maxLength": 50}, n={"type": "integer"}, s={**STRING, "pattern": "^a"})
    )

    changes = diff(old, new)

    assert one(changes, "maxLength 100 -> 50 (tightened)", "body.p").breaking
    assert not one(changes, "minimum 1 removed", "body.n").breaking
    assert one(changes, "pattern '^a' added", "body.s").breaking


def test_limits_in_a_response_are_the_reverse() -> None:
    old = make_spec(answer=obj(i={"type": "integer", "maximum": 9}, j={"type": "integer", "maximum": 9}))
    new = make_spec(answer=obj(i={"type": "integer", "maximum": 5}, j={"type": "integer", "maximum": 99}))

    changes = diff(old, new)

    assert not one(changes, "maximum 9 -> 5 (tightened)", "body.i").breaking
    assert one(changes, "maximum 9 -> 99 (loosened)", "body.j").breaking


def test_items_are_compared() -> None:
    old = make_spec(body=obj(tags={"type": "array", "items": {"type": "string", "maxLength": 5}, "maxItems": 3}))
    new = make_spec(body=obj(tags={"type": "array", "items": {"type": "string", "maxLength": 9}, "maxItems": 2}))

    changes = diff(old, new)

    assert not one(changes, "maxLength 5 -> 9 (loosened)", "body.tags[]").breaking
    assert one(changes, "maxItems 3 -> 2 (tightened)", "body.tags").breaking


# --- cross-field rules -------------------------------------------------------------------------------------------

NO_A_WITH_B = {"description": "No a with b. Source: the docs.", "not": {"required": ["a", "b"]}}


def closed(rules: list[dict[str, Any]], **properties: Any) -> dict[str, Any]:
    return {**obj(**properties), "additionalProperties": False, "allOf": rules}


def test_a_rule_removed_from_a_request_is_not_breaking_and_added_is() -> None:
    with_rule = make_spec(body=closed([NO_A_WITH_B], a=STRING, b=STRING))
    without = make_spec(body=closed([], a=STRING, b=STRING))

    assert not one(diff(with_rule, without), "rule removed: No a with b.", "body").breaking
    assert one(diff(without, with_rule), "rule added: No a with b.", "body").breaking


def test_a_rule_that_only_constrains_a_new_field_is_not_breaking() -> None:
    old = make_spec(body=closed([], a=STRING))
    limit_new = {"if": {"required": ["a"]}, "then": {"properties": {"items": {"maxItems": 9}}}}
    require_new = {"if": {"required": ["a"]}, "then": {"required": ["items"]}}
    items = {"type": "array", "maxItems": 10}

    only_with_new = {"if": {"required": ["items"]}, "then": {"required": ["a"]}}
    limit_old = {"if": {"required": ["items"]}, "else": {"properties": {"a": {"maxLength": 3}}}}

    def added(rule: dict[str, Any]) -> Any:
        return one(diff(old, make_spec(body=closed([rule], a=STRING, items=items))), "rule added", "body")

    assert not added(limit_new).breaking
    assert not added(only_with_new).breaking  # `if` needs the new field: never true for an old request
    # Old requests with `a` have no `items`: these rules refuse some of them.
    assert added(require_new).breaking
    assert added(limit_old).breaking


def test_a_rule_whose_text_only_changed_is_the_same_rule() -> None:
    reworded = {**NO_A_WITH_B, "description": "Never a and b together.", "x-kling-error": {"field": "a"}}

    changes = diff(make_spec(body=closed([NO_A_WITH_B], a=STRING)), make_spec(body=closed([reworded], a=STRING)))

    assert changes == []


# --- $refs, operations, security, callbacks, extensions ----------------------------------------------------------


def test_a_change_in_a_referenced_schema_is_reported_where_it_is_used_once() -> None:
    ref = {"$ref": "#/components/schemas/Task"}
    get = {
        "operationId": "getThing",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": ref}}}},
    }
    old = make_spec(answer=ref, schemas={"Task": obj(id=STRING)})
    new = make_spec(answer=ref, schemas={"Task": obj(id=STRING, cost=STRING)})
    old["paths"]["/things/{id}"] = {"get": get}
    new["paths"]["/things/{id}"] = {"get": get}

    changes = diff(old, new)

    added = one(changes, "optional field added", "body.cost")
    assert added.component == "Task"
    assert added.section == "createThing response 200"
    assert added.also == ["getThing response 200"]
    assert "[Task; also getThing response 200]" in added.line()


def test_operations_added_and_removed() -> None:
    old = make_spec()
    new = make_spec()
    old["paths"]["/gone"] = {"get": {"operationId": "oldThing", "responses": {}}}
    new["paths"]["/new"] = {"delete": {"operationId": "newThing", "responses": {}}}

    changes = diff(old, new)

    assert one(changes, "oldThing (GET /gone) removed", section="Operations").breaking
    assert not one(changes, "newThing (DELETE /new) added", section="Operations").breaking


def test_security_schemes_and_alternatives() -> None:
    jwt = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    old = make_spec(operation={"security": [{"JWT": []}, {"Basic": []}]})
    old["components"]["securitySchemes"] = {"JWT": jwt, "Basic": {"type": "http", "scheme": "basic"}}
    new = make_spec(operation={"security": [{"Key": []}, {"JWT": []}]})
    new["components"]["securitySchemes"] = {"Key": {"type": "http", "scheme": "bearer"}, "JWT": jwt}

    changes = diff(old, new)

    assert not one(changes, "scheme Key added (http bearer)", section="Security").breaking
    assert one(changes, "scheme Basic removed", section="Security").breaking
    assert not one(changes, "createThing: callers may also authenticate with Key").breaking
    assert one(changes, "createThing: authenticating with Basic no longer accepted").breaking


def test_parameters_and_callbacks() -> None:
    def with_parts(params: list[dict[str, Any]], callback_body: dict[str, Any]) -> dict[str, Any]:
        callback = {
            "{$request.body#/url}": {
                "post": {
                    "parameters": [{"name": "sig", "in": "header", "schema": STRING}] if params else [],
                    "requestBody": {"content": {"application/json": {"schema": callback_body}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
        return make_spec(operation={"parameters": params, "callbacks": {"done": callback}})

    old = with_parts([], obj(id=STRING, gone=STRING))
    page = {"name": "page", "in": "query", "required": True, "schema": {"type": "integer"}}
    new = with_parts([page], obj(["extra"], id=STRING, extra=STRING))

    changes = diff(old, new)

    assert one(changes, "required parameter added", "query page", "createThing request").breaking
    # A callback is read by the client: the response direction.
    assert not one(changes, "optional parameter added", "header sig", "createThing callback done").breaking
    assert not one(changes, "required field added", "body.extra", "callback done").breaking
    assert one(changes, "field removed", "body.gone", "callback done").breaking


def test_extensions_are_reported_leaf_by_leaf_and_prose_is_not() -> None:
    pricing = {"description": "units per image", "models": {"m1": {"text": 4}, "m2": {"text": 8}}}
    old = make_spec(body={**obj(a=STRING), "x-kling-pricing": pricing, "x-kling-decision": "why, 1"})
    new_pricing = {"description": "reworded", "models": {"m1": {"text": 5}, "m3": {"text": 8}}}
    new = make_spec(body={**obj(a=STRING), "x-kling-pricing": new_pricing, "x-kling-decision": "why, 2"})

    changes = diff(old, new)

    assert [c.what for c in changes] == [
        "x-kling-pricing.models.m1.text: 4 -> 5",
        "x-kling-pricing.models.m3 added: text=8",
        "x-kling-pricing.models.m2 removed (was text=8)",
    ]
    assert not any(c.breaking for c in changes)


def test_the_report_groups_changes_under_their_section() -> None:
    old = make_spec(body=obj(a={"type": "string", "enum": ["x", "y"]}))
    new = make_spec(body=obj(a={"type": "string", "enum": ["x"]}, b=STRING))

    lines = api_diff.format_changes(diff(old, new))

    assert lines == [
        "createThing request",
        "  BREAKING      body.a: enum value 'y' removed",
        "  non-breaking  body.b: optional field added",
    ]


# --- the real move to the 2026 edition ---------------------------------------------------------------------------


def _spec_at(ref: str) -> dict[str, Any]:
    try:
        shown = subprocess.run(  # noqa: S603 - git with a fixed command
            ["git", "show", f"{ref}:openapi/kling-images.yaml"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        pytest.skip("git is not installed")
    if shown.returncode != 0:
        pytest.skip(f"commit {ref} is not in this clone (a shallow clone?): {shown.stderr.strip()}")
    loaded: dict[str, Any] = yaml.safe_load(shown.stdout)
    return loaded


def test_the_move_to_the_2026_edition() -> None:
    old = _spec_at(BEFORE_2026)
    new = yaml.safe_load((ROOT / "openapi" / "kling-images.yaml").read_text(encoding="utf-8"))

    changes = diff(old, new)
    request = "createImageTask request"

    retired = one(changes, "enum value 'kling-v1' removed", "body.model_name", request)
    assert retired.breaking
    assert retired.component == "ModelName"
    assert not one(changes, "enum value 'kling-v3' added", "body.model_name", request).breaking
    assert not one(changes, "now also accepts any string", "body.model_name", request).breaking
    assert one(changes, "default changed 'kling-v1' -> 'kling-v3'", "body.model_name", request).breaking
    assert not one(changes, "optional field added", "body.element_list", request).breaking
    assert not one(changes, "rule removed: `image_reference` is kling-v1-5's only", "body", request).breaking
    assert not one(changes, "rule added: Elements and reference images", "body", request).breaking
    assert not one(changes, "scheme KlingAPIKey added", section="Security").breaking
    balance = one(changes, "optional field added", "body.final_balance_deduction")  # in the callback
    assert not balance.breaking
    assert balance.component == "ImageTask"
    assert {"getImageTask response 200", "listImageTasks response 200"} <= {balance.section, *balance.also}
    assert not one(changes, "x-kling-capabilities added", "body", request).breaking


def test_the_command_prints_the_spec_changes_and_a_summary() -> None:
    _spec_at(BEFORE_2026)

    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(SCRIPT), "--base", BEFORE_2026, "--spec-only"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"== spec: openapi/kling-images.yaml, {BEFORE_2026} ({BEFORE_2026}) -> working tree =="
    assert "  BREAKING      body.model_name: enum value 'kling-v1' removed  [ModelName]" in lines
    assert re.fullmatch(r"spec: [1-9]\d* breaking, [1-9]\d* non-breaking", lines[-1])


def test_an_unknown_base_is_an_error_not_an_empty_report() -> None:
    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(SCRIPT), "--base", "no-such-ref", "--spec-only"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert done.returncode == 2
    assert "'no-such-ref' is not a commit of this repository" in done.stderr


def test_griffe_failing_is_reported_as_a_failure_not_as_no_breakage() -> None:
    count, output = api_diff.run_griffe("sdk", "kling", "no-such-ref")

    assert count is None
    assert "no-such-ref" in output


# --- the version, in one place -----------------------------------------------------------------------------------


def test_the_version_is_pyprojects_and_the_changelog_has_it() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")

    assert kling.__version__ == version, "reinstall (make install) after moving the version in pyproject.toml"
    assert re.search(rf"^## \[{re.escape(version)}\]", changelog, re.MULTILINE), f"CHANGELOG.md has no {version}"
    assert re.search(r"^## \[Unreleased\]", changelog, re.MULTILINE)


def test_the_version_from_a_source_tree_without_an_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    assert kling.__version__  # read (and kept) first, so that the installed one comes back afterwards
    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    monkeypatch.delitem(vars(kling), "__version__")

    assert kling.__version__ == "0+unknown"
