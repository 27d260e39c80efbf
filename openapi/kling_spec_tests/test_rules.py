"""One validator for the create request: every documented limit, crossed by one unit and met exactly.

``kling_spec.validate_create_body`` is what the SDK runs before sending, what the emulator runs on
receipt and what the contract mock runs on every create: the same raw bodies are refused (and
accepted) by all three, each refusal naming the field and the rule.

What depends on the model is not a rule of the request (2026 edition): a body beyond its model's
capabilities, or naming a model the spec does not list, is valid; ``kling_spec.capability_problems``
reports what the capability map does not give the model, and the emulator answers it as the service
would.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import AsyncIterator, Iterator
from types import MappingProxyType
from typing import Any

import httpx
import pytest
from kling_auth import sign_token
from kling_emulator import create_app
from kling_spec import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_RATIO,
    MIN_IMAGE_SIDE,
    ImageInfo,
    RequestValidationError,
    Spec,
    capability_problems,
    default_model,
    inspect_base64_image,
    inspect_image,
    known_models,
    validate_create_body,
)
from PIL import Image

from testsupport.spec_mock import ACCESS_KEY, SECRET_KEY, ContractViolation, SpecMock

URL_IMAGE = "https://example.com/reference.png"
NOW = 1_750_000_000.0


def image_bytes(width: int, height: int, image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 200)).save(buffer, image_format)
    return buffer.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def padded_png(total_bytes: int) -> bytes:
    """A valid 400x400 PNG grown to exactly ``total_bytes`` (bytes after IEND are never read)."""
    data = image_bytes(400, 400)
    return data + bytes(total_bytes - len(data))


PNG_400_B64 = b64(image_bytes(400, 400))
ELEMENTS = [{"element_id": 829101482390 + index} for index in range(10)]

# (id, body fields added to {"prompt": "a cat"}, field named, start of the rule)
REFUSED: list[tuple[str, dict[str, Any], str, str]] = [
    # the schema
    ("prompt of 2501 chars", {"prompt": "x" * 2501}, "body.prompt", "is longer than 2500 characters"),
    ("negative_prompt of 2501", {"negative_prompt": "x" * 2501}, "body.negative_prompt", "is longer than 2500"),
    ("no prompt", {"prompt": None}, "body.prompt", "is required"),
    ("prompt not a string", {"prompt": 7}, "body.prompt", "must be of type string"),
    ("n of 0", {"n": 0}, "body.n", "0 is less than the minimum of 1"),
    ("n of 10", {"n": 10}, "body.n", "10 is greater than the maximum of 9"),
    ("n of 1.5", {"n": 1.5}, "body.n", "must be of type integer"),
    ("n a boolean", {"n": True}, "body.n", "must be of type integer"),
    ("image_fidelity -0.01", {"image": URL_IMAGE, "image_fidelity": -0.01}, "body.image_fidelity", "-0.01 is less"),
    ("image_fidelity 1.01", {"image": URL_IMAGE, "image_fidelity": 1.01}, "body.image_fidelity", "1.01 is greater"),
    ("human_fidelity -0.01", {"human_fidelity": -0.01}, "body.human_fidelity", "-0.01 is less than the minimum"),
    ("human_fidelity 1.01", {"human_fidelity": 1.01}, "body.human_fidelity", "1.01 is greater than the maximum"),
    ("model_name not a string", {"model_name": 3}, "body.model_name", "must be of type string, got number"),
    ("legacy model not a string", {"model": 3}, "body.model", "must be of type string, got number"),
    ("unknown aspect ratio", {"aspect_ratio": "5:4"}, "body.aspect_ratio", "'5:4' is not one of"),
    ("unknown resolution", {"resolution": "4k"}, "body.resolution", "'4k' is not one of"),
    ("unknown reference", {"image_reference": "pose"}, "body.image_reference", "'pose' is not one of"),
    ("unknown field", {"seed": 1}, "body.seed", "is not a documented field"),
    ("watermark_info not an object", {"watermark_info": True}, "body.watermark_info", "must be of type object"),
    ("11 elements", {"element_list": [*ELEMENTS, {"element_id": 1}]}, "body.element_list", "has more than 10 items"),
    ("element_list not an array", {"element_list": {"element_id": 1}}, "body.element_list", "must be of type array"),
    ("an element without its id", {"element_list": [{}]}, "body.element_list.0.element_id", "is required"),
    (
        "an element id as a string",
        {"element_list": [{"element_id": "829101482390"}]},
        "body.element_list.0.element_id",
        "must be of type integer, got string",
    ),
    (
        "an element id beyond int64",
        {"element_list": [{"element_id": 2**63}]},
        "body.element_list.0.element_id",
        "is an integer out of range",
    ),
    # the image field
    (
        "data: prefix",
        {"image": "data:image/png;base64," + PNG_400_B64},
        "body.image",
        "must be the bare",
    ),
    (
        "DATA: prefix",
        {"image": "DATA:image/png;base64," + PNG_400_B64},
        "body.image",
        "must be the bare",
    ),
    ("ftp URL", {"image": "ftp://example.com/a.png"}, "body.image", "a URL must be http(s) with a host"),
    ("URL without host", {"image": "https:///a.png"}, "body.image", "a URL must be http(s) with a host"),
    ("broken URL", {"image": "http://[::1/a.png"}, "body.image", "is not a valid URL"),
    ("neither URL nor Base64", {"image": "not an image!"}, "body.image", "is neither an http(s) URL nor Base64"),
    ("Base64 of text", {"image": b64(b"hello world")}, "body.image", "the Base64 data is not a JPG or PNG"),
    ("a GIF", {"image": b64(image_bytes(400, 400, "GIF"))}, "body.image", "the image must be JPG or PNG, got GIF"),
    ("299 px wide", {"image": b64(image_bytes(299, 400))}, "body.image", "the image must be at least 300 px"),
    ("299 px high", {"image": b64(image_bytes(400, 299))}, "body.image", "the image must be at least 300 px"),
    ("aspect 1:2.6", {"image": b64(image_bytes(300, 780))}, "body.image", "the image aspect ratio must be between"),
    ("aspect 2.6:1", {"image": b64(image_bytes(780, 300))}, "body.image", "the image aspect ratio must be between"),
    # the rules across fields
    ("negative_prompt with image", {"negative_prompt": "blurry", "image": URL_IMAGE}, "body.negative_prompt", "is not"),
    (
        "image_reference without image",
        {"model_name": "kling-v2-1", "image_reference": "subject"},
        "body.image",
        "is required when body.image_reference is set",
    ),
    (
        "10 elements beside an image",
        {"image": URL_IMAGE, "element_list": ELEMENTS},
        "body.element_list",
        "holds at most 9 elements beside body.image (elements and images are at most 10)",
    ),
]

ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("defaults", {}),
    ("prompt of 2500 chars", {"prompt": "x" * 2500}),
    ("negative_prompt of 2500 chars", {"negative_prompt": "x" * 2500}),
    ("n of 1", {"n": 1}),
    ("n of 9", {"n": 9}),
    ("n of 2.0 (a JSON integer)", {"n": 2.0}),
    ("fidelities of 0", {"model_name": "kling-v2-1", "image": URL_IMAGE, "image_fidelity": 0, "human_fidelity": 0}),
    ("fidelities of 1", {"model_name": "kling-v2-1", "image": URL_IMAGE, "image_fidelity": 1, "human_fidelity": 1.0}),
    ("300x300 PNG", {"image": b64(image_bytes(300, 300))}),
    ("1:2.5 PNG", {"image": b64(image_bytes(300, 750))}),
    ("2.5:1 JPEG", {"image": b64(image_bytes(750, 300, "JPEG"))}),
    ("http URL", {"image": "http://example.com/a.jpg"}),
    ("empty image and negative prompt", {"image": "", "negative_prompt": "blurry"}),
    ("empty negative prompt with image", {"negative_prompt": "", "image": URL_IMAGE}),
    ("kling-v2-1 with a face reference", {"model_name": "kling-v2-1", "image": URL_IMAGE, "image_reference": "face"}),
    ("kling-v3 2k 21:9", {"model_name": "kling-v3", "resolution": "2k", "aspect_ratio": "21:9"}),
    ("kling-v2-1 2k", {"model_name": "kling-v2-1", "resolution": "2k"}),
    ("kling-v3 image to image", {"model_name": "kling-v3", "image": b64(image_bytes(600, 300))}),
    ("10 elements", {"element_list": ELEMENTS}),
    ("9 elements beside an image", {"image": URL_IMAGE, "element_list": ELEMENTS[:9]}),
    ("an element id of int64's maximum", {"element_list": [{"element_id": 2**63 - 1}]}),
    ("empty element list beside an image", {"image": URL_IMAGE, "element_list": []}),
    ("the legacy model field", {"model": "kling-v2-1"}),
    ("every documented field", {"callback_url": "https://example.com/cb", "external_task_id": "o-1"}),
    # The docs set no format on callback_url: what the service may accept is not refused.
    ("callback_url of any form", {"callback_url": "not a uri"}),
    ("data: inside Base64-looking text", {"image": "https://example.com/data:x.png"}),
    ("watermark", {"watermark_info": {"enabled": True}}),
]

# Valid requests the capability map does not give their model: (id, body fields, the field reported).
BEYOND: list[tuple[str, dict[str, Any], str]] = [
    (
        "kling-v3 with a subject reference",
        {"model_name": "kling-v3", "image": URL_IMAGE, "image_reference": "subject"},
        "body.image_reference",
    ),
    (
        "the default model with a face reference",
        {"image": URL_IMAGE, "image_reference": "face"},
        "body.image_reference",
    ),
    ("kling-v2-1 with elements", {"model_name": "kling-v2-1", "element_list": ELEMENTS[:2]}, "body.element_list"),
    ("kling-v3 with image_fidelity", {"image": URL_IMAGE, "image_fidelity": 0.8}, "body.image_fidelity"),
    ("kling-v3 with human_fidelity", {"model_name": "kling-v3", "human_fidelity": 0.45}, "body.human_fidelity"),
]

# Valid requests naming a model the spec does not list: a new one, a retired one. Nothing is reported.
OTHER_MODELS: list[tuple[str, dict[str, Any]]] = [
    ("an unknown model", {"model_name": "kling-v9"}),
    ("a retired model", {"model_name": "kling-v1", "aspect_ratio": "21:9", "resolution": "2k"}),
    ("a retired model with a reference", {"model_name": "kling-v1-5", "image": URL_IMAGE, "image_reference": "face"}),
    ("a retired model without an image", {"model_name": "kling-v2-new"}),
    ("a long model name", {"model_name": "m" * 10_000}),
]


def create_body(fields: dict[str, Any]) -> dict[str, Any]:
    body = {"prompt": "a cat", **fields}
    return {name: value for name, value in body.items() if value is not None}


# -- kling_spec.validate_create_body ----------------------------------------------------------


@pytest.mark.parametrize(("fields", "field", "rule"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_each_limit_crossed_is_refused_naming_field_and_rule(fields: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        validate_create_body(create_body(fields))

    assert caught.value.field == field
    assert caught.value.rule.startswith(rule), caught.value.rule
    assert str(caught.value) == f"{field}: {caught.value.rule}"
    assert (caught.value.status, caught.value.api_code) == (400, 1201)


@pytest.mark.parametrize("fields", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_each_limit_met_exactly_is_accepted(fields: dict[str, Any]) -> None:
    validate_create_body(create_body(fields))


def test_an_image_of_10_mb_is_accepted_and_one_byte_more_is_refused() -> None:
    validate_create_body({"prompt": "a cat", "image": b64(padded_png(MAX_IMAGE_BYTES))})

    with pytest.raises(RequestValidationError) as caught:
        validate_create_body({"prompt": "a cat", "image": b64(padded_png(MAX_IMAGE_BYTES + 1))})

    assert (caught.value.field, caught.value.rule) == ("body.image", "the image is larger than 10 MB")


def test_base64_too_long_to_be_10_mb_is_refused_before_decoding() -> None:
    # Not even valid Base64: only the length bound can have refused it.
    with pytest.raises(ValueError, match="larger than 10 MB"):
        inspect_base64_image("!" * (MAX_IMAGE_BYTES // 3 * 4 + 8))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_numbers_json_cannot_carry_are_refused(value: float) -> None:
    # NaN passes every minimum/maximum comparison: the schema alone would let it through.
    with pytest.raises(RequestValidationError) as caught:
        validate_create_body({"prompt": "a cat", "image": URL_IMAGE, "image_fidelity": value})

    assert caught.value.field == "body.image_fidelity"
    assert caught.value.rule.startswith("must be a finite number")


def test_any_mapping_is_checked_as_the_json_it_would_become() -> None:
    validate_create_body(MappingProxyType({"prompt": "a cat", "watermark_info": MappingProxyType({"enabled": False})}))

    with pytest.raises(RequestValidationError, match=r"^body\.n: 10 is greater"):
        validate_create_body(MappingProxyType({"prompt": "a cat", "n": 10}))


def test_long_offending_values_are_not_echoed_in_the_rule() -> None:
    for fields, field in (
        ({"aspect_ratio": "m" * 10_000}, "body.aspect_ratio"),
        ({"element_list": [{"element_id": index} for index in range(10_000)]}, "body.element_list"),
        ({"model_name": ["m" * 10_000]}, "body.model_name"),
    ):
        with pytest.raises(RequestValidationError) as caught:
            validate_create_body({"prompt": "a cat", **fields})

        assert caught.value.field == field
        assert len(str(caught.value)) < 200, str(caught.value)[:300]


def test_the_image_limits_say_what_the_spec_text_says(spec: Spec) -> None:
    """The image limits are prose in the spec (they need the bytes): a change there must show here."""
    image = spec.document["components"]["schemas"]["CreateImageTaskRequest"]["properties"]["image"]["description"]
    assert f"at most {MAX_IMAGE_BYTES // (1024 * 1024)} MB" in image
    assert f"at least {MIN_IMAGE_SIDE} px" in " ".join(image.split())
    assert f"between 1:{MAX_IMAGE_RATIO:g} and {MAX_IMAGE_RATIO:g}:1" in image


# -- what depends on the model: valid, and reported ---------------------------------------------


@pytest.mark.parametrize(("fields", "field"), [c[1:] for c in BEYOND], ids=[c[0] for c in BEYOND])
def test_beyond_the_capability_map_is_valid_and_reported(fields: dict[str, Any], field: str) -> None:
    validate_create_body(create_body(fields))

    assert [problem.field for problem in capability_problems(create_body(fields))] == [field]


@pytest.mark.parametrize("fields", [c[1] for c in OTHER_MODELS], ids=[c[0] for c in OTHER_MODELS])
def test_a_model_the_spec_does_not_list_is_valid_and_nothing_is_reported(fields: dict[str, Any]) -> None:
    validate_create_body(create_body(fields))

    assert capability_problems(create_body(fields)) == []


def _supported(field: str, sample: dict[str, Any]) -> set[str]:
    """The models capability_problems reports nothing about ``field`` for."""
    return {
        model
        for model in known_models()
        if not [
            p for p in capability_problems(create_body({"model_name": model, **sample})) if p.field == f"body.{field}"
        ]
    }


def _text(description: str) -> str:
    return " ".join(description.split())


def test_the_prose_of_the_spec_says_what_its_capability_map_does(spec: Spec) -> None:
    """The descriptions users read in the generated docstrings restate the capability map: each statement is
    checked against what capability_problems reports, model by model."""
    schemas = spec.document["components"]["schemas"]
    request = schemas["CreateImageTaskRequest"]
    models = set(known_models())
    samples: dict[str, dict[str, Any]] = {
        "image_reference": {"image": URL_IMAGE, "image_reference": "subject"},
        "image_fidelity": {"image": URL_IMAGE, "image_fidelity": 0.5},
        "human_fidelity": {"human_fidelity": 0.45},
        "element_list": {"element_list": ELEMENTS[:1]},
    }
    limited = {}
    for field, sample in samples.items():
        supported = _supported(field, sample)
        assert supported, f"no model takes {field}"
        text = _text(request["properties"][field]["description"])
        if supported != models:
            limited[field] = supported
            assert "only" in text, field
        for model in models:
            assert (f"`{model}`" in text) == (model in supported and supported != models), (field, model)
    assert limited == {
        "image_reference": {"kling-v2-1"},
        "image_fidelity": {"kling-v2-1"},
        "human_fidelity": {"kling-v2-1"},
        "element_list": {"kling-v3"},
    }

    for schema, field, phrase in (
        ("Resolution", "resolution", "Both models of this endpoint have both."),
        ("AspectRatio", "aspect_ratio", "Both models of this endpoint have all eight"),
    ):
        every = all(_supported(field, {field: value}) == models for value in schemas[schema]["enum"])
        assert len(models) == 2
        assert (phrase in _text(schemas[schema]["description"])) == every, schema

    model_text = _text(schemas["ModelName"]["description"])
    titles = {model: caps["title"] for model, caps in request["x-kling-capabilities"]["models"].items()}
    assert set(titles) == models
    for model, title in titles.items():
        assert f"`{model}` ({title}" in model_text, model
    assert f"({titles[default_model()]}, the default)" in model_text


# -- kling_spec.inspect_image -----------------------------------------------------------------


def test_the_exported_limits_are_the_documented_ones() -> None:
    assert (MAX_IMAGE_BYTES, MIN_IMAGE_SIDE, MAX_IMAGE_RATIO) == (10 * 1024 * 1024, 300, 2.5)


@pytest.mark.parametrize(
    ("width", "height", "image_format"),
    [(300, 300, "PNG"), (300, 750, "PNG"), (750, 300, "JPEG"), (1024, 768, "JPEG")],
)
def test_inspect_image_reads_format_and_size(width: int, height: int, image_format: str) -> None:
    assert inspect_image(image_bytes(width, height, image_format)) == ImageInfo(image_format, width, height)


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (image_bytes(400, 400, "GIF"), "the image must be JPG or PNG, got GIF"),
        (image_bytes(400, 400, "WEBP"), "the image must be JPG or PNG, got WEBP"),
        (image_bytes(400, 400, "BMP"), "the image must be JPG or PNG, got BMP"),
        (b"%PDF-1.7 not an image", "the data is not a JPG or PNG image"),
        (b"", "the data is not a JPG or PNG image"),
        (image_bytes(299, 300), "the image must be at least 300 px on each side, got 299x300"),
        (image_bytes(300, 299, "JPEG"), "the image must be at least 300 px on each side, got 300x299"),
        (image_bytes(300, 780), "the image aspect ratio must be between 1:2.5 and 2.5:1, got 300x780"),
        (image_bytes(751, 300), "the image aspect ratio must be between 1:2.5 and 2.5:1, got 751x300"),
        (padded_png(MAX_IMAGE_BYTES + 1), "the image is larger than 10 MB"),
    ],
    ids=["gif", "webp", "bmp", "pdf", "empty", "299-wide", "299-high", "1:2.6", "751x300", "10MB+1"],
)
def test_inspect_image_refuses_naming_the_rule(data: bytes, rule: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(rule)}$"):
        inspect_image(data)


def test_inspect_image_accepts_exactly_10_mb() -> None:
    assert inspect_image(padded_png(MAX_IMAGE_BYTES)) == ImageInfo("PNG", 400, 400)


# -- the emulator and the contract mock refuse the same raw bodies ------------------------------


@pytest.fixture
async def emulator_client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(keys={ACCESS_KEY: SECRET_KEY}, clock=lambda: NOW, tick_interval=None)
    headers = {"Authorization": f"Bearer {sign_token(ACCESS_KEY, SECRET_KEY, now=NOW)}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://testserver", headers=headers
    ) as c:
        yield c


@pytest.mark.parametrize(("fields", "field", "rule"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
async def test_the_emulator_refuses_the_same_bodies(
    emulator_client: httpx.AsyncClient, fields: dict[str, Any], field: str, rule: str
) -> None:
    response = await emulator_client.post("/v1/images/generations", json=create_body(fields))

    assert response.status_code == 400, response.text
    assert response.json()["code"] == 1201
    assert response.json()["message"].startswith(f"{field}: {rule}")


@pytest.mark.parametrize("fields", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
async def test_the_emulator_accepts_the_same_boundaries(
    emulator_client: httpx.AsyncClient, fields: dict[str, Any]
) -> None:
    response = await emulator_client.post("/v1/images/generations", json=create_body(fields))

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("fields", "field"), [c[1:] for c in BEYOND], ids=[c[0] for c in BEYOND])
async def test_the_emulator_refuses_beyond_the_capability_map_as_the_service_would(
    emulator_client: httpx.AsyncClient, fields: dict[str, Any], field: str
) -> None:
    """The spec's x-kling-capabilities: the emulator answers HTTP 400, code 1201, naming the field and model."""
    response = await emulator_client.post("/v1/images/generations", json=create_body(fields))

    assert response.status_code == 400, response.text
    assert response.json()["code"] == 1201
    model = fields.get("model_name", default_model())
    assert response.json()["message"].startswith(f"{field}: is not supported by {model}")


async def test_the_emulator_answers_an_unknown_model_as_the_spec_says(
    emulator_client: httpx.AsyncClient, spec: Spec
) -> None:
    """ModelName: "the server answers a model it does not have with an error (HTTP 404, code 1203 ...)"."""
    assert "(HTTP 404, code 1203" in _text(spec.document["components"]["schemas"]["ModelName"]["description"])
    response = await emulator_client.post("/v1/images/generations", json=create_body({"model_name": "kling-v9"}))

    assert response.status_code == 404, response.text
    assert response.json()["code"] == 1203
    assert spec.response_errors("createImageTask", 404, response.json()) == []


@pytest.fixture
def mock_client(mock_api: SpecMock) -> Iterator[httpx.Client]:
    mock_api.replay("createImageTask", (200, "submitted"))
    headers = {"Authorization": f"Bearer {sign_token(ACCESS_KEY, SECRET_KEY)}"}
    with httpx.Client(transport=mock_api.transport, base_url="https://api-singapore.klingai.com", headers=headers) as c:
        yield c


@pytest.mark.parametrize(("fields", "field"), [c[1:3] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_the_contract_mock_refuses_rule_breaking_creates(
    mock_api: SpecMock, mock_client: httpx.Client, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ContractViolation, match=re.escape(f"{field}: ")):
        mock_client.post("/v1/images/generations", json=create_body(fields))

    # Seen and recorded; cleared so the fixture's own check does not fail the test.
    assert mock_api.violations
    mock_api.violations.clear()


VALID_ANY_MODEL = [*[(c[0], c[1]) for c in BEYOND], *OTHER_MODELS, ("kling-v2-1", {"model_name": "kling-v2-1"})]


@pytest.mark.parametrize("fields", [c[1] for c in VALID_ANY_MODEL], ids=[c[0] for c in VALID_ANY_MODEL])
def test_the_contract_mock_accepts_a_rule_abiding_create_whatever_the_model(
    mock_client: httpx.Client, fields: dict[str, Any]
) -> None:
    """The contract is the spec: what the model supports is the server's call, not a contract violation."""
    response = mock_client.post("/v1/images/generations", json=create_body(fields))

    assert response.status_code == 200
