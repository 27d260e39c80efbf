"""The spec and the API documentation say the same, in both directions.

- Docs to spec: the documentation is parsed, not hand-copied: a field, enum value or limit that
  appears in (or changes in) image-generation.md or general-info.md and is missing from the spec
  fails here; the documented response bodies are compared with the spec's schemas key by key
  (JSON types, nesting, required fields).
- Spec to docs: every constraint the spec states (bounds, enums, defaults, formats, patterns,
  required fields, cross-field rules) is either shown in the docs (``EVIDENCE``, a phrase checked
  against them; a rule quotes its source word for word) or marked ``x-kling-decision`` in the spec
  with the project's reason. A client must not refuse what the service accepts.

The docs are vendored in openapi/source-docs/ (checked against the shared originals when those
are present).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from kling_spec import Spec

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "openapi" / "source-docs"
IMAGE_DOC = (DOCS / "image-generation.md").read_text(encoding="utf-8")
GENERAL_DOC = (DOCS / "general-info.md").read_text(encoding="utf-8")
SHARED_DOCS = ROOT.parent / "shared" / "api-docs"

_TYPES = {"string": "string", "float": "number", "int": "integer"}
_FIELD = re.compile(
    r"^- `(?P<name>\w+)` · (?P<type>\w+) · (?P<required>Required|Optional) · default (?P<default>.+)\n  (?P<doc>.+)$",
    re.M,
)


def _doc_fields() -> list[dict[str, str]]:
    fields = [m.groupdict() for m in _FIELD.finditer(IMAGE_DOC)]
    assert len(fields) >= 11, "the doc's request-body blocks could not be parsed"
    return fields


def _enum_values(text: str) -> list[str]:
    listed = text.split("Enum values：", 1)[1]
    values = []
    for item in re.split(r", |、", listed):
        words = re.sub(r"\(.*?\)", "", item).split()  # "subject(character feature reference)"
        values.append(words[0])
        if len(words) > 1:
            break  # prose follows the last value
    return values


def _schema(spec: Spec, node: dict[str, Any]) -> dict[str, Any]:
    """A property's own keywords merged over its $ref target (defaults sit beside the $ref)."""
    return {**spec.resolve(node), **{k: v for k, v in node.items() if k != "$ref"}}


@pytest.fixture(scope="module")
def request_schema(spec: Spec) -> dict[str, Any]:
    return dict(spec.document["components"]["schemas"]["CreateImageTaskRequest"])


@pytest.mark.parametrize("field", _doc_fields(), ids=lambda f: f["name"])
def test_every_documented_request_field_is_in_the_spec(
    spec: Spec, request_schema: dict[str, Any], field: dict[str, str]
) -> None:
    name, doc = field["name"], field["doc"]
    assert name in request_schema["properties"], f"{name} is documented but not in the spec"
    schema = _schema(spec, request_schema["properties"][name])

    assert schema["type"] == _TYPES[field["type"]]
    assert (name in request_schema["required"]) == (field["required"] == "Required")
    if field["default"] in ("None", "Null"):
        assert "default" not in schema
    else:
        expected: Any = {"int": int, "float": float}.get(field["type"], str)(field["default"])
        assert schema["default"] == expected
    if "Enum values：" in doc:
        assert schema["enum"] == _enum_values(doc)
        assert len(schema["x-enum-varnames"]) == len(schema["enum"])
    if limit := re.search(r"Cannot exceed (\d+) characters", doc):
        assert schema["maxLength"] == int(limit.group(1))
    if bounds := re.search(r"Value range：\[(\d+),\s*(\d+)\]", doc):
        assert (schema["minimum"], schema["maximum"]) == (int(bounds.group(1)), int(bounds.group(2)))


def test_rules_the_schema_cannot_express_are_in_the_descriptions(spec: Spec, request_schema: dict[str, Any]) -> None:
    props = request_schema["properties"]
    image = props["image"]["description"]
    for rule in ("data:image/png;base64", "10 MB", "300 px", "1:2.5", "2.5:1", ".jpg", ".png", "image_reference"):
        assert rule in image, f"image description lacks {rule!r}"
    assert "image" in props["negative_prompt"]["description"]
    assert "kling-v1-5" in props["image_reference"]["description"]
    assert "subject" in props["human_fidelity"]["description"]


def test_the_extra_fields_of_general_info_are_in_the_spec(request_schema: dict[str, Any], spec: Spec) -> None:
    assert "`external_task_id`" in GENERAL_DOC
    assert "`watermark_info:" in GENERAL_DOC
    assert _schema(spec, request_schema["properties"]["external_task_id"])["type"] == "string"
    watermark = _schema(spec, request_schema["properties"]["watermark_info"])
    assert watermark["properties"]["enabled"]["type"] == "boolean"
    task = spec.document["components"]["schemas"]["ImageTask"]["properties"]
    for field in ("final_unit_deduction", "watermark_info", "task_info"):
        assert field in task
    assert "watermark_url" in spec.document["components"]["schemas"]["ImageResult"]["properties"]


def _doc_json_keys(block: str) -> set[str]:
    return set(re.findall(r'"(\w+)"\s*:', block))


def test_every_documented_response_field_is_in_the_spec(spec: Spec) -> None:
    schemas = spec.document["components"]["schemas"]
    blocks = re.findall(r"### Response Body\s*```\n(.*?)```", IMAGE_DOC, re.S)
    assert len(blocks) == 2
    create_keys, query_keys = (_doc_json_keys(b) for b in blocks)
    envelope = {"code", "message", "request_id", "data"}
    for keys, response, task in (
        (create_keys, "CreateImageTaskResponse", "CreatedImageTask"),
        (query_keys, "ImageTaskResponse", "ImageTask"),
    ):
        assert envelope <= keys
        assert envelope <= set(schemas[response]["properties"])
        task_fields = set(schemas[task]["properties"]) | {"images", "index", "url"}
        assert keys - envelope <= task_fields | {"task_result"}, keys - envelope - task_fields
    assert {"index", "url"} <= set(schemas["ImageResult"]["properties"])
    statuses = _enum_values(re.search(r'"task_status".*', blocks[1]).group(0))  # type: ignore[union-attr]
    assert schemas["TaskStatus"]["enum"] == statuses


def test_the_documented_endpoints_and_domain_are_in_the_spec(spec: Spec) -> None:
    rows = re.findall(r"^\| https \| (\S+) \| (\w+) \|", IMAGE_DOC, re.M)
    assert rows == [("/v1/images/generations", "POST"), ("/v1/images/generations/{id}", "GET")]
    operations = {(method, template) for method, template, _ in spec.operations()}
    assert ("POST", "/v1/images/generations") in operations
    assert ("GET", "/v1/images/generations/{task_id}") in operations  # the doc names the value task_id
    assert ("GET", "/v1/images/generations") in operations  # the list of general-info.md
    domain = re.search(r"API Domain: (\S+)", IMAGE_DOC).group(1)  # type: ignore[union-attr]
    assert spec.document["servers"][0]["url"] == domain


def test_the_list_parameters_match_general_info(spec: Spec) -> None:
    _, _, op = spec.operation("listImageTasks")
    params = {p["name"]: p["schema"] for p in op["parameters"]}
    documented = re.search(
        r"`pageNum` (\d+)\.\.(\d+), default (\d+); `pageSize` (\d+)\.\.(\d+), default (\d+)", GENERAL_DOC
    )
    assert documented is not None
    lo, hi, default, size_lo, size_hi, size_default = map(int, documented.groups())
    assert (params["pageNum"]["minimum"], params["pageNum"]["maximum"], params["pageNum"]["default"]) == (
        lo,
        hi,
        default,
    )
    assert (params["pageSize"]["minimum"], params["pageSize"]["maximum"], params["pageSize"]["default"]) == (
        size_lo,
        size_hi,
        size_default,
    )


def _error_table() -> list[tuple[int, int]]:
    rows = re.findall(r"^\| (\d{3}) \| (\d{4}) \|", GENERAL_DOC, re.M)
    assert len(rows) >= 20
    return [(int(status), int(code)) for status, code in rows]


@pytest.mark.parametrize(("status", "code"), _error_table())
def test_every_documented_error_code_is_in_the_spec(spec: Spec, status: int, code: int) -> None:
    table = spec.document["components"]["schemas"]["ErrorResponse"]["description"]
    assert f"| {status} | {code} |" in table
    for _, _, op in spec.operations():
        response = spec.resolve(op["responses"][str(status)])
        assert str(code) in response["description"], f"{op['operationId']} {status} does not mention {code}"


def test_the_jwt_recipe_is_in_the_security_scheme(spec: Spec) -> None:
    scheme = spec.document["components"]["securitySchemes"]["KlingJWT"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    for part in ('"alg": "HS256"', '"typ": "JWT"', "now + 1800", "now - 5", "Bearer <token>"):
        assert part in scheme["description"]
    assert all(op.get("security") == [{"KlingJWT": []}] for _, _, op in spec.operations())


def test_the_callback_fields_are_in_the_callback_schema(spec: Spec) -> None:
    block = re.search(r"## Callback protocol.*?```\n(.*?)```", GENERAL_DOC, re.S).group(1)  # type: ignore[union-attr]
    keys = _doc_json_keys(block)
    callback = spec.resolve(spec.document["components"]["schemas"]["ImageTaskCallback"]["allOf"][0])
    assert keys - {"external_task_id", "images", "index", "url"} <= set(callback["properties"])


@pytest.mark.skipif(not SHARED_DOCS.is_dir(), reason="the shared originals are not beside this checkout")
@pytest.mark.parametrize("name", ["image-generation.md", "general-info.md"])
def test_the_vendored_docs_match_the_shared_originals(name: str) -> None:
    assert (DOCS / name).read_bytes() == (SHARED_DOCS / name).read_bytes(), f"refresh openapi/source-docs/{name}"


def test_doc_parsing_sees_the_enums() -> None:
    """Guards the parser itself, so a broken regex cannot make the tests above vacuous."""
    fields = {f["name"]: f["doc"] for f in _doc_fields()}
    assert _enum_values(fields["aspect_ratio"]) == ["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9"]
    assert _enum_values(fields["resolution"]) == ["1k", "2k"]
    assert _enum_values(fields["image_reference"]) == ["subject", "face"]
    assert json.dumps(_doc_json_keys('{"a": 1, "b": {"c": 2}}'), default=sorted) == '["a", "b", "c"]'


# -- the other direction: every constraint of the spec is stated by the docs, or is a decision of ours -----

_CONSTRAINTS = frozenset(
    {
        "maxLength",
        "minLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "pattern",
        "format",
        "enum",
        "const",
        "required",
        "additionalProperties",
        "default",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "dependentRequired",
        "if",
        "not",
    }
)

_FLOAT = "`image_fidelity` · float"
# Where the docs state each constraint of the spec: (location, keyword) -> a phrase of the docs (whitespace
# aside). A phrase must hold the constraint's value, and a constraint not listed here needs an
# `x-kling-decision` beside it that names its keyword.
EVIDENCE: dict[tuple[str, str], str] = {
    ("listImageTasks.pageNum", "minimum"): "`pageNum` 1..1000, default 1",
    ("listImageTasks.pageNum", "maximum"): "`pageNum` 1..1000, default 1",
    ("listImageTasks.pageNum", "default"): "`pageNum` 1..1000, default 1",
    ("listImageTasks.pageSize", "minimum"): "`pageSize` 1..500, default 30",
    ("listImageTasks.pageSize", "maximum"): "`pageSize` 1..500, default 30",
    ("listImageTasks.pageSize", "default"): "`pageSize` 1..500, default 30",
    ("ModelName", "enum"): "Enum values：kling-v1, kling-v1-5, kling-v2, kling-v2-new, kling-v2-1",
    ("ImageReference", "enum"): "Enum values：subject(character feature reference), face(character",
    ("Resolution", "enum"): "Enum values：1k, 2k",
    ("AspectRatio", "enum"): "Enum values：16:9, 9:16, 1:1, 4:3, 3:4, 3:2, 2:3, 21:9",
    ("TaskStatus", "enum"): "Enum values：submitted、processing、succeed、failed",
    ("CreateImageTaskRequest", "required"): "`prompt` · string · Required",
    ("CreateImageTaskRequest.model_name", "default"): "`model_name` · string · Optional · default kling-v1",
    ("CreateImageTaskRequest.prompt", "maxLength"): "Positive text prompt Cannot exceed 2500 characters",
    ("CreateImageTaskRequest.negative_prompt", "maxLength"): "Negative text prompt Cannot exceed 2500 characters",
    ("CreateImageTaskRequest.image", "pattern"): "do not add any prefixes to the Base64-encoded string, such as data:",
    ("CreateImageTaskRequest.image_fidelity", "format"): _FLOAT,
    ("CreateImageTaskRequest.image_fidelity", "minimum"): "Value range：[0,1]",
    ("CreateImageTaskRequest.image_fidelity", "maximum"): "Value range：[0,1]",
    ("CreateImageTaskRequest.image_fidelity", "default"): "`image_fidelity` · float · Optional · default 0.5",
    ("CreateImageTaskRequest.human_fidelity", "format"): "`human_fidelity` · float",
    ("CreateImageTaskRequest.human_fidelity", "minimum"): "Value range：[0,1]",
    ("CreateImageTaskRequest.human_fidelity", "maximum"): "Value range：[0,1]",
    ("CreateImageTaskRequest.human_fidelity", "default"): "`human_fidelity` · float · Optional · default 0.45",
    ("CreateImageTaskRequest.resolution", "default"): "`resolution` · string · Optional · default 1k",
    ("CreateImageTaskRequest.n", "minimum"): "Number of generated images Value range：[1,9]",
    ("CreateImageTaskRequest.n", "maximum"): "Number of generated images Value range：[1,9]",
    ("CreateImageTaskRequest.n", "default"): "`n` · int · Optional · default 1",
    ("CreateImageTaskRequest.aspect_ratio", "default"): "`aspect_ratio` · string · Optional · default 16:9",
    ("CreatedImageTask", "required"): '"task_id": "string", //Task ID, generated by the system',
    ("CreatedImageTask.created_at", "format"): '"created_at": 1722769557708, //Task creation time, Unix timestamp',
    ("CreatedImageTask.updated_at", "format"): '"updated_at": 1722769557708 //Task update time, Unix timestamp',
    ("ImageResult", "required"): '"index": int, //Image Number，0-9',
    ("ImageResult.index", "minimum"): "//Image Number，0-9",
    ("ImageResult.index", "maximum"): "//Image Number，0-9",
    ("ImageResult.url", "format"): "//URL for generating images，such as：https://",
    ("ImageTask", "required"): '"task_status_msg": "string", //Task status information',
    ("ImageTask.created_at", "format"): '"created_at": 1722769557708, //Task creation time, Unix timestamp',
    ("ImageTask.updated_at", "format"): '"updated_at": 1722769557708, //Task update time, Unix timestamp',
    ("CreateImageTaskResponse", "required"): '"request_id": "string", //Request ID, generated by the system',
    ("ImageTaskResponse", "required"): '"request_id": "string", //Request ID, generated by the system',
    ("ImageTaskListResponse", "required"): '"request_id": "string", //Request ID, generated by the system',
    (
        "ErrorResponse",
        "required",
    ): 'Every error body is the same envelope: `{"code": int, "message": str, "request_id": str}`',
}
_FORMATS_SHOWN = {
    "float": "float",
    "int64": "1722769557708",  # milliseconds since 1970 outgrow 32 bits
    "uri": "https://",
}


def _shows(keyword: str, value: Any, phrase: str) -> bool:
    """Whether a phrase of the docs shows the constraint's value (beyond being in the docs)."""
    if keyword == "format":
        return _FORMATS_SHOWN[value] in phrase
    if keyword == "required":
        return True  # the names: see test_documented_response_shapes_are_the_specs
    if keyword == "pattern":
        return "data:" in phrase
    if keyword == "enum":
        return all(str(v) in phrase for v in value)
    return str(value) in phrase


def _normalized(text: str) -> str:
    return " ".join(text.split())


_DOCS = _normalized(IMAGE_DOC + "\n" + GENERAL_DOC)


def _constraints(spec: Spec) -> list[tuple[str, str, Any, dict[str, Any]]]:
    """(location, keyword, value, node) of every constraint the spec states, rules as ``allOf[i]``."""
    found: list[tuple[str, str, Any, dict[str, Any]]] = []

    def visit(node: Any, location: str) -> None:
        if not isinstance(node, dict):
            return
        for keyword, value in node.items():
            if keyword in _CONSTRAINTS and not (keyword == "additionalProperties" and value is not False):
                found.append((location, keyword, value, node))
        for name, child in node.get("properties", {}).items():
            visit(child, f"{location}.{name}")
        for index, member in enumerate(node.get("allOf", [])):
            if "x-kling-error" in member:
                found.append((f"{location}.allOf[{index}]", "rule", member, member))
            else:
                visit(member, location)
        for keyword in ("items", "anyOf"):
            for child in node.get(keyword, []) if keyword == "anyOf" else [node.get(keyword)]:
                visit(child, location)

    for name, schema in spec.document["components"]["schemas"].items():
        visit(schema, name)
    for _, _, op in spec.operations():
        for param in op.get("parameters", []):
            visit(spec.resolve(param)["schema"], f"{op['operationId']}.{spec.resolve(param)['name']}")
    return found


def test_every_constraint_of_the_spec_is_in_the_docs_or_a_stated_decision(spec: Spec) -> None:
    """A client must not refuse what the service accepts: no constraint without a source or a reason."""
    unexplained: list[str] = []
    wrong: list[str] = []
    for location, keyword, value, node in _constraints(spec):
        if keyword == "rule":
            continue  # test_every_rule_quotes_its_source
        if keyword in node.get("x-kling-decision", ""):
            continue  # the project's own, and the spec says why beside it
        phrase = EVIDENCE.get((location, keyword))
        if phrase is None:
            unexplained.append(f"{location} {keyword}={value!r}")
        elif _normalized(phrase) not in _DOCS:
            wrong.append(f"{location} {keyword}: the docs do not say {phrase!r}")
        elif not _shows(keyword, value, phrase):
            wrong.append(f"{location} {keyword}={value!r}: {phrase!r} does not show it")
    assert not unexplained, "constraints with no source in the docs and no x-kling-decision:\n" + "\n".join(unexplained)
    assert not wrong, "\n".join(wrong)


def test_no_evidence_is_left_over(spec: Spec) -> None:
    stated = {(location, keyword) for location, keyword, _, _ in _constraints(spec)}
    assert set(EVIDENCE) <= stated, set(EVIDENCE) - stated


def test_every_rule_quotes_its_source(spec: Spec) -> None:
    """Each cross-field rule says where the docs state it: its “quotes” are in the docs word for word."""
    rules = [(location, member) for location, keyword, member, _ in _constraints(spec) if keyword == "rule"]
    assert len(rules) >= 7
    for location, member in rules:
        quotes = re.findall(r"“(.+?)”", member["description"], re.S)
        assert quotes, f"{location} quotes no source"
        assert "[official" in member["description"], f"{location} does not say how sure its source is"
        for quote in quotes:
            assert _normalized(quote) in _DOCS, f"{location}: the docs do not say {quote!r}"
        told = member["x-kling-error"]
        assert told["field"] in spec.document["components"]["schemas"]["CreateImageTaskRequest"]["properties"]
        assert told["rule"], location


def test_the_check_catches_an_undocumented_constraint(spec: Spec) -> None:
    """Guards the walk: a maxLength on external_task_id (no source says one) is caught."""
    document = json.loads(json.dumps(spec.document))
    document["components"]["schemas"]["CreateImageTaskRequest"]["properties"]["external_task_id"]["maxLength"] = 64
    constraints = {(location, keyword) for location, keyword, _, _ in _constraints(Spec(document))}
    assert ("CreateImageTaskRequest.external_task_id", "maxLength") in constraints
    assert ("CreateImageTaskRequest.external_task_id", "maxLength") not in EVIDENCE


# -- the response side: types, required fields and nesting of the documented bodies -----------------------


def _doc_json(block: str) -> Any:
    """A documented body as data: comments dropped, the `int` placeholder read as a number."""
    lines = [re.sub(r'\s*//[^"\n]*$', "", line) for line in block.splitlines()]
    return json.loads(re.sub(r":\s*int\b", ": 0", "\n".join(lines)))


def _spec_object(spec: Spec, node: Any) -> dict[str, Any]:
    """A schema with $ref, allOf and nullable anyOf flattened to one object's properties and required."""
    node = spec.resolve(node)
    if "anyOf" in node:
        (node,) = [spec.resolve(member) for member in node["anyOf"] if spec.resolve(member).get("type") != "null"]
    merged = {
        "type": node.get("type"),
        "properties": dict(node.get("properties", {})),
        "required": list(node.get("required", [])),
    }
    for member in node.get("allOf", []):
        inner = _spec_object(spec, member)
        merged["properties"].update(inner["properties"])
        merged["required"] += inner["required"]
        merged["type"] = merged["type"] or inner["type"]
    if "items" in node:
        merged["items"] = node["items"]
    return merged


_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "integer", float: "number", bool: "boolean"}


def _shape_differences(spec: Spec, documented: Any, schema: Any, where: str) -> list[str]:
    resolved = _spec_object(spec, schema)
    expected = _JSON_TYPES[type(documented)]
    if resolved["type"] != expected:
        return [f"{where}: the docs show {expected}, the spec says {resolved['type']}"]
    if isinstance(documented, list):
        return _shape_differences(spec, documented[0], resolved["items"], f"{where}[]") if documented else []
    if not isinstance(documented, dict):
        return []
    problems = [
        f"{where}.{name}: required by the spec, absent from the docs"
        for name in resolved["required"]
        if name not in documented
    ]
    for name, value in documented.items():
        if name not in resolved["properties"]:
            problems.append(f"{where}.{name}: documented, not in the spec")
        else:
            problems += _shape_differences(spec, value, resolved["properties"][name], f"{where}.{name}")
    return problems


def _documented_bodies() -> dict[str, Any]:
    create, query = re.findall(r"### Response Body\s*```\n(.*?)```", IMAGE_DOC, re.S)
    callback = re.search(r"## Callback protocol.*?```\n(.*?)```", GENERAL_DOC, re.S).group(1)  # type: ignore[union-attr]
    return {
        "CreateImageTaskResponse": _doc_json(create),
        "ImageTaskResponse": _doc_json(query),
        "ImageTaskCallback": _doc_json(callback),
    }


@pytest.mark.parametrize("schema_name", ["CreateImageTaskResponse", "ImageTaskResponse", "ImageTaskCallback"])
def test_documented_response_shapes_are_the_specs(spec: Spec, schema_name: str) -> None:
    """Every documented key is in the spec, nested where the docs nest it, with the documented JSON type, and
    the spec requires nothing the docs do not show."""
    documented = _documented_bodies()[schema_name]
    schema = {"$ref": f"#/components/schemas/{schema_name}"}
    assert _shape_differences(spec, documented, schema, schema_name) == []


def test_the_shape_check_sees_nesting_types_and_required_fields(spec: Spec) -> None:
    """Guards the comparison itself: each kind of difference is reported."""
    query = _documented_bodies()["ImageTaskResponse"]
    schema = {"$ref": "#/components/schemas/ImageTaskResponse"}
    moved = json.loads(json.dumps(query))
    moved["data"]["images"] = moved["data"].pop("task_result")["images"]
    retyped = json.loads(json.dumps(query))
    retyped["data"]["created_at"] = "1722769557708"
    shortened = json.loads(json.dumps(query))
    del shortened["data"]["task_id"]
    assert _shape_differences(spec, moved, schema, "q") == ["q.data.images: documented, not in the spec"]
    assert _shape_differences(spec, retyped, schema, "q") == [
        "q.data.created_at: the docs show string, the spec says integer"
    ]
    assert _shape_differences(spec, shortened, schema, "q") == [
        "q.data.task_id: required by the spec, absent from the docs"
    ]
    assert _doc_json('{"a": int, //x\n "b": "s" //y https://z\n}') == {"a": 0, "b": "s"}
