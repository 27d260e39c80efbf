"""parse_callback: the spec's task shapes parse to the generated model; anything else is a ValidationError."""

from __future__ import annotations

import copy
import datetime
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kling import ValidationError
from kling._callbacks import parse_callback
from kling._constants import CALLBACK_MAX_BYTES, CALLBACK_MAX_DEPTH
from kling_api.models import FinalBalanceDeduction, ImageTaskCallback, TaskStatus
from kling_spec import load_spec

SPEC = load_spec()
EXAMPLES: dict[str, dict[str, Any]] = {
    name: envelope["data"] for name, envelope in SPEC.examples("getImageTask", 200).items()
}
SUCCEED: dict[str, Any] = EXAMPLES["succeed"]


def changed(**fields: Any) -> dict[str, Any]:
    """The succeed example with some fields replaced (a value of ... removes the field)."""
    data = copy.deepcopy(SUCCEED)
    for name, value in fields.items():
        if value is ...:
            del data[name]
        else:
            data[name] = value
    return data


def as_bytes(data: Any) -> bytes:
    return json.dumps(data).encode()


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("encode", [as_bytes, json.dumps, copy.deepcopy], ids=["bytes", "str", "mapping"])
def test_every_documented_task_shape_parses(name: str, encode: Any) -> None:
    data = EXAMPLES[name]

    callback = parse_callback(encode(data))

    assert isinstance(callback, ImageTaskCallback)
    assert callback.task_status == TaskStatus(data["task_status"])
    assert callback.to_dict() == data


def test_the_succeed_shape_carries_the_image_urls() -> None:
    callback = parse_callback(as_bytes(SUCCEED))

    assert [image.url for image in callback.task_result.images] == [  # type: ignore[union-attr]
        image["url"] for image in SUCCEED["task_result"]["images"]
    ]


def test_the_succeed_shape_carries_the_charge() -> None:
    callback = parse_callback(as_bytes(SUCCEED))

    assert callback.final_unit_deduction == SUCCEED["final_unit_deduction"]
    assert isinstance(callback.final_balance_deduction, FinalBalanceDeduction)
    assert callback.final_balance_deduction.to_dict() == SUCCEED["final_balance_deduction"]


def test_an_unknown_task_status_is_accepted_for_forward_compatibility() -> None:
    callback = parse_callback(as_bytes(changed(task_status="queued", extra_field={"new": 1})))

    assert callback.task_status == "queued"
    assert not callback.task_status.is_known
    assert callback.additional_properties == {"extra_field": {"new": 1}}


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"x": value}
    return value


def self_containing() -> dict[str, Any]:
    data = changed()
    data["loop"] = data
    return data


BROKEN: list[tuple[str, Any, str, str]] = [
    # (id, body, field, words of the rule)
    ("empty", b"", "callback", "not valid JSON"),
    ("html", b"<html><body>hi</body></html>", "callback", "not valid JSON"),
    ("truncated", as_bytes(SUCCEED)[:-5], "callback", "not valid JSON"),
    ("not-utf8", b'{"task_id": "\xff\xfe"}', "callback", "not UTF-8"),
    ("nan", as_bytes(SUCCEED).replace(b"1722769557708", b"NaN", 1), "callback", "NaN is not valid JSON"),
    ("infinity", json.dumps(SUCCEED).replace("1722769557708", "-Infinity", 1), "callback", "Infinity"),
    ("duplicate-key", '{"task_id": "a", "task_id": "b"}', "callback", "duplicate key 'task_id'"),
    ("array", b"[]", "callback", "must be a JSON object"),
    ("null", b"null", "callback", "must be a JSON object"),
    ("huge-int", json.dumps(SUCCEED).replace("1722769557708", "1" * 5000, 1), "callback", "not valid JSON"),
    ("deep-array", "[" * 100_000 + "]" * 100_000, "callback", "nested deeper"),
    ("deep-object", as_bytes(changed(extra=nested(CALLBACK_MAX_DEPTH))), "callback", "nested deeper"),
    ("too-big", b" " * CALLBACK_MAX_BYTES + as_bytes(SUCCEED), "callback", f"over {CALLBACK_MAX_BYTES}"),
    ("no-task-id", as_bytes(changed(task_id=...)), "callback.task_id", "is required"),
    ("created-yesterday", as_bytes(changed(created_at="yesterday")), "callback.created_at", "not of type"),
    ("status-number", as_bytes(changed(task_status=5)), "callback.task_status", "not of type"),
    (
        "balance-as-number",
        as_bytes(changed(final_balance_deduction={"quota": 0.028, "list_price": "0.028"})),
        "callback.final_balance_deduction.quota",
        "not of type",
    ),
    (
        "balance-as-string",
        as_bytes(changed(final_balance_deduction="0.028")),
        "callback.final_balance_deduction",
        "not of type",
    ),
    (
        "image-without-url",
        as_bytes(changed(task_result={"images": [{"index": 0}]})),
        "callback.task_result.images.0.url",
        "is required",
    ),
    (
        "image-index-12",
        as_bytes(changed(task_result={"images": [{"index": 12, "url": "https://x.example/a.png"}]})),
        "callback.task_result.images.0.index",
        "maximum",
    ),
    ("self-containing-mapping", self_containing(), "callback", "nested deeper"),
    ("mapping-with-a-date", changed(created_at=datetime.date(2024, 1, 1)), "callback", "not JSON data"),
    ("wrong-type", 42, "callback", "must be bytes, str or a mapping"),
]


@pytest.mark.parametrize(("body", "field", "rule"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_a_broken_body_is_a_validation_error_naming_the_field(body: Any, field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_callback(body)

    assert caught.value.field == field
    assert rule in caught.value.rule
    assert isinstance(caught.value, ValueError)
    assert len(str(caught.value)) < 300


def test_nesting_up_to_the_limit_is_fine() -> None:
    callback = parse_callback(as_bytes(changed(extra=nested(CALLBACK_MAX_DEPTH - 1))))

    assert "extra" in callback.additional_properties


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        json_values.map(json.dumps),
        st.dictionaries(st.sampled_from(sorted(SUCCEED)), json_values).map(lambda d: {**SUCCEED, **d}),
    )
)
def test_never_a_raw_exception(body: bytes | str | dict[str, Any]) -> None:
    # Any exception but a ValidationError fails the test.
    try:
        callback = parse_callback(body)
    except ValidationError:
        return
    assert isinstance(callback, ImageTaskCallback)
    assert isinstance(callback.created_at, int)
    assert isinstance(callback.task_id, str)
