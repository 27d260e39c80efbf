"""One validator for the create request: every documented limit, crossed by one unit and met exactly.

``kling_spec.validate_create_body`` is what the SDK runs before sending, what the emulator runs on
receipt and what the contract mock runs on every create: the same raw bodies are refused (and
accepted) by all three, each refusal naming the field and the rule.
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
    IMAGE_ONLY_MODELS,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_RATIO,
    MIN_IMAGE_SIDE,
    ImageInfo,
    RequestValidationError,
    Spec,
    inspect_base64_image,
    inspect_image,
    validate_create_body,
)
from PIL import Image

from .spec_mock import ACCESS_KEY, SECRET_KEY, ContractViolation, SpecMock

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
    ("unknown model", {"model_name": "kling-v9"}, "body.model_name", "'kling-v9' is not one of kling-v1,"),
    ("unknown aspect ratio", {"aspect_ratio": "5:4"}, "body.aspect_ratio", "'5:4' is not one of"),
    ("unknown resolution", {"resolution": "4k"}, "body.resolution", "'4k' is not one of"),
    ("unknown reference", {"image_reference": "pose"}, "body.image_reference", "'pose' is not one of"),
    ("unknown field", {"seed": 1}, "body.seed", "is not a documented field"),
    ("watermark_info not an object", {"watermark_info": True}, "body.watermark_info", "must be of type object"),
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
        {"model_name": "kling-v1-5", "image_reference": "subject"},
        "body.image",
        "is required when body.image_reference is set",
    ),
    (
        "image_reference on kling-v1",
        {"image": URL_IMAGE, "image_reference": "face"},
        "body.image_reference",
        "is only supported by kling-v1-5, not kling-v1",
    ),
    (
        "image_reference on kling-v2",
        {"model_name": "kling-v2", "image": URL_IMAGE, "image_reference": "subject"},
        "body.image_reference",
        "is only supported by kling-v1-5, not kling-v2",
    ),
    (
        "kling-v1-5 image without reference",
        {"model_name": "kling-v1-5", "image": URL_IMAGE},
        "body.image_reference",
        "is required with kling-v1-5 when body.image is set",
    ),
    ("kling-v2-new without image", {"model_name": "kling-v2-new"}, "body.image", "is required by kling-v2-new"),
    ("kling-v1 at 21:9", {"aspect_ratio": "21:9"}, "body.aspect_ratio", "21:9 is not supported by kling-v1"),
    ("2k on kling-v1", {"resolution": "2k"}, "body.resolution", "2k is only supported by kling-v2 and kling-v2-1"),
    ("2k on kling-v1-5", {"model_name": "kling-v1-5", "resolution": "2k"}, "body.resolution", "2k is only supported"),
    (
        "2k on kling-v2-new",
        {"model_name": "kling-v2-new", "resolution": "2k", "image": URL_IMAGE},
        "body.resolution",
        "2k is only supported by kling-v2 and kling-v2-1, not kling-v2-new",
    ),
]

ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("defaults", {}),
    ("prompt of 2500 chars", {"prompt": "x" * 2500}),
    ("negative_prompt of 2500 chars", {"negative_prompt": "x" * 2500}),
    ("n of 1", {"n": 1}),
    ("n of 9", {"n": 9}),
    ("n of 2.0 (a JSON integer)", {"n": 2.0}),
    ("fidelities of 0", {"image": URL_IMAGE, "image_fidelity": 0, "human_fidelity": 0}),
    ("fidelities of 1", {"image": URL_IMAGE, "image_fidelity": 1, "human_fidelity": 1.0}),
    ("300x300 PNG", {"image": b64(image_bytes(300, 300))}),
    ("1:2.5 PNG", {"image": b64(image_bytes(300, 750))}),
    ("2.5:1 JPEG", {"image": b64(image_bytes(750, 300, "JPEG"))}),
    ("http URL", {"image": "http://example.com/a.jpg"}),
    ("empty image and negative prompt", {"image": "", "negative_prompt": "blurry"}),
    ("empty negative prompt with image", {"negative_prompt": "", "image": URL_IMAGE}),
    ("kling-v1-5 with reference", {"model_name": "kling-v1-5", "image": URL_IMAGE, "image_reference": "face"}),
    ("kling-v2 2k 21:9", {"model_name": "kling-v2", "resolution": "2k", "aspect_ratio": "21:9"}),
    ("kling-v2-1 2k", {"model_name": "kling-v2-1", "resolution": "2k"}),
    ("kling-v2-new restyles", {"model_name": "kling-v2-new", "image": b64(image_bytes(600, 300))}),
    ("every documented field", {"callback_url": "https://example.com/cb", "external_task_id": "o-1"}),
    # The docs set no format on callback_url: what the service may accept is not refused.
    ("callback_url of any form", {"callback_url": "not a uri"}),
    ("data: inside Base64-looking text", {"image": "https://example.com/data:x.png"}),
    ("watermark", {"watermark_info": {"enabled": True}}),
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
    with pytest.raises(RequestValidationError) as caught:
        validate_create_body({"prompt": "a cat", "model_name": "m" * 10_000})

    assert caught.value.field == "body.model_name"
    assert len(str(caught.value)) < 200


def test_the_image_limits_say_what_the_spec_text_says(spec: Spec) -> None:
    """The image limits are prose in the spec (they need the bytes): a change there must show here."""
    image = spec.document["components"]["schemas"]["CreateImageTaskRequest"]["properties"]["image"]["description"]
    assert f"at most {MAX_IMAGE_BYTES // (1024 * 1024)} MB" in image
    assert f"at least {MIN_IMAGE_SIDE} px" in " ".join(image.split())
    assert f"between 1:{MAX_IMAGE_RATIO:g} and {MAX_IMAGE_RATIO:g}:1" in image


def _accepted(spec: Spec, **fields: Any) -> bool:
    try:
        validate_create_body({"prompt": "a cat", **fields}, spec=spec)
    except RequestValidationError:
        return False
    return True


def test_the_prose_of_the_spec_says_what_its_rules_do(spec: Spec) -> None:
    """The descriptions users read in the generated docstrings restate the capability map: each statement is
    checked against what the spec's rules (allOf) accept, model by model."""
    schemas = spec.document["components"]["schemas"]
    models = schemas["ModelName"]["enum"]
    restyle_only = {m for m in models if not _accepted(spec, model_name=m)}
    image = {m: ({"image": URL_IMAGE} if m in restyle_only else {}) for m in models}
    with_reference = {m for m in models if _accepted(spec, model_name=m, image=URL_IMAGE, image_reference="subject")}
    high_res = {m for m in models if _accepted(spec, model_name=m, resolution="2k", **image[m])}
    without: dict[str, list[str]] = {
        m: [r for r in schemas["AspectRatio"]["enum"] if not _accepted(spec, model_name=m, aspect_ratio=r, **image[m])]
        for m in models
    }

    reference_text = " ".join(schemas["CreateImageTaskRequest"]["properties"]["image_reference"]["description"].split())
    assert f"Only {' and '.join(sorted(with_reference))} supports it" in reference_text
    assert f"(2K high-res; {' and '.join(sorted(high_res))})" in schemas["Resolution"]["description"]
    model_text = " ".join(schemas["ModelName"]["description"].split())
    for model in restyle_only:
        assert f"{model} does restyling of an input image only" in model_text
    ratio_text = " ".join(schemas["AspectRatio"]["description"].split())
    for model, ratios in without.items():
        if ratios:
            assert f"{model} has all but {', '.join(ratios)}" in ratio_text, model
            assert f"{model} has every aspect ratio but {', '.join(ratios)}" in model_text, model
    request_text = " ".join(schemas["CreateImageTaskRequest"]["description"].split())
    assert f"{' and '.join(sorted(restyle_only))} needs `image`" in request_text
    high_res_summary = request_text.split("2k is ", 1)[1]
    assert all(model in high_res_summary for model in high_res)
    assert "kling-v1-5, which in turn needs it" in request_text
    assert with_reference == {"kling-v1-5"}


def test_the_emulators_restyle_only_models_are_the_specs(spec: Spec) -> None:
    """IMAGE_ONLY_MODELS (the emulator sizes their output after the input) is the spec's rule restated."""
    refused: dict[str, str] = {}
    for model in spec.document["components"]["schemas"]["ModelName"]["enum"]:
        try:
            validate_create_body({"prompt": "a cat", "model_name": model}, spec=spec)
        except RequestValidationError as error:
            refused[model] = error.field
    assert refused == dict.fromkeys(IMAGE_ONLY_MODELS, "body.image")


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


def test_the_contract_mock_accepts_a_rule_abiding_create(mock_client: httpx.Client) -> None:
    response = mock_client.post("/v1/images/generations", json={"prompt": "a cat", "model_name": "kling-v2-1"})

    assert response.status_code == 200
