"""The spec and the 2026 docs say the same of every endpoint beyond /v1/images/generations, in both directions.

image-endpoints.md §3 (omni-image), §4 (multi-image to image), §5 (outpainting), §6 (AI Multi-Shot), §7 (elements)
and account.md §1-§3 (resource packs, the two deduction ledgers), parsed as test_doc_coverage.py parses §2 for the
generations endpoint, with its helpers:

- Docs to spec: every field of each request table is in the request schema with the documented type, required
  flag, default, allowed values and limits; every documented response field is in the answer's schema, nested
  where the docs nest it; each documented cross-field statement is carried (a rule, a code-checked rule, or a
  description where the docs say "ignored"); the capability map and the price table of the omni models, and
  the price of every priced endpoint; the account page's QPS request; the documented request examples.
- Spec to docs: no request field and no answer field the docs lack, but the ones a stated decision adds; every
  image input is one the docs hold to the image rules; every documented contradiction is decided by an
  ``x-kling-decision`` that cites it.

What holds for every operation (the inventory, errors, security, paging, the evidence of every constraint, the
rules' quotes) is checked in test_doc_coverage.py.
"""

# The docs write ranges with an en dash and areas with a multiplication sign: the parser must match them.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from kling_spec import Spec, image_input_fields

from .test_doc_coverage import (
    ACCOUNT,
    BALANCE,
    CAPABILITIES,
    CAPABILITY_ROWS,
    CONVENTIONS,
    COSTS,
    EDITION_TEXT,
    ELEMENT_QUERIES,
    ELEMENT_REQUEST,
    ENDPOINTS,
    EXPAND_REQUEST,
    MODEL_ROWS,
    MULTI_REQUEST,
    OMNI_QUERY,
    OMNI_REQUEST,
    PACKAGE,
    PRICE_ROWS,
    REQUEST_ROWS,
    SHOTS_ANSWERS,
    SHOTS_REQUEST,
    _doc_type,
    _enum,
    _envelope,
    _listed_values,
    _merged,
    _spec_object,
    _types,
    braced,
    normalized,
    section,
    table,
    ticked,
)

#: Each request table of the docs -> the spec's schema of that request.
REQUEST_TABLES: dict[str, tuple[str, str]] = {
    "omni-image": ("CreateOmniImageTaskRequest", OMNI_REQUEST),
    "multi-image": ("CreateMultiImageToImageTaskRequest", MULTI_REQUEST),
    "expand": ("CreateExpandImageTaskRequest", EXPAND_REQUEST),
    "multi-shot": ("CreateMultiShotTaskRequest", SHOTS_REQUEST),
    "elements": ("CreateElementTaskRequest", ELEMENT_REQUEST),
    "balance": ("BalanceDeductionsRequest", section(BALANCE, "### Request body ")),
}
ROWS = {name: table(text) for name, (_, text) in REQUEST_TABLES.items()}
CASES = [(name, row) for name, rows in ROWS.items() for row in rows]


def _field(row: dict[str, str]) -> str:
    return ticked(row["Field"])[0]


def _column(row: dict[str, str], *names: str) -> str:
    """The first of ``names`` the table has (the tables name their columns differently), "" when none."""
    return next((row[name] for name in names if name in row), "")


def test_the_parser_reads_every_request_table() -> None:
    """Guards the parsing: each table is read whole, with the columns the checks below use."""
    assert {name: len(rows) for name, rows in ROWS.items()} == {
        "omni-image": 12,
        "multi-image": 10,
        "expand": 10,
        "multi-shot": 3,
        "elements": 9,
        "balance": 7,
    }
    assert [_field(row) for row in ROWS["expand"]][:5] == [
        "image",
        "up_expansion_ratio",
        "down_expansion_ratio",
        "left_expansion_ratio",
        "right_expansion_ratio",
    ]
    assert _column(ROWS["multi-shot"][0], "Default") == ""
    assert _column(ROWS["balance"][2], "Limits / rules", "Rules").startswith("max 500")


# -- docs to spec: the requests --------------------------------------------------------------------------------------


def _schema_at(spec: Spec, request: dict[str, Any], dotted: str) -> tuple[dict[str, Any], list[str]]:
    """The spec's schema of a documented field (``filters[].key`` too), with the ``required`` of its holder."""
    holder: dict[str, Any] = request
    *parents, name = dotted.split(".")
    for parent in parents:
        node = _merged(spec, holder["properties"][parent.removesuffix("[]")])
        holder = _merged(spec, node["items"]) if parent.endswith("[]") else node
    assert name in holder.get("properties", {}), f"{dotted} is documented but not in the spec"
    return _merged(spec, holder["properties"][name]), list(holder.get("required", []))


def _number(text: str, kind: set[str]) -> int | float:
    return int(text) if kind == {"integer"} else float(text)


def request_row_problems(spec: Spec, schema_name: str, row: dict[str, str]) -> list[str]:
    """How the spec departs from one row of a request table: type, required, default, allowed values, limits."""
    request = dict(spec.document["components"]["schemas"][schema_name])
    name = _field(row)
    schema, required = _schema_at(spec, request, name)
    problems: list[str] = []

    def expect(what: str, found: Any, documented: Any) -> None:
        if found != documented:
            problems.append(f"{schema_name}.{name} {what}: the spec says {found!r}, the docs {documented!r}")

    doc_type = row["Type"]
    # "int (enum also contains the string `auto`)": an integer or that string.
    kind = _doc_type(doc_type) | ({"string"} if "also contains the string" in doc_type else set())
    expect("type", _types(spec, schema), kind)
    expect("required", name.split(".")[-1] in required, row["Req."].strip("*").startswith("yes"))
    if doc_type.split()[0] == "long":
        expect("format", schema.get("format"), "int64")

    default = [value for value in ticked(_column(row, "Default")) if value != "None"]  # `None`: no default
    expect("default", schema.get("default"), _default(default[0], kind) if default else None)
    listed = re.fullmatch(r"array of (\w+)", doc_type)
    if listed:  # filters[].values: array of string
        expect("items", _types(spec, schema["items"]), _doc_type(listed[1]))

    allowed = _column(row, "Allowed values", "Allowed")
    limits = _column(row, "Limits / rules", "Rules")
    if allowed.startswith("`{"):  # an object's fields: `{enabled: boolean}`
        fields = braced(ticked(allowed)[0])
        properties = _merged(spec, schema)["properties"]
        expect(
            "fields",
            {key: _types(spec, properties[key]) for key in fields},
            {k: _doc_type(v) for k, v in fields.items()},
        )
    elif "…" in allowed:  # `2`…`9`, `auto`: a range on the integer branch, the rest an enum
        low, high, *others = ticked(allowed)
        (integer,) = [member for member in schema["anyOf"] if member.get("type") == "integer"]
        expect("range", (integer.get("minimum"), integer.get("maximum")), (int(low), int(high)))
        expect("enum", _enum(spec, schema), others)
    elif name == "tag_list":  # the tags are the allowed values of each item's tag_id
        tag_id = _merged(spec, _merged(spec, schema["items"])["properties"]["tag_id"])
        expect("enum", sorted(tag_id["enum"]), sorted(ticked(allowed)))
    elif ticked(allowed):
        expect("enum", sorted(_enum(spec, schema) or []), sorted(ticked(allowed)))
    elif name.endswith("key"):  # filters[].key: "only `api_key_name`" in the rules column
        expect("enum", _enum(spec, schema), ticked(limits))
    else:
        expect("enum", _enum(spec, schema), None)

    length = re.search(r"≤ (\d+) chars", limits)
    expect("maxLength", schema.get("maxLength"), int(length.group(1)) if length else None)
    bounds = re.match(r"(\d+(?:\.\d+)?)–(\d+(?:\.\d+)?)( items)?", limits)
    array = "array" in kind
    low_key, high_key = ("minItems", "maxItems") if array else ("minimum", "maximum")
    if name == "series_amount":
        pass  # the range sits on the integer branch (above)
    elif bounds:
        expect(
            "range", (schema.get(low_key), schema.get(high_key)), (_number(bounds[1], kind), _number(bounds[2], kind))
        )
    else:
        most = re.search(r"(?:\+ elements|^max) ≤? ?(\d+)", limits)
        expect("range", (schema.get(low_key), schema.get(high_key)), (None, int(most.group(1)) if most else None))
    items = re.match(r"(?:\d–\d )?items `\{(\w+): string\}` \(required per item", limits)
    if items:  # items `{image: string}` (required per item ...): the items' one required string field
        item = _merged(spec, schema["items"])
        expect(
            "items",
            (list(item["properties"]), item.get("required"), _types(spec, item["properties"][items[1]])),
            ([items[1]], [items[1]], {"string"}),
        )
        minimum = 1 if "must not be empty" in limits else None
        expect("minLength", _merged(spec, item["properties"][items[1]]).get("minLength"), minimum)
    problems += _nested_problems(spec, f"{schema_name}.{name}", schema, limits)
    return problems


def _default(value: str, kind: set[str]) -> Any:
    """A documented default as the spec types it: a number for a numeric field (series_amount's 4 too)."""
    numeric = kind & {"integer", "number"}
    return _number(value, numeric) if numeric and re.fullmatch(r"\d+(?:\.\d+)?", value) else value


def _nested_problems(spec: Spec, where: str, schema: dict[str, Any], limits: str) -> list[str]:
    """The shape a row gives an object field in its rules: `{frontal_image: string, refer_images: [{image_url:
    string}, …]}` with "plus 1–3" more images; `{refer_videos: [{video_url: string}]}` with "at most 1 video" and
    "`video_url` non-empty"."""
    shape = re.match(r"`\{(\w+): string, (\w+): \[\{(\w+): string\}, …\]\}`: .*? plus (\d)–(\d) ", limits)
    videos = re.match(r"`\{(\w+): \[\{(\w+): string\}\]\}`; at most (\d+) video", limits)
    problems: list[str] = []
    if shape:
        first, listed, inner, low, high = shape.groups()
        holder = _merged(spec, schema)
        array = _merged(spec, holder["properties"][listed])
        item = _merged(spec, array["items"])
        found = (holder.get("required"), array.get("minItems"), array.get("maxItems"), item.get("required"))
        if found != ([first, listed], int(low), int(high), [inner]):
            problems.append(f"{where}: {found} is not the documented shape {shape.group(0)!r}")
    if videos:
        listed, inner, most = videos.groups()
        array = _merged(spec, _merged(spec, schema)["properties"][listed])
        item = _merged(spec, array["items"])
        found_video = (
            array.get("maxItems"),
            item.get("required"),
            _merged(spec, item["properties"][inner]).get("minLength"),
        )
        expected = (int(most), [inner], 1 if f"`{inner}` non-empty" in limits else None)
        if found_video != expected:
            problems.append(f"{where}: {found_video} is not the documented {expected}")
    return problems


@pytest.mark.parametrize(("endpoint", "row"), CASES, ids=[f"{name}-{_field(row)}" for name, row in CASES])
def test_every_field_of_each_request_table_is_in_the_spec(spec: Spec, endpoint: str, row: dict[str, str]) -> None:
    schema_name, _ = REQUEST_TABLES[endpoint]
    assert request_row_problems(spec, schema_name, row) == []


def test_the_row_check_sees_each_kind_of_difference(spec: Spec) -> None:
    """Guards the comparison: a changed type, default, enum, bound or length in the docs is reported."""

    def changed(endpoint: str, field: str, column: str, old: str, new: str) -> list[str]:
        (row,) = [dict(row) for row in ROWS[endpoint] if _field(row) == field]
        row[column] = row[column].replace(old, new)
        return request_row_problems(spec, REQUEST_TABLES[endpoint][0], row)

    assert changed("omni-image", "n", "Limits / rules", "1–9", "1–8") != []
    assert changed("omni-image", "resolution", "Allowed values", ", `4k`", "") != []
    assert changed("omni-image", "series_amount", "Default", "`4`", "`5`") != []
    assert changed("omni-image", "series_amount", "Allowed values", "`9`", "`8`") != []
    assert changed("omni-image", "image_list", "Limits / rules", "must not be empty", "may be empty") != []
    assert changed("omni-image", "image_list", "Limits / rules", "≤ 10", "≤ 12") != []
    assert changed("multi-image", "subject_image_list", "Limits / rules", "1–4", "1–5") != []
    assert changed("multi-image", "prompt", "Req.", "**no**", "**yes**") != []
    assert changed("expand", "up_expansion_ratio", "Type", "float", "int") != []
    assert changed("elements", "element_name", "Limits / rules", "20", "25") != []
    assert changed("elements", "tag_list", "Allowed", "`o_108` Others", "`o_109` Others") != []
    assert changed("elements", "element_image_list", "Limits / rules", "plus 1–3", "plus 1–4") != []
    assert changed("elements", "element_video_list", "Limits / rules", "at most 1 video", "at most 2 video") != []
    assert changed("elements", "element_video_list", "Limits / rules", "`video_url` non-empty", "`video_url`") != []
    assert changed("balance", "filters[].values", "Type", "array of string", "array of int") != []
    assert changed("balance", "limit", "Default", "`500`", "`50`") != []
    assert changed("balance", "filters[].key", "Rules", "`api_key_name`", "`api_key_id`") != []


#: Request fields the spec has that no table row names, each with the decision that adds it.
EXTRA_FIELDS = {("CreateMultiImageToImageTaskRequest", "negative_prompt"): "contradiction 11 of image-endpoints.md"}


@pytest.mark.parametrize("endpoint", list(REQUEST_TABLES))
def test_no_request_has_a_field_the_docs_lack(spec: Spec, endpoint: str) -> None:
    schema_name, _ = REQUEST_TABLES[endpoint]
    properties = spec.document["components"]["schemas"][schema_name]["properties"]
    documented = {_field(row).split("[]")[0].split(".")[0] for row in ROWS[endpoint]}
    extra = {name for name in properties if name not in documented}
    assert extra == {name for schema, name in EXTRA_FIELDS if schema == schema_name}
    for name in extra:
        assert EXTRA_FIELDS[(schema_name, name)] in normalized(properties[name]["x-kling-decision"])
    assert set(properties) >= documented


def test_the_unit_ledger_takes_the_balance_ledgers_fields_and_its_own_filter_keys(spec: Spec) -> None:
    """account.md §3: "Same `start_time` / `end_time` / `limit` (default and max 500) / `cursor` rules as §2, plus
    more filter keys" (the §3 table)."""
    schemas = spec.document["components"]["schemas"]
    balance, package = schemas["BalanceDeductionsRequest"], schemas["PackageDeductionsRequest"]
    assert "Same `start_time` / `end_time` / `limit` (default and max 500) / `cursor` rules as §2" in PACKAGE
    for name in ("start_time", "end_time", "limit", "cursor"):
        assert package["properties"][name] == balance["properties"][name], name
    keys = [ticked(row["`filters[].key`"])[0] for row in table(PACKAGE)]
    assert schemas["PackageFilterKey"]["enum"] == keys == ["api_key_name", "product_type", "package_name", "package_id"]
    (product_type,) = [row for row in table(PACKAGE) if row["`filters[].key`"] == "`product_type`"]
    assert schemas["ProductType"]["enum"] == ticked(product_type["`values` mean"])
    assert schemas["PackageFilter"]["allOf"][0]["then"]["properties"]["values"]["items"] == {
        "$ref": "#/components/schemas/ProductType"
    }


def test_the_account_usage_query_is_the_documented_one(spec: Spec) -> None:
    """account.md §1: the query parameters of GET /account/costs."""
    _, _, op = spec.operation("getAccountCosts")
    params = {p["name"]: p for p in op["parameters"]}
    rows = table(section(COSTS, "### Query parameters "))
    assert list(params) == [ticked(row["Param"])[0] for row in rows]
    for row in rows:
        param = params[ticked(row["Param"])[0]]
        assert param["in"] == "query"
        assert param["required"] == (row["Req."] == "yes")
        assert {param["schema"]["type"]} == _doc_type(row["Type"])
        if "Unix ms" in row["Meaning"]:
            assert param["schema"]["format"] == "int64"


# -- docs to spec: the cross-field statements ------------------------------------------------------------------------

#: Every statement of a request table that ties fields together -> how the spec carries it: a rule (allOf, with
#: its x-kling-error field), a code-checked rule (x-kling-rules, by its check) or a description (what the docs
#: say is ignored is not refused: a client must not refuse what the service accepts).
CROSS_FIELD: dict[tuple[str, str], str] = {
    ("omni-image", "ignored when `result_type` = `series`"): "description:n:`series_amount` counts",
    (
        "omni-image",
        "ignored when `result_type` = `single`",
    ): "description:series_amount:Ignored when `result_type` is `single`",
    ("omni-image", "images + elements ≤ 10"): "rule:element_list",
    ("expand", "the resulting image may be at most 3× the original's area"): "code:expand_area",
    ("elements", "**required when `image_refer`**"): "rule:element_image_list",
    ("elements", "**required for `video_refer`, ignored for `image_refer`**"): "rule:element_video_list",
    ("balance", "required when `cursor` is empty; ignored when `cursor` is set"): "rule:start_time,end_time",
    ("balance", "must be before `end_time`"): "code:ascending",
    ("balance", "must be after `start_time`"): "code:ascending",
    ("package", "cannot be combined with `package_id`"): "rule:filters",
    ("package", "cannot be combined with `package_name`"): "rule:filters",
}
_TIES = re.compile(
    r"ignored when|required when|required for|must be (?:before|after)|cannot be combined|\+ elements ≤|× the"
)


def _statements() -> dict[str, list[str]]:
    """The clauses of each request text that tie fields together (what _TIES finds), table rows and notes alike."""
    texts = {name: text for name, (_, text) in REQUEST_TABLES.items()}
    texts["package"] = PACKAGE
    found: dict[str, list[str]] = {}
    for name, text in texts.items():
        clauses = re.split(r"; |\| |\. ", normalized(text.split("### 5.2")[0]))
        found[name] = [clause.strip() for clause in clauses if _TIES.search(clause)]
    return found


def test_every_cross_field_statement_is_carried(spec: Spec) -> None:
    schemas = spec.document["components"]["schemas"]
    statements = _statements()
    for (endpoint, phrase), carried in CROSS_FIELD.items():
        assert normalized(phrase) in EDITION_TEXT, phrase
        assert any(normalized(phrase) in clause or clause in normalized(phrase) for clause in statements[endpoint]), (
            phrase
        )
        name = "PackageDeductionsRequest" if endpoint == "package" else REQUEST_TABLES[endpoint][0]
        schema = schemas[name]
        kind, _, where = carried.partition(":")
        if kind == "rule":
            fields = {
                member["x-kling-error"]["field"] for member in schema.get("allOf", []) if "x-kling-error" in member
            }
            assert set(where.split(",")) <= fields, phrase
        elif kind == "code":
            assert where in [rule["check"] for rule in schema.get("x-kling-rules", [])], phrase
        else:
            field, _, said = where.partition(":")
            assert said in normalized(schema["properties"][field]["description"]), phrase
            assert not any(f'"{field}"' in json.dumps(member) for member in schema.get("allOf", [])), (
                f"{phrase}: not a rule"
            )


def test_no_cross_field_statement_is_left_unclassified() -> None:
    """The other way: every clause of the request texts that ties fields together is one CROSS_FIELD carries (or
    one that describes a single field)."""
    single = re.compile(r"^(?:`auto` lets the model choose|images in the series|0–2, (?:in )?multiples)")
    unclassified = [
        (endpoint, clause)
        for endpoint, clauses in _statements().items()
        for clause in clauses
        if not single.search(clause)
        and not any(
            known == endpoint and (normalized(phrase) in clause or clause in normalized(phrase))
            for known, phrase in CROSS_FIELD
        )
    ]
    assert unclassified == []


# -- the image inputs -----------------------------------------------------------------------------------------------


def _image_rows() -> dict[str, set[str]]:
    """Each request schema -> the fields its table holds to the image-input rules ("URL or (raw) Base64")."""
    tables = {schema: rows for schema, rows in ((REQUEST_TABLES[n][0], ROWS[n]) for n in ROWS)}
    tables["CreateImageTaskRequest"] = REQUEST_ROWS
    found: dict[str, set[str]] = {}
    for schema, rows in tables.items():
        for row in rows:
            if re.search(r"URL or (?:raw )?Base64", _column(row, "Limits / rules", "Rules")):
                found.setdefault(schema, set()).add(_field(row))
    return found


def test_the_image_inputs_are_the_fields_the_docs_hold_to_the_image_rules(spec: Spec) -> None:
    """x-kling-image-input marks what kling_spec checks as an image (URL, or Base64 of a JPG/PNG within the
    limits): exactly the documented image fields, each item's image where the docs' field is a list."""
    documented = _image_rows()
    assert documented == {
        "CreateImageTaskRequest": {"image"},
        "CreateOmniImageTaskRequest": {"image_list"},
        "CreateMultiImageToImageTaskRequest": {"subject_image_list", "scene_image", "style_image"},
        "CreateExpandImageTaskRequest": {"image"},
        "CreateMultiShotTaskRequest": {"element_frontal_image"},
        "CreateElementTaskRequest": {"element_image_list"},
    }
    marked = {
        name: {field.split("[]")[0].split(".")[0] for field in image_input_fields(name, spec=spec)}
        for name in spec.document["components"]["schemas"]
        if name.endswith("Request") and image_input_fields(name, spec=spec)
    }
    assert marked == documented
    for name, field in [(n, f) for n in marked for f in image_input_fields(n, spec=spec)]:
        assert not field.endswith("video_url"), (name, field)


def test_the_data_prefix_is_refused_where_the_docs_say_so(spec: Spec) -> None:
    """§1, "Base64 form": the no-`data:`-prefix rule is stated on generations, multi, expand and nowhere else: the
    pattern is on exactly their image inputs."""
    stated = re.search(r"Stated on ([\w, ]+); the ([\w ,-]+) pages say", CONVENTIONS["Base64 form"])
    assert stated is not None
    assert stated.group(1) == "generations, multi, expand"
    with_pattern = {
        "CreateImageTaskRequest",
        "CreateMultiImageToImageTaskRequest",
        "CreateExpandImageTaskRequest",
    }
    for name in spec.document["components"]["schemas"]:
        if not name.endswith("Request"):
            continue
        request = spec.document["components"]["schemas"][name]
        for field in image_input_fields(name, spec=spec):
            node: Any = request
            for part in field.replace("[]", ".[]").split("."):
                node = _merged(spec, node["items"] if part == "[]" else node["properties"][part])
            assert ("pattern" in node) == (name in with_pattern), (name, field)


# -- docs to spec: the answers --------------------------------------------------------------------------------------


def prose_fields(text: str) -> set[str]:
    """The dotted field names a prose list of the docs gives (`a.b`, `c[]{x, y (0–9)}`, `d` `{e, f}`), asides in
    parentheses dropped; an array's items under ``name[]``."""
    text = re.sub(r"\s*\((?:[^()`]|`[^`]*`)*\)", "", text)
    names: list[str] = []
    found: set[str] = set()
    for span in ticked(text):
        if span.startswith("{") and names:  # the fields of the name before it
            found.discard(names[-1])
            found |= {f"{names[-1]}.{key}" for key in re.findall(r"(\w+):" if ":" in span else r"\w+", span)}
            continue
        inline = re.fullmatch(r"([\w.\[\]]+)\{(.+)\}", span)
        if inline:
            found |= {f"{inline[1]}.{key.strip().split()[0]}" for key in inline[2].split(",")}
            continue
        if re.fullmatch(r"[a-z_][\w.\[\]]*", span) and span != "data":  # "Create `data`: ..." is the envelope's
            names.append(span)
            found.add(span)
    return found


def _union(spec: Spec, node: Any) -> bool:
    """Whether a schema is a union of several types (``owned_by``: a string or an integer): a leaf."""
    branches = [member for member in spec.resolve(node).get("anyOf", []) if spec.resolve(member).get("type") != "null"]
    return len(branches) > 1


def spec_fields(spec: Spec, node: Any, prefix: str = "") -> set[str]:
    """The dotted leaves of a schema (``task_result.images[].url``); an object without properties is a leaf."""
    return set(_typed_spec(spec, node, prefix))


def test_the_prose_reader_reads_the_docs_lists() -> None:
    assert prose_fields("`a`, `b.c`, `d{e, f}`, `g[]{index (0–9), url}` and `h` `{i: int (0–2), j: string}`") == {
        "a",
        "b.c",
        "d.e",
        "d.f",
        "g[].index",
        "g[].url",
        "h.i",
        "h.j",
    }
    assert prose_fields("`status` (`succeed` normal, `deleted`), `owned_by` (`kling` = official)") == {
        "status",
        "owned_by",
    }


def _bullet(text: str, starts: str) -> str:
    """The bullet of ``text`` that starts with ``starts``, up to its first aside (" — ")."""
    (found,) = [line for line in re.split(r"\n(?=- )", text) if line.startswith(f"- {starts}")]
    return found.split(" — ")[0]


def _data(spec: Spec, operation_id: str) -> Any:
    """The schema of the `data` of an operation's 200 answer (an array's items for a list)."""
    _, _, op = spec.operation(operation_id)
    envelope = spec.resolve(op["responses"]["200"]["content"]["application/json"]["schema"])
    data = _spec_object(spec, envelope["properties"]["data"])
    return data["items"] if data["type"] == "array" else envelope["properties"]["data"]


_CREATED = "Create `data`: `task_id`, `task_info.external_task_id`, `task_status`, `created_at`, `updated_at`."
_OMNI_QUERIED = (
    {name for row in table(OMNI_QUERY) for name in ticked(row["Field"])}
    - {
        "task_result.images[]",
        "task_result.series_images[]",
        "watermark_info",
        "final_balance_deduction",
    }
    | {
        f"task_result.{kind}[].{key}"
        for kind in ("images", "series_images")
        for key in ("index", "url", "watermark_url")
    }
    | {
        "watermark_info.enabled",
        "final_balance_deduction.quota",
        "final_balance_deduction.list_price",
    }
)
_ELEMENT_QUERIED = prose_fields(table(ELEMENT_QUERIES)[0]["`data`"]) - {"task_result.elements[]"} | {
    f"task_result.elements[].{name}"
    for name in prose_fields(ELEMENT_QUERIES.split("`task_result.elements[]` item:")[1].split("\n\n")[0])
}
#: What each operation's answer holds, by the docs: (operation, documented fields, whether `data` is a list).
ANSWERS: list[tuple[str, set[str]]] = [
    ("createOmniImageTask", prose_fields(_CREATED)),
    ("getOmniImageTask", _OMNI_QUERIED),
    ("listOmniImageTasks", _OMNI_QUERIED),
    ("createMultiImageToImageTask", prose_fields(_bullet(section(ENDPOINTS, "### 4.3 "), "Create"))),
    ("getMultiImageToImageTask", prose_fields(_bullet(section(ENDPOINTS, "### 4.3 "), "`GET"))),
    ("listMultiImageToImageTasks", prose_fields(_bullet(section(ENDPOINTS, "### 4.3 "), "`GET"))),
    ("createExpandImageTask", prose_fields(_bullet(section(ENDPOINTS, "### 5.2 "), "Create"))),
    # The list example's images carry watermark_url, the single query's do not (contradiction 13): both parse.
    (
        "getExpandImageTask",
        prose_fields(_bullet(section(ENDPOINTS, "### 5.2 "), "`GET")) | {"task_result.images[].watermark_url"},
    ),
    (
        "listExpandImageTasks",
        prose_fields(_bullet(section(ENDPOINTS, "### 5.2 "), "`GET")) | {"task_result.images[].watermark_url"},
    ),
    ("createMultiShotTask", prose_fields(_bullet(SHOTS_ANSWERS, "Create"))),
    ("getMultiShotTask", prose_fields(_bullet(SHOTS_ANSWERS, "`GET"))),
    ("listMultiShotTasks", prose_fields(_bullet(SHOTS_ANSWERS, "`GET"))),
    ("createElementTask", prose_fields(ELEMENT_REQUEST.split("Create response `data`:")[1].split("\n")[0])),
    ("getElementTask", _ELEMENT_QUERIED),
    ("listElementTasks", _ELEMENT_QUERIED),
    ("listPresetElements", {f for f in _ELEMENT_QUERIED if not f.startswith("final_")}),
    ("deleteElement", set(re.findall(r"\w+", ticked(table(ELEMENT_QUERIES)[3]["`data`"])[0]))),
]
#: Answer fields the spec has beyond what the docs list, each with its reason.
EXTRA_ANSWER_FIELDS = {
    # The element's tags, as the create request's tag_list items (`{tag_id: string}`); the answer says "array".
    "task_result.elements[].tag_list[].tag_id": "tag_list",
}


def _documented_answer(operation_id: str, documented: set[str]) -> set[str]:
    fields = set(documented)
    for extra, replaces in EXTRA_ANSWER_FIELDS.items():
        if any(field.endswith(replaces) for field in fields if extra.startswith(field)):
            fields = {field for field in fields if not extra.startswith(field)} | {extra}
    return fields


@pytest.mark.parametrize(("operation_id", "documented"), ANSWERS, ids=[name for name, _ in ANSWERS])
def test_every_documented_answer_field_is_the_specs(spec: Spec, operation_id: str, documented: set[str]) -> None:
    """Both ways, field for field, nested where the docs nest it; the envelope of §1 around it."""
    _, _, op = spec.operation(operation_id)
    envelope = op["responses"]["200"]["content"]["application/json"]["schema"]
    kind = "array" if operation_id.startswith("list") else "object"
    from .test_doc_coverage import shape_differences

    assert shape_differences(spec, _envelope(kind), envelope, operation_id) == []
    assert spec_fields(spec, _data(spec, operation_id)) == _documented_answer(operation_id, documented)


def test_the_answer_reading_is_not_vacuous(spec: Spec) -> None:
    """Guards the reading: the documented lists were found, and a missing or extra field is a difference."""
    answers = dict(ANSWERS)
    assert "task_result.series_images[].index" in answers["getOmniImageTask"]
    assert {"task_result.images[].url_1", "task_result.images[].url_3"} <= answers["getMultiShotTask"]
    assert "task_result.elements[].element_voice_info.trial_url" in answers["getElementTask"]
    assert "final_unit_deduction" not in answers["listPresetElements"]
    assert answers["deleteElement"] == {"task_id", "task_status"}
    assert len(answers["getMultiImageToImageTask"]) == 13
    assert spec_fields(spec, _data(spec, "getOmniImageTask")) != answers["getOmniImageTask"] - {"task_status_msg"}


def _typed_rows(rows: list[dict[str, str]], under: str) -> dict[str, str]:
    """A response table with `…name` rows (fields of the last array above them) -> {dotted name: type}."""
    found: dict[str, str] = {}
    parent = ""
    for row in rows:
        name = ticked(row["Field"])[0]
        if name.startswith("…"):
            found[f"{parent}.{name.removeprefix('…')}"] = row["Type"]
            continue
        if name.endswith("[]"):
            parent = name
            continue
        found[name] = row["Type"]
    return {f"{under}{name}": kind for name, kind in found.items()}


def _typed_spec(spec: Spec, node: Any, prefix: str = "") -> dict[str, set[str]]:
    """The dotted leaves of a schema with their JSON types."""
    schema = _spec_object(spec, node)
    found: dict[str, set[str]] = {}
    for name, child in schema["properties"].items():
        path = f"{prefix}{name}"
        if _union(spec, child):
            found[path] = _types(spec, child)
            continue
        inner = _spec_object(spec, child)
        if inner["type"] == "array" and inner["items"] is not None and _spec_object(spec, inner["items"])["properties"]:
            found.update(_typed_spec(spec, inner["items"], f"{path}[]."))
        elif inner["properties"]:
            found.update(_typed_spec(spec, child, f"{path}."))
        else:
            found[path] = _types(spec, child)
    return found


def _package_answer() -> dict[str, str]:
    text = section(PACKAGE, "### Response `data` ")
    entries, rest = text.split(" No `cash_type`")
    found = {f"result.detail[].{name}": "" for name in prose_fields(entries.split("entries:", 1)[1])}
    found.update({name: "" for name in prose_fields(rest.split("Then", 1)[1].split("Example")[0])})
    return found


LEDGERS = [
    ("getAccountCosts", _typed_rows(table(section(COSTS, "### Response `data` ")), "")),
    ("listBalanceDeductions", _typed_rows(table(section(BALANCE, "### Response `data` ")), "")),
    ("listPackageDeductions", _package_answer()),
]


@pytest.mark.parametrize(("operation_id", "documented"), LEDGERS, ids=[name for name, _ in LEDGERS])
def test_the_account_answers_are_the_specs(spec: Spec, operation_id: str, documented: dict[str, str]) -> None:
    """account.md §1-§3, both ways, with the documented types where the docs give them."""
    found = _typed_spec(spec, _data(spec, operation_id))
    assert set(found) == set(documented)
    for name, kind in documented.items():
        if kind:
            assert found[name] <= _doc_type(kind), name
    _, _, op = spec.operation(operation_id)
    assert shape_differences_envelope(spec, op, operation_id) == []


def shape_differences_envelope(spec: Spec, op: Any, where: str) -> list[str]:
    from .test_doc_coverage import shape_differences

    return shape_differences(
        spec, _envelope("object"), op["responses"]["200"]["content"]["application/json"]["schema"], where
    )


def test_the_account_answer_reading_is_not_vacuous() -> None:
    costs, balance, package = (dict(documented) for _, documented in LEDGERS)
    assert costs["resource_pack_subscribe_infos[].remaining_quantity"] == "number"
    assert costs["msg"] == "string"
    assert balance["result.detail[].currency"] == "string"
    assert balance["has_more"] == "boolean"
    assert len(balance) == 19
    assert "result.detail[].unit_after_deduction" in package
    assert "result.detail[].cash_type" not in package
    assert {"result.count", "next_cursor", "has_more"} <= set(package)


def test_the_answers_enums_are_the_documented_values(spec: Spec) -> None:
    schemas = spec.document["components"]["schemas"]
    costs = {ticked(row["Field"])[0]: row for row in table(section(COSTS, "### Response `data` "))}
    assert schemas["ResourcePackType"]["enum"] == ticked(costs["…resource_pack_type"]["Meaning"])
    assert schemas["ResourcePackStatus"]["enum"] == ticked(costs["…status"]["Meaning"])
    balance = {ticked(row["Field"])[0]: row for row in table(section(BALANCE, "### Response `data` "))}
    assert schemas["CashType"]["enum"] == ticked(balance["…cash_type"]["Meaning"])
    assert schemas["Currency"]["enum"] == ticked(balance["…currency"]["Meaning"])
    assert schemas["VideoSound"]["enum"] == ticked(balance["…video_sound"]["Meaning"])
    # The ledger's resolution values are video's only, "image values ... not listed — silent": no enum.
    assert "silent" in balance["…resolution"]["Meaning"]
    assert "enum" not in schemas["BalanceDeduction"]["properties"]["resolution"]
    statuses = re.search(r"`status` \((`\w+`) normal, (`\w+`)\)", ELEMENT_QUERIES)
    assert statuses is not None
    assert schemas["ElementStatus"]["enum"] == [statuses[1].strip("`"), statuses[2].strip("`")]
    omni = {ticked(row["Field"])[0]: row for row in table(OMNI_QUERY)}
    assert "`single`" in omni["task_result.result_type"]["Notes"]
    assert schemas["OmniImageTaskResult"]["properties"]["result_type"]["$ref"].endswith("/ResultType")


# -- capabilities and prices ----------------------------------------------------------------------------------------

OMNI = "POST /v1/images/omni-image"


def expected_omni_capabilities() -> dict[str, dict[str, Any]]:
    """What each omni model supports, from the docs alone: ratios and resolutions from the models table (§1); the
    series from the capability map's series row (§2), through the field its last column names; what text to image
    does not support from its ⚠ cell."""
    first = ticked(MODEL_ROWS[0]["Aspect ratios"])
    series = next(row for row in CAPABILITY_ROWS if row["Capability (CAPMAP)"] == "Image-to-image, series")
    text_only = next(row for row in CAPABILITY_ROWS if row["Capability (CAPMAP)"].startswith("Text-to-image"))
    field, _, value = ticked(series["How it is requested [inference unless tagged]"])[0].partition(": ")
    assert (field, value) == ("result_type", '"series"')
    models: dict[str, dict[str, Any]] = {}
    for row in MODEL_ROWS:
        if OMNI not in ticked(row["Endpoint(s) that accept it"]):
            continue
        column = row["Display name (CAPMAP)"].removeprefix("Kling ")
        ratios = _listed_values(row["Aspect ratios"], first)
        entry: dict[str, Any] = {
            "title": row["Display name (CAPMAP)"],
            "values": {
                "aspect_ratio": ratios,
                "resolution": [value.strip().lower() for value in row["Resolutions"].split(",")],
                "result_type": ["single"] + (["series"] if series[column].startswith("✅") else []),
            },
        }
        cell = text_only[column]
        if cell.startswith("⚠"):
            refused = ticked(cell)
            assert cell.endswith("ratio not supported"), cell
            assert refused == ["auto"], cell
            entry["text_to_image"] = {"values": {"aspect_ratio": [r for r in ratios if r not in refused]}}
        models[ticked(row["`model_name` string"])[0]] = entry
    return models


def test_the_omni_capability_map_is_the_specs(spec: Spec) -> None:
    """Both ways: x-kling-capabilities of the omni request holds what the docs say, model by model."""
    listed = spec.document["components"]["schemas"]["CreateOmniImageTaskRequest"]["x-kling-capabilities"]["models"]
    expected = expected_omni_capabilities()
    assert set(listed) == set(expected) == set(spec.document["components"]["schemas"]["OmniModelName"]["enum"])
    for model, capabilities in listed.items():
        assert capabilities["title"] == expected[model]["title"]
        assert capabilities["values"] == expected[model]["values"], model
        assert "unsupported" not in capabilities, model
        assert ("text_to_image" in capabilities) == ("text_to_image" in expected[model]), model
        if "text_to_image" in capabilities:
            assert capabilities["text_to_image"]["values"] == expected[model]["text_to_image"]["values"]
            assert "[official: CAPMAP]" in capabilities["text_to_image"]["source"]
            assert normalized(capabilities["text_to_image"]["source"].split("“")[1].split("”")[0]) in EDITION_TEXT


def test_the_omni_capability_reading_is_not_vacuous() -> None:
    expected = expected_omni_capabilities()
    assert expected["kling-image-o1"]["values"]["resolution"] == ["1k", "2k"]
    assert expected["kling-v3-omni"]["values"]["result_type"] == ["single", "series"]
    assert "auto" not in expected["kling-v3-omni"]["text_to_image"]["values"]["aspect_ratio"]
    assert "text_to_image" not in expected["kling-image-o1"]
    series = next(row for row in CAPABILITY_ROWS if row["Capability (CAPMAP)"] == "Image-to-image, series")
    saved = series["Image O1"]
    try:
        series["Image O1"] = "✅"
        assert expected_omni_capabilities()["kling-image-o1"]["values"]["result_type"] == ["single", "series"]
    finally:
        series["Image O1"] = saved


def _units(model: str, function: str) -> dict[str, int]:
    """{resolution: units} of the price rows of a model and function."""
    found: dict[str, int] = {}
    for row in PRICE_ROWS:
        if row["Model"] == model and row["Function"] == function:
            for resolution in row["Resolution"].split(", "):
                found[resolution.strip().lower()] = int(row["Units"])
    assert found, (model, function)
    return found


def test_the_prices_are_the_documented_ones(spec: Spec) -> None:
    """capability-and-pricing.md §4, per endpoint, at the one rate of every row; what the table does not price
    (element creation) has no price."""
    schemas = spec.document["components"]["schemas"]
    pricing = {name: schema["x-kling-pricing"] for name, schema in schemas.items() if "x-kling-pricing" in schema}
    assert set(pricing) == {
        "CreateImageTaskRequest",
        "CreateOmniImageTaskRequest",
        "CreateMultiImageToImageTaskRequest",
        "CreateExpandImageTaskRequest",
        "CreateMultiShotTaskRequest",
    }
    rate = Decimal(pricing["CreateImageTaskRequest"]["usd_per_unit"])
    assert {Decimal(p["usd_per_unit"]) for p in pricing.values()} == {rate}
    omni = {
        ticked(row["`model_name` string"])[0]: row["Display name (CAPMAP)"]
        for row in MODEL_ROWS
        if OMNI in ticked(row["Endpoint(s) that accept it"])
    }
    both = "text-to-image, image-to-image"
    assert pricing["CreateOmniImageTaskRequest"]["models"] == {
        model: {
            "by_resolution": {res: {"text_to_image": u, "image_to_image": u} for res, u in _units(title, both).items()}
        }
        for model, title in omni.items()
    }
    assert pricing["CreateOmniImageTaskRequest"]["basis"] == "per_image"
    assert pricing["CreateMultiImageToImageTaskRequest"]["models"] == {
        "kling-v2-1": _units("Kling Image 2.1", "multi-image to image")["1k"]
    }
    for name, function, basis in (
        ("CreateExpandImageTaskRequest", "Outpainting", "per image"),
        ("CreateMultiShotTaskRequest", "AI Multi-Shot", "per call"),
    ):
        (row,) = [row for row in PRICE_ROWS if row["Model"] == "General" and row["Function"] == function]
        assert (pricing[name]["units"], pricing[name]["basis"]) == (int(row["Units"]), basis.replace(" ", "_"))
    assert "Element creation, element presets — no row." in CAPABILITIES


def test_the_multi_shot_price_follows_the_table_and_states_the_conflict(spec: Spec) -> None:
    """Pricing says 20 units a call, the changelog 0.5 (§4 of capability-and-pricing.md, contradiction 15)."""
    conflict = re.search(
        r"changelog 01/23/2026 prices AI Multi-Shot at ([\d.]+) units per call; PRICE says (\d+)",
        normalized(CAPABILITIES),
    )
    assert conflict is not None
    pricing = spec.document["components"]["schemas"]["CreateMultiShotTaskRequest"]["x-kling-pricing"]
    assert pricing["units"] == int(conflict[2])
    decision = normalized(pricing["x-kling-decision"])
    assert f"{conflict[1]} units a call" in decision
    assert "contradiction 15 of image-endpoints.md" in decision


def test_only_the_account_usage_page_asks_for_a_qps_limit(spec: Spec) -> None:
    """account.md §0: "≤ 1 QPS" on /account/costs, "not stated" on the others; no image page states one."""
    from kling_spec import qps_limit

    stated = {}
    for row in table(section(ACCOUNT, "## 0. ")):
        qps = re.search(r"≤ (\d+) QPS", row["QPS stated"])
        stated[ticked(row["Method & path"])[0]] = int(qps[1]) if qps else None
    assert stated == {
        "GET /account/costs": 1,
        "POST /account/billing/balance": None,
        "POST /account/billing/package": None,
    }
    for method, template, op in spec.operations():
        expected = stated.get(f"{method} {template}")
        assert qps_limit(op["operationId"], spec=spec) == expected, op["operationId"]
    _, _, costs = spec.operation("getAccountCosts")
    assert normalized(costs["x-kling-rate-limit"]["source"].split("“")[1].split("”")[0]) in EDITION_TEXT
    assert "note 3 of account.md" in normalized(costs["x-kling-rate-limit"]["x-kling-decision"])


# -- the documented contradictions -----------------------------------------------------------------------------------


def _decisions(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [normalized(str(node["x-kling-decision"]))] if "x-kling-decision" in node else []
        return own + [text for child in node.values() for text in _decisions(child)]
    if isinstance(node, list):
        return [text for child in node for text in _decisions(child)]
    return []


def test_every_documented_contradiction_is_decided(spec: Spec) -> None:
    """Each row of image-endpoints.md §8 and the contradictory notes of account.md §4 (1-3) has an x-kling-decision
    that cites it, saying what the spec follows and why; no decision cites one the docs do not have."""
    decisions = " ".join(_decisions(spec.document))
    rows = [int(row["#"]) for row in table(section(ENDPOINTS, "## 8. "))]
    assert rows == list(range(1, 22))
    cited = {int(n) for n in re.findall(r"contradiction (\d+) of image-endpoints\.md", decisions)}
    assert cited == set(rows)
    notes = {int(row["#"]): row["Note"] for row in table(section(ACCOUNT, "## 4. "))}
    contradictory = {n for n, note in notes.items() if re.search(r"other way round|the pages say|no QPS limit", note)}
    assert contradictory == {1, 2, 3}
    assert {int(n) for n in re.findall(r"notes? (\d+)(?: and \d+)? of account\.md", decisions)} | {
        int(n) for n in re.findall(r"notes \d+ and (\d+) of account\.md", decisions)
    } == contradictory


# -- the documented examples ----------------------------------------------------------------------------------------


def _example(spec: Spec, operation_id: str, name: str) -> dict[str, Any]:
    _, _, op = spec.operation(operation_id)
    value: dict[str, Any] = op["requestBody"]["content"]["application/json"]["examples"][name]["value"]
    return value


def _pairs(text: str) -> dict[str, Any]:
    """`key: "text"` and `key: 1.5` pairs of a docs paragraph (the last of a repeated key wins)."""
    found: dict[str, Any] = {}
    for key, quoted, number in re.findall(r'`(\w+):? (?:"([^"]*)"|(-?\d+(?:\.\d+)?))`', normalized(text)):
        found[key] = quoted if not number else (float(number) if "." in number else int(number))
    return found


#: The publisher's request examples -> the spec's named example: (operation, example name, the docs' paragraph).
DOCUMENTED_EXAMPLES = [
    ("createOmniImageTask", "documented", section(ENDPOINTS, "### 3.2 ").split("Create example")[1].split("\n\n")[0]),
    ("createMultiImageToImageTask", "documented", section(ENDPOINTS, "### 4.2 ")),
    ("createExpandImageTask", "documented", EXPAND_REQUEST.split("Example request:")[1]),
    ("createMultiShotTask", "documented", SHOTS_REQUEST.split("Example:")[1]),
    ("listBalanceDeductions", "documented", BALANCE.split("Example request:")[1].split("\n\n")[0]),
    ("listPackageDeductions", "documented", PACKAGE.split("Example request:")[1].split("\n\n")[0]),
]


@pytest.mark.parametrize(("operation_id", "name", "text"), DOCUMENTED_EXAMPLES, ids=[c[0] for c in DOCUMENTED_EXAMPLES])
def test_the_publishers_request_examples_are_the_specs(spec: Spec, operation_id: str, name: str, text: str) -> None:
    """Each documented request is a named example of the spec, value for value (a URL the page elides with "..."
    by its end); every example validates against its schema (openapi/kling_spec_tests/test_spec.py)."""
    example = _example(spec, operation_id, name)
    pairs = _pairs(text)
    assert len(pairs) >= 3, operation_id
    for key, value in pairs.items():
        if key not in example:  # a nested value (element_id)
            assert json.dumps(value) in json.dumps(example), (operation_id, key)
        elif isinstance(value, str) and value.startswith("..."):
            assert example[key].endswith(value.removeprefix("...")), (operation_id, key)
        else:
            assert example[key] == value, (operation_id, key)
    for file in re.findall(r"`([\w-]+\.(?:png|jpeg))`", text):  # the multi-image example's files, by name
        assert f"/{file}" in json.dumps(example), (operation_id, file)
    for key in re.findall(r"`(\w+/\w+_expansion_ratio): [\d.]+`", text):  # `up/down_expansion_ratio: 0.1495`
        sides = key.removesuffix("_expansion_ratio").split("/")
        shown = float(re.search(rf"`{re.escape(key)}: ([\d.]+)`", text)[1])  # type: ignore[index]
        assert [example[f"{side}_expansion_ratio"] for side in sides] == [shown, shown], key
    filters = re.search(r"`filters \[(.+?)\]`", text) or re.search(r"(\w+) filter entries \((.+?)\)", text)
    if filters:
        keys = re.findall(r'key: "(\w+)"', filters.group(0)) or ticked(filters.group(0))
        assert [entry["key"] for entry in example["filters"]] == keys, operation_id


def test_the_documented_answers_are_named_examples(spec: Spec) -> None:
    """account.md's example values, in the spec's answers."""
    costs = spec.examples("getAccountCosts", 200)["documented"]["data"]["resource_pack_subscribe_infos"][0]
    assert costs["resource_pack_id"] == "509f3fd3d4ab4a3f9eec5db27aa44f27"
    assert (costs["total_quantity"], costs["remaining_quantity"]) == (200.0, 118.0)
    assert (costs["purchase_time"], costs["invalid_time"], costs["status"]) == (1726124664368, 1727366400000, "expired")
    assert f"`{costs['resource_pack_name']}`" in COSTS.replace('"', "`")
    balance = spec.examples("listBalanceDeductions", 200)["documented"]
    assert f"`{balance['request_id']}`" in BALANCE
    entry = balance["data"]["result"]["detail"][0]
    assert (entry["balance_before_deduction"], entry["deduction_amount"], entry["balance_after_deduction"]) == (
        13037.3,
        5.0,
        13032.3,
    )
    assert (entry["deduction_time"], entry["duration"]) == ("1779549455861", "5.04")


def test_every_create_links_to_its_query_and_documents_its_callback(spec: Spec) -> None:
    """Each create names its query (the `task_id` of its answer) and what its callback POSTs: the task as that
    query answers it (the legacy callback body is the task's, auth-and-general.md §5), signed the same way."""
    creates = [op for _, _, op in spec.operations() if op["operationId"].startswith("create")]
    assert len(creates) == 6
    for op in creates:
        method, template, _ = spec.operation(op["operationId"])
        (link,) = op["responses"]["200"]["links"].values()
        _, query_template, _ = spec.operation(link["operationId"])
        assert (method, query_template) == ("POST", f"{template}/{{task_id}}"), op["operationId"]
        assert link["parameters"] == {"task_id": "$response.body#/data/task_id"}
        (callback,) = op["callbacks"].values()
        post = callback["{$request.body#/callback_url}"]["post"]
        payload = _spec_object(spec, post["requestBody"]["content"]["application/json"]["schema"])
        answer = _spec_object(spec, _data(spec, link["operationId"]))
        assert payload["properties"] == answer["properties"], op["operationId"]
        assert [p["name"] for p in post["parameters"]] == ["webhook-id", "webhook-timestamp", "webhook-signature"]
