"""The documented cross-field rules are the spec's own: any JSON Schema validator enforces them.

Checked with a plain jsonschema validator over the YAML (not kling_spec), so the rules hold for
every consumer of the spec: the emulator, the respx mock, Prism, schemathesis's generators and the
SDK's client-side validation. The generated client still takes every valid body as it is, and
schemathesis generates bodies that keep the rules.

The rules hold whatever the model (2026 edition): what a model supports is data in the spec
(``x-kling-capabilities``), so a body the older spec refused for its model (a reference on the
wrong model, 21:9 or 2k on kling-v1, a name the spec does not list) is a valid request now.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from kling_api.models import CreateImageTaskRequest
from kling_spec import SPEC_PATH, RequestValidationError, known_models, retired_models, validate_create_body
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

URL_IMAGE = "https://example.com/reference.png"
BASE64_IMAGE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def _plain_validator() -> Draft202012Validator:
    with open(SPEC_PATH, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    registry: Registry[Any] = Registry().with_resource("urn:spec", Resource.from_contents(document, DRAFT202012))
    return Draft202012Validator({"$ref": "urn:spec#/components/schemas/CreateImageTaskRequest"}, registry=registry)


VALIDATOR = _plain_validator()

ELEMENTS = [{"element_id": 829101482390 + index} for index in range(10)]

# What the docs refuse whatever the model, and a schema without the rules accepted: (id, body, the field
# kling_spec names).
REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("image_reference without image", {"model_name": "kling-v2-1", "image_reference": "subject"}, "image"),
    (
        "image_reference with an empty image",
        {"model_name": "kling-v2-1", "image_reference": "face", "image": ""},
        "image",
    ),
    ("image_reference without image, any model", {"model_name": "kling-v9", "image_reference": "face"}, "image"),
    ("negative_prompt with image", {"image": URL_IMAGE, "negative_prompt": "blurry"}, "negative_prompt"),
    ("data: prefix", {"image": "data:image/png;base64," + BASE64_IMAGE}, "image"),
    ("Data: prefix", {"image": "Data:image/png;base64," + BASE64_IMAGE}, "image"),
    ("10 elements beside an image", {"image": URL_IMAGE, "element_list": ELEMENTS}, "element_list"),
    ("11 elements", {"element_list": [*ELEMENTS, {"element_id": 1}]}, "element_list"),
    ("an element without its id", {"element_list": [{}]}, "element_list.0.element_id"),
]

# Valid requests: the model-dependent rules of the older spec are gone (what a model supports is the server's call,
# reported by kling_spec.capability_problems, never refused by the schema).
ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("prompt alone", {}),
    (
        "kling-v2-1 with a subject reference",
        {"model_name": "kling-v2-1", "image": URL_IMAGE, "image_reference": "subject", "human_fidelity": 0.45},
    ),
    ("kling-v2-1 with a face reference", {"model_name": "kling-v2-1", "image": URL_IMAGE, "image_reference": "face"}),
    ("kling-v3 with a subject reference", {"model_name": "kling-v3", "image": URL_IMAGE, "image_reference": "subject"}),
    ("kling-v3 with image_fidelity", {"model_name": "kling-v3", "image": URL_IMAGE, "image_fidelity": 0.8}),
    ("kling-v2-1 with elements", {"model_name": "kling-v2-1", "element_list": ELEMENTS[:2]}),
    ("an unknown model", {"model_name": "kling-v9", "resolution": "2k", "aspect_ratio": "21:9"}),
    ("a retired model at 21:9 and 2k", {"model_name": "kling-v1", "resolution": "2k", "aspect_ratio": "21:9"}),
    ("kling-v2-new without an image", {"model_name": "kling-v2-new"}),
    ("kling-v1-5 image without a reference", {"model_name": "kling-v1-5", "image": URL_IMAGE}),
    ("plain image to image", {"image": URL_IMAGE}),
    ("empty image with a negative prompt", {"image": "", "negative_prompt": "blurry"}),
    ("10 elements without an image", {"element_list": ELEMENTS}),
    ("9 elements beside an image", {"image": URL_IMAGE, "element_list": ELEMENTS[:9]}),
    ("the legacy model field", {"model": "kling-v1"}),
    (
        "every documented field at its limits",
        {
            "model_name": "kling-v3",
            "prompt": "p" * 2500,
            "negative_prompt": "n" * 2500,
            "resolution": "2k",
            "n": 9,
            "aspect_ratio": "21:9",
            "element_list": ELEMENTS,
            "callback_url": "https://example.com/kling/callback",
            "external_task_id": "order-42",
            "watermark_info": {"enabled": True},
        },
    ),
    ("fidelities at both ends", {"image": URL_IMAGE, "image_fidelity": 0, "human_fidelity": 1}),
    ("n at its minimum, 1k", {"n": 1, "resolution": "1k", "aspect_ratio": "9:16"}),
]


def _body(fields: dict[str, Any]) -> dict[str, Any]:
    return {"prompt": "a lighthouse at dusk", **fields}


@pytest.mark.parametrize(("fields", "field"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_a_plain_validator_over_the_spec_refuses_what_the_docs_refuse(fields: dict[str, Any], field: str) -> None:
    assert not VALIDATOR.is_valid(_body(fields))
    # kling_spec (the SDK, the emulator, the mock) tells it with the rule's own x-kling-error.
    with pytest.raises(RequestValidationError) as caught:
        validate_create_body(_body(fields))
    assert caught.value.field == f"body.{field}"


@pytest.mark.parametrize(("fields", "field"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_the_rules_hold_whatever_the_model(fields: dict[str, Any], field: str) -> None:
    for model in (*known_models(), *retired_models(), "kling-v9", None):
        body = _body({**fields, "model_name": model})
        if model is None:
            del body["model_name"]
        assert not VALIDATOR.is_valid(body), model
        with pytest.raises(RequestValidationError) as caught:
            validate_create_body(body)
        assert caught.value.field == f"body.{field}", model


@pytest.mark.parametrize("fields", [a[1] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_valid_bodies_stay_valid_everywhere(fields: dict[str, Any]) -> None:
    body = _body(fields)
    assert list(VALIDATOR.iter_errors(body)) == []
    if body.get("image") != BASE64_IMAGE:  # a 1x1 PNG: valid JSON, too small an image (test_rules.py)
        validate_create_body(body)
    # The generated client (the rules are not in its models) takes the body as it is.
    assert CreateImageTaskRequest.from_dict(body).to_dict() == body


SCHEMA = schemathesis.openapi.from_path(str(SPEC_PATH))


def test_schemathesis_generates_bodies_that_keep_the_rules() -> None:
    seen: dict[str, int] = {}

    @settings(max_examples=80, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=SCHEMA["/v1/images/generations"]["POST"].as_strategy())
    def keeps_the_rules(case: Any) -> None:
        assert list(VALIDATOR.iter_errors(case.body)) == []
        for name in ("image", "image_reference", "negative_prompt", "element_list"):
            if case.body.get(name):
                seen[name] = seen.get(name, 0) + 1
        if "model_name" in case.body:
            kind = "known model" if case.body["model_name"] in ("kling-v3", "kling-v2-1") else "other model"
            seen[kind] = seen.get(kind, 0) + 1

    keeps_the_rules()
    # The bodies were varied enough for the rules to matter, and model names are open: not only the known ones.
    for kind in ("image", "image_reference", "negative_prompt", "element_list", "known model", "other model"):
        assert seen.get(kind, 0) > 0, kind
