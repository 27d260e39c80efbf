"""Property tests: spec-generated requests go through the generated models and client unchanged.

schemathesis derives request data from the spec; each value is parsed by the generated
model, sent by the generated client through the validating mock, and what reaches the
wire must equal it and be valid. A fresh mock per example (no function-scoped fixture
inside @given: hypothesis would reuse it across examples).
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from kling_api.api.images import create_image_task, list_image_tasks
from kling_api.models import CreateImageTaskRequest, CreateImageTaskResponse, ImageTaskListResponse
from kling_auth import authenticated_client
from kling_spec import SPEC_PATH, RequestValidationError, load_spec
from kling_spec._spec import check_json_limits

from testsupport.spec_mock import ACCESS_KEY, BASE_URL, SECRET_KEY, SpecMock

SCHEMA = schemathesis.openapi.from_path(str(SPEC_PATH))
DEEP = os.environ.get("KLING_CONTRACT_PROFILE") == "deep"
PROPERTY_SETTINGS = settings(
    max_examples=500 if DEEP else 60,
    derandomize=not DEEP,  # CI runs are reproducible; `make contract-deep` explores
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)


def _mock_and_client() -> tuple[SpecMock, Any]:
    # Schema-generated bodies keep the cross-field rules (they are in the schema), but their images are
    # random strings: the schema only, rules included, here; openapi/kling_spec_tests/test_rules.py covers the
    # image checks.
    mock = SpecMock(load_spec(), check_rules=False)
    client = authenticated_client(ACCESS_KEY, SECRET_KEY, base_url=BASE_URL, httpx_args={"transport": mock.transport})
    return mock, client


def _beyond_json_limits(body: Any) -> bool:
    """Whether kling_spec refuses the body before its schema sees it: an integer of 64 bits or more, nesting deeper
    than 32 levels (no field of the API comes close). The spec's open objects (``watermark_info`` takes any
    extra key) let schemathesis generate such values; test_odd_values.py covers them."""
    try:
        check_json_limits(body, "body")
    except RequestValidationError:
        return True
    return False


@PROPERTY_SETTINGS
@given(case=SCHEMA["/v1/images/generations"]["POST"].as_strategy())
def test_generated_create_bodies_reach_the_wire_unchanged(case: Any) -> None:
    body = case.body
    assume(not _beyond_json_limits(body))
    mock, client = _mock_and_client()
    mock.replay("createImageTask", (200, "submitted"))

    model = CreateImageTaskRequest.from_dict(body)
    response = create_image_task.sync_detailed(client=client, body=model)

    assert not mock.violations
    assert json.loads(mock.raw_requests[-1].content) == body
    assert isinstance(response.parsed, CreateImageTaskResponse)
    assert model.to_dict() == body


@PROPERTY_SETTINGS
@given(
    page_num=st.none() | st.integers(min_value=1, max_value=1000),
    page_size=st.none() | st.integers(min_value=1, max_value=500),
)
def test_generated_paging_reaches_the_wire_unchanged(page_num: int | None, page_size: int | None) -> None:
    mock, client = _mock_and_client()
    mock.replay("listImageTasks", (200, "onePage"))
    kwargs: dict[str, Any] = {k: v for k, v in (("page_num", page_num), ("page_size", page_size)) if v is not None}

    response = list_image_tasks.sync_detailed(client=client, **kwargs)

    assert not mock.violations
    assert isinstance(response.parsed, ImageTaskListResponse)
    # Query defaults are filled in by the generated function: the documented 1 and 30.
    expected = {"pageNum": 1 if page_num is None else page_num, "pageSize": 30 if page_size is None else page_size}
    assert mock.requests[-1].query == expected


@PROPERTY_SETTINGS
@given(case=SCHEMA["/v1/images/generations"]["POST"].as_strategy(schemathesis.GenerationMode.NEGATIVE))
def test_the_mock_refuses_what_the_spec_forbids(case: Any) -> None:
    """The other half of the property: an off-spec body never passes the mock's check."""
    mock = SpecMock(load_spec(), verify_auth=False)
    mock.replay("createImageTask", (200, "submitted"))
    try:
        payload = json.dumps(case.body).encode()
    except (TypeError, ValueError):
        return  # not JSON at all: nothing a JSON client could send
    errors = list(
        mock.spec.validator(
            "#/paths/~1v1~1images~1generations/post/requestBody/content/application~1json/schema"
        ).iter_errors(case.body)
    )
    if not errors:
        return  # schemathesis mutated something outside the body (headers, say)
    try:
        mock.spec.validate_request("POST", "/v1/images/generations", content_type="application/json", body=payload)
    except ValueError:
        return
    raise AssertionError(f"an off-spec body was accepted: {case.body!r}")
