"""The spec carries every field, enum, default and constraint of the API documentation.

The documentation is parsed, not hand-copied: a field, enum value or limit that appears
in (or changes in) image-generation.md or general-info.md and is missing from the spec
fails here. The docs are vendored in openapi/source-docs/ (checked against the shared
originals when those are present).
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
