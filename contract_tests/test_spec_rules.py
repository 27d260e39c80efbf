"""The documented cross-field rules are the spec's own: any JSON Schema validator enforces them.

Checked with a plain jsonschema validator over the YAML (not kling_spec), so the rules hold for
every consumer of the spec: the emulator, the respx mock, Prism, schemathesis's generators and the
SDK's client-side validation. The generated client still takes every valid body as it is, and
schemathesis generates bodies that keep the rules.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from kling_api.models import CreateImageTaskRequest
from kling_spec import SPEC_PATH, RequestValidationError, validate_create_body
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

# What the docs refuse and a schema without the rules accepted: (id, body, the field kling_spec names).
REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("image_reference without image", {"model_name": "kling-v1-5", "image_reference": "subject"}, "image"),
    (
        "image_reference with an empty image",
        {"model_name": "kling-v1-5", "image_reference": "face", "image": ""},
        "image",
    ),
    ("negative_prompt with image", {"image": URL_IMAGE, "negative_prompt": "blurry"}, "negative_prompt"),
    (
        "image_reference on kling-v1",
        {"model_name": "kling-v1", "image": URL_IMAGE, "image_reference": "face"},
        "image_reference",
    ),
    ("image_reference on the default model", {"image": URL_IMAGE, "image_reference": "subject"}, "image_reference"),
    (
        "image_reference on kling-v2-1",
        {"model_name": "kling-v2-1", "image": URL_IMAGE, "image_reference": "subject"},
        "image_reference",
    ),
    ("kling-v1-5 image without reference", {"model_name": "kling-v1-5", "image": URL_IMAGE}, "image_reference"),
    ("data: prefix", {"image": "data:image/png;base64," + BASE64_IMAGE}, "image"),
    ("Data: prefix", {"image": "Data:image/png;base64," + BASE64_IMAGE}, "image"),
    ("kling-v2-new without image", {"model_name": "kling-v2-new"}, "image"),
    ("kling-v1 at 21:9", {"model_name": "kling-v1", "aspect_ratio": "21:9"}, "aspect_ratio"),
    ("default model at 21:9", {"aspect_ratio": "21:9"}, "aspect_ratio"),
    ("2k on the default model", {"resolution": "2k"}, "resolution"),
    ("2k on kling-v1-5", {"model_name": "kling-v1-5", "resolution": "2k"}, "resolution"),
]

ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("prompt alone", {}),
    (
        "kling-v1-5 with a subject reference",
        {"model_name": "kling-v1-5", "image": URL_IMAGE, "image_reference": "subject", "human_fidelity": 0.45},
    ),
    (
        "kling-v1-5 with a face reference",
        {"model_name": "kling-v1-5", "image": BASE64_IMAGE, "image_reference": "face"},
    ),
    (
        "kling-v1 image to image with image_fidelity",
        {"model_name": "kling-v1", "image": URL_IMAGE, "image_fidelity": 0.8},
    ),
    ("kling-v1-5 text to image", {"model_name": "kling-v1-5", "negative_prompt": "blurry"}),
    ("empty image with a negative prompt", {"image": "", "negative_prompt": "blurry"}),
    ("kling-v2 2k at 21:9", {"model_name": "kling-v2", "resolution": "2k", "aspect_ratio": "21:9"}),
    ("kling-v2-new restyles", {"model_name": "kling-v2-new", "image": URL_IMAGE}),
    (
        "every documented field at its limits",
        {
            "model_name": "kling-v2-1",
            "prompt": "p" * 2500,
            "negative_prompt": "n" * 2500,
            "resolution": "2k",
            "n": 9,
            "aspect_ratio": "21:9",
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
        for name in ("image", "image_reference", "negative_prompt"):
            if case.body.get(name):
                seen[name] = seen.get(name, 0) + 1
        model = str(case.body.get("model_name"))
        seen[model] = seen.get(model, 0) + 1

    keeps_the_rules()
    # The bodies were varied enough for the rules to matter.
    for kind in ("image", "image_reference", "negative_prompt", "kling-v1-5"):
        assert seen.get(kind, 0) > 0, kind
