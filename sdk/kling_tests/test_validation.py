"""Checked before any request: every documented limit crossed by one unit is refused, naming field and rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kling
import pytest
from kling_api.models import AspectRatio, CreateImageTaskRequest, ModelName, WatermarkInfo

from testsupport.spec_mock import SpecMock

from ._helpers import CREATE_TASK, AnyKling, b64, call, image_file_bytes, sent_bodies

TEN_MB = 10 * 1024 * 1024
PNG_300 = image_file_bytes(300, 300)


@pytest.fixture
def accepted(mock: SpecMock) -> SpecMock:
    mock.replay(CREATE_TASK, (200, "submitted"))
    return mock


REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("prompt 2501", {"prompt": "x" * 2501}, "prompt"),
    ("negative 2501", {"negative_prompt": "x" * 2501}, "negative_prompt"),
    ("n 0", {"n": 0}, "n"),
    ("n 10", {"n": 10}, "n"),
    ("n bool", {"n": True}, "n"),
    ("image_fidelity -0.01", {"image_fidelity": -0.01}, "image_fidelity"),
    ("image_fidelity 1.01", {"image_fidelity": 1.01}, "image_fidelity"),
    ("human_fidelity 1.01", {"human_fidelity": 1.01}, "human_fidelity"),
    ("model not text", {"model_name": 3}, "model_name"),
    ("unknown ratio", {"aspect_ratio": "5:4"}, "aspect_ratio"),
    ("unknown resolution", {"resolution": "4k"}, "resolution"),
    ("unknown reference", {"image_reference": "body"}, "image_reference"),
    ("unknown keyword", {"colour": "red"}, "colour"),
    ("11 elements", {"element_list": [{"element_id": i} for i in range(11)]}, "element_list"),
    (
        "10 elements beside an image",
        {"image": b64(PNG_300), "element_list": [{"element_id": i} for i in range(10)]},
        "element_list",
    ),
    ("element id text", {"element_list": [{"element_id": "abc"}]}, "element_list.0"),
    ("element without id", {"element_list": [{}]}, "element_list.0"),
    ("elements not a list", {"element_list": {"element_id": 1}}, "element_list"),
    ("negative prompt with image", {"image": b64(PNG_300), "negative_prompt": "blur"}, "negative_prompt"),
    ("reference without image", {"model_name": "kling-v2-1", "image_reference": "subject"}, "image"),
    ("299 px base64", {"image": b64(image_file_bytes(299, 400))}, "image"),
]


@pytest.mark.parametrize(("fields", "field"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
async def test_a_limit_crossed_is_refused_before_sending(
    client: AnyKling, accepted: SpecMock, fields: dict[str, Any], field: str
) -> None:
    fields = dict(fields)
    prompt = fields.pop("prompt", "a cat")
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.create(prompt, **fields))
    assert raised.value.field == field, raised.value
    assert raised.value.rule
    assert isinstance(raised.value, ValueError)
    assert accepted.raw_requests == []


def test_an_unknown_enum_value_lists_the_allowed_ones() -> None:
    from kling._requests import build_create_request

    with pytest.raises(kling.ValidationError) as raised:
        build_create_request("a cat", {"aspect_ratio": "5:4"})
    assert "16:9" in raised.value.rule
    assert "21:9" in raised.value.rule


ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("prompt 2500", {"prompt": "x" * 2500}),
    ("n 1", {"n": 1}),
    ("n 9", {"n": 9}),
    ("fidelity 0 and 1", {"image_fidelity": 0, "human_fidelity": 1}),
    ("enum members", {"model_name": ModelName.KLING_V3, "aspect_ratio": AspectRatio.RATIO_21_9, "resolution": "2k"}),
    ("10 elements", {"element_list": [{"element_id": i} for i in range(10)]}),
    ("9 elements beside an image", {"image": b64(PNG_300), "element_list": [{"element_id": i} for i in range(9)]}),
    ("watermark mapping", {"watermark_info": {"enabled": True}}),
    ("watermark model", {"watermark_info": WatermarkInfo(enabled=False)}),
]


@pytest.mark.parametrize("fields", [r[1] for r in ACCEPTED], ids=[r[0] for r in ACCEPTED])
async def test_the_boundaries_are_accepted_and_sent(
    client: AnyKling, accepted: SpecMock, fields: dict[str, Any]
) -> None:
    fields = dict(fields)
    prompt = fields.pop("prompt", "a cat")
    await call(client.images.create(prompt, **fields))
    [body] = sent_bodies(accepted)
    assert body["prompt"] == prompt


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("size", "image_format"),
    [((300, 300), "PNG"), ((300, 750), "JPEG"), ((750, 300), "PNG")],
    ids=["300px", "1:2.5", "2.5:1"],
)
@pytest.mark.parametrize("as_path", [True, False], ids=["PathLike", "str"])
async def test_a_local_image_is_read_checked_and_encoded(
    client: AnyKling, accepted: SpecMock, tmp_path: Path, size: tuple[int, int], image_format: str, as_path: bool
) -> None:
    data = image_file_bytes(*size, image_format)
    path = _write(tmp_path / f"ref.{image_format.lower()}", data)
    await call(client.images.create("a cat", image=path if as_path else str(path)))
    [body] = sent_bodies(accepted)
    assert body["image"] == b64(data)


@pytest.mark.parametrize(
    ("make_file", "rule_part"),
    [
        (lambda: image_file_bytes(299, 300), "300 px"),
        (lambda: image_file_bytes(300, 780), "aspect"),
        (lambda: image_file_bytes(300, 300, "GIF"), "GIF"),
        (lambda: b"not an image at all", "JPG or PNG"),
    ],
    ids=["299px", "1:2.6", "gif", "garbage"],
)
async def test_a_bad_local_image_is_refused_before_sending(
    client: AnyKling, accepted: SpecMock, tmp_path: Path, make_file: Any, rule_part: str
) -> None:
    path = _write(tmp_path / "ref.img", make_file())
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.create("a cat", image=path))
    assert raised.value.field == "image"
    assert rule_part in raised.value.rule
    assert accepted.raw_requests == []


async def test_a_file_over_10_mb_is_refused_without_being_read(
    client: AnyKling, accepted: SpecMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.png"
    with path.open("wb") as handle:
        handle.write(PNG_300)
        handle.truncate(TEN_MB + 1)  # sparse: one byte over the limit
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.create("a cat", image=path))
    assert raised.value.field == "image"
    assert "10 MB" in raised.value.rule
    assert accepted.raw_requests == []


async def test_a_data_uri_prefix_is_stripped(client: AnyKling, accepted: SpecMock) -> None:
    await call(client.images.create("a cat", image="data:image/png;base64," + b64(PNG_300)))
    [body] = sent_bodies(accepted)
    assert body["image"] == b64(PNG_300)


async def test_urls_and_bare_base64_go_as_they_are(client: AnyKling, accepted: SpecMock) -> None:
    await call(client.images.create("a cat", image="https://example.com/ref.png"))
    await call(client.images.create("a cat", image=b64(PNG_300)))
    assert [body["image"] for body in sent_bodies(accepted)] == ["https://example.com/ref.png", b64(PNG_300)]


async def test_a_missing_file_path_is_not_sent_as_base64(client: AnyKling, accepted: SpecMock, tmp_path: Path) -> None:
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.create("a cat", image=tmp_path / "missing.png"))
    assert raised.value.field == "image"
    assert accepted.raw_requests == []


async def test_a_request_object_is_accepted_and_fields_override_it(client: AnyKling, accepted: SpecMock) -> None:
    request = CreateImageTaskRequest(prompt="a cat", n=2, model_name=ModelName.KLING_V2_1)
    await call(client.images.create(request, n=3))
    [body] = sent_bodies(accepted)
    assert (body["prompt"], body["n"], body["model_name"]) == ("a cat", 3, "kling-v2-1")
    assert request.n == 2  # the caller's object is left alone


@pytest.mark.parametrize("prompt", [None, 42, b"bytes"])
async def test_a_prompt_must_be_text(client: AnyKling, accepted: SpecMock, prompt: Any) -> None:
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.create(prompt))
    assert raised.value.field == "prompt"


def test_the_validator_is_the_shared_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # A rule added to kling_spec reaches the SDK with no change here.
    import kling_spec
    from kling._requests import build_create_request

    def stricter(body: Any) -> None:
        raise kling_spec.RequestValidationError("body.prompt", "a new rule")

    monkeypatch.setattr(kling_spec, "validate_create_body", stricter)
    with pytest.raises(kling.ValidationError) as raised:
        build_create_request("a cat", {})
    assert (raised.value.field, raised.value.rule) == ("prompt", "a new rule")
