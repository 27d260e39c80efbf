"""What each model supports and costs: data in the spec, reported by kling_spec, never a rule of the request.

A body that goes beyond its model's capabilities is still a valid request (``validate_create_body`` takes it):
whether the model takes it is the server's call. ``capability_problems`` says what the capability map does not
give the model, naming the field; it says nothing for a model the map does not list (a new one, a retired one).
``estimate_cost`` prices a request from the spec's price table, or says it cannot (None).
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from kling_spec import (
    SPEC_PATH,
    Estimate,
    RequestValidationError,
    Spec,
    capability_problems,
    create_request_defaults,
    default_model,
    estimate_cost,
    known_models,
    retired_models,
    validate_create_body,
)

URL_IMAGE = "https://example.com/reference.png"
ELEMENTS = [{"element_id": 829101482390}, {"element_id": 829101482391}]


def body(**fields: Any) -> dict[str, Any]:
    return {"prompt": "a lighthouse at dusk", **fields}


def test_the_models_the_spec_knows_retired_and_default(spec: Spec) -> None:
    model_name = spec.document["components"]["schemas"]["ModelName"]
    assert known_models() == ("kling-v3", "kling-v2-1") == tuple(model_name["enum"])
    assert default_model() == "kling-v3"
    retired = retired_models()
    assert set(retired) == {"kling-v1", "kling-v1-5", "kling-v2", "kling-v2-new"}
    assert not set(retired) & set(known_models())
    assert all("[official: GEN21]" in source for source in retired.values())
    assert "discontinued" in retired["kling-v1"]


# (id, fields, the fields reported, a word of the reason) -- each a valid request the map does not give its model.
BEYOND: list[tuple[str, dict[str, Any], list[str], str]] = [
    (
        "kling-v3 with a subject reference",
        {"model_name": "kling-v3", "image": URL_IMAGE, "image_reference": "subject"},
        ["body.image_reference"],
        "CAPMAP",
    ),
    (
        "the default model with a face reference",
        {"image": URL_IMAGE, "image_reference": "face"},
        ["body.image_reference"],
        "CAPMAP",
    ),
    ("kling-v2-1 with elements", {"model_name": "kling-v2-1", "element_list": ELEMENTS}, ["body.element_list"], "2.1"),
    (
        "kling-v3 with image_fidelity",
        {"model_name": "kling-v3", "image": URL_IMAGE, "image_fidelity": 0.8},
        ["body.image_fidelity"],
        "kling-v2-1",
    ),
    (
        "kling-v3 with human_fidelity 0",
        {"model_name": "kling-v3", "human_fidelity": 0},
        ["body.human_fidelity"],
        "v2-1",
    ),
    (
        "the legacy model field does not choose the model",
        {"model": "kling-v2-1", "image": URL_IMAGE, "image_reference": "subject", "image_fidelity": 0.5},
        ["body.image_reference", "body.image_fidelity"],
        "kling-v3",
    ),
]


@pytest.mark.parametrize(("fields", "reported", "reason"), [b[1:] for b in BEYOND], ids=[b[0] for b in BEYOND])
def test_beyond_the_capability_map_is_a_valid_request_and_is_reported(
    fields: dict[str, Any], reported: list[str], reason: str
) -> None:
    validate_create_body(body(**fields))  # the server's call, not the client's

    problems = capability_problems(body(**fields))

    assert [problem.field for problem in problems] == reported
    model = fields.get("model_name", "kling-v3")
    for problem in problems:
        assert isinstance(problem, RequestValidationError)
        assert problem.rule.startswith(f"is not supported by {model} ("), problem.rule
        assert (problem.status, problem.api_code) == (400, 1201)  # what the emulator answers, as the service would
    assert reason in " ".join(problem.rule for problem in problems)


# Valid requests within what the map gives their model.
WITHIN: list[tuple[str, dict[str, Any]]] = [
    ("prompt alone (kling-v3)", {}),
    ("kling-v3 with elements, 2k, 21:9", {"model_name": "kling-v3", "element_list": ELEMENTS, "resolution": "2k"}),
    ("kling-v3 image to image", {"model_name": "kling-v3", "image": URL_IMAGE, "aspect_ratio": "21:9"}),
    (
        "kling-v2-1 with a subject reference and both fidelities",
        {
            "model_name": "kling-v2-1",
            "image": URL_IMAGE,
            "image_reference": "subject",
            "image_fidelity": 0.5,
            "human_fidelity": 0.45,
        },
    ),
    ("kling-v2-1 with a face reference", {"model_name": "kling-v2-1", "image": URL_IMAGE, "image_reference": "face"}),
    ("kling-v2-1 with an empty element list", {"model_name": "kling-v2-1", "element_list": []}),
    ("an empty model_name is the default", {"model_name": "", "element_list": ELEMENTS}),
]


@pytest.mark.parametrize("fields", [w[1] for w in WITHIN], ids=[w[0] for w in WITHIN])
def test_within_the_capability_map_nothing_is_reported(fields: dict[str, Any]) -> None:
    validate_create_body(body(**fields))
    assert capability_problems(body(**fields)) == []


@pytest.mark.parametrize(
    "model",
    ["kling-v9", "kling-v1", "kling-v2-new", "kling-image-o1", "KLING-V3"],
    ids=["unknown", "retired-v1", "retired-v2-new", "another-endpoints", "other-case"],
)
def test_a_model_the_map_does_not_list_is_valid_and_nothing_is_reported(model: str) -> None:
    """The server decides what a model it has takes; the map knows nothing of this one."""
    fields = {
        "model_name": model,
        "image": URL_IMAGE,
        "image_reference": "face",
        "image_fidelity": 1,
        "element_list": ELEMENTS[:1],
        "resolution": "2k",
        "aspect_ratio": "21:9",
    }
    validate_create_body(body(**fields))
    assert capability_problems(body(**fields)) == []
    assert estimate_cost(body(**fields)) is None


def test_every_request_example_of_the_spec_is_within_its_models_capabilities(spec: Spec) -> None:
    """The examples show users what works."""
    _, _, create = spec.operation("createImageTask")
    examples = create["requestBody"]["content"]["application/json"]["examples"]
    assert len(examples) >= 4
    for name, example in examples.items():
        assert capability_problems(example["value"]) == [], name


def _edited(spec: Spec, edit: Any) -> Spec:
    document = json.loads(json.dumps(spec.document))
    edit(document["components"]["schemas"]["CreateImageTaskRequest"]["x-kling-capabilities"]["models"])
    return Spec(document)


def test_values_a_model_lacks_are_reported_defaults_included(spec: Spec) -> None:
    """The map's `values`: today every model has every ratio and resolution, so a map without 21:9 and 1k for
    kling-v3 shows the check works; an absent field is judged by its documented default."""

    def narrow(models: dict[str, Any]) -> None:
        models["kling-v3"]["values"]["aspect_ratio"].remove("21:9")
        models["kling-v3"]["values"]["resolution"] = ["2k"]

    narrowed = _edited(spec, narrow)
    problems = capability_problems(body(aspect_ratio="21:9"), spec=narrowed)
    assert [(p.field, p.rule) for p in problems] == [
        ("body.aspect_ratio", "21:9 is not supported by kling-v3 (it supports 16:9, 9:16, 1:1, 4:3, 3:4, 3:2, 2:3)"),
        ("body.resolution", "1k is not supported by kling-v3 (it supports 2k)"),
    ]
    assert capability_problems(body(resolution="2k"), spec=narrowed) == []
    assert capability_problems(body(model_name="kling-v2-1", aspect_ratio="21:9"), spec=narrowed) == []


def test_the_checks_read_the_spec_not_a_copy_of_it(spec: Spec) -> None:
    def allow_references(models: dict[str, Any]) -> None:
        del models["kling-v3"]["unsupported"]["image_reference"]

    fields = body(image=URL_IMAGE, image_reference="subject")
    assert capability_problems(fields, spec=_edited(spec, allow_references)) == []
    assert [p.field for p in capability_problems(fields, spec=spec)] == ["body.image_reference"]


def test_the_checks_leave_the_body_as_it_was() -> None:
    fields = body(model_name="kling-v3", image=URL_IMAGE, image_reference="face", n=3)
    before = copy.deepcopy(fields)
    capability_problems(MappingProxyType(fields))
    estimate_cost(MappingProxyType(fields))
    assert fields == before


# -- estimate_cost -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "per_image", "images", "usd"),
    [
        ({"model_name": "kling-v3", "n": 4}, 8, 4, "0.112"),
        ({}, 8, 1, "0.028"),  # the default model, one image
        ({"model_name": "kling-v3", "image": URL_IMAGE, "n": 9}, 8, 9, "0.252"),
        ({"model_name": "kling-v2-1"}, 4, 1, "0.014"),
        ({"model_name": "kling-v2-1", "n": 2}, 4, 2, "0.028"),
        ({"model_name": "kling-v2-1", "image": URL_IMAGE, "n": 2}, 8, 2, "0.056"),
        ({"model_name": "kling-v2-1", "image": "", "negative_prompt": "blurry"}, 4, 1, "0.014"),  # empty = no image
        ({"model_name": "kling-v3", "n": 2.0}, 8, 2, "0.056"),  # a JSON integer the validator takes
        ({"model_name": "kling-v3", "resolution": "2k"}, 8, 1, "0.028"),  # 1K and 2K cost the same
    ],
    ids=["v3-n4", "default", "v3-i2i-n9", "v2-1-text", "v2-1-text-n2", "v2-1-image-n2", "empty-image", "n-2.0", "2k"],
)
def test_estimate_cost_is_units_per_image_times_n(
    fields: dict[str, Any], per_image: int, images: int, usd: str
) -> None:
    validate_create_body(body(**fields))

    estimate = estimate_cost(body(**fields))

    model = fields.get("model_name") or "kling-v3"
    assert estimate == Estimate(model, per_image, images, per_image * images, Decimal(usd))
    assert str(estimate.usd) == usd, "written as the pricing page writes it"


def test_estimate_cost_is_the_price_table_of_the_spec(spec: Spec) -> None:
    pricing = spec.document["components"]["schemas"]["CreateImageTaskRequest"]["x-kling-pricing"]
    assert set(pricing["models"]) == set(known_models())
    for model, prices in pricing["models"].items():
        text = estimate_cost(body(model_name=model))
        image = estimate_cost(body(model_name=model, image=URL_IMAGE))
        assert text is not None
        assert image is not None
        assert (text.units_per_image, image.units_per_image) == (prices["text_to_image"], prices["image_to_image"])
        assert text.usd == Decimal(pricing["usd_per_unit"]) * prices["text_to_image"]


def test_a_model_with_no_known_price_has_no_estimate(spec: Spec) -> None:
    assert estimate_cost(body(model_name="kling-v9", n=4)) is None
    assert estimate_cost(body(model_name="kling-v1")) is None
    document = json.loads(json.dumps(spec.document))
    del document["components"]["schemas"]["CreateImageTaskRequest"]["x-kling-pricing"]["models"]["kling-v2-1"]
    assert estimate_cost(body(model_name="kling-v2-1"), spec=Spec(document)) is None
    assert estimate_cost(body(model_name="kling-v3"), spec=Spec(document)) is not None


# -- every body the spec allows ----------------------------------------------------------------------------------------

SCHEMA = schemathesis.openapi.from_path(str(SPEC_PATH))
DEFAULTS = create_request_defaults()


def test_any_valid_body_gets_an_answer_never_an_exception() -> None:
    """Over schema-generated bodies (model names included that no one has heard of): problems name fields of the
    body, only for the models the map lists; an estimate is per image times n, or None for an unpriced model."""
    seen = {"problems": 0, "unknown models": 0, "estimates": 0}

    @settings(max_examples=80, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=SCHEMA["/v1/images/generations"]["POST"].as_strategy())
    def answers(case: Any) -> None:
        request = case.body
        problems = capability_problems(request)
        model = request.get("model_name") or default_model()
        if model not in known_models():
            assert problems == []
            assert estimate_cost(request) is None
            seen["unknown models"] += 1
            return
        for problem in problems:
            name = problem.field.removeprefix("body.")
            assert name in request or name in DEFAULTS, problem  # an absent field is judged by its default
            assert f"not supported by {model}" in problem.rule
        seen["problems"] += bool(problems)
        estimate = estimate_cost(request)
        assert estimate is not None
        assert estimate.units == estimate.units_per_image * request.get("n", 1)
        seen["estimates"] += 1

    answers()
    assert all(seen.values()), seen
