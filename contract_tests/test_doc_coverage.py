"""The spec and the 2026 edition of the API documentation say the same, in both directions.

- Docs to spec: the docs' markdown tables are parsed, not hand-copied: a field, type, default, enum value or
  limit of the request table (image-endpoints.md §2.1) that is missing from the spec, or differs, fails here;
  so do the response tables (§2.3-2.5), the error table and both auth modes (auth-and-general.md §2-3), the
  legacy callback body (§5.2), the capability map and the price table (capability-and-pricing.md §1, §2, §4)
  and the retired model names (diff-from-2024.md §A). The other endpoints (omni-image, multi-image to image,
  outpainting, AI Multi-Shot, elements: image-endpoints.md §3-§7; the account endpoints: account.md) are
  checked the same way in test_doc_coverage_endpoints.py, with the parsing helpers of this file; what holds for
  every operation (the inventory, errors, security, paging, the evidence of every constraint, the rules' quotes,
  the decisions on the documented contradictions) is checked here, for all of them.
- Spec to docs: every constraint the spec states (bounds, enums, defaults, formats, patterns, required fields,
  cross-field rules) is either shown in the 2026 docs (``EVIDENCE``, a phrase found there word for word; a
  rule quotes its source) or marked ``x-kling-decision`` in the spec with the project's reason; every
  capability, price and retired name the spec lists comes from the docs; no cross-field rule depends on the
  model. A client must not refuse what the service accepts.

The docs are vendored in openapi/source-docs/ (the 2026 edition in its 2026/ folder; the older files stay as
the contract's history) and checked against the shared originals when those are beside the checkout.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from kling_spec import IMAGE_FORMATS, MAX_IMAGE_BYTES, MAX_IMAGE_RATIO, MIN_IMAGE_SIDE, Spec
from kling_spec._errors import documented_errors

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "openapi" / "source-docs"
EDITION = DOCS / "2026"
SHARED_DOCS = ROOT.parent / "shared" / "api-docs"


def _read(name: str) -> str:
    return (EDITION / name).read_text(encoding="utf-8")


ENDPOINTS = _read("image-endpoints.md")
GENERAL = _read("auth-and-general.md")
CAPABILITIES = _read("capability-and-pricing.md")
DIFF = _read("diff-from-2024.md")
ACCOUNT = _read("account.md")
#: Every operation of the spec: one create, query and list per task endpoint (image-endpoints.md §0), the element
#: library's presets and delete, the account endpoints (account.md §0).
OPERATIONS = {
    "createImageTask",
    "getImageTask",
    "listImageTasks",
    "createOmniImageTask",
    "getOmniImageTask",
    "listOmniImageTasks",
    "createMultiImageToImageTask",
    "getMultiImageToImageTask",
    "listMultiImageToImageTasks",
    "createExpandImageTask",
    "getExpandImageTask",
    "listExpandImageTasks",
    "createMultiShotTask",
    "getMultiShotTask",
    "listMultiShotTasks",
    "createElementTask",
    "getElementTask",
    "listElementTasks",
    "listPresetElements",
    "deleteElement",
    "getAccountCosts",
    "listBalanceDeductions",
    "listPackageDeductions",
}
#: The operations that page through a list with pageNum and pageSize (image-endpoints.md §1, "List paging").
LIST_OPERATIONS = sorted(name for name in OPERATIONS if name.startswith("list") and "Deductions" not in name)

# -- reading the docs: sections, markdown tables, `ticked` names --------------------------------------------------


def section(doc: str, heading: str) -> str:
    """The text under the one heading that starts with ``heading`` (``"### 2.1 "``), up to the next heading of
    the same level or above."""
    lines = doc.splitlines()
    starts = [index for index, line in enumerate(lines) if line.startswith(heading)]
    assert len(starts) == 1, f"{len(starts)} headings start with {heading!r}"
    level = len(heading) - len(heading.lstrip("#"))
    body: list[str] = []
    for line in lines[starts[0] + 1 :]:
        found = re.match(r"(#+) ", line)
        if found and len(found.group(1)) <= level:
            break
        body.append(line)
    return "\n".join(body)


_PIPE = re.compile(r"(?<!\\)\|")


def _cells(line: str) -> list[str]:
    return [cell.strip().replace("\\|", "|") for cell in _PIPE.split(line.strip())[1:-1]]


def tables(text: str) -> list[list[dict[str, str]]]:
    """Every markdown table of ``text``, each a list of rows keyed by the header's cells (``\\|`` in a cell is a
    pipe, not a column)."""
    found: list[list[dict[str, str]]] = []
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            header, rule, *rows = block
            assert set(rule) <= set("|-: "), f"not a table: {block[:2]}"
            names = _cells(header)
            parsed = [_cells(row) for row in rows]
            assert all(len(cells) == len(names) for cells in parsed), f"ragged table under {names}"
            found.append([dict(zip(names, cells, strict=True)) for cells in parsed])
            block = []
    return found


def table(text: str) -> list[dict[str, str]]:
    """The first table of ``text``."""
    found = tables(text)
    assert found, "no table found"
    return found[0]


def ticked(cell: str) -> list[str]:
    """The `code` spans of a cell, in order."""
    return re.findall(r"`([^`]*)`", cell)


def braced(text: str) -> dict[str, str]:
    """``{index: int (comment: 0-9), url: string}`` -> ``{"index": "int", "url": "string"}`` (asides dropped)."""
    inner = re.sub(r"\([^)]*\)", "", text.strip().removeprefix("{").removesuffix("}"))
    return dict(re.findall(r"(\w+): (\w+)", inner))


def normalized(text: str) -> str:
    return " ".join(text.replace("−", "-").split())


def _row(rows: list[dict[str, str]], column: str, starts: str) -> dict[str, str]:
    (found,) = [row for row in rows if row[column].startswith(starts)]
    return found


#: The 2026 edition as one text, whitespace aside: what EVIDENCE phrases and rule quotes are looked up in.
EDITION_TEXT = normalized("\n".join(path.read_text(encoding="utf-8") for path in sorted(EDITION.glob("*.md"))))

REQUEST_ROWS = table(section(ENDPOINTS, "### 2.1 "))
CREATE_ROWS = table(section(ENDPOINTS, "### 2.3 "))
QUERY_ROWS = table(section(ENDPOINTS, "### 2.4 "))
CONVENTIONS = {row["Topic"]: row["Rule"] for row in table(section(ENDPOINTS, "## 1. "))}
CALLBACK_ROWS = table(section(GENERAL, "### 5.2 "))
ERROR_ROWS = table(section(GENERAL, "## 3. "))
MODEL_ROWS = table(section(CAPABILITIES, "## 1. "))
CAPABILITY_ROWS = table(section(CAPABILITIES, "## 2. "))
PRICE_ROWS = table(section(CAPABILITIES, "## 4. "))

#: Type words of the docs' tables -> JSON Schema types ("number (ms)" holds integers, as the examples show).
_JSON_TYPES: dict[str, set[str]] = {
    "string": {"string"},
    "float": {"number"},
    "int": {"integer"},
    "long": {"integer"},
    "number": {"number", "integer"},
    "boolean": {"boolean"},
    "array": {"array"},
    "object": {"object"},
}


def _doc_type(cell: str) -> set[str]:
    return _JSON_TYPES[cell.split()[0]]


def test_the_parser_reads_the_docs_tables() -> None:
    """Guards the parser itself, so a broken regex cannot make the tests below vacuous."""
    assert [ticked(row["Field"])[0] for row in REQUEST_ROWS] == [
        "model_name",
        "prompt",
        "negative_prompt",
        "image",
        "image_reference",
        "image_fidelity",
        "human_fidelity",
        "element_list",
        "element_list[].element_id",
        "resolution",
        "n",
        "aspect_ratio",
        "watermark_info",
        "callback_url",
        "external_task_id",
    ]
    assert ticked(_row(REQUEST_ROWS, "Field", "`aspect_ratio`")["Allowed values"]) == [
        "16:9",
        "9:16",
        "1:1",
        "4:3",
        "3:4",
        "3:2",
        "2:3",
        "21:9",
    ]
    assert len(ERROR_ROWS) == 22
    assert ("200", "0") in {(row["HTTP"], row["Code"]) for row in ERROR_ROWS}
    assert len(CALLBACK_ROWS) == 15
    assert [row["Display name (CAPMAP)"] for row in MODEL_ROWS] == [
        "Kling Image 3.0",
        "Kling Image 3.0 Omni",
        "Kling Image O1",
        "Kling Image 2.1",
    ]
    assert len(CAPABILITY_ROWS) == 8
    assert len(PRICE_ROWS) == 9
    # An escaped pipe stays inside its cell; asides in braces are dropped.
    assert tables("| a | b |\n|---|---|\n| `x`\\|`y` | 2 |\n") == [[{"a": "`x`|`y`", "b": "2"}]]
    assert braced("{index: int (comment: 0–9), url: string}") == {"index": "int", "url": "string"}
    assert section("# t\n## 1. a\nx\n### 1.1 b\ny\n## 2. c\nz", "## 1. ") == "x\n### 1.1 b\ny"


# -- the spec as data ------------------------------------------------------------------------------------------------


def _merged(spec: Spec, node: Any) -> dict[str, Any]:
    """A property's own keywords over its $ref target (defaults and descriptions sit beside the $ref)."""
    return {**spec.resolve(node), **{k: v for k, v in node.items() if k != "$ref"}}


def _types(spec: Spec, node: Any) -> set[str]:
    schema = _merged(spec, node)
    if "anyOf" in schema:
        return set().union(*(_types(spec, member) for member in schema["anyOf"])) - {"null"}
    return {schema["type"]}


def _enum(spec: Spec, node: Any) -> list[Any] | None:
    schema = _merged(spec, node)
    if "enum" in schema:
        return list(schema["enum"])
    enums = [found for member in schema.get("anyOf", []) if (found := _enum(spec, member)) is not None]
    return enums[0] if enums else None


@pytest.fixture(scope="module")
def request_schema(spec: Spec) -> dict[str, Any]:
    return dict(spec.document["components"]["schemas"]["CreateImageTaskRequest"])


def _request_field(spec: Spec, request: dict[str, Any], dotted: str) -> tuple[dict[str, Any], list[str]]:
    """The spec's schema of a field of the request table (``element_list[].element_id`` too), with the
    ``required`` list of the object holding it."""
    holder: dict[str, Any] = request
    *parents, name = dotted.split(".")
    for parent in parents:
        node = _merged(spec, holder["properties"][parent.removesuffix("[]")])
        holder = _merged(spec, node["items"]) if parent.endswith("[]") else node
    assert name in holder["properties"], f"{dotted} is documented but not in the spec"
    return _merged(spec, holder["properties"][name]), list(holder.get("required", []))


# -- docs to spec: the request ---------------------------------------------------------------------------------------


def _typed(value: str, doc_type: str) -> Any:
    return {"float": float, "int": int, "long": int}.get(doc_type, str)(value)


@pytest.mark.parametrize("row", REQUEST_ROWS, ids=[ticked(row["Field"])[0] for row in REQUEST_ROWS])
def test_every_field_of_the_request_table_is_in_the_spec(
    spec: Spec, request_schema: dict[str, Any], row: dict[str, str]
) -> None:
    """Type, required, default, allowed values and limits, each read from its column of image-endpoints.md §2.1."""
    name = ticked(row["Field"])[0]
    schema, required = _request_field(spec, request_schema, name)
    doc_type = row["Type"].split()[0]

    assert _types(spec, schema) == _doc_type(doc_type), name
    assert (name.split(".")[-1] in required) == row["Req."].strip("*").startswith("yes"), name
    if doc_type == "long":
        assert schema.get("format") == "int64", f"{name}: a long is a 64-bit integer"

    default = ticked(row["Default"])
    if default:
        assert schema.get("default") == _typed(default[0], doc_type), name
    else:
        assert "default" not in schema, f"{name}: the docs state no default"

    allowed = row["Allowed values"]
    if allowed.startswith("`{"):
        fields = braced(ticked(allowed)[0])
        properties = _merged(spec, schema)["properties"]
        assert {key: _types(spec, properties[key]) for key in fields} == {
            key: _doc_type(value) for key, value in fields.items()
        }
    elif ticked(allowed):
        assert sorted(_enum(spec, schema) or []) == sorted(ticked(allowed)), name
    else:
        assert _enum(spec, schema) is None, f"{name}: the docs list no allowed values"

    limits = row["Limits / rules"]
    length = re.search(r"≤ (\d+) chars", limits)
    assert schema.get("maxLength") == (int(length.group(1)) if length else None), name
    bounds = re.match(r"(\d+(?:\.\d+)?)–(\d+(?:\.\d+)?)", limits)
    expected = (_typed(bounds.group(1), doc_type), _typed(bounds.group(2), doc_type)) if bounds else (None, None)
    assert (schema.get("minimum"), schema.get("maximum")) == expected, name
    count = re.search(r"≤ (\d+) in total", limits)
    assert schema.get("maxItems") == (int(count.group(1)) if count else None), name


def test_the_spec_has_no_request_field_the_docs_lack(spec: Spec, request_schema: dict[str, Any]) -> None:
    """The other way: every field of the spec's request is a row of the table, or the legacy alias `model` the
    page describes under it."""
    documented = {ticked(row["Field"])[0] for row in REQUEST_ROWS}
    legacy = re.search(r"Legacy alias: a body field `(\w+)` is still accepted", section(ENDPOINTS, "### 2.1 "))
    assert legacy is not None
    assert set(request_schema["properties"]) == {name for name in documented if "." not in name} | {legacy[1]}
    model = request_schema["properties"][legacy[1]]
    assert (model["type"], model["deprecated"]) == ("string", True)
    assert "`model_name`" in model["description"]
    assert set(_merged(spec, request_schema["properties"]["element_list"]["items"])["properties"]) == {
        name.split(".")[-1] for name in documented if name.startswith("element_list[].")
    }


def test_the_image_input_rules_are_the_clients_and_in_the_description(request_schema: dict[str, Any]) -> None:
    """What needs the image's bytes is prose in the spec and constants in kling_spec: both say what §1 says."""
    rule = CONVENTIONS["Image inputs"]
    formats = {name.strip(".") for name in ticked(rule)}
    size = re.search(r"file ≤ (\d+) MB", rule)
    side = re.search(r"≥ (\d+) px", rule)
    ratio = re.search(r"aspect between 1:(\S+) and (\S+):1", rule)
    assert size is not None
    assert side is not None
    assert ratio is not None
    assert formats == {"jpg", "jpeg", "png"}
    assert ratio.group(1) == ratio.group(2)
    documented = (int(size.group(1)) * 1024 * 1024, int(side.group(1)), float(ratio.group(1)))
    assert documented == (MAX_IMAGE_BYTES, MIN_IMAGE_SIDE, MAX_IMAGE_RATIO)
    assert {"JPEG" if name in ("jpg", "jpeg") else name.upper() for name in formats} == IMAGE_FORMATS

    image = normalized(request_schema["properties"]["image"]["description"])
    for phrase in (
        *(f".{name}" for name in sorted(formats)),
        f"at most {size.group(1)} MB",
        f"at least {side.group(1)} px",
        f"between 1:{ratio.group(1)} and {ratio.group(1)}:1",
        "data:image/png;base64",
        "without any prefix",
    ):
        assert phrase in image, f"the image description lacks {phrase!r}"
    assert "data:image/...;base64," in CONVENTIONS["Base64 form"]


#: How the spec carries each of the cross-field rules collected under the request table.
CROSS_FIELD_RULES: dict[str, str] = {
    "`image_reference` set ⇒ `image` must be present.": "rule:image",
    "`image` present ⇒ `negative_prompt` unsupported.": "rule:negative_prompt",
    "`human_fidelity` is ignored unless `image_reference` = `subject`.": "description:human_fidelity",
    "`image_fidelity`, `human_fidelity` only for `kling-v2-1`.": "capabilities:image_fidelity,human_fidelity",
    "element count + reference-image count ≤ 10": "rule:element_list",
    "Price depends on whether `image` is set for Image 2.1 (4 vs 8 units).": "pricing:kling-v2-1",
}


def _cross_field_bullets() -> list[str]:
    listed = section(ENDPOINTS, "### 2.1 ").split("Cross-field rules, collected", 1)[1]
    bullets = re.findall(r"^- (.+?)(?=\n- |\n\n|\Z)", listed, re.M | re.S)
    return [normalized(re.sub(r" \[official: \w+\]$", "", bullet)) for bullet in bullets]


def test_every_documented_cross_field_rule_is_in_the_spec(spec: Spec, request_schema: dict[str, Any]) -> None:
    bullets = _cross_field_bullets()
    assert len(bullets) == 6
    unclassified = [b for b in bullets if not any(b.startswith(known) for known in CROSS_FIELD_RULES)]
    assert not unclassified, (
        f"new cross-field statements in the docs: classify them in CROSS_FIELD_RULES: {unclassified}"
    )
    gone = [known for known in CROSS_FIELD_RULES if not any(b.startswith(known) for b in bullets)]
    assert not gone, f"statements the docs no longer make: what the spec carries for them has no source: {gone}"
    rules = {member["x-kling-error"]["field"] for member in request_schema["allOf"] if "x-kling-error" in member}
    capabilities = request_schema["x-kling-capabilities"]["models"]
    for statement, carried in CROSS_FIELD_RULES.items():
        kind, _, where = carried.partition(":")
        if kind == "rule":
            assert where in rules, f"no allOf rule for {statement!r}"
        elif kind == "description":
            assert "`subject`" in request_schema["properties"][where]["description"], statement
        elif kind == "capabilities":
            only = ticked(statement)[-1]
            for model, listed in capabilities.items():
                for field in where.split(","):
                    assert (field in listed.get("unsupported", {})) == (model != only), (model, field)
        else:
            prices = request_schema["x-kling-pricing"]["models"][where]
            assert (prices["text_to_image"], prices["image_to_image"]) == tuple(
                map(int, re.findall(r"\d+", statement)[-2:])
            )


def test_the_descriptions_say_what_the_schema_cannot(request_schema: dict[str, Any]) -> None:
    props = request_schema["properties"]
    reference_row = _row(REQUEST_ROWS, "Field", "`image_reference`")["Limits / rules"]
    assert "with `face` the image must contain exactly one face" in reference_row
    assert "exactly one face" in normalized(props["image_reference"]["description"])
    assert "leave it out when `image` is set" in normalized(props["negative_prompt"]["description"])
    assert "Required when `image_reference` is set" in props["image"]["description"]


def test_the_default_model_follows_the_table_and_states_the_contradiction(request_schema: dict[str, Any]) -> None:
    """The page contradicts itself about the default (image-endpoints.md §8 #1): the spec says which it follows."""
    (contradiction,) = [row["Contradiction / defect"] for row in table(section(ENDPOINTS, "## 8. ")) if row["#"] == "1"]
    assert "V1 model" in contradiction
    assert f"default is `{ticked(_row(REQUEST_ROWS, 'Field', '`model_name`')['Default'])[0]}`" in contradiction
    model_name = request_schema["properties"]["model_name"]
    assert model_name["default"] == ticked(_row(REQUEST_ROWS, "Field", "`model_name`")["Default"])[0]
    decision = normalized(model_name["x-kling-decision"])
    assert "default" in decision
    assert "contradiction 1 of image-endpoints.md" in decision
    assert '"calls the V1 model"' in decision
    # Open: any model name is a valid request (the server answers one it does not have).
    assert {"type": "string"} in model_name["anyOf"]


def test_the_retired_models_are_the_ones_the_docs_removed(spec: Spec) -> None:
    models = spec.document["components"]["schemas"]["ModelName"]
    removed = re.search(r"^- Removed from the enum: (.+?)\. \[official: GEN21\]$", section(DIFF, "## A. "), re.M)
    baseline = re.search(r"model_name enum \[([^\]]+)\]", DIFF)
    assert removed is not None
    assert baseline is not None
    before = {item.split()[0] for item in baseline.group(1).split(", ")}
    retired = {entry["name"]: entry["source"] for entry in models["x-kling-retired"]}

    assert set(retired) == set(ticked(removed.group(1))) == before - set(models["enum"])
    assert set(models["enum"]) == set(ticked(_row(REQUEST_ROWS, "Field", "`model_name`")["Allowed values"]))
    for name, source in retired.items():
        assert "[official: GEN21]" in source, name
        assert "2026 edition" in source, name


# -- docs to spec: the responses -------------------------------------------------------------------------------------


def documented_object(rows: list[dict[str, str]], type_column: str, notes_column: str) -> dict[str, Any]:
    """Rows of (dotted names, type, notes) as a tree ``{name: {"type": ..., "fields": {...}}}``; an array's
    ``fields`` are its items'. A note's ``{a: type, ...}`` gives an object's fields."""
    tree: dict[str, Any] = {}
    for row in rows:
        notes = [span for span in ticked(row[notes_column]) if span.startswith("{")]
        for name in ticked(row["Field"]):
            *parents, leaf = name.split(".")
            fields = tree
            for parent in parents:
                kind = "array" if parent.endswith("[]") else "object"
                fields = fields.setdefault(parent.removesuffix("[]"), {"type": kind, "fields": {}})["fields"]
            entry = fields.setdefault(leaf.removesuffix("[]"), {"type": "", "fields": {}})
            entry["type"] = row[type_column].split()[0]
            for key, value in braced(notes[0]).items() if notes else ():
                entry["fields"][key] = {"type": value, "fields": {}}
    return tree


def _spec_object(spec: Spec, node: Any) -> dict[str, Any]:
    """A schema with $ref, allOf and nullable anyOf flattened to one object's type, properties and required."""
    node = spec.resolve(node)
    if "anyOf" in node:
        (node,) = [spec.resolve(member) for member in node["anyOf"] if spec.resolve(member).get("type") != "null"]
    merged: dict[str, Any] = {
        "type": node.get("type"),
        "properties": dict(node.get("properties", {})),
        "required": list(node.get("required", [])),
        "items": node.get("items"),
    }
    for member in node.get("allOf", []):
        inner = _spec_object(spec, member)
        merged["properties"].update(inner["properties"])
        merged["required"] += inner["required"]
        merged["type"] = merged["type"] or inner["type"]
    return merged


def shape_differences(spec: Spec, documented: dict[str, Any], node: Any, where: str) -> list[str]:
    """Every documented field in the spec, where the docs nest it, with a compatible type; nothing required by
    the spec that the docs do not show."""
    schema = _spec_object(spec, node)
    problems = [
        f"{where}.{name}: required by the spec, absent from the docs"
        for name in schema["required"]
        if name not in documented
    ]
    for name, entry in documented.items():
        if name not in schema["properties"]:
            problems.append(f"{where}.{name}: documented, not in the spec")
            continue
        child = _spec_object(spec, schema["properties"][name])
        if child["type"] not in _doc_type(entry["type"]):
            problems.append(f"{where}.{name}: the docs say {entry['type']}, the spec says {child['type']}")
        elif entry["fields"]:
            inner = child["items"] if entry["type"] == "array" else schema["properties"][name]
            problems += shape_differences(spec, entry["fields"], inner, f"{where}.{name}")
    return problems


def undocumented(spec: Spec, documented: dict[str, Any], node: Any, where: str) -> list[str]:
    """The other way: properties of the spec's schema the docs do not list."""
    schema = _spec_object(spec, node)
    found: list[str] = []
    for name, child in schema["properties"].items():
        if name not in documented:
            found.append(f"{where}.{name}")
            continue
        inner = _spec_object(spec, child)
        if inner["properties"] or inner["items"]:
            target = inner["items"] if inner["items"] else child
            found += undocumented(spec, documented[name]["fields"], target, f"{where}.{name}")
    return found


def _envelope(data_type: str) -> dict[str, Any]:
    envelope = braced(ticked(CONVENTIONS["Envelope"])[0])
    assert envelope == {"code": "int", "message": "string", "request_id": "string"}  # data: … is typed per call
    return {
        **{name: {"type": kind, "fields": {}} for name, kind in envelope.items()},
        "data": {"type": data_type, "fields": {}},
    }


CREATED = documented_object(CREATE_ROWS, "Type", "Notes")
QUERIED = documented_object(QUERY_ROWS, "Type", "Notes")
#: The legacy callback body's fields that only a video task carries: an image task never sends them, so the
#: spec's ImageTaskCallback (an image task's callback) leaves them out.
VIDEO_ONLY = {
    "task_info.parent_video": "the source video of a video-extension task",
    "task_result.videos[]": "a video task's results; an image task's are task_result.images[]",
}
CALLBACK = documented_object(
    [row for row in CALLBACK_ROWS if ticked(row["Field"])[0] not in VIDEO_ONLY], "Type", "Meaning"
)


@pytest.mark.parametrize(
    ("schema_name", "data_name", "documented", "data_type"),
    [
        ("CreateImageTaskResponse", "CreatedImageTask", CREATED, "object"),
        ("ImageTaskResponse", "ImageTask", QUERIED, "object"),
        ("ImageTaskListResponse", "ImageTask", QUERIED, "array"),
    ],
)
def test_the_documented_responses_are_the_specs(
    spec: Spec, schema_name: str, data_name: str, documented: dict[str, Any], data_type: str
) -> None:
    """§2.3 (create), §2.4 (query) and §2.5 (list: an array of the §2.4 object), inside the envelope of §1."""
    schema = {"$ref": f"#/components/schemas/{schema_name}"}
    assert shape_differences(spec, _envelope(data_type), schema, schema_name) == []
    data = spec.document["components"]["schemas"][schema_name]["properties"]["data"]
    inner = _spec_object(spec, data)
    assert shape_differences(spec, documented, inner["items"] or data, f"{schema_name}.data") == []
    assert undocumented(spec, documented, {"$ref": f"#/components/schemas/{data_name}"}, data_name) == []


def test_the_query_response_carries_the_2026_fields(spec: Spec) -> None:
    """The fields the 2026 edition added (diff-from-2024.md §D) are parsed from §2.4, not assumed."""
    assert QUERIED["final_unit_deduction"]["type"] == "string"
    assert QUERIED["final_balance_deduction"]["fields"] == {
        "quota": {"type": "string", "fields": {}},
        "list_price": {"type": "string", "fields": {}},
    }
    assert set(QUERIED["watermark_info"]["fields"]) == {"enabled"}
    assert set(QUERIED["task_info"]["fields"]) == {"external_task_id"}
    assert set(QUERIED["task_result"]["fields"]["images"]["fields"]) == {"index", "url", "watermark_url"}
    assert set(CREATED["task_info"]["fields"]) == {"external_task_id"}
    index = spec.document["components"]["schemas"]["ImageResult"]["properties"]["index"]
    shown = re.search(
        r"index: int \(comment: (\d+)–(\d+)\)", _row(QUERY_ROWS, "Field", "`task_result.images[]`")["Notes"]
    )
    assert shown is not None
    assert (index["minimum"], index["maximum"]) == (int(shown.group(1)), int(shown.group(2)))


def test_the_shape_check_sees_nesting_types_and_required_fields(spec: Spec) -> None:
    """Guards the comparison itself: each kind of difference is reported."""
    task = {"$ref": "#/components/schemas/ImageTask"}
    moved = json.loads(json.dumps(QUERIED))
    moved["images"] = moved["task_result"]["fields"].pop("images")
    retyped = json.loads(json.dumps(QUERIED))
    retyped["created_at"]["type"] = "string"
    shortened = json.loads(json.dumps(QUERIED))
    del shortened["task_id"]
    deeper = json.loads(json.dumps(QUERIED))
    deeper["final_balance_deduction"]["fields"]["currency"] = {"type": "string", "fields": {}}
    assert shape_differences(spec, moved, task, "q") == ["q.images: documented, not in the spec"]
    assert shape_differences(spec, retyped, task, "q") == ["q.created_at: the docs say string, the spec says integer"]
    assert shape_differences(spec, shortened, task, "q") == ["q.task_id: required by the spec, absent from the docs"]
    assert shape_differences(spec, deeper, task, "q") == [
        "q.final_balance_deduction.currency: documented, not in the spec"
    ]
    del deeper["task_result"]["fields"]["images"]["fields"]["watermark_url"]
    assert undocumented(spec, deeper, task, "q") == ["q.task_result.images.watermark_url"]


def test_the_callback_body_is_the_specs(spec: Spec) -> None:
    """auth-and-general.md §5.2, but the fields only video tasks carry; what the callback page is silent about
    (watermarks) is the query's shape, which the spec's callback keeps."""
    schema = {"$ref": "#/components/schemas/ImageTaskCallback"}
    assert shape_differences(spec, CALLBACK, schema, "ImageTaskCallback") == []
    for name, reason in VIDEO_ONLY.items():
        row = _row(CALLBACK_ROWS, "Field", f"`{name}`")
        assert "video" in name + row["Meaning"], f"{name} is excluded as video-only: {reason}"
    callback = _spec_object(spec, schema)
    assert "parent_video" not in _spec_object(spec, callback["properties"]["task_info"])["properties"]
    assert "videos" not in _spec_object(spec, callback["properties"]["task_result"])["properties"]
    description = normalized(spec.document["components"]["schemas"]["ImageTaskCallback"]["description"])
    assert "(`task_info.parent_video`, `task_result.videos`)" in description
    beyond = undocumented(spec, CALLBACK, schema, "ImageTaskCallback")
    assert beyond == ["ImageTaskCallback.watermark_info", "ImageTaskCallback.task_result.images.watermark_url"]
    assert undocumented(spec, QUERIED, schema, "ImageTaskCallback") == []
    assert "whether `images[].watermark_url`" in section(GENERAL, "### 5.2 ")  # the page's stated gap


def test_the_task_statuses_are_the_documented_ones(spec: Spec) -> None:
    statuses = list(dict.fromkeys(ticked(CONVENTIONS["Task status values"])))  # "(legacy spelling `succeed`)"
    assert len(statuses) == 4
    assert spec.document["components"]["schemas"]["TaskStatus"]["enum"] == statuses
    assert ticked(_row(QUERY_ROWS, "Field", "`task_status`")["Notes"]) == statuses
    callback = _row(CALLBACK_ROWS, "Field", "`task_status`")["Meaning"]
    assert list(dict.fromkeys(ticked(callback))) == statuses


def test_the_list_paging_is_the_documented_one(spec: Spec) -> None:
    """§1 and §2.5 both state it: they agree, and the spec's list parameters are exactly it."""
    conventions = dict(
        (name, tuple(map(int, values)))
        for name, *values in re.findall(r"`(\w+)` int, default (\d+), range (\d+)–(\d+)", CONVENTIONS["List paging"])
    )
    listing = dict(
        (name, (int(default), int(low), int(high)))
        for name, low, high, default in re.findall(
            r"`(\w+)` \((\d+)–(\d+), default (\d+)\)", section(ENDPOINTS, "### 2.5 ")
        )
    )
    assert conventions == listing == {"pageNum": (1, 1, 1000), "pageSize": (30, 1, 500)}
    assert len(LIST_OPERATIONS) == 7
    for operation_id in LIST_OPERATIONS:
        method, _, op = spec.operation(operation_id)
        params = {p["name"]: p for p in op["parameters"]}
        assert (method, set(params)) == ("GET", set(listing)), operation_id
        for name, (default, low, high) in listing.items():
            schema = params[name]["schema"]
            assert (schema["type"], schema["default"], schema["minimum"], schema["maximum"]) == (
                "integer",
                default,
                low,
                high,
            ), (operation_id, name)
            assert (params[name]["in"], params[name]["required"]) == ("query", False), (operation_id, name)


def documented_families() -> list[set[tuple[str, str]]]:
    """(method, path) of every endpoint the inventories list, by family: each row of image-endpoints.md §0 (each
    `METHOD /path` of its cells, the element row's list cell holding the presets and the delete too), and the
    account endpoints of account.md §0 as one."""
    families: list[set[tuple[str, str]]] = []
    for row in table(section(ENDPOINTS, "## 0. ")):
        family: set[tuple[str, str]] = set()
        for column in ("Create", "Query one", "List"):
            spans = [span for span in ticked(row[column]) if re.match(r"(GET|POST) /", span)]
            assert spans, (row["Feature"], column)
            family |= {_endpoint(span) for span in spans}
        families.append(family)
    families.append({_endpoint(ticked(row["Method & path"])[0]) for row in table(section(ACCOUNT, "## 0. "))})
    return families


def _endpoint(span: str) -> tuple[str, str]:
    method, path = span.split(" ", 1)
    return method, path


def test_the_documented_endpoints_and_domain_are_the_specs(spec: Spec) -> None:
    families = documented_families()
    documented = set().union(*families)
    assert (len(families), len(documented)) == (7, 23)
    # The query's one path slot takes a task_id or an external_task_id; the spec names it after the first.
    tags = {(method, template.replace("{task_id}", "{id}")): op["tags"] for method, template, op in spec.operations()}
    assert set(tags) == documented
    assert {op["operationId"] for _, _, op in spec.operations()} == OPERATIONS
    # One tag per endpoint family, so the generator makes one module per family (kling_api.api.<tag>).
    family_tags = []
    for family in families:
        (tag,) = {tag for endpoint in family for tag in tags[endpoint]}
        family_tags.append(tag)
    assert len(set(family_tags)) == len(families)
    assert [tag["name"] for tag in spec.document["tags"]] == family_tags
    domain = ticked(_row(table(section(GENERAL, "## 1. ")), "Item", "API base URL")["Value"])[0]
    assert [server["url"] for server in spec.document["servers"]] == [domain]


# -- docs to spec: errors and authentication -------------------------------------------------------------------------


def _spec_error_table(spec: Spec) -> set[tuple[int, int]]:
    # The spec's error data; its prose is checked against the data in openapi/kling_spec_tests/test_error_table.py.
    return {(row.status, code) for code, row in documented_errors(spec).items()}


DOCUMENTED_ERRORS = [(int(row["HTTP"]), int(row["Code"])) for row in ERROR_ROWS if row["Code"] != "0"]


@pytest.mark.parametrize(("status", "code"), DOCUMENTED_ERRORS, ids=[f"{s}-{c}" for s, c in DOCUMENTED_ERRORS])
def test_every_documented_error_code_is_in_the_spec(spec: Spec, status: int, code: int) -> None:
    assert (status, code) in _spec_error_table(spec)
    for _, _, op in spec.operations():
        response = spec.resolve(op["responses"][str(status)])
        assert str(code) in response["description"], f"{op['operationId']} {status} does not mention {code}"


def test_the_spec_has_no_error_the_docs_lack(spec: Spec) -> None:
    assert _spec_error_table(spec) == set(DOCUMENTED_ERRORS)
    statuses = {str(status) for status, _ in DOCUMENTED_ERRORS}
    for _, _, op in spec.operations():
        assert set(op["responses"]) - {"200"} == statuses, op["operationId"]
    # The success row: HTTP 200, code 0.
    assert ("200", "0") in {(row["HTTP"], row["Code"]) for row in ERROR_ROWS}
    envelopes = {
        spec.resolve(op["responses"]["200"])["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        for _, _, op in spec.operations()
    }
    assert len(envelopes) == 14
    for name in envelopes:
        assert "0 on success" in spec.document["components"]["schemas"][name]["properties"]["code"]["description"]


#: The family a client reads into each category of the publisher's table (auth-and-general.md §3): where the
#: spec's data files a code elsewhere, its x-kling-decision says why, quoting the category.
_CATEGORY_FAMILIES = {
    "auth failed": "auth",
    "account": "account",
    "bad params": "invalid-request",
    "policy": "content-policy",
    "internal": "server",
}


def error_data_problems(spec: Spec) -> list[str]:
    """Where the spec's error data departs from the publisher's table without a stated reason."""
    problems: list[str] = []
    table = documented_errors(spec)
    codes = spec.document["components"]["schemas"]["ErrorResponse"]["x-kling-errors"]["codes"]
    for row in ERROR_ROWS:
        if row["Code"] == "0":
            continue
        code, category, advice = int(row["Code"]), row["Category"], row["Vendor's advice (paraphrased)"]
        data = table[code]
        if data.status != int(row["HTTP"]):
            problems.append(f"{code}: HTTP {data.status}, the docs say {row['HTTP']}")
        # The publisher's advice is the source of `retryable`: "retry later" for the codes worth retrying.
        if data.retryable != ("retry" in advice):
            problems.append(f"{code}: retryable={data.retryable}, the docs advise {advice!r}")
        if data.family != _CATEGORY_FAMILIES[category]:
            decision = normalized(codes[str(code)].get("x-kling-decision", ""))
            if f'"{category}"' not in decision or "[official: ERR]" not in decision:
                problems.append(f"{code}: family {data.family!r} for the docs' {category!r}, with no x-kling-decision")
    return problems


def test_the_error_data_follows_the_docs_or_a_stated_decision(spec: Spec) -> None:
    assert error_data_problems(spec) == []
    # Not vacuous: some families depart from the docs' categories, and exactly those codes carry a decision.
    codes = spec.document["components"]["schemas"]["ErrorResponse"]["x-kling-errors"]["codes"]
    departed = {
        row["Code"]
        for row in ERROR_ROWS
        if row["Code"] != "0" and codes[row["Code"]]["family"] != _CATEGORY_FAMILIES[row["Category"]]
    }
    assert departed
    assert {code for code, row in codes.items() if "x-kling-decision" in row} == departed


def test_the_error_data_check_catches_a_departure(spec: Spec) -> None:
    document = json.loads(json.dumps(spec.document))
    codes = document["components"]["schemas"]["ErrorResponse"]["x-kling-errors"]["codes"]
    codes["1101"]["retryable"] = True
    codes["1201"]["status"] = 422
    del codes["1304"]["x-kling-decision"]

    problems = error_data_problems(Spec(document))

    assert [problem.split(":")[0] for problem in problems] == ["1101", "1201", "1304"]


def test_both_auth_modes_are_security_schemes_of_every_operation(spec: Spec) -> None:
    modes = table(section(GENERAL, "### 2.1 "))
    headers = _row(modes, "", "Header")
    api_key_header, jwt_header = (ticked(headers[column])[0] for column in list(headers)[1:3])
    assert api_key_header == "Authorization: Bearer <API Key>"
    assert jwt_header == "Authorization: Bearer <JWT>"
    schemes = spec.document["components"]["securitySchemes"]
    assert set(schemes) == {"KlingAPIKey", "KlingJWT"}
    api_key, jwt = schemes["KlingAPIKey"], schemes["KlingJWT"]
    assert (api_key["type"], api_key["scheme"], "bearerFormat" in api_key) == ("http", "bearer", False)
    assert (jwt["type"], jwt["scheme"], jwt["bearerFormat"]) == ("http", "bearer", "JWT")
    assert api_key_header.lower() in normalized(api_key["description"]).lower()
    assert '"for all models"' in api_key["description"]
    for scheme in (api_key, jwt):
        assert "exactly one space after `Bearer`" in normalized(scheme["description"])
    # Image endpoints are legacy-design: both modes apply, either one alone.
    assert "legacy-standard → both modes apply" in normalized(section(GENERAL, "### 2.1 ")).replace("**", "")
    for _, _, op in spec.operations():
        assert op["security"] == [{"KlingAPIKey": []}, {"KlingJWT": []}], op["operationId"]


def test_the_jwt_recipe_is_the_documented_one(spec: Spec) -> None:
    recipe = {row["Element"]: row["Value in the vendor sample"] for row in table(section(GENERAL, "### 2.2 "))}
    header = ticked(recipe["Header"])[0]
    expires = re.match(r"now \+ (\d+) s", recipe["`exp`"])
    not_before = re.match(r"now − (\d+) s", recipe["`nbf`"])
    assert expires is not None
    assert not_before is not None
    assert "Access Key" in recipe["`iss`"]
    description = normalized(spec.document["components"]["securitySchemes"]["KlingJWT"]["description"])
    for part in (header, f"now + {expires.group(1)}", f"now - {not_before.group(1)}", '"iss": <access key>', "HS256"):
        assert part in description, part


def test_the_signed_webhook_headers_are_the_documented_ones(spec: Spec) -> None:
    rows = {row["Aspect"]: row["Detail"] for row in table(section(GENERAL, "### 5.4 "))}
    names = [name for name in ticked(rows["Headers"]) if name.startswith("webhook-")]
    assert names == ["webhook-id", "webhook-timestamp", "webhook-signature"]
    _, _, create = spec.operation("createImageTask")
    callback = create["callbacks"]["imageTaskStatusChanged"]["{$request.body#/callback_url}"]["post"]
    params = {p["name"]: p for p in callback["parameters"]}
    assert list(params) == names
    # No secret, no signature headers: never required.
    assert all(p["in"] == "header" and p["required"] is False for p in params.values())
    description = normalized(callback["description"])
    tolerance = re.search(r"±(\d+) minutes", rows["Timestamp tolerance"])
    assert tolerance is not None
    for part in (
        ticked(rows["Signature header format"])[0].split("<")[0],  # v1,
        ticked(rows["Signed string"])[0],
        ticked(rows["Secret format"])[0],
        "HMAC-SHA256",
        f"within {tolerance.group(1)} minutes",
        "case-insensitive",
    ):
        assert part in description, part
    assert "ambiguous" in rows["Applies to legacy (image) callbacks?"]
    assert "not settled by the docs" in description


# -- docs to spec: capabilities, prices ------------------------------------------------------------------------------

GENERATIONS = "POST /v1/images/generations"


def _models_of_the_endpoint() -> dict[str, dict[str, str]]:
    """Display name -> the §1 row, for the models /v1/images/generations accepts; the row's `model_name` too."""
    return {
        row["Display name (CAPMAP)"]: {**row, "model_name": ticked(row["`model_name` string"])[0]}
        for row in MODEL_ROWS
        if GENERATIONS in ticked(row["Endpoint(s) that accept it"])
    }


def _listed_values(cell: str, first: list[str]) -> list[str]:
    """A models-table cell: its `values`, after the first row's when it says "the 8 above"."""
    return (first if cell.startswith("the 8 above") else []) + ticked(cell)


def expected_capabilities(properties: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What each model of the endpoint supports, from the docs alone: ratios and resolutions from the models
    table (§1); what the capability map (§2) marks not supported, through the request field its last column
    names; what the request table restricts to one model ("**`kling-v2-1` only**"). Each field a model does not
    take comes with the source key that says so, and whether the field's naming is an inference."""
    first_ratios = ticked(MODEL_ROWS[0]["Aspect ratios"])
    models: dict[str, dict[str, Any]] = {}
    for display, row in _models_of_the_endpoint().items():
        values = {
            "aspect_ratio": _listed_values(row["Aspect ratios"], first_ratios),
            "resolution": [value.strip().lower() for value in row["Resolutions"].split(",")],
        }
        column = display.removeprefix("Kling ")
        assert column in CAPABILITY_ROWS[0], display
        supported: dict[str, list[str]] = {}
        refused: dict[str, list[str]] = {}
        guessed: set[str] = set()
        for capability in CAPABILITY_ROWS:
            mechanism = capability["How it is requested [inference unless tagged]"]
            spans = ticked(mechanism)
            if not spans or f"no `{spans[0]}`" in mechanism:
                continue
            field, _, value = spans[0].partition(": ")
            if field not in properties:
                continue  # another endpoint's field (omni-image's image_list, result_type)
            side = refused if capability[column].startswith("❌") else supported
            side.setdefault(field, []).extend([value.strip('"')] if value else [])
            if mechanism.startswith("most likely"):
                guessed.add(field)
        unsupported = {field: ("CAPMAP", field in guessed) for field in refused if field not in supported}
        values.update({field: kept for field, kept in supported.items() if kept})
        for request_row in REQUEST_ROWS:
            only = re.fullmatch(r"\*\*`([\w-]+)` only\*\*", request_row["Model applicability"])
            if only and only.group(1) != row["model_name"]:
                unsupported[ticked(request_row["Field"])[0]] = ("GEN21", False)
        models[row["model_name"]] = {"values": values, "unsupported": unsupported}
    return models


def test_the_capability_map_is_the_specs(spec: Spec, request_schema: dict[str, Any]) -> None:
    """Both ways: the spec's x-kling-capabilities holds exactly what the docs say, model by model."""
    expected = expected_capabilities(request_schema["properties"])
    listed = request_schema["x-kling-capabilities"]["models"]
    assert set(listed) == set(expected) == set(spec.document["components"]["schemas"]["ModelName"]["enum"])
    for model, capabilities in listed.items():
        assert {field: sorted(values) for field, values in capabilities.get("values", {}).items()} == {
            field: sorted(values) for field, values in expected[model]["values"].items()
        }, model
        assert set(capabilities.get("unsupported", {})) == set(expected[model]["unsupported"]), model
        for field, reason in capabilities.get("unsupported", {}).items():
            source, guessed = expected[model]["unsupported"][field]
            assert f"[official: {source}]" in normalized(reason), (model, field)
            assert ("[inference]" in reason) == guessed, f"{model} {field}: the docs' mapping is an inference"
        assert capabilities["title"] in _models_of_the_endpoint(), model


def test_the_capability_map_reading_is_not_vacuous(request_schema: dict[str, Any]) -> None:
    """Guards the reading: each kind of statement was found, and a changed cell changes the outcome."""
    expected = expected_capabilities(request_schema["properties"])
    assert expected["kling-v3"]["unsupported"] == {
        "image_reference": ("CAPMAP", False),
        "image_fidelity": ("GEN21", False),
        "human_fidelity": ("GEN21", False),
    }
    assert expected["kling-v2-1"]["unsupported"] == {"element_list": ("CAPMAP", True)}
    assert sorted(expected["kling-v2-1"]["values"]["image_reference"]) == ["face", "subject"]
    assert len(expected["kling-v3"]["values"]["aspect_ratio"]) == 8
    face = _row(CAPABILITY_ROWS, "Capability (CAPMAP)", "Face feature reference")
    saved = face["Image 3.0"]
    try:
        face["Image 3.0"] = "✅"
        changed = expected_capabilities(request_schema["properties"])["kling-v3"]
    finally:
        face["Image 3.0"] = saved
    assert "image_reference" not in changed["unsupported"]
    assert changed["values"]["image_reference"] == ["face"]


_KINDS = {"text-to-image": "text_to_image", "image-to-image": "image_to_image"}


def test_the_price_table_is_the_specs(request_schema: dict[str, Any]) -> None:
    """Both ways: x-kling-pricing holds the §4 rows of this endpoint's models (per image, for any resolution of
    the model) and nothing else; every row of the table is priced at usd_per_unit."""
    pricing = request_schema["x-kling-pricing"]
    rate = Decimal(pricing["usd_per_unit"])
    models = _models_of_the_endpoint()
    expected: dict[str, dict[str, int]] = {}
    for row in PRICE_ROWS:
        assert Decimal(row["USD shown"].removeprefix("$")) == int(row["Units"]) * rate, row
        if row["Model"] not in models:
            continue
        model = models[row["Model"]]
        kinds = [_KINDS[kind] for kind in row["Function"].split(", ") if kind in _KINDS]
        if not kinds:
            continue  # multi-image to image: another endpoint
        assert row["Basis"] == "per image"
        assert [r.strip().lower() for r in row["Resolution"].split(",")] == expected_capabilities(
            request_schema["properties"]
        )[model["model_name"]]["values"]["resolution"], "a price for every resolution of the model"
        for kind in kinds:
            expected.setdefault(model["model_name"], {})[kind] = int(row["Units"])
    assert pricing["models"] == expected
    assert expected == {
        "kling-v3": {"text_to_image": 8, "image_to_image": 8},
        "kling-v2-1": {"text_to_image": 4, "image_to_image": 8},
    }


# -- the vendored copies -----------------------------------------------------------------------------------------------

VENDORED = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))
_NO_SHARED = (
    "nothing to fix: the publisher's docs are checked from their copies in openapi/source-docs/; this test "
    "compares those copies with the team's originals in ../shared/api-docs (a folder beside the checkout, "
    "present in the team's workspace only), and there is no such folder here"
)


def test_both_editions_are_vendored() -> None:
    assert {"image-generation.md", "general-info.md"} <= set(VENDORED)
    assert {f"2026/{name}" for name in ("diff-from-2024.md", "image-endpoints.md", "auth-and-general.md")} <= set(
        VENDORED
    )


@pytest.mark.skipif(not SHARED_DOCS.is_dir(), reason=_NO_SHARED)
def test_the_vendored_docs_are_the_shared_ones_file_for_file() -> None:
    shared = sorted(path.relative_to(SHARED_DOCS).as_posix() for path in SHARED_DOCS.rglob("*.md"))
    assert shared == VENDORED, "openapi/source-docs/ and ../shared/api-docs hold different files"


@pytest.mark.skipif(not SHARED_DOCS.is_dir(), reason=_NO_SHARED)
@pytest.mark.parametrize("name", VENDORED)
def test_the_vendored_docs_match_the_shared_originals(name: str) -> None:
    shared = SHARED_DOCS / name
    assert shared.is_file(), f"../shared/api-docs/{name} is missing"
    assert (DOCS / name).read_bytes() == shared.read_bytes(), f"refresh openapi/source-docs/{name}"


# -- the other direction: every constraint of the spec is stated by the docs, or is a decision of ours -----------------

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

_TIMESTAMPS = "`created_at`, `updated_at`: Unix milliseconds (all examples `1722769557708`)"
_ENVELOPE = "`{code: int, message: string, request_id: string, data: …}`"
# Where the 2026 docs state each constraint of the spec: (location, keyword) -> a phrase of the docs (whitespace
# aside). A phrase must hold the constraint's value; a constraint not listed here needs an `x-kling-decision`
# beside it that names its keyword.
EVIDENCE: dict[tuple[str, str], str] = {
    ("listImageTasks.pageNum", "minimum"): "`pageNum` int, default 1, range 1–1000",
    ("listImageTasks.pageNum", "maximum"): "`pageNum` int, default 1, range 1–1000",
    ("listImageTasks.pageNum", "default"): "`pageNum` int, default 1, range 1–1000",
    ("listImageTasks.pageSize", "minimum"): "`pageSize` int, default 30, range 1–500",
    ("listImageTasks.pageSize", "maximum"): "`pageSize` int, default 30, range 1–500",
    ("listImageTasks.pageSize", "default"): "`pageSize` int, default 30, range 1–500",
    ("ModelName", "enum"): "| `model_name` | string | no | `kling-v3` | `kling-v2-1`, `kling-v3` |",
    ("ImageReference", "enum"): "| `image_reference` | string | no | — | `subject`, `face` |",
    ("Resolution", "enum"): "| `resolution` | string | no | `1k` | `1k`, `2k` |",
    ("AspectRatio", "enum"): "`16:9`, `9:16`, `1:1`, `4:3`, `3:4`, `3:2`, `2:3`, `21:9` | width:height; no `auto` here",
    ("TaskStatus", "enum"): "| Task status values | `submitted`, `processing`, `succeed`, `failed`",
    ("ElementReference", "required"): "| `element_list[].element_id` | long | yes (per item) |",
    ("ElementReference.element_id", "format"): "| `element_list[].element_id` | long |",
    ("CreateImageTaskRequest", "required"): "| `prompt` | string | **yes** |",
    ("CreateImageTaskRequest.model_name", "default"): "| `model_name` | string | no | `kling-v3` |",
    ("CreateImageTaskRequest.prompt", "maxLength"): "| `prompt` | string | **yes** | — | — | ≤ 2500 chars |",
    (
        "CreateImageTaskRequest.negative_prompt",
        "maxLength",
    ): "| `negative_prompt` | string | no | — | — | ≤ 2500 chars;",
    ("CreateImageTaskRequest.image", "pattern"): "raw Base64 only — no `data:image/...;base64,` prefix",
    ("CreateImageTaskRequest.image_fidelity", "format"): "| `image_fidelity` | float |",
    ("CreateImageTaskRequest.image_fidelity", "minimum"): "| `image_fidelity` | float | no | `0.5` | — | 0–1;",
    ("CreateImageTaskRequest.image_fidelity", "maximum"): "| `image_fidelity` | float | no | `0.5` | — | 0–1;",
    ("CreateImageTaskRequest.image_fidelity", "default"): "| `image_fidelity` | float | no | `0.5` |",
    ("CreateImageTaskRequest.human_fidelity", "format"): "| `human_fidelity` | float |",
    ("CreateImageTaskRequest.human_fidelity", "minimum"): "| `human_fidelity` | float | no | `0.45` | — | 0–1;",
    ("CreateImageTaskRequest.human_fidelity", "maximum"): "| `human_fidelity` | float | no | `0.45` | — | 0–1;",
    ("CreateImageTaskRequest.human_fidelity", "default"): "| `human_fidelity` | float | no | `0.45` |",
    ("CreateImageTaskRequest.element_list", "maxItems"): "elements + reference images ≤ 10 in total",
    ("CreateImageTaskRequest.resolution", "default"): "| `resolution` | string | no | `1k` |",
    ("CreateImageTaskRequest.n", "minimum"): "| `n` | int | no | `1` | — | 1–9 |",
    ("CreateImageTaskRequest.n", "maximum"): "| `n` | int | no | `1` | — | 1–9 |",
    ("CreateImageTaskRequest.n", "default"): "| `n` | int | no | `1` |",
    ("CreateImageTaskRequest.aspect_ratio", "default"): "| `aspect_ratio` | string | no | `16:9` |",
    (
        "CreatedImageTask",
        "required",
    ): "is a subset: `task_id`, `task_status`, `task_info.external_task_id`, `created_at`, `updated_at`.",
    ("CreatedImageTask.created_at", "format"): _TIMESTAMPS,
    ("CreatedImageTask.updated_at", "format"): _TIMESTAMPS,
    ("ImageResult", "required"): "`{index: int (comment: 0–9), url: string, watermark_url: string}`",
    ("ImageResult.index", "minimum"): "`{index: int (comment: 0–9)",
    ("ImageResult.index", "maximum"): "`{index: int (comment: 0–9)",
    ("ImageResult.url", "format"): "URL example `https://h1.inkwai.com/bs2/upload-ylab-stunt/",
    (
        "ImageTask",
        "required",
    ): "Query-one/list `data` keeps `task_id`, `task_status`, `task_status_msg`, `created_at`, `updated_at`",
    ("ImageTask.created_at", "format"): _TIMESTAMPS,
    ("ImageTask.updated_at", "format"): _TIMESTAMPS,
    ("CreateImageTaskResponse", "required"): _ENVELOPE,
    ("ImageTaskResponse", "required"): _ENVELOPE,
    ("ImageTaskListResponse", "required"): _ENVELOPE,
    (
        "ErrorResponse",
        "required",
    ): "`code` (0 = success), `message`, `request_id` (system-generated, for support), plus `data` on success",
}


def row_line(text: str, starts: str) -> str:
    """The one markdown table row of ``text`` whose first cell starts with ``starts`` (``"`n`"``), as a phrase."""
    (line,) = [line for line in text.splitlines() if line.startswith(f"| {starts}")]
    return normalized(line)


def row_lines(text: str, first: str, last: str) -> str:
    """The table rows of ``text`` from the one starting with ``first`` to the one starting with ``last``, as one
    phrase (consecutive rows are consecutive text)."""
    lines = text.splitlines()
    (start,) = [index for index, line in enumerate(lines) if line.startswith(f"| {first}")]
    (end,) = [index for index, line in enumerate(lines) if line.startswith(f"| {last}")]
    assert start <= end
    return normalized(" ".join(lines[start : end + 1]))


def _rows_evidence(schema: str, text: str, keywords: dict[str, tuple[str, ...]]) -> dict[tuple[str, str], str]:
    """Evidence for a request table: ``{field: keywords}`` -> each (schema.field, keyword) shown by the field's row."""
    return {
        (f"{schema}.{field}", keyword): row_line(text, f"`{field}`")
        for field, kws in keywords.items()
        for keyword in kws
    }


OMNI_REQUEST = section(ENDPOINTS, "### 3.1 ")
OMNI_QUERY = section(ENDPOINTS, "### 3.3 ")
MULTI_REQUEST = section(ENDPOINTS, "### 4.1 ")
EXPAND_REQUEST = section(ENDPOINTS, "### 5.1 ")
SHOTS_REQUEST = section(ENDPOINTS, "### 6.1 ")
SHOTS_ANSWERS = section(ENDPOINTS, "### 6.2 ")
ELEMENT_REQUEST = section(ENDPOINTS, "### 7.1 ")
ELEMENT_QUERIES = section(ENDPOINTS, "### 7.2 ")
COSTS = section(ACCOUNT, "## 1. ")
BALANCE = section(ACCOUNT, "## 2. ")
PACKAGE = section(ACCOUNT, "## 3. ")
_NO_PREFIX = "raw Base64 only — no `data:image/...;base64,` prefix"
_PAGING = {"pageNum": "`pageNum` int, default 1, range 1–1000", "pageSize": "`pageSize` int, default 30, range 1–500"}
_BOUNDS = ("minimum", "maximum", "default")
_N = ("minimum", "maximum", "default")
_TASK_REQUIRED = "`task_id`, `task_status`, `task_status_msg`"

EVIDENCE.update(
    {
        # paging, every list (image-endpoints.md §1)
        **{
            (f"{operation}.{name}", keyword): phrase
            for operation in LIST_OPERATIONS
            if operation != "listImageTasks"
            for name, phrase in _PAGING.items()
            for keyword in _BOUNDS
        },
        # every answer's envelope and timestamps (§1)
        **{
            (name, "required"): _ENVELOPE
            for name in (
                "OmniImageTaskResponse",
                "OmniImageTaskListResponse",
                "MultiShotTaskResponse",
                "MultiShotTaskListResponse",
                "ElementTaskResponse",
                "ElementTaskListResponse",
                "PresetElementTaskListResponse",
                "DeleteElementResponse",
                "AccountCostsResponse",
                "BalanceDeductionsResponse",
                "PackageDeductionsResponse",
            )
        },
        **{
            (f"{name}.{field}", "format"): _TIMESTAMPS
            for name in ("OmniImageTask", "MultiShotTask", "PresetElementTask")
            for field in ("created_at", "updated_at")
        },
        # omni-image (§3)
        ("OmniModelName", "enum"): row_line(OMNI_REQUEST, "`model_name`"),
        ("OmniResolution", "enum"): row_line(OMNI_REQUEST, "`resolution`"),
        ("OmniAspectRatio", "enum"): row_line(OMNI_REQUEST, "`aspect_ratio`"),
        ("ResultType", "enum"): row_line(OMNI_REQUEST, "`result_type`"),
        ("SeriesAmountAuto", "enum"): row_line(OMNI_REQUEST, "`series_amount`"),
        ("OmniImageInput", "required"): "items `{image: string}` (required per item, must not be empty)",
        ("OmniImageInput.image", "minLength"): "items `{image: string}` (required per item, must not be empty)",
        ("CreateOmniImageTaskRequest", "required"): row_line(OMNI_REQUEST, "`prompt`"),
        **_rows_evidence(
            "CreateOmniImageTaskRequest",
            OMNI_REQUEST,
            {
                "model_name": ("default",),
                "prompt": ("maxLength",),
                "image_list": ("maxItems",),
                "element_list": ("maxItems",),
                "resolution": ("default",),
                "result_type": ("default",),
                "n": _N,
                "series_amount": ("default", "minimum", "maximum"),
            },
        ),
        ("OmniImageResult", "required"): row_line(OMNI_QUERY, "`task_result.images[]`"),
        ("OmniImageTask", "required"): row_lines(OMNI_QUERY, _TASK_REQUIRED, "`created_at`, `updated_at`"),
        # multi-image to image (§4)
        ("MultiImageModelName", "enum"): row_line(MULTI_REQUEST, "`model_name`"),
        ("SubjectImage", "required"): row_line(MULTI_REQUEST, "`subject_image_list`"),
        ("SubjectImage.subject_image", "pattern"): _NO_PREFIX,
        ("CreateMultiImageToImageTaskRequest.scene_image", "pattern"): _NO_PREFIX,
        ("CreateMultiImageToImageTaskRequest.style_image", "pattern"): _NO_PREFIX,
        ("CreateMultiImageToImageTaskRequest", "required"): row_line(MULTI_REQUEST, "`subject_image_list`"),
        **_rows_evidence(
            "CreateMultiImageToImageTaskRequest",
            MULTI_REQUEST,
            {
                "model_name": ("default",),
                "prompt": ("maxLength",),
                "subject_image_list": ("minItems", "maxItems"),
                "n": _N,
                "aspect_ratio": ("default",),
            },
        ),
        # outpainting (§5)
        ("CreateExpandImageTaskRequest", "required"): row_lines(EXPAND_REQUEST, "`image`", "`right_expansion_ratio`"),
        ("CreateExpandImageTaskRequest.image", "pattern"): _NO_PREFIX,
        **_rows_evidence(
            "CreateExpandImageTaskRequest",
            EXPAND_REQUEST,
            {
                **{
                    f"{side}_expansion_ratio": ("format", "minimum", "maximum")
                    for side in ("up", "down", "left", "right")
                },
                "prompt": ("maxLength",),
                "n": _N,
            },
        ),
        # AI Multi-Shot (§6)
        ("CreateMultiShotTaskRequest", "required"): row_line(SHOTS_REQUEST, "`element_frontal_image`"),
        ("MultiShotTask", "required"): normalized(SHOTS_ANSWERS.split("\n- ")[2].split(" - What")[0]),
        ("MultiShotImageResult", "required"): "`{index: int (0–2), url_1: string, url_2: string, url_3: string}`",
        ("MultiShotImageResult.index", "minimum"): "`{index: int (0–2), url_1: string",
        ("MultiShotImageResult.index", "maximum"): "`{index: int (0–2), url_1: string",
        # elements (§7)
        ("ElementReferenceType", "enum"): row_line(ELEMENT_REQUEST, "`reference_type`"),
        ("ElementTagId", "enum"): row_line(ELEMENT_REQUEST, "`tag_list`"),
        ("ElementTag", "required"): row_line(ELEMENT_REQUEST, "`tag_list`"),
        ("ElementImageList", "required"): row_line(ELEMENT_REQUEST, "`element_image_list`"),
        ("ElementImageList.refer_images", "minItems"): row_line(ELEMENT_REQUEST, "`element_image_list`"),
        ("ElementImageList.refer_images", "maxItems"): row_line(ELEMENT_REQUEST, "`element_image_list`"),
        (
            "ElementReferVideo",
            "required",
        ): "at most 1 video; `.mp4`/`.mov`; 3–8 s; 1080P; 16:9 or 9:16; ≤ 200 MB; `video_url` non-empty",
        (
            "ElementReferVideo.video_url",
            "minLength",
        ): "at most 1 video; `.mp4`/`.mov`; 3–8 s; 1080P; 16:9 or 9:16; ≤ 200 MB; `video_url` non-empty",
        ("ElementVideoList.refer_videos", "maxItems"): "`{refer_videos: [{video_url: string}]}`; at most 1 video",
        ("CreateElementTaskRequest", "required"): row_lines(ELEMENT_REQUEST, "`element_name`", "`reference_type`"),
        ("CreateElementTaskRequest.element_name", "maxLength"): row_line(ELEMENT_REQUEST, "`element_name`"),
        ("CreateElementTaskRequest.element_description", "maxLength"): row_line(
            ELEMENT_REQUEST, "`element_description`"
        ),
        ("ElementStatus", "enum"): "`status` (`succeed` normal, `deleted`)",
        ("Element.element_id", "format"): row_line(section(ENDPOINTS, "## 8. "), "17"),
        ("PresetElementTask", "required"): row_line(ELEMENT_QUERIES, "Query one"),
        ("DeleteElementRequest", "required"): "body `{element_id: string}` (required; custom elements only)",
        # the account (account.md)
        ("getAccountCosts.start_time", "required"): row_line(COSTS, "`start_time`"),
        ("getAccountCosts.end_time", "required"): row_line(COSTS, "`end_time`"),
        ("ResourcePackType", "enum"): row_line(COSTS, "`…resource_pack_type`"),
        ("ResourcePackStatus", "enum"): row_line(COSTS, "`…status`"),
        **{
            (f"ResourcePack.{name}", "format"): row_line(COSTS, f"`…{name}`")
            for name in ("purchase_time", "effective_time", "invalid_time")
        },
        **{
            (f"{name}.{field}", keyword): row_line(BALANCE, f"`{field}`")
            for name in ("BalanceDeductionsRequest", "PackageDeductionsRequest")
            for field, keywords in {
                "start_time": ("format",),
                "end_time": ("format",),
                "limit": ("maximum", "default"),
            }.items()
            for keyword in keywords
        },
        ("BalanceFilterKey", "enum"): row_line(BALANCE, "`filters[].key`"),
        ("PackageFilterKey", "enum"): row_lines(PACKAGE, "`api_key_name`", "`package_id`"),
        ("ProductType", "enum"): row_line(PACKAGE, "`product_type`"),
        ("BalanceFilter", "required"): row_lines(BALANCE, "`filters[].key`", "`filters[].values`"),
        ("PackageFilter", "required"): row_lines(BALANCE, "`filters[].key`", "`filters[].values`"),
        ("CashType", "enum"): row_line(BALANCE, "`…cash_type`"),
        ("Currency", "enum"): row_line(BALANCE, "`…currency`"),
        ("VideoSound", "enum"): row_line(BALANCE, "`…video_sound`"),
    }
)

_FORMATS_SHOWN = {
    "float": ("float",),
    "int64": ("1722769557708", "long", "Unix ms"),  # milliseconds since 1970 outgrow 32 bits; a long is 64
    "uri": ("https://",),
}


def _shows(keyword: str, value: Any, phrase: str) -> bool:
    """Whether a phrase of the docs shows the constraint's value (beyond being in the docs)."""
    if keyword == "format":
        return any(shown in phrase for shown in _FORMATS_SHOWN[value])
    if keyword == "required" and value is True:  # a parameter: its row says so
        return "| yes |" in phrase
    if keyword == "required":
        return all(re.search(rf"\b{re.escape(name)}\b", phrase) for name in value)
    if keyword == "pattern":
        return "data:" in phrase
    if keyword == "minLength" and value == 1:  # "must not be empty", "non-empty"
        return "empty" in phrase
    if keyword == "enum":
        return all(f"`{v}`" in phrase for v in value)
    return str(value) in phrase


def _constraints(spec: Spec) -> list[tuple[str, str, Any, dict[str, Any]]]:
    """(location, keyword, value, node) of every constraint the spec states, rules as ``allOf[i]``; a parameter
    (callbacks' included) that is not in the path and is required counts as one."""
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
        for child in [*node.get("anyOf", []), node.get("items")]:
            visit(child, location)

    def parameters(op: Any, name: str) -> None:
        for raw in op.get("parameters", []):
            param = spec.resolve(raw)
            if param["in"] != "path" and param.get("required"):
                found.append((f"{name}.{param['name']}", "required", True, dict(param)))
            visit(param["schema"], f"{name}.{param['name']}")

    for name, schema in spec.document["components"]["schemas"].items():
        visit(schema, name)
    for _, _, op in spec.operations():
        parameters(op, op["operationId"])
        for callback_name, callback in op.get("callbacks", {}).items():
            for item in callback.values():
                for method, callback_op in item.items():
                    parameters(callback_op, f"{callback_name}.{method}")
    return found


def test_every_constraint_of_the_spec_is_in_the_docs_or_a_stated_decision(spec: Spec) -> None:
    """A client must not refuse what the service accepts: no constraint without a source or a reason."""
    unexplained: list[str] = []
    wrong: list[str] = []
    for location, keyword, value, node in _constraints(spec):
        if keyword == "rule":
            continue  # test_every_rule_quotes_its_source
        phrase = EVIDENCE.get((location, keyword))
        if phrase is None:
            if keyword not in node.get("x-kling-decision", ""):
                unexplained.append(f"{location} {keyword}={value!r}")
        elif normalized(phrase) not in EDITION_TEXT:
            wrong.append(f"{location} {keyword}: the 2026 docs do not say {phrase!r}")
        elif not _shows(keyword, value, phrase):
            wrong.append(f"{location} {keyword}={value!r}: {phrase!r} does not show it")
    assert not unexplained, "constraints with no source in the docs and no x-kling-decision:\n" + "\n".join(unexplained)
    assert not wrong, "\n".join(wrong)


def test_no_evidence_is_left_over(spec: Spec) -> None:
    stated = {(location, keyword) for location, keyword, _, _ in _constraints(spec)}
    assert set(EVIDENCE) <= stated, set(EVIDENCE) - stated


def _rules(spec: Spec) -> list[tuple[str, dict[str, Any]]]:
    return [(location, member) for location, keyword, member, _ in _constraints(spec) if keyword == "rule"]


#: The fields each schema's cross-field rules (allOf members with an x-kling-error) are about.
RULE_FIELDS = {
    "CreateImageTaskRequest": {"negative_prompt", "image", "element_list"},
    "CreateOmniImageTaskRequest": {"element_list"},
    "CreateElementTaskRequest": {"element_image_list", "element_video_list"},
    "PackageFilter": {"values"},
    "BalanceDeductionsRequest": {"start_time", "end_time"},
    "PackageDeductionsRequest": {"start_time", "end_time", "filters"},
}
#: The rules JSON Schema cannot state (x-kling-rules), by schema: the check of kling_spec each names.
CODE_RULES = {
    "CreateExpandImageTaskRequest": ["expand_area"],
    "BalanceDeductionsRequest": ["ascending"],
    "PackageDeductionsRequest": ["ascending"],
}


def _quotes_problems(where: str, description: str) -> list[str]:
    """Why a rule's description does not quote its source word for word, with how sure it is."""
    quotes = re.findall(r"“(.+?)”", description, re.S)
    problems = [] if quotes else [f"{where} quotes no source"]
    if "[official" not in description:
        problems.append(f"{where} does not say how sure its source is")
    problems += [
        f"{where}: the 2026 docs do not say {quote!r}" for quote in quotes if normalized(quote) not in EDITION_TEXT
    ]
    return problems


def test_every_rule_quotes_its_source(spec: Spec) -> None:
    """Each cross-field rule says where the 2026 docs state it: its “quotes” are there word for word."""
    rules = _rules(spec)
    schemas = spec.document["components"]["schemas"]
    found: dict[str, set[str]] = {}
    for location, member in rules:
        schema = location.split(".")[0]
        told = member["x-kling-error"]
        found.setdefault(schema, set()).add(told["field"])
        assert _quotes_problems(location, member["description"]) == []
        assert told["field"] in schemas[schema]["properties"], location
        assert told["rule"], location
    assert found == RULE_FIELDS


def test_every_code_checked_rule_quotes_its_source(spec: Spec) -> None:
    """The rules JSON Schema cannot say (x-kling-rules) quote their source as the others do, name a check that
    kling_spec has, and say what a client shows when one is broken."""
    from kling_spec._checks import _CHECKS

    schemas = spec.document["components"]["schemas"]
    found = {
        name: [rule["check"] for rule in schema["x-kling-rules"]]
        for name, schema in schemas.items()
        if "x-kling-rules" in schema
    }
    assert found == CODE_RULES
    for name in found:
        for index, rule in enumerate(schemas[name]["x-kling-rules"]):
            where = f"{name}.x-kling-rules[{index}]"
            assert _quotes_problems(where, rule["description"]) == []
            assert rule["check"] in _CHECKS, where
            assert set(rule["fields"]) <= set(schemas[name]["properties"]), where
            assert rule["x-kling-error"]["rule"], where
            if rule["check"] == "expand_area":  # the factor is the one the quote states
                (quote,) = re.findall(r"“(.+?)”", rule["description"], re.S)
                assert f"at most {rule['max_area_factor']}× the original's area" in normalized(quote), where
            assert (
                f"kling_spec.{'expand_area_problem' if rule['check'] == 'expand_area' else 'rule_problems'}"
                in rule["description"]
            )


def test_the_quote_check_catches_a_misquote() -> None:
    """Guards the quote check: a paraphrase, no quote, no certainty are each reported."""
    assert (
        _quotes_problems("r", "Source [official: OUTP]: “the resulting image may be at most 3× the original's area”")
        == []
    )
    assert _quotes_problems("r", "Source [official: OUTP]: “the result may be at most 3× the original's area”") == [
        'r: the 2026 docs do not say "the result may be at most 3× the original\'s area"'
    ]
    assert _quotes_problems("r", "[official: OUTP] no quote") == ["r quotes no source"]
    assert _quotes_problems("r", "“must be before `end_time`”") == ["r does not say how sure its source is"]


def test_no_rule_depends_on_the_model(spec: Spec) -> None:
    """What a model supports is data (x-kling-capabilities), never a rule: a client refuses no model's request."""
    for location, member in _rules(spec):
        rule = {key: value for key, value in member.items() if key not in ("description", "x-kling-error")}
        assert "model" not in json.dumps(rule), f"{location} depends on the model"


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return [text for child in children for text in _strings(child)]


_TAG = re.compile(r"\[(official|3rd-party)([^\]]*)\]")


def test_every_source_tag_of_the_spec_names_a_documented_source(spec: Spec) -> None:
    """``[official: GEN21]`` and the like point at the source keys the 2026 docs define."""
    keys = {
        key
        for text in (ENDPOINTS, GENERAL, CAPABILITIES, DIFF, ACCOUNT)
        for row in table(section(text, "## Source keys"))
        for key in row["Key"].split(" / ")
    }
    assert {"GEN21", "CAPMAP", "PRICE", "AUTH", "CB", "ERR", "UPD", "SPEC", "OMNIO1", "OUTP", "USAGE", "BAL"} <= keys
    tags = [tag for text in _strings(spec.document) for tag in _TAG.findall(normalized(text))]
    assert len(tags) >= 15
    for kind, names in tags:
        if not names.strip():
            assert kind == "3rd-party", "an [official] tag names its source"
            continue
        assert names.startswith(": "), f"[{kind}{names}]: write [{kind}: KEY]"
        for name in names.removeprefix(": ").split(","):
            key = name.split()[0]
            assert key in keys or re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}", key), f"[{kind}{names}]"


def test_the_check_catches_an_undocumented_constraint(spec: Spec) -> None:
    """Guards the walk: a maxLength on external_task_id, a required callback header (no source says either) are
    caught."""
    document = json.loads(json.dumps(spec.document))
    request = document["components"]["schemas"]["CreateImageTaskRequest"]
    request["properties"]["external_task_id"]["maxLength"] = 64
    _, _, create = Spec(document).operation("createImageTask")
    create["callbacks"]["imageTaskStatusChanged"]["{$request.body#/callback_url}"]["post"]["parameters"][2][
        "required"
    ] = True
    constraints = {(location, keyword) for location, keyword, _, _ in _constraints(Spec(document))}
    for found in (
        ("CreateImageTaskRequest.external_task_id", "maxLength"),
        ("imageTaskStatusChanged.post.webhook-signature", "required"),
    ):
        assert found in constraints
        assert found not in EVIDENCE
