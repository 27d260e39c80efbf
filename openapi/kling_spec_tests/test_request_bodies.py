"""Every request body of the spec, checked by kling_spec as the create request of /v1/images/generations is.

``validate_request_body(body, schema)`` (``schema`` a request schema's name or its operationId) runs the same
checks as ``validate_create_body``: the schema with its cross-field rules, the image inputs (``x-kling-image-input``:
a URL, or Base64 of an acceptable JPG/PNG), then the rules JSON Schema cannot state (``x-kling-rules``: the
outpainting area, a ledger's time window). Each documented limit is crossed by one unit here, and met exactly.
What a model supports is data, reported by ``capability_problems(body, schema=...)``, and what a request costs by
``estimate_cost(body, schema=...)``; the older names keep their signatures and the generations request as default.
"""

from __future__ import annotations

import base64
import io
import json
import math
from decimal import Decimal
from typing import Any

import pytest
from kling_spec import (
    Estimate,
    RequestValidationError,
    Spec,
    capability_problems,
    create_request_defaults,
    default_model,
    estimate_cost,
    expand_area_problem,
    has_image_input,
    image_input_fields,
    inspect_create_body,
    inspect_request_body,
    known_models,
    qps_limit,
    request_schema_name,
    rule_problems,
    validate_create_body,
    validate_request_body,
)
from PIL import Image

URL = "https://example.com/reference.png"


def png(width: int, height: int) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 20)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


PNG = png(400, 300)
OMNI = "createOmniImageTask"
MULTI = "createMultiImageToImageTask"
EXPAND = "createExpandImageTask"
SHOTS = "createMultiShotTask"
ELEMENT = "createElementTask"


def omni(**fields: Any) -> dict[str, Any]:
    return {"prompt": "a lighthouse", **fields}


def multi(**fields: Any) -> dict[str, Any]:
    return {"subject_image_list": [{"subject_image": URL}], **fields}


def expand(up: float = 0, down: float = 0, left: float = 0, right: float = 0, **fields: Any) -> dict[str, Any]:
    ratios = {"up": up, "down": down, "left": left, "right": right}
    return {"image": URL, **{f"{side}_expansion_ratio": value for side, value in ratios.items()}, **fields}


def element(**fields: Any) -> dict[str, Any]:
    images = {"frontal_image": URL, "refer_images": [{"image_url": URL}]}
    return {
        "element_name": "Fox",
        "element_description": "A red fox",
        "reference_type": "image_refer",
        "element_image_list": images,
        **fields,
    }


def ledger(**fields: Any) -> dict[str, Any]:
    return {"start_time": 1741284003293, "end_time": 1792219793736, **fields}


def test_a_schema_is_named_by_itself_or_by_its_operation(spec: Spec) -> None:
    assert (
        request_schema_name(OMNI) == request_schema_name("CreateOmniImageTaskRequest") == "CreateOmniImageTaskRequest"
    )
    assert request_schema_name("listPackageDeductions") == "PackageDeductionsRequest"
    with pytest.raises(KeyError, match="neither a schema nor an operation"):
        request_schema_name("createVideoTask")
    with pytest.raises(KeyError, match="has no request body"):
        request_schema_name("getOmniImageTask")
    for _, _, op in spec.operations():
        if "requestBody" in op:
            assert request_schema_name(op["operationId"]).endswith("Request"), op["operationId"]


def test_the_image_inputs_of_each_request(spec: Spec) -> None:
    assert image_input_fields("createImageTask") == ("image",)
    assert image_input_fields(OMNI) == ("image_list[].image",)
    assert image_input_fields(MULTI) == ("subject_image_list[].subject_image", "scene_image", "style_image")
    assert image_input_fields(EXPAND) == ("image",)
    assert image_input_fields(SHOTS) == ("element_frontal_image",)
    assert image_input_fields(ELEMENT) == (
        "element_image_list.frontal_image",
        "element_image_list.refer_images[].image_url",
    )
    assert image_input_fields("deleteElement") == image_input_fields("listBalanceDeductions") == ()
    assert has_image_input(omni(image_list=[{"image": URL}]), schema=OMNI)
    assert not has_image_input(omni(image_list=[]), schema=OMNI)
    assert not has_image_input(omni(element_list=[{"element_id": 1}]), schema=OMNI)


# (id, operation, body): valid, each at a documented limit.
VALID: list[tuple[str, str, dict[str, Any]]] = [
    ("omni: prompt alone", OMNI, omni()),
    ("omni: n 9, 2500 characters", OMNI, omni(prompt="x" * 2500, n=9)),
    ("omni: series of 2", OMNI, omni(result_type="series", series_amount=2)),
    ("omni: series of 9", OMNI, omni(result_type="series", series_amount=9)),
    ("omni: series of auto", OMNI, omni(result_type="series", series_amount="auto")),
    ("omni: series_amount with a single result (ignored)", OMNI, omni(series_amount=3)),
    ("omni: 10 images", OMNI, omni(image_list=[{"image": URL}] * 10)),
    ("omni: 10 elements", OMNI, omni(element_list=[{"element_id": 1}] * 10)),
    (
        "omni: 4 images and 6 elements",
        OMNI,
        omni(image_list=[{"image": URL}] * 4, element_list=[{"element_id": 1}] * 6),
    ),
    ("omni: a Base64 image", OMNI, omni(image_list=[{"image": URL}, {"image": PNG}])),
    ("omni: any model name", OMNI, omni(model_name="kling-image-o2", resolution="4k", aspect_ratio="auto")),
    (
        "multi: 4 subjects, scene and style",
        MULTI,
        multi(subject_image_list=[{"subject_image": URL}] * 4, scene_image=URL, style_image=PNG),
    ),
    ("multi: the documented empty negative_prompt", MULTI, multi(negative_prompt="")),
    ("multi: n 1, 9:16", MULTI, multi(n=1, aspect_ratio="9:16")),
    ("expand: 3 times exactly", EXPAND, expand(up=0.5, down=0.5, left=0.25, right=0.25)),
    ("expand: the documented ratios", EXPAND, expand(0.1495, 0.1495, 0.6547, 0.6547, prompt="", n=2)),
    ("expand: 2 upwards", EXPAND, expand(up=2)),
    ("expand: nothing", EXPAND, expand()),
    ("multi-shot", SHOTS, {"element_frontal_image": PNG, "external_task_id": "", "callback_url": ""}),
    (
        "element: multi-image, 3 more views",
        ELEMENT,
        element(element_image_list={"frontal_image": URL, "refer_images": [{"image_url": URL}] * 3}),
    ),
    ("element: 20 and 100 characters", ELEMENT, element(element_name="x" * 20, element_description="y" * 100)),
    (
        "element: video",
        ELEMENT,
        element(reference_type="video_refer", element_video_list={"refer_videos": [{"video_url": URL}]}),
    ),
    ("element: tags", ELEMENT, element(tag_list=[{"tag_id": "o_101"}, {"tag_id": "o_108"}])),
    ("delete", "deleteElement", {"element_id": "829836802793406551"}),
    ("balance: a window", "listBalanceDeductions", ledger(limit=500)),
    ("balance: a cursor alone", "listBalanceDeductions", {"cursor": "c2Vjb25kLXBhZ2U"}),
    (
        "balance: a cursor overrides a backward window",
        "listBalanceDeductions",
        {"cursor": "c", "start_time": 9, "end_time": 1},
    ),
    (
        "package: image packs",
        "listPackageDeductions",
        ledger(filters=[{"key": "product_type", "values": ["image", "try-on"]}]),
    ),
    (
        "package: name and id, one of them empty",
        "listPackageDeductions",
        ledger(filters=[{"key": "package_name", "values": ["a"]}, {"key": "package_id", "values": []}]),
    ),
]


@pytest.mark.parametrize(("operation", "body"), [case[1:] for case in VALID], ids=[case[0] for case in VALID])
def test_valid_bodies_are_accepted(operation: str, body: dict[str, Any]) -> None:
    validate_request_body(body, operation)


# (id, operation, body, field, a word of the rule): each a documented limit crossed by one unit, or a rule broken.
INVALID: list[tuple[str, str, dict[str, Any], str, str]] = [
    ("omni: no prompt", OMNI, {"n": 1}, "body.prompt", "required"),
    ("omni: 2501 characters", OMNI, omni(prompt="x" * 2501), "body.prompt", "2500"),
    ("omni: n 10", OMNI, omni(n=10), "body.n", "9"),
    ("omni: series of 1", OMNI, omni(result_type="series", series_amount=1), "body.series_amount", ""),
    ("omni: series of 10", OMNI, omni(result_type="series", series_amount=10), "body.series_amount", ""),
    ("omni: series of many", OMNI, omni(series_amount="many"), "body.series_amount", ""),
    ("omni: 8k", OMNI, omni(resolution="8k"), "body.resolution", "1k, 2k, 4k"),
    ("omni: 5:4", OMNI, omni(aspect_ratio="5:4"), "body.aspect_ratio", "auto"),
    ("omni: result_type album", OMNI, omni(result_type="album"), "body.result_type", "single, series"),
    ("omni: 11 images", OMNI, omni(image_list=[{"image": URL}] * 11), "body.image_list", "more than 10"),
    ("omni: 11 elements", OMNI, omni(element_list=[{"element_id": 1}] * 11), "body.element_list", "more than 10"),
    (
        "omni: 4 images and 7 elements",
        OMNI,
        omni(image_list=[{"image": URL}] * 4, element_list=[{"element_id": 1}] * 7),
        "body.element_list",
        "at most 10 together",
    ),
    ("omni: an empty image", OMNI, omni(image_list=[{"image": ""}]), "body.image_list.0.image", "shorter"),
    ("omni: an item without image", OMNI, omni(image_list=[{}]), "body.image_list.0.image", "required"),
    (
        "omni: a second image not Base64",
        OMNI,
        omni(image_list=[{"image": URL}, {"image": "???"}]),
        "body.image_list.1.image",
        "Base64",
    ),
    ("omni: a small image", OMNI, omni(image_list=[{"image": png(299, 400)}]), "body.image_list.0.image", "300 px"),
    ("omni: negative_prompt", OMNI, omni(negative_prompt="blur"), "body.negative_prompt", "not a documented field"),
    ("multi: no subject", MULTI, {"prompt": "x"}, "body.subject_image_list", "required"),
    ("multi: 0 subjects", MULTI, multi(subject_image_list=[]), "body.subject_image_list", "fewer than 1"),
    (
        "multi: 5 subjects",
        MULTI,
        multi(subject_image_list=[{"subject_image": URL}] * 5),
        "body.subject_image_list",
        "more than 4",
    ),
    (
        "multi: data: subject",
        MULTI,
        multi(subject_image_list=[{"subject_image": "data:image/png;base64," + PNG}]),
        "body.subject_image_list.0.subject_image",
        "data: prefix",
    ),
    (
        "multi: data: scene",
        MULTI,
        multi(scene_image="data:image/png;base64," + PNG),
        "body.scene_image",
        "data: prefix",
    ),
    ("multi: data: style", MULTI, multi(style_image="DATA:x"), "body.style_image", "data: prefix"),
    ("multi: a ftp scene", MULTI, multi(scene_image="ftp://example.com/a.png"), "body.scene_image", "http(s)"),
    ("multi: 4k", MULTI, multi(resolution="2k"), "body.resolution", "not a documented field"),
    ("multi: n 0", MULTI, multi(n=0), "body.n", "1"),
    ("multi: 21:10", MULTI, multi(aspect_ratio="21:10"), "body.aspect_ratio", "16:9"),
    ("expand: no image", EXPAND, {k: v for k, v in expand().items() if k != "image"}, "body.image", "required"),
    (
        "expand: no up ratio",
        EXPAND,
        {k: v for k, v in expand().items() if k != "up_expansion_ratio"},
        "body.up_expansion_ratio",
        "required",
    ),
    ("expand: 2.01", EXPAND, expand(left=2.01), "body.left_expansion_ratio", "2"),
    ("expand: -0.01", EXPAND, expand(down=-0.01), "body.down_expansion_ratio", "0"),
    ("expand: more than 3 times", EXPAND, expand(up=0.5, down=0.5, left=0.25, right=0.26), "body", "3.02 times"),
    ("expand: data: image", EXPAND, expand(image="data:image/png;base64," + PNG), "body.image", "data: prefix"),
    ("expand: 2501 characters", EXPAND, expand(prompt="x" * 2501), "body.prompt", "2500"),
    ("expand: model_name", EXPAND, expand(model_name="kling-v3"), "body.model_name", "not a documented field"),
    ("multi-shot: no image", SHOTS, {"callback_url": ""}, "body.element_frontal_image", "required"),
    (
        "multi-shot: an image that is none",
        SHOTS,
        {"element_frontal_image": "not an image"},
        "body.element_frontal_image",
        "Base64",
    ),
    ("multi-shot: n", SHOTS, {"element_frontal_image": URL, "n": 2}, "body.n", "not a documented field"),
    ("element: 21 characters", ELEMENT, element(element_name="x" * 21), "body.element_name", "20"),
    ("element: 101 characters", ELEMENT, element(element_description="y" * 101), "body.element_description", "100"),
    (
        "element: no type",
        ELEMENT,
        {k: v for k, v in element().items() if k != "reference_type"},
        "body.reference_type",
        "required",
    ),
    ("element: text_refer", ELEMENT, element(reference_type="text_refer"), "body.reference_type", "image_refer"),
    (
        "element: multi-image without images",
        ELEMENT,
        {k: v for k, v in element().items() if k != "element_image_list"},
        "body.element_image_list",
        "image_refer",
    ),
    (
        "element: video without video",
        ELEMENT,
        element(reference_type="video_refer"),
        "body.element_video_list",
        "video_refer",
    ),
    (
        "element: no more view",
        ELEMENT,
        element(element_image_list={"frontal_image": URL, "refer_images": []}),
        "body.element_image_list.refer_images",
        "fewer than 1",
    ),
    (
        "element: 4 more views",
        ELEMENT,
        element(element_image_list={"frontal_image": URL, "refer_images": [{"image_url": URL}] * 4}),
        "body.element_image_list.refer_images",
        "more than 3",
    ),
    (
        "element: no frontal image",
        ELEMENT,
        element(element_image_list={"refer_images": [{"image_url": URL}]}),
        "body.element_image_list.frontal_image",
        "required",
    ),
    (
        "element: a bad view",
        ELEMENT,
        element(element_image_list={"frontal_image": URL, "refer_images": [{"image_url": "x"}]}),
        "body.element_image_list.refer_images.0.image_url",
        "Base64",
    ),
    (
        "element: 2 videos",
        ELEMENT,
        element(reference_type="video_refer", element_video_list={"refer_videos": [{"video_url": URL}] * 2}),
        "body.element_video_list.refer_videos",
        "more than 1",
    ),
    (
        "element: an empty video",
        ELEMENT,
        element(reference_type="video_refer", element_video_list={"refer_videos": [{"video_url": ""}]}),
        "body.element_video_list.refer_videos.0.video_url",
        "shorter",
    ),
    ("element: tag o_109", ELEMENT, element(tag_list=[{"tag_id": "o_109"}]), "body.tag_list.0.tag_id", "o_101"),
    ("delete: a number", "deleteElement", {"element_id": 829836802793406551}, "body.element_id", "string"),
    ("delete: nothing", "deleteElement", {}, "body.element_id", "required"),
    ("balance: no window", "listBalanceDeductions", {"limit": 5}, "body.start_time", "cursor"),
    ("balance: no end", "listBalanceDeductions", {"start_time": 1, "cursor": ""}, "body.end_time", "cursor"),
    (
        "balance: a backward window",
        "listBalanceDeductions",
        ledger(start_time=5, end_time=5),
        "body.end_time",
        "after body.start_time",
    ),
    ("balance: limit 501", "listBalanceDeductions", ledger(limit=501), "body.limit", "500"),
    (
        "balance: a package filter",
        "listBalanceDeductions",
        ledger(filters=[{"key": "package_id", "values": ["a"]}]),
        "body.filters.0.key",
        "api_key_name",
    ),
    ("package: a backward window", "listPackageDeductions", ledger(start_time=7, end_time=6), "body.end_time", "after"),
    (
        "package: name and id",
        "listPackageDeductions",
        ledger(filters=[{"key": "package_name", "values": ["a"]}, {"key": "package_id", "values": ["b"]}]),
        "body.filters",
        "both package_name and package_id",
    ),
    (
        "package: audio packs",
        "listPackageDeductions",
        ledger(filters=[{"key": "product_type", "values": ["audio"]}]),
        "body.filters.0.values.0",
        "try-on",
    ),
    (
        "package: no values",
        "listPackageDeductions",
        ledger(filters=[{"key": "api_key_name"}]),
        "body.filters.0.values",
        "required",
    ),
]


@pytest.mark.parametrize(
    ("operation", "body", "field", "word"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID]
)
def test_each_documented_limit_crossed_is_refused_naming_the_field(
    operation: str, body: dict[str, Any], field: str, word: str
) -> None:
    with pytest.raises(RequestValidationError) as refused:
        validate_request_body(body, operation)
    assert refused.value.field == field, refused.value
    assert word in refused.value.rule, refused.value
    assert (refused.value.status, refused.value.api_code) == (400, 1201)


@pytest.mark.parametrize("images", range(11))
def test_images_and_elements_are_at_most_10_together_whatever_the_split(images: int) -> None:
    """The rule's one if/then pair per number of images: k images take 10 - k elements, not one more."""
    at_most = omni(image_list=[{"image": URL}] * images, element_list=[{"element_id": 1}] * (10 - images))
    validate_request_body(at_most, OMNI)
    if images == 0:
        return  # 11 elements alone break element_list's own maxItems
    one_more = omni(image_list=[{"image": URL}] * images, element_list=[{"element_id": 1}] * (11 - images))
    with pytest.raises(RequestValidationError, match="at most 10 together") as refused:
        validate_request_body(one_more, OMNI)
    assert refused.value.field == "body.element_list"


def test_every_request_example_of_the_spec_is_valid_and_within_its_models_capabilities(spec: Spec) -> None:
    """The examples show users what works: each passes every check, images and code-checked rules included, and
    asks its model for nothing the capability map rules out."""
    checked = 0
    for _, _, op in spec.operations():
        if "requestBody" not in op:
            continue
        for name, example in op["requestBody"]["content"]["application/json"]["examples"].items():
            validate_request_body(example["value"], op["operationId"])
            assert capability_problems(example["value"], schema=op["operationId"]) == [], (op["operationId"], name)
            checked += 1
    assert checked >= 20


def test_the_generated_models_take_every_request_example_unchanged(spec: Spec) -> None:
    """The generated client carries each documented body as it is (series_amount's int-or-"auto" included)."""
    import kling_api.models

    for _, _, op in spec.operations():
        if "requestBody" not in op:
            continue
        model = getattr(kling_api.models, request_schema_name(op["operationId"]))
        for example in op["requestBody"]["content"]["application/json"]["examples"].values():
            assert model.from_dict(example["value"]).to_dict() == example["value"], op["operationId"]


def test_the_base64_images_are_inspected_by_field() -> None:
    found = inspect_request_body(omni(image_list=[{"image": URL}, {"image": PNG}]), schema=OMNI)
    assert list(found) == ["body.image_list.1.image"]
    assert (found["body.image_list.1.image"].width, found["body.image_list.1.image"].height) == (400, 300)
    assert inspect_create_body(multi(scene_image=PNG), schema=MULTI) == found["body.image_list.1.image"]
    assert inspect_request_body(omni(image_list=[{"image": URL}]), schema=OMNI) == {}


def test_the_old_names_keep_their_signatures_and_the_generations_request() -> None:
    validate_create_body({"prompt": "a fox"})
    assert inspect_create_body({"prompt": "a fox", "image": PNG}) is not None
    assert create_request_defaults()["model_name"] == "kling-v3"
    assert create_request_defaults(schema=OMNI) == {
        "model_name": "kling-image-o1",
        "resolution": "1k",
        "result_type": "single",
        "n": 1,
        "series_amount": 4,
        "aspect_ratio": "auto",
    }
    assert (known_models(), default_model()) == (("kling-v3", "kling-v2-1"), "kling-v3")
    assert (known_models(schema=OMNI), default_model(schema=OMNI)) == (
        ("kling-image-o1", "kling-v3-omni"),
        "kling-image-o1",
    )
    assert (known_models(schema=MULTI), default_model(schema=MULTI)) == (("kling-v2-1",), "kling-v2-1")
    assert (known_models(schema=EXPAND), default_model(schema=EXPAND)) == ((), "")
    with pytest.raises(RequestValidationError, match="not a documented field"):
        validate_create_body(omni(image_list=[]))  # the default is still the generations request


# -- the outpainting area, and the other code-checked rules ----------------------------------------------------------


def test_the_area_rule_is_the_ratios_product() -> None:
    assert expand_area_problem(expand(0.1495, 0.1495, 0.6547, 0.6547)) is None  # the page's own 3x-area example
    assert expand_area_problem(expand(up=2)) is None  # 3 times exactly
    side = (math.sqrt(3) - 1) / 2  # 3 times in floating point: a hair off, either way
    assert expand_area_problem(expand(side, side, side, side)) is None
    wide = 3 / (1 + 1.1) - 1  # the ratios for exactly 3 times with up 1.1 ...
    assert (1 + wide / 2 + wide / 2) * (1 + 1.1 + 0) > 3  # ... come out a hair over in floating point
    assert expand_area_problem(expand(up=1.1, left=wide / 2, right=wide / 2)) is None
    problem = expand_area_problem(expand(up=2, left=0.01))
    assert problem is not None
    assert (problem.field, problem.status, problem.api_code) == ("body", 400, 1201)
    assert problem.rule.startswith("the expansion ratios make the result 3.03 times the original's area, more than 3")
    assert expand_area_problem(expand(up=2, down=2, left=2, right=2)) is not None
    assert expand_area_problem({"up_expansion_ratio": 3}) is not None  # the others count as 0
    assert expand_area_problem({"up_expansion_ratio": "3"}) is None  # not a number: the schema's to refuse
    assert expand_area_problem({"up_expansion_ratio": math.inf}) is None


def test_the_area_message_names_the_sizes_when_it_knows_them() -> None:
    problem = expand_area_problem(expand(up=1, down=1, left=0.5), 1000, 800)
    assert problem is not None
    assert problem.rule.endswith("; the 1000x800 image would become about 1500x2400")
    with pytest.raises(RequestValidationError, match=r"the 400x300 image would become about 400x1200"):
        validate_request_body(expand(up=1, down=2, image=PNG), EXPAND)


def test_the_rules_code_checks_are_read_from_the_spec(spec: Spec) -> None:
    """The limit is the spec's data, and a rule naming a check kling_spec does not have fails loudly."""
    document = json.loads(json.dumps(spec.document))
    rules = document["components"]["schemas"]["CreateExpandImageTaskRequest"]["x-kling-rules"]
    rules[0]["max_area_factor"] = 5
    looser = Spec(document)
    assert expand_area_problem(expand(up=1, down=1, left=0.5), spec=looser) is None
    assert rule_problems(expand(up=1, down=1, left=0.5), schema=EXPAND, spec=looser) == []
    rules[0]["check"] = "volume"
    with pytest.raises(ValueError, match="no code checks 'volume'"):
        rule_problems(expand(), schema=EXPAND, spec=Spec(document))
    assert rule_problems({"prompt": "x"}, schema="createImageTask") == []


# -- capabilities, prices, the QPS limit ----------------------------------------------------------------------------


def test_omni_capabilities_are_reported_for_the_model_and_the_kind_of_request() -> None:
    text_only = capability_problems(omni(model_name="kling-v3-omni"), schema=OMNI)
    assert [(p.field, p.rule) for p in text_only] == [
        (
            "body.aspect_ratio",
            "auto is not supported by kling-v3-omni for text to image "
            "(it supports 16:9, 9:16, 1:1, 4:3, 3:4, 3:2, 2:3, 21:9)",
        )
    ]
    assert capability_problems(omni(model_name="kling-v3-omni", aspect_ratio="1:1", resolution="4k"), schema=OMNI) == []
    with_image = omni(model_name="kling-v3-omni", image_list=[{"image": URL}], result_type="series")
    assert capability_problems(with_image, schema=OMNI) == []
    o1 = capability_problems(omni(resolution="4k", result_type="series"), schema=OMNI)
    assert [p.field for p in o1] == ["body.resolution", "body.result_type"]
    assert "is not supported by kling-image-o1 (it supports single)" in o1[1].rule
    assert capability_problems(omni(model_name="kling-image-o2", resolution="8k"), schema=OMNI) == []
    assert capability_problems(expand(), schema=EXPAND) == []  # no models, no capability map


# (id, operation, body, expected estimate or None)
COSTS: list[tuple[str, str, dict[str, Any], Estimate | None]] = [
    ("o1, 2k, n 3", OMNI, omni(resolution="2k", n=3), Estimate("kling-image-o1", 8, 3, 24, Decimal("0.084"))),
    ("o1 4k: no row", OMNI, omni(resolution="4k"), None),
    (
        "3.0 omni 4k n 2",
        OMNI,
        omni(model_name="kling-v3-omni", resolution="4k", n=2),
        Estimate("kling-v3-omni", 16, 2, 32, Decimal("0.112")),
    ),
    (
        "3.0 omni series of the default 4",
        OMNI,
        omni(model_name="kling-v3-omni", result_type="series", n=9),
        Estimate("kling-v3-omni", 8, 4, 32, Decimal("0.112")),
    ),
    (
        "3.0 omni series of 9 in 4k",
        OMNI,
        omni(model_name="kling-v3-omni", result_type="series", series_amount=9, resolution="4k"),
        Estimate("kling-v3-omni", 16, 9, 144, Decimal("0.504")),
    ),
    (
        "3.0 omni series of auto",
        OMNI,
        omni(model_name="kling-v3-omni", result_type="series", series_amount="auto"),
        None,
    ),
    ("an unknown omni model", OMNI, omni(model_name="kling-image-o2"), None),
    ("multi n 2", MULTI, multi(n=2), Estimate("kling-v2-1", 16, 2, 32, Decimal("0.112"))),
    ("multi, the default n", MULTI, multi(), Estimate("kling-v2-1", 16, 1, 16, Decimal("0.056"))),
    ("expand n 2", EXPAND, expand(up=1, n=2), Estimate("", 8, 2, 16, Decimal("0.056"))),
    ("multi-shot", SHOTS, {"element_frontal_image": URL}, Estimate("", 20, 1, 20, Decimal("0.07"), "per_call")),
    ("an element: no price", ELEMENT, element(), None),
    (
        "the generations default",
        "createImageTask",
        {"prompt": "x", "n": 2},
        Estimate("kling-v3", 8, 2, 16, Decimal("0.056")),
    ),
]


@pytest.mark.parametrize(("operation", "body", "expected"), [c[1:] for c in COSTS], ids=[c[0] for c in COSTS])
def test_each_priced_request_is_estimated(operation: str, body: dict[str, Any], expected: Estimate | None) -> None:
    assert estimate_cost(body, schema=operation) == expected


def test_the_qps_limit_is_read_from_the_spec(spec: Spec) -> None:
    assert qps_limit("getAccountCosts") == 1.0
    assert qps_limit("listBalanceDeductions") is None
    document = json.loads(json.dumps(spec.document))
    document["paths"]["/account/costs"]["get"]["x-kling-rate-limit"]["requests_per_second"] = 0.5
    assert qps_limit("getAccountCosts", spec=Spec(document)) == 0.5
    with pytest.raises(KeyError):
        qps_limit("getVideoTask")
